"""Which file in a data folder holds a table.

``deals.csv`` (any supported extension) first; else the file-name patterns
of the named preset, or of every preset (``hubspot-crm-exports-all-deals-
2026-11-20.csv``, Salesforce's ``Opportunity.csv``). Patterns are tried in the
preset's order, case-insensitively; the first pattern that matches one file
wins. Two files for one pattern is an error that lists them: crmkpi never
picks one silently. A file named after another canonical table
(``deal_stages.csv``) is that table's, whatever a pattern (``*deal*``) says.
"""

from __future__ import annotations

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
    return None


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
