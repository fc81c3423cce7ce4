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

import json
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml
from typer.testing import CliRunner

from crmkpi.cli import app

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
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

# Reusable fragments, spelled as in KPIS.md / SCHEMA.md.
_S = "(SELECT count(*) FROM customers WHERE created_at < {s} AND (churned_at IS NULL OR churned_at >= {s}))"
_E = "(SELECT count(*) FROM customers WHERE created_at < {e} AND (churned_at IS NULL OR churned_at >= {e}))"
_WON_IN_P = "status = 'won' AND closed_at >= {s} AND closed_at < {e}"
_OPEN_AT_E = "created_at < {e} AND (closed_at IS NULL OR closed_at >= {e})"
_TICKET_CREATED_IN_P = "CAST(created_at AS DATE) >= {s} AND CAST(created_at AS DATE) < {e}"
_TICKET_RESOLVED_IN_P = "CAST(resolved_at AS DATE) >= {s} AND CAST(resolved_at AS DATE) < {e}"
_HOURS = "epoch({b} - created_at) / 3600"

_OPEN_DEALS = f"SELECT count(*) AS v FROM deals WHERE {_OPEN_AT_E}"
_WIN_RATE = """
    SELECT count(*) FILTER (WHERE status = 'won')::DOUBLE / NULLIF(count(*), 0) AS v
    FROM deals WHERE status IN ('won', 'lost') AND closed_at >= {s} AND closed_at < {e}"""
_AVG_DEAL_SIZE = f"SELECT sum(amount) / NULLIF(count(*), 0) AS v FROM deals WHERE {_WON_IN_P}"
_SALES_CYCLE = (
    "SELECT {agg}(CAST(closed_at - created_at AS DOUBLE)) AS v FROM deals WHERE " + _WON_IN_P
)
_NEW_CUSTOMERS = "SELECT count(*) AS v FROM customers WHERE created_at >= {s} AND created_at < {e}"
_NEW_LEADS = "SELECT count(*) AS v FROM leads WHERE created_at >= {s} AND created_at < {e}"
_CAC = f"""
    SELECT (SELECT coalesce(sum(amount), 0) FROM spend WHERE date >= {{s}} AND date < {{e}})
           / NULLIF(({_NEW_CUSTOMERS}), 0) AS v"""
# W = [e − 365 days, e). Over deals won in W with a customer_id, APV × PF is
# sum(amount) / count(distinct customer_id); c is the churn of the customers
# active at e − 365 days; L = 1 / c capped (the cap also when c = 0). No such
# customers: c, hence CLV, is NULL (not least()'s NULL-skipping cap).
_CLV = f"""
    WITH w AS (SELECT sum(amount) AS total, count(*) AS n, count(DISTINCT customer_id) AS buyers
               FROM deals WHERE status = 'won' AND customer_id IS NOT NULL
                 AND closed_at >= {{e}} - 365 AND closed_at < {{e}}),
         base AS (SELECT count(*) AS n,
                         count(*) FILTER (WHERE churned_at < {{e}}) AS churned
                  FROM customers WHERE created_at < {{e}} - 365
                    AND (churned_at IS NULL OR churned_at >= {{e}} - 365)),
         c AS (SELECT churned::DOUBLE / NULLIF(n, 0) AS c FROM base)
    SELECT (w.total / NULLIF(w.n, 0)) * (w.n::DOUBLE / NULLIF(w.buyers, 0))
           * CASE WHEN c.c = 0 OR 1 / c.c > {MAX_LIFESPAN_YEARS} THEN {MAX_LIFESPAN_YEARS}
                  ELSE 1 / c.c END
           * {GROSS_MARGIN} AS v
    FROM w, c"""
_STAGES = ", ".join(f"('{k}', {v})" for k, v in STAGE_PROBABILITY.items())
_RATE_OF_TYPE = f"""
    SELECT count(DISTINCT customer_id) FILTER (WHERE type = '{{kind}}')::DOUBLE
           / NULLIF(count(DISTINCT customer_id), 0) AS v
    FROM deals WHERE {_WON_IN_P} AND customer_id IS NOT NULL"""

