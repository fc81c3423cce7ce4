"""Status, pacing and exit codes (SPEC.md "Config": conditions, targets, pacing)."""

from __future__ import annotations

from datetime import date

import pytest

from crmkpi.conditions import parse_condition
from crmkpi.engine import KpiResult, Measured
from crmkpi.kpis import REGISTRY
from crmkpi.kpispec import KpiSpec
from crmkpi.periods import parse_period
from crmkpi.targets import Verdict, exit_code, judge, project

OCTOBER = parse_period("2026-10", date(2026, 11, 20))
# November as of the 20th: 20 of 30 days, partial.
NOVEMBER_SO_FAR = parse_period("2026-11", date(2026, 11, 20))


def _spec(kpi_id: str, **options: object) -> KpiSpec:
    percent = REGISTRY[kpi_id].unit == "percent"
    conditions = {
        k: parse_condition(v, is_percent_kpi=percent, where="t")
        for k, v in options.items()
        if k in ("fail", "warn")
    }
    rest = {k: v for k, v in options.items() if k not in ("fail", "warn")}
    return KpiSpec(kpi_id, **conditions, **rest)  # type: ignore[arg-type]


def _result(kpi_id: str, value: float | None, **options: object) -> KpiResult:
    reason = None if value is not None else "no customers at period start"
    return KpiResult(REGISTRY[kpi_id], _spec(kpi_id, **options), Measured(value, reason), {})


@pytest.mark.parametrize(
    ("value", "status", "condition"),
    [
        (0.06, "fail", "> 5%"),
        (0.05, "warn", "> 3%"),  # 5% is not > 5%, but it is > 3%
        (0.031, "warn", "> 3%"),
        (0.03, "pass", "> 5%"),  # reports the fail rule it was checked against
        (0.0, "pass", "> 5%"),
    ],
)
def test_fail_then_warn_then_pass(value: float, status: str, condition: str) -> None:
    verdict = judge(_result("churn_rate", value, fail="> 5%", warn="> 3%"), OCTOBER)
    assert (verdict.status, verdict.condition) == (status, condition)


def test_unavailable_is_error_unless_allowed() -> None:
    assert judge(_result("churn_rate", None, fail="> 5%"), OCTOBER).status == "error"
    allowed = _result("churn_rate", None, fail="> 5%", allow_missing=True)
    assert judge(allowed, OCTOBER).status == "pass"


@pytest.mark.parametrize(
    ("kpi_id", "value", "target", "status"),
    [
        ("win_rate", 0.30, 0.30, "pass"),  # meets exactly: >= for higher
        ("win_rate", 0.2999, 0.30, "fail"),
        ("churn_rate", 0.02, 0.02, "pass"),  # <= for lower
        ("churn_rate", 0.0201, 0.02, "fail"),
    ],
)
def test_target_only_uses_better_direction(
    kpi_id: str, value: float, target: float, status: str
) -> None:
    verdict = judge(_result(kpi_id, value, target={"*": target}), OCTOBER)
    assert verdict.status == status
    assert verdict.target == target


def test_target_per_grain() -> None:
    result = _result("win_rate", 0.31, target={"month": 0.30, "quarter": 0.32})
    assert judge(result, OCTOBER).target == 0.30
    quarter = parse_period("2026-Q3", date(2026, 11, 20))
    assert (judge(result, quarter).status, judge(result, quarter).target) == ("fail", 0.32)
    week = parse_period("2026-W42", date(2026, 11, 20))
    assert judge(result, week).status is None  # no target for weeks: not judged


def test_no_thresholds_no_status() -> None:
    verdict = judge(_result("revenue", 100.0), OCTOBER)
    assert verdict == Verdict("revenue", None, None, None, None)


def test_pacing_projects_flow_kpis_in_partial_periods() -> None:
    # 40 new customers in 20 of November's 30 days → 40 × 30 / 20 = 60 projected.
    assert project(40.0, True, NOVEMBER_SO_FAR) == pytest.approx(60.0)
    assert project(40.0, True, OCTOBER) is None  # a full period is not projected
    assert project(0.5, False, NOVEMBER_SO_FAR) is None  # a ratio is not projected
    verdict = judge(_result("new_customers", 40.0, target={"*": 64.0}), NOVEMBER_SO_FAR)
    assert verdict.pacing is not None
    assert verdict.pacing.projected == pytest.approx(60.0)
    assert verdict.pacing.of_target == pytest.approx(60 / 64)  # on track for 94% of target
    assert verdict.status == "fail"  # the target-only status uses the projection


def test_fail_and_warn_use_the_actual_value_not_the_projection() -> None:
    # 40 so far (projected 60): fail "< 50" holds on the actual 40.
    verdict = judge(_result("new_customers", 40.0, fail="< 50"), NOVEMBER_SO_FAR)
    assert verdict.status == "fail"
    assert verdict.pacing is not None
    assert verdict.pacing.of_target is None


def test_projection_lets_a_paced_target_pass() -> None:
    verdict = judge(_result("new_customers", 40.0, target={"*": 55.0}), NOVEMBER_SO_FAR)
    assert verdict.status == "pass"  # 60 projected >= 55, though 40 so far < 55


@pytest.mark.parametrize(
    ("statuses", "strict", "code"),
    [
        (["pass", None], False, 0),
        (["pass", "warn"], False, 0),
        (["pass", "warn"], True, 1),
        (["fail"], False, 1),
        (["error", "pass"], False, 1),
        ([], False, 0),
    ],
)
def test_exit_code(statuses: list[str | None], strict: bool, code: int) -> None:
    verdicts = {str(i): Verdict(str(i), s, None, None, None) for i, s in enumerate(statuses)}  # type: ignore[arg-type]
    assert exit_code(verdicts, strict=strict) == code
