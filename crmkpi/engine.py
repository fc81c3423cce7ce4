"""The report engine: load what the KPIs need, compute every KPI for every
period in one ``collect_all``, return frozen results.

Nothing here prints or renders; unavailable values carry their reason.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from tempfile import TemporaryDirectory

import polars as pl

from crmkpi.analyses import Breakdown, BreakdownGroup, Measured, Section, checked_value
from crmkpi.breakdowns import (
    GROUP,
    group_values,
    grouped_tables,
    key_matches,
    key_warnings,
    none_notes,
    sort_groups,
    unreachable_reason,
)
from crmkpi.canonical import TABLES
from crmkpi.config import Config
from crmkpi.custom import evaluate, formula_refs
from crmkpi.errors import ConfigError, first_line, shorten
from crmkpi.inputs import (
    Inputs,
    InputSummary,
    input_warnings,
    judge_freshness,
    load_inputs,
    needed_day,
    no_step,
    resolve_engine,
    stale_warnings,
    summary,
    unavailable_reason,
)
from crmkpi.kpis import Kpi, KpiOptions, KpiSettings, Tables, get
from crmkpi.kpis._expr import CONFIG_ERROR, OPEN_SHARE, REASON, UNDATED, VALUE
from crmkpi.kpis.registry import MATURING_SHARE
from crmkpi.kpispec import KpiSpec
from crmkpi.periods import Period, parse_period, previous, trend_periods, year_ago
from crmkpi.sections import SECTION_TABLES, compute_sections

# InputSummary is part of a Report, so renderers import it from here.
__all__ = ["InputSummary", "KpiResult", "Measured", "Report", "compute_values", "run_report"]


@dataclass(frozen=True, slots=True)
class KpiResult:
    kpi: Kpi
    spec: KpiSpec
    current: Measured
    comparisons: dict[str, Measured]
    trend: tuple[Measured, ...] = ()
    reads: tuple[str, ...] = ()  # the tables its value is computed from

    @property
    def maturing(self) -> bool | None:
        """For a cohort KPI, whether at least ``MATURING_SHARE`` of the period's
        cohort is still open (its value will still move); None for other KPIs."""
        if not self.kpi.cohort:
            return None
        share = self.current.open_share
        return share is not None and share >= MATURING_SHARE

    @property
    def label(self) -> str:
        """The label, with a non-default option next to it (KPIS.md)."""
        return spec_label(self.spec, self.kpi)


def spec_label(spec: KpiSpec, kpi: Kpi) -> str:
    """A configured KPI's label, with a non-default option next to it (KPIS.md)."""
    builtin = spec.base == spec.id
    default = kpi.label if builtin else spec.id.replace("_", " ").capitalize()
    label = spec.label or default
    return f"{label} ({spec.stat})" if spec.stat != "mean" else label


@dataclass(frozen=True, slots=True)
class Report:
    title: str
    as_of: date
    currency: str | None
    period: Period
    comparisons: dict[str, Period]
    kpis: tuple[KpiResult, ...]
    inputs: tuple[InputSummary, ...]
    warnings: tuple[str, ...]
    trend: tuple[Period, ...] = ()
    breakdowns: tuple[Breakdown, ...] = ()
    sections: tuple[Section, ...] = ()
    locale: str = "en"


def resolve_period(cfg: Config, text: str | None, as_of: date) -> Period:
    return parse_period(
        text or cfg.period, as_of, fiscal_year_start=cfg.fiscal_year_start, calendar=cfg.calendar
    )


def comparison_periods(period: Period, compare: tuple[str, ...]) -> dict[str, Period]:
    makers = {"previous": previous, "year_ago": year_ago}
    return {name: makers[name](period) for name in compare}


def resolve_kpi(spec: KpiSpec) -> Kpi:
    """The registry KPI a spec computes; a formula KPI gets a definition of its own."""
    if spec.base:
        return get(spec.base)
    return Kpi(
        id=spec.id,
        label=spec.id,
        unit=spec.unit or "ratio",
        better=spec.better,
        tables=(),
        definition=f"formula: {spec.formula_text}",
        compute=_formula_compute,
        family="custom",
    )


