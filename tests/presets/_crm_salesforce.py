"""Salesforce (EXPORTS.md §2): a Data Export zip's CSVs, and a report export.

Data Export: API-name headers, every field quoted, datetimes in UTC
(``2026-10-31T23:30:00.000Z``) while the report runs in Europe/Berlin: the
account, lead, ticket and opportunity created at 00:30 Berlin on Nov 1 is on
Oct 31 in UTC (a naive reader counts it in October). Status from
IsClosed/IsWon; an open opportunity's CloseDate is its expected close, inside
the period; OpportunityHistory repeats a stage on every Amount or CloseDate
edit; Lead Status and Opportunity Type as default picklist labels.

Report export (deals only): label headers, ``9/14/2026`` dates, ``EUR
7,250.00`` amounts, Closed/Won as 1/0, 15-character ids of which two differ
only in case, and the footer lines a report CSV ends with.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
from _preset_kit import Crm, instant_text, money, rows, write_export

ZONE = "Europe/Berlin"
UTC_FORMAT = "%Y-%m-%dT%H:%M:%S.000Z"
ANA, BEN = "0055g00000AnaL0AAA", "0055g00000BenO0AAA"
ACC = ("0015g00000Acme1AAA", "0015g00000Brch2AAA", "0015g00000Cblt3AAA", "0015g00000Dune4AAA")

# None created in October; the fourth at 00:30 Berlin on Nov 1 (Oct 31 in UTC).
CUSTOMERS = rows(
    "customer_id created_at name segment region channel owner",
    (ACC[0], "2026-08-20", "Acme Corp", "Technology", "Germany", "Web", ANA),
    (ACC[1], "2026-09-14", "Birch Ltd", "Retail", "United Kingdom", "Partner Referral", BEN),
    (ACC[2], "2026-09-20", "Cobalt Inc", "Technology", "United States", "Web", ANA),
    (ACC[3], "2026-11-01", "Dune SA", "Transportation", "France", "Trade Show", BEN),
    dates=["created_at"],
)  # fmt: skip

# October: won 02 and "De", lost 03 and "de" → 1/2. November: won 07 and 08 → 1.
# Type labels below (TYPES): Upgrade and Downgrade are upsell, Replacement renewal.
# Open at Nov 1: 06 (expected CloseDate Oct 30 is no close) and 07 (closes Nov 1).
DEALS = rows(
    "deal_id created_at status closed_at amount customer_id stage type owner currency",
    ("0065g00000Opp01AAA", "2026-09-01", "won", "2026-09-18", 5000.0, ACC[0], "Closed Won", "new", ANA, "EUR"),
    ("0065g00000Opp02AAA", "2026-09-14", "won", "2026-10-02", 7250.0, ACC[1], "Closed Won", "new", BEN, "EUR"),
    ("0065g00000Opp03AAA", "2026-09-20", "lost", "2026-10-06", 3000.0, ACC[2], "Closed Lost", "new", ANA, "EUR"),
    ("0065g00000OppDeAAQ", "2026-10-01", "won", "2026-10-26", 1800.0, ACC[0], "Closed Won", "upsell", ANA, "EUR"),
    ("0065g00000OppdeAAA", "2026-10-07", "lost", "2026-10-21", None, ACC[1], "Closed Lost", "renewal", BEN, "EUR"),
    ("0065g00000Opp06AAA", "2026-10-15", "open", None, 12000.0, ACC[2], "Negotiation/Review", "new", ANA, "EUR"),
    ("0065g00000Opp07AAA", "2026-10-25", "won", "2026-11-01", 2600.0, ACC[3], "Closed Won", "renewal", BEN, "EUR"),
    ("0065g00000Opp08AAA", "2026-11-01", "won", "2026-11-20", 950.0, ACC[0], "Closed Won", "upsell", ANA, "EUR"),
    ("0065g00000Opp09AAA", "2026-11-10", "open", None, 4000.0, ACC[3], "Prospecting", "renewal", BEN, "EUR"),
    dates=["created_at", "closed_at"],
    amounts=["amount"],
)  # fmt: skip
# The Type label of each row (Upgrade and Downgrade both read as upsell).
TYPES = [
    "New Customer", "New Customer", "New Customer", "Existing Customer - Upgrade",
    "Existing Customer - Replacement", "New Customer", "Existing Customer - Replacement",
    "Existing Customer - Downgrade", "Existing Customer - Replacement",
]  # fmt: skip

_O = "0065g00000Opp0{}AAA".format
DEAL_STAGES = rows(
    "deal_id stage entered_at",
    (_O(1), "Prospecting", "2026-09-01"), (_O(1), "Qualification", "2026-09-05"),
    (_O(1), "Proposal/Price Quote", "2026-09-10"), (_O(1), "Closed Won", "2026-09-18"),
    (_O(2), "Prospecting", "2026-09-14"), (_O(2), "Qualification", "2026-09-22"),
    (_O(2), "Negotiation/Review", "2026-09-29"), (_O(2), "Closed Won", "2026-10-02"),
    (_O(3), "Prospecting", "2026-09-20"), (_O(3), "Needs Analysis", "2026-09-28"),
    (_O(3), "Closed Lost", "2026-10-06"),
    ("0065g00000OppDeAAQ", "Prospecting", "2026-10-01"),
    ("0065g00000OppDeAAQ", "Proposal/Price Quote", "2026-10-12"),
    ("0065g00000OppDeAAQ", "Closed Won", "2026-10-26"),
    ("0065g00000OppdeAAA", "Prospecting", "2026-10-07"),
    ("0065g00000OppdeAAA", "Qualification", "2026-10-13"),
    ("0065g00000OppdeAAA", "Closed Lost", "2026-10-21"),
    (_O(6), "Prospecting", "2026-10-15"), (_O(6), "Qualification", "2026-10-19"),
    (_O(6), "Negotiation/Review", "2026-10-27"),
    (_O(7), "Prospecting", "2026-10-25"), (_O(7), "Closed Won", "2026-11-01"),
    (_O(8), "Prospecting", "2026-11-01"), (_O(8), "Value Proposition", "2026-11-05"),
    (_O(8), "Closed Won", "2026-11-20"),
    (_O(9), "Prospecting", "2026-11-10"),
    dates=["entered_at"],
)  # fmt: skip
# OpportunityHistory rows that only record an Amount or CloseDate edit: the
# stage is the one the deal already was in (not an entry).
EDITS = rows(
    "deal_id stage entered_at",
    (_O(2), "Qualification", "2026-09-25"),
    ("0065g00000OppDeAAQ", "Proposal/Price Quote", "2026-10-20"),
    (_O(6), "Negotiation/Review", "2026-10-29"),
    (_O(6), "Negotiation/Review", "2026-11-03"),
    dates=["entered_at"],
)

# A lead created at 00:30 Berlin on Nov 1 (Oct 31 in UTC): new in November.
LEADS = rows(
    "lead_id created_at status converted_at customer_id source owner",
    ("00Q5g00000Lead1AAA", "2026-09-03", "converted", "2026-09-14", ACC[1], "Web", BEN),
    ("00Q5g00000Lead2AAA", "2026-09-25", "lost", None, None, "Phone Inquiry", ANA),
    ("00Q5g00000Lead3AAA", "2026-10-04", "open", None, None, "Web", ANA),
    ("00Q5g00000Lead4AAA", "2026-10-12", "converted", "2026-11-01", ACC[3], "Partner Referral", BEN),
    ("00Q5g00000Lead5AAA", "2026-11-01", "open", None, None, "Web", BEN),
    ("00Q5g00000Lead6AAA", "2026-11-12", "open", None, None, "Trade Show", ANA),
    dates=["created_at", "converted_at"],
)  # fmt: skip
LEAD_STATUS = [
    "Closed - Converted", "Closed - Not Converted", "Open - Not Contacted",
    "Closed - Converted", "Working - Contacted", "Working - Contacted",
]  # fmt: skip

# Local (Berlin) times. 5005…4 opens 00:20 on Nov 1 = Oct 31 23:20 UTC.
TICKETS = rows(
    "ticket_id created_at resolved_at status priority channel agent customer_id",
    ("5005g00000Case1AAA", "2026-10-01 08:00", "2026-10-01 17:30", "Closed", "High", "Email", ANA, ACC[0]),
    ("5005g00000Case2AAA", "2026-10-09 23:50", "2026-10-12 09:00", "Closed", "Medium", "Phone", BEN, ACC[1]),
    ("5005g00000Case3AAA", "2026-10-20 13:00", None, "Working", "Low", "Web", ANA, ACC[2]),
    ("5005g00000Case4AAA", "2026-11-01 00:20", "2026-11-03 10:00", "Closed", "High", "Email", BEN, ACC[3]),
    ("5005g00000Case5AAA", "2026-11-15 09:30", "2026-11-16 11:15", "Closed", "Medium", "Phone", ANA, ACC[0]),
    ("5005g00000Case6AAA", "2026-11-28 16:45", None, "New", "Low", "Web", BEN, ACC[1]),
    times=["created_at", "resolved_at"],
)  # fmt: skip


def _utc(column: str, clock: str | None = None) -> pl.Expr:
    return instant_text(column, ZONE, UTC_FORMAT, clock)


def _boolean(condition: pl.Expr) -> pl.Expr:
    return pl.when(condition).then(pl.lit("true")).otherwise(pl.lit("false"))


def opportunity_file(deals: pl.DataFrame) -> pl.DataFrame:
    closed = pl.col("status") != "open"
    return deals.select(
        pl.col("deal_id").alias("Id"),
        pl.lit("false").alias("IsDeleted"),
        pl.col("customer_id").alias("AccountId"),
        pl.format("Opportunity {}", pl.col("deal_id").str.slice(10, 5)).alias("Name"),
        pl.col("stage").alias("StageName"),
        pl.col("amount").alias("Amount"),
        pl.lit("50").alias("Probability"),
        # An open opportunity's CloseDate is the plan: 15 days after it opened.
        pl.coalesce("closed_at", pl.col("created_at") + pl.duration(days=15)).alias("CloseDate"),
        pl.Series("Type", TYPES),
        pl.lit("Web").alias("LeadSource"),
        _boolean(closed).alias("IsClosed"),
        _boolean(pl.col("status") == "won").alias("IsWon"),
        pl.lit("Pipeline").alias("ForecastCategoryName"),
        pl.col("currency").alias("CurrencyIsoCode"),
        pl.col("owner").alias("OwnerId"),
        _utc("created_at", "00:30").alias("CreatedDate"),
        pl.lit("2026-11-30T10:00:00.000Z").alias("LastModifiedDate"),
    )


def history_file(stages: pl.DataFrame, edits: pl.DataFrame, deals: pl.DataFrame) -> pl.DataFrame:
    entries = stages.select("deal_id", "stage", _utc("entered_at", "00:30").alias("CreatedDate"))
    changes = edits.select("deal_id", "stage", _utc("entered_at", "14:00").alias("CreatedDate"))
    history = pl.concat([entries, changes]).sort("deal_id", "CreatedDate")
    history = history.join(
        deals.select("deal_id", "amount"), on="deal_id", how="left", maintain_order="left"
    )
    return history.with_row_index("n", offset=1).select(
        pl.format("0085g00000H{}AAA", pl.col("n").cast(pl.String).str.zfill(4)).alias("Id"),
        pl.col("deal_id").alias("OpportunityId"),
        pl.lit(ANA).alias("CreatedById"),
        "CreatedDate",
        pl.col("stage").alias("StageName"),
        pl.col("amount").alias("Amount"),
        pl.lit("2026-12-15").alias("CloseDate"),
        pl.lit("20").alias("Probability"),
        pl.lit("Pipeline").alias("ForecastCategory"),
        pl.lit("false").alias("IsDeleted"),
    )


def account_file(customers: pl.DataFrame) -> pl.DataFrame:
    return customers.select(
        pl.col("customer_id").alias("Id"),
        pl.lit("false").alias("IsDeleted"),
        pl.col("name").alias("Name"),
        pl.lit("Customer - Direct").alias("Type"),
        pl.lit("Springfield").alias("BillingCity"),
        pl.col("region").alias("BillingCountry"),
        pl.col("segment").alias("Industry"),
        pl.col("channel").alias("AccountSource"),
        pl.col("owner").alias("OwnerId"),
        _utc("created_at", "00:30").alias("CreatedDate"),
    )


def lead_file(leads: pl.DataFrame) -> pl.DataFrame:
    converted = pl.col("converted_at").is_not_null()
    return leads.select(
        pl.col("lead_id").alias("Id"),
        pl.lit("false").alias("IsDeleted"),
        pl.format("Lead {}", pl.col("lead_id").str.slice(14, 1)).alias("LastName"),
        pl.lit("Example Co").alias("Company"),
        pl.col("source").alias("LeadSource"),
        pl.Series("Status", LEAD_STATUS),
        pl.col("owner").alias("OwnerId"),
        _boolean(converted).alias("IsConverted"),
        pl.col("converted_at").alias("ConvertedDate"),
        pl.col("customer_id").alias("ConvertedAccountId"),
        pl.when(converted).then(pl.lit("0065g00000Opp01AAA")).alias("ConvertedOpportunityId"),
        _utc("created_at", "00:30").alias("CreatedDate"),
    )


def case_file(tickets: pl.DataFrame) -> pl.DataFrame:
    return tickets.with_row_index("n", offset=1026).select(
        pl.col("ticket_id").alias("Id"),
        pl.lit("false").alias("IsDeleted"),
        pl.col("n").cast(pl.String).str.zfill(8).alias("CaseNumber"),
        pl.col("customer_id").alias("AccountId"),
        pl.col("channel").alias("Origin"),
        pl.col("status").alias("Status"),
        pl.col("priority").alias("Priority"),
        pl.lit("Cannot log in").alias("Subject"),
        _boolean(pl.col("status") == "Closed").alias("IsClosed"),
        _utc("resolved_at").alias("ClosedDate"),
        pl.col("agent").alias("OwnerId"),
        _utc("created_at").alias("CreatedDate"),
    )


def write(tables: dict[str, pl.DataFrame], folder: Path) -> None:
    """The CSVs of a Data Export zip (only those crmkpi reads, plus Contact)."""
    folder.mkdir(parents=True)
    files = {
        "Opportunity": opportunity_file(tables["deals"]),
        "OpportunityHistory": history_file(tables["deal_stages"], EDITS, tables["deals"]),
        "Account": account_file(tables["customers"]),
        "Lead": lead_file(tables["leads"]),
        "Case": case_file(tables["tickets"]),
        "Contact": pl.DataFrame({"Id": ["0035g00000Cont1AAA"], "LastName": ["Ng"]}),
    }
    for name, frame in files.items():
        write_export(folder / f"{name}.csv", frame, quote_all=True)


SHARED = {
    "timezone": ZONE,
    "stage_probability": {
        "Prospecting": 0.1,
        "Qualification": 0.2,
        "Needs Analysis": 0.2,
        "Value Proposition": 0.5,
        "Proposal/Price Quote": 0.75,
        "Negotiation/Review": 0.9,
        "Closed Won": 1.0,
        "Closed Lost": 0.0,
    },
}
OPEN_DEALS_WARNING = "deals: ignored the closed_at of 2 open deals (an expected close date)"

SALESFORCE = Crm(
    id="salesforce",
    preset="salesforce",
    tables={
        "customers": CUSTOMERS,
        "leads": LEADS,
        "deals": DEALS,
        "tickets": TICKETS,
        "deal_stages": DEAL_STAGES,
    },
    write=write,
    inputs=dict.fromkeys(("customers", "leads", "deals", "tickets", "deal_stages"), "salesforce"),
    min_available=22,
    worked={
        ("new_customers", "2026-10"): 0,
        ("new_customers", "2026-11"): 1,
        ("win_rate", "2026-10"): 2 / 4,
        ("win_rate", "2026-11"): 1.0,
        ("open_deals", "2026-10"): 2,
        ("new_leads", "2026-11"): 2,
        ("new_tickets", "2026-11"): 3,
        # Won in November: 07 (Replacement: renewal) and 08 (Downgrade: upsell) → 1/2.
        ("upsell_rate", "2026-11"): 1 / 2,
    },
    config=SHARED,
    warnings=(
        OPEN_DEALS_WARNING,
        "deal_stages: dropped 4 rows that repeat the deal's previous stage "
        "(a history row for another change, such as the amount)",
    ),
)


# --- the report export --------------------------------------------------------------

REPORT_FILE = "Opportunity Pipeline-2026-12-01-09-15-02.csv"
FOOTER = (
    "",
    '"Opportunity Pipeline"',
    '"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."',
    '"Confidential Information - Do Not Distribute"',
    '"Generated By:  Ana Lopez  12/1/2026 9:15 AM"',
    '"Example Holdings"',
)
REPORT_DEALS = DEALS.drop("owner", "currency")


def _us_date(column: str) -> pl.Expr:
    return pl.col(column).dt.strftime("%-m/%-d/%Y")


def report_file(deals: pl.DataFrame) -> pl.DataFrame:
    closed = pl.col("status") != "open"
    return deals.select(
        pl.lit("Ana Lopez").alias("Opportunity Owner"),
        pl.lit("Acme Corp").alias("Account Name"),
        pl.format("Opportunity {}", pl.col("deal_id").str.slice(10, 5)).alias("Opportunity Name"),
        pl.col("stage").alias("Stage"),
        pl.lit("Q4-2026").alias("Fiscal Period"),
        money(deals["amount"], "EUR {:,.2f}").alias("Amount"),
        pl.lit("50").alias("Probability (%)"),
        _us_date("closed_at")
        .fill_null((pl.col("created_at") + pl.duration(days=15)).dt.strftime("%-m/%-d/%Y"))
        .alias("Close Date"),
        _us_date("created_at").alias("Created Date"),
        pl.Series("Type", TYPES),
        # Report ids are 15 characters, case-sensitive: two here differ only in case.
        pl.col("deal_id").str.slice(0, 15).alias("Opportunity ID"),
        pl.col("customer_id").str.slice(0, 15).alias("Account ID"),
        pl.when(closed).then(pl.lit("1")).otherwise(pl.lit("0")).alias("Closed"),
        pl.when(pl.col("status") == "won").then(pl.lit("1")).otherwise(pl.lit("0")).alias("Won"),
    )


def write_report(tables: dict[str, pl.DataFrame], folder: Path) -> None:
    folder.mkdir(parents=True)
    write_export(folder / REPORT_FILE, report_file(tables["deals"]), quote_all=True, footer=FOOTER)


SALESFORCE_REPORT = Crm(
    id="salesforce-report",
    preset="salesforce",
    tables={"deals": REPORT_DEALS},
    write=write_report,
    inputs={"deals": "salesforce"},
    min_available=15,
    worked={("win_rate", "2026-10"): 2 / 4, ("revenue", "2026-10"): 7250.0 + 1800.0},
    config={**SHARED, "currency": "EUR"},  # the report's amounts say EUR
    # The preset's flags are IsClosed/IsWon; a report labels them Closed and Won.
    sources={"deals": {"columns": {"status": {"flags": {"closed": "Closed", "won": "Won"}}}}},
    warnings=(
        f"deals: cut a 5-line report footer (rows 12–16 of {REPORT_FILE})",
        OPEN_DEALS_WARNING,
    ),
)
