"""The report engine: load what the KPIs need, compute every KPI for every
period in one ``collect_all``, return frozen results.

Nothing here prints or renders; unavailable values carry their reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from crmkpi.canonical import EXTENSIONS, TABLES
from crmkpi.config import Config
from crmkpi.custom import evaluate, formula_refs
from crmkpi.errors import ConfigError, DataError
from crmkpi.kpis import Kpi, KpiOptions, KpiSettings, Tables, get
from crmkpi.kpis._expr import CONFIG_ERROR, REASON, VALUE
from crmkpi.kpispec import KpiSpec
from crmkpi.periods import Period, parse_period, previous, trend_periods, year_ago
from crmkpi.schema import LoadContext, LoadedTable, check_references, load_table
from crmkpi.sources.loaders import find_table_file, open_table


@dataclass(frozen=True, slots=True)
class Measured:
    """A value, or ``None`` with the reason it is unavailable."""

    value: float | None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class KpiResult:
    kpi: Kpi
    spec: KpiSpec
    current: Measured
    comparisons: dict[str, Measured]
    trend: tuple[Measured, ...] = ()

    @property
    def label(self) -> str:
        """The label, with a non-default option next to it (KPIS.md)."""
        builtin = self.spec.base == self.spec.id
        default = self.kpi.label if builtin else self.spec.id.replace("_", " ").capitalize()
        label = self.spec.label or default
        return f"{label} ({self.spec.stat})" if self.spec.stat != "mean" else label


@dataclass(frozen=True, slots=True)
class InputSummary:
    table: str
    path: Path
    preset: str
    rows: int
    skipped: int
    skipped_by_reason: dict[str, int]
    latest: date | None


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


@dataclass(frozen=True, slots=True)
class Inputs:
    """The loaded tables, and why each absent one is absent."""

    loaded: dict[str, LoadedTable]
    absent: dict[str, str]

    def tables(self) -> Tables:
        return Tables(**{name: t.frame.lazy() for name, t in self.loaded.items()})


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


def needed_tables(specs: tuple[KpiSpec, ...]) -> tuple[str, ...]:
    by_id = {s.id: s for s in specs}
    kpis = [get(part) for spec in specs for part in _parts(spec, by_id)]
    wanted = {t for kpi in kpis for t in (*kpi.tables, *kpi.optional_tables)}
    return tuple(t for t in TABLES if t in wanted)


def _no_step(text: str) -> None:
    """``on_step`` when nobody is watching."""


def load_inputs(
    cfg: Config, tables: tuple[str, ...], lenient: bool, on_step: Callable[[str], None] = _no_step
) -> Inputs:
    """Read and validate each table; a default file that is absent is not an error.
    ``on_step`` hears what is being done (the CLI shows it as progress)."""
    if not cfg.data.is_dir():
        raise DataError(
            f"{cfg.data}: data folder not found"
            if not cfg.data.exists()
            else f"{cfg.data}: is not a folder"
        )
    ctx = LoadContext(timezone=cfg.timezone, currency=cfg.currency, lenient=lenient)
    loaded: dict[str, LoadedTable] = {}
    absent: dict[str, str] = {}
    for name in tables:
        source = cfg.source(name)
        path = source.path or find_table_file(cfg.data, name)
        if source.path is not None and not source.path.exists():
            raise DataError(f"{source.path}: file not found (named in sources.{name}.path)")
        if path is None:
            absent[name] = (
                f"{name} table missing (no {name}{'/'.join(EXTENSIONS)} in {cfg.data.name or cfg.data})"
            )
            continue
        on_step(f"reading {path.name}")
        raw = open_table(path, sheet=source.sheet, separator=source.separator)
        loaded[name] = load_table(raw, TABLES[name], source, ctx)
    if "deal_stages" in loaded and "deals" in loaded:  # SCHEMA.md: deal_id must exist in deals
        loaded["deal_stages"] = check_references(
            loaded["deal_stages"], loaded["deals"], "deal_id", lenient
        )
    return Inputs(loaded, absent)


def unavailable_reason(kpi: Kpi, inputs: Inputs, extra: tuple[str, ...] = ()) -> str | None:
    """Why ``kpi`` cannot be computed from these inputs at all, or None.
    ``extra`` lists more ``table.column`` needs (a custom filter's columns)."""
    for table in kpi.tables:
        if table in inputs.absent:
            return inputs.absent[table]
    for needed in (*kpi.columns, *extra):
        table, column = needed.split(".")
        if column not in inputs.loaded[table].columns:
            return f"{table} has no {column} column"
    return None


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


def compute_values(
    specs: tuple[KpiSpec, ...], periods: list[Period], inputs: Inputs, settings: KpiSettings
) -> dict[tuple[str, int], Measured]:
    """Every KPI for every period, from one ``collect_all`` (shared scans run
    once); formula KPIs are then evaluated from their parts."""
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
                frames.append(m.kpi.compute(tables, period, m.options))
    for (m, index), frame in zip(keys, pl.collect_all(frames), strict=True):
        if CONFIG_ERROR in frame.columns and frame[CONFIG_ERROR][0] is not None:
            prefix = f"{m.where}: " if m.where else ""
            raise ConfigError(f"{prefix}{m.key}: {frame[CONFIG_ERROR][0]}")
        results[(m.key, index)] = Measured(frame[VALUE][0], frame[REASON][0])
    _evaluate_formulas(specs, len(periods), results)
    return results


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


def run_report(
    cfg: Config,
    as_of: date,
    *,
    period_text: str | None = None,
    lenient: bool = False,
    trend: int | None = None,
    on_step: Callable[[str], None] = _no_step,
) -> Report:
    """Compute the configured KPI set for a period, its comparisons and its
    trend (``trend`` periods ending with it; default: the config's)."""
    period = resolve_period(cfg, period_text, as_of)
    comparisons = comparison_periods(period, cfg.compare)
    history = trend_periods(period, cfg.trend if trend is None else trend)
    specs = cfg.kpis
    inputs = load_inputs(cfg, needed_tables(specs), lenient, on_step)
    # The previous period is usually a trend point too: each distinct period is computed once.
    index = {p: i for i, p in enumerate(dict.fromkeys([period, *comparisons.values(), *history]))}
    on_step(f"computing {len(specs)} KPIs for {len(index)} periods")
    values = compute_values(specs, list(index), inputs, cfg.settings)
    results = tuple(
        KpiResult(
            kpi=resolve_kpi(spec),
            spec=spec,
            current=values[(spec.id, 0)],
            comparisons={name: values[(spec.id, index[p])] for name, p in comparisons.items()},
            trend=tuple(values[(spec.id, index[p])] for p in history),
        )
        for spec in specs
    )
    return Report(
        title=cfg.title,
        as_of=as_of,
        currency=cfg.currency,
        period=period,
        comparisons=comparisons,
        kpis=results,
        inputs=tuple(_summary(t) for t in inputs.loaded.values()),
        warnings=input_warnings(inputs) + _not_computed(cfg),
        trend=history,
    )


def _not_computed(cfg: Config) -> tuple[str, ...]:
    """Configured analyses this version does not compute yet: said, not hidden."""
    pending = [f"breakdowns by {', '.join(cfg.breakdowns)}"] if cfg.breakdowns else []
    pending += [f"the {name} section" for name in cfg.sections]
    return tuple(f"{item} is not computed in this version" for item in pending)


def input_warnings(inputs: Inputs) -> tuple[str, ...]:
    """What the reader must know about the inputs: skipped rows (nothing is
    dropped silently) and values that were ignored."""
    warnings: list[str] = []
    for t in inputs.loaded.values():
        if t.skipped:
            reasons = ", ".join(f"{reason}: {n}" for reason, n in t.skipped_by_reason.items())
            plural = "s" if t.skipped != 1 else ""
            warnings.append(f"{t.name}: skipped {t.skipped} row{plural} of {t.rows} ({reasons})")
        warnings.extend(t.warnings)
    return tuple(warnings)


def _summary(t: LoadedTable) -> InputSummary:
    return InputSummary(t.name, t.path, t.preset, t.rows, t.skipped, t.skipped_by_reason, t.latest)
