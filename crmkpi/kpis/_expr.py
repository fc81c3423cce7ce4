"""Shared building blocks of KPI definitions (KPIS.md "Notation").

Only the part of the polars API that narwhals also offers for lazy frames is
used here and in the family modules, so the registry stays portable.
Every KPI ends in a frame of ``*by, value, reason``: ``value`` is null exactly
when ``reason`` says why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta

import polars as pl

from crmkpi.kpis.registry import KpiOptions, Stat
from crmkpi.periods import Period

VALUE = "value"
REASON = "reason"
# Optional column of a KPI frame: a config mistake only the data reveals
# (an open deal's stage missing from stage_probability). The engine raises it.
CONFIG_ERROR = "config_error"
# Optional columns of a cohort KPI's frame (``Kpi.cohort``): the share of the
# period's cohort still open, and how many of its outcomes have no date.
OPEN_SHARE = "open_share"
UNDATED = "undated"
# Optional column of a breakdown's KPI frame: the rows each group's value
# stands on (a ratio's denominator, a count's or a sum's rows).
ROWS = "rows"


def in_period(column: str | pl.Expr, p: Period) -> pl.Expr:
    """A date is in P when s <= date < e (half-open). A missing date is not in
    P (false, not null: negating it must give true)."""
    day = pl.col(column) if isinstance(column, str) else column
    inside = day.is_between(pl.lit(p.start), pl.lit(p.end), closed="left")
    return inside.fill_null(False)


def local_day(column: str) -> pl.Expr:
    """The local date of a datetime column (already in the config timezone):
    what "in P" compares for datetimes (SCHEMA.md "Dates of datetimes")."""
    return pl.col(column).dt.date()


def hours_between(start: str, end: str) -> pl.Expr:
    """Fractional hours between two instants (narwhals has no fractional total_hours)."""
    return (pl.col(end) - pl.col(start)).dt.total_seconds().cast(pl.Float64) / 3600


def before(column: str, boundary: date) -> pl.Expr:
    return (pl.col(column) < pl.lit(boundary)).fill_null(False)


def customer_active_at(boundary: date) -> pl.Expr:
    """SCHEMA.md: created_at < t and (churned_at missing or churned_at >= t)."""
    churned = pl.col("churned_at")
    return before("created_at", boundary) & (churned.is_null() | (churned >= pl.lit(boundary)))


def deal_open_at(boundary: date) -> pl.Expr:
    """SCHEMA.md: created_at < t and (closed_at missing or closed_at >= t).

    ``schema.py`` has already cleared the closed_at of deals whose status is open.
    """
    closed = pl.col("closed_at")
    return before("created_at", boundary) & (closed.is_null() | (closed >= pl.lit(boundary)))


def days_between(start: str, end: str | date) -> pl.Expr:
    """Whole days from ``start`` to ``end`` (a column or a fixed date)."""
    end_expr = pl.lit(end) if isinstance(end, date) else pl.col(end)
    return (end_expr - pl.col(start)).dt.total_days().cast(pl.Float64)


def last_day(p: Period) -> date:
    return p.end - timedelta(days=1)


def summarize(frame: pl.LazyFrame, o: KpiOptions, **aggregates: pl.Expr) -> pl.LazyFrame:
    """Aggregate the (narrowed) frame once overall, or once per breakdown group."""
    if o.row_filter is not None:
        frame = frame.filter(o.row_filter)
    if o.by:
        return frame.group_by(list(o.by)).agg(**aggregates)
    return frame.select(**aggregates)


def finish(
    frame: pl.LazyFrame,
    o: KpiOptions,
    value: pl.Expr,
    missing: str | pl.Expr,
    rows: pl.Expr | None = None,
) -> pl.LazyFrame:
    """Select ``*by, value, reason``; a null (or NaN, or infinite) value gets
    ``missing`` as reason (a text, or an expression when it depends on the data).
    In a breakdown, ``rows`` (the rows the value stands on) is kept as ``ROWS``."""
    as_float = value.cast(pl.Float64)
    clean = pl.when(as_float.is_nan() | as_float.is_infinite()).then(None).otherwise(as_float)
    kept = [rows.fill_null(0).cast(pl.Int64).alias(ROWS)] if rows is not None and o.by else []
    return frame.select(
        *o.by,
        clean.alias(VALUE),
        pl.when(clean.is_null())
        .then(pl.lit(missing) if isinstance(missing, str) else missing)
        .otherwise(None)
        .cast(pl.String)
        .alias(REASON),
        *kept,
    )


def count(condition: pl.Expr) -> pl.Expr:
    """How many rows meet ``condition``, as a signed integer (a Boolean sum is
    unsigned in polars, and E − S may be negative)."""
    return condition.sum().cast(pl.Int64)


def count_where(frame: pl.LazyFrame, o: KpiOptions, condition: pl.Expr) -> pl.LazyFrame:
    """A count: 0 over an empty set, never unavailable."""
    out = summarize(frame, o, n=count(condition))
    return finish(out, o, pl.col("n").fill_null(0), "", pl.col("n"))


def sum_where(
    frame: pl.LazyFrame, o: KpiOptions, values: pl.Expr, condition: pl.Expr
) -> pl.LazyFrame:
    """A sum: 0 over an empty set, never unavailable."""
    out = summarize(frame, o, total=values.filter(condition).sum(), n=count(condition))
    return finish(out, o, pl.col("total").fill_null(0), "", pl.col("n"))


def ratio(numerator: str, denominator: str) -> pl.Expr:
    """numerator / denominator, null when the denominator is 0 (never inf or NaN)."""
    den = pl.col(denominator)
    return pl.when(den > 0).then(pl.col(numerator) / den).otherwise(None)


def ratio_where(
    frame: pl.LazyFrame, o: KpiOptions, numerator: pl.Expr, denominator: pl.Expr, zero: str
) -> pl.LazyFrame:
    """sum(numerator) / sum(denominator) for two Boolean or numeric expressions."""
    out = summarize(frame, o, num=numerator.sum(), den=denominator.sum())
    return finish(out, o, ratio("num", "den"), zero, pl.col("den"))


def statistic(values: pl.Expr, stat: Stat) -> pl.Expr:
    """Mean or median (of an even count: the mean of the two middle values)."""
    return values.median() if stat == "median" else values.mean()


def average_where(
    frame: pl.LazyFrame, o: KpiOptions, values: pl.Expr, condition: pl.Expr, empty: str
) -> pl.LazyFrame:
    """The mean (or ``o.stat``) of ``values`` over rows meeting ``condition``."""
    out = summarize(frame, o, avg=statistic(values.filter(condition), o.stat), n=count(condition))
    return finish(out, o, pl.col("avg"), empty, pl.col("n"))


def unavailable(o: KpiOptions, reason: str) -> pl.LazyFrame:
    """A KPI that cannot be computed from these inputs at all."""
    frame = pl.LazyFrame({VALUE: [None]}, schema={VALUE: pl.Float64})
    return frame.select(*(pl.lit(None).alias(c) for c in o.by), VALUE, pl.lit(reason).alias(REASON))


def combine(
    parts: dict[str, pl.LazyFrame],
    o: KpiOptions,
    value: Callable[[dict[str, pl.Expr]], pl.Expr],
    missing: str,
) -> pl.LazyFrame:
    """A KPI computed from other KPIs' frames (``name`` -> frame of value, reason).

    The value is ``value`` of the parts; when a part is unavailable the result
    is too, with that part's reason ("win_rate: no deals won or lost in period");
    when all parts exist but the result is undefined, ``missing``.
    """
    named = [
        f.select(*o.by, pl.col(VALUE).alias(name), pl.col(REASON).alias(f"{name}__reason"))
        for name, f in parts.items()
    ]
    joined = side_by_side(named, o)
    part_reason = pl.coalesce(
        [
            pl.when(pl.col(f"{n}__reason").is_not_null()).then(
                pl.concat_str(pl.lit(f"{n}: "), pl.col(f"{n}__reason"))
            )
            for n in parts
        ]
    )
    result = value({n: pl.col(n) for n in parts})
    return finish(joined, o, result, pl.coalesce(part_reason, pl.lit(missing)))


def side_by_side(frames: list[pl.LazyFrame], o: KpiOptions) -> pl.LazyFrame:
    """One-row aggregates next to each other (or, per breakdown group, joined)."""
    joined = frames[0]
    for frame in frames[1:]:
        if o.by:
            joined = joined.join(frame, on=list(o.by), how="full", coalesce=True)
        else:
            joined = pl.concat([joined, frame], how="horizontal")
    return joined


def other_table(o: KpiOptions) -> KpiOptions:
    """Options for a KPI's second table: a custom KPI's filter narrows the
    first table only (SPEC.md)."""
    return replace(o, row_filter=None)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What may happen to a member of a cohort (a deal won, a lead converted)
    and the day it did; a null ``day`` is an outcome without a date."""

    happened: pl.Expr
    day: pl.Expr


