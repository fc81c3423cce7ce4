"""Canonical tables: parse a source's text cells and validate them (SCHEMA.md).

One read per table. In one ``collect_all`` polars produces three things from
a shared plan: counts of every problem, the first examples of each, and the
typed table itself. By default any problem stops the run (``DataError``,
exit 3); ``lenient`` drops the bad rows and says how many and why.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import polars as pl

from crmkpi.canonical import ColumnType, Table
from crmkpi.config import DATE_RANGE, SourceSpec
from crmkpi.errors import GROUP_VALUES_SHOWN, DataError, Problem, ProblemGroup
from crmkpi.leniency import DEFAULT_MAX_SKIPPED, skip_advice
from crmkpi.money import Money, converted, money_checks, priced
from crmkpi.problems import (
    EXAMPLES_PER_CHECK,
    by_reason,
    column_label,
    examples_of,
    flag,
    problem_groups,
    problems_in,
)
from crmkpi.sources.cells import CellRules, add_minutes, map_values
from crmkpi.sources.fallback import TEXT, VALUE, Parser, clean_cells, cleaned_and_parsed
from crmkpi.sources.loaders import ROW, SOURCE_COLUMN, SOURCE_ROW, RawTable, read_error
from crmkpi.sources.mapping import Mapping, kept_rows, resolve_mapping, text_column
from crmkpi.sources.vocabulary import UNKNOWN, Unknown, choices, unknown_cells, unknown_warning
from crmkpi.validation import (
    TYPED,
    Check,
    column_checks,
    ragged_check,
    raw_parsed,
    row_checks,
    typed_value,
)

_SHORT = "__maybe_short"
_PARSED = "__parsed_"


@dataclass(frozen=True, slots=True)
class LoadContext:
    """Run-wide settings that decide how cells are read and checked.
    ``timezone`` is the report's: every instant is converted to it."""

    timezone: str = "UTC"
    currency: str | None = None
    fx: Money = field(
        default_factory=Money
    )  # rates into ``currency`` (its ``currency`` is this one's)
    lenient: bool = False
    max_skipped: float = DEFAULT_MAX_SKIPPED  # what a strict run's advice on --lenient says
    streaming: bool = False  # keep typed tables out of memory (read again by the KPIs)
    # Streaming: a folder where each validated table is written as typed
    # Parquet for the KPIs to scan (None: they read the source files again).
    spill: Path | None = None
    dates: tuple[date, date] = DATE_RANGE  # the dates an input may hold (config ``dates``)


@dataclass(frozen=True, slots=True)
class LoadedTable:
    """A typed canonical table plus what the report says about its input.

    ``frame`` has the canonical columns the file has (typed) and ``ROW``.
    ``problems`` holds the first examples of skipped rows (lenient runs),
    ``groups`` the same said once per kind, with true counts.
    """

    name: str
    path: Path
    preset: str
    mapping: Mapping
    frame: pl.DataFrame | pl.LazyFrame  # lazy: a converted Parquet table, scanned by the KPIs
    columns: tuple[str, ...]
    rows: int
    skipped: int
    skipped_by_reason: dict[str, int]
    latest: date | None
    warnings: tuple[str, ...]
    problems: tuple[Problem, ...]
    left_out: int = 0  # rows ``keep`` says are not the table's
    # Vocabulary columns with values crmkpi does not know (read as missing):
    # the KPIs that read such a column are unavailable (``vocabulary.py``).
    unknown: tuple[Unknown, ...] = ()
    groups: tuple[ProblemGroup, ...] = ()


