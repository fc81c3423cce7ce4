"""Deals: each customer's first (won) purchase, later expansion and renewal
deals, and the new-business deals of leads that never converted.

Deals are built as batches of numpy arrays, one batch per kind, then merged in
created_at order, which numbers them (``D`` + number).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import polars as pl

from crmkpi.sample import _vocab as v
from crmkpi.sample._accounts import Accounts, Prospects
from crmkpi.sample._base import (
    NEVER,
    Days,
    Flags,
    Floats,
    Window,
    as_date,
    as_id,
    as_label,
    cycle_days,
    id_width,
    lognormal,
    months_between,
    owners_of,
    pick,
    uniform_days,
)


@dataclass(frozen=True, slots=True)
class Deals:
    """Parallel arrays, one entry per deal. ``closed`` is NEVER for open deals,
    ``amount`` NaN when missing, ``customer``/``lead`` -1 when absent, and
    ``reach`` the last open stage entered (0..3; the current one if open)."""

    created: Days
    closed: Days
    status: Days
    amount: Floats
    customer: Days
    lead: Days
    type: Days
    owner: Days
    pipeline: Days
    product: Days
    reach: Days

    @property
    def size(self) -> int:
        return len(self.created)


@dataclass(frozen=True, slots=True)
class _Plan:
    """Deals not settled yet: when each would close, its win chance, and
    whether (and on which day) it is lost because the customer leaves first."""

    created: Days
    close: Days
    win_p: Floats
    doomed: Flags
    lost_on: Days


def _amounts(rng: np.random.Generator, segment: Days, factor: float) -> Floats:
    """Deal values by segment, ``factor`` times a new customer's, rounded to the cent."""
    band = np.asarray(v.AMOUNT_BAND)[segment]
    raw = lognormal(rng, band[:, 0] * factor, 0.45, len(segment))
    low = band[:, 1] * min(factor, 1.0)
    return np.round(np.clip(raw, low, band[:, 2]), 2).astype(np.float64)


def first_deals(rng: np.random.Generator, acc: Accounts) -> Deals:
    """The won purchase that made each customer one, closed on created_at."""
    n = acc.size
    won = np.full(n, v.D_WON, dtype=np.int64)
    return Deals(
        created=acc.created - acc.first_cycle,
        closed=acc.created,
        status=won,
        amount=_amounts(rng, acc.segment, 1.0),
        customer=np.arange(n, dtype=np.int64),
        lead=np.arange(n, dtype=np.int64),
        type=np.full(n, v.T_NEW, dtype=np.int64),
        owner=acc.owner,
        pipeline=np.zeros(n, dtype=np.int64),
        product=pick(rng, v.NEW_PRODUCT_P, n),
        reach=_reach(rng, won, np.zeros(n)),
    )


def prospect_deals(
    rng: np.random.Generator, window: Window, prospects: Prospects, lead_offset: int
) -> tuple[Deals, Days]:
    """New-business deals of some non-converting leads (lost, or still open),
    and the status of each prospect's deal (-1 for none)."""
    created = prospects.created + rng.integers(2, 22, len(prospects.created))
    has_deal = (rng.random(len(created)) < v.PROSPECT_DEAL_P) & (created <= window.as_of)
    idx = np.flatnonzero(has_deal).astype(np.int64)
    n = len(idx)
    segment = pick(rng, v.SEGMENT_P, n)
    never = np.full(n, NEVER, dtype=np.int64)
    close = created[idx] + cycle_days(rng, np.asarray(v.FIRST_CYCLE_DAYS)[segment], n)
    plan = _Plan(created[idx], close, np.zeros(n), np.zeros(n, dtype=np.bool_), never)
    status, closed, reach = _settle(rng, window, plan)
    deals = Deals(
        created=plan.created,
        closed=closed,
        status=status,
        amount=_amounts(rng, segment, 1.0),
        customer=np.full(n, -1, dtype=np.int64),
        lead=idx + lead_offset,
        type=np.full(n, v.T_NEW, dtype=np.int64),
        owner=prospects.owner[idx],
        pipeline=np.zeros(n, dtype=np.int64),
        product=pick(rng, v.NEW_PRODUCT_P, n),
        reach=reach,
    )
    deal_status = np.full(len(created), -1, dtype=np.int64)
    deal_status[idx] = status
    return deals, deal_status


def expansion_deals(rng: np.random.Generator, window: Window, acc: Accounts) -> Deals:
    """Upsells and cross-sells, opened while the customer is active."""
    first = acc.created + 1
    end = acc.end(window)
    rate = np.asarray(v.EXPANSION_RATE)[acc.segment] * months_between(first, end)
    c = owners_of(rng.poisson(rate).astype(np.int64))
    n = len(c)
    created = uniform_days(rng, first[c], end[c])
    kind = np.where(rng.random(n) < v.UPSELL_SHARE, v.T_UPSELL, v.T_CROSS_SELL)
    close = created + cycle_days(rng, 0.6 * np.asarray(v.FIRST_CYCLE_DAYS)[acc.segment[c]], n)
    win_p = np.where(kind == v.T_UPSELL, v.WIN_P[v.T_UPSELL], v.WIN_P[v.T_CROSS_SELL])
    plan = _Plan(created, close, win_p, acc.churned[c] <= close, acc.churned[c])
    status, closed, reach = _settle(rng, window, plan)
    upsell_product = pick(rng, v.NEW_PRODUCT_P, n)
    return Deals(
        created=created,
        closed=closed,
        status=status,
        amount=_amounts(rng, acc.segment[c], 0.35),
        customer=c,
        lead=np.full(n, -1, dtype=np.int64),
        type=kind,
        owner=acc.owner[c],
        pipeline=np.ones(n, dtype=np.int64),
        product=np.where(kind == v.T_UPSELL, upsell_product, pick(rng, v.CROSS_SELL_PRODUCT_P, n)),
        reach=reach,
    )


