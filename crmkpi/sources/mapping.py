"""A file's headers to a canonical table: the preset, detected or named, plus
the config's overrides (EXPORTS.md "What a preset must do").

Headers match when they normalise to the same key (``normalise_header``:
case, spaces, punctuation, Arabic/Persian letter forms and invisible marks
ignored). With no preset named, every preset that has the table is fitted to
the headers and the one that finds the most of its columns wins; the run says
which (``deals: hubspot (matched 9 of 11 columns)``). A tie, or no preset
that finds the required columns, is an error that names the missing
canonical columns and the closest headers seen: crmkpi never guesses.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

import polars as pl

from crmkpi.canonical import Table, normalise_header
from crmkpi.config import SourceSpec
from crmkpi.errors import DataError, Problem, shorten
from crmkpi.presets import GENERIC, ColumnSource, TableMapping, load_preset, preset_names
from crmkpi.sources.cells import map_values

MIN_EVIDENCE = 3  # headers of a preset found before its missing columns are the ones shown
_TRUE = ("true", "yes", "1", "y", "t")
_FALSE = ("false", "no", "0", "n", "f")


@dataclass(frozen=True, slots=True)
class Mapping:
    """How one file maps onto its canonical table.

    ``columns`` holds the canonical columns the file can fill, each with its
    headers narrowed to those the file has (as the file spells them).
    ``matched`` of ``listed`` counts the preset's header-based columns found.
    """

    preset: str
    columns: dict[str, ColumnSource]
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    date_format: tuple[str, ...] = ()
    decimal: str = "."
    timezone: str | None = None
    calendar: str = "gregorian"
    detected: bool = False
    matched: int = 0
    listed: int = 0
    keep: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def header(self, column: str) -> str:
        """The header a column's problems are reported under."""
        source = self.columns.get(column)
        if source is None or not source.inputs:
            return column
        return source.inputs[0]

    def describe(self) -> str:
        """``hubspot (detected: matched 9 of 11 columns)``."""
        how = "detected: " if self.detected else ""
        return f"{self.preset} ({how}matched {self.matched} of {self.listed} columns)"


@dataclass(frozen=True, slots=True)
class _Fit:
    """A preset fitted to a file: ``sources`` as the preset and config list
    them, ``columns`` the ones the file can fill (headers narrowed)."""

    name: str
    sources: dict[str, ColumnSource]
    columns: dict[str, ColumnSource]
    missing: tuple[str, ...]
    matched: int
    listed: int


def resolve_mapping(
    headers: tuple[str, ...], table: Table, source: SourceSpec, file: str
) -> Mapping:
    """The mapping for a file: its named preset, else the best-fitting one."""
    spelled = _spellings(headers)
    by_key = {key: found[0] for key, found in spelled.items()}
    exact = {h for s in source.columns.values() for h in s.inputs if h in headers}
    names = (source.preset,) if source.preset else _candidates(table.name)
    fits = [_fit(name, _merged(name, table, source), by_key, table, exact) for name in names]
    chosen = _choose(fits, file, table, headers, named=source.preset is not None)
    _one_header_each(chosen, spelled, exact, file, table.name)
    preset = load_preset(chosen.name).tables.get(table.name) or TableMapping({})
    values = {
        c: {**preset.values.get(c, {}), **source.values.get(c, {})}
        for c in {*preset.values, *source.values}
    }
    return Mapping(
        preset=chosen.name,
        columns=chosen.columns,
        values=values,
        date_format=source.date_format or preset.date_format,
        decimal=source.decimal or preset.decimal or ".",
        timezone=source.timezone or preset.timezone,
        calendar=source.calendar or preset.calendar or "gregorian",
        detected=source.preset is None,
        matched=chosen.matched,
        listed=chosen.listed,
        keep={
            by_key[key]: values
            for header, values in (source.keep or preset.keep).items()
            if (key := normalise_header(header)) in by_key
        },
    )


@dataclass(frozen=True, slots=True)
class HeaderFit:
    """How well a file's headers fit one canonical table: through the best
    preset (a complete one first, then the most columns), the columns it
    finds and the required ones it lacks. Nothing is read but the headers."""

    table: str
    preset: str
    matched: int
    listed: int
    found: tuple[str, ...]
    missing: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return not self.missing

    def describe(self) -> str:
        """``hubspot 9 of 11 columns``."""
        return f"{self.preset} {self.matched} of {self.listed} columns"


