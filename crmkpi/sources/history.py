"""Stage history tables that log more than stage changes (EXPORTS.md §2).

Salesforce's OpportunityHistory adds a row whenever an opportunity's amount,
probability, close date or stage changes, so a deal that sat in one stage
while its amount was edited three times has four rows with that stage. Only
the first of them is an entry into the stage: counted as entries, the rest
would inflate stage counts, conversion rates and time-in-stage.
"""

from __future__ import annotations

import polars as pl

from crmkpi.sources.loaders import ROW


def drop_repeated_stages(frame: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """The rows of a typed deal_stages frame that enter a new stage, and how
    many rows were dropped as repeats.

    A deal's rows are taken in ``entered_at`` order, same-day rows in file
    order (``ROW``: a date-only history cannot order them otherwise), and a
    row whose stage is the stage of the deal's previous row is a repeat. A
    stage entered again after another one (A, B, A) is a real re-entry and
    kept. The kept rows come back in ``ROW`` order.
    """
    previous = (
        pl.col("stage").shift(1).over("deal_id", order_by=["entered_at", ROW], nulls_last=True)
    )
    repeat = (pl.col("stage") == previous).fill_null(False)
    kept = frame.filter(~repeat).sort(ROW)
    return kept, frame.height - kept.height
