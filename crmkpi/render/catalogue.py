"""The KPI registry as a table, JSON or Markdown: ``crmkpi kpis`` and docs/kpis.md."""

from __future__ import annotations

import io
import json

from rich import box
from rich.console import Console
from rich.table import Table

from crmkpi.kpis import REGISTRY


def catalogue_rows() -> list[dict[str, str]]:
    return [
        {
            "id": k.id,
            "label": k.label,
            "unit": k.unit,
            "better": k.better or "—",
            "tables": ", ".join(k.tables),
            "definition": k.definition,
        }
        for k in REGISTRY.values()
    ]


def render_catalogue(fmt: str, *, color: bool = False, width: int = 160) -> str:
    rows = catalogue_rows()
    if fmt == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
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
