"""Lead KPIs (KPIS.md "Leads"); spend for the cost per lead."""

from __future__ import annotations

import polars as pl

from crmkpi.kpis._expr import (
    Outcome,
    by_cut,
    cohort_ratio,
    count,
    count_where,
    date_or_null,
    finish,
    in_period,
    other_table,
    ratio,
    side_by_side,
    summarize,
    unavailable,
)
from crmkpi.kpis.registry import KpiOptions, Tables, define
from crmkpi.periods import Period

_LEADS = ("leads",)


@define(
    "new_leads", "New leads", unit="count", better="higher", tables=_LEADS, additive=True,
    definition="Leads with created_at in P (lead generation indicator).",
)  # fmt: skip
def new_leads(t: Tables, p: Period, o: KpiOptions) -> pl.LazyFrame:
    return count_where(t.get("leads"), o, in_period("created_at", p))


def marketing_spend(spend: pl.LazyFrame) -> pl.Expr:
    """Spend amounts that count as marketing: all rows, or with a ``kind``
    column only the ``marketing`` ones (an empty kind is not marketing)."""
    if "kind" in spend.collect_schema().names():
        return pl.col("amount").filter(pl.col("kind") == "marketing")
    return pl.col("amount")


@define(
    "lead_generation_cost", "Lead generation cost", unit="currency", better="lower",
    tables=("leads", "spend"), reads=("spend.kind",),
    definition=(
        "Spend with date in P / new_leads. When spend has a kind column only rows with "
        "kind marketing count."
    ),
)  # fmt: skip
def lead_generation_cost(t: Tables, p: Period, o: KpiOptions) -> pl.LazyFrame:
    leads = summarize(t.get("leads"), o, leads=count(in_period("created_at", p)))
    spend = t.get("spend").filter(in_period("date", p))
    cost = summarize(spend, other_table(o), spent=marketing_spend(spend).sum())
    both = side_by_side([leads, cost], o).with_columns(pl.col("spent").fill_null(0))
    return finish(both, o, ratio("spent", "leads"), "no new leads in period")


CONVERTED_ON = "__converted_on"


def conversion(
    leads: pl.LazyFrame, deals: pl.LazyFrame | None
) -> tuple[pl.LazyFrame, Outcome] | None:
    """Leads with their conversion (SCHEMA.md) from every source the data has:
    converted_at present, status converted, or a won deal that carries the
    lead_id. Its day is the earliest of converted_at and those deals'
    closed_at; a lead converted by its status alone has none. None when the
    data has none of these sources."""
    names = leads.collect_schema().names()
    signals: list[pl.Expr] = []
    days: list[pl.Expr] = []
    if "converted_at" in names:
        signals.append(pl.col("converted_at").is_not_null())
        days.append(pl.col("converted_at"))
    if "status" in names:
        signals.append((pl.col("status") == "converted").fill_null(False))
    if deals is not None and "lead_id" in deals.collect_schema().names():
        won = deals.filter((pl.col("status") == "won") & pl.col("lead_id").is_not_null())
        marks = won.group_by("lead_id").agg(
            pl.lit(True).alias("won_deal"), date_or_null(deals, "closed_at").min().alias("won_on")
        )
        leads = leads.join(marks, on="lead_id", how="left")
        signals.append(pl.col("won_deal").fill_null(False))
        days.append(pl.col("won_on"))
    if not signals:
        return None
    day = pl.min_horizontal(days) if days else pl.lit(None, dtype=pl.Date)
    return leads.with_columns(day.alias(CONVERTED_ON)), Outcome(
        pl.any_horizontal(signals), pl.col(CONVERTED_ON)
    )


def converted_leads(
    leads: pl.LazyFrame, deals: pl.LazyFrame | None
) -> tuple[pl.LazyFrame, pl.Expr] | None:
    """Leads with a ``converted`` flag (``conversion``); None when the data
    cannot tell."""
    found = conversion(leads, deals)
    return None if found is None else (found[0], found[1].happened)


@define(
    "lead_conversion_rate", "Lead conversion rate", unit="percent", better="higher",
    tables=_LEADS, cohort=True,
    optional_tables=("deals",), reads=("leads.status",),
    definition=(
        "Of the leads created in P, the share that is converted: converted_at present, "
        "status converted, or a won deal carries its lead_id. The outcome's day is the "
        "earliest of converted_at and those deals' closed_at; a lead is open while it is "
        "neither converted nor lost."
    ),
)  # fmt: skip
def lead_conversion_rate(t: Tables, p: Period, o: KpiOptions) -> pl.LazyFrame:
    created = in_period("created_at", p)
    leads = t.get("leads")
    # Only leads created in P count: without groups to keep, the rest is left
    # out before the join with won deals (300k leads: 0.010 -> 0.00x s).
    found = conversion(leads if o.by else leads.filter(created), t.deals)
    if found is None:
        return unavailable(
            o, "leads has no converted_at or status column, and no deals carry lead_id"
        )
    leads, converted = found
    lost = Outcome(_status_is(leads, "lost"), pl.lit(None, dtype=pl.Date))
    settled = by_cut(converted, o) | by_cut(lost, o)
    return cohort_ratio(leads, o, created, converted, settled, "no leads created in period")


def _status_is(leads: pl.LazyFrame, status: str) -> pl.Expr:
    if "status" not in leads.collect_schema().names():
        return pl.lit(False)
    return (pl.col("status") == status).fill_null(False)
