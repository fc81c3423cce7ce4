"""Customer value and cost (KPIS.md "Customer value and cost")."""

from __future__ import annotations

from datetime import timedelta

import polars as pl

from crmkpi.kpis._expr import (
    combine,
    count,
    customer_active_at,
    finish,
    in_period,
    other_table,
    ratio,
    side_by_side,
    summarize,
)
from crmkpi.kpis.registry import KpiOptions, KpiSettings, Tables, define
from crmkpi.periods import Period

CLV_WINDOW_DAYS = 365


def _window(p: Period) -> Period:
    """W: the 365 days ending at e, ``[e − 365 days, e)``."""
    start = p.end - timedelta(days=CLV_WINDOW_DAYS)
    return Period(label=f"{start}..{p.last_day}", start=start, end=p.end, grain="range")


@define(
    "customer_acquisition_cost", "Customer acquisition cost (CAC)", unit="currency",
    better="lower", tables=("customers", "spend"),
    definition="Sum of spend.amount with date in P / new_customers.",
)  # fmt: skip
def customer_acquisition_cost(t: Tables, p: Period, o: KpiOptions) -> pl.LazyFrame:
    new = summarize(t.get("customers"), o, new=count(in_period("created_at", p)))
    spend = t.get("spend").filter(in_period("date", p))
    cost = summarize(spend, other_table(o), spent=pl.col("amount").sum())
    both = side_by_side([new, cost], o).with_columns(pl.col("spent").fill_null(0))
    return finish(both, o, ratio("spent", "new"), "no new customers in period")


def _lifespan_years(annual_churn: pl.Expr, settings: KpiSettings) -> pl.Expr:
    """L = 1 / c years, capped at max_lifespan_years (also when c = 0)."""
    cap = settings.clv_max_lifespan_years
    return (
        pl.when(annual_churn > 0)
        .then(pl.min_horizontal(1 / annual_churn, pl.lit(cap)))
        .otherwise(cap)
    )


@define(
    "customer_lifetime_value", "Customer lifetime value (CLV)", unit="currency", better="higher",
    tables=("customers", "deals"),
    columns=("customers.churned_at", "deals.closed_at", "deals.amount", "deals.customer_id"),
    definition=(
        "APV × PF × L × gross margin over W, the 365 days ending at e: APV = revenue / deals "
        "and PF = deals / distinct customers over deals won in W with a customer_id; "
        "L = 1 / annual churn (customers active at e − 365 days who churned in W), capped "
        "at max_lifespan_years."
    ),
)  # fmt: skip
def customer_lifetime_value(t: Tables, p: Period, o: KpiOptions) -> pl.LazyFrame:
    w = _window(p)
    won = (
        (pl.col("status") == "won")
        & in_period("closed_at", w)
        & pl.col("customer_id").is_not_null()
    )
    purchases = summarize(
        t.get("deals"), o,
        revenue=pl.col("amount").filter(won).sum(),
        buyers=pl.col("customer_id").filter(won).n_unique(),
    )  # fmt: skip
    at_start = customer_active_at(w.start)
    base = summarize(
        t.get("customers"), other_table(o),
        base=count(at_start), lost=count(at_start & in_period("churned_at", w)),
    )  # fmt: skip
    both = side_by_side([purchases, base], o)
    # APV × PF = (revenue / deals) × (deals / buyers) = revenue / buyers.
    per_buyer = ratio("revenue", "buyers")
    lifespan = _lifespan_years(ratio("lost", "base"), o.settings)
    clv = pl.when(pl.col("base") > 0).then(per_buyer * lifespan * o.settings.clv_gross_margin)
    missing = (
        pl.when(pl.col("buyers").fill_null(0) == 0)
        .then(pl.lit("no deals with a customer won in the 365 days before period end"))
        .otherwise(pl.lit("no customers active 365 days before period end"))
    )
    return finish(both, o, clv, missing)


@define(
    "clv_to_cac", "CLV : CAC", unit="ratio", better="higher",
    tables=("customers", "deals", "spend"),
    columns=("customers.churned_at", "deals.closed_at", "deals.amount", "deals.customer_id"),
    definition="customer_lifetime_value / customer_acquisition_cost.",
)  # fmt: skip
def clv_to_cac(t: Tables, p: Period, o: KpiOptions) -> pl.LazyFrame:
    parts = {
        "customer_lifetime_value": customer_lifetime_value(t, p, o),
        "customer_acquisition_cost": customer_acquisition_cost(t, p, o),
    }

    def quotient(v: dict[str, pl.Expr]) -> pl.Expr:
        cac = v["customer_acquisition_cost"]
        return pl.when(cac > 0).then(v["customer_lifetime_value"] / cac)

    return combine(parts, o, quotient, "customer acquisition cost is 0 (no spend in period)")
