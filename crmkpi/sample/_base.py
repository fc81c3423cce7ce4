"""Day arithmetic, random draws and column builders shared by the generators.

Days are whole numbers counted from 1970-01-01 (numpy int64); times of day are
seconds from the same epoch. ``NEVER`` stands for a missing date: it is later
than any real day, so "churned before x" and "closed after as_of" need no
special case, and it becomes an empty cell in the tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt
import polars as pl

from crmkpi.sample import _vocab as v

Days = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Flags = npt.NDArray[np.bool_]

NEVER = 1 << 40
SECONDS_PER_DAY = 86_400
DAYS_PER_MONTH = 365.25 / 12
_EPOCH = date(1970, 1, 1)


@dataclass(frozen=True, slots=True)
class Window:
    """The history: ``start`` (first day of the first month) to ``as_of`` inclusive."""

    start: int
    as_of: int

    @classmethod
    def ending(cls, as_of: date, months: int = v.HISTORY_MONTHS) -> Window:
        month = as_of.year * 12 + as_of.month - 1 - (months - 1)
        first = date(month // 12, month % 12 + 1, 1)
        return cls(day_number(first), day_number(as_of))

    @property
    def end(self) -> int:
        """The day after as_of (exclusive bound)."""
        return self.as_of + 1


def day_number(d: date) -> int:
    return (d - _EPOCH).days


def month_of(days: Days) -> Days:
    """Calendar month, 0 (January) to 11."""
    months = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return months % 12


def activity(window: Window, first: int, last: int) -> Floats:
    """Relative sales activity on each day of ``first..last`` (inclusive).

    Exponential growth over the history, times the month's season, with quiet
    weekends: the shape of new leads and new customers over time.
    """
    days = np.arange(first, last + 1, dtype=np.int64)
    span = max(window.as_of - window.start, 1)
    growth = np.exp(np.log(v.GROWTH_OVER_HISTORY) * (days - window.start) / span)
    season = np.asarray(v.SEASON)[month_of(days)]
    weekend = (days + 3) % 7 >= 5  # 1970-01-01 was a Thursday
    return growth * season * np.where(weekend, v.WEEKEND_ACTIVITY, 1.0)


def draw_days(rng: np.random.Generator, first: int, weights: Floats, n: int) -> Days:
    """``n`` days from ``first`` on, distributed as ``weights``, in ascending order."""
    cdf = np.cumsum(weights)
    picked = np.searchsorted(cdf, rng.random(n) * cdf[-1], side="right")
    return np.sort(first + np.minimum(picked, len(weights) - 1).astype(np.int64))


def pick(rng: np.random.Generator, probs: Sequence[float], n: int) -> Days:
    """Indices into a vocabulary, drawn with the given probabilities."""
    cdf = np.cumsum(probs)
    idx = np.searchsorted(cdf, rng.random(n) * cdf[-1], side="right")
    return np.minimum(idx, len(probs) - 1).astype(np.int64)


def pick_by(rng: np.random.Generator, table: Sequence[Sequence[float]], row: Days) -> Days:
    """Like ``pick``, with each draw using the probabilities of ``table[row[i]]``."""
    cdf = np.cumsum(np.asarray(table, dtype=np.float64), axis=1)[row]
    u = rng.random(len(row)) * cdf[:, -1]
    return (u[:, None] >= cdf[:, :-1]).sum(axis=1).astype(np.int64)


def lognormal(rng: np.random.Generator, median: Floats | float, sigma: float, n: int) -> Floats:
    return rng.lognormal(np.log(median), sigma, n)


def cycle_days(rng: np.random.Generator, median: Floats, n: int, sigma: float = 0.55) -> Days:
    """Whole days a deal takes from created to closed: lognormal, at most MAX_CYCLE_DAYS."""
    return np.clip(np.round(lognormal(rng, median, sigma, n)), 0, v.MAX_CYCLE_DAYS).astype(np.int64)


def uniform_days(rng: np.random.Generator, first: Days, end: Days) -> Days:
    """One day in ``[first, end)`` for each pair (``end > first``)."""
    return first + np.floor(rng.random(len(first)) * (end - first)).astype(np.int64)


def months_between(first: Days, end: Days) -> Floats:
    return np.maximum(end - first, 0) / DAYS_PER_MONTH


def owners_of(counts: Days) -> Days:
    """Row ``i`` repeated ``counts[i]`` times: the parent of each child row."""
    return np.repeat(np.arange(len(counts), dtype=np.int64), counts)


def as_date(column: str) -> pl.Expr:
    c = pl.col(column)
    return pl.when(c < NEVER).then(c).cast(pl.Int32).cast(pl.Date).alias(column)


def as_datetime(column: str) -> pl.Expr:
    c = pl.col(column)
    return pl.when(c < NEVER).then(pl.from_epoch(c, time_unit="s")).alias(column)


def as_id(column: str, prefix: str, width: int) -> pl.Expr:
    """``prefix`` + the 1-based number zero-padded to ``width``; a negative index is missing."""
    c = pl.col(column)
    text = pl.concat_str(pl.lit(prefix), (c + 1).cast(pl.String).str.zfill(width))
    return pl.when(c >= 0).then(text).alias(column)


def as_label(column: str, vocabulary: Sequence[str]) -> pl.Expr:
    """The vocabulary entry at each index; a negative index is missing."""
    return (
        pl.col(column)
        .replace_strict(list(range(len(vocabulary))), list(vocabulary), default=None)
        .cast(pl.String)
        .alias(column)
    )


def id_width(n: int, minimum: int) -> int:
    return max(minimum, len(str(n)))