def load_table(
    raw: RawTable,
    table: Table,
    source: SourceSpec,
    ctx: LoadContext,
    resolved: Mapping | None = None,
) -> LoadedTable:
    """Parse and validate one file into its canonical table. ``resolved`` is
    the mapping when the caller built it (a derived table); else the file's
    preset is resolved from its headers and ``source``."""
    resolved = resolved or resolve_mapping(raw.headers, table, source, raw.path.name)
    rules = CellRules(
        timezone=resolved.timezone or ctx.timezone,
        date_format=resolved.date_format,
        decimal=resolved.decimal,
        excel=raw.is_excel,
        amount_factor=source.amount_factor,
        calendar=resolved.calendar,
        report_zone=ctx.timezone,
    )
    if not ctx.lenient and _is_large(raw):
        _check_head(raw, table, resolved, rules, ctx)
    if raw.recount is not None:  # a delimited file whose fields are not counted yet
        # A file whose first lines end with an empty field will be counted:
        # the count runs beside the first read instead of after it (at 100k
        # customers, tickets' sparse csat: 0.03 s off the whole report).
        with ThreadPoolExecutor(max_workers=1) as beside:
            counting = beside.submit(raw.recount) if raw.empty_last else None
            loaded, maybe_short = _validated(raw, table, resolved, rules, ctx, gated=True)
            if loaded is not None and not maybe_short:
                return loaded
            raw = counting.result() if counting is not None else raw.recount()
        if loaded is not None and not _odd_rows(raw):  # the empty last cells were just empty
            return loaded
    loaded, _ = _validated(raw, table, resolved, rules, ctx, gated=True)
    if loaded is None:  # a gate opened (a duplicate id): every check, row by row
        loaded, _ = _validated(raw, table, resolved, rules, ctx, gated=False)
    assert loaded is not None  # only a gated pass gives None
    return loaded


# A strict run over a file of many rows checks its first rows alone first: a
# file that is broken throughout (a 2 GB garbage export) stops there, with an
# estimate, instead of parsing and counting every problem of every row
# (issue 24). Below HEAD_MIN_ROWS the head check would cost more than it saves.
HEAD_MIN_ROWS = 1_000_000
HEAD_ROWS = 20_000
_SAMPLE_BYTES = 1 << 20  # read to estimate the rows of a file from its size
_MIN_LINE_BYTES = 8  # no file of HEAD_MIN_ROWS rows is smaller than this many bytes a row


def _is_large(raw: RawTable) -> bool:
    try:
        if raw.is_excel or raw.path.stat().st_size < HEAD_MIN_ROWS * _MIN_LINE_BYTES:
            return False
        return _rows_in(raw.path) >= HEAD_MIN_ROWS
    except OSError:
        return False


def _rows_in(path: Path) -> float:
    """The data rows of a text file, estimated from its size and its first
    megabyte's lines."""
    with path.open("rb") as file:
        sample = file.read(_SAMPLE_BYTES)
    lines = max(sample.count(b"\n"), 1)
    return path.stat().st_size * lines / max(len(sample), 1) - 1  # the header line


def _check_head(
    raw: RawTable, table: Table, resolved: Mapping, rules: CellRules, ctx: LoadContext
) -> None:
    """A DataError when the first ``HEAD_ROWS`` rows already have problems:
    their groups, counted in those rows, and the estimate for the file. A
    head whose problems may come from a short row, or none, says nothing:
    the whole file is read as usual."""
    head = replace(raw, frame=raw.frame.head(HEAD_ROWS), recount=None, empty_last=False)
    if raw.recount is not None:  # rows of too few fields are only known after a count
        head = replace(head, recount=lambda: head)
    try:
        _validated(head, table, resolved, rules, ctx, gated=False)
    except DataError as err:
        if not err.groups:
            return
        raise DataError(
            f"{raw.path.name}: {err.total:,} problem{'s' if err.total != 1 else ''} in the "
            f"first {HEAD_ROWS:,} rows of {table.name}, about {_estimate(raw, err.total)} in "
            "the whole file; crmkpi stopped counting there",
            err.problems,
            err.total,
            groups=err.groups,
            notes=err.notes,
        ) from None


def _estimate(raw: RawTable, problems: int) -> str:
    """``problems`` in the head scaled to the file by its size: ``1.2 million``."""
    total = problems * max(_rows_in(raw.path) / HEAD_ROWS, 1.0)
    if total >= 1e6:
        return f"{total / 1e6:,.1f} million"
    return f"{float(f'{total:.2g}'):,.0f}"  # two significant digits: 500, 3,200


