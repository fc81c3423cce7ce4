"""Zoho CRM (EXPORTS.md §4): Deals, Leads and Accounts module exports.

Pitfalls written into the files: ``zcrm_`` record ids, lookups as a name
plus ``.id`` pair, amounts like ``$95,570.69``, ``Closing Date`` written
``Sep 25, 2026`` and only expected while a deal is open (deal 006 plans Oct
30), ``Closed Lost to Competition`` as a lost stage, dates of three shapes
(ISO ``Created Time`` for deals, ``10/08/2026 09:30 AM`` for accounts, US
``10/03/2026`` for leads), ``Existing Business`` deals that the config maps.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
from _preset_kit import Crm, labels, money, rows, write_export

_A = "zcrm_57257670000003000{:02d}".format
_D = "zcrm_57257670000004120{:02d}".format
_L = "zcrm_57257670000005000{:02d}".format

CUSTOMERS = rows(
    "customer_id created_at name owner segment",
    (_A(1), "2026-09-02", "Lindqvist AB", "Maya Chen", "Manufacturing"),
    (_A(2), "2026-09-21", "Okafor Ltd", "Tom Berg", "Retail"),
    (_A(3), "2026-10-08", "Prieto SA", "Maya Chen", "Manufacturing"),
    (_A(4), "2026-11-03", "Quist BV", "Tom Berg", "Services"),
    dates=["created_at"],
)  # fmt: skip

# October: won 03, 04; lost 02 (to competition), 05 → win rate 1/2, revenue 98,721.19.
DEALS = rows(
    "deal_id created_at status closed_at amount customer_id stage type owner",
    (_D(1), "2026-09-04", "won", "2026-09-25", 12400.0, _A(1), "Closed Won", "new", "Maya Chen"),
    (_D(2), "2026-09-15", "lost", "2026-10-06", 8000.0, _A(2), "Closed Lost to Competition", "new", "Tom Berg"),
    (_D(3), "2026-09-21", "won", "2026-10-12", 95570.69, _A(2), "Closed Won", "new", "Tom Berg"),
    (_D(4), "2026-10-05", "won", "2026-10-27", 3150.5, _A(3), "Closed Won", "new", "Maya Chen"),
    (_D(5), "2026-10-13", "lost", "2026-10-29", 2200.0, _A(1), "Closed Lost", "upsell", "Maya Chen"),
    (_D(6), "2026-10-19", "open", None, 18000.0, _A(3), "Negotiation/Review", "upsell", "Maya Chen"),
    (_D(7), "2026-11-02", "won", "2026-11-18", 6400.0, _A(4), "Closed Won", "new", "Tom Berg"),
    (_D(8), "2026-11-09", "open", None, 5000.0, _A(1), "Proposal/Price Quote", "upsell", "Tom Berg"),
    (_D(9), "2026-11-20", "open", None, None, _A(4), "Qualification", None, "Tom Berg"),
    dates=["created_at", "closed_at"],
    amounts=["amount"],
)  # fmt: skip
EXPECTED_CLOSE = {_D(6): "2026-10-30", _D(8): "2026-12-15", _D(9): "2027-01-31"}

LEADS = rows(
    "lead_id created_at status source owner",
    (_L(1), "2026-09-08", "open", "Web Download", "Maya Chen"),
    (_L(2), "2026-09-26", "qualified", "Trade Show", "Tom Berg"),
    (_L(3), "2026-10-03", "lost", "Cold Call", "Tom Berg"),
    (_L(4), "2026-10-11", "open", "Web Download", "Maya Chen"),
    (_L(5), "2026-10-30", "qualified", "Partner", "Maya Chen"),
    (_L(6), "2026-11-06", "lost", "Web Download", "Tom Berg"),
    (_L(7), "2026-11-14", "open", "Advertisement", "Tom Berg"),
    dates=["created_at"],
)  # fmt: skip
LEAD_STATUS = [
    "Not Contacted", "Pre-Qualified", "Junk Lead", "Attempted to Contact",
    "Pre-Qualified", "Lost Lead", "Contacted",
]  # fmt: skip
ACCOUNT_NAME = dict(zip(CUSTOMERS["customer_id"], CUSTOMERS["name"], strict=True))


def deals_export(deals: pl.DataFrame) -> pl.DataFrame:
    closing = pl.coalesce("closed_at", labels("deal_id", EXPECTED_CLOSE).str.to_date())
    return deals.select(
        pl.col("deal_id").alias("Record Id"),
        pl.col("owner").alias("Deal Owner"),
        pl.format("{} order", labels("customer_id", ACCOUNT_NAME)).alias("Deal Name"),
        money(deals["amount"], "${:,.2f}").alias("Amount"),
        closing.dt.strftime("%b %d, %Y").alias("Closing Date"),
        pl.col("stage").alias("Stage"),
        labels("type", {"new": "New Business", "upsell": "Existing Business"}).alias("Type"),
        pl.lit("10").alias("Probability (%)"),
        labels("customer_id", ACCOUNT_NAME).alias("Account Name"),
        pl.col("customer_id").alias("Account Name.id"),
        pl.lit("Ola Berg").alias("Contact Name"),
        pl.lit("zcrm_5725767000000600001").alias("Contact Name.id"),
        pl.lit("Web Download").alias("Lead Source"),
        pl.col("created_at").dt.strftime("%Y-%m-%d 10:15:00").alias("Created Time"),
        pl.lit("2026-11-30 16:40:12").alias("Modified Time"),
    )


def leads_export(leads: pl.DataFrame) -> pl.DataFrame:
    return leads.select(
        pl.col("lead_id").alias("Record Id"),
        pl.col("owner").alias("Lead Owner"),
        pl.lit("Example Oy").alias("Company"),
        pl.lit("Ilse").alias("First Name"),
        pl.format("Lead {}", pl.col("lead_id").str.slice(-2)).alias("Last Name"),
        pl.col("source").alias("Lead Source"),
        pl.Series("Lead Status", LEAD_STATUS),
        pl.col("created_at").dt.strftime("%m/%d/%Y").alias("Created Time"),
    )


def accounts_export(customers: pl.DataFrame) -> pl.DataFrame:
    return customers.select(
        pl.col("customer_id").alias("Record Id"),
        pl.col("owner").alias("Account Owner"),
        pl.col("name").alias("Account Name"),
        pl.lit("Customer").alias("Account Type"),
        pl.col("segment").alias("Industry"),
        pl.lit("95,570.69").alias("Annual Revenue"),
        pl.lit("Sweden").alias("Billing Country"),
        pl.col("created_at").dt.strftime("%m/%d/%Y 09:30 AM").alias("Created Time"),
    )


def write(tables: dict[str, pl.DataFrame], folder: Path) -> None:
    folder.mkdir(parents=True)
    write_export(folder / "Deals_001.csv", deals_export(tables["deals"]))
    write_export(folder / "Leads_001.csv", leads_export(tables["leads"]))
    write_export(folder / "Accounts_001.csv", accounts_export(tables["customers"]))


ZOHO = Crm(
    id="zoho",
    preset="zoho",
    tables={"customers": CUSTOMERS, "leads": LEADS, "deals": DEALS},
    write=write,
    inputs={"customers": "zoho", "leads": "zoho", "deals": "zoho"},
    min_available=18,
    worked={
        ("win_rate", "2026-10"): 2 / 4,
        ("revenue", "2026-10"): 95570.69 + 3150.5,
        ("open_deals", "2026-10"): 1,  # 006: its Oct 30 Closing Date is only a plan
        ("new_leads", "2026-10"): 3,
    },
    config={
        "currency": "USD",  # the export's amounts say $ (issue 24: money is one currency)
        "stage_probability": {
            "Qualification": 0.1,
            "Needs Analysis": 0.2,
            "Value Proposition": 0.4,
            "Id. Decision Makers": 0.6,
            "Proposal/Price Quote": 0.75,
            "Negotiation/Review": 0.9,
        },
    },
    vocabulary={"deals": {"type": {"Existing Business": "upsell"}}},
    unknown={"upsell_rate": "Existing Business", "cross_sell_rate": "Existing Business"},
    warnings=("deals: ignored the closed_at of 3 open deals (an expected close date)",),
)
