"""Breakdowns as people read them: every cell's display string, the
``(other)`` and total rows, and numbered notes for unavailable values, worked
out once so that the terminal, Markdown and HTML agree.

A breakdown, like a section (``section_view``), becomes a ``TableView``: a
first column of labels, value columns, rows of ``Cell``s. Pure Python, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from crmkpi.analyses import Breakdown, Measured
from crmkpi.engine import KpiResult, Report
from crmkpi.render.format import MISSING, display
from crmkpi.render.i18n import ENGLISH, N_, Messages, messages
from crmkpi.render.labels import dimension_name, kpi_label

NONE_KEY = N_("(none)")
OTHER = N_("(other)")
TOTAL = N_("Total")
NOT_ADDITIVE = N_(
    "not additive, so the folded groups are not summed (the JSON output has each group)"
)


@dataclass(frozen=True, slots=True)
class Cell:
    """One value: ``display`` is ``—`` when unavailable, ``note`` then numbers
    the reason in the table's ``notes`` (1-based); '' is an empty cell."""

    display: str
    value: float | None = None
    reason: str | None = None
    note: int | None = None


@dataclass(frozen=True, slots=True)
class Column:
    title: str
    numeric: bool = True


@dataclass(frozen=True, slots=True)
class Row:
    """``kind``: ``group``, ``other`` or ``total``; ``flag`` is shown next to the
    label in words (``bottleneck``), never by colour alone."""

    label: str
    cells: tuple[Cell, ...]
    kind: str = "group"
    flag: str = ""


@dataclass(frozen=True, slots=True)
class TableView:
    """``rows`` then ``other`` (the folded groups) then ``total``; ``caption``
    says what is left out; ``remarks`` are unnumbered notes (a column left out
    and why)."""

    id: str  # an HTML id: "breakdown-owner", "section-pipeline"
    title: str
    head: str  # the first column's title
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    other: Row | None = None
    total: Row | None = None
    caption: str = ""
    notes: tuple[str, ...] = ()
    remarks: tuple[str, ...] = ()

    @property
    def body(self) -> tuple[Row, ...]:
        """The rows above the total: the shown groups and ``(other)``."""
        return self.rows + ((self.other,) if self.other else ())

    @property
    def all_rows(self) -> tuple[Row, ...]:
        return self.body + ((self.total,) if self.total else ())


@dataclass(frozen=True, slots=True)
class BreakdownView:
    dimension: str
    table: TableView
    hidden_count: int  # groups folded into (other)
    group_count: int


def slug(text: str) -> str:
    """A safe HTML id part: ``Lead source`` → ``lead-source``."""
    return re.sub(r"[^a-z0-9_]+", "-", text.lower()).strip("-") or "x"


@dataclass
class Notes:
    """Reasons numbered in first-seen order, one number per reason."""

    reasons: list[str] = field(default_factory=list)
    tr: Messages = ENGLISH

    def cell(self, value: float | None, text: str, reason: str | None) -> Cell:
        if value is not None:
            return Cell(text, value)
        why = reason or self.tr("unavailable")
        if why not in self.reasons:
            self.reasons.append(why)
        return Cell(MISSING, None, why, self.reasons.index(why) + 1)


# --- breakdowns -------------------------------------------------------------------


def _fold(gvs: Sequence[Measured], additive: bool, tr: Messages) -> Measured:
    """The ``(other)`` value of one KPI: the sum of the folded groups when the
    KPI is additive and every folded group has a value."""
    if not additive:
        return Measured(None, tr(NOT_ADDITIVE))
    missing = [g for g in gvs if g.value is None]
    if len(missing) == len(gvs):
        return Measured(None, missing[0].reason)
    if missing:
        return Measured(None, tr("{count} of the folded groups have no value", count=len(missing)))
    return Measured(sum(g.value or 0.0 for g in gvs))


def _kpis_of(b: Breakdown, report: Report) -> list[KpiResult]:
    """The KPIs of the breakdown in its own order (the groups are sorted by
    the first), as the report's results; an id the report lacks is skipped."""
    by_id = {r.spec.id: r for r in report.kpis}
    ids = dict.fromkeys([*b.total, *(k for g in b.groups for k in g.values)])
    return [by_id[i] for i in ids if i in by_id]


def _row(label: str, values: dict[str, Measured], kpis: Iterable[KpiResult], ctx: _Ctx) -> Row:
    cells = []
    for r in kpis:
        gv = values.get(r.spec.id, Measured(None, ctx.tr("not computed for this group")))
        text = display(gv.value, r.kpi.unit, ctx.currency, ctx.tr)
        cells.append(ctx.notes.cell(gv.value, text, gv.reason))
    return Row(label, tuple(cells))


@dataclass
class _Ctx:
    currency: str | None
    tr: Messages
    notes: Notes


def _caption(shown: int, groups: int, folded: int, first: str, tr: Messages) -> str:
    if not folded:
        return ""
    return tr(
        "Top {shown} of {groups} groups by {kpi}; the other {folded} are folded into {other}.",
        shown=tr.number(shown),
        groups=tr.number(groups),
        kpi=first,
        folded=tr.number(folded),
        other=tr(OTHER),
    )


def breakdown_view(
    b: Breakdown, report: Report, top: int = 10, tr: Messages | None = None
) -> BreakdownView:
    """Groups in the order they arrive (sorted by the first KPI), the first
    ``top`` shown and the rest folded into ``(other)``; folding a single group
    would only hide its name, so it is shown instead. ``top`` < 1 shows all.
    ``tr``: the language, by default the report's."""
    kpis = _kpis_of(b, report)
    tr = tr or messages(report.locale)
    ctx = _Ctx(report.currency, tr, Notes(tr=tr))
    shown, folded = list(b.groups), []
    if 0 < top < len(b.groups) - 1:
        shown, folded = list(b.groups[:top]), list(b.groups[top:])
    none = tr(NONE_KEY)
    rows = tuple(_row(g.key if g.key is not None else none, g.values, kpis, ctx) for g in shown)
    other = None
    if folded:
        values = {
            r.spec.id: _fold(
                [g.values.get(r.spec.id, Measured(None)) for g in folded], r.kpi.additive, tr
            )
            for r in kpis
        }
        other = Row(tr(OTHER), _row(OTHER, values, kpis, ctx).cells, "other")
    totals = {
        r.spec.id: b.total.get(r.spec.id, Measured(r.current.value, r.current.reason)) for r in kpis
    }
    total = Row(tr(TOTAL), _row(TOTAL, totals, kpis, ctx).cells, "total")
    labels = [kpi_label(r, tr) for r in kpis]
    words = dimension_name(b.dimension, tr)
    table = TableView(
        id=f"breakdown-{slug(b.dimension)}",
        title=tr("By {dimension}", dimension=words),
        head=words.capitalize(),
        columns=tuple(Column(label) for label in labels),
        rows=rows,
        other=other,
        total=total,
        caption=_caption(len(shown), len(b.groups), len(folded), labels[0] if labels else "", tr),
        notes=tuple(ctx.notes.reasons),
        remarks=tuple(b.notes.values()),
    )
    return BreakdownView(b.dimension, table, len(folded), len(b.groups))


def breakdown_views(
    report: Report, top: int = 10, tr: Messages | None = None
) -> tuple[BreakdownView, ...]:
    return tuple(breakdown_view(b, report, top, tr) for b in report.breakdowns)
