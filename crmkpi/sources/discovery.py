"""Which file in a data folder holds a table: by its name, else by what it holds.

By name: ``deals.csv`` (any supported extension, any case: ``DEALS.CSV``) first; else the file-name
patterns of the named preset, or of every preset (``hubspot-crm-exports-all-
deals-2026-11-20.csv``, Salesforce's ``Opportunity.csv``). Patterns are tried
in the preset's order, case-insensitively; the first pattern that matches one
file wins. Two files for one pattern is an error that lists them: crmkpi never
picks one silently. A file named after another canonical table
(``deal_stages.csv``) is that table's, whatever a pattern (``*deal*``) says.

By what it holds (``scan_folder``): every other data file's headers (read
once, nothing else) are fitted to every table through every preset. A file
goes to the table whose id column it has and whose required columns it has,
where the most canonical columns are found (a HubSpot deals export saved as
``export (3).csv``); two tables that fit equally well are a tie, which is an
error only for a table that is needed. A file picked by its name is checked
by the same fit: one that lacks its table's required columns (Maven's
``accounts.csv``: no creation date) is said, and is an error only when a
requested KPI needs that table. Every file gets a ``FileRole``: what it was
taken for, or why not, so ``validate`` and ``init`` ignore nothing silently.
A table with no file but an entry named like one that cannot be read (a
broken link, a FIFO, ``deals.csv.gz``) is an error that says what to do,
never a silent "table missing".
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path

from crmkpi.canonical import EXTENSIONS, TABLE_NAMES, TABLES
from crmkpi.config import SourceSpec
from crmkpi.errors import DataError, shorten
from crmkpi.presets import load_preset, preset_names
from crmkpi.sources.loaders import find_table_file, open_table
from crmkpi.sources.mapping import HeaderFit, header_fit

TEXT_EXTENSIONS = (*EXTENSIONS, ".txt")
KEYS: dict[str, str] = {
    "customers": "customer_id",
    "leads": "lead_id",
    "deals": "deal_id",
    "tickets": "ticket_id",
    "deal_stages": "deal_id",
}
"""The id column a file must have to be taken for a table by its headers;
tables without one (surveys, spend) need all their required columns."""
HEADERS_SHOWN = 8


def find_source_file(directory: Path, table: str, preset: str | None) -> Path | None:
    """The file named like ``table`` in ``directory``, or None when there is none."""
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


# --- by what a file holds ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Recognition:
    """What a file's headers fit: ``table`` (None when none or a tie), and
    the fits that decided it: the chosen one, the tied ones, or the closest
    one that has a table's id column but lacks required columns."""

    table: str | None
    fits: tuple[HeaderFit, ...] = ()


def recognise(headers: tuple[str, ...], sources: Mapping[str, SourceSpec]) -> Recognition:
    """The table ``headers`` fit best: one whose id column (or, with none,
    every required column) is found, complete, with the most columns found."""
    fits = [header_fit(headers, TABLES[t], sources.get(t) or SourceSpec(t)) for t in TABLE_NAMES]
    keyed = [f for f in fits if _keyed(f)]
    complete = [f for f in keyed if f.complete]
    if not complete:
        closest = max(keyed, key=lambda f: f.matched, default=None)
        return Recognition(None, () if closest is None else (closest,))
    top = max(f.matched for f in complete)
    leaders = tuple(f for f in complete if f.matched == top)
    return Recognition(leaders[0].table if len(leaders) == 1 else None, leaders)


def _keyed(fit: HeaderFit) -> bool:
    key = KEYS.get(fit.table)
    return key in fit.found if key is not None else fit.complete


@dataclass(frozen=True, slots=True)
class FileRole:
    """One file of the data folder: the table it was taken for (None: not
    used) and how, or why not."""

    path: Path
    table: str | None
    note: str

    def line(self, width: int = 0) -> str:
        """``export (3).csv   deals, by its headers (hubspot 11 of 13 columns)``."""
        return f"{self.path.name:<{width}}  {self.note}"


