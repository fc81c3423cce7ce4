"""Breakdowns and sections in the terminal: a Rich table each, after the KPI
table, from the same views as HTML and Markdown (``analyses_view``,
``section_view``).

Like the KPI table, a table never wraps a row: when the terminal is too
narrow, value columns go from the right (the last KPIs of a breakdown, the
latest cohort ages) and the reader is told which.
"""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console
from rich.measure import Measurement
from rich.style import StyleType
from rich.table import Table
from rich.text import Text as RichText

from crmkpi.engine import Report
from crmkpi.render.analyses_view import Cell, Row, TableView, breakdown_views
from crmkpi.render.i18n import Messages
from crmkpi.render.safe_text import visible
from crmkpi.render.section_view import section_views


class Text(RichText):
    """rich's Text with control characters and bidi overrides escaped
    (``visible``): the terminal modules make every text with it, so an
    owner name holding ``ESC [2J`` is shown, never run. Like rich's Text,
    it never reads markup: ``[/]`` in data or a label is text."""

    def __init__(self, text: str = "", style: StyleType = "", **options: Any) -> None:
        super().__init__(visible(text), style, **options)


LABEL_WIDTH = 32  # a long group name is cut with … rather than pushing columns out
_ROW_STYLE = {"other": "italic", "total": "bold"}


def _cell(c: Cell, style: str, numbers: dict[int, int], tr: Messages) -> Text:
    if c.note is None:
        return Text(c.display, style=style)
    return Text(f"{c.display} [{tr.number(numbers[c.note])}]", style=f"{style} dim".strip())


def _numbers(view: TableView, keep: int) -> dict[int, int]:
    """The view's note numbers → the numbers shown: only the notes of the
    columns kept, numbered in order of appearance."""
    seen = [c.note for row in view.all_rows for c in row.cells[:keep] if c.note is not None]
    return {note: i for i, note in enumerate(dict.fromkeys(seen), start=1)}


def _label(row: Row) -> Text:
    text = Text(row.label, style=_ROW_STYLE.get(row.kind, ""))
    if row.flag:
        text.append(f" ◀ {row.flag}", style="bold yellow")
    return text


def _table(view: TableView, keep: int, numbers: dict[int, int], tr: Messages) -> Table:
    table = Table(box=box.SIMPLE_HEAVY, header_style="bold", pad_edge=False)
    table.add_column(Text(view.head), no_wrap=True, overflow="ellipsis", max_width=LABEL_WIDTH)
    for c in view.columns[:keep]:
        table.add_column(
            Text(c.title),
            justify="right" if c.numeric else "left",
            no_wrap=True,
            overflow="ellipsis",
        )
    above_total = view.body[-1] if view.body and view.total else None
    for row in view.all_rows:
        style = _ROW_STYLE.get(row.kind, "")
        cells = [_cell(c, style, numbers, tr) for c in row.cells[:keep]]
        table.add_row(_label(row), *cells, end_section=row is above_total)
    return table


def _fit(view: TableView, console: Console, tr: Messages) -> tuple[Table, int]:
    """The table with the most value columns (from the left) that fits the
    console, and how many it kept; the first value column always stays."""
    unbounded = console.options.update_width(100_000)
    keep = len(view.columns)
    table = _table(view, keep, _numbers(view, keep), tr)
    while keep > 1 and Measurement.get(console, unbounded, table).maximum > console.width:
        keep -= 1
        table = _table(view, keep, _numbers(view, keep), tr)
    return table, keep


def _dropped_text(titles: list[str], tr: Messages) -> str:
    """``Win rate, New customers``; cohort ages as a range, ``k = 9–13``; a long
    list by its ends."""
    if all(t.isdigit() for t in titles):
        return f"k = {titles[0]}–{titles[-1]}" if len(titles) > 1 else f"k = {titles[0]}"
    if len(titles) > 3:
        count = tr.number(len(titles))
        return tr(
            "{count} columns, {first} … {last}", count=count, first=titles[0], last=titles[-1]
        )
    return tr.join(titles)


def too_narrow(hidden: str, tr: Messages) -> Text:
    """What a narrow terminal left out (``hidden``), and what to do about it."""
    return Text(
        tr("(too narrow for {columns}: widen the terminal or use -f md)", columns=hidden),
        style="dim",
    )


def _print_table(console: Console, view: TableView, tr: Messages) -> None:
    console.print()
    console.print(Text(view.title, style="bold"))
    keep = len(view.columns)
    if view.all_rows:
        table, keep = _fit(view, console, tr)
        console.print(table)
        if keep < len(view.columns):
            hidden = _dropped_text([c.title for c in view.columns[keep:]], tr)
            console.print(too_narrow(hidden, tr))
    else:
        console.print(Text(tr("(no rows)"), style="dim"))
    if view.caption:
        console.print(Text(view.caption, style="dim"))
    for note, number in _numbers(view, keep).items():
        console.print(Text(f"[{tr.number(number)}] {view.notes[note - 1]}", style="dim"))
    for remark in view.remarks:
        console.print(Text(remark, style="dim"))


def print_analyses(console: Console, report: Report, top: int, tr: Messages) -> None:
    """Each breakdown (``top`` groups, then ``(other)`` and the total), then each
    section, in ``tr``'s language."""
    for b in breakdown_views(report, top, tr):
        _print_table(console, b.table, tr)
    for s in section_views(report, tr):
        if s.table is None:
            console.print()
            console.print(Text(s.title, style="bold"))
            unavailable = tr("{title} unavailable: {reason}", title=s.title, reason=s.reason)
            console.print(Text(unavailable, style="yellow"))
        else:
            _print_table(console, s.table, tr)
        for note in s.notes:
            console.print(Text(tr("note: {text}", text=note), style="dim"))
