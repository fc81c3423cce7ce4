"""The whole KPI library on the committed sample, checked against DuckDB SQL.

Each KPI of KPIS.md is computed twice for one period: by the real CLI
(`crmkpi report -f json`) and by one SQL query per KPI written from KPIS.md and
SCHEMA.md alone, without crmkpi's code. A bug in a helper that several crmkpi
KPIs share (a period filter, "active at", "open at", a duration) therefore
cannot hide behind a test that reuses it.

Conventions of the SQL: a period is `[s, e)` with `s` and `e` as DATE
literals; a datetime is compared by its date (naive = local, timezone UTC);
durations between datetimes are fractional hours; "unavailable" is NULL
(a ratio over an empty set, through NULLIF), while a count or sum over an
empty set is 0.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml
from typer.testing import CliRunner

from crmkpi.cli import app

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data"
AS_OF = "2026-11-20"
PERIODS = ["2026-10", "2026-Q3", "2026-W42", "2026-08-03..2026-09-14"]

STAGE_PROBABILITY = {"Prospecting": 0.1, "Qualified": 0.3, "Proposal": 0.6, "Negotiation": 0.8}
SLA_HOURS = 8
GROSS_MARGIN = 0.7
MAX_LIFESPAN_YEARS = 10

# Text cells as SCHEMA.md reads them: trimmed, and these markers mean "missing".
_CELL = (
    "CASE WHEN lower(trim(x)) IN ('', 'na', 'n/a', 'null', 'none', '-') THEN NULL ELSE trim(x) END"
)

# One typed table per canonical table. An open deal's closed_at is an expected
# close date, which SCHEMA.md says to ignore: it becomes NULL here.
LOAD = {
    "customers": """
        SELECT cell(customer_id) AS customer_id,
               CAST(cell(created_at) AS DATE) AS created_at,
               CAST(cell(churned_at) AS DATE) AS churned_at
        FROM src""",
    "deals": """
        SELECT cell(deal_id) AS deal_id,
               CAST(cell(created_at) AS DATE) AS created_at,
               cell(status) AS status,
               CASE WHEN cell(status) = 'open' THEN NULL
                    ELSE CAST(cell(closed_at) AS DATE) END AS closed_at,
               CAST(cell(amount) AS DOUBLE) AS amount,
               cell(customer_id) AS customer_id,
               cell(lead_id) AS lead_id,
               cell(stage) AS stage,
               cell(type) AS type
        FROM src""",
    "leads": """
        SELECT cell(lead_id) AS lead_id,
               CAST(cell(created_at) AS DATE) AS created_at,
               cell(status) AS status,
               CAST(cell(converted_at) AS DATE) AS converted_at
        FROM src""",
    "tickets": """
        SELECT cell(ticket_id) AS ticket_id,
               CAST(cell(created_at) AS TIMESTAMP) AS created_at,
               CAST(cell(first_response_at) AS TIMESTAMP) AS first_response_at,
               CAST(cell(resolved_at) AS TIMESTAMP) AS resolved_at,
               CAST(cell(csat) AS INTEGER) AS csat
        FROM src""",
    "surveys": """
        SELECT CAST(cell(responded_at) AS DATE) AS responded_at,
               CAST(cell(score) AS INTEGER) AS score
        FROM src""",
    "spend": """
        SELECT CAST(cell(date) AS DATE) AS date,
               CAST(cell(amount) AS DOUBLE) AS amount,
               lower(cell(kind)) AS kind
        FROM src""",
}

# The queries, one per KPI, live beside the benchmark that uses them as its yardstick.
_spec = importlib.util.spec_from_file_location("kpi_sql", ROOT / "benchmarks" / "kpi_sql.py")
assert _spec is not None
assert _spec.loader is not None
kpi_sql = importlib.util.module_from_spec(_spec)
sys.modules["kpi_sql"] = kpi_sql  # dataclasses look the module up by name
_spec.loader.exec_module(kpi_sql)
KPI_SQL: dict[str, str] = kpi_sql.KPI_SQL
SETTINGS = kpi_sql.Settings(SLA_HOURS, GROSS_MARGIN, MAX_LIFESPAN_YEARS, STAGE_PROBABILITY)

# `stat: median` on the four mean-based KPIs (median of an even count = mean
# of the two middle values, as quantile_cont(0.5)). sales_velocity keeps the
# mean cycle, so it is in this run too and its query stays the one above.
MEDIAN_SQL: dict[str, str] = {
    "sales_cycle_days": kpi_sql.SALES_CYCLE.replace("{agg}", "median"),
    "first_response_hours": f"""
        SELECT median({kpi_sql.HOURS.format(b="first_response_at")}) AS v FROM tickets
        WHERE {kpi_sql.TICKET_CREATED_IN_P} AND first_response_at IS NOT NULL""",
    "resolution_hours": (
        f"SELECT median({kpi_sql.HOURS.format(b='resolved_at')}) AS v FROM tickets"
        f" WHERE {kpi_sql.TICKET_RESOLVED_IN_P}"
    ),
    "avg_customer_tenure": """
        SELECT median(CAST(({e} - 1) - created_at AS DOUBLE)) AS v
        FROM customers WHERE created_at < {e} AND (churned_at IS NULL OR churned_at >= {e})""",
    "sales_velocity": KPI_SQL["sales_velocity"],
}


def _month_after(year: int, month: int) -> date:
    """First day of the month after `month`."""
    return date(year + month // 12, month % 12 + 1, 1)


def _bounds(label: str) -> tuple[date, date]:
    """`[s, e)` of a period label: YYYY-MM, YYYY-Qn, YYYY-Wnn (ISO) or an inclusive day range."""
    if ".." in label:
        first, last = (date.fromisoformat(part) for part in label.split(".."))
        return first, last + timedelta(days=1)
    year_text, _, rest = label.partition("-")
    year = int(year_text)
    if rest.startswith("W"):
        monday = date.fromisocalendar(year, int(rest[1:]), 1)
        return monday, monday + timedelta(days=7)
    if rest.startswith("Q"):
        quarter = int(rest[1:])
        return date(year, 3 * quarter - 2, 1), _month_after(year, 3 * quarter)
    month = int(rest)
    return date(year, month, 1), _month_after(year, month)


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("2026-10", (date(2026, 10, 1), date(2026, 11, 1))),
        ("2026-Q3", (date(2026, 7, 1), date(2026, 10, 1))),
        ("2026-Q4", (date(2026, 10, 1), date(2027, 1, 1))),
        ("2026-W42", (date(2026, 10, 12), date(2026, 10, 19))),
        ("2026-08-03..2026-09-14", (date(2026, 8, 3), date(2026, 9, 15))),
    ],
)
def test_bounds_of_the_period_labels(label: str, expected: tuple[date, date]) -> None:
    assert _bounds(label) == expected


@cache
def _duckdb() -> duckdb.DuckDBPyConnection:
    """The sample's canonical tables, each CSV read once as text and then typed."""
    con = duckdb.connect()
    con.execute(f"CREATE MACRO cell(x) AS {_CELL}")
    for table, select in LOAD.items():
        path = str(SAMPLE / f"{table}.csv").replace("'", "''")
        con.execute(
            f"CREATE TABLE {table} AS WITH src AS "
            f"(SELECT * FROM read_csv('{path}', header=true, all_varchar=true)) {select}"
        )
    return con


