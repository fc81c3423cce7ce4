"""What a user is told about bad rows: the first examples of each failing
check, as Problems that name the file, row, header and value; the same said
once per check as a ProblemGroup (true count, first rows, a few distinct
values, a fix when one can be seen); and the count of skipped rows by
reason (``schema.py`` evaluates the checks)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import polars as pl

from crmkpi.errors import GROUP_VALUES_SHOWN, Problem, ProblemGroup
from crmkpi.sources.cells import DATE_EXPECTED, DATETIME_EXPECTED
from crmkpi.sources.loaders import ROW, SOURCE_COLUMN, SOURCE_ROW
from crmkpi.validation import Check

EXAMPLES_PER_CHECK = 20
EXAMPLE = "example"  # in ``examples_of``: one of the first rows (else a row of a new value)


def flag(i: int) -> str:
    """The Boolean column that says which rows fail check ``i``."""
    return f"__bad{i}"


def examples_of(flagged: pl.LazyFrame, checks: list[Check]) -> pl.LazyFrame:
    """The first rows failing each check (``example``), with the row and
    header to report (a derived table's come from the file it was derived
    from); and after them, the row where each of the check's first distinct
    values appears, so that a group can quote them (the first 20 examples
    may all repeat one value). Part of the examples' query: a query of its
    own for the values made loading 4x slower at 100k rows."""
    names = flagged.collect_schema().names()
    where_row = pl.col(SOURCE_ROW if SOURCE_ROW in names else ROW).cast(pl.Int64)
    where_column = pl.col(SOURCE_COLUMN) if SOURCE_COLUMN in names else pl.lit(None, pl.String)
    value = pl.col("value")
    first_distinct = value.is_not_null() & value.is_first_distinct()
    wanted = pl.col(EXAMPLE) | (
        first_distinct & (first_distinct.cum_sum() <= GROUP_VALUES_SHOWN + 1)
    )
    parts = [
        flagged.filter(pl.col(flag(i)))
        .select(
            pl.col(ROW).cast(pl.Int64),
            where_row.alias("where_row"),
            where_column.cast(pl.String).alias("where_column"),
            pl.lit(i, pl.Int64).alias("check"),
            check.value.cast(pl.String).alias("value"),
            (check.detail if check.detail is not None else pl.lit(None))
            .cast(pl.String)
            .alias("detail"),
            (pl.int_range(pl.len()) < EXAMPLES_PER_CHECK).alias(EXAMPLE),
        )
        .filter(wanted)
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
                EXAMPLE: pl.Boolean,
            }
        )
    return pl.concat(parts).sort(ROW, "check")


def problems_in(
    examples: pl.DataFrame, checks: list[Check], file: str, mapping: dict[str, str]
) -> tuple[Problem, ...]:
    """Each example (at most EXAMPLES_PER_CHECK per check) as a Problem."""
    return tuple(
        _problem(example, checks[example["check"]], file, mapping)
        for example in examples.to_dicts()
        if example[EXAMPLE]
    )


def _problem(example: dict[str, Any], check: Check, file: str, mapping: dict[str, str]) -> Problem:
    detail = example["detail"]
    issue = f"{check.issue} {detail}" if detail else check.issue
    column = column_label(check.column, mapping)
    if check.column == "entered_at" and example["where_column"] is not None:
        column = example["where_column"]  # the wide export's "Date entered …" header
    return Problem(file, example["where_row"], column, example["value"], issue, check.expected)


def problem_groups(
    examples: pl.DataFrame,
    checks: list[Check],
    totals: list[int],
    file: str,
    mapping: dict[str, str],
    table: str,
) -> tuple[ProblemGroup, ...]:
    """One group per failing check: its true count (``totals``), its first
    rows and distinct values (``examples_of``), in the order of their first row."""
    found: dict[int, list[dict[str, Any]]] = {}
    seen: dict[int, dict[str, None]] = {}  # distinct values, in file order
    for example in examples.to_dicts():
        if example[EXAMPLE]:
            found.setdefault(example["check"], []).append(example)
        if example["value"] is not None:
            seen.setdefault(example["check"], {})[example["value"]] = None
    groups = []
    for i, check in enumerate(checks):
        if not totals[i] or i not in found:
            continue
        problems = [_problem(e, check, file, mapping) for e in found[i]]
        first = problems[0]
        if len({p.column for p in problems}) > 1:  # several "Date entered …" headers
            first = replace(first, column=column_label(check.column, mapping))
        distinct = list(seen.get(i, {}))
        groups.append(
            ProblemGroup(
                first=first,
                what=group_issue(check),
                count=totals[i],
                rows=tuple(p.row for p in problems if p.row is not None),
                values=tuple(distinct[:GROUP_VALUES_SHOWN]),
                more_values=len(distinct) > GROUP_VALUES_SHOWN,
                fix=_date_fix(check, [*distinct, *(p.value for p in problems if p.value)], table),
            )
        )
    return tuple(sorted(groups, key=lambda g: g.rows[:1]))


def group_issue(check: Check) -> str:
    """The issue as a group says it: ``not a date in 38 rows`` (``is`` dropped);
    a check whose issue needs each row's detail says its reason instead
    (``closed_at before created_at in 3 rows``)."""
    if check.detail is None and check.issue.startswith("is "):
        return check.issue.removeprefix("is ")
    return check.reason


# A day and month in either order, then the year (31/01/2026, 01.31.26 …),
# maybe a time; or the year first with another separator (2026/01/31).
_DAY_MONTH = re.compile(
    r"^(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})(?:([ T])(\d{1,2}):(\d{2})(:\d{2})?)?$"
)
_YEAR_FIRST = re.compile(
    r"^(\d{4})([./])(\d{1,2})\2(\d{1,2})(?:([ T])(\d{1,2}):(\d{2})(:\d{2})?)?$"
)


def _date_fix(check: Check, values: Iterable[str], table: str) -> str | None:
    """The ``date_format`` line for a date column whose cells are in another
    order than ISO: only a format that reads some of the offending cells."""
    if check.expected not in (DATE_EXPECTED, DATETIME_EXPECTED):
        return None
    values = list(dict.fromkeys(values))
    where = f"to sources.{table} in the config"
    if looks_jalali(values):
        return f"the dates look Jalali (Solar Hijri): add calendar: jalali {where}"
    formats = date_orders(values)
    if len(formats) == 1:
        [(order, fmt)] = formats.items()
        return f'the dates are written {order}: add date_format: "{fmt}" {where}'
    if len(formats) == 2:
        either = " or ".join(f'"{fmt}" ({order})' for order, fmt in formats.items())
        return f"the dates could be day first or month first: add date_format: {either} {where}"
    return None


# Persian (U+06F0-06F9) and Arabic-Indic (U+0660-0669) digits as ASCII, for the look of a cell.
_ASCII_DIGITS = str.maketrans(
    {**{chr(0x06F0 + d): str(d) for d in range(10)}, **{chr(0x0660 + d): str(d) for d in range(10)}}
)
_JALALI_LIKE = re.compile(r"^1[345]\d\d[/-]\d{1,2}[/-]\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")


def looks_jalali(values: list[str]) -> bool:
    """Every cell is a date of a Solar Hijri year (1300–1599, as Didar and
    other Iranian CRMs write them, in any digits): a Gregorian source given
    a Jalali export."""
    cells = [v.strip().translate(_ASCII_DIGITS) for v in values if v]
    return bool(cells) and all(_JALALI_LIKE.match(c) for c in cells)


def date_orders(values: list[str]) -> dict[str, str]:
    """The date formats that read ``values`` written in another order than
    ISO, by the order's name: day first, month first (both when no cell
    tells them apart), or year first. Empty when the cells are not dates in
    one order (31/02/2026 is no date either way)."""
    candidates: dict[str, str] = {}
    for value in values:
        day_month = _DAY_MONTH.match(value)
        year_first = _YEAR_FIRST.match(value)
        if day_month:
            _, sep, _, year, t, _, _, seconds = day_month.groups()
            y = "%Y" if len(year) == 4 else "%y"
            clock = f"{t}%H:%M{':%S' if seconds else ''}" if t else ""
            candidates.setdefault("day first", f"%d{sep}%m{sep}{y}{clock}")
            candidates.setdefault("month first", f"%m{sep}%d{sep}{y}{clock}")
        elif year_first:
            _, sep, _, _, t, _, _, seconds = year_first.groups()
            clock = f"{t}%H:%M{':%S' if seconds else ''}" if t else ""
            candidates.setdefault("year first", f"%Y{sep}%m{sep}%d{clock}")
    reads = {order: [_reads(fmt, v) for v in values] for order, fmt in candidates.items()}
    fitting = {o: candidates[o] for o, ok in reads.items() if any(ok)}
    # An order that reads a cell the other cannot (31/01) is the file's; two
    # that read the same cells (all 12 or less) are both said; two that each
    # read cells the other cannot (31/01 and 01/31) are a mix, not a format.
    best = [o for o in fitting if not any(_covers(reads[p], reads[o]) for p in fitting if p != o)]
    if len(best) > 1 and any(reads[o] != reads[best[0]] for o in best):
        return {}
    return {o: fitting[o] for o in best}


def _covers(wider: list[bool], narrower: list[bool]) -> bool:
    """``wider`` reads every cell ``narrower`` reads, and at least one more."""
    return all(w or not n for w, n in zip(wider, narrower, strict=True)) and wider != narrower


def _reads(fmt: str, value: str) -> bool:
    try:
        time.strptime(value, fmt)
    except ValueError:
        return False
    return True


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
