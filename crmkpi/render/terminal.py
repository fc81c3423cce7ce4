"""The report as a Rich table, returned as text (ANSI colours when asked).

Unavailable values show ``—`` with a numbered note under the table that says
why: the tool never leaves a blank unexplained.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from rich import box
from rich.console import Console, JustifyMethod
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from crmkpi.engine import KpiResult, Measured, Report
from crmkpi.kpis.registry import Unit
from crmkpi.periods import Period
from crmkpi.render.format import MISSING, display, spark_text
from crmkpi.render.terminal_analyses import print_analyses
from crmkpi.render.view import (
    CHANGE_TITLES,
    COMPARISON_TITLES,
    ChangeView,
    arrow,
    change_view,
)
from crmkpi.targets import Verdict, judge_report

_STYLE = {"good": "green", "bad": "red", "neutral": "dim"}


def _period_text(p: Period) -> str:
    span = (
        p.start.isoformat() if p.days == 1 else f"{p.start.isoformat()} – {p.last_day.isoformat()}"
    )
    return f"{p.label} ({span}{', partial' if p.partial else ''})"


def _change_cell(c: ChangeView) -> Text:
    """``▲ +21`` coloured by whether the change is good for the KPI; no arrow
    for no change. The value column already names the currency."""
    if c.delta is None:
        return Text(MISSING, style="dim")
    pointer = "" if c.arrow == "flat" else arrow(c.arrow) + " "
    return Text(pointer + c.delta_display, style=_STYLE[c.tone])


class _Notes:
    """Numbered explanations of unavailable values, shown under the table: one
    number per reason, naming the KPIs (and columns) it applies to."""

    def __init__(self, columns: int) -> None:
        self.columns = columns  # value columns per KPI: the value and each comparison
        self.missing: dict[str, dict[str, list[str]]] = {}  # reason → KPI label → columns

    def cell(
        self,
        m: Measured,
        unit: Unit,
        currency: str | None,
        label: str,
        column: str = "",
    ) -> Text:
        if m.value is not None:
            return Text(display(m.value, unit, currency))
        reason = m.reason or "unavailable"
        self.missing.setdefault(reason, {}).setdefault(label, []).append(column)
        number = list(self.missing).index(reason) + 1
        return Text(f"{MISSING} [{number}]", style="dim")

    @property
    def lines(self) -> list[str]:
        """``Churn rate (year ago): no customers at period start``; a KPI
        missing for one reason in every column is named without columns."""
        return [
            ", ".join(self._name(label, cols) for label, cols in kpis.items()) + f": {reason}"
            for reason, kpis in self.missing.items()
        ]

    def _name(self, label: str, columns: list[str]) -> str:
        if len(columns) == self.columns:
            return label
        return f"{label} ({', '.join(c or 'value' for c in columns)})"


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


@dataclass(frozen=True, slots=True)
class _Column:
    header: str
    justify: JustifyMethod
    cells: list[Text]


# Which columns go first when the terminal is too narrow: the year-ago and
# previous values before the changes against them, the trend before the target,
# and the status last of all. KPI and value always stay.
DROP_ORDER = ("Year ago", "Previous", "Trend", "vs year ago", "Target", "Change", "Status")


def _columns(report: Report, notes: _Notes) -> list[_Column]:
    compare = list(report.comparisons)
    verdicts = judge_report(report)
    judged = any(v.status or v.target is not None for v in verdicts.values())
    cur = report.currency
    cols = {
        "KPI": _Column("KPI", "left", [Text(r.label) for r in report.kpis]),
        "Value": _Column("Value", "right", []),
    }
    for r in report.kpis:
        unit = r.kpi.unit
        cols["Value"].cells.append(notes.cell(r.current, unit, cur, r.label))
    for name in ("previous", "year_ago"):
        if name in compare:
            title, change_title = COMPARISON_TITLES[name], CHANGE_TITLES[name]
            cols[title] = _Column(title, "right", [])
            cols[change_title] = _Column(change_title, "right", [])
            for r in report.kpis:
                m = r.comparisons[name]
                cols[title].cells.append(notes.cell(m, r.kpi.unit, cur, r.label, title.lower()))
                change = change_view(r, name, report.comparisons[name], cur)
                cols[change_title].cells.append(_change_cell(change))
    if judged:
        ver = [verdicts[r.spec.id] for r in report.kpis]
        cols["Target"] = _Column(
            "Target",
            "right",
            [_target_cell(v, r.kpi.unit, cur) for v, r in zip(ver, report.kpis, strict=True)],
        )
        cols["Status"] = _Column("Status", "left", [_status_cell(v) for v in ver])
    if any(len(r.trend) > 1 for r in report.kpis):
        cols["Trend"] = _Column("Trend", "left", [_trend_cell(r) for r in report.kpis])
    return list(cols.values())


def _trend_cell(r: KpiResult) -> Text:
    return Text(spark_text([m.value for m in r.trend]), style="cyan")


def _table(columns: list[_Column]) -> Table:
    table = Table(box=box.SIMPLE_HEAVY, header_style="bold", pad_edge=False)
    for c in columns:
        table.add_column(c.header, justify=c.justify, no_wrap=True, overflow="ellipsis")
    for row in zip(*(c.cells for c in columns), strict=True):
        table.add_row(*row)
    return table


def _fit(columns: list[_Column], console: Console) -> tuple[Table, list[str]]:
    """The widest table that fits the console, dropping columns in DROP_ORDER
    rather than wrapping cells; also the headers that were dropped."""
    dropped: list[str] = []
    unbounded = console.options.update_width(100_000)  # a table's measure is capped at the width
    for header in (None, *DROP_ORDER):
        if header is not None and any(c.header == header for c in columns):
            columns = [c for c in columns if c.header != header]
            dropped.append(header)
        table = _table(columns)
        if Measurement.get(console, unbounded, table).maximum <= console.width:
            break
    return table, dropped


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
        preset = f" ({i.preset})" if i.preset != "generic" else ""
        lines.append(
            Text(f"{i.table}: {i.path.name}{preset}, {i.rows:,} rows{skipped}{latest}", style="dim")
        )
    lines.extend(Text(f"warning: {w}", style="yellow") for w in report.warnings)
    return lines


def render_terminal(report: Report, *, color: bool = False, width: int = 100, top: int = 10) -> str:
    """The report as text; ``color`` adds ANSI styles for a real terminal;
    ``top`` groups of each breakdown are shown, the rest folded into ``(other)``."""
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
    notes = _Notes(1 + len(report.comparisons))
    for line in _header(report):
        console.print(line)
    table, dropped = _fit(_columns(report, notes), console)
    console.print(table)
    if dropped:
        hidden = ", ".join(dropped)
        console.print(
            Text(f"(too narrow for {hidden}: widen the terminal or use -f md)", style="dim")
        )
    for number, note in enumerate(notes.lines, start=1):
        console.print(Text(f"[{number}] {note}", style="dim"))
    print_analyses(console, report, top)
    if notes.lines or report.breakdowns or report.sections:
        console.print()
    for line in _footer(report):
        console.print(line)
    return buffer.getvalue()
