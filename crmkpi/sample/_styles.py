"""The sample as real exports write it: ``crmkpi sample --style NAME``.

Each style relabels the rows of ``generate_sample``, it draws nothing: the
folder holds the same business as the ``iso`` one and a ``crmkpi.yaml`` a
user would write for it (the source of each vendor file with its preset,
plus only what a file cannot say: a declared date format, the currency, the
meaning of a vendor's own words), so every KPI has the ``iso`` folder's value.

- ``iso``: crmkpi's own files (``_write``), no config.
- ``zendesk``: the tickets of a Zendesk export (``2026-10-05 09:00:00``, the
  first reply as minutes after creation, satisfaction Good/Bad/Offered).
- ``hubspot``: HubSpot's deals export (``2026-10-05 09:00``, Deal Type words
  the config maps, an expected Close Date on open deals).
- ``salesforce``: Data Export's ``Opportunity.csv`` and ``OpportunityHistory.csv``
  (API headers, ``2026-10-05T09:00:00.000Z`` in UTC, IsClosed/IsWon flags).
- ``us``: every table with canonical headers written the US way
  (``10/05/2026``, ``10/05/2026 9:00:27 AM``, ``$1,234.50``), a declared
  ``date_format`` per source and ``currency: USD``.
- ``didar``: the Jalali sample (``_persian``).

Tables a vendor does not export keep canonical files in ISO form (except in
``us``, which writes every file), as a user adds them next to the export.

Two liberties keep the values equal, both finer than the vendor writes them:
Zendesk's first reply minutes carry nine decimals (Zendesk writes whole
minutes; the sample's times have seconds), and US times carry seconds.
Dates that a vendor writes as date-times (HubSpot's deal dates, Salesforce's
CreatedDate) get a clock time from the row number, in the working day, so
the day stays the day.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl
import yaml

STYLES = ("iso", "zendesk", "hubspot", "salesforce", "us", "didar")
"""Every style ``crmkpi sample --style`` writes, the default first."""

Frames = dict[str, pl.DataFrame]


@dataclass(frozen=True, slots=True)
class Styled:
    """A style's files: vendor exports (file name → text frame, written as
    they are), canonical tables left in crmkpi's own form (table → typed
    frame, written as ``<table>.csv`` by the caller), and the config."""

    exports: Frames
    canonical: Frames
    config: str


# --- shared cell writers -----------------------------------------------------------


def _row_clock(day: str, *, seconds: bool) -> pl.Expr:
    """A date at a working-day time from the row number (08:00–17:59), so
    that date-time files do not all say 09:00 and the day stays the day."""
    row = pl.int_range(pl.len(), dtype=pl.Int64)
    minutes = 8 * 60 + (row * 97) % 600
    stamp = pl.col(day).cast(pl.Datetime("us")) + pl.duration(minutes=minutes)
    return stamp + pl.duration(seconds=(row * 31) % 60) if seconds else stamp


def _text(column: str) -> pl.Expr:
    return pl.col(column).cast(pl.String)


def _amount(column: str) -> pl.Expr:
    """``1234.5`` as exports write a plain number (no separators)."""
    return pl.col(column).round(2).cast(pl.String)


def grouped_amount(amount: pl.Expr, sign: str = "$") -> pl.Expr:
    """``1234.5`` → ``$1,234.50``; null stays null. For the sample's amounts
    (whole cents, not negative)."""
    cents = (amount * 100).round(0).cast(pl.Int64)
    whole = (
        (cents // 100)
        .cast(pl.String)
        .str.reverse()
        .str.replace_all(r"(\d{3})", "${1},")
        .str.reverse()
        .str.strip_chars_start(",")
    )
    fraction = (cents % 100).cast(pl.String).str.zfill(2)
    return pl.concat_str(pl.lit(sign), whole, pl.lit("."), fraction)


def _config(comment: str, doc: dict[str, Any]) -> str:
    body = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)
    return "".join(f"# {line}".rstrip() + "\n" for line in comment.splitlines()) + body


# --- zendesk -----------------------------------------------------------------------

ZENDESK_FILE = "zendesk-tickets.csv"
_ZENDESK_VIA = {
    "email": "Mail",
    "chat": "Chat",
    "phone": "Phone call (incoming)",
    "web": "Web form",
}


def _zendesk_minutes(end: str) -> pl.Expr:
    """Minutes from created_at to ``end``, to nine decimals (whole: no decimals)."""
    seconds = (pl.col(end) - pl.col("created_at")).dt.total_seconds()
    whole = (seconds // 60).cast(pl.String)
    return pl.when(seconds % 60 == 0).then(whole).otherwise((seconds / 60).round(9).cast(pl.String))


def zendesk_tickets(tickets: pl.DataFrame) -> pl.DataFrame:
    """The tickets as Zendesk's full export writes them, decoy columns included
    (business-hours twins, resolution hours, assignment times)."""

    def stamp(column: str) -> pl.Expr:
        return pl.col(column).dt.strftime("%Y-%m-%d %H:%M:%S")

    csat = pl.col("csat")
    score = (
        pl.when(csat >= 4).then(pl.lit("Good"))
        .when(csat.is_not_null()).then(pl.lit("Bad"))
        .when(pl.col("resolved_at").is_not_null()).then(pl.lit("Offered"))
        .otherwise(pl.lit("Unoffered"))
    )  # fmt: skip
    resolution = (pl.col("resolved_at") - pl.col("created_at")).dt.total_minutes()
    return tickets.select(
        pl.col("ticket_id").str.slice(1).cast(pl.Int64).cast(pl.String).alias("Id"),
        pl.lit("Pat Customer").alias("Requester"),
        (pl.int_range(pl.len(), dtype=pl.Int64) + 360_000_000_000).cast(pl.String).alias("Requester id"),
        pl.col("agent").alias("Assignee"),
        pl.lit("Support").alias("Group"),
        pl.lit("Question about my account").alias("Subject"),
        pl.col("status").str.to_titlecase().alias("Status"),
        pl.col("priority").str.to_titlecase().alias("Priority"),
        pl.col("channel").replace_strict(_ZENDESK_VIA, default=None).alias("Via"),
        stamp("created_at").alias("Created at"),
        (pl.col("created_at") + pl.duration(minutes=1)).dt.strftime("%Y-%m-%d %H:%M:%S").alias("Assigned at"),
        pl.col("customer_id").alias("Organization"),
        stamp("resolved_at").alias("Solved at"),
        (resolution // 60).cast(pl.String).alias("Resolution time"),
        score.alias("Satisfaction Score"),
        _zendesk_minutes("first_response_at").alias("First reply time in minutes"),
        ((pl.col("first_response_at") - pl.col("created_at")).dt.total_minutes() // 3)
        .cast(pl.String)
        .alias("First reply time in minutes within business hours"),
        resolution.cast(pl.String).alias("Full resolution time in minutes"),
        (resolution // 3).cast(pl.String).alias("Full resolution time in minutes within business hours"),
    )  # fmt: skip


def _zendesk(frames: Frames) -> Styled:
    comment = (
        "crmkpi config of the Zendesk-style sample (crmkpi sample --style zendesk).\n"
        "The tickets come from a Zendesk export; the other tables are crmkpi's own files.\n"
        "Satisfaction Good/Bad is read as 5/1 (the preset's convention)."
    )
    return _vendor(frames, "zendesk", {"tickets": (ZENDESK_FILE, zendesk_tickets)}, {}, comment)


def _vendor(
    frames: Frames,
    preset: str,
    writers: Mapping[str, tuple[str, Callable[[pl.DataFrame], pl.DataFrame]]],
    values: Mapping[str, dict[str, dict[str, str]]],
    comment: str,
) -> Styled:
    """The tables ``writers`` name as the vendor's export files (table → file
    name and writer), each read through ``preset`` (plus its ``values:``);
    every other table as crmkpi's own file."""
    exported = [t for t in writers if t in frames]
    sources: dict[str, dict[str, Any]] = {
        t: {
            "path": writers[t][0],
            "preset": preset,
            **({"values": values[t]} if t in values else {}),
        }
        for t in exported
    }
    return Styled(
        exports={writers[t][0]: writers[t][1](frames[t]) for t in exported},
        canonical={t: f for t, f in frames.items() if t not in writers},
        config=_config(comment, {"sources": sources}),
    )


