"""Issue 23's examples on the committed sample, as a new user runs them:
``crmkpi report -c configs/default.yaml -p mtd --as-of 2026-11-20``.

The expected numbers are counted here again from the CSV files with plain
polars (not crmkpi's loaders or KPI code), and written out as the fractions
that count gave.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from typer.testing import CliRunner

from crmkpi.cli import app

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data"


def _report(*args: str) -> str:
    config = str(ROOT / "configs" / "default.yaml")
    result = CliRunner().invoke(app, ["report", "-c", config, "--as-of", "2026-11-20", *args])
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def mtd() -> dict[str, dict[str, Any]]:
    doc = json.loads(_report("-p", "mtd", "-f", "json"))
    return {k["id"]: k for k in doc["kpis"]}


def _close_rate(first: date, last: date, cut: date) -> tuple[int, int]:
    """Deals created first..last, and of them those won on or before ``cut``."""
    deals = pl.read_csv(SAMPLE / "deals.csv", try_parse_dates=True)
    cohort = deals.filter(pl.col("created_at").is_between(first, last))
    won = cohort.filter((pl.col("status") == "won") & (pl.col("closed_at") <= cut))
    return won.height, cohort.height


def _conversion(first: date, last: date, cut: date) -> tuple[int, int]:
    """Leads created first..last, and of them those converted on or before
    ``cut``: converted_at, or the first won deal that carries the lead_id."""
    leads = pl.read_csv(SAMPLE / "leads.csv", try_parse_dates=True)
    deals = pl.read_csv(SAMPLE / "deals.csv", try_parse_dates=True)
    won = deals.filter((pl.col("status") == "won") & pl.col("lead_id").is_not_null())
    first_won = won.group_by("lead_id").agg(won_on=pl.col("closed_at").min())
    cohort = leads.join(first_won, on="lead_id", how="left").filter(
        pl.col("created_at").is_between(first, last)
    )
    day = pl.min_horizontal("converted_at", "won_on")
    assert cohort.filter((pl.col("status") == "converted") & day.is_null()).height == 0
    return cohort.filter(day <= cut).height, cohort.height


def test_close_rate_of_a_young_month_is_compared_at_equal_age(mtd: dict[str, Any]) -> None:
    close = mtd["close_rate"]
    # Today: 25.0% vs 57.0% (October 1-20 as the data stands, 45 of 79).
    assert _close_rate(date(2026, 11, 1), date(2026, 11, 20), date(2026, 11, 20)) == (15, 60)
    assert _close_rate(date(2026, 10, 1), date(2026, 10, 20), date(2026, 10, 20)) == (10, 79)
    assert _close_rate(date(2025, 11, 1), date(2025, 11, 20), date(2025, 11, 20)) == (12, 47)
    assert close["value"] == pytest.approx(15 / 60)
    assert close["previous"] == pytest.approx(10 / 79)
    assert close["year_ago"] == pytest.approx(12 / 47)
    # 37 of the 60 deals created Nov 1-20 are open.
    assert (close["maturing"], close["open_share"]) == (True, pytest.approx(37 / 60))


def test_lead_conversion_of_a_young_month_is_compared_at_equal_age(mtd: dict[str, Any]) -> None:
    conversion = mtd["lead_conversion_rate"]
    # Today: 5.9% vs 32.4% (33 of 102 as the data stands).
    assert _conversion(date(2026, 11, 1), date(2026, 11, 20), date(2026, 11, 20)) == (5, 85)
    assert _conversion(date(2026, 10, 1), date(2026, 10, 20), date(2026, 10, 20)) == (4, 102)
    assert _conversion(date(2025, 11, 1), date(2025, 11, 20), date(2025, 11, 20)) == (4, 59)
    assert conversion["value"] == pytest.approx(5 / 85)
    assert conversion["previous"] == pytest.approx(4 / 102)
    assert conversion["year_ago"] == pytest.approx(4 / 59)
    # 69 of the 85 leads created Nov 1-20 are neither converted nor lost.
    assert (conversion["maturing"], conversion["open_share"]) == (True, pytest.approx(69 / 85))


def test_the_trend_of_a_partial_month_flags_its_last_point(mtd: dict[str, Any]) -> None:
    revenue = mtd["revenue"]
    assert [p["period"] for p in revenue["trend"]][-2:] == ["2026-10", "2026-11"]
    assert [p["partial"] for p in revenue["trend"]] == [False] * 5 + [True]
    # Past points are whole months: October's is its revenue, not Oct 1-20's.
    october = json.loads(_report("-p", "2026-10", "-f", "json"))["kpis"]
    whole = next(k for k in october if k["id"] == "revenue")["value"]
    assert revenue["trend"][-2]["value"] == pytest.approx(whole)
    assert revenue["trend"][-2]["value"] != pytest.approx(revenue["previous"])


def test_text_and_markdown_mark_the_partial_glyph_and_say_how_partial() -> None:
    text = _report("-p", "mtd")
    revenue = next(line for line in text.splitlines() if line.strip().startswith("Revenue"))
    assert revenue.rstrip().endswith("†")
    assert "† 2026-11 · partial: 20 of 30 days" in text
    md = _report("-p", "mtd", "-f", "md")
    assert "- † 2026-11 · partial: 20 of 30 days" in md
    whole = _report("-p", "2026-10", "-f", "md")
    assert "†" not in whole
    assert "partial:" not in whole


def test_csv_flags_partial_periods_and_maturing_values() -> None:
    rows = list(csv.DictReader(io.StringIO(_report("-p", "mtd", "-f", "csv"))))
    close = [r for r in rows if r["kpi"] == "close_rate"]
    current = close[0]
    assert (current["role"], current["partial"], current["maturing"]) == ("current", "true", "true")
    assert float(current["open_share"]) == pytest.approx(37 / 60)
    assert [r["partial"] for r in close if r["role"] == "trend"] == ["false"] * 5 + ["true"]
    assert {r["maturing"] for r in close[1:]} == {""}  # comparisons and trend: not said again
    revenue = next(r for r in rows if r["kpi"] == "revenue")
    assert (revenue["maturing"], revenue["open_share"]) == ("", "")  # not a cohort KPI


def test_the_summary_leaves_maturing_kpis_out_of_the_movers() -> None:
    # Against October 1-20 at equal age, close rate moves +97.5% (25.00% vs
    # 12.66%) and lead conversion +50.0% (5.88% vs 3.92%): both still maturing,
    # so the three movers are the next largest changes, in this order.
    md = _report("-p", "mtd", "-f", "md")
    summary = md.split("**Summary**\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert summary == [
        "- ▲ **Net customer growth** 34 · +15 (+78.9%) vs 2026-10",
        "- ▼ **Customer acquisition cost (CAC)** USD 1,700.78 · -2,749.76 (-61.8%) vs 2026-10",
        "- ▲ **Net Promoter Score** +42.1 · +13.5 (+47.2%) vs 2026-10",
    ]
    assert "| Close rate | 25.00% | 12.66% | ▲ +12.34 pp (+97.5%) |" in md


def test_json_writes_the_open_share_to_twelve_digits(mtd: dict[str, Any]) -> None:
    # 37 / 60 = 0.61666…: the same bytes on every run, like every JSON number.
    assert json.dumps(mtd["close_rate"]["open_share"]) == "0.616666666667"
    assert json.dumps(mtd["lead_conversion_rate"]["open_share"]) == "0.811764705882"  # 69 / 85