def _kept(
    plan: pl.LazyFrame,
    collected: pl.DataFrame,
    spilled: Path | None,
    ctx: LoadContext,
    table: Table,
    mapping: dict[str, str],
) -> tuple[pl.DataFrame | pl.LazyFrame, pl.DataFrame]:
    """The typed table as the KPIs will read it, and its freshness."""
    if spilled is not None:  # typed Parquet: scanned with projection, freshness from it
        typed = pl.scan_parquet(spilled)
        return typed, _latest(typed, table, mapping).collect(engine="streaming")
    if ctx.streaming:  # the plan itself, and the freshness found with the checks
        return plan, collected
    return collected, _latest(collected.lazy(), table, mapping).collect()


def _odd_rows(raw: RawTable) -> bool:
    """Rows with another number of fields than the header, or a report footer."""
    return raw.footer is not None or (raw.ragged is not None and raw.ragged.height > 0)


def _validated(
    raw: RawTable, table: Table, resolved: Mapping, rules: CellRules, ctx: LoadContext, gated: bool
) -> tuple[LoadedTable | None, bool]:
    """The table read and checked in one pass, and whether a row may be short.

    ``gated``: the costly checks run as their gates only; no table says a
    gate opened (read again whole). A file whose fields are not counted yet
    (``RawTable.recount``) is read first as if every row had the header's
    fields: polars refuses a row of too many, and a row of too few has an
    empty last cell, so "may be short" is any empty last cell. Then its
    problems may come from a short row: they give no table either, and the
    caller counts the fields and reads it again.
    """
    file = raw.path.name
    mapping = {c: resolved.header(c) for c in resolved.columns}
    flagged, checks, vocabulary = _flagged_frame(raw, table, resolved, rules, ctx, gated)
    plan = _typed_table(flagged, checks, table, mapping, ctx.lenient)
    # Streaming: the typed rows are not kept in memory but written to the
    # spill folder (or, without one, read again by each KPI query; freshness
    # is then found in this pass); in memory, they are the rows kept.
    spilled = ctx.spill / f"{table.name}.parquet" if ctx.streaming and ctx.spill else None
    if spilled is not None:
        kept_or_latest = plan.sink_parquet(spilled, lazy=True)
    else:
        kept_or_latest = _latest(plan, table, mapping) if ctx.streaming else plan
    try:
        counts, examples, collected, *extra = pl.collect_all(
            [
                _counts(flagged, checks, table, mapping),
                examples_of(flagged, checks),
                kept_or_latest,
                *([_left_out(raw, resolved)] if resolved.keep else []),  # no keep: no pass
                *(
                    [_unknown_values(flagged, checks, vocabulary, ctx.lenient)]
                    if vocabulary
                    else []
                ),
            ],
            engine="streaming" if ctx.streaming else "auto",
        )
    except pl.exceptions.PolarsError as exc:
        if raw.recount is not None:  # a row of too many fields, or a file polars cannot read
            return None, True
        raise read_error(raw.path, exc, table.name) from exc
    maybe_short = _SHORT in counts.columns and bool(counts[_SHORT][0])
    if any(counts[f"gate{i}"][0] for i, check in enumerate(checks) if check.gate is not None):
        return None, maybe_short
    typed, latest = _kept(plan, collected, spilled, ctx, table, mapping)
    problems = problems_in(examples, checks, file, mapping)
    totals = [int(counts[f"n{i}"][0]) for i in range(len(checks))]
    if sum(totals) and maybe_short:
        return None, True
    groups = problem_groups(examples, checks, totals, file, mapping, table.name)
    rows = int(counts["rows"][0])
    if sum(totals) and not ctx.lenient:
        raise DataError(
            f"{file}: {sum(totals)} problem{'s' if sum(totals) != 1 else ''} in {table.name}",
            problems,
            sum(totals),
            groups=groups,
            notes=(skip_advice(file, int(counts["bad_rows"][0]), rows, ctx.max_skipped),),
        )
    left_out = extra[:1] if resolved.keep else []
    unknown = _unknown(extra[-1], vocabulary, mapping) if vocabulary else ()
    loaded = LoadedTable(
        name=table.name,
        path=raw.path,
        preset=resolved.preset,
        mapping=resolved,
        frame=typed,
        columns=tuple(mapping),
        rows=rows,
        skipped=int(counts["bad_rows"][0]) if ctx.lenient else 0,
        skipped_by_reason=by_reason(checks, totals),
        latest=latest[0, 0],
        warnings=(
            _footer_warning(raw, table.name)
            + _warnings(counts, table.name)
            + tuple(unknown_warning(table.name, u) for u in unknown)
        ),
        problems=problems,
        left_out=int(left_out[0]["left_out"][0]) if left_out else 0,
        unknown=unknown,
        groups=groups,
    )
    return loaded, maybe_short


