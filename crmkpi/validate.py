"""``crmkpi validate``: load and check every table in the data folder, compute nothing.

Per table it says which file was read, through which preset (and whether the
preset was detected), where each canonical column came from, how many rows
were read and skipped and why: everything a user needs to trust the mapping
before the numbers.
"""

from __future__ import annotations

from crmkpi.canonical import TABLE_NAMES, TABLES
from crmkpi.config import Config
from crmkpi.engine import needed_tables
from crmkpi.inputs import load_inputs
from crmkpi.leniency import share_of, share_text
from crmkpi.presets import load_preset, preset_names
from crmkpi.schema import LoadedTable
from crmkpi.sources.discovery import FileRole

PROBLEMS_SHOWN = 5


def validate_inputs(cfg: Config, *, lenient: bool) -> str:
    """A summary per table (file, preset, mapping, rows, skipped rows), then
    every file of the data folder with what it was taken for, or why not;
    raises DataError (exit 3) on the first table with problems unless
    ``lenient``. A file named like a table that lacks its required columns
    is an error only when one of the config's KPIs needs that table."""
    needed = needed_tables(cfg.kpis, optional=False)
    inputs = load_inputs(cfg, TABLE_NAMES, lenient, needed=needed)
    lines: list[str] = []
    for table in inputs.loaded.values():
        lines.extend(table_lines(table))
    lines.extend(reason for reason in inputs.absent.values())
    lines.extend(files_lines(inputs.files, cfg))
    ok = all(t.skipped == 0 for t in inputs.loaded.values())
    lines.append("all inputs valid" if ok else "inputs valid after skipping bad rows (--lenient)")
    return "\n".join(lines) + "\n"


def files_lines(files: tuple[FileRole, ...], cfg: Config) -> list[str]:
    """``files in <folder>:`` and a line per file: nothing is ignored silently."""
    if not files:
        return []
    width = max(len(r.path.name) for r in files)
    return [f"files in {cfg.data}:", *(f"  {r.line(width)}" for r in files)]


def table_lines(table: LoadedTable) -> list[str]:
    """The block ``validate`` prints for one table."""
    mapping = table.mapping
    kept = table.rows - table.skipped
    lines = [
        f"{table.name}: {table.path.name}",
        f"  preset: {mapping.describe()}",
        f"  rows: {table.rows:,} read, {kept:,} kept",
        "  columns:",
    ]
    width = max((len(c) for c in mapping.columns), default=0)
    for column, source in mapping.columns.items():
        values = mapping.values.get(column)
        mapped = f" (values: {_values(values)})" if values else ""
        lines.append(f"    {column:<{width}}  <- {source.describe()}{mapped}")
    if table.left_out:
        rule = "; ".join(f"{h} is {' or '.join(v)}" for h, v in mapping.keep.items())
        rows = "row" if table.left_out == 1 else "rows"
        lines.append(f"  left out {table.left_out:,} {rows} not in {table.name} (kept: {rule})")
    unmatched = _unmatched(table)
    if unmatched:
        lines.append(f"  not in the file: {', '.join(unmatched)}")
    if table.skipped:
        reasons = "; ".join(f"{reason}: {n}" for reason, n in table.skipped_by_reason.items())
        plural = "s" if table.skipped != 1 else ""
        share = share_text(share_of(table.skipped, table.rows))
        lines.append(f"  skipped {table.skipped:,} row{plural}, {share} ({reasons})")
        lines.extend(f"    {group}" for group in table.groups[:PROBLEMS_SHOWN])
    lines.extend(f"  warning: {w}" for w in table.warnings)
    return lines


def _values(values: dict[str, str]) -> str:
    return ", ".join(f"{k} -> {v or '(missing)'}" for k, v in values.items())


def _unmatched(table: LoadedTable) -> list[str]:
    """Canonical columns the preset knows for this table that the file lacks."""
    name = table.mapping.preset
    listed = load_preset(name).tables.get(table.name) if name in preset_names() else None
    known = listed.columns if listed else {}
    order = TABLES[table.name].column_names
    return [c for c in order if c in known and c not in table.mapping.columns]
