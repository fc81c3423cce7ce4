"""The public data sets in ../shared/datasets, each read by its config in
examples/datasets with no edit to its files.

Every config must give a report (exit 0, no --lenient) whose supported KPIs
have values and whose unsupported ones carry a reason, and must validate.
At least two KPI values per data set are checked against numbers computed
here from the raw file with the ``csv`` module only (no polars, no crmkpi),
so a wrong mapping or query cannot agree with itself.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from crmkpi.cli import app

runner = CliRunner()
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "datasets"

Expected = dict[str, float]
"""KPI id → value; ``id.previous`` / ``id.year_ago`` for a comparison value."""


def _rows(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / name).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _in(day: date, start: date, last: date) -> bool:
    return start <= day <= last


# --- independent computations, one per data set ------------------------------------


def cdnow(folder: Path) -> Expected:
    """Orders and revenue of 1998-Q1: rows dated 19980101 … 19980331."""
    with (folder / "CDNOW_master.txt").open(newline="", encoding="utf-8") as fh:
        lines = [
            [cell for cell in row if cell]
            for row in csv.reader(fh, delimiter=" ", skipinitialspace=True)
        ]
    header, body = lines[0], [row for row in lines[1:] if row]
    assert header == ["customer_id", "date", "number_of_cds", "dollar_value"]
    q1 = [row for row in body if "19980101" <= row[1] <= "19980331"]
    revenue = sum(float(row[3]) for row in q1)
    assert round(revenue, 2) == 262_823.89  # the figure quoted in the brief
    buyers = {row[0] for row in q1}
    return {"won_deals": len(q1), "revenue": revenue, "sales_per_customer": revenue / len(buyers)}


def maven(folder: Path) -> Expected:
    """2017-Q4: Won/Lost by close_date; open = Engaging rows, valued at list price."""
    rows = _rows(folder, "sales_pipeline.csv")
    prices = {p["product"]: float(p["sales_price"]) for p in _rows(folder, "products.csv")}
    q4 = [r for r in rows if "2017-10-01" <= r["close_date"] <= "2017-12-31"]
    won = [r for r in q4 if r["deal_stage"] == "Won"]
    lost = [r for r in q4 if r["deal_stage"] == "Lost"]
    engaging = [
        r for r in rows if r["deal_stage"] == "Engaging" and r["engage_date"] < "2018-01-01"
    ]
    value = sum(prices[r["product"].replace("GTXPro", "GTX Pro")] for r in engaging)
    return {
        "won_deals": len(won),
        "revenue": sum(float(r["close_value"]) for r in won),
        "win_rate": len(won) / (len(won) + len(lost)),
        "open_deals": len(engaging),
        "open_pipeline_value": value,
    }


def olist(folder: Path) -> Expected:
    """2018-03: MQLs by first contact; converted = has a closed-deals row."""
    leads = _rows(folder, "olist_marketing_qualified_leads_dataset.csv")
    deals = _rows(folder, "olist_closed_deals_dataset.csv")
    won_ids = {d["mql_id"] for d in deals}
    march = [lead for lead in leads if lead["first_contact_date"].startswith("2018-03")]
    converted = [lead for lead in march if lead["mql_id"] in won_ids]
    # Days from first contact to win; the one deal won before its first
    # contact (a source error) counts 0 days, as the config models it.
    contact = {lead["mql_id"]: date.fromisoformat(lead["first_contact_date"]) for lead in leads}
    cycles = [
        max(0, (date.fromisoformat(d["won_date"][:10]) - contact[d["mql_id"]]).days)
        for d in deals
        if d["won_date"].startswith("2018-03")
    ]
    return {
        "new_leads": len(march),
        "lead_conversion_rate": len(converted) / len(march),
        "new_customers": len(cycles),
        "sales_cycle_days": sum(cycles) / len(cycles),
    }


def _incidents(folder: Path) -> dict[str, dict[str, str]]:
    """The last event row of each incident."""
    last: dict[str, dict[str, str]] = {}
    for row in _rows(folder, "incident_event_log.csv"):
        last[row["number"]] = row
    return last


def _day(text: str) -> date | None:
    return None if text == "?" else datetime.strptime(text, "%d-%m-%Y %H:%M").date()


def servicenow(folder: Path) -> Expected:
    """2016-W09 (Feb 29 – Mar 6): opened in it; resolved (else closed) in it."""
    start, last = date(2016, 2, 29), date(2016, 3, 6)
    tickets = _incidents(folder).values()
    resolved = [_day(t["resolved_at"]) or _day(t["closed_at"]) for t in tickets]
    opened = [_day(t["opened_at"]) for t in tickets]
    new = sum(d is not None and _in(d, start, last) for d in opened)
    done = sum(d is not None and _in(d, start, last) for d in resolved)
    backlog = sum(
        o is not None and o <= last and (r is None or r > last)
        for o, r in zip(opened, resolved, strict=True)
    )
    return {"new_tickets": new, "resolved_tickets": done, "open_tickets": backlog}


def support_tickets(folder: Path) -> Expected:
    """Tickets with a timestamp (Pending, Closed); CSAT = share of 4–5 ratings."""
    rows = _rows(folder, "customer_support_tickets.csv")
    placed = [r for r in rows if r["First Response Time"]]
    # Every resolved (Closed) ticket is rated; float() fails loudly if one is not.
    rated = [float(r["Customer Satisfaction Rating"]) for r in rows if r["Time to Resolution"]]
    return {
        "new_tickets": len(placed),
        "resolved_tickets": sum(bool(r["Time to Resolution"]) for r in rows),
        "open_tickets": sum(not r["Time to Resolution"] for r in placed),
        "csat": sum(score >= 4 for score in rated) / len(rated),
    }


def telco(folder: Path) -> Expected:
    """Snapshot month 2019-12: S = tenure >= 1 (acquired before Dec 1)."""
    rows = _rows(folder, "Telco-Customer-Churn.csv")
    at_start = [r for r in rows if int(r["tenure"]) >= 1]
    churned = [r for r in at_start if r["Churn"] == "Yes"]
    return {
        "churn_rate": len(churned) / len(at_start),
        "churned_customers": sum(r["Churn"] == "Yes" for r in rows),
        "active_customers": sum(r["Churn"] == "No" for r in rows),
        "new_customers": sum(r["tenure"] == "0" for r in rows),
    }


def robyn(folder: Path) -> Expected:
    """Revenue of the weeks whose Monday falls in 2019-Q3, Q2 (previous) and
    2018-Q3 (year ago). Spend has no KPI of its own: its row count is checked."""
    rows = _rows(folder, "dt_simulated_weekly.csv")

    def revenue(start: str, last: str) -> float:
        return sum(float(r["revenue"]) for r in rows if start <= r["DATE"] <= last)

    assert sum("2019-07-01" <= r["DATE"] <= "2019-09-30" for r in rows) == 14  # Mondays
    return {
        "revenue": revenue("2019-07-01", "2019-09-30"),
        "revenue.previous": revenue("2019-04-01", "2019-06-30"),
        "revenue.year_ago": revenue("2018-07-01", "2018-09-30"),
    }


# --- the cases ------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    config: str
    folder: str
    as_of: str
    expected: Callable[[Path], Expected]
    available: tuple[str, ...]
    unavailable: dict[str, str]  # KPI id → words its reason must contain
    rows: dict[str, int] = field(default_factory=dict)


CASES = (
    Case(
        "cdnow.yaml", "cdnow-transactions", "1998-07-01", cdnow,
        ("new_customers", "active_customers", "avg_deal_size", "net_new_revenue",
         "repeat_purchase_rate", "customer_lifetime_value", "churn_rate"),
        {},
        {"customers": 23_570, "deals": 69_659},
    ),
    Case(
        "maven.yaml", "maven-crm-sales-opportunities", "2018-01-01", maven,
        ("avg_deal_size", "close_rate", "sales_cycle_days", "sales_cycle_median",
         "sales_velocity", "sales_per_customer", "new_customers"),
        {"churn_rate": "no churned_at column", "customer_acquisition_cost": "spend table missing"},
        {"customers": 85, "deals": 8_300},
    ),
    Case(
        "olist.yaml", "olist-marketing-funnel", "2018-12-01", olist,
        ("won_deals", "sales_cycle_days", "sales_cycle_median"),
        {"lead_generation_cost": "spend table missing", "churn_rate": "no churned_at column"},
        {"leads": 8_000, "deals": 842, "customers": 842},
    ),
    Case(
        "servicenow.yaml", "servicenow-incident-log", "2017-03-01", servicenow,
        ("resolution_hours", "resolution_hours_median", "critical_high_tickets",
         "critical_high_resolution_hours"),
        {"first_response_hours": "no first_response_at column", "csat": "no csat column"},
        {"tickets": 890},
    ),
    Case(
        "support-tickets.yaml", "support-tickets-kaggle-synthetic", "2023-06-03",
        support_tickets,
        (),
        {"first_response_hours": "no first_response_at column", "nps": "surveys table missing"},
        {"tickets": 5_650},
    ),
    Case(
        "telco.yaml", "telco-customer-churn", "2020-01-01", telco,
        ("retention_rate", "net_customer_growth", "avg_customer_tenure"),
        {"revenue": "deals table missing", "customer_acquisition_cost": "spend table missing"},
        {"customers": 7_043},
    ),
    Case(
        "robyn.yaml", "robyn-simulated-weekly-spend", "2019-11-18", robyn,
        (),
        {"customer_acquisition_cost": "customers table missing",
         "lead_generation_cost": "leads table missing"},
        {"spend": 208 * 5, "deals": 208},
    ),
)  # fmt: skip


def _report(case: Case, *extra: str) -> dict[str, Any]:
    config = EXAMPLES / case.config
    result = runner.invoke(
        app, ["report", "-c", str(config), "--as-of", case.as_of, "-f", "json", *extra]
    )
    assert result.exit_code == 0, result.stderr + result.stdout
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


@pytest.mark.parametrize("case", CASES, ids=[c.config for c in CASES])
def test_report_matches_independent_numbers(case: Case, shared_dir: Path) -> None:
    folder = shared_dir / "datasets" / case.folder
    expected = case.expected(folder)
    assert len(expected) >= 2
    doc = _report(case)
    kpis = {k["id"]: k for k in doc["kpis"]}
    for key, value in expected.items():
        kpi_id, _, which = key.partition(".")  # "revenue.previous": a comparison value
        assert kpis[kpi_id][which or "value"] == pytest.approx(value, rel=1e-9), key
    for kpi_id in case.available:
        assert kpis[kpi_id]["value"] is not None, (kpi_id, kpis[kpi_id]["reason"])
    for kpi_id, words in case.unavailable.items():
        assert kpis[kpi_id]["value"] is None, kpi_id
        assert words in (kpis[kpi_id]["reason"] or ""), (kpi_id, kpis[kpi_id]["reason"])
    for table, rows in case.rows.items():
        assert doc["inputs"][table]["rows"] == rows, table
        assert doc["inputs"][table]["skipped"] == 0, table
    assert doc["warnings"] == []


@pytest.mark.parametrize("case", CASES, ids=[c.config for c in CASES])
def test_config_validates(case: Case, shared_dir: Path) -> None:
    assert (shared_dir / "datasets" / case.folder).is_dir()
    result = runner.invoke(app, ["validate", "-c", str(EXAMPLES / case.config)])
    assert result.exit_code == 0, result.stderr + result.stdout
    assert "all inputs valid" in result.stdout + result.stderr


def test_servicenow_new_tickets_in_a_day_range(shared_dir: Path) -> None:
    """-p overrides the config period: the incidents opened on 1 and 2 March 2016."""
    folder = shared_dir / "datasets" / "servicenow-incident-log"
    opened = [_day(t["opened_at"]) for t in _incidents(folder).values()]
    expected = sum(d is not None and _in(d, date(2016, 3, 1), date(2016, 3, 2)) for d in opened)
    assert 0 < expected < 890
    case = next(c for c in CASES if c.config == "servicenow.yaml")
    doc = _report(case, "-p", "2016-03-01..2016-03-02")
    kpis = {k["id"]: k["value"] for k in doc["kpis"]}
    assert doc["period"]["grain"] == "range"
    assert kpis["new_tickets"] == expected


def test_olist_funnel_section(shared_dir: Path) -> None:
    """Leads of 2018-03 → converted → won a deal: every conversion is a win here."""
    expected = olist(shared_dir / "datasets" / "olist-marketing-funnel")
    case = next(c for c in CASES if c.config == "olist.yaml")
    steps = {s["step"]: s["count"] for s in _report(case)["sections"]["funnel"]["steps"]}
    converted = round(expected["lead_conversion_rate"] * expected["new_leads"])
    assert steps == {"leads": expected["new_leads"], "converted": converted, "won": converted}
