"""``crmkpi validate``: load and check every table in the data folder, compute nothing."""

from __future__ import annotations

from crmkpi.canonical import TABLE_NAMES
from crmkpi.config import Config
from crmkpi.inputs import load_inputs


def validate_inputs(cfg: Config, *, lenient: bool) -> str:
    """A summary per table (file, rows, columns, skipped rows); raises DataError
    (exit 3) on the first table with problems unless ``lenient``."""
    inputs = load_inputs(cfg, TABLE_NAMES, lenient)
    lines: list[str] = []
    for name, table in inputs.loaded.items():
        lines.append(
            f"{name}: {table.path.name} ({table.preset}), {table.rows:,} rows, columns: {', '.join(table.columns)}"
        )
        if table.skipped:
            reasons = "; ".join(f"{reason}: {n}" for reason, n in table.skipped_by_reason.items())
            plural = "s" if table.skipped != 1 else ""
            lines.append(f"  skipped {table.skipped:,} row{plural} ({reasons})")
            lines.extend(f"    {problem}" for problem in table.problems[:5])
        lines.extend(f"  warning: {w}" for w in table.warnings)
    lines.extend(reason for reason in inputs.absent.values())
    ok = all(t.skipped == 0 for t in inputs.loaded.values())
    lines.append("all inputs valid" if ok else "inputs valid after skipping bad rows (--lenient)")
    return "\n".join(lines) + "\n"
