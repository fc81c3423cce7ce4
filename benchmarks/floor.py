"""The floor of `make bench`: polars only reading the files crmkpi's full report reads.

No KPI is computed: each CSV is scanned with its full schema (dates as Date,
datetimes as Datetime, amounts as Float64, scores as Int64) and collected. Any
tool built on polars pays at least this (plus the interpreter and import), so
crmkpi's time divided by this one is the cost of everything crmkpi does on
top of reading: mapping, validation, row facts and the KPIs themselves.

Usage: python benchmarks/floor.py DATA_DIR
Prints one JSON object: {"rows": {table: n}, "read_s": …}.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import polars as pl

_ID = pl.String
_TEXT = pl.String
_DATE = pl.Date
_TIME = pl.Datetime("us")
_AMOUNT = pl.Float64

# The six tables of the library's KPIs (deal_stages feeds only sections), every column.
SCHEMAS: dict[str, dict[str, pl.DataType | type[pl.DataType]]] = {
    "customers": {
        "customer_id": _ID,
        "created_at": _DATE,
        "churned_at": _DATE,
        "name": _TEXT,
        "segment": _TEXT,
        "region": _TEXT,
        "channel": _TEXT,
        "owner": _TEXT,
    },
    "leads": {
        "lead_id": _ID,
        "created_at": _DATE,
        "status": _TEXT,
        "converted_at": _DATE,
        "customer_id": _ID,
        "source": _TEXT,
        "owner": _TEXT,
    },
    "deals": {
        "deal_id": _ID,
        "created_at": _DATE,
        "status": _TEXT,
        "closed_at": _DATE,
        "amount": _AMOUNT,
        "customer_id": _ID,
        "lead_id": _ID,
        "stage": _TEXT,
        "type": _TEXT,
        "owner": _TEXT,
        "pipeline": _TEXT,
        "product": _TEXT,
    },
    "tickets": {
        "ticket_id": _ID,
        "created_at": _TIME,
        "first_response_at": _TIME,
        "resolved_at": _TIME,
        "customer_id": _ID,
        "status": _TEXT,
        "priority": _TEXT,
        "channel": _TEXT,
        "agent": _TEXT,
        "csat": pl.Int64,
    },
    "surveys": {"responded_at": _DATE, "score": pl.Int64, "customer_id": _ID, "survey_id": _ID},
    "spend": {"date": _DATE, "amount": _AMOUNT, "channel": _TEXT, "kind": _TEXT},
}


def read_all(data: Path) -> dict[str, pl.DataFrame]:
    """Each table scanned with its schema and collected, one after the other as a report does."""
    return {
        table: pl.scan_csv(data / f"{table}.csv", schema=schema).collect()
        for table, schema in SCHEMAS.items()
    }


def main(argv: list[str] | None = None) -> int:
    """Read, then print row counts so the work cannot be skipped and the harness can check it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="folder with the crmkpi sample CSVs")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    frames = read_all(args.data)
    elapsed = time.perf_counter() - t0
    rows = {table: frame.height for table, frame in frames.items()}
    json.dump({"rows": rows, "read_s": elapsed}, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