def _formula_compute(t: Tables, p: Period, o: KpiOptions) -> pl.LazyFrame:
    raise LookupError("formula KPIs are evaluated from their parts, not computed")


def _parts(spec: KpiSpec, by_id: dict[str, KpiSpec]) -> tuple[str, ...]:
    """Registry ids a spec needs computed: its base, or, for a formula, every
    built-in it reads (through other custom KPIs too)."""
    if spec.base:
        return (spec.base,)
    refs = formula_refs(spec.formula) if spec.formula else ()
    return tuple(p for ref in refs for p in (_parts(by_id[ref], by_id) if ref in by_id else (ref,)))


def needed_tables(specs: tuple[KpiSpec, ...], optional: bool = True) -> tuple[str, ...]:
    """The tables the KPIs read; with ``optional``, those they read when
    present too (without: the tables they cannot do without)."""
    by_id = {s.id: s for s in specs}
    kpis = [get(part) for spec in specs for part in _parts(spec, by_id)]
    wanted = {t for k in kpis for t in (*k.tables, *(k.optional_tables if optional else ()))}
    return tuple(t for t in TABLES if t in wanted)


def _reads(spec: KpiSpec, by_id: dict[str, KpiSpec]) -> tuple[str, ...]:
    """The tables a spec's value is computed from (optional ones included)."""
    kpis = [get(part) for part in _parts(spec, by_id)]
    return tuple(dict.fromkeys(t for k in kpis for t in (*k.tables, *k.optional_tables)))


@dataclass(frozen=True, slots=True)
class _Measure:
    """One polars computation: a configured KPI, or (key ``=id``) the default
    definition of a built-in that a formula reads."""

    key: str
    kpi: Kpi
    options: KpiOptions
    columns: tuple[str, ...]
    where: str


def _measures(specs: tuple[KpiSpec, ...], settings: KpiSettings) -> list[_Measure]:
    measures: list[_Measure] = []
    by_id = {s.id: s for s in specs}
    for spec in specs:
        if spec.base:
            kpi = get(spec.base)
            row_filter = pl.sql_expr(spec.filter) if spec.filter else None
            columns = tuple(f"{kpi.tables[0]}.{c}" for c in spec.filter_columns)
            options = KpiOptions(stat=spec.stat, settings=settings, row_filter=row_filter)
            measures.append(_Measure(spec.id, kpi, options, columns, spec.where))
    defaults = {r for s in specs if s.formula for r in formula_refs(s.formula) if r not in by_id}
    measures += [
        _Measure(f"={ref}", get(ref), KpiOptions(settings=settings), (), "")
        for ref in sorted(defaults)
    ]
    return measures


# Streaming: KPI queries collected together, at most. All of a 6-month trend's
# at once (296 queries at 1M customers) peaked at 3.4 GB, as each query keeps
# its own buffers; 10 at a time at 1.6 GB, in the same time.
STREAMING_BATCH = 10


def compute_values(
    specs: tuple[KpiSpec, ...],
    periods: list[Period],
    inputs: Inputs,
    settings: KpiSettings,
    batch: int | None = None,
    cuts: Sequence[date | None] = (),
) -> dict[tuple[str, int], Measured]:
    """Every KPI for every period, from one ``collect_all`` (shared scans run
    once), or one per ``batch`` queries (streaming: bounded memory); formula
    KPIs are then evaluated from their parts. ``cuts``: per period, the
    equal-age cut of cohort KPIs (``measured_points``; none given: no cut)."""
    tables = inputs.tables()
    results: dict[tuple[str, int], Measured] = {}
    keys: list[tuple[_Measure, int]] = []
    frames: list[pl.LazyFrame] = []
    for m in _measures(specs, settings):
        reason = unavailable_reason(m.kpi, inputs, m.columns)
        for index, period in enumerate(periods):
            if reason is not None:
                results[(m.key, index)] = Measured(None, reason)
            else:
                keys.append((m, index))
                cut = cuts[index] if cuts and m.kpi.cohort else None
                options = replace(m.options, outcomes_by=cut) if cut else m.options
                frames.append(m.kpi.compute(tables, period, options))
    size = batch or max(len(frames), 1)
    try:
        collected = [
            f for i in range(0, len(frames), size) for f in pl.collect_all(frames[i : i + size])
        ]
    except pl.exceptions.PolarsError as exc:
        failing = _failing_filter(keys, frames)
        if failing is None:
            raise
        raise failing from exc
    for (m, index), frame in zip(keys, collected, strict=True):
        if CONFIG_ERROR in frame.columns and frame[CONFIG_ERROR][0] is not None:
            prefix = f"{m.where}: " if m.where else ""
            raise ConfigError(f"{prefix}{m.key}: {frame[CONFIG_ERROR][0]}")
        results[(m.key, index)] = _measured(frame)
    _evaluate_formulas(specs, len(periods), results)
    return results


