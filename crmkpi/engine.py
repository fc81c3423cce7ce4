"""The report engine: load what the KPIs need, compute every KPI for every
period in one ``collect_all``, return frozen results.

Nothing here prints or renders; unavailable values carry their reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from crmkpi.canonical import EXTENSIONS, TABLES
from crmkpi.config import Config
from crmkpi.errors import ConfigError, DataError
from crmkpi.kpis import Kpi, KpiOptions, Tables, get
from crmkpi.kpis._expr import CONFIG_ERROR, REASON, VALUE
from crmkpi.kpispec import KpiSpec
from crmkpi.periods import Period, parse_period, previous, year_ago
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

    @property
    def label(self) -> str:
        """The label, with a non-default option next to it (KPIS.md)."""
        label = self.spec.label or self.kpi.label
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


def needed_tables(specs: tuple[KpiSpec, ...]) -> tuple[str, ...]:
    wanted = {t for spec in specs for t in (*get(spec.id).tables, *get(spec.id).optional_tables)}
    return tuple(t for t in TABLES if t in wanted)


def load_inputs(cfg: Config, tables: tuple[str, ...], lenient: bool) -> Inputs:
    """Read and validate each table; a default file that is absent is not an error."""
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
        raw = open_table(path, sheet=source.sheet, separator=source.separator)
        loaded[name] = load_table(raw, TABLES[name], source, ctx)
    if "deal_stages" in loaded and "deals" in loaded:  # SCHEMA.md: deal_id must exist in deals
        loaded["deal_stages"] = check_references(
            loaded["deal_stages"], loaded["deals"], "deal_id", lenient
        )
    return Inputs(loaded, absent)


def unavailable_reason(kpi: Kpi, inputs: Inputs) -> str | None:
    """Why ``kpi`` cannot be computed from these inputs at all, or None."""
    for table in kpi.tables:
        if table in inputs.absent:
            return inputs.absent[table]
    for needed in kpi.columns:
        table, column = needed.split(".")
        if column not in inputs.loaded[table].columns:
            return f"{table} has no {column} column"
    return None


def compute_values(
    specs: tuple[KpiSpec, ...],
    periods: list[Period],
    inputs: Inputs,
    options: dict[str, KpiOptions],
) -> dict[tuple[str, int], Measured]:
    """Every KPI for every period, from one ``collect_all`` (shared scans run once)."""
    tables = inputs.tables()
    results: dict[tuple[str, int], Measured] = {}
    keys: list[tuple[str, int]] = []
    frames: list[pl.LazyFrame] = []
    for spec in specs:
        kpi = get(spec.id)
        reason = unavailable_reason(kpi, inputs)
        for index, period in enumerate(periods):
            if reason is not None:
                results[(spec.id, index)] = Measured(None, reason)
            else:
                keys.append((spec.id, index))
                frames.append(kpi.compute(tables, period, options[spec.id]))
    where = {spec.id: spec.where for spec in specs}
    for key, frame in zip(keys, pl.collect_all(frames), strict=True):
        if CONFIG_ERROR in frame.columns and frame[CONFIG_ERROR][0] is not None:
            prefix = f"{where[key[0]]}: " if where[key[0]] else ""
            raise ConfigError(f"{prefix}{key[0]}: {frame[CONFIG_ERROR][0]}")
        results[key] = Measured(frame[VALUE][0], frame[REASON][0])
    return results


def kpi_options(cfg: Config, spec: KpiSpec) -> KpiOptions:
    return KpiOptions(stat=spec.stat, settings=cfg.settings)


def run_report(
    cfg: Config, as_of: date, *, period_text: str | None = None, lenient: bool = False
) -> Report:
    """Compute the configured KPI set for a period and its comparisons."""
    period = resolve_period(cfg, period_text, as_of)
    comparisons = comparison_periods(period, cfg.compare)
    specs = cfg.kpis
    inputs = load_inputs(cfg, needed_tables(specs), lenient)
    periods = [period, *comparisons.values()]
    options = {spec.id: kpi_options(cfg, spec) for spec in specs}
    values = compute_values(specs, periods, inputs, options)
    results = tuple(
        KpiResult(
            kpi=get(spec.id),
            spec=spec,
            current=values[(spec.id, 0)],
            comparisons={name: values[(spec.id, i + 1)] for i, name in enumerate(comparisons)},
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
