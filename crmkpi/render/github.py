"""``check --format github``: workflow annotations, plus a Markdown summary for
``$GITHUB_STEP_SUMMARY`` (the CLI appends it when the variable is set)."""

from __future__ import annotations

from crmkpi.engine import Report
from crmkpi.render.check import checked, rules_text, verdict_line
from crmkpi.render.format import display

_COMMAND = {"fail": "error", "error": "error", "warn": "warning"}
_EMOJI = {"pass": "✅", "warn": "⚠️", "fail": "❌", "error": "❗"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(report: Report) -> str:
    """``::error title=…::…`` for failed and unavailable KPIs, ``::warning`` for
    warnings, and a plain line for each passing KPI."""
    lines = []
    for r, v in checked(report):
        line = verdict_line(r, v, report.currency)
        command = _COMMAND.get(v.status or "")
        if command:
            title = _escape_property(f"{r.label} ({report.period.label})")
            lines.append(f"::{command} title={title}::{_escape_data(line)}")
        else:
            lines.append(line)
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_step_summary(report: Report) -> str:
    """A GitHub-flavoured Markdown table of the verdicts (status as emoji and word)."""
    lines = [
        f"### {_cell(report.title)} · {report.period.label}",
        "",
        "| KPI | Value | Rule | Target | Status |",
        "|---|---:|---|---:|---|",
    ]
    for r, v in checked(report):
        rules = rules_text(r.spec)
        target = display(v.target, r.kpi.unit, report.currency) if v.target is not None else ""
        value = display(r.current.value, r.kpi.unit, report.currency)
        status = f"{_EMOJI[v.status or 'pass']} {v.status}"
        lines.append(f"| {_cell(r.label)} | {value} | {_cell(rules)} | {target} | {status} |")
    return "\n".join(lines) + "\n\n"
