"""Stage history of deals (the deal_stages table).

Each deal gets up to seven slots: the four open stages in order, two slots
for stepping back one stage and forward again, and the closing stage. A mask
says which slots a deal visits: from the stage its type starts in (renewals
start at Proposal) up to the last one it reached, with some skipped. Time spent in a stage is drawn per slot and
scaled so that the visits fill the deal's life, from created_at to closed_at
(or as_of while open): the first row is entered on created_at, rows are in
time order, and an open deal's last row is its current stage.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from crmkpi.sample import _vocab as v
from crmkpi.sample._base import NEVER, Days, Flags, Window, as_date, as_id, as_label, id_width
from crmkpi.sample._deals import Deals

_OPEN_SLOTS = 4


def stages_frame(rng: np.random.Generator, window: Window, deals: Deals) -> pl.DataFrame:
    stage, visited = _paths(rng, deals)
    entered = _entered(rng, window, deals, stage, visited)
    deal = np.broadcast_to(np.arange(deals.size, dtype=np.int64)[:, None], stage.shape)
    raw = pl.DataFrame(
        {"deal_id": deal[visited], "stage": stage[visited], "entered_at": entered[visited]}
    )
    return raw.select(
        as_id("deal_id", "D", id_width(deals.size, 7)),
        as_label("stage", v.STAGES),
        as_date("entered_at"),
    )


def _paths(rng: np.random.Generator, deals: Deals) -> tuple[Days, Flags]:
    """Stage index of each slot (deals × slots) and whether the deal visits it."""
    n = deals.size
    reach = deals.reach[:, None]
    slot = np.arange(_OPEN_SLOTS, dtype=np.int64)[None, :]
    closing = np.where(deals.status == v.D_WON, v.CLOSED_WON_STAGE, v.CLOSED_LOST_STAGE)
    stage = np.concatenate(
        [np.broadcast_to(slot, (n, _OPEN_SLOTS)), reach - 1, reach, closing[:, None]], axis=1
    )
    start = np.asarray(v.START_STAGE)[deals.type][:, None]
    end = np.where(deals.status == v.D_OPEN, NEVER, deals.closed)
    skip_p = np.asarray(v.SKIP_STAGE_P)[(end - deals.created < v.QUICK_DEAL_DAYS).astype(np.int64)]
    skipped = (rng.random((n, _OPEN_SLOTS)) < skip_p[:, None]) & (slot > start) & (slot < reach)
    reenters = (rng.random(n) < v.REENTER_P) & (deals.reach >= 2) & (deals.reach > start[:, 0])
    visited = np.concatenate(
        [
            (slot >= start) & (slot <= reach) & ~skipped,
            np.repeat(reenters[:, None], 2, axis=1),
            (deals.status != v.D_OPEN)[:, None],
        ],
        axis=1,
    )
    return stage, visited


def _entered(
    rng: np.random.Generator, window: Window, deals: Deals, stage: Days, visited: Flags
) -> Days:
    """Day each slot is entered: its share of the deal's life before it starts.

    The closing slot weighs nothing and lands exactly on closed_at.
    """
    time = np.asarray((*v.STAGE_TIME, 0.0, 0.0), dtype=np.float64)[stage]
    weight = rng.exponential(size=stage.shape) * time * visited
    running = np.cumsum(weight, axis=1)  # non-decreasing, so the days are too
    before = np.concatenate([np.zeros((deals.size, 1)), running[:, :-1]], axis=1)
    total = np.maximum(running[:, -1:], 1e-12)
    end = np.where(deals.status == v.D_OPEN, window.as_of, deals.closed)
    span = (end - deals.created)[:, None]
    offset = np.minimum(np.floor(before / total * span).astype(np.int64), span)
    offset[:, -1] = span[:, 0]
    return deals.created[:, None] + offset
