"""The pipeline section (KPIS.md "Sections"): deals open at e per stage and,
with deal_stages, how long the visits of each stage that ended in P lasted.

Decisions where KPIS.md is silent:

- A deal open at e is counted in the stage it was in at e: its last
  deal_stages row entered before e that is not a closing stage; without
  stage history (or none before e), its current ``stage``. Its value and
  weight are the weighted_pipeline_value KPI's (the weight of its current
  stage, 1.0 if won since, 0.0 if lost since), so the stage rows add up to
  open_deals, open_pipeline_value and weighted_pipeline_value. Deals without
  a stage form the ``None`` row.
- Rows: every stage of the ``stage_probability`` map (0 deals when empty, so
  the pipeline keeps its shape), every stage of a deal open at e, and every
  stage with a visit that ended in P.
- Order: the map's stages in the map's order; then other stages by their mean
  position (0-based row number within the deal's history, over the whole
  deal_stages table), ties and stages never seen in a history alphabetically;
  the ``None`` stage last.
- A *closing* (won/lost) stage is a stage name that at least one deal sits in
  and that only deals with status won or lost sit in ("Closed Won", "Closed
  Lost": most exports derive the status from it); a stage of the map is never
  one. Its rows are not visits, but they still end the visit before them.
- A visit ends at the deal's next deal_stages row (same-day rows in file
  order: the ``__row`` number when the table has it, else frame order) or,
  after the last row, at the deal's closed_at; a visit that has not ended
  (an open deal's current stage) is left out. It ended "closed lost" when its
  end is the deal's close (no next row, or the next row is a closing stage)
  and the deal's status is lost; ``moved_on`` is the share of the others.
- Days in a stage are whole days between dates. The bottleneck is the stage
  with the longest mean over more than 0 days; on a tie the first in order.
- An open deal whose stage is not in the map is a config error, as for the
  weighted_pipeline_value KPI (same message).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

import polars as pl

from crmkpi.analyses import PipelineSection, PipelineStage, Section
from crmkpi.errors import ConfigError
from crmkpi.kpis._expr import days_between, deal_open_at, in_period
from crmkpi.kpis.deals import NO_STAGE_MAP, stage_probability, unknown_stages
from crmkpi.kpis.registry import KpiSettings, Tables
from crmkpi.periods import Period
from crmkpi.sections._plan import Plan, missing_column, table_reason
from crmkpi.sources.loaders import ROW

NAME = "pipeline"
_DEAL_COLUMNS = ("stage", "closed_at", "amount")
_CLOSED = ("won", "lost")

StageKey = tuple[int, float, str]


def plan_pipeline(
    tables: Tables, period: Period, settings: KpiSettings, absent: Mapping[str, str]
) -> Plan | Section:
    """Queries for the open deals per stage, the config check, and (with
    deal_stages) the visit statistics and stage positions."""
    if tables.deals is None:
        return Section(NAME, None, table_reason(absent, "deals"))
    deals = tables.deals
    missing = missing_column(deals, "deals", _DEAL_COLUMNS)
    if missing is not None:
        return Section(NAME, None, missing)
    stages = dict(settings.stage_probability or {})
    history = None
    if tables.deal_stages is not None:
        history = _history(tables.deal_stages, deals, stages)
    frames = [_open_by_stage(deals, period, stages, history), _config_error(deals, period, stages)]
    if history is not None:
        frames += [_visit_stats(history, period), _positions(history)]
        reason = None
    else:
        reason = table_reason(absent, "deal_stages")
    return Plan(tuple(frames), partial(_build, stages=stages, stage_time_reason=reason))


def _open_by_stage(
    deals: pl.LazyFrame, p: Period, stages: dict[str, float], history: pl.LazyFrame | None
) -> pl.LazyFrame:
    """Deals open at e per stage at e: count, value (amount, missing = 0)
    and, with a map, the weighted value of the weighted_pipeline_value KPI."""
    amount = pl.col("amount").fill_null(0).cast(pl.Float64)
    weight = [(amount * stage_probability(stages)).alias("weighted")] if stages else []
    open_at_e = deals.filter(deal_open_at(p.end)).with_columns(*weight)
    if history is not None:
        at_e = (
            history.filter((pl.col("entered_at") < pl.lit(p.end)) & ~pl.col("closing"))
            .group_by("deal_id")
            .agg(pl.col("stage").last().alias("stage_at_e"))
        )
        open_at_e = open_at_e.join(at_e, on="deal_id", how="left").with_columns(
            pl.coalesce("stage_at_e", "stage").alias("stage")
        )
    sums = [pl.col("weighted").sum()] if stages else []
    return open_at_e.group_by("stage").agg(
        pl.len().alias("deals"), amount.sum().alias("value"), *sums
    )


def _config_error(deals: pl.LazyFrame, p: Period, stages: dict[str, float]) -> pl.LazyFrame:
    """One row: the KPI's message for open deals with a stage outside the map, or null."""
    if not stages:
        return pl.LazyFrame({"error": [None]}, schema={"error": pl.String})
    return deals.select(unknown_stages(deal_open_at(p.end), stages).alias("error"))


