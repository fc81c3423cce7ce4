"""Revenue and deal KPIs (KPIS.md "Revenue and deals").

"Won in P" = status won and closed_at in P. ``schema.py`` has cleared the
closed_at of open deals (an *expected* close date in most CRMs).
"""

from __future__ import annotations

from dataclasses import replace

import polars as pl

from crmkpi.kpis._expr import (
    CONFIG_ERROR,
    Outcome,
    average_where,
    by_cut,
    cohort_ratio,
    combine,
    count_where,
    date_or_null,
    days_between,
    deal_open_at,
    finish,
    in_period,
    ratio,
    ratio_where,
    sum_where,
    summarize,
    unavailable,
)
from crmkpi.kpis.registry import KpiOptions, Tables, define
from crmkpi.periods import Period

_DEALS = ("deals",)
# Optional columns (SCHEMA.md) each definition reads: absent = unavailable.
_CLOSED = ("deals.closed_at",)
_WON_AMOUNT = ("deals.closed_at", "deals.amount")
_BY_CUSTOMER = ("deals.closed_at", "deals.amount", "deals.customer_id")
_NO_WINS = "no deals won in period"
# Also the pipeline section's words, so report and section agree.
NO_STAGE_MAP = "no stage_probability map in the config"
_NO_CUSTOMER_WINS = "no deals with a customer won in period"


def won_in(p: Period) -> pl.Expr:
    return (pl.col("status") == "won") & in_period("closed_at", p)


def _has_customer() -> pl.Expr:
    return pl.col("customer_id").is_not_null()


@define(
    "won_deals",
    "Deals won",
    unit="count",
    better="higher",
    tables=_DEALS,
    columns=_CLOSED,
    additive=True,
    definition="Deals won in P (status won, closed_at in P).",
)
def won_deals(t: Tables, p: Period, o: KpiOptions) -> pl.LazyFrame:
    return count_where(t.get("deals"), o, won_in(p))


@define(
    "revenue",
    "Revenue",
    unit="currency",
    better="higher",
    tables=_DEALS,
    columns=_WON_AMOUNT,
    additive=True,
    definition="Sum of amount over deals won in P.",
)
def revenue(t: Tables, p: Period, o: KpiOptions) -> pl.LazyFrame:
    return sum_where(t.get("deals"), o, pl.col("amount"), won_in(p))


@define(
    "avg_deal_size",
    "Average deal size",
    unit="currency",
    better="higher",
    tables=_DEALS,
    columns=_WON_AMOUNT,
    definition="revenue / won_deals.",
)
def avg_deal_size(t: Tables, p: Period, o: KpiOptions) -> pl.LazyFrame:
    won = won_in(p)
    return ratio_where(t.get("deals"), o, pl.col("amount").filter(won), won, _NO_WINS)


@define(
    "win_rate",
    "Win rate",
    unit="percent",
    better="higher",
    tables=_DEALS,
    columns=_CLOSED,
    definition="Deals won in P / deals with status won or lost and closed_at in P.",
)
def win_rate(t: Tables, p: Period, o: KpiOptions) -> pl.LazyFrame:
    closed = pl.col("status").is_in(["won", "lost"]) & in_period("closed_at", p)
    return ratio_where(t.get("deals"), o, won_in(p), closed, "no deals won or lost in period")


@define(
    "close_rate",
    "Close rate",
    unit="percent",
    better="higher",
    tables=_DEALS,
    cohort=True,
    definition=(
        "Of the deals with created_at in P, the share whose status is won (as the data "
        "stands); the outcome's day is closed_at."
    ),
)
def close_rate(t: Tables, p: Period, o: KpiOptions) -> pl.LazyFrame:
    deals = t.get("deals")
    closed_on = date_or_null(deals, "closed_at")
    won = Outcome(pl.col("status") == "won", closed_on)
    closed = Outcome(pl.col("status").is_in(["won", "lost"]), closed_on)
    created = in_period("created_at", p)
    return cohort_ratio(deals, o, created, won, by_cut(closed, o), "no deals created in period")


@define(
    "sales_cycle_days",
    "Sales cycle length",
    unit="days",
    better="lower",
    tables=_DEALS,
    columns=_CLOSED,
    median=True,
    definition="Mean of (closed_at − created_at) in days over deals won in P.",
)
def sales_cycle_days(t: Tables, p: Period, o: KpiOptions) -> pl.LazyFrame:
    cycle = days_between("created_at", "closed_at")
    return average_where(t.get("deals"), o, cycle, won_in(p), _NO_WINS)


