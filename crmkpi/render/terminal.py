"""The report as a Rich table, returned as text (ANSI colours when asked).

Unavailable values show ``—`` with a numbered note under the table that says
why: the tool never leaves a blank unexplained.
"""

from __future__ import annotations

import io

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from crmkpi.engine import KpiResult, Report
from crmkpi.kpis.registry import Unit
from crmkpi.periods import Period
from crmkpi.render.format import MISSING, change, direction, display, display_change
from crmkpi.targets import Verdict, judge_report

_STYLE = {"good": "green", "bad": "red", "neutral": "dim"}
_ARROW = {True: "▲", False: "▼"}


def _period_text(p: Period) -> str:
    span = (
        p.start.isoformat() if p.days == 1 else f"{p.start.isoformat()} – {p.last_day.isoformat()}"
    )
    return f"{p.label} ({span}{', partial' if p.partial else ''})"


def _change_cell(r: KpiResult, name: str) -> Text:
    earlier = r.comparisons.get(name)
    delta = change(r.current.value, earlier.value if earlier else None)
    if delta is None:
        return Text(MISSING, style="dim")
    arrow = "" if delta == 0 else _ARROW[delta > 0] + " "
    # The value column already names the currency; the change stays short.
    text = arrow + display_change(delta, r.kpi.unit)
    return Text(text, style=_STYLE[direction(delta, r.kpi.better)])


class _Notes:
    """Numbered explanations of unavailable values, shown under the table."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def cell(
        self, value: float | None, reason: str | None, unit: Unit, currency: str | None, label: str
    ) -> Text:
        if value is not None:
            return Text(display(value, unit, currency))
        self.lines.append(f"{label}: {reason or 'unavailable'}")
        return Text(f"{MISSING} [{len(self.lines)}]", style="dim")


STATUS_STYLE = {"pass": "green", "warn": "yellow", "fail": "bold red", "error": "bold magenta"}
STATUS_MARK = {"pass": "✓", "warn": "!", "fail": "✗", "error": "?"}


def _target_cell(verdict: Verdict, unit: Unit, currency: str | None) -> Text:
    """The target, and for a paced KPI how the projection compares with it."""
    if verdict.target is None:
        return Text(MISSING if verdict.status else "", style="dim")
    text = display(verdict.target, unit, currency)
    if verdict.pacing and verdict.pacing.of_target is not None:
        text += f" (on track for {verdict.pacing.of_target:.0%})"
    return Text(text)


def _status_cell(verdict: Verdict) -> Text:
    if verdict.status is None:
        return Text("")
    return Text(
        f"{STATUS_MARK[verdict.status]} {verdict.status}", style=STATUS_STYLE[verdict.status]
    )


def _kpi_table(report: Report, notes: _Notes) -> Table:
    compare = list(report.comparisons)
    verdicts = judge_report(report)
    judged = any(v.status or v.target is not None for v in verdicts.values())
    table = Table(box=box.SIMPLE_HEAVY, header_style="bold", pad_edge=False)
    table.add_column("KPI", no_wrap=True)
    table.add_column("Value", justify="right", no_wrap=True)
    if "previous" in compare:
        table.add_column("Previous", justify="right", no_wrap=True)
        table.add_column("Change", justify="right", no_wrap=True)
    if "year_ago" in compare:
        table.add_column("Year ago", justify="right", no_wrap=True)
        table.add_column("vs year ago", justify="right", no_wrap=True)
    if judged:
        table.add_column("Target", justify="right", no_wrap=True)
        table.add_column("Status", no_wrap=True)
    cur = report.currency
    for r in report.kpis:
        unit = r.kpi.unit
        row = [Text(r.label), notes.cell(r.current.value, r.current.reason, unit, cur, r.label)]
        for name, title in (("previous", "previous"), ("year_ago", "year ago")):
            if name in compare:
                m = r.comparisons[name]
                row.append(notes.cell(m.value, m.reason, unit, cur, f"{r.label}, {title}"))
                row.append(_change_cell(r, name))
        if judged:
            verdict = verdicts[r.spec.id]
            row += [_target_cell(verdict, unit, cur), _status_cell(verdict)]
        table.add_row(*row)
    return table


def _header(report: Report) -> list[Text]:
    lines = [Text(report.title, style="bold")]
    lines.append(Text(f"Period {_period_text(report.period)} · as of {report.as_of.isoformat()}"))
    for name, p in report.comparisons.items():
        lines.append(Text(f"{name.replace('_', ' ').capitalize()}: {_period_text(p)}", style="dim"))
    return lines


def _footer(report: Report) -> list[Text]:
    lines: list[Text] = []
    for i in report.inputs:
        skipped = f", {i.skipped} skipped" if i.skipped else ""
        latest = f", latest {i.latest.isoformat()}" if i.latest else ""
        lines.append(
            Text(f"{i.table}: {i.path.name}, {i.rows:,} rows{skipped}{latest}", style="dim")
        )
    lines.extend(Text(f"warning: {w}", style="yellow") for w in report.warnings)
    return lines


def render_terminal(report: Report, *, color: bool = False, width: int = 100) -> str:
    """The report as text; ``color`` adds ANSI styles for a real terminal."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        force_terminal=color,
        color_system="standard" if color else None,
        no_color=not color,
        highlight=False,
        emoji=False,
    )
    notes = _Notes()
    for line in _header(report):
        console.print(line)
    console.print(_kpi_table(report, notes))
    for number, note in enumerate(notes.lines, start=1):
        console.print(Text(f"[{number}] {note}", style="dim"))
    if notes.lines:
        console.print()
    for line in _footer(report):
        console.print(line)
    return buffer.getvalue()
