"""Every KPI of the crmkpi library for one month, as a straightforward DuckDB script.

This is the yardstick of `make bench`: what a competent analyst would write by
hand with DuckDB — load each export once into a typed table, then one SQL
query per KPI. The queries (kpi_sql.py) are written from the spec (KPIS.md,
SCHEMA.md), not from crmkpi's code, and tests/e2e/test_duckdb_crosscheck.py
proves them equal to crmkpi's values on the committed sample. It uses the config defaults that
the benchmark's crmkpi configs use (SLA 24 h, gross margin 1.0, lifespan cap
10 years, the stage probabilities below).

With ``--style`` it reads a folder of ``crmkpi sample --style`` instead: the
same queries over the same tables, each vendor file loaded with the format
clauses (``timestampformat``, ``dateformat``) and the renames a hand-written
script needs for it (``STYLED``). Jalali dates (``didar``) DuckDB cannot
parse: the benchmark measures that style against the ``iso`` folder.

Usage: python benchmarks/duckdb_kpis.py DATA_DIR [--month 2026-10] [--style iso]
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


def _read(file: str, types: dict[str, str], **options: str) -> str:
    """``read_csv`` of one file of the folder (``{data}`` is filled in by ``load``)."""
    clauses = "".join(f", {key} = '{value}'" for key, value in options.items())
    return f"read_csv('{{data}}/{file}', header = true, types = {types!r}{clauses})"


_DEAL_COLUMNS = "lead_id, stage, type, owner"
_US = {"dateformat": "%m/%d/%Y", "timestampformat": "%m/%d/%Y %-I:%M:%S %p"}
_US_AMOUNT = "CAST(replace(replace(amount, '$', ''), ',', '') AS DOUBLE) AS amount"

# Per style, the tables read from other files than <table>.csv, as a SELECT that
# gives the canonical columns the queries use; the other tables load as above.
STYLED: dict[str, dict[str, str]] = {
    "iso": {},
    "zendesk": {
        "tickets": """SELECT "Id" AS ticket_id, "Created at" AS created_at,
            "Created at" + to_microseconds(CAST(round("First reply time in minutes" * 6e7)
                                                 AS BIGINT)) AS first_response_at,
            "Solved at" AS resolved_at, coalesce("Organization", "Requester id") AS customer_id,
            lower("Status") AS status, lower("Priority") AS priority, "Via" AS channel,
            "Assignee" AS agent,
            CASE "Satisfaction Score" WHEN 'Good' THEN 5 WHEN 'Bad' THEN 1 END AS csat
            FROM """
        + _read(
            "zendesk-tickets.csv",
            {"Id": "VARCHAR", "Created at": "TIMESTAMP", "Solved at": "TIMESTAMP",
             "First reply time in minutes": "DOUBLE", "Organization": "VARCHAR",
             "Requester id": "VARCHAR"},
            timestampformat="%Y-%m-%d %H:%M:%S",
        ),
    },
    "hubspot": {
        "deals": """SELECT "Record ID" AS deal_id, CAST("Create Date" AS DATE) AS created_at,
            CASE "Deal Stage" WHEN 'Closed Won' THEN 'won' WHEN 'Closed Lost' THEN 'lost'
                 ELSE 'open' END AS status,
            CASE WHEN "Deal Stage" IN ('Closed Won', 'Closed Lost')
                 THEN CAST("Close Date" AS DATE) END AS closed_at,
            "Amount" AS amount, "Associated Company IDs" AS customer_id,
            NULL::VARCHAR AS lead_id, "Deal Stage" AS stage,
            CASE "Deal Type" WHEN 'New Business' THEN 'new' WHEN 'Existing Business' THEN 'upsell'
                 WHEN 'Cross-sell' THEN 'cross_sell' WHEN 'Renewal' THEN 'renewal' END AS type,
            "Deal owner" AS owner
            FROM """
        + _read(
            "hubspot-crm-exports-all-deals.csv",
            {"Record ID": "VARCHAR", "Create Date": "TIMESTAMP", "Close Date": "TIMESTAMP",
             "Amount": "DOUBLE", "Associated Company IDs": "VARCHAR"},
            timestampformat="%Y-%m-%d %H:%M",
        ),
    },
    "salesforce": {
        "deals": """SELECT "Id" AS deal_id, CAST("CreatedDate" AS DATE) AS created_at,
            CASE WHEN NOT "IsClosed" THEN 'open' WHEN "IsWon" THEN 'won' ELSE 'lost' END AS status,
            CASE WHEN "IsClosed" THEN "CloseDate" END AS closed_at,
            "Amount" AS amount, "AccountId" AS customer_id, NULL::VARCHAR AS lead_id,
            "StageName" AS stage,
            CASE "Type" WHEN 'New Customer' THEN 'new'
                 WHEN 'Existing Customer - Upgrade' THEN 'upsell'
                 WHEN 'Existing Customer - Downgrade' THEN 'upsell'
                 WHEN 'Existing Customer - Cross-sell' THEN 'cross_sell'
                 WHEN 'Existing Customer - Replacement' THEN 'renewal' END AS type,
            "OwnerId" AS owner
            FROM """
        + _read(
            "Opportunity.csv",
            {"Id": "VARCHAR", "CreatedDate": "TIMESTAMP", "CloseDate": "DATE", "Amount": "DOUBLE",
             "AccountId": "VARCHAR", "IsClosed": "BOOLEAN", "IsWon": "BOOLEAN"},
            timestampformat="%Y-%m-%dT%H:%M:%S.%gZ",
        ),
    },
    "us": {
        table: f"SELECT * REPLACE ({_US_AMOUNT}) FROM "
        + _read(f"{table}.csv", {**TYPES[table], "amount": "VARCHAR"}, **_US)
        if "amount" in TYPES[table]
        else "SELECT * FROM " + _read(f"{table}.csv", TYPES[table], **_US)
        for table in TYPES
    },
}  # fmt: skip


def month_bounds(label: str) -> tuple[date, date]:
    """`[s, e)` of a YYYY-MM month: the benchmark measures one month only."""
    year, month = (int(part) for part in label.split("-"))
    end = date(year + month // 12, month % 12 + 1, 1)
    return date(year, month, 1), end


def load(con: duckdb.DuckDBPyConnection, data: Path, style: str = "iso") -> None:
    """Each CSV read once into a typed table, as one would before running several queries."""
    folder = str(data).replace("'", "''")
    for table, types in TYPES.items():
        select = SELECT.get(table, "SELECT *")
        styled = STYLED[style].get(table)
        if styled is not None:
            # The vendor's closed_at of open deals is dropped in the SELECT itself.
            con.execute(f"CREATE TABLE {table} AS {styled.replace('{data}', folder)}")
            continue
        path = str(data / f"{table}.csv").replace("'", "''")
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
    parser.add_argument("--style", default="iso", choices=sorted(STYLED), help="the sample style")
    args = parser.parse_args(argv)
    start, end = month_bounds(args.month)
    con = duckdb.connect()
    t0 = time.perf_counter()
    load(con, args.data, args.style)
    t1 = time.perf_counter()
    values = compute(con, start, end)
    t2 = time.perf_counter()
    json.dump({"kpis": values, "load_s": t1 - t0, "query_s": t2 - t1}, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
