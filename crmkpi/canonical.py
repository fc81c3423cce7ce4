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