@define(
    "net_new_revenue",
    "Net new revenue",
    unit="currency",
    better="higher",
    tables=_DEALS,
    columns=_BY_CUSTOMER,
    additive=True,
    definition=(
        "Sum of amount over deals won in P that are their customer's first purchase: no other "
        "won deal of the same customer_id has an earlier closed_at (several won on that first "
        "day all count). Deals without customer_id are left out."
    ),
)
def net_new_revenue(t: Tables, p: Period, o: KpiOptions) -> pl.LazyFrame:
    deals = t.get("deals")
    # Each customer's first close is decided on the whole table, before any
    # filter or breakdown (KPIS.md).
    firsts = (
        deals.filter((pl.col("status") == "won") & _has_customer())
        .group_by("customer_id")
        .agg(first_close=pl.col("closed_at").min())
    )
    candidates = deals if o.by else deals.filter(won_in(p) & _has_customer())
    deals = candidates.join(firsts, on="customer_id", how="left")
    first = won_in(p) & _has_customer() & (pl.col("closed_at") == pl.col("first_close"))
    return sum_where(deals, o, pl.col("amount"), first)


@define(
    "sales_per_customer",
    "Sales per customer",
    unit="currency",
    better="higher",
    tables=_DEALS,
    columns=_BY_CUSTOMER,
    definition=(
        "Sum of amount over deals won in P with a customer_id / number of distinct "
        "customer_id among them."
    ),
)
def sales_per_customer(t: Tables, p: Period, o: KpiOptions) -> pl.LazyFrame:
    won = won_in(p) & _has_customer()
    out = summarize(
        t.get("deals"),
        o,
        amount=pl.col("amount").filter(won).sum(),
        customers=pl.col("customer_id").filter(won).n_unique(),
    )
    return finish(out, o, ratio("amount", "customers"), _NO_CUSTOMER_WINS)


def _share_of_customers_with_type(
    t: Tables, p: Period, o: KpiOptions, deal_type: str
) -> pl.LazyFrame:
    won = won_in(p) & _has_customer()
    out = summarize(
        t.get("deals"),
        o,
        typed=pl.col("customer_id").filter(won & (pl.col("type") == deal_type)).n_unique(),
        customers=pl.col("customer_id").filter(won).n_unique(),
    )
    return finish(out, o, ratio("typed", "customers"), _NO_CUSTOMER_WINS)


@define(
    "upsell_rate",
    "Upsell rate",
    unit="percent",
    better="higher",
    tables=_DEALS,
    columns=("deals.closed_at", "deals.customer_id", "deals.type"),
    definition=(
        "Distinct customers with a deal won in P of type upsell / distinct customers with "
        "any deal won in P (customer_id present)."
    ),
)
def upsell_rate(t: Tables, p: Period, o: KpiOptions) -> pl.LazyFrame:
    return _share_of_customers_with_type(t, p, o, "upsell")


@define(
    "cross_sell_rate",
    "Cross-sell rate",
    unit="percent",
    better="higher",
    tables=_DEALS,
    columns=("deals.closed_at", "deals.customer_id", "deals.type"),
    definition=(
        "Distinct customers with a deal won in P of type cross_sell / distinct customers "
        "with any deal won in P (customer_id present)."
    ),
)
def cross_sell_rate(t: Tables, p: Period, o: KpiOptions) -> pl.LazyFrame:
    return _share_of_customers_with_type(t, p, o, "cross_sell")


@define(
    "repeat_purchase_rate",
    "Repeat purchase rate",
    unit="percent",
    better="higher",
    tables=_DEALS,
    columns=("deals.closed_at", "deals.customer_id"),
    definition=(
        "Among customer_ids with at least one won deal with closed_at < e, the share with at "
        "least two such deals (two won on the same day count as two)."
    ),
)
def repeat_purchase_rate(t: Tables, p: Period, o: KpiOptions) -> pl.LazyFrame:
    won_before_end = (pl.col("status") == "won") & (pl.col("closed_at") < pl.lit(p.end))
    deals = t.get("deals").filter(won_before_end & _has_customer())
    if o.row_filter is not None:
        deals = deals.filter(o.row_filter)
    per_customer = deals.group_by([*o.by, "customer_id"]).agg(purchases=pl.len())
    grouped = replace(o, row_filter=None)  # already applied to the deals above
    out = summarize(per_customer, grouped, repeat=(pl.col("purchases") >= 2).sum(), buyers=pl.len())
    return finish(
        out, o, ratio("repeat", "buyers"), "no customers with a won deal before period end"
    )


