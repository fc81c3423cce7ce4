"""Which file in a data folder holds a table.

``deals.csv`` (any supported extension, any case: ``DEALS.CSV``) first; else
the file-name patterns of the named preset, or of every preset
(``hubspot-crm-exports-all-deals-2026-11-20.csv``, Salesforce's
``Opportunity.csv``). Patterns are tried in the preset's order,
case-insensitively; the first pattern that matches one file wins. Two files for one pattern is an error that lists them: crmkpi never
picks one silently. A file named after another canonical table
(``deal_stages.csv``) is that table's, whatever a pattern (``*deal*``) says.
A table with no file but an entry named like one that cannot be read (a
broken link, a FIFO, ``deals.csv.gz``) is an error that says what to do,
never a silent "table missing".
"""

from __future__ import annotations

import os
import stat
from fnmatch import fnmatch
from pathlib import Path

from crmkpi.canonical import EXTENSIONS, TABLES
from crmkpi.errors import DataError
from crmkpi.presets import load_preset, preset_names
from crmkpi.sources.loaders import find_table_file

TEXT_EXTENSIONS = (*EXTENSIONS, ".txt")


def find_source_file(directory: Path, table: str, preset: str | None) -> Path | None:
    """The file for ``table`` in ``directory``, or None when there is none."""
    exact = find_table_file(directory, table)
    if exact is not None:
        return exact
    others = set(TABLES) - {table}  # deal_stages.csv is never the deals export
    files = sorted(
        p
        for p in directory.iterdir()
        if p.is_file() and p.suffix.lower() in TEXT_EXTENSIONS and p.stem.lower() not in others
    )
    for pattern in table_patterns(table, preset):
        found = [p for p in files if fnmatch(p.stem.lower(), pattern.lower())]
        if len(found) == 1:
            return found[0]
        if found:
            names = ", ".join(p.name for p in found)
            raise DataError(
                f"{directory}: several files could hold {table} ({names}); "
                f"name one with sources.{table}.path"
            )
    unreadable = unreadable_file(directory, table)
    if unreadable is not None:
        raise DataError(unreadable)
    return None


# Compressed exports: the tool that unpacks each, keeping the archive.
_UNPACK = {
    ".gz": ("gzip", "gunzip -k"),
    ".zip": ("zip", "unzip"),
    ".bz2": ("bzip2", "bunzip2 -k"),
    ".xz": ("xz", "unxz -k"),
    ".zst": ("zstd", "unzstd"),
    ".7z": ("7-Zip", "7z x"),
}


def unreadable_file(directory: Path, table: str) -> str | None:
    """Why the entry named like ``table``'s file in ``directory`` cannot be
    read, and what to do (a broken link, a FIFO, a socket, a device, a
    compressed export); None when there is no such entry. Looks at names and
    ``stat`` only: a FIFO is never opened."""
    names = {f"{table}{ext}" for ext in TEXT_EXTENSIONS}
    packed = {f"{stem}{ext}" for stem in (table, *names) for ext in _UNPACK}
    for path in sorted(directory.iterdir()):
        name = path.name.lower()
        if name in names and not path.is_file():
            return f"{path}: {_not_a_file(path)}; {_put_here(path, table)}"
        if name in packed:
            kind, tool = _UNPACK[Path(name).suffix]
            return (
                f"{path}: a compressed file ({kind}); crmkpi reads the export itself: unpack "
                f"it in this folder ({tool} {path.name})"
            )
    return None


_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO), not a file"),
    (stat.S_ISSOCK, "a socket, not a file"),
    (stat.S_ISCHR, "a device, not a file"),
    (stat.S_ISBLK, "a device, not a file"),
)


def _not_a_file(path: Path) -> str:
    mode = path.lstat().st_mode
    if stat.S_ISLNK(mode):
        target = os.readlink(path)
        try:
            path.stat()
        except FileNotFoundError:
            return f"a link to {target}, which does not exist"
        except OSError as exc:
            return f"a link to {target}, which cannot be followed ({exc.strerror})"
        return f"a link to {target}, which is not a file"
    return next((what for test, what in _KINDS if test(mode)), "not a file")


def _put_here(path: Path, table: str) -> str:
    if path.is_symlink():
        return f"fix the link or put the {table} export here"
    return f"copy the {table} export here as a file (crmkpi reads files, not streams)"


def table_patterns(table: str, preset: str | None) -> tuple[str, ...]:
    """File-name patterns for ``table``: the named preset's, or every preset's
    specific patterns before the catch-all ones (``*deal*``)."""
    names = (preset,) if preset else preset_names()
    patterns: list[str] = []
    for name in names:
        mapping = load_preset(name).tables.get(table)
        if mapping is not None:
            patterns.extend(mapping.files)
    specific = [p for p in patterns if p.strip("*").count("*") or not p.startswith("*")]
    return tuple(dict.fromkeys([*specific, *patterns]))
