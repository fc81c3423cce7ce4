"""The KPI registry as a table, JSON or Markdown: ``crmkpi kpis`` and docs/kpis.md."""

from __future__ import annotations

import io
import json

from rich import box
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table

from crmkpi.kpis import REGISTRY, Kpi


def _tables(k: Kpi) -> str:
    """``leads (+ deals if present)``: what a KPI reads."""
    optional = "".join(f" (+ {t} if present)" for t in k.optional_tables)
    return ", ".join(k.tables) + optional


def catalogue_rows() -> list[dict[str, str]]:
    return [
        {
            "id": k.id,
            "label": k.label,
            "unit": k.unit,
            "better": k.better or "—",
            "tables": _tables(k),
            "definition": k.described,
        }
        for k in REGISTRY.values()
    ]


_FAMILIES = {
    "customers": "Customers",
    "deals": "Revenue and deals",
    "value": "Customer value and cost",
    "leads": "Leads",
    "support": "Support",
}


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_markdown() -> str:
    """docs/kpis.md: one table per family, generated (``make docs``), never edited."""
    lines = [
        "# Built-in KPIs",
        "",
        "Generated from the registry by `crmkpi kpis -f md` (`make docs`); a test fails",
        "when this file is stale. `stat: median` is allowed on the KPIs marked *median*.",
        "",
        "KPIs marked *cohort* count what became of the things created in the period (a "
        "deal won, a lead converted), so their value still moves after the period ends: "
        "their definition says when a report calls them *maturing* and how they are "
        "compared at equal age, so that a young month is compared with last month when it "
        "was as young (the further the as-of day lies past the period, the less this cuts).",
    ]
    for family, title in _FAMILIES.items():
        lines += ["", f"## {title}", "", "| id | label | unit | better | tables | definition |"]
        lines.append("|---|---|---|---|---|---|")
        for k in (k for k in REGISTRY.values() if k.family == family):
            median = " *median*" if "median" in k.stats else ""
            cohort = " *cohort*" if k.cohort else ""
            cells = (
                f"`{k.id}`{median}{cohort}",
                k.label,
                k.unit,
                k.better or "—",
                _tables(k),
                k.described,
            )
            lines.append("| " + " | ".join(_md_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


# Columns left out, in this order, when the terminal is too narrow for the
# table with a readable definition (it wraps, the others do not).
DROP_ORDER = ("tables", "label", "better", "unit")
DEFINITION_WIDTH = 30  # the narrowest the wrapped definition column may get


def _table(rows: list[dict[str, str]], columns: list[str]) -> Table:
    table = Table(box=box.SIMPLE_HEAVY, header_style="bold")
    for name in columns:
        wraps = name == "definition"
        table.add_column(
            name,
            overflow="fold",
            no_wrap=not wraps,
            min_width=DEFINITION_WIDTH if wraps else None,
            ratio=1 if wraps else None,
        )
    for row in rows:
        table.add_row(*(row[c] for c in columns))
    return table


def _fit(rows: list[dict[str, str]], console: Console) -> tuple[Table, list[str]]:
    """The table with the most columns whose definition still gets
    ``DEFINITION_WIDTH`` characters, and the columns it left out."""
    columns, dropped = list(rows[0]), []
    # The widest a row may need with the definition at its narrowest.
    narrow = [r | {"definition": "x" * DEFINITION_WIDTH} for r in rows]
    unbounded = console.options.update_width(100_000)
    for name in DROP_ORDER:
        if Measurement.get(console, unbounded, _table(narrow, columns)).maximum <= console.width:
            break
        columns.remove(name)
        dropped.append(name)
    return _table(rows, columns), dropped


def render_catalogue(fmt: str, *, color: bool = False, width: int = 160) -> str:
    """``width``: the terminal's columns; the table fits them, leaving out
    ``DROP_ORDER`` columns (and saying so) rather than breaking ids."""
    rows = catalogue_rows()
    if fmt == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    if fmt == "md":
        return render_markdown()
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
    )
    table, dropped = _fit(rows, console)
    console.print(table)
    if dropped:
        console.print(
            f"(too narrow for {', '.join(dropped)}: widen the terminal or use -f md)",
            style="dim",
        )
    return buffer.getvalue()
