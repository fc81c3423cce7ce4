"""Pipeline, funnel and cohort sections as people read them: a ``TableView``
each (see ``analyses_view``), and what the HTML report draws: bars for the
pipeline and the funnel, a heat-map for the cohorts. Pure Python, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from crmkpi.analyses import CohortSection, FunnelSection, PipelineSection, PipelineStage, Section
from crmkpi.engine import Report
from crmkpi.kpis.registry import Unit
from crmkpi.render.analyses_view import NONE_KEY, Cell, Column, Notes, Row, TableView, slug
from crmkpi.render.dates import period_title
from crmkpi.render.format import display
from crmkpi.render.i18n import ENGLISH, N_, Messages, messages

MAX_COHORTS = 12  # cohorts shown in a table or heat-map; the JSON output has all
SECTION_TITLES = {"pipeline": N_("Pipeline"), "funnel": N_("Funnel"), "cohorts": N_("Cohorts")}
STEP_TITLES = {
    "leads": N_("Leads created"),
    "converted": N_("Converted"),
    # Converted leads of P whose customer won a deal at any time: not "deals
    # won" (a KPI that counts deals closed in P), so a name of its own.
    "won": N_("Converted and won a deal (any time)"),
}
BOTTLENECK = N_("bottleneck")


@dataclass(frozen=True, slots=True)
class BarItem:
    """One bar of a chart (``render.charts.bars``)."""

    label: str
    value: float | None
    display: str
    flag: str = ""


@dataclass(frozen=True, slots=True)
class BarChart:
    id: str
    title: str  # for screen readers: what the bars are
    axis: str  # the value axis' label
    items: tuple[BarItem, ...]


@dataclass(frozen=True, slots=True)
class HeatRow:
    """A cohort: ``cells`` k = 0, 1, 2 …, a blank display where not over yet."""

    label: str
    size: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True, slots=True)
class SectionView:
    name: str
    title: str
    table: TableView | None  # None: unavailable, ``reason`` says why
    reason: str | None
    notes: tuple[str, ...] = ()
    charts: tuple[BarChart, ...] = ()
    heat_rows: tuple[HeatRow, ...] = ()
    heat_columns: tuple[str, ...] = ()
    heat_axis: str = ""

    @property
    def id(self) -> str:
        return f"section-{slug(self.name)}"


def _fmt(value: float | None, unit: Unit, tr: Messages, currency: str | None = None) -> str:
    return display(value, unit, currency, tr)


def _pipeline(s: PipelineSection, currency: str | None, notes: Notes) -> TableView:
    tr = notes.tr
    weighted = s.weighted_reason is None
    timed = s.stage_time_reason is None
    columns = [Column(tr("Deals")), Column(tr("Value"))]
    columns += [Column(tr("Weighted value"))] if weighted else []
    if timed:
        titles = (tr("Left"), tr("Mean time"), tr("Median time"), tr("Moved on"))
        columns += [Column(t) for t in titles]
    rows = []
    for st in s.stages:
        cells = [Cell(_fmt(st.deals, "count", tr), st.deals), _money(st.value, currency, notes)]
        if weighted:
            cells.append(_money(st.weighted_value, currency, notes))
        if timed:
            cells += _stage_time(st, notes)
        label = st.stage if st.stage is not None else tr(NONE_KEY)
        rows.append(Row(label, tuple(cells), flag=tr(BOTTLENECK) if st.bottleneck else ""))
    remarks = [tr("Weighted value: {reason}", reason=s.weighted_reason)] if not weighted else []
    remarks += [tr("Time in stage: {reason}", reason=s.stage_time_reason)] if not timed else []
    return TableView("", "", tr("Stage"), tuple(columns), tuple(rows), remarks=tuple(remarks))


def _money(value: float | None, currency: str | None, notes: Notes) -> Cell:
    return notes.cell(value, _fmt(value, "currency", notes.tr, currency), None)


def _stage_time(st: PipelineStage, notes: Notes) -> list[Cell]:
    """Left, mean and median days, moved on; a stage no visit left in P has none."""
    tr = notes.tr
    idle = tr("no visit of this stage ended in the period") if st.left == 0 else None
    return [
        Cell(_fmt(st.left, "count", tr), st.left),
        notes.cell(st.mean_days, _fmt(st.mean_days, "days", tr), idle),
        notes.cell(st.median_days, _fmt(st.median_days, "days", tr), idle),
        notes.cell(st.moved_on, _fmt(st.moved_on, "percent", tr), idle),
    ]


def _pipeline_charts(
    s: PipelineSection, currency: str | None, tr: Messages
) -> tuple[BarChart, ...]:
    if not s.stages:
        return ()
    axis = (
        tr("Value of open deals ({currency})", currency=currency)
        if currency
        else tr("Value of open deals")
    )
    none = tr(NONE_KEY)
    charts = [
        BarChart(
            "section-pipeline-value",
            tr("Value of open deals by stage"),
            axis,
            tuple(
                BarItem(st.stage or none, st.value, _fmt(st.value, "currency", tr, currency))
                for st in s.stages
            ),
        )
    ]
    if s.stage_time_reason is None and any(st.mean_days is not None for st in s.stages):
        items = tuple(
            BarItem(
                st.stage or none,
                st.mean_days,
                _fmt(st.mean_days, "days", tr),
                tr(BOTTLENECK) if st.bottleneck else "",
            )
            for st in s.stages
        )
        charts.append(
            BarChart(
                "section-pipeline-days",
                tr("Mean days in each stage"),
                tr("Mean days in stage"),
                items,
            )
        )
    return tuple(charts)


def _step_title(step: str, tr: Messages) -> str:
    return tr(STEP_TITLES[step]) if step in STEP_TITLES else step.capitalize()


def _funnel(s: FunnelSection, notes: Notes) -> TableView:
    tr = notes.tr
    before, first = tr("the step before has no count"), tr("the first step has no count")
    rows = []
    for i, st in enumerate(s.steps):
        rate = (
            Cell("")
            if i == 0
            else notes.cell(st.step_rate, _fmt(st.step_rate, "percent", tr), before)
        )
        overall = notes.cell(st.overall_rate, _fmt(st.overall_rate, "percent", tr), first)
        cells = (Cell(_fmt(st.count, "count", tr), st.count), rate, overall)
        rows.append(Row(_step_title(st.step, tr), cells))
    columns = (Column(tr("Count")), Column(tr("Of step before")), Column(tr("Of first step")))
    return TableView("", "", tr("Step"), columns, tuple(rows))


def _funnel_chart(s: FunnelSection, tr: Messages) -> BarChart:
    items = []
    for st in s.steps:
        share = (
            f" ({_fmt(st.overall_rate, 'percent', tr)})"
            if st.overall_rate is not None and st is not s.steps[0]
            else ""
        )
        items.append(
            BarItem(_step_title(st.step, tr), st.count, _fmt(st.count, "count", tr) + share)
        )
    return BarChart(
        "section-funnel-count",
        tr("Funnel: count at each step"),
        tr("Count (share of the first step)"),
        tuple(items),
    )


GRAINS = {
    "month": N_("month"),
    "quarter": N_("quarter"),
    "week": N_("week"),
    "year": N_("year"),
    "day": N_("day"),
}
_PLURAL = {
    "month": N_("months"),
    "quarter": N_("quarters"),
    "week": N_("weeks"),
    "year": N_("years"),
    "day": N_("days"),
}


def _share(v: float | None, tr: Messages) -> str:
    """Cohort cells are read at a glance: whole percents (the JSON has the exact share)."""
    return "" if v is None else tr.number(f"{v:.0%}")


def _cohort_caption(s: CohortSection, shown: int, tr: Messages) -> str:
    caption = tr(
        "Share of each cohort still active k {plural} after acquisition "
        "(k = 0: the {grain} acquired); blank: not over yet.",
        plural=tr(_PLURAL.get(s.grain, f"{s.grain}s")),
        grain=tr(GRAINS.get(s.grain, s.grain)),
    )
    if len(s.rows) > shown:
        more = tr(
            "The last {shown} of {total} cohorts; the JSON output has all.",
            shown=tr.number(shown),
            total=tr.number(len(s.rows)),
        )
        caption += f" {more}"
    return caption


def _cohorts(
    s: CohortSection, calendar: str, tr: Messages
) -> tuple[TableView, tuple[HeatRow, ...], tuple[str, ...], str]:
    shown = s.rows[-MAX_COHORTS:]
    width = max((i + 1 for r in shown for i, v in enumerate(r.cells) if v is not None), default=0)
    heat = tuple(
        HeatRow(
            period_title(r.cohort, calendar, tr),
            _fmt(r.size, "count", tr),
            tuple(Cell(_share(v, tr), v) for v in r.cells[:width])
            + (Cell(""),) * (width - len(r.cells)),
        )
        for r in shown
    )
    ks = tuple(tr.number(k) for k in range(width))
    columns = (Column(tr("Size")), *(Column(k) for k in ks))
    rows = tuple(Row(h.label, (Cell(h.size), *h.cells)) for h in heat)
    caption = _cohort_caption(s, len(shown), tr)
    table = TableView("", "", tr("Cohort"), columns, rows, caption=caption)
    plural = tr(_PLURAL.get(s.grain, f"{s.grain}s"))
    return table, heat, ks, tr("{plural} since acquisition", plural=plural).capitalize()


def section_view(
    s: Section, currency: str | None, tr: Messages = ENGLISH, calendar: str = "gregorian"
) -> SectionView:
    """A section's table (and chart data); without data, its reason. ``calendar``
    names the cohorts' periods."""
    title = tr(SECTION_TITLES.get(s.name, s.name.replace("_", " ").capitalize()))
    view = SectionView(s.name, title, None, s.reason or tr("unavailable"), s.notes)
    notes = Notes(tr=tr)
    data = s.data
    if isinstance(data, PipelineSection):
        table = _pipeline(data, currency, notes)
        view = replace(view, charts=_pipeline_charts(data, currency, tr))
    elif isinstance(data, FunnelSection):
        table = _funnel(data, notes)
        view = replace(view, charts=(_funnel_chart(data, tr),) if data.steps else ())
    elif isinstance(data, CohortSection):
        table, heat, ks, axis = _cohorts(data, calendar, tr)
        view = replace(view, heat_rows=heat, heat_columns=ks, heat_axis=axis)
    else:
        return view
    full = replace(table, id=view.id, title=title, notes=tuple(notes.reasons))
    return replace(view, table=full, reason=None)


def section_views(report: Report, tr: Messages | None = None) -> tuple[SectionView, ...]:
    """Every section, in ``tr``'s language (by default the report's)."""
    tr = tr or messages(report.locale)
    calendar = report.period.calendar
    return tuple(section_view(s, report.currency, tr, calendar) for s in report.sections)