def _failing_filter(
    keys: list[tuple[_Measure, int]], frames: list[pl.LazyFrame]
) -> ConfigError | None:
    """The error of a filter that type-checked on no rows but fails on the
    data (``CAST(owner AS INT)`` of a name), found by running each filtered
    query alone; None when none fails alone (then it is not the filter's)."""
    for (m, _), frame in zip(keys, frames, strict=True):
        if m.options.row_filter is None:
            continue
        try:
            frame.collect()
        except pl.exceptions.PolarsError as exc:
            prefix = f"{m.where}: " if m.where else ""
            return ConfigError(
                f"{prefix}the filter of {m.key} fails on the data "
                f"({shorten(first_line(exc), 200)}); a CAST of a value that is not of "
                "that type fails: TRY_CAST gives null instead"
            )
    return None


def _measured(frame: pl.DataFrame) -> Measured:
    """The one row of a KPI frame (NaN or infinity unavailable with a reason);
    a cohort KPI's frame has its cohort facts too."""
    measured = checked_value(frame[VALUE][0], frame[REASON][0])
    if OPEN_SHARE not in frame.columns:
        return measured
    return replace(measured, open_share=frame[OPEN_SHARE][0], undated=frame[UNDATED][0])


# A period a KPI is computed for, with the equal-age cut of cohort KPIs in it
# (None: outcomes as the data stands).
Point = tuple[Period, date | None]


def measured_points(
    period: Period, comparisons: dict[str, Period], history: tuple[Period, ...], as_of: date
) -> tuple[Point, dict[str, Point], tuple[Point, ...]]:
    """The reported period, its comparisons and its trend as the points the
    KPIs are computed at. Cohort KPIs compare at equal age: a comparison
    period C counts outcomes up to s_c + (as_of − s), C as old as the
    reported period is. The trend's whole points are at the age of the
    latest whole one, s_k + (as_of − s_w), so they compare with each other
    (a whole month cannot be as young as a partial one); the reported
    period counts outcomes as the data stands."""
    age = as_of - period.start
    whole = [p for p in history if not p.partial]
    trend_age = as_of - whole[-1].start if whole else age
    return (
        (period, None),
        {name: (c, c.start + age) for name, c in comparisons.items()},
        tuple((p, None if p == period else p.start + trend_age) for p in history),
    )


def _evaluate_formulas(
    specs: tuple[KpiSpec, ...], periods: int, results: dict[tuple[str, int], Measured]
) -> None:
    """Formulas read configured custom KPIs by id and built-ins by their default
    definition (key ``=id``), each after the formulas it reads (config has
    ruled out cycles)."""
    by_id = {s.id: s for s in specs}
    done = {key for key, _ in results}
    pending = [s for s in specs if s.formula is not None]
    while pending:
        ready = [s for s in pending if {_key(r, by_id) for r in _refs(s)} <= done]
        for spec in ready:
            for index in range(periods):
                values = {r: _operand(results[(_key(r, by_id), index)]) for r in _refs(spec)}
                results[(spec.id, index)] = Measured(*evaluate(spec.formula, values))  # type: ignore[arg-type]
            done.add(spec.id)
        pending = [s for s in pending if s not in ready]


def _refs(spec: KpiSpec) -> tuple[str, ...]:
    return formula_refs(spec.formula) if spec.formula else ()


def _key(ref: str, by_id: dict[str, KpiSpec]) -> str:
    return ref if ref in by_id else f"={ref}"


def _operand(m: Measured) -> tuple[float | None, str | None]:
    return m.value, m.reason


