"""Freshdesk (EXPORTS.md §6): the ticket export with contact and company columns.

Pitfalls written into the file: the first response as ``Initial response
time`` (a timestamp) next to ``First response time (in hrs)`` and
``Resolution time (in hrs)``, business-hours ``HH:MM:SS`` strings (often
empty) that must not be read; ``Resolved time`` empty for a ticket closed
without being resolved (203: ``Closed time`` is its resolution) and a
``Closed time`` later than ``Resolved time``; ``Due by Time`` and ``Last
update time`` timestamps; survey labels; the company, else the contact id.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
from _preset_kit import Crm, labels, rows, write_export

# October: resolved 201 (27 h), 202 (90 h 40 min), 203 (21 h 50 min) → mean 46.5 h;
# rated Awesome, Just Okay, Not Good → CSAT 1/3.
TICKETS = rows(
    "ticket_id created_at first_response_at resolved_at status priority channel agent customer_id csat",
    ("201", "2026-10-02 09:00", "2026-10-02 10:30", "2026-10-03 12:00", "Closed", "Medium", "Email", "Rita Gomez", "Acme Inc", "5"),
    ("202", "2026-10-05 16:20", "2026-10-06 09:50", "2026-10-09 11:00", "Resolved", "High", "Portal", "Sam Lee", "Birch LLC", "3"),
    ("203", "2026-10-17 10:10", "2026-10-17 10:40", "2026-10-18 08:00", "Closed", "Low", "Phone", "Rita Gomez", "77001", "1"),
    ("204", "2026-10-28 14:00", None, None, "Open", "Urgent", "Email", "Sam Lee", "Cobalt Co", None),
    ("205", "2026-11-04 08:15", "2026-11-04 09:00", "2026-11-05 17:30", "Resolved", "Medium", "Chat", "Rita Gomez", "Acme Inc", None),
    ("206", "2026-11-19 11:45", "2026-11-20 10:15", None, "Pending", "Low", "Email", "Sam Lee", "77002", None),
    times=["created_at", "first_response_at", "resolved_at"],
).with_columns(pl.col("csat").cast(pl.Int64))  # fmt: skip
CLOSED_UNRESOLVED = ["203"]  # closed straight away: no Resolved time
# Business-hours durations as Freshdesk writes them (HH:MM:SS, often empty).
FIRST_RESPONSE_HRS = ["01:30:00", "01:50:00", "00:30:00", None, "00:45:00", "01:30:00"]
RESOLUTION_HRS = ["08:00:00", None, "06:50:00", None, "17:15:00", None]


def _stamp(column: str | pl.Expr) -> pl.Expr:
    expr = pl.col(column) if isinstance(column, str) else column
    return expr.dt.strftime("%Y-%m-%d %H:%M:%S")


def tickets_export(tickets: pl.DataFrame) -> pl.DataFrame:
    direct = pl.col("ticket_id").is_in(CLOSED_UNRESOLVED)
    closed = pl.col("status") == "Closed"
    closed_time = pl.when(closed & direct).then(pl.col("resolved_at")).when(closed)
    company = ~pl.col("customer_id").str.contains(r"^\d+$")
    return tickets.select(
        pl.col("ticket_id").alias("Ticket ID"),
        pl.lit("Refund request").alias("Subject"),
        pl.col("status").alias("Status"),
        pl.col("priority").alias("Priority"),
        pl.col("channel").alias("Source"),
        pl.lit("Question").alias("Type"),
        pl.col("agent").alias("Agent"),
        pl.lit("Billing").alias("Group"),
        _stamp("created_at").alias("Created time"),
        _stamp(pl.col("created_at") + pl.duration(days=3)).alias("Due by Time"),
        pl.when(~direct).then(_stamp("resolved_at")).alias("Resolved time"),
        _stamp(closed_time.then(pl.col("resolved_at") + pl.duration(days=2))).alias("Closed time"),
        pl.lit("2026-11-30 09:00:00").alias("Last update time"),
        _stamp("first_response_at").alias("Initial response time"),
        pl.lit("00:00:00").alias("Time tracked"),
        pl.Series("First response time (in hrs)", FIRST_RESPONSE_HRS, pl.String),
        pl.Series("Resolution time (in hrs)", RESOLUTION_HRS, pl.String),
        pl.lit("Within SLA").alias("First response status"),
        pl.lit("refund").alias("Tags"),
        labels("csat", {5: "Awesome", 3: "Just Okay", 1: "Not Good"}).alias("Survey results"),
        pl.lit("Pat Customer").alias("Full name"),
        pl.lit("pat@example.com").alias("Email"),
        pl.when(company).then(pl.lit("77999")).otherwise("customer_id").alias("Contact ID"),
        pl.when(company).then("customer_id").alias("Company Name"),
    )


def write(tables: dict[str, pl.DataFrame], folder: Path) -> None:
    folder.mkdir(parents=True)
    write_export(folder / "tickets-2026-12-01.csv", tickets_export(tables["tickets"]))


FRESHDESK = Crm(
    id="freshdesk",
    preset="freshdesk",
    tables={"tickets": TICKETS},
    write=write,
    inputs={"tickets": "freshdesk"},
    min_available=6,
    worked={
        ("resolution_hours", "2026-10"): (27 + 90 + 40 / 60 + 21 + 50 / 60) / 3,
        ("csat", "2026-10"): 1 / 3,
        ("first_response_hours", "2026-11"): (0.75 + 22.5) / 2,
    },
)
