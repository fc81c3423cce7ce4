"""Customers and leads: who was acquired when, from which lead, and who left.

Customer ``i`` (0-based, ``C`` + i+1) converted from lead ``i`` of the lead
arrays; leads ``n..`` are prospects that did not (or not yet) convert. Lead ids
are numbered by created_at, so the mapping from lead index to lead number is
returned alongside the table.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from crmkpi.sample import _vocab as v
from crmkpi.sample._base import (
    DAYS_PER_MONTH,
    NEVER,
    Days,
    Window,
    activity,
    as_date,
    as_id,
    as_label,
    cycle_days,
    draw_days,
    id_width,
    lognormal,
    pick,
    pick_by,
)


@dataclass(frozen=True, slots=True)
class Accounts:
    """One entry per customer, in customer_id order (which is created_at order)."""

    created: Days
    churned: Days  # NEVER while active
    segment: Days
    region: Days
    channel: Days
    owner: Days
    first_cycle: Days  # days from the first deal's created_at to created_at
    lead_lag: Days  # days from the lead's created_at to created_at (> first_cycle)

    @property
    def size(self) -> int:
        return len(self.created)

    def end(self, window: Window) -> Days:
        """First day on which the customer is no longer active, or the day after as_of."""
        return np.minimum(self.churned, window.end)


@dataclass(frozen=True, slots=True)
class Prospects:
    """Leads that did not convert: created_at, source and owner."""

    created: Days
    source: Days
    owner: Days


def draw_accounts(rng: np.random.Generator, window: Window, n: int) -> Accounts:
    created = draw_days(rng, window.start, activity(window, window.start, window.as_of), n)
    segment = pick(rng, v.SEGMENT_P, n)
    channel = pick(rng, v.CHANNEL_P, n)
    hazard = np.asarray(v.MONTHLY_CHURN)[segment] * np.asarray(v.CHANNEL_CHURN)[channel]
    lifetime = np.ceil(rng.exponential(DAYS_PER_MONTH / hazard)).astype(np.int64)
    churn = created + np.maximum(lifetime, 1)
    first_cycle = cycle_days(rng, np.asarray(v.FIRST_CYCLE_DAYS)[segment], n, sigma=0.5)
    extra = np.clip(np.round(lognormal(rng, 6.0, 0.8, n)), 1, 60).astype(np.int64)
    return Accounts(
        created=created,
        churned=np.where(churn > window.as_of, NEVER, churn),
        segment=segment,
        region=pick(rng, v.REGION_P, n),
        channel=channel,
        owner=pick(rng, v.SALES_REP_P, n),
        first_cycle=first_cycle,
        lead_lag=first_cycle + extra,
    )


def draw_prospects(rng: np.random.Generator, window: Window, n: int) -> Prospects:
    first = window.start - 60
    created = draw_days(rng, first, activity(window, first, window.as_of), n)
    return Prospects(
        created=created,
        source=pick(rng, v.PROSPECT_SOURCE_P, n),
        owner=pick(rng, v.SALES_REP_P, n),
    )


def customers_frame(rng: np.random.Generator, acc: Accounts) -> pl.DataFrame:
    n = acc.size
    first = rng.integers(0, len(v.NAME_FIRST), n)
    second = rng.integers(0, len(v.NAME_SECOND), n)
    suffix = acc.region * 4 + rng.integers(0, 4, n)
    suffixes = [s for region in v.SUFFIXES for s in region]
    raw = pl.DataFrame(
        {
            "customer_id": np.arange(n, dtype=np.int64),
            "created_at": acc.created,
            "churned_at": acc.churned,
            "first": first,
            "second": second,
            "suffix": suffix,
            "segment": acc.segment,
            "region": acc.region,
            "channel": acc.channel,
            "owner": acc.owner,
        }
    )
    name = pl.concat_str(
        as_label("first", v.NAME_FIRST),
        as_label("second", v.NAME_SECOND),
        as_label("suffix", suffixes),
        separator=" ",
    )
    return raw.select(
        as_id("customer_id", "C", id_width(n, 6)),
        as_date("created_at"),
        as_date("churned_at"),
        name.alias("name"),
        as_label("segment", v.SEGMENTS),
        as_label("region", v.REGIONS),
        as_label("channel", v.CHANNELS),
        as_label("owner", v.SALES_REPS),
    )


def prospect_statuses(
    rng: np.random.Generator, window: Window, prospects: Prospects, deal_status: Days
) -> Days:
    """Lead status of each prospect (``v.L_*``).

    ``deal_status`` is the status (``v.D_*``) of the prospect's new-business
    deal, or -1 without one: an open deal keeps its lead qualified, a lost one
    loses it; without a deal, young leads are mostly open and old ones lost.
    """
    age = window.as_of - prospects.created
    band = np.searchsorted(np.asarray(v.PROSPECT_AGE_DAYS), age, side="right").astype(np.int64)
    by_age = pick_by(rng, v.PROSPECT_STATUS_P, band)
    return np.select(
        [deal_status == v.D_OPEN, deal_status == v.D_LOST], [v.L_QUALIFIED, v.L_LOST], by_age
    )


def leads_frame(
    acc: Accounts, prospects: Prospects, prospect_status: Days
) -> tuple[pl.DataFrame, Days]:
    """The leads table, and each lead's 0-based number (its id) by lead index."""
    n = acc.size
    created = np.concatenate([acc.created - acc.lead_lag, prospects.created])
    order = np.argsort(created, kind="stable")
    number = np.empty_like(order)
    number[order] = np.arange(len(order))
    no_customer = np.full(len(prospects.created), -1, dtype=np.int64)
    raw = pl.DataFrame(
        {
            "lead_id": np.arange(len(order), dtype=np.int64),
            "created_at": created[order],
            "status": np.concatenate([np.full(n, v.L_CONVERTED), prospect_status])[order],
            "converted_at": np.concatenate([acc.created, np.full_like(no_customer, NEVER)])[order],
            "customer_id": np.concatenate([np.arange(n, dtype=np.int64), no_customer])[order],
            "source": np.concatenate([acc.channel, prospects.source])[order],
            "owner": np.concatenate([acc.owner, prospects.owner])[order],
        }
    )
    frame = raw.select(
        as_id("lead_id", "L", id_width(len(order), 7)),
        as_date("created_at"),
        as_label("status", v.LEAD_STATUSES),
        as_date("converted_at"),
        as_id("customer_id", "C", id_width(n, 6)),
        as_label("source", v.CHANNELS),
        as_label("owner", v.SALES_REPS),
    )
    return frame, number.astype(np.int64)