def _flagged_frame(
    raw: RawTable, table: Table, mapping: Mapping, rules: CellRules, ctx: LoadContext, gated: bool
) -> tuple[pl.LazyFrame, list[Check], dict[str, str]]:
    """Text and typed columns side by side, plus one Boolean per check (a
    gated check's is false: its gate is counted instead, ``_counts``), and
    the vocabulary columns (each with what its values may be mapped to),
    whose unknown cells are typed as missing and marked ``UNKNOWN + c``."""
    names = raw.frame.collect_schema().names()
    where = [c for c in (SOURCE_ROW, SOURCE_COLUMN) if c in names]
    direct = raw_parsed(table, mapping, rules)
    # Value maps apply to the text, so a value mapped to "" is a missing cell.
    text = (
        _filled_rows(raw, direct)
        .filter(kept_rows(mapping.keep))
        .select(
            ROW,
            *where,
            *(
                map_values(text_column(source), mapping.values.get(c, {})).alias(c)
                for c, source in mapping.columns.items()
            ),
            *(
                pl.col(_PARSED + h).struct.field(VALUE).alias(TYPED + c)
                for h, (c, _) in direct.items()
            ),
            *_short_flag(raw),
        )
    )
    minutes = {c: s.minutes_after for c, s in mapping.columns.items() if s.minutes_after}
    parsed = {c for c, _ in direct.values()}
    typed = text.with_columns(
        typed_value(table.column(c), rules).alias(TYPED + c)
        for c in mapping.columns
        if c not in minutes and c not in parsed
    ).with_columns(
        add_minutes(pl.col(TYPED + after), pl.col(c), rules).alias(TYPED + c)
        for c, after in minutes.items()
    )
    vocabulary = {
        c: choice
        for c in mapping.columns
        if (choice := choices(table.column(c), mapping.values.get(c, {}))) is not None
    }
    if vocabulary:
        typed = typed.with_columns(
            unknown_cells(table.column(c), pl.col(c), pl.col(TYPED + c)).alias(UNKNOWN + c)
            for c in vocabulary
        ).with_columns(
            pl.when(pl.col(UNKNOWN + c)).then(None).otherwise(pl.col(TYPED + c)).alias(TYPED + c)
            for c in vocabulary
        )
    columns = tuple(mapping.columns)
    typed = priced(typed, table, columns, replace(ctx.fx, currency=ctx.currency), rules)
    checks = [
        _gated(check) if gated else replace(check, gate=None)
        for check in column_checks(table, columns, ctx.dates)
        + row_checks(table.name, columns)
        + money_checks(table, columns, replace(ctx.fx, currency=ctx.currency))
    ]
    if raw.ragged is not None and raw.ragged.height:
        typed = typed.join(raw.ragged.lazy(), on=ROW, how="left", maintain_order="left")
        checks.append(ragged_check(len(raw.headers)))
    flagged = typed.with_columns(
        check.bad.fill_null(False).alias(flag(i)) for i, check in enumerate(checks)
    )
    return flagged, checks, vocabulary


def _unknown_values(
    flagged: pl.LazyFrame, checks: list[Check], vocabulary: dict[str, str], lenient: bool
) -> pl.LazyFrame:
    """Each vocabulary column's unknown values with their rows (in the rows
    kept: a lenient run's skipped rows are not the table's)."""
    if lenient and checks:
        flagged = flagged.filter(~pl.any_horizontal([flag(i) for i in range(len(checks))]))
    return pl.concat(
        flagged.filter(pl.col(UNKNOWN + c))
        .group_by(pl.col(c).alias("value"))
        .agg(pl.len().cast(pl.Int64).alias("rows"))
        .select(pl.lit(c).alias("column"), "value", "rows")
        for c in vocabulary
    )


