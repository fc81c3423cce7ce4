"""Pipedrive (EXPORTS.md §3): the deals export, current and older headers.

Pitfalls written into the files: ``Deal - Expected close date`` on every
deal, inside October for open deal 45 (it must never become closed_at), the
close day in ``Won time`` / ``Lost time`` and ``Deal closed on``, Status as
``Open``/``Won``/``Lost``, the stage a deal was won or lost in, the currency
in its own column, the organization's name as the customer. The older export
has ``Add time``, ``Close time``, ``Currency of Value`` and no ``Won time``.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import polars as pl
from _preset_kit import Crm, rows, write_export

# October: won 43, 44, lost 42 → win rate 2/3, revenue 5,100. November: won 47, lost 46.
DEALS = rows(
    "deal_id created_at status closed_at amount currency customer_id stage pipeline owner",
    ("41", "2026-09-03", "won", "2026-09-28", 3000.0, "EUR", "Nordwind GmbH", "Negotiations Started", "Sales", "Ina Roth"),
    ("42", "2026-09-12", "lost", "2026-10-05", 1500.0, "EUR", "Ostsee AG", "Proposal Made", "Sales", "Ina Roth"),
    ("43", "2026-09-30", "won", "2026-10-14", 4200.0, "EUR", "Nordwind GmbH", "Negotiations Started", "Sales", "Jan Behr"),
    ("44", "2026-10-02", "won", "2026-10-31", 900.0, "EUR", "Südhang KG", "Proposal Made", "Partners", "Jan Behr"),
    ("45", "2026-10-09", "open", None, 2500.0, "EUR", "Ostsee AG", "Contact Made", "Sales", "Ina Roth"),
    ("46", "2026-10-16", "lost", "2026-11-02", 1200.0, "EUR", "Westend OHG", "Qualified", "Partners", "Jan Behr"),
    ("47", "2026-10-23", "won", "2026-11-09", 5100.0, "EUR", "Westend OHG", "Negotiations Started", "Sales", "Ina Roth"),
    ("48", "2026-11-04", "open", None, 800.0, "EUR", "Südhang KG", "Qualified", "Sales", "Jan Behr"),
    ("49", "2026-11-20", "open", None, 0.0, "EUR", "Nordwind GmbH", "Qualified", "Sales", "Ina Roth"),
    dates=["created_at", "closed_at"],
    amounts=["amount"],
)  # fmt: skip
# The plan each deal had; 45's is in October while it is still open.
EXPECTED_CLOSE = ["2026-09-30", "2026-10-15", "2026-10-20", "2026-10-31", "2026-10-25",
                  "2026-11-15", "2026-11-10", "2026-11-30", None]  # fmt: skip
STATUS = {"open": "Open", "won": "Won", "lost": "Lost"}


def _time(column: str, clock: str) -> pl.Expr:
    return pl.col(column).dt.strftime(f"%Y-%m-%d {clock}")


def _when(status: str, column: str, clock: str) -> pl.Expr:
    return pl.when(pl.col("status") == status).then(_time(column, clock))


def deals_export(deals: pl.DataFrame, legacy: bool) -> pl.DataFrame:
    head = {
        "Deal - ID": pl.col("deal_id"),
        "Deal - Title": pl.format("{} deal", "customer_id"),
        "Deal - Creator": pl.lit("Ina Roth"),
        "Deal - Owner": pl.col("owner"),
        "Deal - Value": pl.col("amount"),
        ("Deal - Currency of Value" if legacy else "Deal - Currency"): pl.col("currency"),
        "Deal - Probability": pl.lit(None, pl.String),
        "Deal - Organization": pl.col("customer_id"),
        "Deal - Contact person": pl.lit("Eva Lind"),
        "Deal - Pipeline": pl.col("pipeline"),
        "Deal - Stage": pl.col("stage"),
        "Deal - Status": pl.col("status").replace_strict(STATUS),
        ("Deal - Add time" if legacy else "Deal - Deal created"): _time("created_at", "10:15:00"),
        "Deal - Update time": pl.lit("2026-11-30 17:02:44"),
        "Deal - Last stage change": _time("created_at", "12:00:00"),
        "Deal - Expected close date": pl.Series(EXPECTED_CLOSE),
    }
    if legacy:  # the close day of both won and lost deals, and Lost time
        closing = {
            "Deal - Close time": _time("closed_at", "15:20:11"),
            "Deal - Lost time": _when("lost", "closed_at", "15:20:11"),
        }
    else:
        closing = {
            "Deal - Won time": _when("won", "closed_at", "15:20:11"),
            "Deal - Lost time": _when("lost", "closed_at", "15:20:11"),
            "Deal - Deal closed on": _time("closed_at", "15:20:11"),
        }
    lost_reason = pl.when(pl.col("status") == "lost").then(pl.lit("Price too high"))
    return deals.select(
        **head, **closing, **{"Deal - Lost reason": lost_reason, "Deal - Visible to": pl.lit("3")}
    )


def write(tables: dict[str, pl.DataFrame], folder: Path, legacy: bool = False) -> None:
    folder.mkdir(parents=True)
    name = "deals-4721-12.csv" if legacy else "deals-9338201-57.csv"
    write_export(folder / name, deals_export(tables["deals"], legacy))


PIPEDRIVE = Crm(
    id="pipedrive",
    preset="pipedrive",
    tables={"deals": DEALS},
    write=write,
    inputs={"deals": "pipedrive"},
    min_available=13,
    worked={
        ("win_rate", "2026-10"): 2 / 3,
        ("revenue", "2026-10"): 4200.0 + 900.0,
        # Open at Nov 1: 45 (its Oct 25 plan is no close) and 46, 47 (close in November).
        ("open_deals", "2026-10"): 3,
    },
    config={
        "stage_probability": {
            "Qualified": 0.1,
            "Contact Made": 0.2,
            "Demo Scheduled": 0.4,
            "Proposal Made": 0.6,
            "Negotiations Started": 0.8,
        }
    },
)
PIPEDRIVE_LEGACY = Crm(
    id="pipedrive-legacy",
    preset="pipedrive",
    tables={"deals": DEALS},
    write=partial(write, legacy=True),
    inputs={"deals": "pipedrive"},
    min_available=13,
    worked={("win_rate", "2026-11"): 1 / 2, ("revenue", "2026-11"): 5100.0},
    config=PIPEDRIVE.config,
)
