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
from crmkpi.render.format import display

MAX_COHORTS = 12  # cohorts shown in a table or heat-map; the JSON output has all
SECTION_TITLES = {"pipeline": "Pipeline", "funnel": "Funnel", "cohorts": "Cohorts"}
STEP_TITLES = {"leads": "Leads created", "converted": "Converted", "won": "Won a deal"}
BOTTLENECK = "bottleneck"


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


def _fmt(value: float | None, unit: Unit, currency: str | None = None) -> str:
    return display(value, unit, currency)


def _pipeline(s: PipelineSection, currency: str | None, notes: Notes) -> TableView:
    weighted = s.weighted_reason is None
    timed = s.stage_time_reason is None
    columns = [Column("Deals"), Column("Value")]
    columns += [Column("Weighted value")] if weighted else []
    if timed:
        columns += [Column("Left"), Column("Mean time"), Column("Median time"), Column("Moved on")]
    rows = []
    for st in s.stages:
        cells = [Cell(_fmt(st.deals, "count"), st.deals), _money(st.value, currency, notes)]
        if weighted:
            cells.append(_money(st.weighted_value, currency, notes))
        if timed:
            cells += _stage_time(st, notes)
        label = st.stage if st.stage is not None else NONE_KEY
        rows.append(Row(label, tuple(cells), flag=BOTTLENECK if st.bottleneck else ""))
    remarks = [f"Weighted value: {s.weighted_reason}"] if not weighted else []
    remarks += [f"Time in stage: {s.stage_time_reason}"] if not timed else []
    return TableView("", "", "Stage", tuple(columns), tuple(rows), remarks=tuple(remarks))


def _money(value: float | None, currency: str | None, notes: Notes) -> Cell:
    return notes.cell(value, _fmt(value, "currency", currency), None)


def _stage_time(st: PipelineStage, notes: Notes) -> list[Cell]:
    """Left, mean and median days, moved on; a stage no visit left in P has none."""
    idle = "no visit of this stage ended in the period" if st.left == 0 else None
    return [
        Cell(_fmt(st.left, "count"), st.left),
        notes.cell(st.mean_days, _fmt(st.mean_days, "days"), idle),
        notes.cell(st.median_days, _fmt(st.median_days, "days"), idle),
        notes.cell(st.moved_on, _fmt(st.moved_on, "percent"), idle),
    ]


def _pipeline_charts(s: PipelineSection, currency: str | None) -> tuple[BarChart, ...]:
    if not s.stages:
        return ()
    charts = [
        BarChart(
            "section-pipeline-value",
            "Value of open deals by stage",
            f"Value of open deals ({currency})" if currency else "Value of open deals",
            tuple(
                BarItem(st.stage or NONE_KEY, st.value, _fmt(st.value, "currency", currency))
                for st in s.stages
            ),
        )
    ]
    if s.stage_time_reason is None and any(st.mean_days is not None for st in s.stages):
        items = tuple(
            BarItem(
                st.stage or NONE_KEY,
                st.mean_days,
                _fmt(st.mean_days, "days"),
                BOTTLENECK if st.bottleneck else "",
            )
            for st in s.stages
        )
        charts.append(
            BarChart(
                "section-pipeline-days", "Mean days in each stage", "Mean days in stage", items
            )
        )
    return tuple(charts)


def _funnel(s: FunnelSection, notes: Notes) -> TableView:
    rows = []
    for i, st in enumerate(s.steps):
        rate = (
            Cell("")
            if i == 0
            else notes.cell(
                st.step_rate, _fmt(st.step_rate, "percent"), "the step before has no count"
            )
        )
        overall = notes.cell(
            st.overall_rate, _fmt(st.overall_rate, "percent"), "the first step has no count"
        )
        cells = (Cell(_fmt(st.count, "count"), st.count), rate, overall)
        rows.append(Row(STEP_TITLES.get(st.step, st.step.capitalize()), cells))
    columns = (Column("Count"), Column("Of step before"), Column("Of first step"))
    return TableView("", "", "Step", columns, tuple(rows))


def _funnel_chart(s: FunnelSection) -> BarChart:
    items = []
    for st in s.steps:
        share = (
            f" ({_fmt(st.overall_rate, 'percent')})"
            if st.overall_rate is not None and st is not s.steps[0]
            else ""
        )
        items.append(
            BarItem(
                STEP_TITLES.get(st.step, st.step.capitalize()),
                st.count,
                _fmt(st.count, "count") + share,
            )
        )
    return BarChart(
        "section-funnel-count",
        "Funnel: count at each step",
        "Count (share of the first step)",
        tuple(items),
    )


_PLURAL = {
    "month": "months",
    "quarter": "quarters",
    "week": "weeks",
    "year": "years",
    "day": "days",
}


def _share(v: float | None) -> str:
    """Cohort cells are read at a glance: whole percents (the JSON has the exact share)."""
    return "" if v is None else f"{v:.0%}"


def _cohorts(s: CohortSection) -> tuple[TableView, tuple[HeatRow, ...], tuple[str, ...], str]:
    shown = s.rows[-MAX_COHORTS:]
    width = max((i + 1 for r in shown for i, v in enumerate(r.cells) if v is not None), default=0)
    heat = tuple(
        HeatRow(
            r.cohort,
            _fmt(r.size, "count"),
            tuple(Cell(_share(v), v) for v in r.cells[:width])
            + (Cell(""),) * (width - len(r.cells)),
        )
        for r in shown
    )
    ks = tuple(str(k) for k in range(width))
    plural = _PLURAL.get(s.grain, f"{s.grain}s")
    columns = (Column("Size"), *(Column(k) for k in ks))
    rows = tuple(Row(h.label, (Cell(h.size), *h.cells)) for h in heat)
    caption = (
        f"Share of each cohort still active k {plural} after acquisition "
        f"(k = 0: the {s.grain} acquired); blank: not over yet."
    )
    if len(s.rows) > len(shown):
        caption += f" The last {len(shown)} of {len(s.rows)} cohorts; the JSON output has all."
    table = TableView("", "", "Cohort", columns, rows, caption=caption)
    return table, heat, ks, f"{plural.capitalize()} since acquisition"


def section_view(s: Section, currency: str | None) -> SectionView:
    """A section's table (and chart data); without data, its reason."""
    title = SECTION_TITLES.get(s.name, s.name.replace("_", " ").capitalize())
    view = SectionView(s.name, title, None, s.reason or "unavailable", s.notes)
    notes = Notes()
    data = s.data
    if isinstance(data, PipelineSection):
        table = _pipeline(data, currency, notes)
        view = replace(view, charts=_pipeline_charts(data, currency))
    elif isinstance(data, FunnelSection):
        table = _funnel(data, notes)
        view = replace(view, charts=(_funnel_chart(data),) if data.steps else ())
    elif isinstance(data, CohortSection):
        table, heat, ks, axis = _cohorts(data)
        view = replace(view, heat_rows=heat, heat_columns=ks, heat_axis=axis)
    else:
        return view
    full = replace(table, id=view.id, title=title, notes=tuple(notes.reasons))
    return replace(view, table=full, reason=None)


def section_views(report: Report) -> tuple[SectionView, ...]:
    return tuple(section_view(s, report.currency) for s in report.sections)