def by_cut(outcome: Outcome, o: KpiOptions) -> pl.Expr:
    """Whether ``outcome`` counts at the equal-age cut ``o.outcomes_by``: it
    happened on or before that day, or it has no date (then it counts as the
    data stands, like every outcome when there is no cut)."""
    if o.outcomes_by is None:
        return outcome.happened.fill_null(False)
    in_time = outcome.day.is_null() | (outcome.day <= pl.lit(o.outcomes_by))
    return (outcome.happened & in_time).fill_null(False)


def cohort_ratio(
    frame: pl.LazyFrame,
    o: KpiOptions,
    cohort: pl.Expr,
    success: Outcome,
    settled: pl.Expr,
    empty: str,
) -> pl.LazyFrame:
    """Of the ``cohort`` rows, the share whose ``success`` counts at the cut
    (``by_cut``); beside the value, the share of the cohort still open (not
    ``settled`` at the cut, ``OPEN_SHARE``) and the successes without a date
    (``UNDATED``)."""
    out = summarize(
        frame,
        o,
        num=count(cohort & by_cut(success, o)),
        den=count(cohort),
        still_open=count(cohort & ~settled.fill_null(False)),
        undated=count(cohort & success.happened.fill_null(False) & success.day.is_null()),
    )
    value = finish(out, o, ratio("num", "den"), empty, pl.col("den"))
    facts = out.select(
        ratio("still_open", "den").alias(OPEN_SHARE), pl.col("undated").alias(UNDATED)
    )
    return pl.concat([value, facts], how="horizontal")


def date_or_null(frame: pl.LazyFrame, column: str) -> pl.Expr:
    """``column`` when ``frame`` has it, else a null date (an optional column)."""
    if column in frame.collect_schema().names():
        return pl.col(column)
    return pl.lit(None, dtype=pl.Date)