def header_fit(headers: tuple[str, ...], table: Table, source: SourceSpec) -> HeaderFit:
    """The best fit of ``headers`` to ``table``, as ``resolve_mapping`` would
    judge it, but never an error: discovery compares tables with it."""
    by_key: dict[str, str] = {}
    for header in headers:
        by_key.setdefault(normalise_header(header), header)
    names = (source.preset,) if source.preset else _candidates(table.name)
    fits = [_fit(name, _merged(name, table, source), by_key, table) for name in names]
    pool = [f for f in fits if not f.missing] or fits
    best = max(pool, key=lambda f: (f.matched, f.name == GENERIC))
    return HeaderFit(
        table.name, best.name, best.matched, best.listed, tuple(best.columns), best.missing
    )


def _candidates(table: str) -> tuple[str, ...]:
    return tuple(n for n in preset_names() if table in load_preset(n).tables)


def _merged(name: str, table: Table, source: SourceSpec) -> dict[str, ColumnSource]:
    preset = load_preset(name).tables.get(table.name)
    return {**(preset.columns if preset else {}), **source.columns}


_DUPLICATED = re.compile(r"_duplicated_\d+$")  # polars' name for a header seen again


def _spellings(headers: tuple[str, ...]) -> dict[str, list[str]]:
    """The file's headers by normalised key, in file order: two under one key
    (``Created At`` and ``created_at``, or one header written twice) are two
    columns one header of a preset would match."""
    spelled: dict[str, list[str]] = {}
    for header in headers:
        spelled.setdefault(normalise_header(_DUPLICATED.sub("", header)), []).append(header)
    return spelled


def _one_header_each(
    fit: _Fit, spelled: dict[str, list[str]], exact: set[str], file: str, table: str
) -> None:
    """A DataError when a column the file fills is matched by two of its
    headers: reading the first silently could be reading the wrong one. A
    header the config names exactly is not ambiguous, and a preset's list of
    alternative headers (``[Amount, Amount in company currency]``) is a
    choice, not a duplicate."""
    for column, source in fit.columns.items():
        for header in source.inputs:
            if header in exact:
                continue
            found = spelled.get(normalise_header(_DUPLICATED.sub("", header)), [])
            if len(found) < 2:
                continue
            names = list(dict.fromkeys(_DUPLICATED.sub("", h) for h in found))
            if len(names) == 1:
                raise DataError(
                    f'{file}: the header "{names[0]}" is there twice, and both columns would '
                    f"fill column {column}; keep one of them"
                )
            shown = " and ".join(f'"{h}"' for h in names)
            raise DataError(
                f"{file}: the headers {shown} both fill column {column}; keep one of them, "
                f"or name the one to read in the config: "
                f'sources.{table}.columns: {{{column}: "{names[0]}"}}'
            )


def _fit(
    name: str,
    columns: dict[str, ColumnSource],
    by_key: dict[str, str],
    table: Table,
    exact: set[str] = frozenset(),  # type: ignore[assignment]
) -> _Fit:
    """How preset ``name`` (merged with the config's ``columns``) fits the
    headers: a header the config names that the file has exactly is read as
    it is; any other is matched by its normalised key."""
    found: dict[str, ColumnSource] = {}
    matched = listed = 0
    for column, source in columns.items():
        present = tuple(
            h if h in exact else by_key[k]
            for h in source.inputs
            if h in exact or (k := normalise_header(h)) in by_key
        )
        if source.value is not None:
            found[column] = source
            continue
        listed += 1
        complete = len(present) == 2 if source.flags else bool(present)
        if complete:
            matched += 1
            narrowed = present if source.flags is None else ()
            flags = (present[0], present[1]) if source.flags else None
            found[column] = ColumnSource(narrowed, flags=flags, minutes_after=source.minutes_after)
    for column, source in list(found.items()):  # minutes need the column they are added to
        if source.minutes_after is not None and source.minutes_after not in found:
            del found[column]
    missing = tuple(c.name for c in table.columns if c.required and c.name not in found)
    return _Fit(name, columns, found, missing, matched, listed)


def _choose(
    fits: list[_Fit], file: str, table: Table, headers: tuple[str, ...], named: bool
) -> _Fit:
    complete = [f for f in fits if not f.missing]
    if not complete:
        best = _closest_fit(fits)
        what = f"preset {best.name}" if named else "no preset"
        tried = "" if named else " (tried " + ", ".join(_score(f) for f in fits) + ")"
        raise DataError(
            f"{file}: {what} finds the required {table.name} columns{tried}",
            tuple(_missing(file, c, best, headers, table.name) for c in best.missing),
            notes=(f"the headers of {file}: {headers_text(headers)}",),
        )
    top = max(f.matched for f in complete)
    leaders = [f for f in complete if f.matched == top]
    generic = [f for f in leaders if f.name == GENERIC]
    if len(leaders) > 1 and not generic:
        names = " and ".join(_score(f) for f in leaders)
        raise DataError(
            f"{file}: the headers fit {names} equally well; "
            f"name one with sources.{table.name}.preset"
        )
    return generic[0] if generic else leaders[0]


