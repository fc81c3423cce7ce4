"""Files to LazyFrames of text cells, numbered as a spreadsheet shows them.

Every cell is read as text (no type inference: a guessed type would silently
turn ``N/A`` into null) and parsed later by ``schema.py``, so one set of rules
decides what a date or an amount is, whatever the file format. The column
``ROW`` holds the 1-based spreadsheet row (the header is row 1).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from crmkpi.canonical import EXTENSIONS
from crmkpi.errors import DataError, first_line

ROW = "__row"
# For a table derived from another file (HubSpot's wide stage columns): the
# source file's row and header a value came from, where a problem is reported.
SOURCE_ROW = "__source_row"
SOURCE_COLUMN = "__source_column"
_SEPARATORS = (",", ";", "\t", "|")


FIELDS = "__fields"


@dataclass(frozen=True, slots=True)
class RawTable:
    """A file opened lazily: its headers as written, and text cells plus ``ROW``.

    ``ragged`` lists the rows (``ROW``, ``FIELDS``) of a delimited file whose
    field count differs from the header's: bad rows like any other.
    """

    path: Path
    headers: tuple[str, ...]
    frame: pl.LazyFrame
    is_excel: bool
    ragged: pl.DataFrame | None = None


def find_table_file(directory: Path, table: str) -> Path | None:
    """The file that holds ``table`` in a data folder (``deals.csv``, ``deals.xlsx`` …).

    Two files for one table is ambiguous, and an error: we never pick one silently.
    """
    found = [p for ext in EXTENSIONS if (p := directory / f"{table}{ext}").is_file()]
    if len(found) > 1:
        names = ", ".join(p.name for p in found)
        raise DataError(f"{directory}: table {table} is in several files ({names}); keep one")
    return found[0] if found else None


def open_table(path: Path, *, sheet: str | None = None, separator: str | None = None) -> RawTable:
    """Open a CSV/TSV/Excel/Parquet file as text cells; reading happens at collect."""
    if path.is_dir():
        raise DataError(f"{path}: is a folder, expected a data file")
    if not path.is_file():
        raise DataError(f"{path}: file not found")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xls"):
        return _open_excel(path, sheet)
    if suffix == ".parquet":
        return _open_parquet(path)
    if suffix in (".csv", ".tsv", ".txt"):
        return _open_csv(path, separator or _sniff_separator(path, suffix))
    raise DataError(
        f"{path}: unsupported file type {suffix!r} (expected one of {', '.join(EXTENSIONS)})"
    )


def _sniff_separator(path: Path, suffix: str) -> str:
    """The delimiter of the header line: Excel in many locales saves ``;``."""
    if suffix == ".tsv":
        return "\t"
    with path.open("rb") as fh:
        head = fh.readline(1 << 20)
    counts = {sep: head.count(sep.encode()) for sep in _SEPARATORS}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] > 0 else ","


def _open_csv(path: Path, separator: str) -> RawTable:
    try:
        frame = pl.scan_csv(
            path,
            infer_schema=False,
            separator=separator,
            raise_if_empty=False,
            truncate_ragged_lines=True,  # extra fields are found by ragged_rows instead
        )
        headers = tuple(frame.collect_schema().names())
        ragged = ragged_rows(path, separator, len(headers)) if headers else None
    except pl.exceptions.PolarsError as exc:
        raise read_error(path, exc) from exc
    return RawTable(path, headers, frame.with_row_index(ROW, offset=2), False, ragged)


def ragged_rows(path: Path, separator: str, width: int) -> pl.DataFrame:
    """Rows whose field count is not ``width``, as (``ROW``, ``FIELDS``).

    The CSV reader pads a short row with nulls and cannot tell it from empty
    cells, so fields are counted on the raw lines: separators outside quoted
    text, in one streaming pass that keeps only the odd rows. A file with a
    quoted line break is counted by the ``csv`` module instead (rare).
    """
    line = pl.col("line").str.strip_suffix("\r")
    quotes = line.str.count_matches('"', literal=True)
    fields = line.str.replace_all(r'"[^"]*"', "").str.count_matches(separator, literal=True) + 1
    lines = pl.scan_csv(
        path, has_header=False, separator="\x1f", quote_char=None, infer_schema=False,
        new_columns=["line"], truncate_ragged_lines=True, raise_if_empty=False,
    )  # fmt: skip
    odd = (
        lines.with_row_index(ROW, offset=1)
        .filter((pl.col(ROW) >= 2) & (line.str.strip_chars() != ""))
        .select(pl.col(ROW), fields.cast(pl.Int64).alias(FIELDS), (quotes % 2 == 1).alias("open"))
        .filter((pl.col(FIELDS) != width) | pl.col("open"))
        .collect(engine="streaming")
    )
    if odd["open"].any():
        return _ragged_rows_by_csv(path, separator, width)
    return odd.select(ROW, FIELDS)


def _ragged_rows_by_csv(path: Path, separator: str, width: int) -> pl.DataFrame:
    rows: list[int] = []
    counts: list[int] = []
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as fh:
        reader = csv.reader(fh, delimiter=separator)
        next(reader, None)
        for number, fields in enumerate(reader, start=2):
            if fields and len(fields) != width:
                rows.append(number)
                counts.append(len(fields))
    return pl.DataFrame({ROW: rows, FIELDS: counts}, schema={ROW: pl.UInt32, FIELDS: pl.Int64})


def _open_excel(path: Path, sheet: str | None) -> RawTable:
    try:
        frame = pl.read_excel(
            path,
            sheet_name=sheet,
            infer_schema_length=0,
            drop_empty_rows=False,
            drop_empty_cols=False,
            raise_if_empty=False,
        )
    except (pl.exceptions.PolarsError, OSError, ValueError) as exc:
        raise DataError(f"{path}: cannot read the workbook ({first_line(exc)})") from exc
    except Exception as exc:
        where = f"sheet {sheet!r}" if sheet else "the first sheet"
        raise DataError(f"{path}: cannot read {where} ({first_line(exc)})") from exc
    frame = frame.select(pl.all().cast(pl.String))
    return RawTable(path, tuple(frame.columns), frame.lazy().with_row_index(ROW, offset=2), True)


def _open_parquet(path: Path) -> RawTable:
    try:
        frame = pl.scan_parquet(path)
        headers = tuple(frame.collect_schema().names())
    except pl.exceptions.PolarsError as exc:
        raise read_error(path, exc) from exc
    # Typed Parquet columns are read through the same text rules, so a Parquet
    # file and its CSV twin give the same values.
    text = frame.select(pl.all().cast(pl.String))
    return RawTable(path, headers, text.with_row_index(ROW, offset=2), is_excel=False)


def read_error(path: Path, exc: Exception) -> DataError:
    """A polars read failure as a DataError that says what to do about it."""
    text = str(exc)
    if "utf-8" in text.lower() or "utf8" in text.lower():
        return DataError(
            f"{path}: the file is not UTF-8 text; save it as 'CSV UTF-8' "
            "(other encodings cannot be read yet)"
        )
    return DataError(f"{path}: cannot read the file ({first_line(exc)})")
