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

from crmkpi.engine import KpiResult, Measured, Report
from crmkpi.kpis.registry import Unit
from crmkpi.leniency import share_text
from crmkpi.periods import Period
from crmkpi.render.dates import day_text, period_title, span_text
from crmkpi.render.format import MISSING, PARTIAL_MARK, display, spark_text
from crmkpi.render.i18n import N_, Messages, messages
from crmkpi.render.labels import kpi_label
from crmkpi.render.terminal_analyses import Text, print_analyses, too_narrow
from crmkpi.render.view import (
    ARROWS,
    CHANGE_TITLES,
    COMPARISON_TITLES,
    ChangeView,
    SummaryLine,
    arrow,
    change_view,
    maturity_text,
    partial_text,
    summary_lines,
    table_title,
)
from crmkpi.targets import Verdict, judge_report

_STYLE = {"good": "green", "bad": "red", "neutral": "dim"}


def _period_text(p: Period, tr: Messages) -> str:
    """``2026-10 (2026-10-01 – 2026-10-20, partial)``."""
    span = span_text(p.start, p.last_day, p.calendar, tr)
    partial = tr.comma + tr("partial") if p.partial else ""
    return f"{period_title(p.label, p.calendar, tr)} ({span}{partial})"


def _change_cell(c: ChangeView) -> Text:
    """``▲ +21 (+58.3%)`` coloured by whether the change is good for the KPI;
    ``±0``, uncoloured and with no arrow, for no change at display precision.
    The value column already names the currency."""
    if c.delta is None:
        return Text(MISSING, style="dim")
    pointer = arrow(c.arrow) + " " if c.arrow else ""
    share = f" ({c.relative_display})" if c.relative_display else ""
    return Text(pointer + c.delta_display + share, style=_STYLE[c.tone] if c.arrow else "")


class _Notes:
    """Numbered explanations of unavailable values, shown under the table: one
    number per reason, naming the KPIs (and columns) it applies to."""

    def __init__(self, columns: int, tr: Messages) -> None:
        self.columns = columns  # value columns per KPI: the value and each comparison
        self.tr = tr
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
            return Text(display(m.value, unit, currency, self.tr))
        reason = m.reason or self.tr("unavailable")
        self.missing.setdefault(reason, {}).setdefault(label, []).append(column)
        number = list(self.missing).index(reason) + 1
        return Text(f"{MISSING} [{self.tr.number(number)}]", style="dim")

    @property
    def lines(self) -> list[str]:
        """``Churn rate (year ago): no customers at period start``; a KPI
        missing for one reason in every column is named without columns."""
        return [
            self.tr.join([self._name(label, cols) for label, cols in kpis.items()]) + f": {reason}"
            for reason, kpis in self.missing.items()
        ]

    def _name(self, label: str, columns: list[str]) -> str:
        if len(columns) == self.columns:
            return label
        return f"{label} ({self.tr.join([c or self.tr('value') for c in columns])})"


STATUS_STYLE = {"pass": "green", "warn": "yellow", "fail": "bold red", "error": "bold magenta"}
STATUS_MARK = {"pass": "✓", "warn": "!", "fail": "✗", "error": "?"}


def _target_cell(verdict: Verdict, unit: Unit, currency: str | None, tr: Messages) -> Text:
    """The target, and for a paced KPI how the projection compares with it;
    empty without one (``—`` only ever means unavailable)."""
    if verdict.target is None:
        return Text("")
    text = display(verdict.target, unit, currency, tr)
    if verdict.pacing and verdict.pacing.of_target is not None:
        share = tr.number(f"{verdict.pacing.of_target:.0%}")
        text += f" ({tr('on track for {share}', share=share)})"
    return Text(text)


def _status_cell(verdict: Verdict, tr: Messages) -> Text:
    if verdict.status is None:
        return Text("")
    return Text(
        f"{STATUS_MARK[verdict.status]} {tr(verdict.status)}", style=STATUS_STYLE[verdict.status]
    )


@dataclass(frozen=True, slots=True)
class _Column:
    id: str  # the English header: what DROP_ORDER names
    header: str
    justify: JustifyMethod
    cells: list[Text]