def _closest_fit(fits: list[_Fit]) -> _Fit:
    """The fit whose missing columns the error lists: the best preset when it
    found a few columns (it is probably that CRM's file), else the canonical
    names (a hand-made file)."""
    best = max(fits, key=lambda f: f.matched)
    generic = [f for f in fits if f.name == GENERIC]
    if generic and best.matched < MIN_EVIDENCE:
        return generic[0]
    return best


def _score(fit: _Fit) -> str:
    return f"{fit.name} {fit.matched} of {fit.listed}"


def _missing(file: str, column: str, fit: _Fit, headers: tuple[str, ...], table: str) -> Problem:
    """A required column the file lacks: the headers looked for, the closest
    unused header, and the config line that maps it."""
    source = fit.sources.get(column)
    wanted = source.inputs if source is not None and source.inputs else (column,)
    used = {h for s in fit.columns.values() for h in s.inputs}  # closed_at is no created_at
    hint = closest_header(wanted, tuple(h for h in headers if h not in used))
    looked = " or ".join(f'"{w}"' for w in wanted)
    found = f'; the closest header is "{hint}"' if hint else ""
    fix = f'sources.{table}.columns: {{{column}: "{hint or "<your header>"}"}}'
    return Problem(
        file,
        1,
        column,
        None,
        f"required column {column} not found: no header {looked}{found}",
        f"one of the headers, or map yours in the config with {fix}",
    )


def headers_text(headers: tuple[str, ...]) -> str:
    """Every header of a file, quoted (each cut short), as a missing column's
    error lists them: the one the user means may be the 40th."""
    return ", ".join(f'"{shorten(h, 60)}"' for h in headers) or "none (the file has no header row)"


def closest_header(wanted: tuple[str, ...], headers: tuple[str, ...]) -> str | None:
    """The header most like any of ``wanted`` (as written, then normalised)."""
    keys = {normalise_header(h): h for h in reversed(headers)}
    for candidate in wanted:
        close = difflib.get_close_matches(candidate, list(headers), n=1, cutoff=0.5)
        if close:
            return close[0]
        close = difflib.get_close_matches(normalise_header(candidate), list(keys), n=1, cutoff=0.5)
        if close:
            return keys[close[0]]
    return None


def kept_rows(keep: dict[str, tuple[str, ...]]) -> pl.Expr:
    """True for the rows that belong to the table (``keep``), compared as value
    maps are. Like ``text_column``, it reads cells already cleaned (``clean_cells``)."""
    if not keep:
        return pl.lit(True)
    return pl.all_horizontal(
        map_values(pl.col(header), dict.fromkeys(values, "1")).eq("1").fill_null(False)
        for header, values in keep.items()
    )


def text_column(source: ColumnSource) -> pl.Expr:
    """A canonical column's text (null = missing) from its source's cells,
    which ``clean_cells`` has cleaned once for the whole row."""
    if source.value is not None:
        return pl.lit(source.value, pl.String)
    if source.flags is not None:
        return _status_from_flags(*source.flags)
    return pl.coalesce([pl.col(h) for h in source.headers])


def _status_from_flags(closed_header: str, won_header: str) -> pl.Expr:
    """open / won / lost from Salesforce-style flags (EXPORTS.md: prefer the
    flags to renamable stage names). Flags that are not Booleans give a text
    the status vocabulary check reports with both cells."""
    closed, won = _flag(closed_header), _flag(won_header)
    shown = pl.concat_str(
        pl.lit(f"{closed_header}="),
        pl.col(closed_header).fill_null("(empty)"),
        pl.lit(f", {won_header}="),
        pl.col(won_header).fill_null("(empty)"),
    )
    either = pl.col(closed_header).is_not_null() | pl.col(won_header).is_not_null()
    return (
        pl.when(closed.not_())
        .then(pl.lit("open"))
        .when(closed & won)
        .then(pl.lit("won"))
        .when(closed & won.not_())
        .then(pl.lit("lost"))
        .when(either)
        .then(shown)
    )


def _flag(header: str) -> pl.Expr:
    text = pl.col(header).str.to_lowercase()
    return pl.when(text.is_in(_TRUE)).then(True).when(text.is_in(_FALSE)).then(False)
