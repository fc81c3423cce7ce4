"""Revenue and deal KPIs (KPIS.md "Revenue and deals"), every number worked out by hand.

A period P is [s, e). "Won in P" = status won and closed_at in P. A deal is
open at t when created_at < t and (closed_at missing or closed_at >= t)
(SCHEMA.md). The loader clears the closed_at of deals whose status is open, so
the compute-level fixtures give open deals no closed_at; the CLI test checks
that clearing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest
from _worked import CliReport, Measure, check, d

from crmkpi.kpis import Tables

SCHEMA = {
    "deal_id": pl.String,
    "created_at": pl.Date,
    "status": pl.String,
    "closed_at": pl.Date,
    "amount": pl.Float64,
    "customer_id": pl.String,
    "type": pl.String,
}
HEADER = tuple(SCHEMA)
Row = tuple[str, date, str, date | None, float | None, str | None, str | None]


def deals(*rows: Row) -> Tables:
    return Tables(deals=pl.DataFrame(list(rows), schema=SCHEMA, orient="row").lazy())


# The shared fixture.
# fmt: off
ROWS: tuple[Row, ...] = (
    # id     created            status  closed             amount  customer type
    ("d01", d("2026-08-01"), "won",  d("2026-09-10"), 1000.0, "A",  "new"),         # A's first purchase, in Q3
    ("d02", d("2026-09-20"), "won",  d("2026-10-10"),  500.0, "A",  "upsell"),      # A again: not net new
    ("d03", d("2026-10-02"), "won",  d("2026-10-20"),  300.0, "B",  "new"),         # B's first purchase ...
    ("d04", d("2026-10-05"), "won",  d("2026-10-20"),  200.0, "B",  "cross_sell"),  # ... and a second one that day
    ("d05", d("2026-09-01"), "won",  d("2026-10-31"),  400.0, None, "new"),         # no customer; won on October's last day
    ("d06", d("2026-10-03"), "won",  d("2026-11-01"),  700.0, "C",  "upsell"),      # won on e of October: not in P, open at e
    ("d07", d("2026-10-06"), "lost", d("2026-10-25"),  250.0, "D",  "cross_sell"),  # lost in October
    ("d08", d("2026-09-15"), "lost", d("2026-11-10"),  900.0, "D",  "new"),         # lost after October: open at e
    ("d09", d("2026-10-10"), "open", None,             600.0, "E",  "cross_sell"),  # open
    ("d10", d("2026-07-01"), "open", None,             None,  "F",  None),          # open, amount missing (= 0)
    ("d11", d("2026-11-01"), "open", None,             800.0, "G",  "new"),         # created on e: not open at e
    ("d12", d("2026-05-01"), "lost", d("2026-09-30"),  100.0, "H",  "new"),         # lost on Q3's last day
    ("d13", d("2026-05-20"), "won",  d("2026-06-15"),   80.0, "C",  "new"),         # C's first purchase, in Q2
    ("d14", d("2026-10-01"), "won",  d("2026-10-12"),  150.0, "E",  "upsell"),      # E's first purchase, typed upsell
    ("d15", d("2026-10-08"), "won",  d("2026-10-12"),   50.0, "A",  "upsell"),      # A's second upsell in October
    ("d16", d("2026-10-01"), "won",  d("2026-10-28"),  350.0, "D",  None),          # D's first win (after a lost deal)
    ("d17", d("2026-10-15"), "won",  d("2026-10-15"),  120.0, "F",  "new"),         # closed the day it was created
)
# fmt: on
TABLES = deals(*ROWS)
MONTH, QUARTER, WEEK, RANGE = "2026-10", "2026-Q3", "2026-W42", "2026-10-05..2026-10-20"

# Won in P, by period (by hand, from the rows above):
# 2026-10    [10-01, 11-01): d02 500 A, d03 300 B, d04 200 B, d05 400 -, d14 150 E,
#            d15 50 A, d16 350 D, d17 120 F = 8 deals (not d06 on e, not d01 in September)
# 2026-Q3    [07-01, 10-01): d01 1000 A = 1 deal (d13 closed in June)
# 2026-W42   [10-12, 10-19): d14 150 E, d15 50 A, d17 120 F = 3 deals
# range      [10-05, 10-21): d02, d03, d04, d14, d15, d17 = 6 deals (d16 10-28, d05 10-31 later)


@pytest.mark.parametrize(
    ("period", "expected"),
    [(MONTH, 8), (QUARTER, 1), (WEEK, 3), (RANGE, 6)],
)
def test_won_deals(measure: Measure, period: str, expected: float) -> None:
    check(measure("won_deals", TABLES, period)[0], expected)


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        (MONTH, 500 + 300 + 200 + 400 + 150 + 50 + 350 + 120),  # = 2070; d06 (700, on e) excluded
        (QUARTER, 1000),
        (WEEK, 150 + 50 + 120),  # = 320
        (RANGE, 500 + 300 + 200 + 150 + 50 + 120),  # = 1320
    ],
)
def test_revenue(measure: Measure, period: str, expected: float) -> None:
    check(measure("revenue", TABLES, period)[0], expected)


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        (MONTH, 2070 / 8),  # = 258.75; including d06 would give 2770 / 9
        (QUARTER, 1000 / 1),
        (WEEK, 320 / 3),
        (RANGE, 1320 / 6),  # = 220
    ],
)
def test_avg_deal_size(measure: Measure, period: str, expected: float) -> None:
    check(measure("avg_deal_size", TABLES, period)[0], expected)


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        # won 8 / (won 8 + lost d07 (10-25)) = 8 / 9; d08 lost on 11-10 is not in P
        (MONTH, 8 / 9),
        (QUARTER, 1 / 2),  # d01 won / (d01 + d12 lost on 09-30, the last day)
        (WEEK, 3 / 3),
        (RANGE, 6 / 6),  # d07 lost on 10-25, after the range
    ],
)
def test_win_rate(measure: Measure, period: str, expected: float) -> None:
    check(measure("win_rate", TABLES, period)[0], expected)


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        # created in P: d03 d04 d06 d07 d09 d14 d15 d16 d17 = 9 (d11 on e is not);
        # status won: d03 d04 d06 d14 d15 d16 d17 = 7, d06 although it closed after P.
        # Counting only deals won in P would give 6 / 9.
        (MONTH, 7 / 9),
        # created in Q3: d01 won, d02 won, d05 won, d08 lost, d10 open (07-01 = s) = 3 / 5
        (QUARTER, 3 / 5),
        (WEEK, 1 / 1),  # created 10-12..10-18: d17 (won)
        # created 10-05..10-20: d04 won, d07 lost, d09 open, d15 won, d17 won = 3 / 5
        (RANGE, 3 / 5),
    ],
)
def test_close_rate(measure: Measure, period: str, expected: float) -> None:
    check(measure("close_rate", TABLES, period)[0], expected)


# closed_at - created_at in days of each won deal:
# d01 40 (08-01 -> 09-10), d02 20, d03 18, d04 15, d05 60 (09-01 -> 10-31), d14 11,
# d15 4, d16 27, d17 0 (same day: a 0 that counts)
@pytest.mark.parametrize(
    ("period", "stat", "expected"),
    [
        # [20, 18, 15, 60, 11, 4, 27, 0]: sum 155, mean 155 / 8 = 19.375
        (MONTH, "mean", 155 / 8),
        # sorted [0, 4, 11, 15, 18, 20, 27, 60]: an even count, (15 + 18) / 2 = 16.5
        (MONTH, "median", 16.5),
        (QUARTER, "mean", 40),
        (QUARTER, "median", 40),
        (WEEK, "mean", (11 + 4 + 0) / 3),  # = 5
        (WEEK, "median", 4),  # [0, 4, 11]
        # [20, 18, 15, 11, 4, 0]: mean 68 / 6; sorted [0, 4, 11, 15, 18, 20], (11 + 15) / 2 = 13
        (RANGE, "mean", 68 / 6),
        (RANGE, "median", 13),
    ],
)
def test_sales_cycle_days(measure: Measure, period: str, stat: Any, expected: float) -> None:
    check(measure("sales_cycle_days", TABLES, period, stat)[0], expected)


# First purchase of each customer = its won deals with the earliest closed_at:
# A d01 (09-10), B d03 + d04 (both 10-20), C d13 (06-15), D d16 (lost deals do not
# count), E d14 (whatever its type), F d17. d05 has no customer: left out.
@pytest.mark.parametrize(
    ("period", "expected"),
    [
        # B 300 + 200, D 350, E 150, F 120 = 1120. A's d02 and d15 are not first;
        # summing type "new" instead would give d03 300 + d05 400 + d17 120 = 820.
        (MONTH, 300 + 200 + 350 + 150 + 120),
        (QUARTER, 1000),  # d01
        (WEEK, 150 + 120),  # d14, d17; not d15 (A)
        (RANGE, 300 + 200 + 150 + 120),  # d03, d04, d14, d17
    ],
)
def test_net_new_revenue(measure: Measure, period: str, expected: float) -> None:
    check(measure("net_new_revenue", TABLES, period)[0], expected)


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        # deals won in P with a customer: 2070 - 400 (d05) = 1670 over {A, B, D, E, F} = 5.
        # revenue / customers = 2070 / 5 would wrongly include d05.
        (MONTH, 1670 / 5),
        (QUARTER, 1000 / 1),
        (WEEK, 320 / 3),  # {A, E, F}
        (RANGE, 1320 / 4),  # {A, B, E, F}
    ],
)
def test_sales_per_customer(measure: Measure, period: str, expected: float) -> None:
    check(measure("sales_per_customer", TABLES, period)[0], expected)


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        # customers with a deal won in P: {A, B, D, E, F} = 5; with an upsell won in P:
        # A (d02, d15: counted once), E (d14) = 2. C's upsell d06 closed on e.
        (MONTH, 2 / 5),
        (QUARTER, 0 / 1),  # d01 is "new": a real 0
        (WEEK, 2 / 3),  # A (d15), E (d14) of {A, E, F}
        (RANGE, 2 / 4),  # A, E of {A, B, E, F}
    ],
)
def test_upsell_rate(measure: Measure, period: str, expected: float) -> None:
    check(measure("upsell_rate", TABLES, period)[0], expected)


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        # B (d04) of {A, B, D, E, F}. D's cross_sell d07 was lost and E's d09 is open.
        (MONTH, 1 / 5),
        (QUARTER, 0 / 1),
        (WEEK, 0 / 3),
        (RANGE, 1 / 4),  # B of {A, B, E, F}
    ],
)
def test_cross_sell_rate(measure: Measure, period: str, expected: float) -> None:
    check(measure("cross_sell_rate", TABLES, period)[0], expected)


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        # won with closed_at < 11-01, per customer: A 3 (d01 d02 d15), B 2 (d03 d04, the same
        # day), C 1 (d13; d06 closed on e does not count), D 1 (d16; lost deals do not
        # count), E 1, F 1. d05 has no customer. Repeat = {A, B}: 2 / 6.
        (MONTH, 2 / 6),
        # closed_at < 10-01: A 1 (d01), C 1 (d13) = 0 / 2
        (QUARTER, 0 / 2),
        # closed_at < 10-19: A 3, C 1, E 1, F 1 (B's two are on 10-20) = 1 / 4
        (WEEK, 1 / 4),
        # closed_at < 10-21: A 3, B 2, C 1, E 1, F 1 = 2 / 5
        (RANGE, 2 / 5),
    ],
)
def test_repeat_purchase_rate(measure: Measure, period: str, expected: float) -> None:
    check(measure("repeat_purchase_rate", TABLES, period)[0], expected)


# Open at e, per period (created_at < e and closed_at missing or >= e):
# 2026-10  e = 11-01: d06 700 (closed on e), d08 900 (lost 11-10), d09 600, d10 (no amount)
#          = 4 deals, 2200. d05 closed 10-31 is not; d11 created on e is not.
# 2026-Q3  e = 10-01: d02 500 (created 09-20), d05 400, d08 900, d10 = 4 deals, 1800.
#          d12 closed 09-30 is not.
# 2026-W42 e = 10-19: d03 300, d04 200, d05 400, d06 700, d07 250, d08 900, d09 600, d10,
#          d16 350 = 9 deals, 3700
# range    e = 10-21: d05 400, d06 700, d07 250, d08 900, d09 600, d10, d16 350
#          = 7 deals, 3200 (d03 and d04 closed 10-20 are not)
@pytest.mark.parametrize(
    ("period", "expected"),
    [(MONTH, 4), (QUARTER, 4), (WEEK, 9), (RANGE, 7)],
)
def test_open_deals(measure: Measure, period: str, expected: float) -> None:
    check(measure("open_deals", TABLES, period)[0], expected)


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        (MONTH, 700 + 900 + 600 + 0),
        (QUARTER, 500 + 400 + 900 + 0),
        (WEEK, 300 + 200 + 400 + 700 + 250 + 900 + 600 + 0 + 350),
        (RANGE, 400 + 700 + 250 + 900 + 600 + 0 + 350),
    ],
)
def test_open_pipeline_value(measure: Measure, period: str, expected: float) -> None:
    check(measure("open_pipeline_value", TABLES, period)[0], expected)


# --- the boundary cases, each on a tiny table (October: s = 10-01, e = 11-01) ------


def test_won_after_period_end_is_not_won_in_p_but_open_at_e(measure: Measure) -> None:
    # late: created in P, won on 11-05. e_day: created in P, won on e (11-01).
    # last: won on 10-31, the last day of P.
    t = deals(
        ("late", d("2026-10-10"), "won", d("2026-11-05"), 100.0, "X", "new"),
        ("e_day", d("2026-10-12"), "won", d("2026-11-01"), 40.0, "Y", "new"),
        ("last", d("2026-10-14"), "won", d("2026-10-31"), 7.0, "Z", "new"),
    )
    check(measure("won_deals", t, MONTH)[0], 1)  # last only
    check(measure("revenue", t, MONTH)[0], 7)
    check(measure("open_deals", t, MONTH)[0], 2)  # late and e_day: closed_at >= e
    check(measure("open_pipeline_value", t, MONTH)[0], 100 + 40)
    check(measure("close_rate", t, MONTH)[0], 3 / 3)  # all created in P, all status won
    check(measure("win_rate", t, MONTH)[0], 1 / 1)


def test_lost_deal_is_in_win_rate_denominator(measure: Measure) -> None:
    t = deals(
        ("w", d("2026-09-10"), "won", d("2026-10-03"), 100.0, "X", None),
        ("l1", d("2026-09-11"), "lost", d("2026-10-04"), 100.0, "Y", None),
        ("l2", d("2026-09-12"), "lost", d("2026-10-31"), 100.0, "Z", None),
        ("o", d("2026-09-12"), "open", None, 100.0, "Z", None),  # open: in neither
    )
    check(measure("win_rate", t, MONTH)[0], 1 / 3)  # won / (won + lost) = 1 / (1 + 2)


def test_sales_cycle_median_of_an_even_count(measure: Measure) -> None:
    # cycles 2, 4, 10, 30 days: mean 46 / 4 = 11.5; median (4 + 10) / 2 = 7
    t = deals(
        ("a", d("2026-10-01"), "won", d("2026-10-03"), 1.0, "X", None),
        ("b", d("2026-10-02"), "won", d("2026-10-06"), 1.0, "X", None),
        ("c", d("2026-10-05"), "won", d("2026-10-15"), 1.0, "X", None),
        ("d", d("2026-09-30"), "won", d("2026-10-30"), 1.0, "X", None),
        ("x", d("2026-08-01"), "lost", d("2026-10-20"), 1.0, "X", None),  # lost: not a won cycle
    )
    check(measure("sales_cycle_days", t, MONTH, "mean")[0], 11.5)
    check(measure("sales_cycle_days", t, MONTH, "median")[0], 7)


# X: two first purchases on one day, then a third. Y: first purchase in September.
# Z: a lost deal before its first win. No customer: a 1000 win.
PER_CUSTOMER = deals(
    ("x1", d("2026-09-01"), "won", d("2026-10-05"), 100.0, "X", "new"),
    ("x2", d("2026-09-02"), "won", d("2026-10-05"), 200.0, "X", "cross_sell"),
    ("x3", d("2026-10-06"), "won", d("2026-10-20"), 50.0, "X", "upsell"),
    ("y1", d("2026-08-01"), "won", d("2026-09-01"), 500.0, "Y", "new"),
    ("y2", d("2026-09-05"), "won", d("2026-10-10"), 70.0, "Y", "upsell"),
    ("z1", d("2026-09-05"), "lost", d("2026-10-01"), 999.0, "Z", "new"),
    ("z2", d("2026-09-06"), "won", d("2026-10-15"), 40.0, "Z", "new"),
    ("n1", d("2026-10-01"), "won", d("2026-10-02"), 1000.0, None, "upsell"),
)


@pytest.mark.parametrize(
    ("kpi_id", "expected"),
    [
        # x1 100 + x2 200 (both on X's first day) + z2 40 (Z's first win) = 340;
        # not x3, not y2 (Y's first purchase is y1), not n1 (no customer)
        ("net_new_revenue", 100 + 200 + 40),
        # (100 + 200 + 50 + 70 + 40) / {X, Y, Z} = 460 / 3; n1 left out of both parts
        ("sales_per_customer", 460 / 3),
        # X (x3), Y (y2) of {X, Y, Z}; the upsell n1 is left out (else 3 / 4)
        ("upsell_rate", 2 / 3),
        ("cross_sell_rate", 1 / 3),  # X (x2); counting n1's null as a customer gives 1 / 4
        # closed < e: X 3, Y 2, Z 1 (z1 lost) = 2 / 3; with n1 as a buyer it would be 2 / 4
        ("repeat_purchase_rate", 2 / 3),
        ("revenue", 100 + 200 + 50 + 70 + 40 + 1000),  # = 1460: revenue keeps n1
    ],
)
def test_per_customer_rules(measure: Measure, kpi_id: str, expected: float) -> None:
    check(measure(kpi_id, PER_CUSTOMER, MONTH)[0], expected)


def test_repeat_purchase_same_day_counts_twice_and_e_is_excluded(measure: Measure) -> None:
    t = deals(
        # P: two wins on one day: 2 purchases, a repeat customer
        ("p1", d("2026-10-01"), "won", d("2026-10-05"), 1.0, "P", None),
        ("p2", d("2026-10-01"), "won", d("2026-10-05"), 1.0, "P", None),
        # Q: one win before e, one on e (closed_at < e fails): 1 purchase
        ("q1", d("2026-01-01"), "won", d("2026-02-01"), 1.0, "Q", None),
        ("q2", d("2026-10-01"), "won", d("2026-11-01"), 1.0, "Q", None),
        # R: one win, one lost, one open: 1 purchase
        ("r1", d("2026-03-01"), "won", d("2026-04-01"), 1.0, "R", None),
        ("r2", d("2026-03-01"), "lost", d("2026-04-02"), 1.0, "R", None),
        ("r3", d("2026-03-01"), "open", None, 1.0, "R", None),
        # S: two wins, both on or after e: not a buyer at all
        ("s1", d("2026-10-01"), "won", d("2026-11-01"), 1.0, "S", None),
        ("s2", d("2026-10-01"), "won", d("2026-11-02"), 1.0, "S", None),
        # no customer: two wins, left out
        ("n1", d("2026-03-01"), "won", d("2026-04-01"), 1.0, None, None),
        ("n2", d("2026-03-01"), "won", d("2026-04-01"), 1.0, None, None),
    )
    # buyers {P, Q, R} = 3, repeat {P} = 1
    check(measure("repeat_purchase_rate", t, MONTH)[0], 1 / 3)


def test_open_pipeline_counts_a_missing_amount_as_zero(measure: Measure) -> None:
    t = deals(
        ("a", d("2026-09-01"), "open", None, 100.0, "X", None),
        ("b", d("2026-10-01"), "open", None, None, "X", None),
        ("c", d("2026-10-31"), "open", None, 250.0, None, None),
        ("z", d("2026-11-01"), "open", None, 999.0, None, None),  # created on e
    )
    check(measure("open_deals", t, MONTH)[0], 3)  # a, b, c
    check(measure("open_pipeline_value", t, MONTH)[0], 100 + 0 + 250)


# --- unavailable, never a silent 0 ----------------------------------------------

SUMS = ("won_deals", "revenue", "net_new_revenue", "open_deals", "open_pipeline_value")
RATIOS = (
    "avg_deal_size",
    "win_rate",
    "close_rate",
    "sales_cycle_days",
    "sales_per_customer",
    "upsell_rate",
    "cross_sell_rate",
    "repeat_purchase_rate",
)


@pytest.mark.parametrize("kpi_id", SUMS)
def test_counts_and_sums_over_no_deals_are_zero(measure: Measure, kpi_id: str) -> None:
    check(measure(kpi_id, deals(), MONTH)[0], 0)


@pytest.mark.parametrize(
    ("kpi_id", "stat"), [*((k, "mean") for k in RATIOS), ("sales_cycle_days", "median")]
)
def test_ratios_and_means_over_no_deals_are_unavailable(
    measure: Measure, kpi_id: str, stat: Any
) -> None:
    value, reason = measure(kpi_id, deals(), MONTH, stat)
    assert value is None
    assert reason


# Nothing closed in October: one open deal created in P, one won after P.
NOTHING_CLOSED = deals(
    ("o", d("2026-10-05"), "open", None, 100.0, "X", "new"),
    ("w", d("2026-09-01"), "won", d("2026-11-03"), 200.0, "X", "upsell"),
)


@pytest.mark.parametrize(
    ("kpi_id", "stat", "expected"),
    [
        ("won_deals", "mean", 0),
        ("revenue", "mean", 0),
        ("net_new_revenue", "mean", 0),
        ("avg_deal_size", "mean", None),  # 0 / 0
        ("win_rate", "mean", None),  # nothing won or lost in P
        ("sales_cycle_days", "mean", None),
        ("sales_cycle_days", "median", None),
        ("sales_per_customer", "mean", None),
        ("upsell_rate", "mean", None),
        ("cross_sell_rate", "mean", None),
        ("repeat_purchase_rate", "mean", None),  # no win before e
        ("close_rate", "mean", 0 / 1),  # o created in P, not won: a real 0
        ("open_deals", "mean", 2),
        ("open_pipeline_value", "mean", 300),
    ],
)
def test_nothing_closed_in_period(
    measure: Measure, kpi_id: str, stat: Any, expected: float | None
) -> None:
    value, reason = measure(kpi_id, NOTHING_CLOSED, MONTH, stat)
    check(value, expected)
    assert (reason is None) == (expected is not None)


# One win in October, without customer, of a deal created in September.
ANONYMOUS_WIN = deals(("n", d("2026-09-20"), "won", d("2026-10-12"), 300.0, None, "upsell"))


@pytest.mark.parametrize(
    ("kpi_id", "expected"),
    [
        ("revenue", 300),
        ("avg_deal_size", 300),
        ("win_rate", 1 / 1),
        ("sales_cycle_days", 22),  # 09-20 -> 10-12
        ("net_new_revenue", 0),  # a sum over no deals with a customer
        ("sales_per_customer", None),  # 0 / 0 customers, although revenue is 300
        ("upsell_rate", None),
        ("cross_sell_rate", None),
        ("repeat_purchase_rate", None),
        ("close_rate", None),  # no deal created in October
    ],
)
def test_win_without_customer(measure: Measure, kpi_id: str, expected: float | None) -> None:
    value, reason = measure(kpi_id, ANONYMOUS_WIN, MONTH)
    check(value, expected)
    assert (reason is None) == (expected is not None)


# --- end to end through the CLI ---------------------------------------------------

# The October values of the shared fixture, from the tests above.
OCTOBER = {
    "won_deals": 8,
    "revenue": 2070,
    "avg_deal_size": 2070 / 8,
    "win_rate": 8 / 9,
    "close_rate": 7 / 9,
    "sales_cycle_days": 155 / 8,
    "net_new_revenue": 1120,
    "sales_per_customer": 1670 / 5,
    "upsell_rate": 2 / 5,
    "cross_sell_rate": 1 / 5,
    "repeat_purchase_rate": 2 / 6,
    "open_deals": 4,
    "open_pipeline_value": 2200,
}

# Open deals as a CRM exports them: with an *expected* close date, which the
# loader must ignore. Were d09's 10-15 kept, d09 would not be open at e (and d10's
# 09-01 likewise), so open_deals would be 2 and open_pipeline_value 1600.
EXPECTED_CLOSE = {"d09": "2026-10-15", "d10": "2026-09-01", "d11": "2026-12-01"}


def _csv_rows(drop_type: bool = False) -> list[tuple[object, ...]]:
    rows = []
    for row in ROWS:
        deal_id, created, status, closed, amount, customer, kind = row
        if status == "open":
            closed = EXPECTED_CLOSE[deal_id]
        cells = (deal_id, created, status, closed, amount, customer, kind)
        rows.append(cells[:-1] if drop_type else cells)
    return rows


def test_report_cli(cli_report: CliReport) -> None:
    out = cli_report({"deals": (HEADER, _csv_rows())}, list(OCTOBER))
    for kpi_id, expected in OCTOBER.items():
        kpi = out["kpis"][kpi_id]
        assert kpi["reason"] is None, kpi_id
        assert kpi["value"] == pytest.approx(expected), kpi_id
    # SCHEMA.md: the report warns once with the count of such deals (3)
    warnings = [line for line in out["stderr"].splitlines() if "closed_at" in line]
    assert len(warnings) == 1
    assert "3" in warnings[0]


def test_report_cli_without_type_column(cli_report: CliReport) -> None:
    """KPIS.md: upsell and cross-sell rates are unavailable when deals has no
    ``type`` column; other KPIs are unaffected."""
    out = cli_report(
        {"deals": (HEADER[:-1], _csv_rows(drop_type=True))},
        ["won_deals", "upsell_rate", "cross_sell_rate"],
    )
    assert out["kpis"]["won_deals"]["value"] == 8
    for kpi_id in ("upsell_rate", "cross_sell_rate"):
        assert out["kpis"][kpi_id]["value"] is None
        assert out["kpis"][kpi_id]["reason"] == "deals has no type column"
