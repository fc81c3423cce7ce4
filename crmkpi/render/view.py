"""The report as people read it: display strings, change arrows, statuses and
trend points, worked out once so that HTML, Markdown, CSV and the terminal agree.

Templates receive a ``ReportView`` and only lay it out; no number is
formatted in a template. Every text is in the report's language (``i18n``),
every day in its calendar (``dates``), except ``status`` and the ``name`` of
a period, which are ids (templates translate the status with ``_()``).
Pure Python: no polars, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from crmkpi import __version__
from crmkpi.engine import InputSummary, KpiResult, Report
from crmkpi.leniency import share_text
from crmkpi.periods import Period
from crmkpi.render.analyses_view import BreakdownView, breakdown_views
from crmkpi.render.check import rules_text
from crmkpi.render.dates import day_text, period_title, span_text
from crmkpi.render.format import (
    compact,
    direction,
    display,
    display_change,
    display_relative,
    relative,
    shown,
    shown_change,
)
from crmkpi.render.i18n import ENGLISH, N_, Messages, messages
from crmkpi.render.labels import kpi_label
from crmkpi.render.section_view import SectionView, section_views
from crmkpi.targets import Verdict, judge_report, project

COMPARISON_TITLES = {"previous": N_("Previous"), "year_ago": N_("Year ago")}
CHANGE_TITLES = {"previous": N_("Change"), "year_ago": N_("vs year ago")}
STATUS_WORDS = (N_("pass"), N_("warn"), N_("fail"), N_("error"))  # templates: _(k.status)
ARROWS = {"up": "▲", "down": "▼"}
STATUS_EMOJI = {"pass": "✅", "warn": "⚠️", "fail": "❌", "error": "❓"}
MOVERS = 3  # the largest relative changes the summary names
TABLE_TITLES = {
    "customers": N_("customers"),
    "leads": N_("leads"),
    "deals": N_("deals"),
    "deal_stages": N_("deal_stages"),
    "tickets": N_("tickets"),
    "surveys": N_("surveys"),
    "spend": N_("spend"),
}


def table_title(table: str, tr: Messages) -> str:
    """A canonical table's name in the report's language (the id in English)."""
    return tr(TABLE_TITLES[table]) if table in TABLE_TITLES else table


@dataclass(frozen=True, slots=True)
class PeriodView:
    name: str  # "period", "previous", "year_ago"
    title: str  # "Period", "Previous", "Year ago"
    label: str  # "2026-10", "1405-07": the canonical label
    start: date
    last_day: date
    partial: bool
    display: str  # as a reader names it: "2026-10", "Mehr 1405", "مهر ۱۴۰۵"
    span: str  # "2026-10-01 – 2026-10-31" (one day: just the day)
    change_title: str  # the heading of the change against this period: "Change"


@dataclass(frozen=True, slots=True)
class ChangeView:
    """The KPI against one comparison period (``period``: its display name)."""

    name: str
    title: str
    period: str
    value: float | None
    display: str
    reason: str | None
    delta: float | None  # between the values as shown: it adds up
    delta_display: str  # "+8,702.00", "±0" when the shown values are equal
    arrow: str  # "up", "down" or "" (no change to show, or none at display precision)
    tone: str  # "good", "bad", "neutral" (no change: neutral, uncoloured)
    relative: float | None = None  # delta / |earlier|; None when earlier is 0 or missing
    relative_display: str = ""  # "+0.8%"; '' when there is none
    card_display: str = ""  # the value on a card: compact money ("USD 1.15 M")


@dataclass(frozen=True, slots=True)
class TrendPoint:
    period: str  # the period's display name
    value: float | None
    display: str
    reason: str | None
    partial: bool = False  # cut at the as-of day: drawn apart from the whole periods
    projected: float | None = None  # a partial flow KPI's pacing projection
    note: str = ""  # a partial point's "partial: 20 of 30 days"


@dataclass(frozen=True, slots=True)
class KpiView:
    id: str
    label: str
    unit: str
    better: str | None
    value: float | None
    display: str
    reason: str | None
    changes: tuple[ChangeView, ...]
    target: float | None
    target_display: str  # '' when there is no target ("—" is only ever "unavailable")
    status: str | None  # pass, warn, fail, error; None when not checked
    status_emoji: str
    condition: str | None
    pacing: str | None  # "on track for 94% of target (projected 1,230)"
    trend: tuple[TrendPoint, ...]
    definition: str
    card_display: str = (
        ""  # the value on a card: compact money ("USD 1.16 M"), ``display`` in its title
    )
    # A cohort KPI whose cohort is still open (not a "mover" in the summary); None: not one.
    maturing: bool | None = None
    maturity: str = ""  # what the reader must know of a cohort KPI's value ('' nothing)

    @property
    def available(self) -> bool:
        return self.value is not None


@dataclass(frozen=True, slots=True)
class SummaryLine:
    """One line of the summary that opens a report: a KPI that fails, errs or
    warns (``kind`` its status), or one of the largest movers (``kind`` "up"
    or "down", ``tone`` whether that is good)."""

    kind: str  # "fail", "error", "warn", "up", "down"
    kpi: str  # the KPI id
    label: str
    value: str  # the value as shown
    detail: str  # "warn if > 3%", "target USD 1,200,000.00", "+15.4 (+86.0%) vs 2026-09"
    tone: str = "neutral"

    @property
    def mover(self) -> bool:
        return self.kind in ARROWS


@dataclass(frozen=True, slots=True)
class InputView:
    table: str
    file: str
    preset: str
    rows: int
    skipped: int
    skipped_by_reason: tuple[tuple[str, int], ...]
    latest: date | None
    latest_text: str  # in the report's calendar and digits; '' when unknown
    skipped_share: float = 0.0  # skipped / rows read
    skipped_share_text: str = ""  # "4.9%" in the report's digits; '' when nothing was skipped
    stale: bool = False  # too old for the period (``freshness``): the warnings say how
    title: str = ""  # the table's name in the report's language ("customers", "مشتریان")


@dataclass(frozen=True, slots=True)
class ReportView:
    title: str
    as_of: date
    currency: str | None
    period: PeriodView
    comparisons: tuple[PeriodView, ...]
    kpis: tuple[KpiView, ...]
    inputs: tuple[InputView, ...]
    warnings: tuple[str, ...]
    version: str
    trend: tuple[str, ...]  # the trend's periods by display name, oldest first
    breakdowns: tuple[BreakdownView, ...] = ()  # top groups, the rest in (other)
    sections: tuple[SectionView, ...] = ()
    lang: str = "en"  # the HTML lang attribute
    direction: str = "ltr"  # "rtl" for Persian: the HTML dir attribute
    as_of_text: str = ""  # as_of in the report's calendar and digits
    freshness_text: str = ""
    partial_note: str = ""  # "partial: 20 of 30 days" when the period is cut short
    summary: tuple[SummaryLine, ...] = ()  # failing and warning KPIs, then the largest movers

    @property
    def rtl(self) -> bool:
        return self.direction == "rtl"

    @property
    def judged(self) -> bool:
        """Whether any KPI has a target or a status (else those columns are left out)."""
        return any(k.status is not None or k.target is not None for k in self.kpis)

    @property
    def has_trend(self) -> bool:
        return any(len(k.trend) > 1 for k in self.kpis)

    @property
    def freshness(self) -> date | None:
        """The latest date seen in any input: how fresh the data is."""
        return max((i.latest for i in self.inputs if i.latest), default=None)


def arrow(name: str) -> str:
    """``up`` → ``▲``; '' when there is no change to show."""
    return ARROWS.get(name, "")


def period_view(name: str, p: Period, tr: Messages) -> PeriodView:
    title = N_("Period") if name == "period" else COMPARISON_TITLES.get(name, name)
    change_title = CHANGE_TITLES.get(name) or tr("vs {period}", period=tr(title).lower())
    return PeriodView(
        name,
        tr(title),
        p.label,
        p.start,
        p.last_day,
        p.partial,
        display=period_title(p.label, p.calendar, tr),
        span=span_text(p.start, p.last_day, p.calendar, tr),
        change_title=tr(change_title),
    )


def _arrow(delta: float | None) -> str:
    if not delta:  # None, or no change at display precision
        return ""
    return "up" if delta > 0 else "down"


def change_view(
    r: KpiResult, name: str, p: Period, currency: str | None, tr: Messages
) -> ChangeView:
    """The change is worked out from the two values as shown (``shown_change``),
    so it adds up, reads ``±0`` with no arrow and no colour when they are
    equal, and its relative size is of the shown earlier value."""
    unit, now, earlier = r.kpi.unit, r.current.value, r.comparisons[name]
    delta = shown_change(now, earlier.value, unit, currency)
    share = None
    if delta is not None and now is not None and earlier.value is not None:
        share = relative(shown(now, unit, currency), shown(earlier.value, unit, currency))
    return ChangeView(
        name=name,
        title=tr(COMPARISON_TITLES.get(name, name)),
        period=period_title(p.label, p.calendar, tr),
        value=earlier.value,
        display=display(earlier.value, unit, currency, tr),
        reason=earlier.reason,
        delta=delta,
        delta_display=display_change(delta, unit, currency, tr),
        arrow=_arrow(delta),
        tone=direction(delta, r.kpi.better),
        relative=share,
        relative_display=display_relative(share, tr) if delta else "",  # "±0" says it all
        card_display=compact(earlier.value, unit, currency, tr),
    )


def _pacing_text(v: Verdict, r: KpiResult, currency: str | None, tr: Messages) -> str | None:
    if v.pacing is None:
        return None
    projected = display(v.pacing.projected, r.kpi.unit, currency, tr)
    if v.pacing.of_target is None:
        return tr("projected {projected} for the full period", projected=projected)
    share = tr.number(f"{v.pacing.of_target:.0%}")
    return tr(
        "on track for {share} of target (projected {projected})", share=share, projected=projected
    )


def partial_text(p: Period, tr: Messages) -> str:
    """``partial: 20 of 30 days`` for a period cut at the as-of day; '' otherwise."""
    if not p.partial or p.full_end is None:
        return ""
    whole = tr.number((p.full_end - p.start).days)
    return tr("partial: {days} of {whole} days", days=tr.number(p.days), whole=whole)


def _trend(
    r: KpiResult, periods: tuple[Period, ...], currency: str | None, tr: Messages
) -> tuple[TrendPoint, ...]:
    return tuple(
        TrendPoint(
            period_title(p.label, p.calendar, tr),
            m.value,
            compact(m.value, r.kpi.unit, currency, tr),  # axis labels: short money
            m.reason,
            p.partial,
            project(m.value, r.kpi.additive, p),
            partial_text(p, tr),
        )
        for p, m in zip(periods, r.trend, strict=True)
    )


# The things a cohort KPI counts, by its first table: "62% of the deals created …".
_COHORT_TEXT = {
    "deals": N_("maturing: {share} of the deals created in the period are still open"),
    "leads": N_("maturing: {share} of the leads created in the period are still open"),
}
_COHORT_OTHER = N_("maturing: {share} of the period's cohort is still open")


def maturity_text(r: KpiResult, report: Report, tr: Messages) -> str:
    """What a cohort KPI's reader must know: that its value is maturing (with
    the share of its cohort still open), that earlier periods are compared at
    the same age, and how many of their outcomes have no date (they count as
    the data stands); '' when there is nothing to say."""
    parts = []
    if r.maturing and r.current.open_share is not None:
        share = tr.number(f"{r.current.open_share:.0%}")
        parts.append(tr(_COHORT_TEXT.get(r.kpi.tables[0], _COHORT_OTHER), share=share))
        if report.comparisons:
            parts.append(tr("earlier periods are compared at the same age"))
    undated = sum(m.undated for m in r.comparisons.values())
    if undated:
        parts.append(
            tr(
                "outcomes without a date in the compared periods, counted as the data stands: {count}",
                count=tr.number(undated),
            )
        )
    return tr.join(parts)


def kpi_view(r: KpiResult, report: Report, verdict: Verdict, tr: Messages) -> KpiView:
    cur = report.currency
    target = verdict.target
    return KpiView(
        id=r.spec.id,
        label=kpi_label(r, tr),
        unit=r.kpi.unit,
        better=r.kpi.better,
        value=r.current.value,
        display=display(r.current.value, r.kpi.unit, cur, tr),
        reason=r.current.reason,
        changes=tuple(change_view(r, n, p, cur, tr) for n, p in report.comparisons.items()),
        target=target,
        target_display=display(target, r.kpi.unit, cur, tr) if target is not None else "",
        status=verdict.status,
        status_emoji=STATUS_EMOJI.get(verdict.status or "", ""),
        condition=verdict.condition,
        pacing=_pacing_text(verdict, r, cur, tr),
        trend=_trend(r, report.trend, cur, tr),
        definition=r.kpi.described,
        card_display=compact(r.current.value, r.kpi.unit, cur, tr),
        maturing=r.maturing,
        maturity=maturity_text(r, report, tr),
    )


def _status_detail(r: KpiResult, v: Verdict, currency: str | None, tr: Messages) -> str:
    """Why a KPI is in the summary: its rules (``warn if > 3%``), its target
    (and pacing), or why its value is unavailable."""
    if r.current.value is None:
        return r.current.reason or tr("unavailable")
    parts = [rules_text(r.spec, tr)] if (r.spec.fail or r.spec.warn) else []
    if v.target is not None:
        target = tr("target {target}", target=display(v.target, r.kpi.unit, currency, tr))
        if v.pacing and v.pacing.of_target is not None:
            share = tr.number(f"{v.pacing.of_target:.0%}")
            target += tr.comma + tr("on track for {share}", share=share)
        parts.append(target)
    return tr.join([p for p in parts if p])


def summary_lines(report: Report, tr: Messages) -> tuple[SummaryLine, ...]:
    """What changed, first: the KPIs that fail, err or warn (in that order,
    each in config order), then the ``MOVERS`` largest changes against the
    first comparison by relative size (maturing KPIs left out: their change
    is mostly time still to come), one line each."""
    verdicts = judge_report(report)
    cur = report.currency
    lines = [
        SummaryLine(
            status,
            r.spec.id,
            kpi_label(r, tr),
            display(r.current.value, r.kpi.unit, cur, tr),
            _status_detail(r, verdicts[r.spec.id], cur, tr),
        )
        for status in ("fail", "error", "warn")
        for r in report.kpis
        if verdicts[r.spec.id].status == status
    ]
    if not report.comparisons:
        return tuple(lines)
    name, period = next(iter(report.comparisons.items()))
    views = [(kpi_view(r, report, verdicts[r.spec.id], tr), r) for r in report.kpis]
    changes = [(k, change_view(r, name, period, cur, tr)) for k, r in views if not k.maturing]
    moved = [(k, c) for k, c in changes if c.relative and c.arrow]
    moved.sort(key=lambda kc: -abs(kc[1].relative or 0.0))  # stable: config order on ties
    for k, c in moved[:MOVERS]:
        detail = f"{c.delta_display} ({c.relative_display}) " + tr("vs {period}", period=c.period)
        lines.append(SummaryLine(c.arrow, k.id, k.label, k.display, detail, c.tone))
    return tuple(lines)


def _input_view(i: InputSummary, calendar: str, tr: Messages) -> InputView:
    return InputView(
        i.table,
        i.path.name,
        i.preset,
        i.rows,
        i.skipped,
        tuple(i.skipped_by_reason.items()),
        i.latest,
        day_text(i.latest, calendar, tr) if i.latest else "",
        i.skipped_share,
        tr.number(share_text(i.skipped_share)) if i.skipped else "",
        i.stale,
        table_title(i.table, tr),
    )


def report_view(report: Report, *, top: int = 10) -> ReportView:
    """``top``: the groups a breakdown shows before folding the rest into
    ``(other)``. The language is ``report.locale``, the calendar the period's."""
    tr = messages(report.locale)
    calendar = report.period.calendar
    verdicts = judge_report(report)
    inputs = tuple(_input_view(i, calendar, tr) for i in report.inputs)
    latest = max((i.latest for i in report.inputs if i.latest), default=None)
    return ReportView(
        title=report.title,
        as_of=report.as_of,
        currency=report.currency,
        period=period_view("period", report.period, tr),
        comparisons=tuple(period_view(n, p, tr) for n, p in report.comparisons.items()),
        kpis=tuple(kpi_view(r, report, verdicts[r.spec.id], tr) for r in report.kpis),
        inputs=inputs,
        warnings=report.warnings,
        version=__version__,
        trend=tuple(period_title(p.label, p.calendar, tr) for p in report.trend),
        breakdowns=breakdown_views(report, top),
        sections=section_views(report),
        lang=tr.code,
        direction=tr.direction,
        as_of_text=day_text(report.as_of, calendar, tr),
        freshness_text=day_text(latest, calendar, tr) if latest else "",
        partial_note=partial_text(report.period, tr),
        summary=summary_lines(report, tr),
    )


def unavailable_notes(
    view: ReportView, tr: Messages = ENGLISH
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Why values are missing, grouped by reason: ``(reason, ("Win rate (year
    ago)", "Weighted pipeline"))`` in first-seen order, so a table can show
    ``—`` and the reader still learns why. A KPI missing for the same reason
    in every column is named once, without the columns."""
    notes: dict[str, list[str]] = {}
    for k in view.kpis:
        missing: dict[str, list[str]] = {}
        if k.value is None:
            missing.setdefault(k.reason or tr("unavailable"), []).append("")
        for c in k.changes:
            if c.value is None:
                missing.setdefault(c.reason or tr("unavailable"), []).append(c.title.lower())
        for reason, where in missing.items():
            everywhere = len(where) == 1 + len(k.changes)
            named = [w for w in where if w]
            suffix = f" ({tr.join(named)})" if named and not everywhere else ""
            notes.setdefault(reason, []).append(k.label + suffix)
    return tuple((reason, tuple(labels)) for reason, labels in notes.items())
