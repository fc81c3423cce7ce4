"""Every KPI of the crmkpi library for one month, as a straightforward DuckDB script.

This is the yardstick of `make bench`: what a competent analyst would write by
hand with DuckDB — load each export once into a typed table, then one SQL
query per KPI. The queries (kpi_sql.py) are written from the spec (KPIS.md,
SCHEMA.md), not from crmkpi's code, and tests/e2e/test_duckdb_crosscheck.py
proves them equal to crmkpi's values on the committed sample. It uses the config defaults that
the benchmark's crmkpi configs use (SLA 24 h, gross margin 1.0, lifespan cap
10 years, the stage probabilities below).

Usage: python benchmarks/duckdb_kpis.py DATA_DIR [--month 2026-10]
Prints one JSON object: {"kpis": {id: value or null}, "load_s": …, "query_s": …}.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
from kpi_sql import KPI_SQL, Settings, fill  # the script's folder is on sys.path

# The config defaults, and the stage map of benchmarks/all-kpis.yaml
# (weighted_pipeline_value needs one).
SETTINGS = Settings(
    sla_hours=24,
    gross_margin=1.0,
    max_lifespan_years=10,
    stage_probability={"Prospecting": 0.1, "Qualified": 0.3, "Proposal": 0.6, "Negotiation": 0.8},
)

# Typed columns per table; the other columns are text (DuckDB's sniffer sees them as such).
TYPES: dict[str, dict[str, str]] = {
    "customers": {"customer_id": "VARCHAR", "created_at": "DATE", "churned_at": "DATE"},
    "deals": {
        "deal_id": "VARCHAR",
        "created_at": "DATE",
        "closed_at": "DATE",
        "amount": "DOUBLE",
        "customer_id": "VARCHAR",
        "lead_id": "VARCHAR",
    },
    "leads": {
        "lead_id": "VARCHAR",
        "created_at": "DATE",
        "converted_at": "DATE",
        "customer_id": "VARCHAR",
    },
    "tickets": {
        "ticket_id": "VARCHAR",
        "created_at": "TIMESTAMP",
        "first_response_at": "TIMESTAMP",
        "resolved_at": "TIMESTAMP",
        "customer_id": "VARCHAR",
        "csat": "INTEGER",
    },
    "surveys": {"responded_at": "DATE", "score": "INTEGER", "customer_id": "VARCHAR"},
    "spend": {"date": "DATE", "amount": "DOUBLE"},
}

# SCHEMA.md: the closed_at of a deal whose status is open is an expected date, ignored.
SELECT: dict[str, str] = {
    "deals": "SELECT * REPLACE (CASE WHEN status = 'open' THEN NULL ELSE closed_at END"
    " AS closed_at)",
    "spend": "SELECT * REPLACE (lower(kind) AS kind)",
}


def month_bounds(label: str) -> tuple[date, date]:
    """`[s, e)` of a YYYY-MM month: the benchmark measures one month only."""
    year, month = (int(part) for part in label.split("-"))
    end = date(year + month // 12, month % 12 + 1, 1)
    return date(year, month, 1), end


def load(con: duckdb.DuckDBPyConnection, data: Path) -> None:
    """Each CSV read once into a typed table, as one would before running several queries."""
    for table, types in TYPES.items():
        path = str(data / f"{table}.csv").replace("'", "''")
        select = SELECT.get(table, "SELECT *")
        con.execute(
            f"CREATE TABLE {table} AS {select} FROM read_csv('{path}', header = true, "
            f"types = {types!r})"
        )


def compute(con: duckdb.DuckDBPyConnection, start: date, end: date) -> dict[str, float | None]:
    """One query per KPI; NULL (unavailable) stays None, numbers become floats."""
    values: dict[str, float | None] = {}
    for kpi, sql in KPI_SQL.items():
        row = con.execute(fill(sql, start, end, SETTINGS)).fetchone()
        value = None if row is None else row[0]
        values[kpi] = None if value is None else float(value)
    return values


def main(argv: list[str] | None = None) -> int:
    """Load, compute, print JSON; the timings split loading from querying for the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="folder with the crmkpi sample CSVs")
    parser.add_argument("--month", default="2026-10", help="the period, YYYY-MM")
    args = parser.parse_args(argv)
    start, end = month_bounds(args.month)
    con = duckdb.connect()
    t0 = time.perf_counter()
    load(con, args.data)
    t1 = time.perf_counter()
    values = compute(con, start, end)
    t2 = time.perf_counter()
    json.dump({"kpis": values, "load_s": t1 - t0, "query_s": t2 - t1}, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