# --- hubspot -----------------------------------------------------------------------

HUBSPOT_FILE = "hubspot-crm-exports-all-deals.csv"
_HUBSPOT_TYPES = {
    "new": "New Business",
    "upsell": "Existing Business",
    "cross_sell": "Cross-sell",
    "renewal": "Renewal",
}
# What the team means by its Deal Type options: New Business is the preset's.
HUBSPOT_VALUES = {"type": {"Existing Business": "upsell", "Cross-sell": "cross_sell"}}
EXPECTED_CLOSE_DAYS = 30


def hubspot_deals(deals: pl.DataFrame) -> pl.DataFrame:
    """The deals as HubSpot's export writes them: times without seconds, an
    open deal's Close Date the expected one (created + 30 days)."""
    expected = pl.col("created_at") + pl.duration(days=EXPECTED_CLOSE_DAYS)
    closed = pl.coalesce("closed_at", pl.when(pl.col("status") == "open").then(expected))
    return deals.with_columns(closed.alias("closed_at")).select(
        _text("deal_id").alias("Record ID"),
        pl.format("Deal {}", "deal_id").alias("Deal Name"),
        _text("stage").alias("Deal Stage"),
        _text("pipeline").alias("Pipeline"),
        _amount("amount").alias("Amount"),
        _row_clock("created_at", seconds=False).dt.strftime("%Y-%m-%d %H:%M").alias("Create Date"),
        _row_clock("closed_at", seconds=False).dt.strftime("%Y-%m-%d %H:%M").alias("Close Date"),
        pl.col("type").replace_strict(_HUBSPOT_TYPES, default=None).alias("Deal Type"),
        _text("owner").alias("Deal owner"),
        _text("customer_id").alias("Associated Company IDs"),
    )


