"""Threshold conditions: the grammar of SPEC.md "Config", percent semantics, errors."""

from __future__ import annotations

import re

import pytest

from crmkpi.conditions import parse_condition, parse_value
from crmkpi.errors import ConfigError

WHERE = "crmkpi.yaml, line 7"


@pytest.mark.parametrize(
    ("text", "percent_kpi", "value", "holds"),
    [
        ("> 5%", True, 0.05, False),  # 5% is not > 5%
        ("> 5%", True, 0.0501, True),
        ("> 0.05", True, 0.0501, True),  # a bare number on a percent KPI is a fraction
        (">= 5%", True, 0.05, True),
        ("< 20", False, 19.99, True),
        ("<= 20", False, 20, True),
        ("== 0", False, 0, True),
        ("!= 0", False, 0, False),
        ("between 2% and 4%", True, 0.02, True),  # inclusive
        ("between 2% and 4%", True, 0.04, True),
        ("between 2% and 4%", True, 0.0401, False),
        ("BETWEEN 10 and 20", False, 9.99, False),
        ("  >=1e3 ", False, 1000, True),
    ],
)
def test_condition_holds(text: str, percent_kpi: bool, value: float, holds: bool) -> None:
    condition = parse_condition(text, is_percent_kpi=percent_kpi, where=WHERE)
    assert condition.holds(value) is holds
    assert condition.text == text.strip()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("> five", "'> five' is not a condition like '> 5%'"),
        ("=> 5", "'=> 5' is not a condition"),
        ("between 4 and 2", "has its bounds the wrong way round"),
        ("> 5; drop table", "is not a condition"),
        ("__import__('os')", "is not a condition"),
    ],
)
def test_bad_conditions_are_config_errors(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_condition(text, is_percent_kpi=False, where=WHERE)
    assert str(info.value).startswith(f"{WHERE}: ")
    assert message in str(info.value)


def test_percent_sign_on_a_count_is_an_error() -> None:
    with pytest.raises(ConfigError, match="'%' is only for percent KPIs"):
        parse_condition("> 5%", is_percent_kpi=False, where=WHERE)


def test_bare_number_condition_asks_for_a_comparison() -> None:
    with pytest.raises(ConfigError, match=re.escape("has no comparison; write e.g. '>= 5'")):
        parse_condition(5, is_percent_kpi=False, where=WHERE)


@pytest.mark.parametrize(
    ("text", "percent_kpi", "expected"),
    [
        ("30%", True, 0.3),
        ("0.3", True, 0.3),
        (0.3, True, 0.3),
        (1200, False, 1200.0),
        ("1200", False, 1200.0),
    ],
)
def test_target_values(text: object, percent_kpi: bool, expected: float) -> None:
    assert parse_value(text, is_percent_kpi=percent_kpi, where=WHERE) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["thirty", True, None, "30 %%"])
def test_bad_target_values(text: object) -> None:
    with pytest.raises(ConfigError, match="is not a number"):
        parse_value(text, is_percent_kpi=True, where=WHERE)
