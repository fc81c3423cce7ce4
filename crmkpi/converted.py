"""Typed Parquet written by ``crmkpi convert``, and read back without parsing.

A converted table is a canonical table after validation: canonical column
names and types, the source row numbers (``ROW``), and what the report says
about its input (source file, rows, skipped rows and why, freshness) in the
Parquet key-value metadata under ``crmkpi.*``. Reading one is a lazy
``scan_parquet``: nothing is parsed or checked again, and the KPI queries push
their column choice and period filters down into the scan, so a report reads
only the columns and row groups it needs.

A table may also be a folder of such files (``tickets/year=2026/….parquet``,
hive-partitioned, as a data lake writes them): it is scanned as one table.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import polars as pl

from crmkpi.atomic import replace_atomically
from crmkpi.canonical import TABLES, ColumnType, Table
from crmkpi.config import DATE_RANGE
from crmkpi.errors import DataError, shorten
from crmkpi.presets import ColumnSource
from crmkpi.problems import examples_of, flag, problem_groups, problems_in
from crmkpi.schema import LoadedTable
from crmkpi.sources.loaders import ROW
from crmkpi.sources.mapping import Mapping
from crmkpi.sources.vocabulary import Unknown, from_json, to_json, unknown_warning
from crmkpi.validation import TYPED, Check, column_checks, row_checks

MARK = "crmkpi.table"
FORMAT = "1"
PRESET = "converted"


@dataclass(frozen=True, slots=True)
class Written:
    """One table ``convert`` wrote."""

    table: str
    path: Path
    rows: int


def dtype_of(kind: ColumnType, timezone: str) -> pl.DataType:
    """The Parquet type of a canonical column (SCHEMA.md "Types")."""
    match kind:
        case ColumnType.DATE:
            return pl.Date()
        case ColumnType.DATETIME:
            return pl.Datetime("us", timezone)
        case ColumnType.AMOUNT:
            return pl.Float64()
        case ColumnType.SCORE:
            return pl.Int64()
        case _:
            return pl.String()


STORED_ZONE = "UTC"
"""Date-times are stored as instants in UTC; a report converts them to its zone."""


def write_converted(loaded: LoadedTable, folder: Path, timezone: str) -> Written:
    """``loaded`` as ``folder/<table>.parquet``, written atomically. A table
    kept lazy (``--engine streaming``) is streamed to the file, never held whole.
    Date-times are stored in UTC (the same instants); dates as the run took
    them, in ``timezone`` (the report's, recorded as ``crmkpi.date_zone``)."""
    meta = {
        MARK: loaded.name,
        "crmkpi.format": FORMAT,
        "crmkpi.timezone": STORED_ZONE,
        "crmkpi.date_zone": timezone,
        "crmkpi.source": loaded.path.name,
        "crmkpi.preset": loaded.preset,
        "crmkpi.rows": str(loaded.rows),
        "crmkpi.skipped": json.dumps(loaded.skipped_by_reason),
        "crmkpi.latest": loaded.latest.isoformat() if loaded.latest else "",
        "crmkpi.unknown": to_json(loaded.unknown),
    }
    path = folder / f"{loaded.name}.parquet"
    table = TABLES[loaded.name]
    frame = loaded.frame.with_columns(
        pl.col(c).dt.convert_time_zone(STORED_ZONE)
        for c in loaded.columns
        if table.column(c).type == ColumnType.DATETIME
    )
    if isinstance(frame, pl.LazyFrame):
        replace_atomically(path, lambda tmp: frame.sink_parquet(tmp, metadata=meta))
    else:
        replace_atomically(path, lambda tmp: frame.write_parquet(tmp, metadata=meta))
    rows = pl.scan_parquet(path).select(pl.len()).collect().item()  # from the file's footer
    return Written(loaded.name, path, rows)


def find_converted(data: Path, table: str) -> tuple[Path, dict[str, str]] | None:
    """``data/<table>.parquet`` or ``data/<table>/`` (Parquet files, maybe
    hive-partitioned) when ``convert`` wrote it (its metadata says so), with
    that metadata; None for anything else."""
    single = data / f"{table}.parquet"
    if single.is_file():
        first: Path | None = single
    elif (data / table).is_dir():
        first = next(iter(sorted((data / table).rglob("*.parquet"))), None)
    else:
        return None
    if first is None:
        return None
    try:
        meta = pl.read_parquet_metadata(first)
    except (pl.exceptions.PolarsError, OSError):
        return None  # not ours to judge: the ordinary loader says what is wrong
    return (single if single.is_file() else data / table, meta) if meta.get(MARK) == table else None


def load_converted(
    path: Path, meta: dict[str, str], timezone: str, dates: tuple[date, date] = DATE_RANGE
) -> LoadedTable:
    """A converted table as a lazy scan, checked first: its metadata, its
    types, and its rows against the rules of SCHEMA.md (one pass, ``_check_rows``),
    since a file may have been edited since it was converted. Date-times
    convert to ``timezone`` (the same instants); dates stay as the convert
    run decided them."""
    table = TABLES[meta[MARK]]
    scan = _scan(path)
    schema = scan.collect_schema()
    _check_types(path, table, schema, meta.get("crmkpi.timezone", "UTC"))
    columns = tuple(c for c in table.column_names if c in schema)
    facts = _facts(path, meta)
    _check_rows(path, table, scan.select(ROW, *columns), dates)
    zone_fix = [
        pl.col(c).dt.convert_time_zone(timezone)
        for c in columns
        if table.column(c).type == ColumnType.DATETIME
    ]
    frame = scan.select(ROW, *columns).with_columns(zone_fix)
    return LoadedTable(
        name=table.name,
        path=path,
        preset=PRESET,
        mapping=Mapping(PRESET, {c: ColumnSource(headers=(c,)) for c in columns}),
        frame=frame,
        columns=columns,
        rows=facts.rows,
        skipped=sum(facts.skipped.values()),
        skipped_by_reason=facts.skipped,
        latest=facts.latest,
        warnings=tuple(unknown_warning(table.name, u) for u in facts.unknown),
        problems=(),
        unknown=facts.unknown,  # still missing: still unavailable
    )


@dataclass(frozen=True, slots=True)
class _Facts:
    """What the convert run recorded about its input, in the file's metadata."""

    rows: int
    skipped: dict[str, int]
    latest: date | None
    unknown: tuple[Unknown, ...]


_CHANGED = "was the file changed after crmkpi convert? convert the exports again"


def _facts(path: Path, meta: dict[str, str]) -> _Facts:
    """The run's facts from ``meta``; a value crmkpi could not have written is
    a DataError naming the key (the file was edited, or written by another tool)."""
    key = ""

    def bad(expected: str) -> DataError:
        shown = shorten(repr(meta.get(key)), 80)
        return DataError(f"{path}: metadata {key} is {shown}, expected {expected} ({_CHANGED})")

    key = "crmkpi.rows"
    rows = meta.get(key, "0")
    if not rows.isdigit():
        raise bad("a count of rows")
    key = "crmkpi.skipped"
    try:
        skipped = json.loads(meta.get(key) or "{}")
    except ValueError:
        skipped = None
    if not isinstance(skipped, dict) or not all(
        isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in skipped.values()
    ):
        raise bad("a JSON object of reason to count")
    key = "crmkpi.latest"
    try:
        latest = date.fromisoformat(meta[key]) if meta.get(key) else None
    except ValueError:
        raise bad("a date like 2026-10-05, or nothing") from None
    key = "crmkpi.unknown"
    try:
        unknown = from_json(meta.get(key, ""))
    except (ValueError, TypeError, KeyError):
        raise bad("the JSON list crmkpi convert writes") from None
    return _Facts(int(rows), skipped, latest, unknown)


def _check_rows(path: Path, table: Table, frame: pl.LazyFrame, dates: tuple[date, date]) -> None:
    """The rules a loaded table follows (types, required values, ids once,
    the vocabulary, dates in range, SCHEMA.md's row rules) and each source
    row once, checked in one streaming pass over the typed columns (a text
    copy stands for the cells). Only a file with problems is read again, for
    the first examples."""
    columns = tuple(c for c in frame.collect_schema().names() if c != ROW)
    typed = frame.with_columns(
        *(pl.col(c).alias(TYPED + c) for c in columns),
        *(pl.col(c).cast(pl.String) for c in columns),
    )
    checks = [
        replace(check, gate=None)
        for check in column_checks(table, columns, dates) + row_checks(table.name, columns)
    ]
    checks.append(_repeated_row())
    flagged = typed.with_columns(
        check.bad.fill_null(False).alias(flag(i)) for i, check in enumerate(checks)
    )
    counts = flagged.select(pl.col(flag(i)).sum() for i in range(len(checks)))
    totals = [int(n) for n in counts.collect(engine="streaming").row(0)]
    if not sum(totals):
        return
    examples = examples_of(flagged, checks).collect()
    mapping = {c: c for c in columns}
    problems = problems_in(examples, checks, path.name, mapping)
    groups = problem_groups(examples, checks, totals, path.name, mapping, table.name)
    total = sum(totals)
    raise DataError(
        f"{path}: {total} problem{'s' if total != 1 else ''} in {table.name} ({_CHANGED})",
        problems,
        total,
        groups=groups,
    )


def _repeated_row() -> Check:
    """A source row in the table twice: ``convert`` writes each once."""
    row = pl.col(ROW)
    return Check(
        ROW,
        row.is_duplicated(),
        row.cast(pl.String),
        "is a source row that is there more than once",
        "each row once",
        "repeated row",
    )


def _scan(path: Path) -> pl.LazyFrame:
    if path.is_dir():
        return pl.scan_parquet(path / "**" / "*.parquet", hive_partitioning=True)
    return pl.scan_parquet(path)


def _check_types(path: Path, table: Table, schema: pl.Schema, zone: str) -> None:
    """Every canonical column the file has is of its canonical type; the rest
    (hive partition keys, say) are left out."""
    if ROW not in schema:
        raise DataError(f"{path}: no {ROW} column: not a table written by crmkpi convert")
    for name, dtype in schema.items():
        if name in table.column_names:
            expected = dtype_of(table.column(name).type, zone)
            if dtype != expected:
                raise DataError(
                    f"{path}: column {name} is {dtype}, expected {expected} "
                    "(was the file changed after crmkpi convert? convert the exports again)"
                )
