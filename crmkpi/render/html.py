"""The self-contained HTML report: one file, no external asset, no script.

Layout lives in ``crmkpi/templates/report.html.j2`` (and the SVG macros in
``_charts.html.j2``); this module only hands it the view model and the
helpers it may call, so a user's template gets exactly the same tools.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from crmkpi.engine import Report
from crmkpi.render.charts import bars, heatmap, sparkline
from crmkpi.render.check import rules_text
from crmkpi.render.format import display
from crmkpi.render.templating import render_template
from crmkpi.render.view import arrow, report_view


def _count(n: int) -> str:
    """Row counts as people read them: ``3,984``."""
    return display(n, "count")


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "sparkline": sparkline,
    "bars": bars,
    "heatmap": heatmap,
    "count": _count,
    "arrow": arrow,
}


def render_html(report: Report, *, template: Path | None = None, top: int = 10) -> str:
    """The report as one HTML document (``template`` replaces the shipped one);
    ``top``: the groups a breakdown table shows before ``(other)``."""
    context = {
        "report": report_view(report, top=top),
        "rules": {r.spec.id: rules_text(r.spec) for r in report.kpis},
    }
    return render_template("html", context, user_template=template, functions=FUNCTIONS)
