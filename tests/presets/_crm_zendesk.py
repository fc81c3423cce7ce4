"""Zendesk Support (EXPORTS.md §5): the tickets CSV of a full export.

Statuses, priorities and satisfaction values are Zendesk's standard lists
(New, Open, Pending, On-hold, Solved, Closed; Low, Normal, High, Urgent;
Offered, Unoffered, Good, Bad). Pitfalls written into the file: no
first-reply time, only ``First reply time in minutes`` (calendar) next to
its ``… within business hours`` twin (smaller, and wrong to add);
resolution durations in minutes and ``Resolution time`` in hours that must
not be read; ``Assigned at`` and ``Initially assigned at`` timestamps that
are no reply; satisfaction as ``Good``/``Bad`` with ``Offered``/
``Unoffered`` meaning no rating; the organization when there is one, else
the requester id.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
from _preset_kit import Crm, rows, write_export

# October: first replies after 42 min, 9.5 h and 5 min (1044 unanswered);
# rated among October's resolved: 1041 Good, 1042 Bad → CSAT 1/2.
TICKETS = rows(
    "ticket_id created_at first_response_at resolved_at status priority channel agent customer_id csat",
    # July, before every period: On-hold and New complete Zendesk's statuses (backlog only).
    ("1038", "2026-07-14 10:00", "2026-07-14 10:30", None, "On-hold", "Normal", "Mail", "Lena Voss", "Acme", None),
    ("1039", "2026-07-20 09:00", None, None, "New", "Low", "Chat", "Omar Said", "Birch", None),
    ("1041", "2026-10-01 08:30", "2026-10-01 09:12", "2026-10-01 15:00", "Closed", "Normal", "Mail", "Lena Voss", "Acme", "5"),
    ("1042", "2026-10-03 22:10", "2026-10-04 07:40", "2026-10-06 12:00", "Solved", "High", "Web Form", "Omar Said", "Birch", "1"),
    ("1043", "2026-10-14 11:00", "2026-10-14 11:05", "2026-10-20 09:30", "Closed", "Low", "Mail", "Lena Voss", "48213001", None),
    ("1044", "2026-10-29 16:45", None, None, "Open", "Urgent", "Chat", "Omar Said", "Cobalt", None),
    ("1045", "2026-11-02 09:00", "2026-11-02 13:30", "2026-11-03 10:15", "Solved", "Normal", "Mail", "Lena Voss", "Acme", "5"),
    ("1046", "2026-11-16 13:20", "2026-11-17 10:00", None, "Pending", "High", "Web Form", "Omar Said", "48213002", None),
    ("1047", "2026-11-24 07:55", "2026-11-24 08:25", "2026-11-26 17:00", "Closed", "Normal", "Chat", "Lena Voss", "Birch", None),
    times=["created_at", "first_response_at", "resolved_at"],
).with_columns(pl.col("csat").cast(pl.Int64))  # fmt: skip


def _minutes(end: str) -> pl.Expr:
    return (pl.col(end) - pl.col("created_at")).dt.total_minutes()


def _stamp(column: str) -> pl.Expr:
    return pl.col(column).dt.strftime("%Y-%m-%d %H:%M:%S")


def tickets_export(tickets: pl.DataFrame) -> pl.DataFrame:
    requester_id = pl.col("customer_id").str.contains(r"^\d+$")
    score = (
        pl.when(pl.col("csat") == 5).then(pl.lit("Good"))
        .when(pl.col("csat") == 1).then(pl.lit("Bad"))
        .when(pl.col("resolved_at").is_not_null()).then(pl.lit("Offered"))
        .otherwise(pl.lit("Unoffered"))
    )  # fmt: skip
    return tickets.select(
        pl.col("ticket_id").alias("Id"),
        pl.lit("Pat Customer").alias("Requester"),
        pl.when(requester_id).then("customer_id").otherwise(pl.lit("48219999")).alias("Requester id"),
        pl.col("agent").alias("Assignee"),
        pl.lit("Support").alias("Group"),
        pl.lit("Cannot log in").alias("Subject"),
        pl.col("status").alias("Status"),
        pl.col("priority").alias("Priority"),
        pl.col("channel").alias("Via"),
        _stamp("created_at").alias("Created at"),
        pl.lit("2026-11-30 18:00:00").alias("Updated at"),
        (pl.col("created_at") + pl.duration(minutes=2)).dt.strftime("%Y-%m-%d %H:%M:%S").alias("Assigned at"),
        pl.when(~requester_id).then("customer_id").alias("Organization"),
        (pl.col("created_at") + pl.duration(minutes=1)).dt.strftime("%Y-%m-%d %H:%M:%S").alias("Initially assigned at"),
        _stamp("resolved_at").alias("Solved at"),
        (_minutes("resolved_at") // 60).alias("Resolution time"),
        score.alias("Satisfaction Score"),
        pl.lit("0").alias("Reopens"),
        pl.lit("2").alias("Replies"),
        _minutes("first_response_at").alias("First reply time in minutes"),
        (_minutes("first_response_at") // 3).alias("First reply time in minutes within business hours"),
        _minutes("resolved_at").alias("First resolution time in minutes"),
        (_minutes("resolved_at") // 3).alias("First resolution time in minutes within business hours"),
        _minutes("resolved_at").alias("Full resolution time in minutes"),
        (_minutes("resolved_at") // 3).alias("Full resolution time in minutes within business hours"),
        pl.lit("12").alias("Agent wait time in minutes"),
        pl.lit("4").alias("Agent wait time in minutes within business hours"),
        pl.lit("30").alias("Requester wait time in minutes"),
        pl.lit("10").alias("Requester wait time in minutes within business hours"),
        pl.lit("login").alias("Category [list]"),
    )  # fmt: skip


def write(tables: dict[str, pl.DataFrame], folder: Path) -> None:
    folder.mkdir(parents=True)
    name = "export-2026-12-01-0915-10471234-360001234567.csv"
    write_export(folder / name, tickets_export(tables["tickets"]))


ZENDESK = Crm(
    id="zendesk",
    preset="zendesk",
    tables={"tickets": TICKETS},
    write=write,
    inputs={"tickets": "zendesk"},
    min_available=7,
    worked={
        ("first_response_hours", "2026-10"): (42 / 60 + 9.5 + 5 / 60) / 3,
        ("csat", "2026-10"): 1 / 2,
        ("csat", "2026-11"): 1.0,  # 1045 Good; 1047 only Offered
        ("open_tickets", "2026-10"): 3,  # 1038, 1039 (July) and 1044
    },
)
