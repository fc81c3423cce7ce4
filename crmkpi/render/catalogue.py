"""The KPI registry as a table, JSON or Markdown: ``crmkpi kpis`` and docs/kpis.md."""

from __future__ import annotations

import io
import json

from rich import box
from rich.console import Console
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


def render_catalogue(fmt: str, *, color: bool = False, width: int = 160) -> str:
    rows = catalogue_rows()
    if fmt == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    if fmt == "md":
        return render_markdown()
    table = Table(box=box.SIMPLE_HEAVY, header_style="bold")
    for name in rows[0]:
        table.add_column(name, overflow="fold", no_wrap=name != "definition")
    for row in rows:
        table.add_row(*row.values())
    buffer = io.StringIO()
    Console(
        file=buffer,
        width=width,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
    ).print(table)
    return buffer.getvalue()