@define(
    "open_deals",
    "Open deals",
    unit="count",
    better=None,
    tables=_DEALS,
    columns=_CLOSED,
    definition="Deals open at e: created_at < e and (closed_at missing or closed_at >= e).",
)
def open_deals(t: Tables, p: Period, o: KpiOptions) -> pl.LazyFrame:
    return count_where(t.get("deals"), o, deal_open_at(p.end))


@define(
    "open_pipeline_value",
    "Open pipeline value",
    unit="currency",
    better="higher",
    tables=_DEALS,
    columns=_WON_AMOUNT,
    definition="Sum of amount (missing = 0) over deals open at e.",
)
def open_pipeline_value(t: Tables, p: Period, o: KpiOptions) -> pl.LazyFrame:
    return sum_where(t.get("deals"), o, pl.col("amount").fill_null(0), deal_open_at(p.end))


def stage_probability(stages: dict[str, float]) -> pl.Expr:
    """1.0 for a deal won since, 0.0 for one lost since, else its stage's probability."""
    status = pl.col("status")
    by_stage = pl.col("stage").replace_strict(stages, default=None, return_dtype=pl.Float64)
    return pl.when(status == "won").then(1.0).when(status == "lost").then(0.0).otherwise(by_stage)


def unknown_stages(open_at_e: pl.Expr, stages: dict[str, float]) -> pl.Expr:
    """The config error for open deals whose stage has no probability, or null."""
    unknown = (
        open_at_e
        & (pl.col("status") == "open")
        & ~pl.col("stage").fill_null("").is_in(list(stages))
    )
    names = pl.col("stage").fill_null("(empty)").filter(unknown).unique().sort().str.join(", ")
    known = ", ".join(stages) or "none"
    message = pl.concat_str(
        pl.lit("stage_probability has no probability for the stage(s) "), names,
        pl.lit(f" of open deals; known stages: {known}"),
    )  # fmt: skip
    return pl.when(unknown.any()).then(message).otherwise(None)


@define(
    "weighted_pipeline_value", "Weighted pipeline", unit="currency", better="higher",
    tables=_DEALS, columns=("deals.closed_at", "deals.amount", "deals.stage"),
    definition=(
        "Sum over deals open at e of amount (missing = 0) × probability from the config "
        "stage_probability map: an open deal's current stage; a deal open at e but won "
        "since counts 1.0, lost since 0.0."
    ),
)  # fmt: skip
def weighted_pipeline_value(t: Tables, p: Period, o: KpiOptions) -> pl.LazyFrame:
    stages = dict(o.settings.stage_probability or {})
    if not stages:
        return unavailable(o, NO_STAGE_MAP)
    open_at_e = deal_open_at(p.end)
    weighted = pl.col("amount").fill_null(0) * stage_probability(stages)
    out = summarize(
        t.get("deals"), o,
        total=weighted.filter(open_at_e).sum(), error=unknown_stages(open_at_e, stages),
    )  # fmt: skip
    value = finish(out, o, pl.col("total").fill_null(0), "")
    return pl.concat([value, out.select(pl.col("error").alias(CONFIG_ERROR))], how="horizontal")


@define(
    "sales_velocity", "Sales velocity", unit="currency", better="higher", tables=_DEALS,
    columns=_BY_CUSTOMER[:2],
    definition=(
        "open_deals × win_rate × avg_deal_size / sales_cycle_days (money per day), each part "
        "by its default definition (the mean cycle)."
    ),
)  # fmt: skip
def sales_velocity(t: Tables, p: Period, o: KpiOptions) -> pl.LazyFrame:
    default = replace(o, stat="mean")
    parts = {
        "open_deals": open_deals(t, p, default),
        "win_rate": win_rate(t, p, default),
        "avg_deal_size": avg_deal_size(t, p, default),
        "sales_cycle_days": sales_cycle_days(t, p, default),
    }

    def velocity(v: dict[str, pl.Expr]) -> pl.Expr:
        cycle = v["sales_cycle_days"]
        product = v["open_deals"] * v["win_rate"] * v["avg_deal_size"]
        return pl.when(cycle > 0).then(product / cycle)

    return combine(parts, o, velocity, "the mean sales cycle is 0 days")
