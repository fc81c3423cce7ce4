"""CRM presets: how a vendor's export maps onto the canonical tables, as data.

A preset is a YAML file in this folder (``hubspot.yaml`` …), not code per CRM:
per canonical table it lists file-name patterns, where each canonical column
comes from (``ColumnSource``), value maps (stage → status, CSAT words →
scores) and how dates and numbers are written. The same column forms are
what a config's ``sources.<table>.columns`` accepts, so a user can write any
mapping a preset can, and the preset is only the starting point: the
config's ``columns``, ``values``, ``date_format`` … win over it.

``generic`` is not a file: it is the canonical names themselves (SCHEMA.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from crmkpi.canonical import TABLES, Column, ColumnType, Table
from crmkpi.configkeys import children
from crmkpi.errors import ConfigError, suggest
from crmkpi.yamlfile import KeyPath, YamlDoc, expect, known_keys, read_yaml

GENERIC = "generic"
PRESET_DIR = Path(__file__).parent
OTHER_VALUES = "*"
"""A value-map key for "any other value" (HubSpot: every stage that is not
Closed Won or Closed Lost is open). Without it, an unmapped value is an error."""

COLUMN_FORMS = (
    "a header, a list of headers (the first non-empty cell of those the file has), "
    "{value: TEXT}, {flags: {closed: HEADER, won: HEADER}} or {minutes: HEADER, after: COLUMN}"
)
_COLUMN = "sources.<table>.columns.<column>"  # the column forms' keys (configkeys)
TABLE_KEYS = (
    "files", "columns", "values", "date_format", "decimal", "timezone", "calendar", "keep",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ColumnSource:
    """Where one canonical column's text comes from in a file.

    ``headers``: the first non-empty cell among these headers, of those the
    file has (aliases across languages and export versions, and Pipedrive's
    ``Won time`` / ``Lost time`` / ``Deal closed on``). ``value``: the same
    text on every row (CDNOW orders are all won). ``flags``: a status from two
    Boolean columns, (closed, won) — Salesforce ``IsClosed``/``IsWon``.
    ``minutes_after``: the headers hold calendar minutes added to this
    canonical column (Zendesk ``First reply time in minutes``).
    """

    headers: tuple[str, ...] = ()
    value: str | None = None
    flags: tuple[str, str] | None = None
    minutes_after: str | None = None

    @property
    def inputs(self) -> tuple[str, ...]:
        """Every header this column reads."""
        return self.headers + (self.flags or ())

    def describe(self) -> str:
        """How ``validate`` and ``init`` show the source of a column."""
        if self.value is not None:
            return f'always "{self.value}"'
        if self.flags is not None:
            return f'from flags "{self.flags[0]}" (closed) and "{self.flags[1]}" (won)'
        shown = " or ".join(f'"{h}"' for h in self.headers)
        if self.minutes_after is not None:
            return f"{self.minutes_after} + minutes in {shown}"
        return shown


@dataclass(frozen=True, slots=True)
class TableMapping:
    """One canonical table in a preset."""

    columns: dict[str, ColumnSource]
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    files: tuple[str, ...] = ()
    date_format: tuple[str, ...] = ()
    decimal: str | None = None
    timezone: str | None = None
    calendar: str | None = None
    keep: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Rows that belong to the table: header -> the values it may hold (a
    HubSpot companies export lists prospects; only lifecycle stage Customer
    or Evangelist is a customer). Other rows are left out, and counted."""


@dataclass(frozen=True, slots=True)
class Preset:
    name: str
    label: str
    about: str
    tables: dict[str, TableMapping]


def generic_mapping(table: Table) -> TableMapping:
    """The canonical names as headers: the ``generic`` preset."""
    return TableMapping({c.name: ColumnSource((c.name,)) for c in table.columns})


def preset_names() -> tuple[str, ...]:
    """``generic`` first, then the shipped presets by name."""
    return (GENERIC, *sorted(p.stem for p in PRESET_DIR.glob("*.yaml")))


@cache
def load_preset(name: str) -> Preset:
    """A shipped preset by name (``generic`` included); unknown names are a ConfigError."""
    if name == GENERIC:
        tables = {t: generic_mapping(table) for t, table in TABLES.items()}
        return Preset(GENERIC, "Generic", "canonical column names (docs/schema.md)", tables)
    names = preset_names()
    if name not in names:
        raise ConfigError(
            f'unknown preset "{name}"{suggest(name, names)} (one of {", ".join(names)})'
        )
    return parse_preset(read_yaml(PRESET_DIR / f"{name}.yaml", ours=True), name)


def parse_preset(doc: YamlDoc, name: str) -> Preset:
    data = doc.data
    expect(doc, (), data, dict, "a mapping with label, about and tables")
    known_keys(doc, (), data, ("label", "about", "tables"))
    tables = data.get("tables") or {}
    expect(doc, ("tables",), tables, dict, "a mapping of canonical table to its mapping")
    parsed = {}
    for table, spec in tables.items():
        if table not in TABLES:
            raise ConfigError(
                f'{doc.where(("tables", table))}: unknown table "{table}"{suggest(table, TABLES)}'
            )
        parsed[table] = parse_table_mapping(doc, ("tables", table), table, spec)
    return Preset(name, str(data.get("label", name)), str(data.get("about", "")), parsed)