# One query per KPI, in KPIS.md order; each returns one row with column v.
KPI_SQL: dict[str, str] = {
    "new_customers": _NEW_CUSTOMERS,
    "active_customers": f"SELECT {_E} AS v",
    "churned_customers": "SELECT count(*) AS v FROM customers WHERE churned_at >= {s} AND churned_at < {e}",
    "churn_rate": """
        SELECT count(*) FILTER (WHERE churned_at < {e})::DOUBLE / NULLIF(count(*), 0) AS v
        FROM customers WHERE created_at < {s} AND (churned_at IS NULL OR churned_at >= {s})""",
    "retention_rate": """
        SELECT (count(*) - count(*) FILTER (WHERE churned_at < {e}))::DOUBLE / NULLIF(count(*), 0) AS v
        FROM customers WHERE created_at < {s} AND (churned_at IS NULL OR churned_at >= {s})""",
    "net_customer_growth": f"SELECT {_E} - {_S} AS v",
    "customer_growth_rate": f"SELECT ({_E} - {_S})::DOUBLE / NULLIF({_S}, 0) AS v",
    "avg_customer_tenure": """
        SELECT avg(({e} - 1) - created_at) AS v
        FROM customers WHERE created_at < {e} AND (churned_at IS NULL OR churned_at >= {e})""",
    "won_deals": f"SELECT count(*) AS v FROM deals WHERE {_WON_IN_P}",
    "revenue": f"SELECT coalesce(sum(amount), 0) AS v FROM deals WHERE {_WON_IN_P}",
    "avg_deal_size": _AVG_DEAL_SIZE,
    "win_rate": _WIN_RATE,
    "close_rate": """
        SELECT count(*) FILTER (WHERE status = 'won')::DOUBLE / NULLIF(count(*), 0) AS v
        FROM deals WHERE created_at >= {s} AND created_at < {e}""",
    "sales_cycle_days": _SALES_CYCLE.replace("{agg}", "avg"),
    # First purchase is decided on the whole table: the customer's earliest won closed_at.
    "net_new_revenue": f"""
        WITH won AS (SELECT *, min(closed_at) OVER (PARTITION BY customer_id) AS first_won
                     FROM deals WHERE status = 'won' AND customer_id IS NOT NULL)
        SELECT coalesce(sum(amount), 0) AS v FROM won
        WHERE closed_at = first_won AND {_WON_IN_P}""",
    "sales_per_customer": f"""
        SELECT sum(amount) / NULLIF(count(DISTINCT customer_id), 0) AS v
        FROM deals WHERE {_WON_IN_P} AND customer_id IS NOT NULL""",
    "upsell_rate": _RATE_OF_TYPE.replace("{kind}", "upsell"),
    "cross_sell_rate": _RATE_OF_TYPE.replace("{kind}", "cross_sell"),
    "repeat_purchase_rate": """
        WITH buyers AS (SELECT customer_id, count(*) AS n FROM deals
                        WHERE status = 'won' AND closed_at < {e} AND customer_id IS NOT NULL
                        GROUP BY customer_id)
        SELECT count(*) FILTER (WHERE n >= 2)::DOUBLE / NULLIF(count(*), 0) AS v FROM buyers""",
    "open_deals": _OPEN_DEALS,
    "open_pipeline_value": f"SELECT coalesce(sum(coalesce(amount, 0)), 0) AS v FROM deals WHERE {_OPEN_AT_E}",
    "weighted_pipeline_value": f"""
        WITH p(stage, probability) AS (VALUES {_STAGES})
        SELECT coalesce(sum(coalesce(amount, 0) * CASE status WHEN 'won' THEN 1.0
                                                          WHEN 'lost' THEN 0.0
                                                          ELSE probability END), 0) AS v
        FROM deals LEFT JOIN p USING (stage)
        WHERE {_OPEN_AT_E}""",
    # Each part by its default definition (the mean cycle); NULL if any part is, or the cycle is 0.
    "sales_velocity": f"""
        SELECT od.v * wr.v * ads.v / NULLIF(cyc.v, 0) AS v
        FROM ({_OPEN_DEALS}) AS od, ({_WIN_RATE}) AS wr, ({_AVG_DEAL_SIZE}) AS ads,
             ({_SALES_CYCLE.replace("{agg}", "avg")}) AS cyc""",
    "customer_acquisition_cost": _CAC,
    "customer_lifetime_value": _CLV,
    "clv_to_cac": f"SELECT clv.v / NULLIF(cac.v, 0) AS v FROM ({_CLV}) AS clv, ({_CAC}) AS cac",
    "new_leads": _NEW_LEADS,
    "lead_generation_cost": f"""
        SELECT (SELECT coalesce(sum(amount), 0) FROM spend
                WHERE kind = 'marketing' AND date >= {{s}} AND date < {{e}})
               / NULLIF(({_NEW_LEADS}), 0) AS v""",
    # Converted: converted_at present, or status converted, or a won deal carries the lead_id.
    "lead_conversion_rate": """
        SELECT count(*) FILTER (WHERE converted_at IS NOT NULL OR status = 'converted'
                                OR lead_id IN (SELECT lead_id FROM deals
                                               WHERE status = 'won' AND lead_id IS NOT NULL))::DOUBLE
               / NULLIF(count(*), 0) AS v
        FROM leads WHERE created_at >= {s} AND created_at < {e}""",
    "new_tickets": f"SELECT count(*) AS v FROM tickets WHERE {_TICKET_CREATED_IN_P}",
    "resolved_tickets": f"SELECT count(*) AS v FROM tickets WHERE {_TICKET_RESOLVED_IN_P}",
    "open_tickets": """
        SELECT count(*) AS v FROM tickets
        WHERE CAST(created_at AS DATE) < {e}
          AND (resolved_at IS NULL OR CAST(resolved_at AS DATE) >= {e})""",
    "first_response_hours": f"""
        SELECT avg({_HOURS.format(b="first_response_at")}) AS v FROM tickets
        WHERE {_TICKET_CREATED_IN_P} AND first_response_at IS NOT NULL""",
    # Unanswered tickets stay in the denominator (missed); exactly at the limit is within.
    "first_response_sla_rate": f"""
        SELECT count(*) FILTER (WHERE first_response_at IS NOT NULL
                                AND {_HOURS.format(b="first_response_at")} <= {SLA_HOURS})::DOUBLE
               / NULLIF(count(*), 0) AS v
        FROM tickets WHERE {_TICKET_CREATED_IN_P}""",
    "resolution_hours": f"SELECT avg({_HOURS.format(b='resolved_at')}) AS v FROM tickets WHERE {_TICKET_RESOLVED_IN_P}",
    "csat": f"""
        SELECT count(*) FILTER (WHERE csat >= 4)::DOUBLE / NULLIF(count(*), 0) AS v
        FROM tickets WHERE {_TICKET_RESOLVED_IN_P} AND csat IS NOT NULL""",
    "nps": """
        SELECT (count(*) FILTER (WHERE score >= 9) - count(*) FILTER (WHERE score <= 6)) * 100.0
               / NULLIF(count(*), 0) AS v
        FROM surveys WHERE responded_at >= {s} AND responded_at < {e}""",
}

# `stat: median` on the four mean-based KPIs (median of an even count = mean
# of the two middle values, as quantile_cont(0.5)). sales_velocity keeps the
# mean cycle, so it is in this run too and its query stays the one above.
MEDIAN_SQL: dict[str, str] = {
    "sales_cycle_days": _SALES_CYCLE.replace("{agg}", "median"),
    "first_response_hours": f"""
        SELECT median({_HOURS.format(b="first_response_at")}) AS v FROM tickets
        WHERE {_TICKET_CREATED_IN_P} AND first_response_at IS NOT NULL""",
    "resolution_hours": f"SELECT median({_HOURS.format(b='resolved_at')}) AS v FROM tickets WHERE {_TICKET_RESOLVED_IN_P}",
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
    text = sql.format(s=f"DATE '{s}'", e=f"DATE '{e}'")
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
