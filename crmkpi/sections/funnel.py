"""The funnel section (KPIS.md "Sections"): leads created in P → converted →
won, each step a subset of the one before.

Decisions where KPIS.md is silent:

- "converted" is exactly the numerator of lead_conversion_rate (the same
  function decides it): converted_at present, status converted, or a won
  deal carries the lead_id. Like that KPI it is "as the data stands": a lead
  of P converted after e counts.
- "won" = converted leads of P that reached a won deal, at any time (as the
  data stands, like "converted", so the three steps are a cohort followed to
  today and a true subset chain): the lead's customer_id is the customer_id
  of a won deal, or a won deal carries the lead's lead_id.
- Only the leads table is required. Without deals, or without a column that
  links a lead to a deal, the funnel has two steps and a note saying why the
  third is left out (a count cannot be unavailable, and 0 would be a silent
  zero).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial

import polars as pl

from crmkpi.analyses import FunnelSection, FunnelStep, Section
from crmkpi.kpis._expr import count, in_period
from crmkpi.kpis.leads import converted_leads
from crmkpi.kpis.registry import KpiSettings, Tables
from crmkpi.periods import Period
from crmkpi.sections._plan import Plan, table_reason

NAME = "funnel"
# lead_conversion_rate's words when nothing says which leads converted.
NO_CONVERSION = "leads has no converted_at or status column, and no deals carry lead_id"
NO_LINK = "leads has no customer_id column and deals has no lead_id column"


def plan_funnel(
    tables: Tables, period: Period, settings: KpiSettings, absent: Mapping[str, str]
) -> Plan | Section:
    """One query with the three counts (two without a way to reach won deals)."""
    if tables.leads is None:
        return Section(NAME, None, table_reason(absent, "leads"))
    found = converted_leads(tables.leads, tables.deals)
    if found is None:
        return Section(NAME, None, NO_CONVERSION)
    leads, converted = found
    created = in_period("created_at", period)
    counts = {"leads": count(created), "converted": count(created & converted)}
    reached = _won_deal(leads, tables.deals, absent)
    if isinstance(reached, str):
        notes: tuple[str, ...] = (f"won step left out: {reached}",)
    else:
        leads, won = reached
        counts["won"] = count(created & converted & won)
        notes = ()
    return Plan((leads.select(**counts),), partial(_build, notes=notes))


def _won_deal(
    leads: pl.LazyFrame, deals: pl.LazyFrame | None, absent: Mapping[str, str]
) -> tuple[pl.LazyFrame, pl.Expr] | str:
    """Leads with a flag "reached a won deal", or why no link exists."""
    if deals is None:
        return table_reason(absent, "deals")
    won = deals.filter(pl.col("status") == "won")
    lead_columns = leads.collect_schema().names()
    deal_columns = deals.collect_schema().names()
    flags: list[pl.Expr] = []
    if "customer_id" in lead_columns and "customer_id" in deal_columns:
        leads = leads.join(
            _marks(won, "customer_id", "_won_customer"), on="customer_id", how="left"
        )
        flags.append(pl.col("_won_customer").fill_null(False))
    if "lead_id" in deal_columns:
        leads = leads.join(_marks(won, "lead_id", "_won_lead"), on="lead_id", how="left")
        flags.append(pl.col("_won_lead").fill_null(False))
    if not flags:
        return NO_LINK
    return leads, pl.any_horizontal(flags)


def _marks(won: pl.LazyFrame, key: str, flag: str) -> pl.LazyFrame:
    """Distinct non-null ``key`` values of won deals, each with ``flag`` true
    (distinct, so the join cannot multiply leads)."""
    return (
        won.filter(pl.col(key).is_not_null()).select(pl.col(key), pl.lit(True).alias(flag)).unique()
    )


def _share(part: int, whole: int | None) -> float | None:
    """part / whole; None without a whole or when it is 0 (no silent zeros)."""
    return part / whole if whole else None


def _build(results: Sequence[pl.DataFrame], notes: tuple[str, ...]) -> Section:
    (counts,) = results
    row = counts.row(0, named=True)
    first = int(row["leads"])
    steps: list[FunnelStep] = []
    before: int | None = None
    for name in counts.columns:
        n = int(row[name])
        steps.append(FunnelStep(name, n, _share(n, before), _share(n, first)))
        before = n
    return Section(NAME, FunnelSection(tuple(steps)), notes=notes)
