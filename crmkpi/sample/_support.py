"""Support tickets and NPS surveys, raised by customers while they are active.

Ticket times are naive local datetimes in whole seconds; nothing happens after
the end of the as_of day, so recent tickets are often unanswered or unresolved.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from crmkpi.sample import _vocab as v
from crmkpi.sample._accounts import Accounts
from crmkpi.sample._base import (
    NEVER,
    SECONDS_PER_DAY,
    Days,
    Window,
    as_date,
    as_datetime,
    as_id,
    as_label,
    id_width,
    lognormal,
    months_between,
    owners_of,
    pick,
    pick_by,
    uniform_days,
)

_HOUR = 3_600


def tickets_frame(rng: np.random.Generator, window: Window, acc: Accounts) -> pl.DataFrame:
    end = acc.end(window)
    rate = np.asarray(v.TICKET_RATE)[acc.segment] * months_between(acc.created, end)
    c = owners_of(rng.poisson(rate).astype(np.int64))
    created = _working_time(rng, acc.created[c], end[c])
    order = np.lexsort((c, created))
    c, created = c[order], created[order]
    n = len(c)
    priority = pick(rng, v.PRIORITY_P, n)
    responded, resolved = _replies(rng, window, created, priority)
    waiting = (responded < NEVER) & (rng.random(n) < 0.6)
    raw = pl.DataFrame(
        {
            "ticket_id": np.arange(n, dtype=np.int64),
            "created_at": created,
            "first_response_at": responded,
            "resolved_at": resolved,
            "customer_id": c,
            "status": np.select([resolved < NEVER, waiting], [2, 1], 0),
            "priority": priority,
            "channel": pick(rng, v.TICKET_CHANNEL_P, n),
            "agent": pick(rng, v.AGENT_P, n),
            "csat": _csat(rng, created, responded, resolved),
        }
    )
    return raw.select(
        as_id("ticket_id", "T", id_width(n, 7)),
        as_datetime("created_at"),
        as_datetime("first_response_at"),
        as_datetime("resolved_at"),
        as_id("customer_id", "C", id_width(acc.size, 6)),
        as_label("status", v.TICKET_STATUSES),
        as_label("priority", v.PRIORITIES),
        as_label("channel", v.TICKET_CHANNELS),
        as_label("agent", v.AGENTS),
        pl.when(pl.col("csat") > 0).then(pl.col("csat")).alias("csat"),
    )


def _replies(
    rng: np.random.Generator, window: Window, created: Days, priority: Days
) -> tuple[Days, Days]:
    """first_response_at and resolved_at in epoch seconds (NEVER when missing).

    Waits are lognormal (long tail past a day); a reply or resolution that
    would fall after the as_of day has not happened yet.
    """
    n = len(created)
    limit = window.end * SECONDS_PER_DAY
    wait = lognormal(rng, np.asarray(v.RESPONSE_MEDIAN_HOURS)[priority], v.RESPONSE_SIGMA, n)
    responded = created + np.maximum(np.round(wait * _HOUR), 60).astype(np.int64)
    answered = (rng.random(n) >= v.UNANSWERED_P) & (responded < limit)
    work = lognormal(rng, v.RESOLUTION_MEDIAN_HOURS, v.RESOLUTION_SIGMA, n)
    resolved = responded + np.round(work * _HOUR).astype(np.int64)
    done = answered & (resolved < limit) & (rng.random(n) >= v.NEVER_RESOLVED_P)
    return np.where(answered, responded, NEVER), np.where(done, resolved, NEVER)


def _csat(rng: np.random.Generator, created: Days, responded: Days, resolved: Days) -> Days:
    """A 1-5 rating on some resolved tickets (0 = none); a slow first reply rates lower."""
    rated = (resolved < NEVER) & (rng.random(len(created)) < v.CSAT_P)
    slow = (responded - created > 24 * _HOUR).astype(np.int64)
    return np.where(rated, pick_by(rng, v.CSAT_SCORE_P, slow) + 1, 0)


def _working_time(rng: np.random.Generator, first: Days, end: Days) -> Days:
    """A moment (epoch seconds) in ``[first, end)`` days, mostly on weekdays and in office hours."""
    day = uniform_days(rng, first, end)
    weekday = (day + 3) % 7
    monday = day + 7 - weekday
    moved = (weekday >= 5) & (rng.random(len(day)) < 0.7) & (monday < end)
    day = np.where(moved, monday, day)
    hour = np.clip(np.round(rng.normal(13.0, 3.2, len(day))), 0, 23).astype(np.int64)
    return day * SECONDS_PER_DAY + hour * _HOUR + rng.integers(0, _HOUR, len(day))


def surveys_frame(rng: np.random.Generator, window: Window, acc: Accounts) -> pl.DataFrame:
    """NPS answers; customers who leave within CHURN_SOON_DAYS answer worse."""
    end = acc.end(window)
    c = owners_of(rng.poisson(v.SURVEY_RATE * months_between(acc.created, end)).astype(np.int64))
    day = uniform_days(rng, acc.created[c], end[c])
    order = np.lexsort((c, day))
    c, day = c[order], day[order]
    leaving = (acc.churned[c] - day <= v.CHURN_SOON_DAYS).astype(np.int64)
    raw = pl.DataFrame(
        {
            "responded_at": day,
            "score": pick_by(rng, v.NPS_P, leaving),
            "customer_id": c,
            "survey_id": np.arange(len(c), dtype=np.int64),
        }
    )
    return raw.select(
        as_date("responded_at"),
        pl.col("score").cast(pl.Int64),
        as_id("customer_id", "C", id_width(acc.size, 6)),
        as_id("survey_id", "S", id_width(len(c), 7)),
    )
