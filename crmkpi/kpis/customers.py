"""Customer KPIs (KPIS.md "Customers"): S and E are customers active at s and e."""

from __future__ import annotations

import polars as pl

from crmkpi.kpis._expr import (
    average_where,
    count,
    count_where,
    customer_active_at,
    days_between,
    finish,
    in_period,
    last_day,
    ratio,
    ratio_where,
    summarize,
)
from crmkpi.kpis.registry import KpiOptions, Tables, define
from crmkpi.periods import Period

_CUSTOMERS = ("customers",)
_CHURN = ("customers.churned_at",)
_NO_START = "no customers at period start"


def _churned_from_start(p: Period) -> pl.Expr:
    """Customers active at s whose churned_at is in P (a customer acquired and
    lost inside P is not in S, so it does not count)."""
    return customer_active_at(p.start) & in_period("churned_at", p)


@define(
    "new_customers",
    "New customers",
    unit="count",
    better="higher",
    tables=_CUSTOMERS,
    additive=True,
    definition="Customers with created_at in P.",
)
def new_customers(t: Tables, p: Period, o: KpiOptions) -> pl.LazyFrame:
    return count_where(t.get("customers"), o, in_period("created_at", p))


@define(
    "active_customers",
    "Active customers",
    unit="count",
    better="higher",
    tables=_CUSTOMERS,
    columns=_CHURN,
    definition="Customers active at e: created_at < e and not churned before e.",
)
def active_customers(t: Tables, p: Period, o: KpiOptions) -> pl.LazyFrame:
    return count_where(t.get("customers"), o, customer_active_at(p.end))


@define(
    "churned_customers",
    "Churned customers",
    unit="count",
    better="lower",
    tables=_CUSTOMERS,
    columns=_CHURN,
    additive=True,
    definition="Customers with churned_at in P (any created_at).",
)
def churned_customers(t: Tables, p: Period, o: KpiOptions) -> pl.LazyFrame:
    return count_where(t.get("customers"), o, in_period("churned_at", p))


@define(
    "churn_rate",
    "Churn rate",
    unit="percent",
    better="lower",
    tables=_CUSTOMERS,
    columns=_CHURN,
    definition="Customers active at s whose churned_at is in P, divided by S.",
)
def churn_rate(t: Tables, p: Period, o: KpiOptions) -> pl.LazyFrame:
    at_start = customer_active_at(p.start)
    return ratio_where(t.get("customers"), o, _churned_from_start(p), at_start, _NO_START)


@define(
    "retention_rate",
    "Retention rate",
    unit="percent",
    better="higher",
    tables=_CUSTOMERS,
    columns=_CHURN,
    definition="(S − customers active at s whose churned_at is in P) / S = 1 − churn_rate.",
)
def retention_rate(t: Tables, p: Period, o: KpiOptions) -> pl.LazyFrame:
    at_start = customer_active_at(p.start)
    kept = at_start & ~_churned_from_start(p)
    return ratio_where(t.get("customers"), o, kept, at_start, _NO_START)


def _start_and_end(t: Tables, p: Period, o: KpiOptions) -> pl.LazyFrame:
    return summarize(
        t.get("customers"),
        o,
        s=count(customer_active_at(p.start)),
        e=count(customer_active_at(p.end)),
    )


@define(
    "net_customer_growth",
    "Net customer growth",
    unit="count",
    better="higher",
    tables=_CUSTOMERS,
    columns=_CHURN,
    additive=True,
    definition="E − S (= new − churned).",
)
def net_customer_growth(t: Tables, p: Period, o: KpiOptions) -> pl.LazyFrame:
    counts = _start_and_end(t, p, o)
    return finish(counts, o, pl.col("e").fill_null(0) - pl.col("s").fill_null(0), "")


@define(
    "customer_growth_rate",
    "Customer base growth",
    unit="percent",
    better="higher",
    tables=_CUSTOMERS,
    columns=_CHURN,
    definition="(E − S) / S.",
)
def customer_growth_rate(t: Tables, p: Period, o: KpiOptions) -> pl.LazyFrame:
    counts = _start_and_end(t, p, o).with_columns(growth=pl.col("e") - pl.col("s"))
    return finish(counts, o, ratio("growth", "s"), _NO_START)


@define(
    "avg_customer_tenure",
    "Average customer tenure",
    unit="days",
    better="higher",
    tables=_CUSTOMERS,
    columns=_CHURN,
    median=True,
    definition="Mean over customers active at e of (last day of P − created_at), in days.",
)
def avg_customer_tenure(t: Tables, p: Period, o: KpiOptions) -> pl.LazyFrame:
    tenure = days_between("created_at", last_day(p))
    return average_where(
        t.get("customers"),
        o,
        tenure,
        customer_active_at(p.end),
        "no active customers at period end",
    )
