"""HubSpot (EXPORTS.md §1): deals, companies, contacts and tickets exports.

Pitfalls written into the files: an open deal's Close Date is the expected
one (the end of its creation month, inside October for deal 107), stage
history only as wide ``Date entered "<stage> (Sales Pipeline)"`` columns
(one stage never entered: an empty column; a ``Date exited`` column that must
not be read), companies' record ``Create Date`` next to ``Became a Customer
Date``, lifecycle stages as labels, ``Existing Business`` deals whose meaning
the config confirms.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
from _preset_kit import Crm, labels, rows, write_export

STAGES = (
    "Appointment Scheduled",
    "Qualified To Buy",
    "Presentation Scheduled",
    "Contract Sent",
    "Closed Won",
    "Closed Lost",
)

CUSTOMERS = rows(
    "customer_id created_at name segment region channel owner",
    ("9001", "2026-09-20", "Acme GmbH", "Computer Software", "Germany", "Organic Search", "Ana Lopez"),
    ("9002", "2026-10-03", "Birch SARL", "Retail", "France", "Paid Search", "Ben Ode"),
    ("9003", "2026-10-28", "Cobalt AG", "Computer Software", "Germany", "Referrals", "Ana Lopez"),
    ("9004", "2026-11-12", "Dune SL", "Logistics", "Spain", "Direct Traffic", "Ben Ode"),
    dates=["created_at"],
)  # fmt: skip

# October: won 102, 104, 105, lost 103 → win rate 3/4, revenue 6,700.50.
# November: won 108, lost 106. 107 and 109 are open.
DEALS = rows(
    "deal_id created_at status closed_at amount customer_id stage type owner pipeline currency",
    ("101", "2026-09-02", "won", "2026-09-20", 1200.0, "9001", "Closed Won", "new", "Ana Lopez", "Sales Pipeline", "EUR"),
    ("102", "2026-09-10", "won", "2026-10-03", 3400.5, "9002", "Closed Won", "new", "Ben Ode", "Sales Pipeline", "EUR"),
    ("103", "2026-09-15", "lost", "2026-10-09", None, "9003", "Closed Lost", "new", "Ana Lopez", "Sales Pipeline", "EUR"),
    ("104", "2026-10-01", "won", "2026-10-28", 2500.0, "9003", "Closed Won", "new", "Ana Lopez", "Sales Pipeline", "EUR"),
    ("105", "2026-10-05", "won", "2026-10-30", 800.0, "9001", "Closed Won", "upsell", "Ana Lopez", "Sales Pipeline", "EUR"),
    ("106", "2026-10-12", "lost", "2026-11-04", 1500.0, "9002", "Closed Lost", "upsell", "Ben Ode", "Sales Pipeline", "EUR"),
    ("107", "2026-10-20", "open", None, 5000.0, "9004", "Contract Sent", "new", "Ben Ode", "Sales Pipeline", "EUR"),
    ("108", "2026-11-02", "won", "2026-11-12", 4100.0, "9004", "Closed Won", "new", "Ben Ode", "Sales Pipeline", "EUR"),
    ("109", "2026-11-15", "open", None, 900.0, "9002", "Qualified To Buy", "upsell", "Ana Lopez", "Sales Pipeline", "EUR"),
    dates=["created_at", "closed_at"],
    amounts=["amount"],
)  # fmt: skip

DEAL_STAGES = rows(
    "deal_id stage entered_at",
    ("101", "Appointment Scheduled", "2026-09-02"), ("101", "Qualified To Buy", "2026-09-06"),
    ("101", "Closed Won", "2026-09-20"),
    ("102", "Appointment Scheduled", "2026-09-10"), ("102", "Qualified To Buy", "2026-09-14"),
    ("102", "Contract Sent", "2026-09-25"), ("102", "Closed Won", "2026-10-03"),
    ("103", "Appointment Scheduled", "2026-09-15"), ("103", "Qualified To Buy", "2026-09-20"),
    ("103", "Closed Lost", "2026-10-09"),
    ("104", "Appointment Scheduled", "2026-10-01"), ("104", "Contract Sent", "2026-10-15"),
    ("104", "Closed Won", "2026-10-28"),
    ("105", "Qualified To Buy", "2026-10-05"), ("105", "Contract Sent", "2026-10-20"),
    ("105", "Closed Won", "2026-10-30"),
    ("106", "Appointment Scheduled", "2026-10-12"), ("106", "Qualified To Buy", "2026-10-19"),
    ("106", "Closed Lost", "2026-11-04"),
    ("107", "Appointment Scheduled", "2026-10-20"), ("107", "Qualified To Buy", "2026-10-24"),
    ("107", "Contract Sent", "2026-10-27"),
    ("108", "Appointment Scheduled", "2026-11-02"), ("108", "Contract Sent", "2026-11-06"),
    ("108", "Closed Won", "2026-11-12"),
    ("109", "Appointment Scheduled", "2026-11-15"), ("109", "Qualified To Buy", "2026-11-18"),
    dates=["entered_at"],
)  # fmt: skip

LEADS = rows(
    "lead_id created_at status converted_at customer_id source owner",
    ("501", "2026-09-05", "converted", "2026-09-20", "9001", "Organic Search", "Ana Lopez"),
    ("502", "2026-09-18", "converted", "2026-10-03", "9002", "Paid Search", "Ben Ode"),
    ("503", "2026-10-02", "qualified", None, "9004", "Referrals", "Ben Ode"),
    ("504", "2026-10-08", "open", None, None, "Organic Search", "Ana Lopez"),
    ("505", "2026-10-15", "converted", "2026-10-28", "9003", "Referrals", "Ana Lopez"),
    ("506", "2026-10-21", "qualified", None, None, "Paid Search", "Ben Ode"),
    ("507", "2026-11-03", "open", None, None, "Direct Traffic", "Ben Ode"),
    ("508", "2026-11-09", "qualified", None, "9004", "Direct Traffic", "Ana Lopez"),
    dates=["created_at", "converted_at"],
)  # fmt: skip
# The lifecycle stage each contact shows, row by row (several map to one status).
LIFECYCLE = [
    "Customer", "Evangelist", "Sales Qualified Lead", "Subscriber",
    "Customer", "Marketing Qualified Lead", "Lead", "Opportunity",
]  # fmt: skip

# October: first responses after 2.5 h, 19.5 h and 62.5 h; 7003 never answered.
TICKETS = rows(
    "ticket_id created_at first_response_at resolved_at status priority channel agent customer_id",
    ("7001", "2026-10-01 09:15", "2026-10-01 11:45", "2026-10-02 16:00", "Closed", "High", "Email", "Cara Diaz", "9001"),
    ("7002", "2026-10-06 14:00", "2026-10-07 09:30", "2026-10-08 10:00", "Closed", "Medium", "Chat", "Cara Diaz", "9002"),
    ("7003", "2026-10-20 08:05", None, None, "New", "Low", "Form", "Dev Patel", "9002"),
    ("7004", "2026-10-30 17:40", "2026-11-02 08:10", "2026-11-03 12:00", "Closed", "High", "Email", "Dev Patel", "9003"),
    ("7005", "2026-11-10 10:00", "2026-11-10 10:20", None, "Waiting on contact", "Medium", "Chat", "Cara Diaz", "9004"),
    ("7006", "2026-11-18 12:30", "2026-11-19 09:00", "2026-11-25 15:45", "Closed", "Low", "Email", "Dev Patel", None),
    times=["created_at", "first_response_at", "resolved_at"],
)  # fmt: skip

COMPANY = dict(zip(CUSTOMERS["customer_id"], CUSTOMERS["name"], strict=True))
DEAL_TYPES = {"new": "New Business", "upsell": "Existing Business"}


def _stamp(column: str, clock: str) -> pl.Expr:
    """A date as HubSpot writes a date-time property: ``2026-10-03 16:45``."""
    return pl.col(column).dt.strftime(f"%Y-%m-%d {clock}")


def deals_export(deals: pl.DataFrame, stages: pl.DataFrame) -> pl.DataFrame:
    wide = stages.pivot(on="stage", index="deal_id", values="entered_at")
    entered = [
        (_stamp(s, "09:00") if s in wide.columns else pl.lit(None, pl.String)).alias(
            f'Date entered "{s} (Sales Pipeline)"'
        )
        for s in STAGES
    ]
    return deals.join(wide, on="deal_id", how="left", maintain_order="left").select(
        pl.col("deal_id").alias("Record ID"),
        pl.format("Deal {}", "deal_id").alias("Deal Name"),
        pl.col("stage").alias("Deal Stage"),
        pl.col("pipeline").alias("Pipeline"),
        pl.col("amount").alias("Amount"),
        pl.col("currency").alias("Currency"),
        _stamp("created_at", "10:30").alias("Create Date"),
        # An open deal's Close Date is the expected one: the end of its creation month.
        pl.coalesce("closed_at", pl.col("created_at").dt.month_end())
        .dt.strftime("%Y-%m-%d 16:45")
        .alias("Close Date"),
        labels("type", DEAL_TYPES).alias("Deal Type"),
        pl.col("owner").alias("Deal owner"),
        labels("customer_id", COMPANY).alias("Associated Company"),
        pl.col("customer_id").alias("Associated Company IDs"),
        pl.lit("0.6").alias("Deal probability"),
        *entered,
        _stamp("Qualified To Buy", "09:00").alias('Date exited "Appointment Scheduled (Sales Pipeline)"'),
    )  # fmt: skip


def companies_export(customers: pl.DataFrame) -> pl.DataFrame:
    return customers.select(
        pl.col("customer_id").alias("Record ID"),
        pl.col("name").alias("Company name"),
        # When the record was made, long before the company bought: not created_at.
        (pl.col("created_at") - pl.duration(days=40)).dt.strftime("%Y-%m-%d 08:15").alias("Create Date"),
        pl.lit("Customer").alias("Lifecycle Stage"),
        _stamp("created_at", "11:00").alias("Became a Customer Date"),
        pl.col("segment").alias("Industry"),
        pl.col("region").alias("Country/Region"),
        pl.col("channel").alias("Original Traffic Source"),
        pl.col("owner").alias("Company owner"),
        pl.lit("+49 30 1234567").alias("Phone Number"),
    )  # fmt: skip


def contacts_export(leads: pl.DataFrame) -> pl.DataFrame:
    return leads.select(
        pl.col("lead_id").alias("Record ID"),
        pl.lit("Kim").alias("First Name"),
        pl.format("Contact {}", "lead_id").alias("Last Name"),
        pl.format("kim{}@example.com", "lead_id").alias("Email"),
        _stamp("created_at", "08:00").alias("Create Date"),
        pl.Series("Lifecycle Stage", LIFECYCLE),
        _stamp("converted_at", "11:00").alias("Became a Customer Date"),
        pl.col("customer_id").alias("Associated Company IDs"),
        pl.col("source").alias("Original Traffic Source"),
        pl.col("owner").alias("Contact owner"),
    )


def tickets_export(tickets: pl.DataFrame) -> pl.DataFrame:
    def stamp(column: str) -> pl.Expr:
        return pl.col(column).dt.strftime("%Y-%m-%d %H:%M")

    return tickets.select(
        pl.col("ticket_id").alias("Ticket ID"),
        pl.format("Question {}", "ticket_id").alias("Ticket name"),
        pl.lit("Support Pipeline").alias("Pipeline"),
        pl.col("status").alias("Ticket status"),
        pl.col("priority").alias("Priority"),
        pl.col("channel").alias("Source"),
        stamp("created_at").alias("Create date"),
        stamp("resolved_at").alias("Close date"),
        stamp("first_response_at").alias("First agent reply date"),
        pl.col("agent").alias("Ticket owner"),
        pl.col("customer_id").alias("Associated Company IDs"),
        stamp("created_at").alias("Last activity date"),
    )


def write(tables: dict[str, pl.DataFrame], folder: Path) -> None:
    folder.mkdir(parents=True)
    day = "2026-12-01"
    deals = deals_export(tables["deals"], tables["deal_stages"])
    write_export(folder / f"hubspot-crm-exports-all-deals-{day}.csv", deals)
    write_export(
        folder / f"hubspot-crm-exports-all-companies-{day}.csv",
        companies_export(tables["customers"]),
    )
    write_export(
        folder / f"hubspot-crm-exports-all-contacts-{day}.csv", contacts_export(tables["leads"])
    )
    write_export(
        folder / f"hubspot-crm-exports-all-tickets-{day}.csv", tickets_export(tables["tickets"])
    )


HUBSPOT = Crm(
    id="hubspot",
    preset="hubspot",
    tables={
        "customers": CUSTOMERS,
        "leads": LEADS,
        "deals": DEALS,
        "tickets": TICKETS,
        "deal_stages": DEAL_STAGES,
    },
    write=write,
    inputs={
        "customers": "hubspot",
        "leads": "hubspot",
        "deals": "hubspot",
        "tickets": "hubspot",
        "deal_stages": "hubspot wide stages",
    },
    min_available=24,
    worked={
        ("win_rate", "2026-10"): 3 / 4,
        ("revenue", "2026-10"): 3400.5 + 2500 + 800,
        # Deals won in October: 9002, 9003 (new) and 9001 (Existing Business) → 1/3.
        ("upsell_rate", "2026-10"): 1 / 3,
        # Open at Nov 1: 106 (closes Nov 4) and 107, whose expected Oct 31 is no close.
        ("open_deals", "2026-10"): 2,
        # Answered within 24 h: 7001, 7002 of 7001–7004.
        ("first_response_sla_rate", "2026-10"): 2 / 4,
    },
    config={
        "stage_probability": {
            "Appointment Scheduled": 0.2,
            "Qualified To Buy": 0.4,
            "Presentation Scheduled": 0.6,
            "Contract Sent": 0.9,
            "Closed Won": 1.0,
            "Closed Lost": 0.0,
        }
    },
    # EXPORTS.md: Existing Business is upsell only when the user says so.
    vocabulary={"deals": {"type": {"Existing Business": "upsell"}}},
    unknown={"upsell_rate": "Existing Business", "cross_sell_rate": "Existing Business"},
    warnings=("deals: ignored the closed_at of 2 open deals (an expected close date)",),
)