def _unknown(
    found: pl.DataFrame, vocabulary: dict[str, str], mapping: dict[str, str]
) -> tuple[Unknown, ...]:
    """The vocabulary columns with unknown values, in the table's column order."""
    ordered = found.sort(["rows", "value"], descending=[True, False])
    return tuple(
        Unknown(
            c,
            column_label(c, mapping) or c,
            tuple(zip(values["value"].to_list(), values["rows"].to_list(), strict=True)),
            choice,
        )
        for c, choice in vocabulary.items()
        if (values := ordered.filter(pl.col("column") == c)).height
    )


def _short_flag(raw: RawTable) -> list[pl.Expr]:
    """In a file whose fields are not counted yet, an empty last cell, as a
    row of too few fields has (counted in ``_counts`` as ``_SHORT``)."""
    if raw.recount is None or not raw.headers:
        return []
    return [pl.col(raw.headers[-1]).is_null().alias(_SHORT)]


def _gated(check: Check) -> Check:
    """A check with a gate flags no row: the gate is counted instead."""
    return check if check.gate is None else replace(check, bad=pl.lit(False))


def _filled_rows(
    raw: RawTable, direct: dict[str, tuple[str, Parser]] | None = None
) -> pl.LazyFrame:
    """The file's rows without the empty ones, every cell cleaned (``clean_text``);
    a ``direct`` header's cells are cleaned and parsed at once, its values in
    ``_PARSED + header``."""
    if not raw.headers:
        return raw.frame.filter(pl.lit(False))
    direct = direct or {}
    cleaned = clean_cells(raw.frame, (h for h in raw.headers if h not in direct))
    if direct:
        cleaned = cleaned.with_columns(
            cleaned_and_parsed(pl.col(h), parser).alias(_PARSED + h)
            for h, (_, parser) in direct.items()
        ).with_columns(pl.col(_PARSED + h).struct.field(TEXT).alias(h) for h in direct)
    return cleaned.filter(~pl.all_horizontal([pl.col(h).is_null() for h in raw.headers]))


def _left_out(raw: RawTable, mapping: Mapping) -> pl.LazyFrame:
    """How many rows ``keep`` leaves out (not the table's: a prospect in a
    companies export); they are not problems, but a user must see the count."""
    return _filled_rows(raw).filter(~kept_rows(mapping.keep)).select(pl.len().alias("left_out"))


def _counts(
    flagged: pl.LazyFrame, checks: list[Check], table: Table, mapping: dict[str, str]
) -> pl.LazyFrame:
    extra: dict[str, pl.Expr] = {}
    if table.name == "deals" and {"status", "closed_at"} <= set(mapping):
        open_with_close = (pl.col(TYPED + "status") == "open") & pl.col(
            TYPED + "closed_at"
        ).is_not_null()
        extra["open_with_closed_at"] = open_with_close.sum()
    bad = [pl.col(flag(i)) for i in range(len(checks))]
    gates = {f"gate{i}": c.gate for i, c in enumerate(checks) if c.gate is not None}
    if _SHORT in flagged.collect_schema().names():
        gates[_SHORT] = pl.col(_SHORT).any()
    return flagged.select(
        pl.len().alias("rows"),
        (pl.any_horizontal(bad).sum() if bad else pl.lit(0)).alias("bad_rows"),
        *(flag.sum().alias(f"n{i}") for i, flag in enumerate(bad)),
        **extra,
        **gates,
    )


def _latest(typed: pl.LazyFrame, table: Table, mapping: dict[str, str]) -> pl.LazyFrame:
    """Data freshness: the latest date in the rows kept, after open deals'
    expected close dates were cleared (they are plans, not data seen)."""
    dates = [
        pl.col(c).dt.date() if table.column(c).type == ColumnType.DATETIME else pl.col(c)
        for c in mapping
        if table.column(c).type in (ColumnType.DATE, ColumnType.DATETIME)
    ]
    if not dates:
        return pl.LazyFrame({"latest": [None]}, schema={"latest": pl.Date})
    return typed.select(pl.max_horizontal([d.max() for d in dates]).alias("latest"))