def _hubspot(frames: Frames) -> Styled:
    comment = (
        "crmkpi config of the HubSpot-style sample (crmkpi sample --style hubspot).\n"
        "The deals come from a HubSpot export; the other tables are crmkpi's own files\n"
        "(deal_stages.csv: the stage history, with the times a deal stepped back).\n"
        "values: what this team means by its Deal Type options (HubSpot cannot say)."
    )
    writers = {"deals": (HUBSPOT_FILE, hubspot_deals)}
    return _vendor(frames, "hubspot", writers, {"deals": HUBSPOT_VALUES}, comment)


# --- salesforce --------------------------------------------------------------------

SALESFORCE_FILES = {"deals": "Opportunity.csv", "deal_stages": "OpportunityHistory.csv"}
_SALESFORCE_TYPES = {
    "new": "New Customer",
    "upsell": "Existing Customer - Upgrade",
    "cross_sell": "Existing Customer - Cross-sell",
    "renewal": "Existing Customer - Replacement",
}
# A custom Opportunity Type the preset does not know.
SALESFORCE_VALUES = {"type": {"Existing Customer - Cross-sell": "cross_sell"}}
_SALESFORCE_TIME = "%Y-%m-%dT%H:%M:%S.000Z"


def _flag(condition: pl.Expr) -> pl.Expr:
    return pl.when(condition).then(pl.lit("true")).otherwise(pl.lit("false"))


