"""Custom KPIs: the formula parser and evaluator, and SQL filters that cannot run code."""

from __future__ import annotations

import polars as pl
import pytest

from crmkpi.custom import (
    Binary,
    Negate,
    Number,
    Ref,
    compile_filter,
    evaluate,
    filter_columns,
    formula_refs,
    parse_formula,
)
from crmkpi.errors import ConfigError

W = "crmkpi.yaml, line 9"


def test_precedence_and_parentheses() -> None:
    assert parse_formula("a + b * 2", W) == Binary(
        "+", Ref("a"), Binary("*", Ref("b"), Number(2.0))
    )
    assert parse_formula("(a + b) * 2", W) == Binary(
        "*", Binary("+", Ref("a"), Ref("b")), Number(2.0)
    )
    assert parse_formula("a - b - c", W) == Binary("-", Binary("-", Ref("a"), Ref("b")), Ref("c"))
    assert parse_formula("-a / .5", W) == Binary("/", Negate(Ref("a")), Number(0.5))


def test_refs_in_order_without_repeats() -> None:
    assert formula_refs(parse_formula("revenue / won_deals + revenue", W)) == (
        "revenue",
        "won_deals",
    )


@pytest.mark.parametrize(
    ("formula", "values", "expected"),
    [
        ("revenue / active_customers", {"revenue": 1500.0, "active_customers": 2.0}, (750.0, None)),
        ("(a - b) * 2 + -c", {"a": 5.0, "b": 3.0, "c": 1.0}, (3.0, None)),
        ("a / b", {"a": 1.0, "b": 0.0}, (None, "division by zero in the formula")),
        ("a * b", {"a": 1.0, "b": None}, (None, "b: no deals won in period")),
        ("0 / a", {"a": 4.0}, (0.0, None)),
    ],
)
def test_evaluate(
    formula: str, values: dict[str, float | None], expected: tuple[object, object]
) -> None:
    operands = {
        k: (v, None if v is not None else "no deals won in period") for k, v in values.items()
    }
    assert evaluate(parse_formula(formula, W), operands) == expected


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ("__import__('os').system('id')", "unexpected \"'os')"),
        ("revenue.__class__", "unexpected '.__class__'"),
        ("revenue; won_deals", "unexpected ';"),
        ("revenue ** 2", "unexpected '*'"),
        ("(revenue", "ends too early"),
        ("revenue)", "unexpected ')'"),
        ("", "formula must be text"),
        ("(" * 40 + "a" + ")" * 40, "nested more than 32 levels"),
        ("a+" * 600 + "a", "longer than 1000 characters"),
    ],
)
def test_formulas_that_are_not_arithmetic_are_config_errors(formula: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_formula(formula, W)
    assert str(info.value).startswith(f"{W}: ")
    assert message in str(info.value)


def test_filter_compiles_and_names_its_columns() -> None:
    expr = compile_filter("pipeline = 'Enterprise' and amount >= 1000", "deals", W)
    assert filter_columns(expr) == ("pipeline", "amount")
    frame = pl.DataFrame(
        {"pipeline": ["Enterprise", "Enterprise", "SMB"], "amount": [5000.0, 10.0, 9000.0]}
    )
    assert frame.filter(expr).height == 1


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("__import__('os').system('id')", "is not a valid SQL condition"),
        ("amount.__class__", "is not a valid SQL condition"),
        ("1; DROP TABLE deals", "is not a valid SQL condition"),
        ("amount > (SELECT max(amount) FROM deals)", "is not a valid SQL condition"),
        ("amount", "gives Float64, not true/false"),
        ("1", "not true/false"),
        (
            "pipline = 'x'",
            'names a column that deals does not have ("pipline"; did you mean "pipeline"?)',
        ),
        ("", "filter must be an SQL condition"),
    ],
)
def test_bad_filters_are_config_errors(sql: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        compile_filter(sql, "deals", W)
    assert str(info.value).startswith(f"{W}: filter")
    assert message in str(info.value)
    assert len(str(info.value)) < 300  # polars' syntax-tree dumps are cut short


def test_a_filter_may_use_extract_from_but_no_subquery() -> None:
    """FROM inside EXTRACT is SQL for a condition; SELECT or a table function is a query."""
    compile_filter("extract(year from closed_at) = 2026", "deals", "crmkpi.yaml, line 4")
    with pytest.raises(ConfigError, match="'SELECT': a filter is a condition on the KPI's rows"):
        compile_filter("amount > (SELECT 1)", "deals", "crmkpi.yaml, line 4")
    compile_filter("owner = 'select read_csv'", "deals", "crmkpi.yaml, line 4")  # text is text
