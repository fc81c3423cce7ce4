"""CSV: one row per KPI and period, then one per KPI and breakdown group, then
one per section row and field: the whole report, for spreadsheets and BI tools.

The columns are stable (``COLUMNS``, documented in docs/outputs.md); columns
added later come last, so a reader of the first ones is not disturbed.
Numbers are written as raw numbers (percent as a fraction, like JSON); text
cells are escaped (control characters, bidi overrides) and those a
spreadsheet would run as a formula get a leading ``'`` (docs/outputs.md).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from crmkpi.analyses import CohortSection, FunnelSection, PipelineSection, Section
from crmkpi.engine import KpiResult, Measured, Report
from crmkpi.kpis.registry import Unit
from crmkpi.periods import Period
from crmkpi.render.analyses_view import NONE_KEY
from crmkpi.render.format import raw_number
from crmkpi.render.safe_text import csv_text
from crmkpi.targets import Verdict, judge_report

COLUMNS = (
    "kpi", "label", "unit", "better", "role", "period", "start", "end",
    "value", "reason", "target", "status", "partial", "maturing", "open_share",
    "dimension", "group", "section", "row", "field", "note",
)  # fmt: skip
# A section row's numbers: field → (label, unit), in the JSON's names and order.
PIPELINE_FIELDS: dict[str, tuple[str, Unit]] = {
    "deals": ("Deals", "count"),
    "value": ("Value", "currency"),
    "weighted_value": ("Weighted value", "currency"),
    "left": ("Left", "count"),
    "mean_days": ("Mean time", "days"),
    "median_days": ("Median time", "days"),
    "moved_on": ("Moved on", "percent"),
}
STAGE_TIME_FIELDS = ("left", "mean_days", "median_days", "moved_on")  # need deal_stages
FUNNEL_FIELDS: dict[str, tuple[str, Unit]] = {
    "count": ("Count", "count"),
    "step_rate": ("Of step before", "percent"),
    "overall_rate": ("Of first step", "percent"),
}

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | None


def neutralise(cell: Cell) -> Cell:
    """``=HYPERLINK(…)`` → ``'=HYPERLINK(…)``: text only; numbers stay numbers."""
    if isinstance(cell, str) and cell.startswith(_FORMULA_START):
        return "'" + cell
    return cell


def _number(value: float | None, unit: Unit) -> Cell:
    """12 significant digits: exact for any real amount or count, and free of
    float summation noise (``1160932.6000000006``) that depends on how polars
    split the sum across threads."""
    number = raw_number(value, unit)
    return float(f"{number:.12g}") if isinstance(number, float) else number


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _cells(**named: Cell) -> list[Cell]:
    """One row in ``COLUMNS`` order; a column not named is empty."""
    assert named.keys() <= set(COLUMNS), named.keys() - set(COLUMNS)
    return [named.get(column) for column in COLUMNS]


def _period(p: Period) -> dict[str, Cell]:
    return {
        "period": p.label,
        "start": p.start.isoformat(),
        "end": p.last_day.isoformat(),
        "partial": _flag(p.partial),
    }


def _kpi(r: KpiResult, role: str, m: Measured) -> dict[str, Cell]:
    return {
        "kpi": r.spec.id,
        "label": r.label,
        "unit": r.kpi.unit,
        "better": r.kpi.better,
        "role": role,
        "value": _number(m.value, r.kpi.unit),
        "reason": m.reason,
    }


def _row(r: KpiResult, role: str, p: Period, m: Measured, verdict: Verdict | None) -> list[Cell]:
    if verdict is None:
        return _cells(**_kpi(r, role, m), **_period(p))
    # The report's own period: its target and status, and a cohort KPI's maturity.
    cohort = r.maturing is not None
    return _cells(
        **_kpi(r, role, m),
        **_period(p),
        target=_number(verdict.target, r.kpi.unit),
        status=verdict.status,
        maturing=_flag(bool(r.maturing)) if cohort else None,
        open_share=_number(m.open_share, "ratio") if cohort else None,
    )


def kpi_rows(report: Report) -> list[list[Cell]]:
    """Per KPI: the period (with target and status), each comparison, then the
    trend points oldest first (the last one is the period again)."""
    verdicts = judge_report(report)
    rows: list[list[Cell]] = []
    for r in report.kpis:
        rows.append(_row(r, "current", report.period, r.current, verdicts[r.spec.id]))
        for name, p in report.comparisons.items():
            rows.append(_row(r, name, p, r.comparisons[name], None))
        for p, m in zip(report.trend, r.trend, strict=True):
            rows.append(_row(r, "trend", p, m, None))
    return rows