def renewal_deals(rng: np.random.Generator, window: Window, acc: Accounts, first: Deals) -> Deals:
    """Yearly renewals of Mid-Market and Enterprise contracts, opened 30-75 days
    before each anniversary; lost when the customer leaves within 30 days of it."""
    end = acc.end(window)
    annual = acc.segment != v.SMB
    years = np.where(annual, (end - acc.created + 75) // 365, 0)
    c = owners_of(years)
    anniversary = acc.created[c] + 365 * _rank_within(years)
    created = anniversary - rng.integers(30, 76, len(c))
    keep = created < end[c]
    c, anniversary, created = c[keep], anniversary[keep], created[keep]
    n = len(c)
    close = anniversary - rng.integers(0, 16, n)
    doomed = acc.churned[c] <= anniversary + 30
    lost_on = np.minimum(acc.churned[c], anniversary)
    status, closed, reach = _settle(rng, window, _Plan(created, close, np.ones(n), doomed, lost_on))
    uplift = rng.uniform(1.0, 1.1, n)
    return Deals(
        created=created,
        closed=closed,
        status=status,
        amount=np.round(first.amount[c] * uplift, 2),
        customer=c,
        lead=np.full(n, -1, dtype=np.int64),
        type=np.full(n, v.T_RENEWAL, dtype=np.int64),
        owner=acc.owner[c],
        pipeline=np.full(n, 2, dtype=np.int64),
        product=first.product[c],
        reach=reach,
    )


def merge(rng: np.random.Generator, batches: list[Deals]) -> Deals:
    """All batches as one, in created_at order.

    Some open and lost deals lose their amount, and no deal reaches less than
    the stage its type starts in.
    """
    joined = {f.name: np.concatenate([getattr(b, f.name) for b in batches]) for f in fields(Deals)}
    order = np.argsort(joined["created"], kind="stable")
    merged = {name: values[order] for name, values in joined.items()}
    blank = (merged["status"] != v.D_WON) & (rng.random(len(order)) < v.MISSING_AMOUNT_P)
    merged["amount"] = np.where(blank, np.nan, merged["amount"])
    merged["reach"] = np.maximum(merged["reach"], np.asarray(v.START_STAGE)[merged["type"]])
    return Deals(**merged)


def deals_frame(deals: Deals, lead_number: Days, customers: int) -> pl.DataFrame:
    stage = np.select(
        [deals.status == v.D_WON, deals.status == v.D_LOST],
        [v.CLOSED_WON_STAGE, v.CLOSED_LOST_STAGE],
        deals.reach,
    )
    lead = np.where(deals.lead >= 0, lead_number[np.maximum(deals.lead, 0)], -1)
    raw = pl.DataFrame(
        {
            "deal_id": np.arange(deals.size, dtype=np.int64),
            "created_at": deals.created,
            "status": deals.status,
            "closed_at": deals.closed,
            "amount": deals.amount,
            "customer_id": deals.customer,
            "lead_id": lead,
            "stage": stage,
            "type": deals.type,
            "owner": deals.owner,
            "pipeline": deals.pipeline,
            "product": deals.product,
        },
        nan_to_null=True,
    )
    return raw.select(
        as_id("deal_id", "D", id_width(deals.size, 7)),
        as_date("created_at"),
        as_label("status", v.DEAL_STATUSES),
        as_date("closed_at"),
        pl.col("amount"),
        as_id("customer_id", "C", id_width(customers, 6)),
        as_id("lead_id", "L", id_width(len(lead_number), 7)),
        as_label("stage", v.STAGES),
        as_label("type", v.DEAL_TYPES),
        as_label("owner", v.SALES_REPS),
        as_label("pipeline", v.PIPELINES),
        as_label("product", v.PRODUCTS),
    )


def _settle(rng: np.random.Generator, window: Window, plan: _Plan) -> tuple[Days, Days, Days]:
    """Status, closed_at and reached stage of planned deals.

    A doomed deal is lost on ``lost_on``; otherwise one planned to close after
    as_of is still open (its stage follows how far along it is), and the rest
    are won with probability ``win_p``, else lost, on their close day.
    """
    is_open = ~plan.doomed & (plan.close > window.as_of)
    won = ~plan.doomed & ~is_open & (rng.random(len(plan.close)) < plan.win_p)
    status = np.select([is_open, won], [v.D_OPEN, v.D_WON], v.D_LOST)
    closed = np.select([plan.doomed, is_open], [plan.lost_on, NEVER], plan.close)
    progress = (window.as_of - plan.created) / np.maximum(plan.close - plan.created, 1)
    return status, closed, _reach(rng, status, progress)


def _reach(rng: np.random.Generator, status: Days, progress: Floats) -> Days:
    n = len(status)
    won = np.where(rng.random(n) < v.WON_FROM_PROPOSAL_P, 2, 3)
    lost = pick(rng, v.LOST_REACH_P, n)
    still_open = np.clip(np.floor(progress * 4), 0, 3).astype(np.int64)
    return np.select([status == v.D_WON, status == v.D_LOST], [won, lost], still_open)


def _rank_within(counts: Days) -> Days:
    """1, 2, ... counts[i] for each parent, concatenated (matches ``owners_of``)."""
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    return np.arange(1, int(counts.sum()) + 1, dtype=np.int64) - starts