def compute_breakdowns(
    specs: tuple[KpiSpec, ...],
    dimensions: tuple[str, ...],
    period: Period,
    inputs: Inputs,
    settings: KpiSettings,
    totals: dict[str, Measured],
) -> tuple[Breakdown, ...]:
    """Every KPI within each group of each dimension, for ``period``, from one
    ``collect_all``; ``totals`` are the un-broken-down values."""
    if not dimensions:  # nothing to plan: the empty-table values serve only groups
        return ()
    frames = inputs.frames()
    columns = {name: tuple(t.columns) for name, t in inputs.loaded.items()}
    measures = _measures(specs, settings)
    missing = {m.key: unavailable_reason(m.kpi, inputs, m.columns) for m in measures}
    computable = [m for m in measures if missing[m.key] is None]
    # A KPI over a group with no rows in its tables: the same for every dimension.
    empty = Tables(**{name: frame.head(0) for name, frame in frames.items()})
    plans = [m.kpi.compute(empty, period, m.options) for m in computable]
    jobs: list[tuple[str, str]] = []
    fixed: dict[tuple[str, str], str] = {}
    for dim in dimensions:
        grouped, unreachable = grouped_tables(frames, columns, dim)
        # Optional tables a dimension cannot reach are read whole (a KPI only groups its own).
        tables = Tables(**{**frames, **grouped})
        for m in measures:
            reason = missing[m.key] or unreachable_reason(m.kpi, unreachable)
            if reason is not None:
                fixed[(dim, m.key)] = reason
                continue
            jobs.append((dim, m.key))
            plans.append(m.kpi.compute(tables, period, replace(m.options, by=(GROUP,))))
    collected = pl.collect_all(plans)
    nothing = {
        m.key: checked_value(frame[VALUE][0], frame[REASON][0])
        for m, frame in zip(computable, collected, strict=False)
    }
    measured = {
        job: (group_values(frame), nothing[job[1]])
        for job, frame in zip(jobs, collected[len(computable) :], strict=True)
    }
    return tuple(
        _breakdown(dim, specs, [m.key for m in measures], measured, fixed, totals)
        for dim in dimensions
    )


def customer_key_warnings(inputs: Inputs, dimensions: tuple[str, ...]) -> tuple[str, ...]:
    """Warnings for the tables whose rows mostly find no customer, when a
    breakdown reaches them through their customer (``breakdowns.key_matches``)."""
    customers = inputs.loaded.get("customers")
    if not dimensions or customers is None:
        return ()
    columns = {name: tuple(t.columns) for name, t in inputs.loaded.items()}
    plan = key_matches(inputs.frames(), columns, dimensions)
    return () if plan is None else key_warnings(plan.collect(), customers.path.name)


def _breakdown(
    dim: str,
    specs: tuple[KpiSpec, ...],
    keys: list[str],
    measured: dict[tuple[str, str], tuple[dict[str | None, Measured], Measured]],
    fixed: dict[tuple[str, str], str],
    totals: dict[str, Measured],
) -> Breakdown:
    """One dimension's groups: the union of the groups any KPI saw; a KPI
    whose table has no row of a group gets its value over no rows (0 for a
    count, unavailable with its reason for a ratio); formulas per group."""
    found = {g for (d, _), (groups, _) in measured.items() if d == dim for g in groups}
    groups = sorted(found, key=lambda g: (g is None, g or ""))
    values: dict[tuple[str, int], Measured] = {}
    for key in keys:
        for index, group in enumerate(groups):
            if (dim, key) in fixed:
                values[(key, index)] = Measured(None, fixed[(dim, key)])
            else:
                by_group, nothing = measured[(dim, key)]
                values[(key, index)] = by_group.get(group, nothing)
    _evaluate_formulas(specs, len(groups), values)
    rows = [
        BreakdownGroup(g, {s.id: values[(s.id, i)] for s in specs}) for i, g in enumerate(groups)
    ]
    first = specs[0]
    better = first.better or resolve_kpi(first).better
    kpis = [(s.id, spec_label(s, k), k.tables[0]) for s in specs if (k := resolve_kpi(s)).tables]
    notes = none_notes(dim, rows, kpis)
    return Breakdown(dim, sort_groups(rows, first.id, better), totals, notes)