def _typed_table(
    flagged: pl.LazyFrame, checks: list[Check], table: Table, mapping: dict[str, str], lenient: bool
) -> pl.LazyFrame:
    if lenient and checks:
        flagged = flagged.filter(~pl.any_horizontal([flag(i) for i in range(len(checks))]))
    names = flagged.collect_schema().names()
    columns = [converted(c, names).alias(c) for c in mapping]  # amounts in the report's currency
    typed = flagged.select(ROW, *columns)
    if table.name == "deals" and {"status", "closed_at"} <= set(mapping):
        # An open deal's closed_at is an expected date in most CRMs: ignored (SCHEMA.md).
        closed = pl.when(pl.col("status") == "open").then(None).otherwise(pl.col("closed_at"))
        typed = typed.with_columns(closed.alias("closed_at"))
    return typed


def _footer_warning(raw: RawTable, table: str) -> tuple[str, ...]:
    """Cut lines are said, never dropped silently (a report's footer, EXPORTS.md §2)."""
    if raw.footer is None:
        return ()
    first, last = raw.footer
    rows = f"row {first}" if first == last else f"rows {first}–{last}"
    return (f"{table}: cut a {last - first + 1}-line report footer ({rows} of {raw.path.name})",)


def _warnings(counts: pl.DataFrame, table: str) -> tuple[str, ...]:
    if "open_with_closed_at" in counts.columns:
        n = int(counts["open_with_closed_at"][0])
        if n:
            return (
                f"{table}: ignored the closed_at of {n} open deal{'s' if n != 1 else ''} (an expected close date)",
            )
    return ()


def eager(frame: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """A table's rows in memory (a converted table is a lazy scan until here)."""
    return frame if isinstance(frame, pl.DataFrame) else frame.collect()


def check_references(
    child: LoadedTable,
    parent: LoadedTable,
    column: str,
    lenient: bool,
    max_skipped: float = DEFAULT_MAX_SKIPPED,
) -> LoadedTable:
    """Rows of ``child`` whose ``column`` is not an id of ``parent`` (a stage row
    of a deal that deals.csv does not have): problems, or skipped rows."""
    known = eager(parent.frame.lazy().select(column).unique())
    rows = eager(child.frame)
    orphans = rows.join(known, on=column, how="anti").sort(ROW)
    if orphans.height == 0:
        return child
    file = child.path.name
    issue = f"is not a {column} of {parent.path.name}"
    problems = tuple(
        Problem(file, row, column, value, issue, f"an id that {parent.path.name} has")
        for row, value in zip(
            orphans[ROW].head(EXAMPLES_PER_CHECK),
            orphans[column].head(EXAMPLES_PER_CHECK),
            strict=True,
        )
    )
    distinct = orphans[column].drop_nulls().unique(maintain_order=True)
    group = ProblemGroup(
        first=problems[0],
        what=issue.removeprefix("is "),
        count=orphans.height,
        rows=tuple(p.row for p in problems if p.row is not None),
        values=tuple(distinct.head(GROUP_VALUES_SHOWN)),
        more_values=distinct.len() > GROUP_VALUES_SHOWN,
    )
    if not lenient:
        total = orphans.height
        raise DataError(
            f"{file}: {total} problem{'s' if total != 1 else ''} in {child.name}",
            problems,
            total,
            groups=(group,),
            notes=(skip_advice(file, total, child.rows, max_skipped),),
        )
    reason = f"{column} not in {parent.name}"
    return replace(
        child,
        frame=rows.join(orphans.select(ROW), on=ROW, how="anti"),
        skipped=child.skipped + orphans.height,
        skipped_by_reason={**child.skipped_by_reason, reason: orphans.height},
        problems=child.problems + problems,
        groups=(*child.groups, group),
    )
