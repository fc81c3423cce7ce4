"""Gates that must not pass on a config that means something else, on NaN,
or on a table that lost every row (issue 24, items 4-7 and the config's
"exit 70" cases).

A YAML key given twice, a YAML 1.1 boolean as a value-map key, an octal
number, a value outside its domain: each is a config error (exit 2) at its
line, never a silent other meaning. A formula that overflows is unavailable,
so a gate on it is an error (exit 1), and JSON never holds NaN. ``--lenient``
never turns a table into zeros, whatever ``--max-skipped`` says.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from _hostile import PERIOD, Outcome, Scene, kpi_values, write_rows


def _report_with(scene: Scene, config: str, *args: str) -> Outcome:
    path = scene.config(config)
    return scene.report("-c", str(path), *args)


def _check_with(scene: Scene, config: str, *args: str) -> Outcome:
    path = scene.config(config)
    return scene.run("check", "-d", str(scene.data), *PERIOD, "-c", str(path), *args)


def _strict_json(text: str) -> Any:
    """JSON as RFC 8259 has it: NaN and Infinity are not numbers there."""

    def refuse(name: str) -> None:
        raise AssertionError(f"{name} in JSON")

    return json.loads(text, parse_constant=refuse)


# --- YAML means one thing (item 4) ---------------------------------------------------

# A second kpis: silently replaced the first, and its gate with it (exit 0).
_GATE_SWITCHED_OFF = """\
kpis:
  - revenue:
      fail: "> 1"
title: Sales
kpis:
  - new_customers
"""


def test_a_second_kpis_key_is_an_error_naming_both_lines(scene: Scene) -> None:
    outcome = _check_with(scene, _GATE_SWITCHED_OFF)
    scene.assert_refused(
        outcome, 2, 'crmkpi.yaml, line 5: key "kpis" is given twice (first on line 1)'
    )


def test_a_key_given_twice_deep_in_the_config_is_an_error(scene: Scene) -> None:
    config = "sources:\n  deals:\n    decimal: ','\n    separator: ';'\n    decimal: '.'\n"
    outcome = _report_with(scene, config)
    scene.assert_refused(
        outcome, 2, 'crmkpi.yaml, line 5: key "decimal" is given twice (first on line 3)'
    )


def _status_words(scene: Scene, words: dict[str, str]) -> None:
    """deals.csv with its statuses written as other words."""
    rows = scene.rows("deals.csv")
    column = rows[0].index("status")
    for row in rows[1:]:
        row[column] = words[row[column]]

    write_rows(scene.data / "deals.csv", rows)


@pytest.mark.parametrize(("won", "lost"), [("yes", "no"), ("on", "off"), ("Yes", "No"), ("y", "n")])
def test_yaml_booleans_as_value_map_keys_are_the_words_written(
    scene: Scene, baseline: dict[str, Any], won: str, lost: str
) -> None:
    """YAML 1.1 reads yes/no/on/off keys as true/false, so no cell matched and
    the catch-all made every deal open: revenue 0, exit 0."""
    _status_words(scene, {"won": won, "lost": lost, "open": "maybe"})
    config = (
        f'sources:\n  deals:\n    values:\n      status: {{{won}: won, {lost}: lost, "*": open}}\n'
    )
    outcome = _report_with(scene, config)
    assert outcome.code == 0, outcome
    report = _strict_json(scene.out.read_text(encoding="utf-8"))
    got, expected = kpi_values(report), kpi_values(baseline)
    assert got["revenue"] == expected["revenue"]
    assert got["win_rate"] == expected["win_rate"]
    assert expected["revenue"][0] > 0  # the sample won deals in October


@pytest.mark.parametrize(
    ("config", "words"),
    [
        ("fiscal_year_start: 010\n", ["line 1: 010 is ambiguous", "write 10", '"010" in quotes']),
        ("sla: {first_response_hours: 1:30}\n", ["line 1: 1:30 is ambiguous", "base 60"]),
        ("trend: 07\n", ["line 1: 07 is ambiguous", "write 7"]),
    ],
)
def test_numbers_yaml_reads_as_octal_or_base_60_are_errors(
    scene: Scene, config: str, words: list[str]
) -> None:
    outcome = _report_with(scene, config)
    scene.assert_refused(outcome, 2, *(f"crmkpi.yaml, {w}" if "line" in w else w for w in words))


# --- the config's domains (item 7) ------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "line", "words"),
    [
        ("sla:\n  first_response_hours: 0\n", 2, "sla.first_response_hours is 0; expected a number above 0"),
        ("sla:\n  first_response_hours: -4\n", 2, "is -4; expected a number above 0"),
        ("clv:\n  gross_margin: -0.2\n", 2, "clv.gross_margin is -0.2; expected a margin from 0 to 1"),
        ("clv:\n  gross_margin: 70\n", 2, "expected a margin from 0 to 1 (write 0.7 for 70%)"),
        ("clv:\n  max_lifespan_years: 0\n", 2, "clv.max_lifespan_years is 0; expected a number above 0"),
        ("clv:\n  max_lifespan_years: .inf\n", 2, "clv.max_lifespan_years is inf; expected a number"),
        ("stage_probability:\n  Proposal: 0.5\n  Negotiation: 1.5\n", 3, "expected a probability from 0 to 1"),
        ("stage_probability:\n  Proposal: -0.1\n", 2, "stage_probability.Proposal is -0.1"),
        ("sources:\n  deals:\n    amount_factor: .nan\n", 3, "amount_factor is nan; expected a number"),
    ],
)  # fmt: skip
def test_config_values_outside_their_domain(
    scene: Scene, config: str, line: int, words: str
) -> None:
    outcome = _report_with(scene, config)
    scene.assert_refused(outcome, 2, f"crmkpi.yaml, line {line}:", words)


# --- no NaN anywhere (item 5) ------------------------------------------------------------

_HUGE = "1" + "0" * 308  # 1e308: revenue times it is infinite, and inf - inf is NaN
_NAN_FORMULA = f"""\
kpis:
  - revenue
  - id: overflow
    formula: "revenue * {_HUGE} - revenue * {_HUGE}"
    fail: "> 1"
