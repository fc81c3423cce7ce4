"""Canonical tables and columns of SCHEMA.md, as plain data.

Stdlib only: ``config.py`` (to check column names in YAML) and ``schema.py``
(to parse and validate files) both read it, and neither owns it.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from enum import StrEnum


class ColumnType(StrEnum):
    ID = "id"
    DATE = "date"
    DATETIME = "datetime"
    AMOUNT = "amount"
    SCORE = "score"
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class Column:
    """One canonical column. ``vocabulary`` lists the allowed normalised values
    (compared case-insensitively); ``score_range`` bounds a score inclusively."""

    name: str
    type: ColumnType
    required: bool = False
    unique: bool = False
    vocabulary: tuple[str, ...] = ()
    score_range: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


_ID, _DATE, _DT, _AMT, _SCORE, _TEXT = (
    ColumnType.ID,
    ColumnType.DATE,
    ColumnType.DATETIME,
    ColumnType.AMOUNT,
    ColumnType.SCORE,
    ColumnType.TEXT,
)

DEAL_STATUSES = ("open", "won", "lost")
LEAD_STATUSES = ("open", "qualified", "converted", "lost")
DEAL_TYPES = ("new", "upsell", "cross_sell", "renewal")
SPEND_KINDS = ("marketing", "sales")

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "customers",
            (
                Column("customer_id", _ID, required=True, unique=True),
                Column("created_at", _DATE, required=True),
                Column("churned_at", _DATE),
                Column("name", _TEXT),
                Column("segment", _TEXT),
                Column("region", _TEXT),
                Column("channel", _TEXT),
                Column("owner", _TEXT),
            ),
        ),
        Table(
            "leads",
            (
                Column("lead_id", _ID, required=True, unique=True),
                Column("created_at", _DATE, required=True),
                Column("status", _TEXT, vocabulary=LEAD_STATUSES),
                Column("converted_at", _DATE),
                Column("customer_id", _ID),
                Column("source", _TEXT),
                Column("owner", _TEXT),
            ),
        ),
        Table(
            "deals",
            (
                Column("deal_id", _ID, required=True, unique=True),
                Column("created_at", _DATE, required=True),
                Column("status", _TEXT, required=True, vocabulary=DEAL_STATUSES),
                Column("closed_at", _DATE),
                Column("amount", _AMT),
                Column("customer_id", _ID),
                Column("lead_id", _ID),
                Column("stage", _TEXT),
                Column("type", _TEXT, vocabulary=DEAL_TYPES),
                Column("owner", _TEXT),
                Column("pipeline", _TEXT),
                Column("product", _TEXT),
                Column("currency", _TEXT),
            ),
        ),
        Table(
            "tickets",
            (
                Column("ticket_id", _ID, required=True, unique=True),
                Column("created_at", _DT, required=True),
                Column("first_response_at", _DT),
                Column("resolved_at", _DT),
                Column("customer_id", _ID),
                Column("status", _TEXT),
                Column("priority", _TEXT),
                Column("channel", _TEXT),
                Column("agent", _TEXT),
                Column("csat", _SCORE, score_range=(1, 5)),
            ),
        ),
        Table(
            "surveys",
            (
                Column("responded_at", _DATE, required=True),
                Column("score", _SCORE, required=True, score_range=(0, 10)),
                Column("customer_id", _ID),
                Column("survey_id", _ID),
            ),
        ),
        Table(
            "spend",
            (
                Column("date", _DATE, required=True),
                Column("amount", _AMT, required=True),
                Column("channel", _TEXT),
                Column("kind", _TEXT, vocabulary=SPEND_KINDS),
            ),
        ),
        Table(
            "deal_stages",
            (
                Column("deal_id", _ID, required=True),
                Column("stage", _TEXT, required=True),
                Column("entered_at", _DATE, required=True),
            ),
        ),
    )
}

TABLE_NAMES: tuple[str, ...] = tuple(TABLES)

# File extensions a table may come in, in the order they are looked for.
EXTENSIONS: tuple[str, ...] = (".csv", ".tsv", ".xlsx", ".xls", ".parquet")

# Text encodings exports come in, named as a config declares them (any codec
# Python knows is accepted; these are the ones a message suggests).
ENCODING_EXAMPLES = (
    "utf-8, utf-16, cp1252 (Windows Western), cp1256 (Windows Arabic/Persian), latin-1"
)


def encoding_name(name: str) -> str | None:
    """The codec's standard name (``CP-1252``, ``Windows-1252`` → ``cp1252``),
    or None when Python knows no such encoding."""
    for spelling in (name, name.replace("-", "")):
        try:
            return codecs.lookup(spelling).name
        except LookupError:
            continue
    return None


# Cells that mean "no value" (compared case-insensitively after trimming).
MISSING_TOKENS: tuple[str, ...] = ("", "na", "n/a", "null", "none", "-")

DIMENSIONS: tuple[str, ...] = (
    "owner",
    "segment",
    "region",
    "channel",
    "source",
    "agent",
    "pipeline",
    "product",
)


_PERSIAN_LETTERS = str.maketrans({"\u064a": "\u06cc", "\u0643": "\u06a9"})


def normalise_header(header: str) -> str:
    """The key headers are matched on (EXPORTS.md "What a preset must do", 1):
    letters and digits only, lower-cased, so case, spaces, ``_ - . ( ) "`` and
    other punctuation, a BOM and invisible marks (ZWNJ, RTL marks) do not count;
    Arabic ي/ك read as Persian ی/ک. ``Deal - ID`` = ``deal_id`` = ``DealID``."""
    text = header.translate(_PERSIAN_LETTERS).lower()
    return "".join(ch for ch in text if ch.isalnum())


# What the tables and columns mean, for people: docs/schema.md is generated
# from these and TABLES (render/reference.py, `make docs`); a test asks for a
# meaning of every column. A rule is one sentence a report keeps.

TYPE_MEANINGS: dict[ColumnType, str] = {
    ColumnType.ID: "Any non-empty text or whole number, compared as text after trimming "
    "(an id Excel turned into `1.03006E+13` is an error that says so).",
    ColumnType.DATE: "ISO `2026-10-05`, an ISO date-time (its day in the report's time "
    "zone), an Excel date, or the source's `date_format`; Jalali under `calendar: jalali`.",
    ColumnType.DATETIME: "An ISO date-time with or without an offset, or a date (taken as "
    "00:00), or the source's `date_format`. A time with an offset keeps its instant; one "
    "without is read in the source's `timezone`. Its day is taken in the report's "
    "`timezone`; durations are between instants.",
    ColumnType.AMOUNT: "A number, or text like `1,234.50`, `$1,234.50`, `1.234,50 €` "
    '(`decimal: ","`), `EUR 5000`, `5000 ریال`. A currency sign, code or word must be the '
    "report's `currency` (or the row's `currency`) or have a rate in `fx`; `$` is a dollar "
    "currency's, `¥` JPY's or CNY's; ریال and تومان convert to an IRR or IRT report. Unit "
    "words and other letters (`5 mln`, `abc5`) are errors; negative amounts are an error.",
    ColumnType.SCORE: "A whole number in the column's range; out of range is an error.",
    ColumnType.TEXT: "Anything, trimmed; an empty cell is missing.",
}

TABLE_MEANINGS: dict[str, str] = {
    "customers": "One row per customer: an account that has bought, or is buying.",
    "leads": "One row per lead: a prospect in the marketing and sales funnel.",
    "deals": "One row per deal (opportunity), open, won or lost.",
    "tickets": "One row per support ticket.",
    "surveys": 'One row per NPS answer ("How likely are you to recommend us?").',
    "spend": "Marketing and sales cost, one row per day, week or month (and channel).",
    "deal_stages": "The stage history of deals: one row per stage a deal entered.",
}

COLUMN_MEANINGS: dict[str, dict[str, str]] = {
    "customers": {
        "customer_id": "The customer; deals, leads and tickets refer to it.",
        "created_at": "The day the customer was acquired (became a paying customer).",
        "churned_at": "The first day on which it is no longer a customer; empty: still active.",
        "name": "The customer's name.",
        "segment": "A dimension for breakdowns.",
        "region": "A dimension for breakdowns.",
        "channel": "The acquisition channel, in the words of leads.source and spend.channel.",
        "owner": "The account owner; a dimension.",
    },
    "leads": {
        "lead_id": "The lead; a deal refers to it by lead_id.",
        "created_at": "The day the lead entered the funnel.",
        "status": "Where the lead stands.",
        "converted_at": "The day the lead became a customer.",
        "customer_id": "The customer it converted into.",
        "source": "The lead source (channel); a dimension.",
        "owner": "The lead's owner; a dimension.",
    },
    "deals": {
        "deal_id": "The deal.",
        "created_at": "The day the opportunity was opened.",
        "status": "Open, won or lost.",
        "closed_at": "The day a won or lost deal closed.",
        "amount": "The deal's value in the report's currency.",
        "customer_id": "The customer; KPIs per customer (net new revenue, repeat purchases) "
        "need it.",
        "lead_id": "The lead the deal came from.",
        "stage": "The current pipeline stage.",
        "type": "What kind of business the deal is (for upsell and cross-sell rates).",
        "owner": "The deal's owner; a dimension.",
        "pipeline": "The pipeline; a dimension.",
        "product": "The product; a dimension.",
        "currency": "The currency of amount.",
    },
    "tickets": {
        "ticket_id": "The ticket.",
        "created_at": "When the ticket was opened.",
        "first_response_at": "When an agent first replied.",
        "resolved_at": "When the ticket was resolved.",
        "customer_id": "The customer who asked.",
        "status": "The ticket's status.",
        "priority": "The ticket's priority.",
        "channel": "The channel the ticket came in by (email, phone, chat …).",
        "agent": "The agent; a dimension.",
        "csat": "The satisfaction rating given for this ticket.",
    },
    "surveys": {
        "responded_at": "The day of the answer.",
        "score": "The answer: 9–10 promoters, 0–6 detractors.",
        "customer_id": "The customer who answered.",
        "survey_id": "The answer.",
    },
    "spend": {
        "date": "The day (or first day of the week or month) the cost belongs to.",
        "amount": "The cost.",
        "channel": "The channel, in the words of customers.channel and leads.source "
        "(CAC per channel).",
        "kind": "Marketing or sales cost.",
    },
    "deal_stages": {
        "deal_id": "The deal.",
        "stage": "The stage it entered.",
        "entered_at": "The day it entered the stage.",
    },
}

TABLE_RULES: dict[str, tuple[str, ...]] = {
    "customers": (
        "A customer is *active at* day t when created_at < t and churned_at is empty or ≥ t.",
        "churned_at must not be before created_at.",
    ),
    "leads": (
        "A lead is *converted* when converted_at is present, or status is converted, or a "
        "won deal carries its lead_id.",
    ),
    "deals": (
        "A won or lost deal needs closed_at, not before created_at; a won deal needs amount.",
        "The closed_at of an open deal is ignored (exports fill in an *expected* close "
        "date), and the report says how many there were.",
        "A deal is *open at* day t when created_at < t and closed_at is empty or ≥ t.",
        "With a currency column, every deal must be in the config's `currency` (or, with "
        "none set, all in one): amounts are never converted.",
    ),
    "tickets": (
        "first_response_at and resolved_at must not be before created_at.",
        "A ticket is *open at* day t when its created_at day < t and resolved_at is empty "
        "or its day ≥ t.",
        "An export that gives minutes instead of a time (Zendesk's `First reply time in "
        "minutes`) is mapped with `{minutes: HEADER, after: created_at}`.",
    ),
    "surveys": (),
    "spend": (
        "A row counts wholly in the period that holds its date: a monthly row is not "
        "spread over days.",
        "An empty kind counts for CAC but not for lead_generation_cost.",
    ),
    "deal_stages": (
        "Every deal_id must be in deals; a row that repeats the deal's previous stage is "
        "dropped, and the report says how many.",
        "A deal leaves a stage when it enters the next one (by entered_at) or when it closes.",
        "Exports with one column per stage (HubSpot's `Date entered …`) become these rows.",
    ),
}
