"""A table built by an SQL query over one or more files (``sources.<t>.query``).

For exports that are not one row per canonical row: an event log collapsed to
one row per ticket, a wide weekly spend sheet turned into rows, customers
derived from their first order, deals joined to the lead file for a creation
date. The query runs in polars' SQL engine (never Python ``eval``) over the
files the source names: ``path`` as ``self`` and ``files`` by their names,
each as text cells plus ``__row``, the spreadsheet row. Its result is read
like a file: its column names are headers, mapped by ``columns`` or a preset.
A result row that keeps ``__row`` (a row of one file) is reported at that
row; other rows are numbered 2, 3 … in result order.
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from crmkpi.custom import string_builder
from crmkpi.errors import ConfigError, DataError, first_line
from crmkpi.sources.loaders import ROW, RawTable

SELF = "self"
# polars SQL can read any file through table functions (read_csv('…')): a
# query may read only the files its source names.
_TABLE_FUNCTION = re.compile(r"\b(read|scan)_\w+\s*\(", re.IGNORECASE)


def query_table(table: str, query: str, inputs: dict[str, RawTable]) -> RawTable:
    """The query's result as a RawTable (text cells, ``ROW``), lazily."""
    where = f"sources.{table}.query"
    if _TABLE_FUNCTION.search(query):
        raise ConfigError(
            f"{where}: reads a file itself; a query may read only the files named in "
            f"sources.{table}.path (as {SELF}) and sources.{table}.files"
        )
    if builder := string_builder(query):
        raise ConfigError(
            f"{where}: calls {builder}, which could build strings long enough to fill the memory"
        )
    for raw in inputs.values():
        _no_ragged_rows(raw)
    context = pl.SQLContext({name: raw.frame for name, raw in inputs.items()}, eager=False)
    try:
        result = context.execute(query)
        names = result.collect_schema().names()
    except (pl.exceptions.PolarsError, ValueError) as exc:
        known = ", ".join(inputs)
        raise ConfigError(f"{where}: {first_line(exc)} (tables: {known})") from exc
    headers = tuple(n for n in names if n != ROW)
    text = [pl.col(h).cast(pl.String) for h in headers]
    if ROW in names:
        frame = result.select(pl.col(ROW).cast(pl.UInt32), *text)
    else:
        frame = result.select(text).with_row_index(ROW, offset=2)
    return RawTable(_label(inputs), headers, frame, is_excel=False)


def _label(inputs: dict[str, RawTable]) -> Path:
    """The file problems are reported under: ``self``, else the first file."""
    raw = inputs.get(SELF) or next(iter(inputs.values()))
    return raw.path


def _no_ragged_rows(raw: RawTable) -> None:
    """A row with too many or too few fields cannot be queried faithfully."""
    if raw.ragged is None or raw.ragged.height == 0:
        return
    rows = ", ".join(str(r) for r in raw.ragged[ROW].head(5).to_list())
    raise DataError(
        f"{raw.path.name}: {raw.ragged.height} rows do not have the header's "
        f"{len(raw.headers)} fields (rows {rows}); a query cannot read them"
    )
