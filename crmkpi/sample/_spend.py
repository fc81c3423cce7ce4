"""Monthly marketing and sales spend per paid channel.

Spend follows the expected number of customers each month brings (the same
growth and season as acquisition), so CAC stays plausible as the business
grows. The as_of month holds only the days up to as_of.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from crmkpi.sample import _vocab as v
from crmkpi.sample._base import Window, activity, as_date, as_label, lognormal


def spend_frame(rng: np.random.Generator, window: Window, customers: int) -> pl.DataFrame:
    weights = activity(window, window.start, window.as_of)
    days = np.arange(window.start, window.end, dtype=np.int64)
    month = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    expected = np.bincount(month - month[0], weights=weights) / weights.sum() * customers
    months = np.arange(len(expected), dtype=np.int64) + month[0]
    first_day = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)

    n_channels = len(v.SPEND_CHANNELS)
    row_month = np.repeat(np.arange(len(months)), n_channels)
    channel = np.tile(np.arange(n_channels), len(months))
    share = np.asarray([v.CHANNEL_P[v.CHANNELS.index(c)] for c in v.SPEND_CHANNELS])
    events = channel == v.SPEND_CHANNELS.index("Events")
    in_season = np.isin(months[row_month] % 12 + 1, v.EVENT_MONTHS)
    lumps = np.where(events, np.where(in_season, 2.0, 0.65), 1.0)
    noise = lognormal(rng, 1.0, 0.12, len(channel))
    cost = expected[row_month] * share[channel] * np.asarray(v.SPEND_PER_CUSTOMER)[channel]
    raw = pl.DataFrame(
        {
            "date": first_day[row_month],
            "amount": np.round(cost * lumps * noise, 2),
            "channel": np.asarray([v.CHANNELS.index(c) for c in v.SPEND_CHANNELS])[channel],
            "kind": channel,
        }
    )
    return raw.select(
        as_date("date"),
        pl.col("amount"),
        as_label("channel", v.CHANNELS),
        as_label("kind", v.SPEND_KIND),
    )
