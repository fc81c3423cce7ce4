"""The values of breakdowns and sections (KPIS.md "Sections"): what the
engine hands to the renderers next to the KPI values.

Types only, no computation: ``breakdowns.py`` and ``sections.py`` fill them,
``render/`` lays them out. A section or a cell that cannot be computed
carries a reason, like every other unavailable value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

NOT_FINITE = "the result is not a finite number (a value too large, or 0/0)"


@dataclass(frozen=True, slots=True)
class Measured:
    """A value, or ``None`` with the reason it is unavailable (a KPI in a
    period, or in one group of a breakdown). A cohort KPI also says which
    share of its cohort is still open (``open_share``) and how many of its
    outcomes have no date (``undated``)."""

    value: float | None
    reason: str | None = None
    open_share: float | None = None
    undated: int = 0
    rows: int | None = None  # in a breakdown: the rows the group's value stands on


def checked_value(value: float | None, reason: str | None) -> Measured:
    """A computed value as a Measured: NaN or infinity is unavailable with a
    reason (never a number a gate compares, nor ``NaN`` in JSON)."""
    if value is not None and not math.isfinite(value):
        return Measured(None, NOT_FINITE)
    return Measured(value, reason)


@dataclass(frozen=True, slots=True)
class BreakdownGroup:
    """``key`` None is the ``(none)`` group: rows with no value for the dimension."""

    key: str | None
    values: dict[str, Measured]  # KPI id → value


@dataclass(frozen=True, slots=True)
class Breakdown:
    """Every selected KPI within each value of ``dimension``, sorted by the
    first KPI (best first in its ``better`` direction, unavailable last), and
    the total, which equals the un-broken-down KPI."""

    dimension: str
    groups: tuple[BreakdownGroup, ...]
    total: dict[str, Measured]
    # KPI id → what a reader must know of its groups (a large (none) group)
    notes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PipelineStage:
    """One stage: deals open at e in it (``deals``, ``value``,
    ``weighted_value``) and, with deal_stages, the visits of it that ended in
    P (``left``, ``mean_days``, ``median_days``, ``moved_on``)."""

    stage: str | None
    deals: int = 0
    value: float = 0.0
    weighted_value: float | None = None
    left: int = 0
    mean_days: float | None = None
    median_days: float | None = None
    moved_on: float | None = None
    bottleneck: bool = False


@dataclass(frozen=True, slots=True)
class PipelineSection:
    stages: tuple[PipelineStage, ...]
    weighted_reason: str | None = None  # why weighted_value is null (no stage_probability map)
    stage_time_reason: str | None = None  # why there are no visit statistics (no deal_stages)


@dataclass(frozen=True, slots=True)
class FunnelStep:
    step: str  # "leads", "converted", "won"
    count: int
    step_rate: float | None  # count / previous step's count (None for the first or a 0 denominator)
    overall_rate: float | None  # count / the first step's count


@dataclass(frozen=True, slots=True)
class FunnelSection:
    steps: tuple[FunnelStep, ...]


@dataclass(frozen=True, slots=True)
class CohortRow:
    cohort: str  # the acquisition period's label: "2026-03"
    size: int
    cells: tuple[float | None, ...]  # k = 0, 1, 2 …: share active at the end of period g+k


@dataclass(frozen=True, slots=True)
class CohortSection:
    grain: str  # "month", "quarter", …
    rows: tuple[CohortRow, ...]


SectionData = PipelineSection | FunnelSection | CohortSection


@dataclass(frozen=True, slots=True)
class Section:
    """``data`` None with a ``reason`` when the section cannot be computed
    (a table it needs is missing)."""

    name: str  # "pipeline", "funnel", "cohorts"
    data: SectionData | None
    reason: str | None = None
    notes: tuple[str, ...] = field(default=())
