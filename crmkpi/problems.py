"""What a user is told about bad rows: the first examples of each failing
check, as Problems that name the file, row, header and value, and the count
of skipped rows by reason (``schema.py`` evaluates the checks)."""

from __future__ import annotations

import polars as pl

from crmkpi.errors import Problem
from crmkpi.sources.loaders import ROW, SOURCE_COLUMN, SOURCE_ROW
from crmkpi.validation import Check

EXAMPLES_PER_CHECK = 20


def flag(i: int) -> str:
    """The Boolean column that says which rows fail check ``i``."""
    return f"__bad{i}"


def examples_of(flagged: pl.LazyFrame, checks: list[Check]) -> pl.LazyFrame:
    """The first rows failing each check, with the row and header to report
    (a derived table's come from the file it was derived from)."""
    names = flagged.collect_schema().names()
    where_row = pl.col(SOURCE_ROW if SOURCE_ROW in names else ROW).cast(pl.Int64)
    where_column = pl.col(SOURCE_COLUMN) if SOURCE_COLUMN in names else pl.lit(None, pl.String)
    parts = [
        flagged.filter(pl.col(flag(i)))
        .head(EXAMPLES_PER_CHECK)
        .select(
            pl.col(ROW).cast(pl.Int64),
            where_row.alias("where_row"),
            where_column.cast(pl.String).alias("where_column"),
            pl.lit(i, pl.Int64).alias("check"),
            check.value.cast(pl.String).alias("value"),
            (check.detail if check.detail is not None else pl.lit(None))
            .cast(pl.String)
            .alias("detail"),
        )
        for i, check in enumerate(checks)
    ]
    if not parts:
        return pl.LazyFrame(
            schema={
                ROW: pl.Int64,
                "where_row": pl.Int64,
                "where_column": pl.String,
                "check": pl.Int64,
                "value": pl.String,
                "detail": pl.String,
            }
        )
    return pl.concat(parts).sort(ROW, "check")


def problems_in(
    examples: pl.DataFrame, checks: list[Check], file: str, mapping: dict[str, str]
) -> tuple[Problem, ...]:
    problems = []
    for example in examples.to_dicts():  # at most EXAMPLES_PER_CHECK per check
        check = checks[example["check"]]
        detail = example["detail"]
        issue = f"{check.issue} {detail}" if detail else check.issue
        column = column_label(check.column, mapping)
        if check.column == "entered_at" and example["where_column"] is not None:
            column = example["where_column"]  # the wide export's "Date entered …" header
        problems.append(
            Problem(file, example["where_row"], column, example["value"], issue, check.expected)
        )
    return tuple(problems)


def column_label(column: str | None, mapping: dict[str, str]) -> str | None:
    """The header as the user's file writes it, with the canonical name if different."""
    if column is None:
        return None
    header = mapping.get(column, column)
    return header if header == column else f"{header} ({column})"


def by_reason(checks: list[Check], totals: list[int]) -> dict[str, int]:
    reasons: dict[str, int] = {}
    for check, total in zip(checks, totals, strict=True):
        if total:
            reasons[check.reason] = reasons.get(check.reason, 0) + total
    return reasons
