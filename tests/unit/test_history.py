"""``drop_repeated_stages``: OpportunityHistory rows that repeat the stage.

Each fixture is a typed deal_stages frame as ``load_table`` returns it
(``ROW`` is the file row); the expected rows are worked out by hand in the
comments, one deal at a time, in (entered_at, ROW) order.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from crmkpi.sources.history import drop_repeated_stages
from crmkpi.sources.loaders import ROW


def stages(rows: list[tuple[int, str, str, str]]) -> pl.DataFrame:
    """(ROW, deal_id, stage, entered_at) rows, typed as ``load_table`` types them."""
    return pl.DataFrame(
        {
            ROW: [r[0] for r in rows],
            "deal_id": [r[1] for r in rows],
            "stage": [r[2] for r in rows],
            "entered_at": [date.fromisoformat(r[3]) for r in rows],
        },
        schema={ROW: pl.UInt32, "deal_id": pl.String, "stage": pl.String, "entered_at": pl.Date},
    )


def kept_rows(frame: pl.DataFrame) -> tuple[list[int], int]:
    kept, dropped = drop_repeated_stages(frame)
    assert kept.columns == frame.columns
    return kept[ROW].to_list(), dropped


def test_amount_and_close_date_edits_are_repeats() -> None:
    frame = stages(
        [
            (2, "d1", "Prospecting", "2026-01-05"),
            (3, "d1", "Prospecting", "2026-01-09"),  # amount edited: repeat
            (4, "d1", "Prospecting", "2026-01-12"),  # close date edited: repeat
            (5, "d1", "Negotiation", "2026-02-01"),
            (6, "d1", "Negotiation", "2026-02-03"),  # probability edited: repeat
            (7, "d1", "Closed Won", "2026-02-20"),
        ]
    )
    assert kept_rows(frame) == ([2, 5, 7], 3)


def test_stage_entered_again_after_another_is_kept() -> None:
    # A, B, A: the deal went back; the second A is a new entry. A, A is not.
    frame = stages(
        [
            (2, "d1", "A", "2026-01-01"),
            (3, "d1", "B", "2026-01-02"),
            (4, "d1", "A", "2026-01-03"),
            (5, "d1", "A", "2026-01-04"),  # repeat of row 4
        ]
    )
    assert kept_rows(frame) == ([2, 3, 4], 1)


def test_deals_are_independent_even_when_interleaved() -> None:
    # In file order the rows alternate deals: d2's "A" at row 3 follows d1's "A"
    # at row 2, but it is d2's first row; d1's row 4 repeats d1's row 2.
    frame = stages(
        [
            (2, "d1", "A", "2026-01-01"),
            (3, "d2", "A", "2026-01-01"),
            (4, "d1", "A", "2026-01-02"),  # d1 repeat
            (5, "d2", "B", "2026-01-02"),
            (6, "d2", "B", "2026-01-03"),  # d2 repeat
        ]
    )
    assert kept_rows(frame) == ([2, 3, 5], 2)


def test_rows_are_ordered_by_date_before_file_order() -> None:
    # File order A, B, A, B drops nothing. By date the rows are A(row 4, Jan 1),
    # B(row 3, Jan 5), B(row 5, Jan 6), A(row 2, Jan 9): row 5 repeats row 3.
    frame = stages(
        [
            (2, "d1", "A", "2026-01-09"),
            (3, "d1", "B", "2026-01-05"),
            (4, "d1", "A", "2026-01-01"),
            (5, "d1", "B", "2026-01-06"),
        ]
    )
    assert kept_rows(frame) == ([2, 3, 4], 1)


def test_same_day_rows_keep_file_order() -> None:
    # All on one day. File order A(2), B(3), B(4), A(5): row 4 repeats row 3,
    # row 5 is a re-entry. Sorting by stage name or reversing the file would
    # give A, A, B, B and drop two rows instead.
    frame = stages(
        [
            (2, "d1", "A", "2026-03-02"),
            (3, "d1", "B", "2026-03-02"),
            (4, "d1", "B", "2026-03-02"),
            (5, "d1", "A", "2026-03-02"),
        ]
    )
    assert kept_rows(frame) == ([2, 3, 5], 1)


def test_same_day_ties_follow_row_not_the_frame_order() -> None:
    # The same rows as above, shuffled: ROW still says A(2), B(3), B(4), A(5).
    # Taken in this frame's order (B, A, A, B) row 2 would be the repeat.
    frame = stages(
        [
            (4, "d1", "B", "2026-03-02"),
            (5, "d1", "A", "2026-03-02"),
            (2, "d1", "A", "2026-03-02"),
            (3, "d1", "B", "2026-03-02"),
        ]
    )
    assert kept_rows(frame) == ([2, 3, 5], 1)


def test_kept_rows_come_back_in_file_order_with_their_values() -> None:
    # Input not in ROW order (as after a lenient join); output sorted by ROW.
    frame = stages(
        [
            (3, "d2", "Won", "2026-01-02"),  # d2's first row; row 4 repeats it
            (2, "d1", "Lost", "2026-01-01"),
            (4, "d2", "Won", "2026-01-03"),
        ]
    )
    kept, dropped = drop_repeated_stages(frame)
    assert dropped == 1
    assert kept.rows() == [
        (2, "d1", "Lost", date(2026, 1, 1)),
        (3, "d2", "Won", date(2026, 1, 2)),
    ]


def test_empty_history() -> None:
    kept, dropped = drop_repeated_stages(stages([]))
    assert (kept.height, dropped) == (0, 0)
    assert kept.schema == stages([]).schema
