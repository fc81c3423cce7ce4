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
from typing import Any, ParamSpec, TypeVar

from crmkpi.engine import Report
from crmkpi.render.charts import bars, sparkline
from crmkpi.render.charts_rtl import mirror_bars, mirror_heatmap, mirror_sparkline
from crmkpi.render.check import rules_text
from crmkpi.render.heatmap import heatmap
from crmkpi.render.i18n import Messages, messages
from crmkpi.render.templating import render_template
from crmkpi.render.view import arrow, report_view

P = ParamSpec("P")
C = TypeVar("C")


def _functions(tr: Messages) -> dict[str, Callable[..., Any]]:
    """The chart helpers, mirrored on a right-to-left page, and ``arrow``
    (``templating`` adds the language's ``_``, ``count``, ``digits``, ``rtl``)."""
    charts: dict[str, Callable[..., Any]] = (
        {
            "sparkline": _mirrored(sparkline, mirror_sparkline),
            "bars": _mirrored(bars, mirror_bars),
            "heatmap": _mirrored(heatmap, mirror_heatmap),
        }
        if tr.rtl
        else {"sparkline": sparkline, "bars": bars, "heatmap": heatmap}
    )
    return {**charts, "arrow": arrow}


def _mirrored(draw: Callable[P, C], mirror: Callable[[C], C]) -> Callable[P, C]:
    """``draw`` with the same arguments, its chart then mirrored (``charts_rtl``)."""

    def drawn(*args: P.args, **kwargs: P.kwargs) -> C:
        return mirror(draw(*args, **kwargs))

    return drawn


def render_html(report: Report, *, template: Path | None = None, top: int = 10) -> str:
    """The report as one HTML document (``template`` replaces the shipped one);
    ``top``: the groups a breakdown table shows before ``(other)``."""
    tr = messages(report.locale)
    context = {
        "report": report_view(report, top=top),
        "rules": {r.spec.id: rules_text(r.spec, tr) for r in report.kpis},
    }
    return render_template("html", context, user_template=template, functions=_functions(tr), tr=tr)