def _closing_stages(deals: pl.LazyFrame, stages: dict[str, float]) -> pl.LazyFrame:
    """Stage names only won or lost deals sit in, decided on the whole deals table."""
    only_closed = pl.col("status").is_in(_CLOSED).fill_null(False).all()
    return (
        deals.filter(pl.col("stage").is_not_null())
        .group_by("stage")
        .agg(only_closed.alias("closing"))
        .filter(pl.col("closing") & ~pl.col("stage").is_in(list(stages)))
    )


def _history(
    deal_stages: pl.LazyFrame, deals: pl.LazyFrame, stages: dict[str, float]
) -> pl.LazyFrame:
    """Every deal_stages row in its deal's order, with the deal's status and
    closed_at, whether it is a closing stage, the next row's entered_at and
    whether the next row is a closing stage, and its position in the history."""
    if ROW not in deal_stages.collect_schema().names():
        deal_stages = deal_stages.with_row_index(ROW)
    closing = _closing_stages(deals, stages)
    return (
        deal_stages.select("deal_id", "stage", "entered_at", ROW)
        .join(deals.select("deal_id", "status", "closed_at"), on="deal_id", how="left")
        .join(closing, on="stage", how="left")
        .with_columns(pl.col("closing").fill_null(False))
        .sort("deal_id", "entered_at", ROW)
        .with_columns(
            pl.col("entered_at").shift(-1).over("deal_id").alias("next_at"),
            pl.col("closing").shift(-1).over("deal_id").fill_null(False).alias("next_closing"),
            pl.int_range(pl.len()).over("deal_id").alias("position"),
        )
    )


def _visit_stats(history: pl.LazyFrame, p: Period) -> pl.LazyFrame:
    """Per stage, over the visits that ended in P: left, mean and median days, moved_on."""
    ended_by_close = pl.col("next_at").is_null() | pl.col("next_closing")
    lost = ended_by_close & (pl.col("status") == "lost").fill_null(False)
    days = days_between("entered_at", "left_at")
    return (
        history.filter(~pl.col("closing"))
        .with_columns(
            pl.coalesce("next_at", "closed_at").alias("left_at"), (~lost).alias("moved_on")
        )
        .filter(in_period("left_at", p))
        .group_by("stage")
        .agg(
            pl.len().alias("left"),
            days.mean().alias("mean_days"),
            days.median().alias("median_days"),
            pl.col("moved_on").cast(pl.Float64).mean().alias("moved_on"),
        )
    )


def _positions(history: pl.LazyFrame) -> pl.LazyFrame:
    """Each stage's mean position in deal histories: where it typically comes."""
    return history.group_by("stage").agg(pl.col("position").mean().alias("position"))


@dataclass(frozen=True, slots=True)
class _Collected:
    """The planner's results as rows keyed by stage."""

    open_deals: dict[str | None, dict[str, Any]]
    visits: dict[str | None, dict[str, Any]]
    positions: dict[str, float]


def _by_stage(frame: pl.DataFrame) -> dict[str | None, dict[str, Any]]:
    return {row["stage"]: row for row in frame.to_dicts()}


def _build(
    results: Sequence[pl.DataFrame], stages: dict[str, float], stage_time_reason: str | None
) -> Section:
    """The section from the collected frames; a stage outside the map raises."""
    open_deals, error, *history = results
    message = error["error"][0]
    if message is not None:
        raise ConfigError(f"{NAME} section: {message}")
    visits, positions = history or (pl.DataFrame(), pl.DataFrame())
    collected = _Collected(
        open_deals=_by_stage(open_deals),
        visits=_by_stage(visits),
        positions={r["stage"]: r["position"] for r in positions.to_dicts()},
    )
    names = {*stages, *collected.open_deals, *collected.visits}
    order = sorted(
        names, key=partial(_stage_key, stages=list(stages), positions=collected.positions)
    )
    rows = [_stage_row(s, collected, weighted=bool(stages)) for s in order]
    return Section(
        NAME,
        PipelineSection(
            stages=_mark_bottleneck(rows),
            weighted_reason=None if stages else NO_STAGE_MAP,
            stage_time_reason=stage_time_reason,
        ),
    )


def _stage_key(stage: str | None, stages: list[str], positions: dict[str, float]) -> StageKey:
    """Map order first, then typical position in histories, then the alphabet; None last."""
    if stage is None:
        return (3, 0.0, "")
    if stage in stages:
        return (0, float(stages.index(stage)), "")
    if stage in positions:
        return (1, positions[stage], stage)
    return (2, 0.0, stage)


def _stage_row(stage: str | None, collected: _Collected, *, weighted: bool) -> PipelineStage:
    now = collected.open_deals.get(stage, {})
    visits = collected.visits.get(stage, {})
    return PipelineStage(
        stage=stage,
        deals=int(now.get("deals", 0)),
        value=float(now.get("value", 0.0)),
        weighted_value=float(now.get("weighted") or 0.0) if weighted else None,
        left=int(visits.get("left", 0)),
        mean_days=visits.get("mean_days"),
        median_days=visits.get("median_days"),
        moved_on=visits.get("moved_on"),
    )


def _mark_bottleneck(rows: list[PipelineStage]) -> tuple[PipelineStage, ...]:
    """Flag the first stage with the longest mean time (over 0 days)."""
    means = [r.mean_days or 0.0 for r in rows]
    longest = max(means, default=0.0)
    if longest > 0:
        first = means.index(longest)
        rows[first] = replace(rows[first], bottleneck=True)
    return tuple(rows)
