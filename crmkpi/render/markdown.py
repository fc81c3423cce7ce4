"""GitHub-flavoured Markdown: a KPI table for ``$GITHUB_STEP_SUMMARY`` and PR
comments, then notes on unavailable values, inputs and warnings.

In a right-to-left language the body is wrapped in ``<div dir="rtl">``:
GitHub keeps the ``dir`` attribute, so tables run right to left and
Persian sentences read in order, while the Markdown inside stays Markdown
(blank lines around it). A plain-text reader sees one extra line at each end.
Table columns are mirrored too: labels at the start (right), numbers at the
end (left).
"""

from __future__ import annotations

from pathlib import Path

from crmkpi.engine import Report
from crmkpi.render.format import spark_text
from crmkpi.render.i18n import messages
from crmkpi.render.templating import render_template
from crmkpi.render.view import STATUS_EMOJI, KpiView, arrow, report_view, unavailable_notes


def _spark(kpi: KpiView) -> str:
    partial = bool(kpi.trend) and kpi.trend[-1].partial
    return spark_text([p.value for p in kpi.trend], partial=partial)


def render_markdown(report: Report, *, template: Path | None = None, top: int = 10) -> str:
    """``top``: the groups a breakdown table shows before ``(other)``."""
    tr = messages(report.locale)
    view = report_view(report, top=top)
    context = {"report": view, "notes": unavailable_notes(view, tr)}
    functions = {"spark": _spark, "arrow": arrow, "status_emoji": STATUS_EMOJI.get}
    return render_template("md", context, user_template=template, functions=functions, tr=tr)