@dataclass(frozen=True, slots=True)
class FolderScan:
    """Every file of a data folder and what it is for.

    ``chosen``: the file each table is read from when the config names none
    (by its headers when its file by name lacks columns, else by name).
    ``conflicts``: tables several files (or
    a tie) could hold: an error for a table that is needed. ``lacking``:
    tables whose file (picked by name) lacks required columns, with why: an
    error only for a table that is needed, else the table is absent.
    """

    folder: Path
    roles: tuple[FileRole, ...] = ()
    chosen: dict[str, Path] = field(default_factory=dict)
    conflicts: dict[str, str] = field(default_factory=dict)
    lacking: dict[str, str] = field(default_factory=dict)

    def file_for(self, table: str) -> Path | None:
        """The file for ``table``, or None; a DataError when it is ambiguous."""
        if table in self.conflicts:
            raise DataError(self.conflicts[table])
        return self.chosen.get(table)

    def lines(self) -> list[str]:
        """``files in <folder>:`` and a line per file."""
        if not self.roles:
            return [f"files in {self.folder}: none"]
        width = max(len(r.path.name) for r in self.roles)
        return [f"files in {self.folder}:", *(f"  {r.line(width)}" for r in self.roles)]


def scan_folder(folder: Path, sources: Mapping[str, SourceSpec]) -> FolderScan:
    """What each file in ``folder`` is for (see the module's docstring).
    ``sources``: the config's; a table it names a path for is read from that."""
    entries = sorted(
        (p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")),
        key=lambda p: p.name.lower(),
    )
    roles = {p.name: FileRole(p, None, note) for p, note in _named_in_config(folder, sources)}
    named, conflicts = _by_name(folder, sources, set(roles))
    headers = {p.name: _headers(p) for p in entries if p.suffix.lower() in TEXT_EXTENSIONS}
    lacking: dict[str, str] = {}
    for table, path in named.items():
        roles[path.name] = _named_role(path, table, headers.get(path.name), sources, lacking)
    held = {t for t, s in sources.items() if s.path is not None} | set(named)
    content = _Content(held - set(lacking), set(conflicts))
    for path in entries:
        if path.name not in roles:
            roles[path.name] = content.role(path, headers.get(path.name), sources)
    chosen = dict(named)  # a lacking one too: needed, its load says what it lacks
    for table, paths in content.found.items():
        if len(paths) == 1:
            chosen[table] = paths[0]
            lacking.pop(table, None)
        else:
            names = ", ".join(p.name for p in paths)
            conflicts.setdefault(
                table,
                f"{folder}: several files hold {table} by their headers ({names}); "
                f"name one with sources.{table}.path",
            )
    for table, why in content.ties.items():
        if table not in chosen and table not in conflicts:
            conflicts[table] = why
    ordered = tuple(roles[p.name] for p in entries if p.name in roles)
    return FolderScan(folder, ordered, chosen, conflicts, lacking)


@dataclass(frozen=True, slots=True)
class _Content:
    """Files no name picked, by the table their headers fit: ``found``
    (table → files) and ``ties`` (table → why a file fits it and another
    equally). ``taken``: tables a file by name or path already holds;
    ``clashing``: tables whose name several files fit (an error already)."""

    taken: set[str]
    clashing: set[str]
    found: dict[str, list[Path]] = field(default_factory=dict)
    ties: dict[str, str] = field(default_factory=dict)

    def role(
        self, path: Path, headers: tuple[str, ...] | str | None, sources: Mapping[str, SourceSpec]
    ) -> FileRole:
        """The role of a file no name picked: the table its headers fit, or why none."""
        if headers is None:
            return FileRole(path, None, "not read: not a data file")
        if isinstance(headers, str):
            return FileRole(path, None, f"not read: {headers}")
        found = recognise(headers, sources)
        if found.table is not None:
            return self._taken(path, found.table, found.fits[0])
        return self._not_taken(path, headers, found)

    def _taken(self, path: Path, table: str, fit: HeaderFit) -> FileRole:
        if table in self.taken:
            return FileRole(path, None, f"not used: fits {table}, read from another file")
        if table in self.clashing:
            return FileRole(path, None, f"not used: one of several files named like {table}")
        self.found.setdefault(table, []).append(path)
        return FileRole(path, table, f"{table}, by its headers ({fit.describe()})")

    def _not_taken(self, path: Path, headers: tuple[str, ...], found: Recognition) -> FileRole:
        if found.fits and all(f.complete for f in found.fits):  # a tie
            tables = " and ".join(f"{f.table} ({f.describe()})" for f in found.fits)
            paths = " or ".join(f"sources.{f.table}.path" for f in found.fits)
            why = f"its headers fit {tables} equally well; name it with {paths}"
            for fit in found.fits:
                self.ties.setdefault(fit.table, f"{path}: {why}")
            return FileRole(path, None, f"not used: {why}")
        closest = ""
        if found.fits and found.fits[0].matched > 1:  # an id alone is no evidence
            fit = found.fits[0]
            closest = f"; closest: {fit.table}, which also needs {_columns(fit)}"
        return FileRole(path, None, f"not recognised: {_headers_text(headers)}{closest}")


def _named_in_config(folder: Path, sources: Mapping[str, SourceSpec]) -> list[tuple[Path, str]]:
    """The files of ``folder`` the config names (a path, a query's files), with what for."""
    used: dict[Path, str] = {}
    for table, source in sources.items():
        for file in source.files.values():
            used.setdefault(folder / file, f"read by the query of sources.{table}")
        if source.path is not None:
            used[folder / source.path] = f"{table}, named in sources.{table}.path"
    return [(p, note) for p, note in used.items() if p.parent == folder]


def _by_name(
    folder: Path, sources: Mapping[str, SourceSpec], used: set[str]
) -> tuple[dict[str, Path], dict[str, str]]:
    """Each table's file by its name, for tables the config gives no path;
    a name that fits several files is a conflict of that table."""
    named: dict[str, Path] = {}
    conflicts: dict[str, str] = {}
    for table in TABLE_NAMES:
        source = sources.get(table) or SourceSpec(table)
        if source.path is not None:
            continue
        try:
            path = find_source_file(folder, table, source.preset)
        except DataError as exc:
            conflicts[table] = exc.message
            continue
        if path is not None and path.name not in used:
            named[table] = path
    return named, conflicts


def _named_role(
    path: Path,
    table: str,
    headers: tuple[str, ...] | str | None,
    sources: Mapping[str, SourceSpec],
    lacking: dict[str, str],
) -> FileRole:
    """A file picked by its name, checked by its headers: one that lacks the
    table's required columns is said (and the table marked ``lacking``)."""
    source = sources.get(table) or SourceSpec(table)
    if not isinstance(headers, tuple) or source.query is not None:
        return FileRole(path, table, f"{table}, by its name")  # its load says what is wrong
    fit = header_fit(headers, TABLES[table], source)
    if fit.complete:
        return FileRole(path, table, f"{table}, by its name ({fit.describe()})")
    why = f"{path.name} is named like a {table} export but has no {_columns(fit)}"
    lacking[table] = why
    return FileRole(path, None, f"not used: {why} ({_headers_text(headers)})")


def _columns(fit: HeaderFit) -> str:
    plural = "s" if len(fit.missing) > 1 else ""
    return f"{', '.join(fit.missing)} column{plural}"


def _headers(path: Path) -> tuple[str, ...] | str:
    """The file's headers (its first line or row; nothing more is read), or
    why it cannot be read."""
    try:
        return open_table(path, counted=False).headers
    except DataError as exc:
        return exc.message.splitlines()[0]


def _headers_text(headers: tuple[str, ...]) -> str:
    """``headers "a", "b", … (12 in all)``."""
    if not headers:
        return "no header row"
    shown = ", ".join(f'"{shorten(h, 40)}"' for h in headers[:HEADERS_SHOWN])
    more = f", … ({len(headers)} in all)" if len(headers) > HEADERS_SHOWN else ""
    return f"headers {shown}{more}"


def recognised(path: Path, sources: Mapping[str, SourceSpec] | None = None) -> Recognition:
    """What one file's headers fit (``recognise``), for a file read alone."""
    found = _headers(path)
    if isinstance(found, str):
        return Recognition(None)
    return recognise(found, sources or {})