def parse_table_mapping(doc: YamlDoc, path: KeyPath, table: str, spec: Any) -> TableMapping:
    expect(doc, path, spec, dict, "a mapping of files, columns, values …")
    known_keys(doc, path, spec, TABLE_KEYS)
    return TableMapping(
        columns=parse_columns(doc, (*path, "columns"), table, spec.get("columns")),
        values=parse_values(doc, (*path, "values"), table, spec.get("values")),
        files=text_list(doc, (*path, "files"), spec.get("files")),
        date_format=text_list(doc, (*path, "date_format"), spec.get("date_format")),
        decimal=parse_decimal(doc, (*path, "decimal"), spec.get("decimal")),
        timezone=None if spec.get("timezone") is None else str(spec["timezone"]),
        calendar=None if spec.get("calendar") is None else str(spec["calendar"]),
        keep=parse_keep(doc, (*path, "keep"), spec.get("keep")),
    )


def parse_keep(doc: YamlDoc, path: KeyPath, value: Any) -> dict[str, tuple[str, ...]]:
    """``keep:`` — header -> the values of rows that belong to the table."""
    if value is None:
        return {}
    expect(doc, path, value, dict, "a mapping of header to the values to keep")
    keep = {}
    for header, values in value.items():
        kept = text_list(doc, (*path, header), values)
        if not kept:
            raise ConfigError(f"{doc.where((*path, header))}: an empty list keeps no row")
        keep[str(header)] = kept
    return keep


def parse_columns(doc: YamlDoc, path: KeyPath, table: str, value: Any) -> dict[str, ColumnSource]:
    """``columns:`` — canonical column → ColumnSource (any of COLUMN_FORMS)."""
    if value is None:
        return {}
    expect(doc, path, value, dict, "a mapping of canonical column to header")
    columns = {}
    for column, spec in value.items():
        canonical_column(doc, (*path, column), table, column)
        columns[str(column)] = parse_column_source(doc, (*path, column), table, spec)
    return columns


def parse_column_source(doc: YamlDoc, path: KeyPath, table: str, spec: Any) -> ColumnSource:
    if isinstance(spec, str | int | float) and not isinstance(spec, bool):
        return ColumnSource((str(spec),))
    if isinstance(spec, list):
        headers = text_list(doc, path, spec)
        if not headers:
            raise ConfigError(f"{doc.where(path)}: an empty list of headers")
        return ColumnSource(headers)
    expect(doc, path, spec, dict, COLUMN_FORMS)
    known_keys(doc, path, spec, children(_COLUMN))
    if "value" in spec:
        return ColumnSource(value=str(spec["value"]))
    if "flags" in spec:
        flags = spec["flags"]
        expect(doc, (*path, "flags"), flags, dict, "{closed: HEADER, won: HEADER}")
        known_keys(doc, (*path, "flags"), flags, children(f"{_COLUMN}.flags"))
        if set(flags) != {"closed", "won"}:
            raise ConfigError(f"{doc.where((*path, 'flags'))}: flags needs both closed and won")
        return ColumnSource(flags=(str(flags["closed"]), str(flags["won"])))
    if "minutes" in spec and "after" in spec:
        canonical_column(doc, (*path, "after"), table, spec["after"])
        headers = text_list(doc, (*path, "minutes"), spec["minutes"])
        return ColumnSource(headers, minutes_after=str(spec["after"]))
    raise ConfigError(f"{doc.where(path)}: expected {COLUMN_FORMS}")


def parse_values(doc: YamlDoc, path: KeyPath, table: str, value: Any) -> dict[str, dict[str, str]]:
    """``values:`` — canonical column → {source value: canonical value}."""
    if value is None:
        return {}
    expect(doc, path, value, dict, "a mapping of column to {source value: canonical value}")
    maps = {}
    for column, mapping in value.items():
        canonical_column(doc, (*path, column), table, column)
        expect(doc, (*path, column), mapping, dict, "a mapping of source value to canonical value")
        maps[str(column)] = {str(k): "" if v is None else str(v) for k, v in mapping.items()}
        for key, target in maps[str(column)].items():
            _check_target(doc, (*path, column, key), TABLES[table].column(str(column)), target)
    return maps


def _check_target(doc: YamlDoc, path: KeyPath, column: Column, target: str) -> None:
    """A value map's target is a value of the column: a word of its
    vocabulary, a score in its range, or "" (missing). A target that is
    none would read every mapped cell as an unknown value."""
    if not target:
        return
    if column.vocabulary:
        word = re.sub(r"[\s\-]+", "_", target.lower())  # as cells.normalise_vocabulary
        if word not in column.vocabulary:
            raise ConfigError(
                f'{doc.where(path)}: "{target}" is not a value of {column.name} '
                f'(one of {", ".join(column.vocabulary)}, or "" for missing)'
            )
    elif column.type == ColumnType.SCORE:
        low, high = column.score_range or (0, 10)
        if not (target.isdigit() and low <= int(target) <= high):
            raise ConfigError(
                f'{doc.where(path)}: "{target}" is not a value of {column.name} '
                f'(a whole number from {low} to {high}, or "" for missing)'
            )


def text_list(doc: YamlDoc, path: KeyPath, value: Any) -> tuple[str, ...]:
    """One text or a list of texts."""
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    for index, item in enumerate(items):
        expect(doc, (*path, index) if isinstance(value, list) else path, item, (str, int), "text")
    return tuple(str(item) for item in items)


def canonical_column(doc: YamlDoc, path: KeyPath, table: str, column: Any) -> None:
    known = TABLES[table].column_names
    if column not in known:
        raise ConfigError(
            f'{doc.where(path)}: {table} has no column "{column}"{suggest(str(column), known)}'
        )


def parse_decimal(doc: YamlDoc, path: KeyPath, value: Any) -> str | None:
    if value is None:
        return None
    if str(value) not in (".", ","):
        raise ConfigError(f'{doc.where(path)}: decimal must be "." or ","')
    return str(value)
