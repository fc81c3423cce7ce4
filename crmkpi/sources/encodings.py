"""Text encodings of exported files: what polars reads, and what to say when
a file is not UTF-8.

polars reads UTF-8 only. Excel's "Unicode text" save is UTF-16 with a byte
order mark, so a BOM is enough to read it; any other encoding must be declared
(``sources.<table>.encoding``), because guessing one silently would turn
``Café`` into ``CafÃ©`` in a report nobody reads closely. A declared or BOM'd
file is re-encoded to UTF-8 in memory (such files are Excel-sized); an
undeclared non-UTF-8 file is refused with the line of its first foreign byte
and the encoding it most likely is.
"""

from __future__ import annotations

import codecs
import io
import itertools
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, TypeAlias

from crmkpi.canonical import ENCODING_EXAMPLES, encoding_name
from crmkpi.errors import DataError

TextSource: TypeAlias = Path | bytes
"""A text file as polars reads it: its path when it is UTF-8, else its UTF-8 bytes."""

UTF8 = "utf-8"
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_CHUNK = 1 << 20


def open_bytes(source: TextSource) -> BinaryIO:
    """The text's bytes as a file, whether it lies on disk or was transcoded."""
    return source.open("rb") if isinstance(source, Path) else io.BytesIO(source)


def text_source(path: Path, encoding: str | None = None) -> TextSource:
    """What polars reads for the text file at ``path``.

    A UTF-8 file (the default) is read where it lies; a file with a UTF-16 BOM,
    or in a declared encoding other than UTF-8, becomes UTF-8 bytes, and so
    does a file whose lines end with a bare CR (with LF line ends).
    """
    name = encoding_name(encoding) if encoding else None
    if name in (None, UTF8, "utf-8-sig"):
        with path.open("rb") as fh:
            head = fh.read(_PEEK)
        if head[:2] not in _UTF16_BOMS:
            return _newlines(path.read_bytes()) if _cr_only(head) else path
        name = "utf-16"
    text = _to_utf8(path, name or UTF8)
    return _newlines(text) if _cr_only(text[:_PEEK]) else text


_PEEK = 1 << 16


def _cr_only(head: bytes) -> bool:
    """Lines ended by a bare CR (classic Mac OS, old Excel for Mac "CSV"):
    a CR and no LF in the first 64 KB. polars would read one line."""
    return b"\r" in head and b"\n" not in head


def _newlines(data: bytes) -> bytes:
    """CR line ends as LF (a CR inside a quoted cell becomes a line break in
    it, as it was meant); such files are small, so this is done in memory."""
    return data.replace(b"\r", b"\n")


def _to_utf8(path: Path, encoding: str) -> bytes:
    data = path.read_bytes()
    try:
        return data.decode(encoding).encode(UTF8)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DataError(
            f"{path}, line {line}: byte 0x{data[exc.start]:02X} in {_excerpt(data, exc.start)} "
            f"is not {encoding} text; declare the file's encoding (one of {ENCODING_EXAMPLES}) "
            "or save it as 'CSV UTF-8'"
        ) from exc


class NotUtf8Error(DataError):
    """A file polars cannot read as UTF-8, with the encoding to declare.

    The loader does not know the table a file is for; ``for_table`` puts its
    name into the config line the message suggests.
    """

    def __init__(
        self, path: Path, line: int, byte: int, excerpt: str, guess: str | None,
        table: str = "<table>",
    ) -> None:  # fmt: skip
        self.facts = (path, line, byte, excerpt, guess)
        where = f"{path}, line {line}: byte 0x{byte:02X} in {excerpt}"
        if guess is None:
            text = (
                f"{where}: not a text file (binary data); expected a CSV/TSV export, "
                "an .xlsx workbook or a .parquet file"
            )
        else:
            text = (
                f"{where}: the file is not UTF-8 text; it looks like {guess}: declare it "
                f"in the config (sources: {table}: encoding: {guess}) or save the file "
                "as 'CSV UTF-8'"
            )
        super().__init__(text)

    def for_table(self, table: str) -> NotUtf8Error:
        """The same error, its config line naming ``table``."""
        return NotUtf8Error(*self.facts, table=table)


def not_utf8(path: Path) -> NotUtf8Error | None:
    """Why ``path`` is not UTF-8 — its first foreign byte's line and a guess at
    its encoding — or None when it is UTF-8 after all.

    Read in chunks cut at line breaks, so a file of any size is checked in
    bounded memory and the line number is exact.
    """
    line = 1
    rest = b""
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            data = rest + chunk
            cut = data.rfind(b"\n") + 1 if len(chunk) == _CHUNK else len(data)
            piece, rest = data[:cut], data[cut:]
            try:
                piece.decode(UTF8)
            except UnicodeDecodeError as exc:
                at = line + piece.count(b"\n", 0, exc.start)
                sample = piece[max(0, exc.start - 32_768) : exc.start + 32_768]
                return NotUtf8Error(
                    path, at, piece[exc.start], _excerpt(piece, exc.start), guess_encoding(sample)
                )
            line += piece.count(b"\n")
    return None


def guess_encoding(sample: bytes) -> str | None:
    """The likeliest encoding of bytes that are not UTF-8; None for binary data.

    UTF-16 without a BOM has a NUL beside every ASCII letter. Otherwise the
    single-byte Windows code pages Excel saves in: in Arabic-script text
    (cp1256) letters above 0x7F come in runs that make words, in Western text
    (cp1252) they sit alone among ASCII letters (``Café``, ``Müller``).
    """
    for nuls, text, codec in ((1, 0, "utf-16-le"), (0, 1, "utf-16-be")):
        if (
            _share(sample[nuls::2], lambda b: b == 0) > 0.7
            and _share(sample[text::2], _printable) > 0.7
        ):
            return codec
    if b"\x00" in sample or _share(sample, lambda b: b < 0x20 and not _printable(b)) > 0.01:
        return None
    high = [i for i, b in enumerate(sample) if b > 0x7F]
    paired = sum(b == a + 1 for a, b in itertools.pairwise(high))
    if paired * 2 > len(high) and _decodes(sample, "cp1256"):
        return "cp1256"
    return "cp1252" if _decodes(sample, "cp1252") else "latin-1"


def _printable(byte: int) -> bool:
    return 0x20 <= byte < 0x7F or byte in b"\t\r\n"


def _share(data: bytes, test: Callable[[int], bool]) -> float:
    """The share of ``data``'s first 4 KB bytes that pass ``test``."""
    head = data[:4096]
    return sum(map(test, head)) / len(head) if head else 0.0


def _decodes(sample: bytes, encoding: str) -> bool:
    try:
        sample.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _excerpt(data: bytes, at: int) -> str:
    """The bytes around ``at`` as a reader can see them: printable ASCII as is,
    the rest as ``\\xE9``."""
    start = max(data.rfind(b"\n", max(0, at - 30), at) + 1, at - 30)
    shown = data[start : at + 10].split(b"\n")[0]
    text = "".join(chr(b) if 0x20 <= b < 0x7F else f"\\x{b:02X}" for b in shown)
    return f"“{text}”"
