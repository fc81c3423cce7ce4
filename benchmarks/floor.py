"""The floor of `make bench`: polars only reading the files crmkpi's full report reads.

No KPI is computed: each CSV is scanned with its full schema (dates as Date,
datetimes as Datetime, amounts as Float64, scores as Int64) and collected. Any
tool built on polars pays at least this (plus the interpreter and import), so
crmkpi's time divided by this one is the cost of everything crmkpi does on
top of reading: mapping, validation, row facts and the KPIs themselves.

With ``--style`` it reads a folder of ``crmkpi sample --style``: each vendor
file with the columns a report reads, text parsed by polars' native parsers
with the file's format (``str.to_datetime``/``to_date``, amounts stripped of
``$`` and ``,``); the tables left canonical are read as above. Jalali dates
(``didar``) polars cannot parse: the benchmark measures that style against
the ``iso`` folder.

Usage: python benchmarks/floor.py DATA_DIR [--style iso]
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


# How a text column becomes typed: ("date" | "datetime", format), ("number", None) or
# ("amount", None) for $1,234.50.
Parse = tuple[str, str | None]
_ZENDESK_TIME: Parse = ("datetime", "%Y-%m-%d %H:%M:%S")
_HUBSPOT_TIME: Parse = ("datetime", "%Y-%m-%d %H:%M")
_SALESFORCE_TIME: Parse = ("datetime", "%Y-%m-%dT%H:%M:%S%.3fZ")
_US = {_DATE: ("date", "%m/%d/%Y"), _TIME: ("datetime", "%m/%d/%Y %I:%M:%S %p")}

# Per style, table → (file, typed columns); every other column is text.
STYLED: dict[str, dict[str, tuple[str, dict[str, Parse]]]] = {
    "iso": {},
    "zendesk": {
        "tickets": (
            "zendesk-tickets.csv",
            {"Created at": _ZENDESK_TIME, "Solved at": _ZENDESK_TIME,
             "First reply time in minutes": ("number", None)},
        ),
    },
    "hubspot": {
        "deals": (
            "hubspot-crm-exports-all-deals.csv",
            {"Create Date": _HUBSPOT_TIME, "Close Date": _HUBSPOT_TIME, "Amount": ("number", None)},
        ),
    },
    "salesforce": {
        "deals": (
            "Opportunity.csv",
            {"CreatedDate": _SALESFORCE_TIME, "CloseDate": ("date", "%Y-%m-%d"),
             "Amount": ("number", None)},
        ),
    },
    "us": {
        table: (
            f"{table}.csv",
            {
                column: ("amount", None) if dtype == _AMOUNT else _US[dtype]
                for column, dtype in schema.items()
                if dtype in (_DATE, _TIME, _AMOUNT)
            },
        )
        for table, schema in SCHEMAS.items()
    },
}  # fmt: skip


def _typed(column: str, parse: Parse) -> pl.Expr:
    kind, fmt = parse
    text = pl.col(column)
    if kind == "date":
        return text.str.to_date(fmt)
    if kind == "datetime":
        return text.str.to_datetime(fmt, time_unit="us")
    if kind == "amount":
        return text.str.replace_all(r"[$,]", "").cast(_AMOUNT)
    return text.cast(_AMOUNT)


def _read_styled(path: Path, columns: dict[str, Parse]) -> pl.DataFrame:
    """Every column as text, then the typed ones parsed with their format."""
    frame = pl.scan_csv(path, infer_schema=False)
    return frame.with_columns(_typed(c, p) for c, p in columns.items()).collect()


def read_all(data: Path, style: str = "iso") -> dict[str, pl.DataFrame]:
    """Each table scanned with its schema and collected, one after the other as a report does."""
    styled = STYLED[style]
    return {
        table: _read_styled(data / styled[table][0], styled[table][1])
        if table in styled
        else pl.scan_csv(data / f"{table}.csv", schema=schema).collect()
        for table, schema in SCHEMAS.items()
    }


def main(argv: list[str] | None = None) -> int:
    """Read, then print row counts so the work cannot be skipped and the harness can check it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="folder with the crmkpi sample CSVs")
    parser.add_argument("--style", default="iso", choices=sorted(STYLED), help="the sample style")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    frames = read_all(args.data, args.style)
    elapsed = time.perf_counter() - t0
    rows = {table: frame.height for table, frame in frames.items()}
    json.dump({"rows": rows, "read_s": elapsed}, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