# Which columns go first when the terminal is too narrow: the year-ago and
# previous values before the changes against them, the trend before the
# target, then the change. Target and Status go together: a "✗ fail" without
# the target it fails reads as a verdict with no reason (the summary above the
# table still names each failing KPI and why). KPI and value always stay.
DROP_ORDER: tuple[tuple[str, ...], ...] = (
    (N_("Year ago"),),
    (N_("Previous"),),
    (N_("Trend"),),
    (N_("vs year ago"),),
    (N_("Target"), N_("Status")),
    (N_("Change"),),
)


def _column(name: str, justify: JustifyMethod, cells: list[Text], tr: Messages) -> _Column:
    return _Column(name, tr(name), justify, cells)


def _comparison_columns(report: Report, name: str, notes: _Notes) -> list[_Column]:
    """The values of the comparison period ``name`` and the changes against it."""
    tr, cur = notes.tr, report.currency
    title, change_title = COMPARISON_TITLES[name], CHANGE_TITLES[name]
    values, changes = [], []
    for r in report.kpis:
        label = kpi_label(r, tr)
        values.append(notes.cell(r.comparisons[name], r.kpi.unit, cur, label, tr(title).lower()))
        change = change_view(r, name, report.comparisons[name], cur, tr)
        changes.append(_change_cell(change))
    return [_column(title, "right", values, tr), _column(change_title, "right", changes, tr)]


def _columns(report: Report, notes: _Notes) -> list[_Column]:
    tr, cur = notes.tr, report.currency
    verdicts = judge_report(report)
    judged = any(v.status or v.target is not None for v in verdicts.values())
    labels = [kpi_label(r, tr) for r in report.kpis]
    values = [
        notes.cell(r.current, r.kpi.unit, cur, label)
        for r, label in zip(report.kpis, labels, strict=True)
    ]
    cols = [_column("KPI", "left", [Text(label) for label in labels], tr)]
    cols.append(_column("Value", "right", values, tr))
    for name in ("previous", "year_ago"):
        if name in report.comparisons:
            cols += _comparison_columns(report, name, notes)
    if judged:
        ver = [verdicts[r.spec.id] for r in report.kpis]
        targets = [
            _target_cell(v, r.kpi.unit, cur, tr) for v, r in zip(ver, report.kpis, strict=True)
        ]
        cols.append(_column("Target", "right", targets, tr))
        cols.append(_column("Status", "left", [_status_cell(v, tr) for v in ver], tr))
    if any(len(r.trend) > 1 for r in report.kpis):
        partial = bool(report.trend) and report.trend[-1].partial
        cols.append(_column("Trend", "left", [_trend_cell(r, partial) for r in report.kpis], tr))
    return cols


def _kpi_notes(report: Report, shown: list[_Column], tr: Messages) -> list[Text]:
    """Under the table: what the sparklines' ``†`` means, and what a reader
    must know of a cohort KPI's value (maturing, compared at equal age)."""
    lines = []
    note = partial_text(report.period, tr)
    if note and any(c.id == "Trend" for c in shown) and any(r.trend[-1:] for r in report.kpis):
        title = period_title(report.period.label, report.period.calendar, tr)
        lines.append(Text(f"{PARTIAL_MARK} {title} · {note}", style="dim"))
    for r in report.kpis:
        text = maturity_text(r, report, tr)
        if text:
            lines.append(Text(f"{kpi_label(r, tr)}: {text}", style="yellow"))
    return lines


def _trend_cell(r: KpiResult, partial: bool) -> Text:
    """The sparkline; a partial last period's glyph dimmed and marked ``†``."""
    text = Text(spark_text([m.value for m in r.trend], partial=partial), style="cyan")
    if partial and len(text) > 1:
        text.stylize("dim", len(text) - 2)
    return text


def _table(columns: list[_Column]) -> Table:
    table = Table(box=box.SIMPLE_HEAVY, header_style="bold", pad_edge=False)
    for c in columns:
        table.add_column(Text(c.header), justify=c.justify, no_wrap=True, overflow="ellipsis")
    for row in zip(*(c.cells for c in columns), strict=True):
        table.add_row(*row)
    return table


def _fit(columns: list[_Column], console: Console) -> tuple[Table, list[_Column]]:
    """The widest table that fits the console, dropping columns in DROP_ORDER
    rather than wrapping cells; also the columns that were dropped."""
    dropped: list[_Column] = []
    unbounded = console.options.update_width(100_000)  # a table's measure is capped at the width
    for names in ((), *DROP_ORDER):
        gone = [c for c in columns if c.id in names]
        columns = [c for c in columns if c.id not in names]
        dropped += gone
        table = _table(columns)
        if Measurement.get(console, unbounded, table).maximum <= console.width:
            break
    return table, dropped


