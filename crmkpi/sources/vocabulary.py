"""Vocabulary columns: a value crmkpi does not know is missing, never a bad row.

A *vocabulary column* holds words from a short list: deals.type,
leads.status and spend.kind (their canonical vocabularies, which a value map
extends), and a score given as a label (tickets.csat ``Awesome``). A free
text column (tickets.status, priority, channel, segment …) has no list: a
value map there renames the values it names and keeps the others.

Exports carry words of their own (HubSpot's ``Existing Business``) whose
meaning crmkpi must not guess, and one descriptive column must not decide
whether revenue is reported. So such a cell is read as missing, the report
warns once per column with the words, their counts and the ``values:`` line
that says what they mean, and every KPI that reads the column is
unavailable, naming them (``inputs.py``).

A required column is no vocabulary column: an unknown deals.status is a
data error (``validation.py``). A column whose map has ``"*"`` knows every
value.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import polars as pl

from crmkpi.canonical import Column, ColumnType
from crmkpi.presets import OTHER_VALUES

UNKNOWN = "__unknown_"
"""The Boolean column that marks a row whose cell of a column is unknown."""

SHOWN = 3  # values a warning or a reason names; the rest are counted
_NUMBER = r"^[+-]?\d+([.,\u066b]\d+)?$"  # \d: any script's digits (Persian too)


@dataclass(frozen=True, slots=True)
class Unknown:
    """A vocabulary column's values that no vocabulary or value map knows,
    read as missing: (value as the file writes it, rows), most rows first."""

    column: str
    header: str
    values: tuple[tuple[str, int], ...]
    choices: str  # what a value may be mapped to: "new|upsell|cross_sell|renewal"

    @property
    def rows(self) -> int:
        return sum(n for _, n in self.values)

    def named(self) -> str:
        """``"Existing Business" (412 rows), "Partner" (3 rows) and 2 more (5 rows)``."""
        shown = ", ".join(f"{_quoted(v)} ({_rows(n)})" for v, n in self.values[:SHOWN])
        rest = self.values[SHOWN:]
        if rest:
            more = sum(n for _, n in rest)
            shown += f" and {len(rest)} more ({_rows(more)})"
        return shown

    def values_line(self) -> str:
        """The ``values:`` line that maps the shown values (YAML flow style)."""
        pairs = ", ".join(f"{_quoted(v)}: <{self.choices}>" for v, _ in self.values[:SHOWN])
        return f"values: {{{self.column}: {{{pairs}}}}}"


def _quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a YAML double-quoted scalar too


def _rows(n: int) -> str:
    return f"{n:,} row{'s' if n != 1 else ''}"


def is_number(text: pl.Expr) -> pl.Expr:
    """Cells that are written as a number (a score's own form), in any digits."""
    return text.str.contains(_NUMBER)


def choices(column: Column, values: dict[str, str]) -> str | None:
    """What a value of ``column`` may be mapped to, or None when ``column`` is
    no vocabulary column (given its value map ``values``)."""
    if column.required or OTHER_VALUES in values:
        return None
    if column.vocabulary:
        return "|".join(column.vocabulary)
    if column.type == ColumnType.SCORE:
        low, high = column.score_range or (0, 10)
        return f"{low}-{high}"
    return None  # a free text column: a value map there renames, the rest stays


def unknown_cells(column: Column, text: pl.Expr, typed: pl.Expr) -> pl.Expr:
    """True where a vocabulary column's cell is a value crmkpi does not know.
    ``text`` is the cleaned cell after the value map, ``typed`` its value as
    the column's type reads it (a vocabulary's normalised word)."""
    if column.vocabulary:
        return typed.is_not_null() & ~typed.is_in(list(column.vocabulary))
    # A score's label; a number that is no score is an error (validation.py).
    return text.is_not_null() & ~is_number(text)


def unknown_warning(table: str, unknown: Unknown) -> str:
    """The report's warning: the words, their counts and the line to add."""
    count = len(unknown.values)
    what, means = ("a value", "it means") if count == 1 else (f"{count} values", "they mean")
    return (
        f"{table}: {unknown.header} has {what} crmkpi does not know, read as missing: "
        f"{unknown.named()}; say what {means} in the config's sources.{table}: "
        f"{unknown.values_line()}"
    )


def unknown_reason(table: str, unknown: Unknown) -> str:
    """Why a KPI that reads the column is unavailable."""
    count = len(unknown.values)
    what = "a value" if count == 1 else "values"
    return (
        f"{table}.{unknown.column} has {what} crmkpi does not know: {unknown.named()}; "
        f"map {'it' if count == 1 else 'them'} in sources.{table}.values"
    )


def to_json(unknowns: tuple[Unknown, ...]) -> str:
    """For a converted table's metadata (read back by ``from_json``)."""
    return json.dumps(
        [[u.column, u.header, [list(v) for v in u.values], u.choices] for u in unknowns],
        ensure_ascii=False,
    )


def from_json(text: str) -> tuple[Unknown, ...]:
    return tuple(
        Unknown(column, header, tuple((str(v), int(n)) for v, n in values), choices)
        for column, header, values, choices in json.loads(text or "[]")
    )
