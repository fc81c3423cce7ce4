"""Support KPIs (KPIS.md "Support"): tickets, and surveys for NPS.

Ticket times are instants in the config timezone; "in P" compares their
local date, durations are between instants, in fractional hours.
"""

from __future__ import annotations

import polars as pl

from crmkpi.kpis._expr import (
    average_where,
    count_where,
    finish,
    hours_between,
    in_period,
    local_day,
    ratio,
    ratio_where,
    summarize,
)
from crmkpi.kpis.registry import KpiOptions, Tables, define
from crmkpi.periods import Period

_TICKETS = ("tickets",)
_RESOLVED = ("tickets.resolved_at",)
_FIRST_RESPONSE = ("tickets.first_response_at",)


def _created_in(p: Period) -> pl.Expr:
    return in_period(local_day("created_at"), p)


def _resolved_in(p: Period) -> pl.Expr:
    return in_period(local_day("resolved_at"), p)


@define(
    "new_tickets", "New tickets", unit="count", better=None, tables=_TICKETS, additive=True,
    definition="Tickets created in P.",
)  # fmt: skip
def new_tickets(t: Tables, p: Period, o: KpiOptions) -> pl.LazyFrame:
    return count_where(t.get("tickets"), o, _created_in(p))


@define(
    "resolved_tickets", "Resolved tickets", unit="count", better="higher", tables=_TICKETS,
    columns=_RESOLVED, additive=True, definition="Tickets with resolved_at in P.",
)  # fmt: skip
def resolved_tickets(t: Tables, p: Period, o: KpiOptions) -> pl.LazyFrame:
    return count_where(t.get("tickets"), o, _resolved_in(p))


@define(
    "open_tickets", "Ticket backlog", unit="count", better="lower", tables=_TICKETS,
    columns=_RESOLVED,
    definition=(
        "Tickets open at e: created_at (as a date) < e and (resolved_at missing or its "
        "date >= e)."
    ),
)  # fmt: skip
def open_tickets(t: Tables, p: Period, o: KpiOptions) -> pl.LazyFrame:
    resolved = local_day("resolved_at")
    still_open = (local_day("created_at") < pl.lit(p.end)) & (
        resolved.is_null() | (resolved >= pl.lit(p.end))
    )
    return count_where(t.get("tickets"), o, still_open.fill_null(False))


@define(
    "first_response_hours", "Average first response time", unit="hours", better="lower",
    tables=_TICKETS, columns=_FIRST_RESPONSE, median=True,
    definition=(
        "Mean of (first_response_at − created_at) in hours over tickets created in P that "
        "have first_response_at."
    ),
)  # fmt: skip
def first_response_hours(t: Tables, p: Period, o: KpiOptions) -> pl.LazyFrame:
    answered = _created_in(p) & pl.col("first_response_at").is_not_null()
    hours = hours_between("created_at", "first_response_at")
    return average_where(
        t.get("tickets"), o, hours, answered, "no answered tickets created in period"
    )


@define(
    "first_response_sla_rate", "First responses within SLA", unit="percent", better="higher",
    tables=_TICKETS, columns=_FIRST_RESPONSE,
    definition=(
        "Of tickets created in P, the share with a first response at most "
        "sla.first_response_hours (default 24) after created_at; unanswered tickets count "
        "as missed."
    ),
)  # fmt: skip
def first_response_sla_rate(t: Tables, p: Period, o: KpiOptions) -> pl.LazyFrame:
    created = _created_in(p)
    limit = o.settings.sla_first_response_hours
    within = (hours_between("created_at", "first_response_at") <= limit).fill_null(False)
    return ratio_where(
        t.get("tickets"), o, created & within, created, "no tickets created in period"
    )


@define(
    "resolution_hours", "Average resolution time", unit="hours", better="lower",
    tables=_TICKETS, columns=_RESOLVED, median=True,
    definition="Mean of (resolved_at − created_at) in hours over tickets resolved in P.",
)  # fmt: skip
def resolution_hours(t: Tables, p: Period, o: KpiOptions) -> pl.LazyFrame:
    hours = hours_between("created_at", "resolved_at")
    return average_where(
        t.get("tickets"), o, hours, _resolved_in(p), "no tickets resolved in period"
    )


@define(
    "csat", "Customer satisfaction (CSAT)", unit="percent", better="higher", tables=_TICKETS,
    columns=("tickets.resolved_at", "tickets.csat"),
    definition="Of tickets resolved in P with a csat rating, the share rated 4 or 5.",
)  # fmt: skip
def csat(t: Tables, p: Period, o: KpiOptions) -> pl.LazyFrame:
    rated = _resolved_in(p) & pl.col("csat").is_not_null()
    satisfied = rated & (pl.col("csat") >= 4)
    return ratio_where(t.get("tickets"), o, satisfied, rated, "no rated tickets resolved in period")


@define(
    "nps", "Net Promoter Score", unit="score", better="higher", tables=("surveys",),
    definition=(
        "Over surveys responded in P: (responses with score 9–10 − responses with score "
        "0–6) / responses × 100, in −100..100."
    ),
)  # fmt: skip
def nps(t: Tables, p: Period, o: KpiOptions) -> pl.LazyFrame:
    responded = in_period("responded_at", p)
    score = pl.col("score")
    out = summarize(
        t.get("surveys"), o,
        promoters=(responded & (score >= 9)).sum().cast(pl.Int64),
        detractors=(responded & (score <= 6)).sum().cast(pl.Int64),
        responses=responded.sum().cast(pl.Int64),
    )  # fmt: skip
    net = out.with_columns(net=pl.col("promoters") - pl.col("detractors"))
    return finish(net, o, ratio("net", "responses") * 100, "no survey responses in period")