def breakdown_rows(report: Report) -> list[list[Cell]]:
    """Per dimension, group (in the report's order: best first by the first
    KPI) and KPI: role ``breakdown``, the group's value for the period. Every
    group, unfolded (``--top`` only shortens tables); the total is the
    ``current`` row. ``group`` is ``(none)`` for rows with no value; ``note``,
    on every group's row of a KPI, says when its ``(none)`` group is large."""
    results = {r.spec.id: r for r in report.kpis}
    return [
        _cells(
            **_kpi(results[kpi], "breakdown", m),
            **_period(report.period),
            dimension=b.dimension,
            group=g.key if g.key is not None else NONE_KEY,
            note=b.notes.get(kpi),
        )
        for b in report.breakdowns
        for g in b.groups
        for kpi, m in g.values.items()
        if kpi in results
    ]


def _field_row(
    section: str,
    p: Period,
    row: str | None,
    field: str | None,
    label: str | None,
    unit: Unit | None,
    m: Measured,
) -> list[Cell]:
    return _cells(
        label=label,
        unit=unit,
        role="section",
        **_period(p),
        value=_number(m.value, unit) if unit else None,
        reason=m.reason,
        section=section,
        row=row,
        field=field,
    )


Field = tuple[str, str, str, Unit, Measured]  # row, field, label, unit, value


def _pipeline_fields(data: PipelineSection) -> Iterator[Field]:
    """Each stage's counts, amounts and times; without a stage_probability map
    or deal_stages, the numbers they give carry the reason instead."""
    for st in data.stages:
        stage = st.stage if st.stage is not None else NONE_KEY
        for field, (label, unit) in PIPELINE_FIELDS.items():
            why = data.weighted_reason if field == "weighted_value" else None
            if field in STAGE_TIME_FIELDS:
                if data.stage_time_reason is not None and field == "left":
                    continue  # no deal_stages: the times say why, once each
                why = data.stage_time_reason
            value = None if why else getattr(st, field)
            if value is None and why is None:
                why = "no visit of this stage ended in the period"
            yield stage, field, label, unit, Measured(value, why)


def _funnel_fields(data: FunnelSection) -> Iterator[Field]:
    """Each step's count and rates (the first step has no step before it)."""
    for i, step in enumerate(data.steps):
        for field, (label, unit) in FUNNEL_FIELDS.items():
            if field == "step_rate" and i == 0:
                continue
            value = getattr(step, field)
            why = None if value is not None else "the step before has no count"
            yield step.step, field, label, unit, Measured(value, why)


def _cohort_fields(data: CohortSection) -> Iterator[Field]:
    """Each cohort's size and share still active k periods on (``k0``, ``k1``
    …); cells not over yet are left out, as in the tables."""
    for c in data.rows:
        yield c.cohort, "size", "Size", "count", Measured(c.size)
        for k, share in enumerate(c.cells):
            if share is not None:
                yield c.cohort, f"k{k}", f"Share active, k = {k}", "percent", Measured(share)


def _section_fields(s: Section) -> Iterator[Field]:
    """Every number of a section: a number that cannot be computed is a row
    with its reason, never a blank."""
    data = s.data
    if isinstance(data, PipelineSection):
        yield from _pipeline_fields(data)
    elif isinstance(data, FunnelSection):
        yield from _funnel_fields(data)
    elif isinstance(data, CohortSection):
        yield from _cohort_fields(data)


def section_rows(report: Report) -> list[list[Cell]]:
    """Per section, row (stage, step or cohort) and field: role ``section``,
    the number in ``value``; a section that cannot be computed is one row
    with its reason."""
    rows: list[list[Cell]] = []
    p = report.period
    for s in report.sections:
        if s.data is None:
            why = s.reason or "unavailable"
            rows.append(_field_row(s.name, p, None, None, None, None, Measured(None, why)))
            continue
        rows += [_field_row(s.name, p, *fields) for fields in _section_fields(s)]
    return rows


def _safe(cell: Cell) -> Cell:
    """Control characters and bidi overrides escaped, then the formula guard."""
    return neutralise(csv_text(cell) if isinstance(cell, str) else cell)


def _line(cells: list[Cell] | tuple[str, ...]) -> str:
    """One CSV line ending in ``\\n``. A cell holding a line break, a bare
    ``\\r`` too, is quoted: the csv module quotes only the characters of its
    line terminator, so it writes ``\\r\\n`` lines here, cut to ``\\n``."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(cells)
    return buffer.getvalue()[:-2] + "\n"


def render_csv(report: Report) -> str:
    rows = kpi_rows(report) + breakdown_rows(report) + section_rows(report)
    return _line(COLUMNS) + "".join(_line([_safe(c) for c in row]) for row in rows)