def salesforce_opportunities(deals: pl.DataFrame) -> pl.DataFrame:
    """Data Export's Opportunity.csv: API names, CreatedDate in UTC with
    milliseconds, CloseDate a date (the expected one while open), flags."""
    expected = pl.col("created_at") + pl.duration(days=EXPECTED_CLOSE_DAYS)
    status = pl.col("status")
    return deals.select(
        _text("deal_id").alias("Id"),
        _text("customer_id").alias("AccountId"),
        pl.format("Opportunity {}", "deal_id").alias("Name"),
        _text("stage").alias("StageName"),
        _amount("amount").alias("Amount"),
        pl.coalesce("closed_at", expected).dt.strftime("%Y-%m-%d").alias("CloseDate"),
        pl.col("type").replace_strict(_SALESFORCE_TYPES, default=None).alias("Type"),
        _flag(status != "open").alias("IsClosed"),
        _flag(status == "won").alias("IsWon"),
        _text("owner").alias("OwnerId"),
        _row_clock("created_at", seconds=True).dt.strftime(_SALESFORCE_TIME).alias("CreatedDate"),
    )


def salesforce_history(stages: pl.DataFrame) -> pl.DataFrame:
    """OpportunityHistory.csv: one row per stage entered."""
    return stages.select(
        pl.format("008{}", pl.int_range(pl.len()).cast(pl.String).str.zfill(12)).alias("Id"),
        _text("deal_id").alias("OpportunityId"),
        _text("stage").alias("StageName"),
        _row_clock("entered_at", seconds=True).dt.strftime(_SALESFORCE_TIME).alias("CreatedDate"),
    )


def _salesforce(frames: Frames) -> Styled:
    comment = (
        "crmkpi config of the Salesforce-style sample (crmkpi sample --style salesforce).\n"
        "Opportunities and their history come from Salesforce Data Export (times in UTC);\n"
        "the other tables are crmkpi's own files. values: the org's own Opportunity Type."
    )
    writers = {
        "deals": (SALESFORCE_FILES["deals"], salesforce_opportunities),
        "deal_stages": (SALESFORCE_FILES["deal_stages"], salesforce_history),
    }
    return _vendor(frames, "salesforce", writers, {"deals": SALESFORCE_VALUES}, comment)


# --- us ------------------------------------------------------------------------------

US_DATE_FORMAT = ["%m/%d/%Y", "%m/%d/%Y %I:%M:%S %p"]


def us_table(frame: pl.DataFrame) -> pl.DataFrame:
    """Every cell as a US spreadsheet writes it: ``10/05/2026``,
    ``10/05/2026 9:00:27 AM``, ``$1,234.50``; whole numbers and text as they are."""
    schema = frame.collect_schema()

    def cell(column: str, dtype: pl.DataType) -> pl.Expr:
        c = pl.col(column)
        if dtype == pl.Date:
            return c.dt.strftime("%m/%d/%Y")
        if dtype == pl.Datetime:
            return c.dt.strftime("%m/%d/%Y %-I:%M:%S %p")
        if dtype.is_float():
            return grouped_amount(c)
        return c.cast(pl.String)

    return frame.select(cell(c, t).alias(c) for c, t in schema.items())


def _us(frames: Frames) -> Styled:
    exports = {f"{t}.csv": us_table(f) for t, f in frames.items()}
    sources = {t: {"path": f"{t}.csv", "date_format": list(US_DATE_FORMAT)} for t in frames}
    comment = (
        "crmkpi config of the US-style sample (crmkpi sample --style us).\n"
        "Dates are month first (10/05/2026), which a file cannot say: date_format declares it.\n"
        "Amounts are dollars ($1,234.50)."
    )
    return Styled(
        exports=exports,
        canonical={},
        config=_config(comment, {"currency": "USD", "sources": sources}),
    )


Style = Callable[[Frames], Styled]
VENDOR_STYLES: dict[str, Style] = {
    "zendesk": _zendesk,
    "hubspot": _hubspot,
    "salesforce": _salesforce,
    "us": _us,
}
"""The styles written here; ``iso`` and ``didar`` are written by ``_write``."""
