"""What every section module shares: a plan of queries and the checks that
make a section unavailable before any data is read.

A section is built in two steps so that ``compute_sections`` can hand the
queries of all sections to one ``pl.collect_all`` (shared scans run once):
the planner returns its LazyFrames and a function that turns their results
into the section, or, when a table or column it needs is absent, the
unavailable ``Section`` at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from crmkpi.analyses import Section


@dataclass(frozen=True, slots=True)
class Plan:
    """``build`` receives the collected ``frames``, in the same order."""

    frames: tuple[pl.LazyFrame, ...]
    build: Callable[[Sequence[pl.DataFrame]], Section]


def table_reason(absent: Mapping[str, str], table: str) -> str:
    """Why ``table`` is absent, in the engine's words when it gave them."""
    return absent.get(table, f"{table} table missing")


def missing_column(frame: pl.LazyFrame, table: str, columns: Sequence[str]) -> str | None:
    """The reason for the first of ``columns`` the table does not have, or None.

    An absent optional column is not a column of empty cells (SCHEMA.md), so
    a section that reads one is unavailable rather than computed as empty.
    """
    names = frame.collect_schema().names()
    for column in columns:
        if column not in names:
            return f"{table} has no {column} column"
    return None