"""


def test_a_formula_giving_nan_is_unavailable_and_its_gate_an_error(scene: Scene) -> None:
    """It passed `fail if > 1` (NaN > 1 is false) and wrote NaN into JSON."""
    outcome = _check_with(scene, _NAN_FORMULA)
    assert outcome.code == 1, outcome
    assert "ERROR" in outcome.stdout
    assert "too large for a number" in outcome.stdout
    assert "Traceback" not in outcome.output


def test_json_is_strict_when_a_formula_overflows(scene: Scene) -> None:
    outcome = _report_with(scene, _NAN_FORMULA)
    assert outcome.code == 0, outcome
    text = scene.out.read_text(encoding="utf-8")
    assert "NaN" not in text
    assert "Infinity" not in text
    kpi = next(k for k in _strict_json(text)["kpis"] if k["id"] == "overflow")
    assert kpi["value"] is None
    assert kpi["reason"] == "the formula's product is too large for a number"


def test_a_formula_number_too_large_for_a_float_is_a_config_error(scene: Scene) -> None:
    config = f'kpis:\n  - revenue\n  - id: x\n    formula: "revenue * 1{"0" * 400}"\n'
    outcome = _report_with(scene, config)
    scene.assert_refused(outcome, 2, "crmkpi.yaml, line 4: formula", "is too large")


def test_an_unavailable_kpi_under_a_gate_is_an_error_unless_allowed(scene: Scene) -> None:
    (scene.data / "tickets.csv").unlink()
    gate = 'kpis:\n  - revenue\n  - first_response_sla_rate:\n      fail: "< 10%"\n'
    outcome = _check_with(scene, gate)
    assert outcome.code == 1, outcome
    assert "ERROR" in outcome.stdout
    allowed = gate + "      allow_missing: true\n"
    outcome = _check_with(scene, allowed)
    assert outcome.code == 0, outcome


# --- lenient has a floor (item 6) --------------------------------------------------------


def _break_every_deal(scene: Scene) -> int:
    rows = scene.rows("deals.csv")
    column = rows[0].index("created_at")
    for row in rows[1:]:
        row[column] = "someday"

    write_rows(scene.data / "deals.csv", rows)
    return len(rows) - 1


@pytest.mark.parametrize("limit", ["100%", "1"])
def test_lenient_never_reports_a_table_that_lost_every_row(scene: Scene, limit: str) -> None:
    """--max-skipped 100% let every deal go: revenue 0 and a passing gate."""
    rows = _break_every_deal(scene)
    config = 'kpis:\n  - revenue:\n      fail: "> 100000000"\n'
    outcome = _check_with(scene, config, "--max-skipped", limit)
    assert outcome.code == 3, outcome
    assert f"deals: --lenient skipped every row ({rows} of {rows})" in outcome.stderr
    assert "Traceback" not in outcome.output


def test_lenient_with_every_row_skipped_writes_no_report(scene: Scene) -> None:
    _break_every_deal(scene)
    outcome = scene.report("--max-skipped", "100%")
    scene.assert_refused(outcome, 3, "deals: --lenient skipped every row")


# --- user mistakes that were exit 70 -----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("title: a\0b\n", "crmkpi.yaml, line 1: a NUL byte"),
        ("title: x\nkpis: [revenue]\n# \0\n", "crmkpi.yaml, line 3: a NUL byte"),
        ('title: "Sales \\ud800"\n', "crmkpi.yaml, line 1: the text holds \\ud800"),
        ("timezone: Factory\n", "crmkpi.yaml, line 1: unknown time zone 'Factory'"),
        ("sources:\n  tickets:\n    timezone: localtime\n", "line 3: unknown time zone"),
    ],
)
def test_config_text_that_crashed_is_a_config_error(scene: Scene, text: str, words: str) -> None:
    path = scene.root / "crmkpi.yaml"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    outcome = scene.report("-c", str(path))
    scene.assert_refused(outcome, 2, words)


def test_a_filter_cast_that_fails_only_on_the_data_is_a_config_error(scene: Scene) -> None:
    config = 'kpis:\n  - id: x\n    base: revenue\n    filter: "CAST(owner AS INTEGER) > 3"\n'
    outcome = _report_with(scene, config)
    scene.assert_refused(
        outcome, 2, "crmkpi.yaml, line 2: the filter of x fails on the data", "TRY_CAST"
    )


def test_try_cast_in_a_filter_reads_the_data(scene: Scene) -> None:
    config = 'kpis:\n  - id: x\n    base: revenue\n    filter: "TRY_CAST(owner AS INTEGER) > 3"\n'
    outcome = _report_with(scene, config)
    assert outcome.code == 0, outcome
    assert kpi_values(_strict_json(scene.out.read_text(encoding="utf-8")))["x"][0] == 0


def _chain(length: int) -> str:
    entries = ["kpis:", "  - revenue", "  - id: f0", "    formula: revenue"]
    for i in range(1, length):
        entries += [f"  - id: f{i}", f"    formula: f{i - 1} + revenue"]
    return "\n".join(entries) + "\n"


def test_a_chain_of_1500_formulas_is_a_config_error(scene: Scene) -> None:
    outcome = _report_with(scene, _chain(1500))
    # f32 is the 33rd formula of the chain, on line 3 + 2 * 32.
    scene.assert_refused(
        outcome, 2, "crmkpi.yaml, line 67: formula of f32", "more than 32 levels deep"
    )


def test_a_chain_of_32_formulas_is_computed(scene: Scene, baseline: dict[str, Any]) -> None:
    outcome = _report_with(scene, _chain(32))
    assert outcome.code == 0, outcome
    values = kpi_values(_strict_json(scene.out.read_text(encoding="utf-8")))
    revenue = kpi_values(baseline)["revenue"][0]
    assert values["f31"][0] == pytest.approx(32 * revenue)
