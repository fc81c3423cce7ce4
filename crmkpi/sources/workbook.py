"""Limits an .xlsx workbook must meet before it is read (issue 24, item 3).

The Excel reader builds a sheet as a dense grid from A1 to its last cell, and
unpacks every part of the zip in memory. So an 18 KB file with one cell at
XFD1048576 is a grid of 17 billion cells, and a 1 MB file can hold a 1 GiB
shared string: both exhaust memory from a small input. Before the reader
sees a workbook, its parts are checked against what they unpack to, and the
sheet's extent against its size; the XML is scanned in chunks, with searches
that find the last row and column without listing every cell.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from crmkpi.errors import DataError

MAX_RATIO = 100
"""A part may unpack to at most this many times its packed size (real sheets: 5-20×) …"""
RATIO_FLOOR = 16 << 20
"""… unless it unpacks to 16 MiB or less."""
MIN_CELLS = 1 << 20
"""A sheet's grid (rows × columns, from A1) may always have a million cells …"""
XML_BYTES_PER_CELL = 4
"""… and one per 4 bytes of its XML (a real cell is 15 or more: <c r="B7"><v>1</v></c>)."""
_CHUNK = 8 << 20
_OVERLAP = 64  # a reference cut at a chunk's end is whole in the next one
_DIGITS = re.compile(rb"\d+")
_NO_REF_CELL = re.compile(rb"<c(?=[\s/>])(?![^>]*\br=)")


@dataclass(frozen=True, slots=True)
class _Extent:
    rows: int = 0
    columns: int = 0
    unnumbered: int = 0  # cells with no reference: placed one after another

    def merge(self, other: _Extent) -> _Extent:
        return _Extent(
            max(self.rows, other.rows),
            max(self.columns, other.columns),
            self.unnumbered + other.unnumbered,
        )


def check_workbook(path: Path, sheet: str | None) -> None:
    """A DataError when ``path`` would unpack or spread far beyond its size;
    a file that is no zip is left to the reader (which says so)."""
    try:
        book = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return
    with book:
        for part in book.infolist():
            _check_ratio(path, part)
        for name in _sheet_parts(book, sheet):
            _check_extent(path, book, book.getinfo(name))


def _check_ratio(path: Path, part: zipfile.ZipInfo) -> None:
    size, packed = part.file_size, max(part.compress_size, 1)
    if size > RATIO_FLOOR and size > MAX_RATIO * packed:
        raise DataError(
            f"{path}: its part {part.filename} unpacks to {size:,} bytes from {packed:,} "
            f"({size // packed:,} times as many; a real workbook is at most {MAX_RATIO}); "
            "refusing to read it (if it is real, save the sheet as CSV)"
        )


def _sheet_parts(book: zipfile.ZipFile, sheet: str | None) -> list[str]:
    """The XML part of the sheet the reader will read (``sheet``, else the
    first); every worksheet when the workbook does not say which is which."""
    names = set(book.namelist())
    try:
        workbook = book.read("xl/workbook.xml")
        rels = book.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return sorted(n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml"))
    targets = {
        m[1]: m[2]
        for m in re.finditer(rb'<Relationship\b[^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"', rels)
    }
    for found in re.finditer(rb'<sheet\b[^>]*?name="([^"]*)"[^>]*?r:id="([^"]+)"', workbook):
        if sheet is None or found[1].decode("utf-8", "replace") == sheet:
            target = targets.get(found[2], b"").decode("utf-8", "replace").lstrip("/")
            part = target if target.startswith("xl/") else f"xl/{target}"
            return [part] if part in names else _all_sheets(names)
    return _all_sheets(names)


def _all_sheets(names: set[str]) -> list[str]:
    return sorted(n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml"))


def _check_extent(path: Path, book: zipfile.ZipFile, part: zipfile.ZipInfo) -> None:
    """The grid from A1 to the sheet's last cell must fit the sheet's size."""
    limit = max(MIN_CELLS, part.file_size // XML_BYTES_PER_CELL)
    extent = _Extent()
    tail = b""
    with book.open(part) as fh:
        while chunk := fh.read(_CHUNK):
            data = tail + chunk
            extent = extent.merge(_extent(data, limit, extent))
            tail = data[-_OVERLAP:]
    columns = extent.columns + extent.unnumbered
    if extent.rows * columns > limit:
        raise DataError(
            f"{path}: its sheet spans {extent.rows:,} rows × {columns:,} columns from A1 "
            f"({extent.rows * columns:,} cells) in {part.file_size:,} bytes of cells; a table "
            f"of this size has at most {limit:,}. A stray cell far from the table (at "
            f"{_column_name(extent.columns)}{extent.rows}?) makes it so: delete it, or save "
            "the sheet as CSV"
        )


def _extent(data: bytes, limit: int, known: _Extent) -> _Extent:
    """The last row and column referenced in ``data`` (cells' ``r="B7"`` and
    rows' ``r="7"``), or bounds of them: a few searches tell how many digits
    and letters the longest references have, and only when those bounds
    could pass ``limit`` are the references listed to find the exact ones."""
    last = max(known.rows, _last_row(data))  # rows are in order in a real sheet
    digits = next(
        (d for d in range(7, len(str(last)), -1) if re.search(rb' r="[A-Z]*\d{%d}' % d, data)), 0
    )
    letters = next(
        (
            n
            for n in range(3, _letters(known.columns), -1)
            if re.search(rb' r="[A-Z]{%d}\d' % n, data)
        ),
        0,
    )
    rows = max(last, 10**digits - 1 if digits < 7 else 10**7)
    columns = max(known.columns, min(_column_number(b"Z" * letters), 16_384))
    if rows * columns > limit and digits:
        found = re.findall(rb' r="[A-Z]*(\d{%d,})"' % digits, data)
        rows = max(known.rows, *(int(r) for r in found))
    if rows * columns > limit and letters:
        found = re.findall(rb' r="([A-Z]{%d})\d' % letters, data)
        columns = max(known.columns, *(_column_number(r) for r in found))
    return _Extent(rows, columns, _unnumbered(data))


def _unnumbered(data: bytes) -> int:
    """Cells with no ``r`` reference (counted, then found only if some are)."""
    cells = data.count(b"<c ") + data.count(b"<c>") + data.count(b"<c/>")
    if cells == data.count(b'<c r="'):
        return 0
    return len(_NO_REF_CELL.findall(data))


def _last_row(data: bytes) -> int:
    """The number of the last ``<row r="…">`` in ``data`` (0: none)."""
    at = data.rfind(b'<row r="')
    if at < 0:
        return 0
    number = _DIGITS.match(data, at + 8)
    return int(number[0]) if number else 0


def _letters(column: int) -> int:
    """How many letters column number ``column`` is written with (0 for none)."""
    return 0 if column == 0 else 1 if column <= 26 else 2 if column <= 702 else 3


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ch - 64
    return number


def _column_name(number: int) -> str:
    name = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        name = chr(65 + rest) + name
    return name or "A"
