"""Report sections (KPIS.md "Sections"): pipeline, funnel and cohorts tables.

Every section first plans its queries; then one ``pl.collect_all`` runs the
queries of all sections together, so scans of a shared table run once; then
each section is built from its results. A section whose table or column is
absent is unavailable with the reason, like a KPI. Each module's docstring
lists the decisions taken where KPIS.md is silent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import polars as pl

from crmkpi.analyses import Section
from crmkpi.kpis.registry import KpiSettings, Tables
from crmkpi.periods import Period
from crmkpi.sections._plan import Plan
from crmkpi.sections.cohorts import plan_cohorts
from crmkpi.sections.funnel import plan_funnel
from crmkpi.sections.pipeline import plan_pipeline

Planner = Callable[[Tables, Period, KpiSettings, Mapping[str, str]], Plan | Section]

PLANNERS: dict[str, Planner] = {
    "pipeline": plan_pipeline,
    "funnel": plan_funnel,
    "cohorts": plan_cohorts,
}

# The tables each section reads when they are there (the engine loads them).
SECTION_TABLES: dict[str, tuple[str, ...]] = {
    "pipeline": ("deals", "deal_stages"),
    "funnel": ("leads", "deals"),
    "cohorts": ("customers",),
}

__all__ = ["PLANNERS", "SECTION_TABLES", "compute_sections"]


def compute_sections(
    names: tuple[str, ...],
    tables: Tables,
    period: Period,
    settings: KpiSettings,
    absent: Mapping[str, str],
) -> tuple[Section, ...]:
    """The sections ``names`` (config order) for period P = ``[start, end)``.

    ``tables`` holds the loaded typed tables (None where absent) and
    ``absent`` the reason each absent table is absent. Raises ``ValueError``
    for a name that is not a section (config validation rules that out) and
    ``ConfigError`` when an open deal's stage has no stage_probability.
    """
    unknown = [name for name in names if name not in PLANNERS]
    if unknown:
        raise ValueError(f"unknown section(s): {', '.join(unknown)}")
    planned = [PLANNERS[name](tables, period, settings, absent) for name in names]
    frames = [frame for plan in planned if isinstance(plan, Plan) for frame in plan.frames]
    results = iter(pl.collect_all(frames) if frames else [])
    sections: list[Section] = []
    for plan in planned:
        if isinstance(plan, Section):
            sections.append(plan)
        else:
            sections.append(plan.build([next(results) for _ in plan.frames]))
    return tuple(sections)