def _sql_value(sql: str, period: str) -> float | None:
    s, e = _bounds(period)
    text = kpi_sql.fill(sql, s, e, SETTINGS)
    rows = _duckdb().execute(text).fetchall()
    assert len(rows) == 1, text
    value = rows[0][0]
    return None if value is None else float(value)


def _config(kpis: list[Any]) -> dict[str, Any]:
    return {
        "data": str(SAMPLE),
        "currency": "USD",
        "kpis": kpis,
        "stage_probability": STAGE_PROBABILITY,
        "sla": {"first_response_hours": SLA_HOURS},
        "clv": {"gross_margin": GROSS_MARGIN, "max_lifespan_years": MAX_LIFESPAN_YEARS},
    }


@pytest.fixture(scope="module")
def run_report(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """`crmkpi report -f json` through the CLI, once per (period, variant): the JSON document."""
    variants = {
        "mean": list(KPI_SQL),
        "median": [
            {kpi: {"stat": "median"}} if kpi != "sales_velocity" else kpi for kpi in MEDIAN_SQL
        ],
    }
    folder = tmp_path_factory.mktemp("crosscheck")

    @cache
    def run(period: str, variant: str) -> dict[str, Any]:
        cfg = folder / f"{variant}.yaml"
        cfg.write_text(
            yaml.safe_dump(_config(variants[variant]), sort_keys=False), encoding="utf-8"
        )
        args = ["report", "-c", str(cfg), "-p", period, "--as-of", AS_OF, "-f", "json"]
        result = CliRunner().invoke(app, [*args, "--compare", "none"])
        assert result.exit_code == 0, result.stderr
        doc: dict[str, Any] = json.loads(result.stdout)
        return doc

    return run


def _check(kpi: dict[str, Any], expected: float | None) -> None:
    if expected is None:
        assert kpi["value"] is None, f"{kpi['id']}: crmkpi {kpi['value']}, SQL unavailable"
        assert kpi["reason"], f"{kpi['id']}: unavailable without a reason"
    else:
        assert kpi["value"] == pytest.approx(expected, rel=1e-9), (
            f"{kpi['id']}: crmkpi {kpi['value']}, SQL {expected}"
        )


@pytest.mark.parametrize("period", PERIODS)
def test_report_covers_the_library_for_the_period(run_report: Any, period: str) -> None:
    doc = run_report(period, "mean")
    s, e = _bounds(period)
    assert (doc["period"]["start"], doc["period"]["end"]) == (str(s), str(e - timedelta(days=1)))
    assert [k["id"] for k in doc["kpis"]] == list(KPI_SQL)
    assert len(KPI_SQL) == 37


@pytest.mark.parametrize("kpi_id", list(KPI_SQL))
@pytest.mark.parametrize("period", PERIODS)
def test_kpi_matches_duckdb(run_report: Any, period: str, kpi_id: str) -> None:
    kpis = {k["id"]: k for k in run_report(period, "mean")["kpis"]}
    _check(kpis[kpi_id], _sql_value(KPI_SQL[kpi_id], period))


@pytest.mark.parametrize("kpi_id", list(MEDIAN_SQL))
@pytest.mark.parametrize("period", PERIODS)
def test_median_option_matches_duckdb(run_report: Any, period: str, kpi_id: str) -> None:
    kpis = {k["id"]: k for k in run_report(period, "median")["kpis"]}
    _check(kpis[kpi_id], _sql_value(MEDIAN_SQL[kpi_id], period))


def test_sql_sees_data_for_every_kpi() -> None:
    """Guards the cross-check itself: a query that is NULL or 0 everywhere proves nothing."""
    empty = [
        kpi
        for kpi, sql in KPI_SQL.items()
        if not any(_sql_value(sql, period) for period in PERIODS)
    ]
    assert empty == []
