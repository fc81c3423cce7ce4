"""The self-contained HTML report: one file, no external asset, no script.

Layout lives in ``crmkpi/templates/report.html.j2`` (and the SVG macros in
``_charts.html.j2``); this module only hands it the view model and the
helpers it may call, so a user's template gets exactly the same tools.

In a right-to-left language (``report.locale: fa``) the page is
``dir="rtl"`` and the chart helpers mirror their geometry (``charts_rtl``):
time runs from right to left and bars grow from the right, as the reader's
eye moves.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from crmkpi.engine import Report
from crmkpi.render.charts import bars, heatmap, sparkline
from crmkpi.render.charts_rtl import bars_rtl, heatmap_rtl, sparkline_rtl
from crmkpi.render.check import rules_text
from crmkpi.render.format import display
from crmkpi.render.i18n import Messages, messages
from crmkpi.render.templating import render_template
from crmkpi.render.view import arrow, report_view


def _functions(tr: Messages) -> dict[str, Any]:
    """The template's helpers in the report's language: ``count(3984)`` is
    ``3,984`` or ``۳٬۹۸۴``, ``digits(n)`` writes any number, ``_`` translates;
    ``rtl`` says which way the page runs (for the macros, which see no context)."""

    def count(n: int) -> str:
        return display(n, "count", tr=tr)

    charts: dict[str, Callable[..., Any]] = (
        {"sparkline": sparkline_rtl, "bars": bars_rtl, "heatmap": heatmap_rtl}
        if tr.rtl
        else {"sparkline": sparkline, "bars": bars, "heatmap": heatmap}
    )
    return {**charts, "count": count, "digits": tr.number, "arrow": arrow, "_": tr, "rtl": tr.rtl}


def render_html(report: Report, *, template: Path | None = None, top: int = 10) -> str:
    """The report as one HTML document (``template`` replaces the shipped one);
    ``top``: the groups a breakdown table shows before ``(other)``."""
    tr = messages(report.locale)
    context = {
        "report": report_view(report, top=top),
        "rules": {r.spec.id: rules_text(r.spec, tr) for r in report.kpis},
    }
    functions = _functions(tr)
    return render_template("html", context, user_template=template, functions=functions)
