"""Lead KPIs (KPIS.md "Leads"); spend for the cost per lead."""

from __future__ import annotations

import polars as pl

from crmkpi.kpis._expr import (
    count,
    count_where,
    finish,
    in_period,
    other_table,
    ratio,
    ratio_where,
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


def converted_leads(
    leads: pl.LazyFrame, deals: pl.LazyFrame | None
) -> tuple[pl.LazyFrame, pl.Expr] | None:
    """Leads with a ``converted`` flag from every source the data has
    (SCHEMA.md): converted_at present, status converted, or a won deal that
    carries the lead_id. None when the data has none of them."""
    names = leads.collect_schema().names()
    signals: list[pl.Expr] = []
    if "converted_at" in names:
        signals.append(pl.col("converted_at").is_not_null())
    if "status" in names:
        signals.append((pl.col("status") == "converted").fill_null(False))
    if deals is not None and "lead_id" in deals.collect_schema().names():
        won = deals.filter((pl.col("status") == "won") & pl.col("lead_id").is_not_null())
        marks = won.select(pl.col("lead_id"), pl.lit(True).alias("won_deal")).unique()
        leads = leads.join(marks, on="lead_id", how="left")
        signals.append(pl.col("won_deal").fill_null(False))
    if not signals:
        return None
    return leads, pl.any_horizontal(signals)


@define(
    "lead_conversion_rate", "Lead conversion rate", unit="percent", better="higher",
    tables=_LEADS,
    optional_tables=("deals",), reads=("leads.status",),
    definition=(
        "Of the leads created in P, the share that is converted: converted_at present, "
        "status converted, or a won deal carries its lead_id."
    ),
)  # fmt: skip
def lead_conversion_rate(t: Tables, p: Period, o: KpiOptions) -> pl.LazyFrame:
    created = in_period("created_at", p)
    leads = t.get("leads")
    # Only leads created in P count: without groups to keep, the rest is left
    # out before the join with won deals (300k leads: 0.010 -> 0.00x s).
    found = converted_leads(leads if o.by else leads.filter(created), t.deals)
    if found is None:
        return unavailable(
            o, "leads has no converted_at or status column, and no deals carry lead_id"
        )
    leads, converted = found
    return ratio_where(leads, o, created & converted, created, "no leads created in period")
