"""The cohorts section (KPIS.md "Sections"): customers by acquisition period,
and the share of each cohort still active at the end of each later period.

Periods come from ``periods.py`` (stepping back with ``trend_periods``), never
from calendar arithmetic here, so fiscal quarters and years keep their
alignment and labels, and another calendar plugs in there. Polars maps days
to periods by searching the sorted period starts.

Decisions where KPIS.md is silent:

- Grain: the report period's when it is a month, quarter or year (fiscal
  ones stay fiscal), else month. The last cohort is the period of that grain
  holding the last day of P; the first holds the earliest acquisition.
- Rows are contiguous from the first cohort to the last: an acquisition
  period without customers is a row of size 0 whose cells are null (a share
  of nobody). Acquisitions on or after e are left out.
- Every row has the same number of cells: one per period, from the first
  cohort's, that ends by e. Cell k of cohort g is null when period g+k ends
  after e (also the whole row of a cohort period cut at e).
- A cohort member is active at the end b of period g+k unless its churned_at
  is before b (SCHEMA.md "active at"; created_at < b always holds), that is,
  unless it churned in period g+k or earlier.
- At most ``MAX_COHORTS`` rows, the latest: customers acquired before the
  first of them are in no row (the first row's label says where it starts).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from functools import partial

import polars as pl

from crmkpi.analyses import CohortRow, CohortSection, Section
from crmkpi.kpis._expr import before
from crmkpi.kpis.registry import KpiSettings, Tables
from crmkpi.periods import Period, parse_period, trend_periods
from crmkpi.sections._plan import Plan, missing_column, table_reason

NAME = "cohorts"
MAX_COHORTS = 120
"""The most cohorts a section shows (10 years of months): its grid is cohorts
squared, so one customer created centuries ago must not make it millions of cells."""
_GRAINS = ("month", "quarter", "year")


def plan_cohorts(
    tables: Tables, period: Period, settings: KpiSettings, absent: Mapping[str, str]
) -> Plan | Section:
    """One query: customers acquired before e, counted per acquisition day and
    churn day (churns on or after e do not matter here)."""
    if tables.customers is None:
        return Section(NAME, None, table_reason(absent, "customers"))
    customers = tables.customers
    missing = missing_column(customers, "customers", ("churned_at",))
    if missing is not None:
        return Section(NAME, None, missing)
    e = period.end
    churned = pl.when(pl.col("churned_at") < pl.lit(e)).then(pl.col("churned_at"))
    counts = (
        customers.filter(before("created_at", e))
        .group_by(pl.col("created_at"), churned.alias("churned_at"))
        .agg(pl.len().alias("n"))
    )
    last = _last_cohort(period)
    return Plan((counts,), partial(_build, last=last, e=e))


def _last_cohort(p: Period) -> Period:
    """The cohort period holding P's last day (cut at e when it runs past it)."""
    if p.grain in _GRAINS:
        return p
    return parse_period("this-month", p.last_day, calendar=p.calendar)


def cohort_periods(last: Period, first_day: date, limit: int = MAX_COHORTS) -> list[Period]:
    """The periods of ``last``'s grain from the one holding ``first_day`` to
    ``last``, oldest first, at most ``limit`` of them; all whole but ``last``."""
    periods = [last]
    while periods[-1].start > first_day and len(periods) < limit:
        periods.append(trend_periods(periods[-1], 2)[0])
    return periods[::-1]


def _ends_by(q: Period, e: date) -> bool:
    return (q.full_end or q.end) <= e


def _build(results: Sequence[pl.DataFrame], last: Period, e: date) -> Section:
    (counts,) = results
    grain = last.grain
    if counts.height == 0:
        return Section(NAME, CohortSection(grain, ()))
    first_day = counts["created_at"].min()
    assert isinstance(first_day, date)  # a Date column with rows
    periods = cohort_periods(last, first_day)
    ended = sum(_ends_by(q, e) for q in periods)  # only the last may end after e
    sizes, cells = _cells(_indexed(counts, periods), len(periods), ended)
    rows = tuple(
        CohortRow(q.label, sizes.get(g, 0), tuple(cells.get(g, [None] * ended)))
        for g, q in enumerate(periods)
    )
    return Section(NAME, CohortSection(grain, rows))


def _indexed(counts: pl.DataFrame, periods: list[Period]) -> pl.DataFrame:
    """Counts with ``g`` (acquisition period index) and ``c`` (churn period
    index, null for no churn before e): the last period start on or before the day."""
    starts = pl.Series([q.start for q in periods], dtype=pl.Date)
    churned = counts["churned_at"]
    churn_index = starts.search_sorted(churned.fill_null(periods[0].start), side="right")
    return counts.select(
        (starts.search_sorted(counts["created_at"], side="right").cast(pl.Int64) - 1).alias("g"),
        pl.when(churned.is_not_null()).then(churn_index.cast(pl.Int64) - 1).alias("c"),
        pl.col("n"),
    )


def _cells(
    indexed: pl.DataFrame, cohorts: int, ended: int
) -> tuple[dict[int, int], dict[int, list[float | None]]]:
    """Cohort sizes, and per cohort the shares active at the end of periods
    g, g+1, … (``ended`` cells, null where period g+k ends after e)."""
    sizes = indexed.group_by("g").agg(pl.col("n").sum().alias("size"))
    churns = indexed.filter(pl.col("c").is_not_null()).group_by("g", "c").agg(pl.col("n").sum())
    grid = (
        pl.DataFrame({"g": range(cohorts)}, schema={"g": pl.Int64})
        .join(pl.DataFrame({"k": range(ended)}, schema={"k": pl.Int64}), how="cross")
        .with_columns((pl.col("g") + pl.col("k")).alias("t"))
        .join(sizes, on="g", how="left")
        .join(churns, left_on=["g", "t"], right_on=["g", "c"], how="left")
        .sort("g", "k")
    )
    size = pl.col("size").fill_null(0)
    gone = pl.col("n").fill_null(0).cum_sum().over("g")
    share = pl.when((pl.col("t") < ended) & (size > 0)).then((size - gone) / size)
    rows = (
        grid.with_columns(share.alias("cells"))
        .group_by("g", maintain_order=True)
        .agg(pl.col("cells"))
    )
    return (
        dict(zip(sizes["g"].to_list(), sizes["size"].to_list(), strict=True)),
        dict(zip(rows["g"].to_list(), rows["cells"].to_list(), strict=True)),
    )
