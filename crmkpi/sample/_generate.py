"""Putting the sample business together, table by table, from one seed."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from crmkpi.errors import UsageError
from crmkpi.sample import _vocab as v
from crmkpi.sample._accounts import (
    customers_frame,
    draw_accounts,
    draw_prospects,
    leads_frame,
    prospect_statuses,
)
from crmkpi.sample._base import Window
from crmkpi.sample._deals import (
    deals_frame,
    expansion_deals,
    first_deals,
    merge,
    prospect_deals,
    renewal_deals,
)
from crmkpi.sample._spend import spend_frame
from crmkpi.sample._stages import stages_frame
from crmkpi.sample._support import surveys_frame, tickets_frame


def generate_sample(customers: int, seed: int, as_of: date) -> dict[str, pl.DataFrame]:
    """Every canonical table of a made-up B2B business whose history ends on ``as_of``.

    About three years of growth with seasons and churn; ``customers`` is the
    exact number of customers ever acquired (active or churned). The result
    depends only on the three arguments: the same ones give the same tables.
    Columns are typed (dates, datetimes, floats, integers) in canonical order;
    nothing is dated after ``as_of``. Keys follow ``canonical.TABLES``.
    """
    if customers < 1:
        raise UsageError(f"the number of customers must be at least 1, not {customers}")
    if seed < 0:
        raise UsageError(f"the seed must be a whole number from 0 up, not {seed}")
    rng = np.random.default_rng(seed)
    window = Window.ending(as_of)
    acc = draw_accounts(rng, window, customers)
    prospects = draw_prospects(rng, window, customers * v.PROSPECTS_PER_CUSTOMER)
    first = first_deals(rng, acc)
    new_business, prospect_deal = prospect_deals(rng, window, prospects, customers)
    deals = merge(
        rng,
        [
            first,
            new_business,
            expansion_deals(rng, window, acc),
            renewal_deals(rng, window, acc, first),
        ],
    )
    statuses = prospect_statuses(rng, window, prospects, prospect_deal)
    leads, lead_number = leads_frame(acc, prospects, statuses)
    return {
        "customers": customers_frame(rng, acc),
        "leads": leads,
        "deals": deals_frame(deals, lead_number, customers),
        "tickets": tickets_frame(rng, window, acc),
        "surveys": surveys_frame(rng, window, acc),
        "spend": spend_frame(rng, window, customers),
        "deal_stages": stages_frame(rng, window, deals),
    }
