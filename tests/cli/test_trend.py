"""The trend: each KPI for the last N periods of the grain, in the JSON contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crmkpi.cli import app

runner = CliRunner()


def _kpis(data_dir: Path, *args: str) -> dict[str, dict[str, object]]:
    result = runner.invoke(
        app, ["report", "-d", str(data_dir), "--as-of", "2026-11-20", "-f", "json", *args]
    )
    assert result.exit_code == 0, result.stderr
    return {k["id"]: k for k in json.loads(result.stdout)["kpis"]}


def _points(kpi: dict[str, object]) -> list[tuple[str, object]]:
    return [(p["period"], p["value"]) for p in kpi["trend"]]  # type: ignore[attr-defined]


def test_trend_is_six_months_ending_with_the_period_worked_by_hand(data_dir: Path) -> None:
    kpis = _kpis(data_dir, "-p", "2026-10")
    # customers.csv: C1 created Jan, C4 Aug, C2 Sep, C3 Oct → new customers per month.
    assert _points(kpis["new_customers"]) == [
        ("2026-05", 0), ("2026-06", 0), ("2026-07", 0),
        ("2026-08", 1), ("2026-09", 1), ("2026-10", 1),
    ]  # fmt: skip
    # deals.csv: D1 won Oct 3 (1,000) and D2 Oct 10 (500); nothing won before.
    assert _points(kpis["revenue"])[-2:] == [("2026-09", 0.0), ("2026-10", 1500.0)]
    # The last point is the period itself, the one before it the previous period.
    assert kpis["revenue"]["trend"][-1]["value"] == kpis["revenue"]["value"]  # type: ignore[index]
    assert kpis["churn_rate"]["trend"][-2]["value"] == kpis["churn_rate"]["previous"]  # type: ignore[index]


def test_an_unavailable_trend_point_carries_its_reason(data_dir: Path) -> None:
    churn = _kpis(data_dir, "-p", "2026-10")["churn_rate"]
    first = churn["trend"][0]  # type: ignore[index]
    # May 2026: only C1 is a customer at May 1 and nobody churned → 0, not unavailable.
    assert first == {"period": "2026-05", "value": 0.0, "reason": None, "partial": False}
    win = _kpis(data_dir, "-p", "2026-10")["win_rate"]
    may = win["trend"][0]  # type: ignore[index]
    assert may["value"] is None
    assert may["reason"] == "no deals won or lost in period"


def test_each_trend_point_equals_a_report_of_that_period_alone(data_dir: Path) -> None:
    trend = _kpis(data_dir, "-p", "2026-Q4", "--compare", "none")
    for point in trend["revenue"]["trend"]:  # type: ignore[attr-defined]
        alone = _kpis(data_dir, "-p", point["period"], "--compare", "none")
        assert alone["revenue"]["value"] == pytest.approx(point["value"])


def test_trend_of_a_partial_period_ends_with_the_partial_period(data_dir: Path) -> None:
    kpis = _kpis(data_dir, "-p", "this-month")
    labels = [p for p, _ in _points(kpis["revenue"])]
    assert labels == ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"]


def test_trend_length_comes_from_the_config(data_dir: Path, tmp_path: Path) -> None:
    config = tmp_path / "crmkpi.yaml"
    config.write_text(f"data: {data_dir}\ntrend: 2\nkpis: [revenue]\n", encoding="utf-8")
    kpis = _kpis(data_dir, "-c", str(config), "-p", "2026-10")
    assert _points(kpis["revenue"]) == [("2026-09", 0.0), ("2026-10", 1500.0)]
