"""The KPI registry: every built-in KPI as data plus one function.

``crmkpi kpis``, the engine and the docs read this one registry, so a KPI's
label, unit and definition cannot drift between them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Literal

from crmkpi.errors import ConfigError, suggest

if TYPE_CHECKING:
    import polars as pl

    from crmkpi.periods import Period

Unit = Literal["count", "percent", "currency", "days", "hours", "score", "ratio"]
Better = Literal["higher", "lower"]
Stat = Literal["mean", "median"]


@dataclass(frozen=True, slots=True)
class KpiSettings:
    """Config values some definitions read (SPEC.md defaults)."""

    sla_first_response_hours: float = 24.0
    clv_gross_margin: float = 1.0
    clv_max_lifespan_years: float = 10.0
    stage_probability: Mapping[str, float] | None = None


@dataclass(frozen=True, slots=True)
class KpiOptions:
    """How one KPI is computed: ``stat`` for mean-based KPIs, ``by`` the breakdown
    columns (empty = one overall value), ``row_filter`` a custom KPI's narrowing
    of its first table, applied after the row facts are decided.
    ``outcomes_by`` is a cohort KPI's equal-age cut: outcomes dated after that
    day are not counted yet (None: as the data stands)."""

    stat: Stat = "mean"
    by: tuple[str, ...] = ()
    settings: KpiSettings = field(default_factory=KpiSettings)
    row_filter: pl.Expr | None = field(default=None, compare=False)
    outcomes_by: date | None = None


@dataclass(frozen=True, slots=True)
class Tables:
    """Typed canonical tables as LazyFrames; ``None`` where a table is absent."""

    customers: pl.LazyFrame | None = None
    leads: pl.LazyFrame | None = None
    deals: pl.LazyFrame | None = None
    tickets: pl.LazyFrame | None = None
    surveys: pl.LazyFrame | None = None
    spend: pl.LazyFrame | None = None
    deal_stages: pl.LazyFrame | None = None

    def get(self, name: str) -> pl.LazyFrame:
        frame: pl.LazyFrame | None = getattr(self, name)
        if frame is None:  # the engine checks availability first; reaching here is a bug
            raise LookupError(f"table {name} was not loaded")
        return frame


# (tables, period, options) -> LazyFrame with columns *options.by, value (Float64), reason (String)
Compute = Callable[[Tables, "Period", KpiOptions], "pl.LazyFrame"]


@dataclass(frozen=True, slots=True)
class Kpi:
    """A built-in KPI. ``tables`` must all be present; ``columns`` lists the
    optional columns it reads as ``table.column`` (absent = unavailable, with
    that reason); ``reads`` the columns it reads only when they are there;
    ``additive`` marks flow KPIs that pacing may project; ``optional_tables``
    are read when present and used if they are. A column of either list that
    holds values crmkpi does not know makes the KPI unavailable. ``cohort``
    marks KPIs over the things created in P whose outcome comes later (a
    deal's win, a lead's conversion): they mature, and are compared at equal
    age (``COHORT_RULE``)."""

    id: str
    label: str
    unit: Unit
    better: Better | None
    tables: tuple[str, ...]
    definition: str
    compute: Compute
    columns: tuple[str, ...] = ()
    additive: bool = False
    stats: tuple[Stat, ...] = ("mean",)
    family: str = ""
    optional_tables: tuple[str, ...] = ()
    reads: tuple[str, ...] = ()
    cohort: bool = False

    @property
    def described(self) -> str:
        """The definition as docs, ``crmkpi kpis`` and reports show it: a cohort
        KPI's with how it matures and compares (``COHORT_RULE``)."""
        return f"{self.definition} {COHORT_RULE}" if self.cohort else self.definition


COHORT_RULE = (
    "Cohort KPI: the period counts outcomes as the data stands, and is maturing while 5% or "
    "more of its cohort is still open at the as-of day. Comparisons are at equal age: a "
    "comparison period C counts only outcomes dated on or before s_c + (as-of day − s), s and "
    "s_c the first days of the reported period and of C; the trend's whole periods are at the "
    "age of the latest whole one. An outcome without a date counts as the data stands."
)
MATURING_SHARE = 0.05
"""A cohort KPI is maturing while at least this share of its cohort is still open."""


REGISTRY: dict[str, Kpi] = {}


def define(  # noqa: PLR0913 - a declaration; every argument is a named field of Kpi
    kpi_id: str,
    label: str,
    *,
    unit: Unit,
    better: Better | None,
    tables: tuple[str, ...],
    definition: str,
    columns: tuple[str, ...] = (),
    additive: bool = False,
    median: bool = False,
    optional_tables: tuple[str, ...] = (),
    reads: tuple[str, ...] = (),
    cohort: bool = False,
) -> Callable[[Compute], Compute]:
    """Register the decorated function as KPI ``kpi_id``; a duplicate id fails at import."""

    def register(compute: Compute) -> Compute:
        if kpi_id in REGISTRY:
            raise ValueError(f"KPI {kpi_id} is defined twice")
        REGISTRY[kpi_id] = Kpi(
            id=kpi_id,
            label=label,
            unit=unit,
            better=better,
            tables=tables,
            definition=definition,
            compute=compute,
            columns=columns,
            additive=additive,
            stats=("mean", "median") if median else ("mean",),
            family=compute.__module__.rsplit(".", 1)[-1],
            optional_tables=optional_tables,
            reads=reads,
            cohort=cohort,
        )
        return compute

    return register


def get(kpi_id: str, where: str = "") -> Kpi:
    """The KPI ``kpi_id``, or a ConfigError that suggests the closest id."""
    try:
        return REGISTRY[kpi_id]
    except KeyError:
        prefix = f"{where}: " if where else ""
        raise ConfigError(
            f'{prefix}unknown KPI "{kpi_id}"{suggest(kpi_id, REGISTRY)} (`crmkpi kpis` lists them)'
        ) from None