def run_report(
    cfg: Config,
    as_of: date,
    *,
    period_text: str | None = None,
    lenient: bool = False,
    trend: int | None = None,
    by: tuple[str, ...] | None = None,
    on_step: Callable[[str], None] = no_step,
) -> Report:
    """Compute the configured KPI set for a period, its comparisons, its
    trend (``trend`` periods ending with it) and its breakdowns (``by``
    dimensions); each defaults to the config's. Every query runs on the
    engine ``resolve_engine`` picks (streaming: bounded memory)."""
    engine = resolve_engine(cfg)
    with pl.Config(engine_affinity=engine), ExitStack() as stack:
        # Streaming writes each validated table to typed Parquet, so the KPI
        # queries (every period of a trend) scan that, not the CSVs again.
        spill = (
            Path(stack.enter_context(TemporaryDirectory(prefix="crmkpi-")))
            if engine == "streaming"
            else None
        )
        return _run_report(cfg, as_of, period_text, lenient, trend, by, on_step, spill)


def _run_report(
    cfg: Config,
    as_of: date,
    period_text: str | None,
    lenient: bool,
    trend: int | None,
    by: tuple[str, ...] | None,
    on_step: Callable[[str], None],
    spill: Path | None,
) -> Report:
    period = resolve_period(cfg, period_text, as_of)
    comparisons = comparison_periods(period, cfg.compare)
    history = trend_periods(period, cfg.trend if trend is None else trend)
    dimensions = cfg.breakdowns if by is None else by
    specs = cfg.kpis
    tables = needed_tables(specs)
    if dimensions and "customers" not in tables:  # dimensions reach other tables through it
        tables = ("customers", *tables)
    wanted = {*tables, *(t for name in cfg.sections for t in SECTION_TABLES[name])}
    # A table only a breakdown or a KPI's optional input reads may be absent
    # (a file named like it that is not one is said, not an error).
    needed = {*needed_tables(specs, optional=False), *(SECTION_TABLES[n][0] for n in cfg.sections)}
    inputs = load_inputs(
        cfg, tuple(t for t in TABLES if t in wanted), lenient, on_step, spill, tuple(needed)
    )
    current, compared, trended = measured_points(period, comparisons, history, as_of)
    # The previous period is usually a trend point too: each distinct point is computed once.
    index = {p: i for i, p in enumerate(dict.fromkeys([current, *compared.values(), *trended]))}
    on_step(f"computing {len(specs)} KPIs for {len(index)} periods")
    batch = STREAMING_BATCH if spill is not None else None
    points = list(index)
    cuts = [cut for _, cut in points]
    values = compute_values(specs, [p for p, _ in points], inputs, cfg.settings, batch, cuts)
    results = tuple(
        KpiResult(
            kpi=resolve_kpi(spec),
            spec=spec,
            current=values[(spec.id, 0)],
            comparisons={name: values[(spec.id, index[p])] for name, p in compared.items()},
            trend=tuple(values[(spec.id, index[p])] for p in trended),
            reads=_reads(spec, {s.id: s for s in specs}),
        )
        for spec in specs
    )
    if dimensions:
        on_step(f"breaking {len(specs)} KPIs down by {', '.join(dimensions)}")
    totals = {r.spec.id: r.current for r in results}
    breakdowns = compute_breakdowns(specs, dimensions, period, inputs, cfg.settings, totals)
    if cfg.sections:
        on_step(
            f"computing the {', '.join(cfg.sections)} section{'s' if len(cfg.sections) > 1 else ''}"
        )
    sections = compute_sections(cfg.sections, inputs.tables(), period, cfg.settings, inputs.absent)
    loaded = tuple(summary(t) for t in inputs.loaded.values())
    summaries = judge_freshness(loaded, cfg.freshness, needed_day(period, as_of))
    return Report(
        title=cfg.title,
        as_of=as_of,
        currency=cfg.currency,
        period=period,
        comparisons=comparisons,
        kpis=results,
        inputs=summaries,
        warnings=input_warnings(inputs)
        + stale_warnings(summaries, period.calendar)
        + customer_key_warnings(inputs, dimensions),
        trend=history,
        breakdowns=breakdowns,
        sections=sections,
        locale=cfg.locale,
    )
