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
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from crmkpi.atomic import replace_atomically
from crmkpi.canonical import TABLES, ColumnType, Table
from crmkpi.errors import DataError
from crmkpi.presets import ColumnSource
from crmkpi.schema import LoadedTable
from crmkpi.sources.loaders import ROW
from crmkpi.sources.mapping import Mapping
from crmkpi.sources.vocabulary import from_json, to_json, unknown_warning

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


def load_converted(path: Path, meta: dict[str, str], timezone: str) -> LoadedTable:
    """A converted table as a lazy scan, its types checked against SCHEMA.md.
    Date-times convert to ``timezone`` (the same instants); dates stay as the
    convert run decided them."""
    table = TABLES[meta[MARK]]
    scan = _scan(path)
    schema = scan.collect_schema()
    _check_types(path, table, schema, meta.get("crmkpi.timezone", "UTC"))
    columns = tuple(c for c in table.column_names if c in schema)
    zone_fix = [
        pl.col(c).dt.convert_time_zone(timezone)
        for c in columns
        if table.column(c).type == ColumnType.DATETIME
    ]
    frame = scan.select(ROW, *columns).with_columns(zone_fix)
    skipped: dict[str, int] = json.loads(meta.get("crmkpi.skipped") or "{}")
    unknown = from_json(meta.get("crmkpi.unknown", ""))  # still missing: still unavailable
    return LoadedTable(
        name=table.name,
        path=path,
        preset=PRESET,
        mapping=Mapping(PRESET, {c: ColumnSource(headers=(c,)) for c in columns}),
        frame=frame,
        columns=columns,
        rows=int(meta.get("crmkpi.rows", "0")),
        skipped=sum(skipped.values()),
        skipped_by_reason=skipped,
        latest=date.fromisoformat(meta["crmkpi.latest"]) if meta.get("crmkpi.latest") else None,
        warnings=tuple(unknown_warning(table.name, u) for u in unknown),
        problems=(),
        unknown=unknown,
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
