"""GitHub-flavoured Markdown: a KPI table for ``$GITHUB_STEP_SUMMARY`` and PR
comments, then notes on unavailable values, inputs and warnings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from crmkpi.engine import Report
from crmkpi.render.format import spark_text
from crmkpi.render.templating import render_template
from crmkpi.render.view import KpiView, arrow, report_view, unavailable_notes


def _spark(kpi: KpiView) -> str:
    return spark_text([p.value for p in kpi.trend])


def render_markdown(report: Report, *, template: Path | None = None, top: int = 10) -> str:
    """``top``: the groups a breakdown table shows before ``(other)``."""
    view = report_view(report, top=top)
    context = {"report": view, "notes": unavailable_notes(view)}
    functions: dict[str, Callable[..., str]] = {"spark": _spark, "arrow": arrow}
    return render_template("md", context, user_template=template, functions=functions)