def _header(report: Report, tr: Messages) -> list[Text]:
    as_of = day_text(report.as_of, report.period.calendar, tr)
    lines = [Text(report.title, style="bold")]
    period = _period_text(report.period, tr)
    lines.append(Text(f"{tr('Period')} {period} · {tr('as of')} {as_of}"))
    for name, p in report.comparisons.items():
        title = tr(COMPARISON_TITLES.get(name, name.replace("_", " ").capitalize()))
        lines.append(Text(f"{title}: {_period_text(p, tr)}", style="dim"))
    return lines


SUMMARY_MARK = {**STATUS_MARK, **ARROWS}


def _summary(report: Report, tr: Messages) -> list[Text]:
    """What changed, first (``view.summary_lines``): one line per KPI."""
    lines = summary_lines(report, tr)
    if not lines:
        return []
    out = [Text(tr("Summary"), style="bold")]
    for line in lines:
        text = Text()
        text.append(SUMMARY_MARK[line.kind], style=_line_style(line))
        text.append(Text(f" {line.label} {line.value}"))  # Text: a label's escapes shown
        status = "" if line.mover else f"{tr(line.kind)}: "
        text.append(Text(f" · {status}{line.detail}", style="dim"))
        out.append(text)
    return out


def _print_summary(console: Console, report: Report, tr: Messages) -> None:
    """The summary after a blank line, each line cut with … to the width."""
    summary = _summary(report, tr)
    if summary:
        console.print()
    for line in summary:
        console.print(line, overflow="ellipsis", no_wrap=True)


def _line_style(line: SummaryLine) -> str:
    return _STYLE[line.tone] if line.mover else STATUS_STYLE[line.kind]


def _footer(report: Report, tr: Messages) -> list[Text]:
    lines: list[Text] = []
    for i in report.inputs:
        parts = [tr("{count} rows", count=tr.number(f"{i.rows:,}"))]
        if i.skipped:
            share = tr.number(share_text(i.skipped_share))
            parts.append(tr("{count} skipped ({share})", count=tr.number(i.skipped), share=share))
        if i.latest:
            parts.append(tr("latest {day}", day=day_text(i.latest, report.period.calendar, tr)))
        preset = f" ({i.preset})" if i.preset != "generic" else ""
        lines.append(
            Text(
                f"{table_title(i.table, tr)}: {i.path.name}{preset}{tr.comma}{tr.join(parts)}",
                style="dim",
            )
        )
    lines.extend(Text(tr("warning: {text}", text=w), style="yellow") for w in report.warnings)
    lines.extend(  # lenient runs: the first skipped row of each kind, to find in the file
        Text(tr("warning: {text}", text=f"{i.table}: skipped {e}"), style="yellow")
        for i in report.inputs
        for e in i.examples
    )
    return lines


def render_terminal(
    report: Report,
    *,
    color: bool = False,
    width: int = 100,
    top: int = 10,
    ascii_digits: bool = False,
) -> str:
    """The report as text, in the report's language; ``color`` adds ANSI
    styles for a real terminal; ``top`` groups of each breakdown are shown,
    the rest folded into ``(other)``; ``ascii_digits`` writes numbers and
    dates with Latin digits (labels stay translated), for a terminal that
    cannot show Persian digits.

    A terminal lays text out as it comes, so the table keeps its columns left
    to right in every language, numbers right-aligned."""
    tr = messages(report.locale).without_marks()
    tr = tr.latin() if ascii_digits else tr
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
    notes = _Notes(1 + len(report.comparisons), tr)
    for line in _header(report, tr):
        console.print(line)
    _print_summary(console, report, tr)
    columns = _columns(report, notes)
    table, dropped = _fit(columns, console)
    console.print(table)
    if dropped:
        console.print(too_narrow(tr.join([c.header for c in dropped]), tr))
    for number, note in enumerate(notes.lines, start=1):
        console.print(Text(f"[{tr.number(number)}] {note}", style="dim"))
    kpi_notes = _kpi_notes(report, [c for c in columns if c not in dropped], tr)
    for line in kpi_notes:
        console.print(line)
    print_analyses(console, report, top, tr)
    if notes.lines or kpi_notes or report.breakdowns or report.sections:
        console.print()
    for line in _footer(report, tr):
        console.print(line)
    return buffer.getvalue()
