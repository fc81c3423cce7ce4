"""The rules a canonical table must follow, as (bad-row expression, message) pairs.

Column checks come from the column's type (SCHEMA.md "Types"); row checks are
the cross-column rules of each table (a won deal needs closed_at and amount,
nothing closes before it was created …). ``schema.py`` evaluates them all in
one pass. In a frame, column ``c`` holds cleaned text and ``TYPED + c`` its
parsed value.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date

import polars as pl

from crmkpi.canonical import Column, ColumnType, Table
from crmkpi.config import DATE_RANGE
from crmkpi.sources.cells import (
    DATE_EXPECTED,
    DATETIME_EXPECTED,
    CellRules,
    amount_parser,
    date_parser,
    datetime_parser,
    integer_parser,
    normalise_vocabulary,
    parse_amount,
    parse_date,
    parse_datetime,
    parse_integer,
)
from crmkpi.sources.fallback import Parser, always, each_distinct, with_fallback
from crmkpi.sources.loaders import FIELDS, ROW
from crmkpi.sources.mapping import Mapping
from crmkpi.sources.persian import to_ascii_digits
from crmkpi.sources.vocabulary import is_number

TYPED = "__t_"
# How Excel (and every other spreadsheet) shows a long number: 1.03006E+13. The
# exponent's sign is required: Excel always writes it, and a 15-character
# Salesforce id can be digits with one E (00630000001E234) but has no sign.
_SCIENTIFIC = r"^[+-]?\d+(\.\d+)?[eE][+-]\d+$"


@dataclass(frozen=True, slots=True)
class Check:
    """Rows where ``bad`` holds are problems: ``issue`` (plus the per-row
    ``detail``) about ``value`` in ``column``; ``reason`` groups skipped rows."""

    column: str | None
    bad: pl.Expr
    value: pl.Expr
    issue: str
    expected: str | None
    reason: str
    detail: pl.Expr | None = None
    # An aggregate that is false only when no row can fail. A check whose
    # ``bad`` costs much (a hash table of every id, kept per row) is first
    # run as this gate alone; ``bad`` is computed only when the gate opens.
    gate: pl.Expr | None = None


def _text(c: str) -> pl.Expr:
    return pl.col(c)


def _typed(c: str) -> pl.Expr:
    return pl.col(TYPED + c)


def typed_value(column: Column, rules: CellRules) -> pl.Expr:
    """The parsed value of ``column`` from its cleaned (and value-mapped) text."""
    text = _text(column.name)
    match column.type:
        case ColumnType.DATE:
            return parse_date(text, rules)
        case ColumnType.DATETIME:
            return parse_datetime(text, rules)
        case ColumnType.AMOUNT:
            return parse_amount(text, rules)
        case ColumnType.SCORE:
            return parse_integer(to_ascii_digits(text) if rules.persian else text)
        case _ if column.vocabulary:  # canonical values as they are, the rest normalised
            known = list(column.vocabulary)
            return with_fallback(
                text,
                always(lambda cells: pl.when(cells.is_in(known)).then(cells)),
                lambda rest: each_distinct(rest, normalise_vocabulary, pl.String()),
                pl.String(),
            )
        case _:
            return text


def raw_parser(column: Column, rules: CellRules) -> Parser | None:
    """The parser that can read ``column`` from raw cells (``cleaned_and_parsed``):
    the typed columns of a Gregorian source. A Jalali source's digits are
    converted first, and text columns need their cleaned text whole."""
    if rules.persian:
        return None
    match column.type:
        case ColumnType.DATE:
            return date_parser(rules)
        case ColumnType.DATETIME:
            return datetime_parser(rules)
        case ColumnType.AMOUNT:
            return amount_parser(rules)
        case ColumnType.SCORE:
            return integer_parser()
        case _:
            return None


def raw_parsed(table: Table, mapping: Mapping, rules: CellRules) -> dict[str, tuple[str, Parser]]:
    """The headers whose typed value is parsed from the raw cells, each with its
    canonical column and parser (``cleaned_and_parsed``: no cleaning of the
    cells a fast path reads). Only a header that is the one source of one
    typed column, with no value map, no ``keep`` and no minutes added: any
    other use of it reads the whole cleaned text."""
    uses = Counter(h for source in mapping.columns.values() for h in source.inputs)
    direct: dict[str, tuple[str, Parser]] = {}
    for c, source in mapping.columns.items():
        if len(source.inputs) != 1 or source.minutes_after or mapping.values.get(c):
            continue
        header = source.inputs[0]
        parser = raw_parser(table.column(c), rules)
        if parser is not None and uses[header] == 1 and header not in mapping.keep:
            direct[header] = (c, parser)
    return direct


def _unparsed(column: Column, issue: str, expected: str) -> Check:
    c = column.name
    return Check(
        c, _text(c).is_not_null() & _typed(c).is_null(), _text(c), issue, expected, f"{c} {issue}"
    )


def _out_of_range(column: Column, dates: tuple[date, date]) -> Check:
    """A date before ``dates[0]`` or after ``dates[1]`` (the config's ``dates``):
    a typo like 0201 for 2021, or another calendar's year. Such a date would
    make cohorts and trends span millennia (and year 0 is no Python date)."""
    c = column.name
    typed = _typed(c).dt.date() if column.type == ColumnType.DATETIME else _typed(c)
    low, high = dates
    return Check(
        c,
        (typed < pl.lit(low)) | (typed > pl.lit(high)),
        _text(c),
        "is outside the dates crmkpi reads",
        f"a date from {low} to {high}; for other dates, widen the range in the config: "
        "dates: {min: YYYY-MM-DD, max: YYYY-MM-DD}",
        f"{c} outside the date range",
    )


def _type_checks(column: Column, dates: tuple[date, date]) -> list[Check]:
    c = column.name
    match column.type:
        case ColumnType.DATE:
            return [_unparsed(column, "is not a date", DATE_EXPECTED), _out_of_range(column, dates)]
        case ColumnType.DATETIME:
            return [
                _unparsed(column, "is not a valid date-time", DATETIME_EXPECTED),
                _out_of_range(column, dates),
            ]
        case ColumnType.AMOUNT:
            return [
                _unparsed(column, "is not an amount", "a number like 1234.50 or 1,234.50"),
                Check(
                    c,
                    _typed(c) < 0,
                    _text(c),
                    "is negative",
                    "an amount of 0 or more",
                    f"{c} is negative",
                ),
            ]
        case ColumnType.SCORE:
            low, high = column.score_range or (0, 10)
            outside = ~_typed(c).is_between(low, high)
            unparsed = _unparsed(
                column, "is not a whole number", f"a whole number from {low} to {high}"
            )
            if not column.required:  # a label is an unknown value, not a bad row (vocabulary.py)
                unparsed = replace(unparsed, bad=unparsed.bad & is_number(_text(c)))
            return [
                unparsed,
                Check(
                    c,
                    outside,
                    _text(c),
                    "is out of range",
                    f"a whole number from {low} to {high}",
                    f"{c} is out of range",
                ),
            ]
        case _ if column.vocabulary and column.required:  # others: unknown is missing
            allowed = ", ".join(column.vocabulary)
            unknown = _typed(c).is_not_null() & ~_typed(c).is_in(list(column.vocabulary))
            return [
                Check(
                    c,
                    unknown,
                    _text(c),
                    "is not a known value",
                    f"one of {allowed}, or a value map in the config's source "
                    f'(values: {{{c}: {{"your value": {column.vocabulary[0]}}}}})',
                    f"{c} is not a known value",
                )
            ]
        case _:
            return []


def _excel_id_check(c: str) -> Check:
    """An id re-saved in Excel (EXPORTS.md §5): shown in scientific notation,
    its last digits are gone, so it can match no other table and may collide
    with another id. Only a new export (or an import as Text) gets them back."""
    return Check(
        c,
        _text(c).str.contains(_SCIENTIFIC),
        _text(c),
        "looks like an id Excel turned into a number: its digits are lost",
        "the id as text: export the file again, or import it into Excel with this column as Text",
        f"{c} mangled by Excel",
    )


def column_checks(
    table: Table, present: tuple[str, ...], dates: tuple[date, date] = DATE_RANGE
) -> list[Check]:
    """Type, required-value and uniqueness checks of the columns the file has;
    dates must lie within ``dates``."""
    checks: list[Check] = []
    for column in table.columns:
        if column.name not in present:
            continue
        c = column.name
        if column.required:
            checks.append(
                Check(
                    c,
                    _text(c).is_null(),
                    pl.lit(None, pl.String),
                    "is empty",
                    "a value (the column is required)",
                    f"{c} is empty",
                )
            )
        checks.extend(_type_checks(column, dates))
        if column.type == ColumnType.ID:
            checks.append(_excel_id_check(c))
        if column.unique:
            first_row = pl.col(ROW).min().over(c)
            duplicate = _text(c).is_not_null() & _text(c).is_duplicated()
            detail = pl.concat_str(pl.lit("(also in row "), first_row.cast(pl.String), pl.lit(")"))
            shared = (
                pl.when(first_row == pl.col(ROW))
                .then(pl.lit("(repeated further down)"))
                .otherwise(detail)
            )
            checks.append(
                Check(
                    c,
                    duplicate,
                    _text(c),
                    "is a duplicate id",
                    "each id once",
                    f"duplicate {c}",
                    shared,
                    gate=_may_repeat(_text(c)),
                )
            )
    return checks


def _may_repeat(ids: pl.Expr) -> pl.Expr:
    """The uniqueness check's gate: whether some id may be there twice.

    Exports mostly list rows by id, so ids in strictly increasing order (as
    text) answer at once, with one comparison per row; only other columns
    are hashed, to count their distinct ids (404k ticket ids: 0.016 s →
    0.003 s). Empty ids are not repeats."""

    def gate(cells: pl.Series) -> pl.Series:
        ids = cells.drop_nulls()
        ordered = ids.len() < 2 or bool((ids.slice(1) > ids.slice(0, ids.len() - 1)).all())
        return pl.Series([not ordered and ids.n_unique() < ids.len()], dtype=pl.Boolean)

    return ids.map_batches(gate, return_dtype=pl.Boolean, returns_scalar=True)


def _before_created(c: str) -> Check:
    """A date that must not be before the row's created_at."""
    bad = _typed(c) < _typed("created_at")
    detail = pl.concat_str(pl.lit("created_at "), _text("created_at"))
    return Check(
        c,
        bad,
        _text(c),
        "is before",
        f"{c} on or after created_at",
        f"{c} before created_at",
        detail,
    )


def row_checks(table: str, present: tuple[str, ...]) -> list[Check]:
    """The cross-column rules of SCHEMA.md for ``table`` (currencies: ``money.py``)."""
    has = set(present)
    # A deal's closed_at is checked with its status (an open deal's is ignored).
    dated = ("churned_at", "first_response_at", "resolved_at")
    checks = [_before_created(c) for c in dated if c in has and "created_at" in has]
    if table == "deals":
        checks.extend(_deal_checks(has))
    return checks


def _deal_checks(has: set[str]) -> list[Check]:
    status = _typed("status")
    closed = status.is_in(["won", "lost"])
    checks: list[Check] = []
    if "closed_at" in has:
        no_close = closed & _text("closed_at").is_null()
        checks.append(
            Check(
                "closed_at",
                no_close,
                pl.lit(None, pl.String),
                "is empty",
                "a close date for a won or lost deal",
                "won/lost deal without closed_at",
            )
        )
        early = closed & (_typed("closed_at") < _typed("created_at"))
        detail = pl.concat_str(pl.lit("created_at "), _text("created_at"))
        checks.append(
            Check(
                "closed_at",
                early,
                _text("closed_at"),
                "is before",
                "closed_at on or after created_at",
                "closed_at before created_at",
                detail,
            )
        )
    else:
        checks.append(
            Check(
                "closed_at",
                closed,
                _text("status"),
                "needs a closed_at column",
                "a closed_at column for won and lost deals",
                "won/lost deal without closed_at",
            )
        )
    if "amount" in has:
        no_amount = (status == "won") & _text("amount").is_null()
        checks.append(
            Check(
                "amount",
                no_amount,
                pl.lit(None, pl.String),
                "is empty",
                "an amount for a won deal",
                "won deal without amount",
            )
        )
    else:
        checks.append(
            Check(
                "amount",
                status == "won",
                _text("status"),
                "needs an amount column",
                "an amount column for won deals",
                "won deal without amount",
            )
        )
    return checks


def ragged_check(width: int) -> Check:
    """A row with more or fewer fields than the header is a bad row (SPEC.md)."""
    fields = pl.col(FIELDS)
    noun = pl.when(fields == 1).then(pl.lit(" field")).otherwise(pl.lit(" fields"))
    detail = pl.concat_str(fields.cast(pl.String), noun, pl.lit(f"; the header has {width}"))
    return Check(
        None, fields.is_not_null(), pl.lit(None, pl.String), "has", f"{width} fields per row",
        "wrong number of fields", detail,
    )  # fmt: skip
