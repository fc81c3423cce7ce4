"""Cohort KPIs (close_rate, lead_conversion_rate) mature and compare at equal age.

Worked by hand on tiny exports. The report is ``mtd`` as of 2026-11-20: the
period is 2026-11-01..20 (s = Nov 1, 19 days old), previous 2026-10-01..20 and
year ago 2025-11-01..20, each counting outcomes dated up to s_c + 19 days:
2026-10-20 and 2025-11-20. The trend (3 months) ends with the partial November;
its whole months are at the age of the latest whole one, October, as of the
as-of day: 50 days, so September counts outcomes up to 2026-09-01 + 50 =
2026-10-21 and October up to 2026-11-20.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from crmkpi.cli import app

DEAL_HEADER = ("deal_id", "created_at", "status", "closed_at", "amount", "lead_id")
DEALS = [
    # November, the reported cohort: 1 won of 4, 2 still open (50%).
    ("n1", "2026-11-02", "won", "2026-11-10", 10, ""),
    ("n2", "2026-11-03", "open", "", "", ""),
    ("n3", "2026-11-05", "open", "", "", ""),
    ("n4", "2026-11-15", "lost", "2026-11-18", 10, ""),
    # October 1-20 (the previous period's cohort), then the rest of October.
    ("o1", "2026-10-02", "won", "2026-10-12", 10, ""),  # by Oct 20: counts
    ("o2", "2026-10-05", "won", "2026-10-28", 10, ""),  # after Oct 20: not yet
    ("o3", "2026-10-10", "lost", "2026-10-15", 10, ""),
    ("o4", "2026-10-18", "won", "2026-11-15", 10, ""),  # after Oct 20: not yet
    ("o5", "2026-10-25", "won", "2026-10-30", 10, ""),  # whole October only
    ("o6", "2026-10-28", "open", "", "", ""),  # whole October only
    # September (a trend point, cut 2026-10-21).
    ("s1", "2026-09-05", "won", "2026-09-20", 10, ""),
    ("s2", "2026-09-10", "won", "2026-10-25", 10, ""),  # after Oct 21: not yet
    # 2025-11-01..20 (year ago, cut 2025-11-20).
    ("y1", "2025-11-03", "won", "2025-11-19", 10, ""),
    ("y2", "2025-11-04", "won", "2025-11-21", 10, ""),
    ("y3", "2025-11-06", "won", "2025-12-01", 10, ""),
]
LEAD_HEADER = ("lead_id", "created_at", "status", "converted_at")
LEADS = [
    # November: 1 converted of 4; L2 and L4 neither converted nor lost (50% open).
    ("L1", "2026-11-02", "converted", "2026-11-08"),
    ("L2", "2026-11-04", "open", ""),
    ("L3", "2026-11-06", "lost", ""),
    ("L4", "2026-11-09", "qualified", ""),
    # October 1-20, cut 2026-10-20.
    ("K1", "2026-10-03", "converted", "2026-10-10"),  # counts
    ("K2", "2026-10-04", "converted", "2026-10-30"),  # after the cut
    ("K3", "2026-10-05", "converted", ""),  # no date: counts as the data stands
    ("K4", "2026-10-06", "open", ""),  # a won deal carries it, closed Oct 15: counts
    ("K5", "2026-10-07", "open", ""),  # a won deal carries it, closed Nov 2: not yet
    ("K6", "2026-10-08", "lost", ""),
]
LEAD_DEALS = [
    ("k4", "2026-10-06", "won", "2026-10-15", 10, "K4"),
    ("k5", "2026-10-07", "won", "2026-11-02", 10, "K5"),
]


def _write(path: Path, header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def _report(folder: Path, kpi: str, *args: str) -> dict[str, Any]:
    (folder / "crmkpi.yaml").write_text(f"trend: 3\nkpis: [{kpi}]\n", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["report", "-c", str(folder / "crmkpi.yaml"), "--as-of", "2026-11-20", *args]
    )
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return {"json": json.loads(result.stdout)} if "json" in args else {"text": result.stdout}


@pytest.fixture
def deals_folder(tmp_path: Path) -> Path:
    _write(tmp_path / "deals.csv", DEAL_HEADER, DEALS)
    return tmp_path


@pytest.fixture
def leads_folder(tmp_path: Path) -> Path:
    _write(tmp_path / "leads.csv", LEAD_HEADER, LEADS)
    _write(tmp_path / "deals.csv", DEAL_HEADER, LEAD_DEALS)
    return tmp_path


def _kpi(folder: Path, kpi: str, period: str = "mtd") -> dict[str, Any]:
    doc = _report(folder, kpi, "-p", period, "-f", "json")["json"]
    found: dict[str, Any] = doc["kpis"][0]
    return found


def test_close_rate_compares_at_equal_age(deals_folder: Path) -> None:
    k = _kpi(deals_folder, "close_rate")
    assert k["value"] == pytest.approx(1 / 4)  # n1 of n1..n4, as the data stands
    # October 1-20: o1..o4 created, only o1 won by Oct 20 (o2, o4 won later):
    # 1 / 4, where the data as it stands says 3 / 4.
    assert k["previous"] == pytest.approx(1 / 4)
    # 2025-11-01..20: y1..y3 created, only y1 won by 2025-11-20.
    assert k["year_ago"] == pytest.approx(1 / 3)
    # September at 50 days (s1 of s1, s2 by Oct 21), whole October at 50 days
    # (o1, o2, o4, o5 of o1..o6 by Nov 20), then November as it stands.
    assert [p["value"] for p in k["trend"]] == pytest.approx([1 / 2, 4 / 6, 1 / 4])
    assert [p["partial"] for p in k["trend"]] == [False, False, True]


def test_a_young_cohort_is_maturing_with_its_share_still_open(deals_folder: Path) -> None:
    k = _kpi(deals_folder, "close_rate")
    assert (k["maturing"], k["open_share"]) == (True, pytest.approx(2 / 4))  # n2, n3


def test_a_settled_cohort_is_not_maturing(deals_folder: Path) -> None:
    # September as of Nov 20: s1 and s2 are both won, none open.
    k = _kpi(deals_folder, "close_rate", "2026-09")
    assert (k["value"], k["maturing"], k["open_share"]) == (1.0, False, 0)
    # August (the previous period), at the age September has on Nov 20: no deals.
    assert k["previous"] is None


def test_only_cohort_kpis_carry_maturing(deals_folder: Path) -> None:
    k = _kpi(deals_folder, "win_rate")
    assert "maturing" not in k
    assert "open_share" not in k


def test_lead_conversion_compares_at_equal_age(leads_folder: Path) -> None:
    k = _kpi(leads_folder, "lead_conversion_rate")
    assert k["value"] == pytest.approx(1 / 4)  # L1 of L1..L4
    # October 1-20, cut Oct 20: K1 (converted_at Oct 10), K3 (no date: as the
    # data stands) and K4 (its won deal closed Oct 15) of K1..K6.
    assert k["previous"] == pytest.approx(3 / 6)
    assert (k["maturing"], k["open_share"]) == (True, pytest.approx(2 / 4))  # L2, L4


def test_every_format_says_the_kpi_is_maturing_and_how_many_outcomes_have_no_date(
    leads_folder: Path,
) -> None:
    said = (
        "maturing: 50% of the leads created in the period are still open, earlier periods "
        "are compared at the same age, outcomes without a date in the compared periods, "
        "counted as the data stands: 1"
    )
    text = _report(leads_folder, "lead_conversion_rate", "-p", "mtd")["text"]
    assert f"Lead conversion rate: {said}" in " ".join(text.split())
    md = _report(leads_folder, "lead_conversion_rate", "-p", "mtd", "-f", "md")["text"]
    assert f"- **Lead conversion rate**: {said}" in md
    html = _report(leads_folder, "lead_conversion_rate", "-p", "mtd", "-f", "html")["text"]
    assert f'<p class="maturing">{said}' in html
