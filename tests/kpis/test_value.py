"""Customer value and cost KPIs (KPIS.md "Customer value and cost"), every
number worked out by hand.

CAC = sum of spend.amount with date in P / new_customers (every spend row,
whatever its kind). CLV = APV × PF × L × gross margin over W = [e − 365 days, e):
APV = sum(amount) / deals and PF = deals / distinct customer_id over the deals
won in W that have a customer_id (so APV × PF = sum(amount) / buyers);
c = customers active at e − 365 who churned in W / customers active at e − 365;
L = 1 / c years, capped at clv.max_lifespan_years (default 10, also when c = 0).
A customer is active at t when created_at < t and (churned_at missing or >= t).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest
from _worked import CliReport, Measure, check, d

from crmkpi.kpis import KpiSettings, Tables

CUSTOMERS = {"customer_id": pl.String, "created_at": pl.Date, "churned_at": pl.Date}
DEALS = {
    "deal_id": pl.String,
    "created_at": pl.Date,
    "status": pl.String,
    "closed_at": pl.Date,
    "amount": pl.Float64,
    "customer_id": pl.String,
}
SPEND = {"date": pl.Date, "amount": pl.Float64, "kind": pl.String}
CustomerRow = tuple[str, date, date | None]
DealRow = tuple[str, date, str, date | None, float | None, str | None]
SpendRow = tuple[date, float, str | None]


def tables(
    customers: tuple[CustomerRow, ...] = (),
    deals: tuple[DealRow, ...] = (),
    spend: tuple[SpendRow, ...] = (),
) -> Tables:
    def frame(rows: tuple[tuple[Any, ...], ...], schema: dict[str, Any]) -> pl.LazyFrame:
        return pl.DataFrame(list(rows), schema=schema, orient="row").lazy()

    return Tables(
        customers=frame(customers, CUSTOMERS),
        deals=frame(deals, DEALS),
        spend=frame(spend, SPEND),
    )


# The shared fixture. For October 2026, e = 2026-11-01 and e − 365 days = 2025-11-01
# (no Feb 29 in between), so W = [2025-11-01, 2026-11-01).
# fmt: off
CUSTOMER_ROWS: tuple[CustomerRow, ...] = (
    ("c1", d("2024-01-01"), None),              # never churned
    ("c2", d("2025-03-01"), d("2025-11-01")),   # churned exactly on e − 365: active then, churned in W
    ("c3", d("2025-06-01"), d("2025-10-31")),   # churned the day before e − 365: not active then
    ("c4", d("2025-10-31"), d("2026-10-31")),   # created the day before e − 365; churned on W's last day
    ("c5", d("2025-11-01"), d("2026-05-01")),   # created on e − 365: not active then, so its churn is not counted
    ("c6", d("2024-06-01"), d("2026-11-01")),   # churned on e: not churned in W
    ("c7", d("2026-10-10"), None),              # new in October
    ("c8", d("2026-10-01"), None),              # new in October (on s)
    ("c9", d("2026-11-01"), None),              # created on e: not new in October
)
DEAL_ROWS: tuple[DealRow, ...] = (
    ("k1", d("2025-10-01"), "won",  d("2025-11-01"),   300.0, "c1"),  # won exactly on e − 365: in W
    ("k2", d("2025-09-01"), "won",  d("2025-10-31"), 10000.0, "c1"),  # the day before: not in W
    ("k3", d("2026-10-01"), "won",  d("2026-10-31"),   200.0, "c2"),  # W's last day
    ("k4", d("2026-10-01"), "won",  d("2026-11-01"),  5000.0, "c1"),  # won on e: not in W
    ("k5", d("2026-06-01"), "won",  d("2026-06-15"),   500.0, None),  # no customer: left out
    ("k6", d("2026-04-01"), "lost", d("2026-05-01"),   999.0, "c4"),  # lost: not a purchase
    ("k7", d("2026-03-01"), "won",  d("2026-03-10"),   100.0, "c1"),
    ("k8", d("2026-09-01"), "open", None,              777.0, "c5"),  # open: not a purchase
    ("k9", d("2026-10-01"), "won",  d("2026-10-10"),   400.0, "c7"),
)
SPEND_ROWS: tuple[SpendRow, ...] = (
    (d("2026-10-01"), 1000.0, "marketing"),  # on s
    (d("2026-10-31"), 500.0, "sales"),       # last day; sales cost counts for CAC
    (d("2026-11-01"), 9999.0, "marketing"),  # on e: November's
    (d("2026-09-30"), 8888.0, "marketing"),  # September's
    (d("2026-10-15"), 300.0, None),          # empty kind: counts for CAC
    (d("2026-10-05"), 250.0, "marketing"),
)
# fmt: on
TABLES = tables(CUSTOMER_ROWS, DEAL_ROWS, SPEND_ROWS)
MONTH, QUARTER, WEEK, RANGE = "2026-10", "2026-Q3", "2026-W41", "2026-10-01..2026-10-04"

# CAC, by period:
# 2026-10   spend 1000 + 500 + 300 + 250 = 2050; new {c7, c8} = 2
# 2026-W41  [10-05, 10-12): spend 250; new {c7} = 1
# range     [10-01, 10-05): spend 1000; new {c8} = 1
# 2026-Q3   spend 8888 (09-30); new: nobody created 07-01..09-30, so unavailable (not inf)


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        (MONTH, 2050 / 2),  # = 1025; counting only marketing rows would give 1250 / 2
        (WEEK, 250 / 1),
        (RANGE, 1000 / 1),
        (QUARTER, None),
    ],
)
def test_customer_acquisition_cost(measure: Measure, period: str, expected: float | None) -> None:
    value, reason = measure("customer_acquisition_cost", TABLES, period)
    check(value, expected)
    assert (reason is None) == (expected is not None)


def test_cac_with_spend_but_no_new_customers_is_unavailable(measure: Measure) -> None:
    t = tables(customers=(("old", d("2025-01-01"), None),), spend=((d("2026-10-03"), 50.0, None),))
    value, reason = measure("customer_acquisition_cost", t, MONTH)
    assert value is None  # 50 / 0: no number, not inf
    assert reason


@pytest.mark.parametrize(
    "spend",
    [
        (),  # an empty spend table
        ((d("2026-09-30"), 70.0, "marketing"), (d("2026-11-01"), 80.0, "sales")),  # none in P
    ],
)
def test_cac_with_new_customers_but_no_spend_is_zero(
    measure: Measure, spend: tuple[SpendRow, ...]
) -> None:
    # 0 / 2 new customers = 0.0: a real 0, not unavailable
    t = tables(
        customers=(("n1", d("2026-10-02"), None), ("n2", d("2026-10-30"), None)), spend=spend
    )
    check(measure("customer_acquisition_cost", t, MONTH)[0], 0)


# CLV of the shared fixture.
#
# 2026-10: t0 = e − 365 = 2025-11-01, W = [2025-11-01, 2026-11-01)
#   active at t0 = {c1, c2 (churned on t0), c4 (created 2025-10-31), c6} = 4
#   (not c3, churned 2025-10-31; not c5, created on t0)
#   of those churned in W = {c2, c4} = 2 (c6 churned on e; c5 is not in the base)
#   c = 2 / 4 = 0.5, L = 1 / c = 2 years
#   won in W with a customer: k1 300 c1, k3 200 c2, k7 100 c1, k9 400 c7
#   (not k2, the day before t0; not k4, on e; not k5, no customer)
#   APV = 1000 / 4 = 250, PF = 4 / 3 (c1, c2, c7), APV × PF = 1000 / 3
#   CLV = 1000 / 3 × 2 × 1.0 = 2000 / 3
#
# 2026-W41: e = 2026-10-12, t0 = 2025-10-12, W = [2025-10-12, 2026-10-12)
#   active at t0 = {c1, c2, c3 (churns 2025-10-31 >= t0), c6} = 4 (c4 created after t0)
#   churned in W = {c2 (2025-11-01), c3 (2025-10-31)} = 2: c = 0.5, L = 2
#   won in W with a customer: k1 300, k2 10000 (2025-10-31 is in this W), k7 100 (c1),
#   k9 400 (c7): APV × PF = 10800 / 2 buyers = 5400; CLV = 5400 × 2 = 10800
#
# 2026-Q3: e = 2026-10-01, t0 = 2025-10-01, W = [2025-10-01, 2026-10-01)
#   active at t0 = {c1, c2, c3, c6} = 4; churned in W = {c2, c3} = 2: L = 2
#   won in W with a customer: k1 300, k2 10000, k7 100, all c1 (k9 on 10-10 is after W)
#   APV × PF = 10400 / 1; CLV = 10400 × 2 = 20800
@pytest.mark.parametrize(
    ("period", "settings", "expected"),
    [
        (MONTH, KpiSettings(), 1000 / 3 * 2),
        # gross margin 0.7: 1000 / 3 × 2 × 0.7 = 1400 / 3
        (MONTH, KpiSettings(clv_gross_margin=0.7), 1000 / 3 * 2 * 0.7),
        # a cap below 1 / c: L = min(2, 1.5) = 1.5; 1000 / 3 × 1.5 = 500
        (MONTH, KpiSettings(clv_max_lifespan_years=1.5), 500),
        (MONTH, KpiSettings(clv_gross_margin=0.7, clv_max_lifespan_years=1.5), 350),
        (WEEK, KpiSettings(), 5400 * 2),
        (QUARTER, KpiSettings(), 10400 * 2),
    ],
)
def test_customer_lifetime_value(
    measure: Measure, period: str, settings: KpiSettings, expected: float
) -> None:
    check(measure("customer_lifetime_value", TABLES, period, settings=settings)[0], expected)


# No churn in W: c = 0 / 2, so L is the cap.
# Won in W with a customer: 600 + 300 (a), 300 (b): APV = 1200 / 3 = 400, PF = 3 / 2,
# APV × PF = 600.
NO_CHURN = tables(
    customers=(
        ("a", d("2025-01-01"), None),
        ("b", d("2025-06-01"), d("2026-11-01")),  # churns on e: not in W
    ),
    deals=(
        ("x1", d("2026-01-01"), "won", d("2026-02-01"), 600.0, "a"),
        ("x2", d("2026-07-01"), "won", d("2026-08-01"), 300.0, "a"),
        ("x3", d("2026-08-01"), "won", d("2026-09-01"), 300.0, "b"),
    ),
)


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (KpiSettings(), 600 * 10),  # the default cap: 10 years
        (KpiSettings(clv_max_lifespan_years=4), 600 * 4),  # a custom cap
        (KpiSettings(clv_gross_margin=0.7), 600 * 10 * 0.7),  # = 4200
    ],
)
def test_clv_without_churn_uses_the_cap(
    measure: Measure, settings: KpiSettings, expected: float
) -> None:
    check(measure("customer_lifetime_value", NO_CHURN, MONTH, settings=settings)[0], expected)


def test_clv_caps_a_long_lifespan(measure: Measure) -> None:
    # 20 customers active at t0, one churned in W: c = 1 / 20, 1 / c = 20 years,
    # capped at 10. One purchase of 50 by u00: CLV = 50 × 10 = 500 (uncapped: 1000)
    base = tuple((f"u{i:02}", d("2025-01-01"), None) for i in range(19))
    t = tables(
        customers=(*base, ("gone", d("2025-01-01"), d("2026-03-01"))),
        deals=(("y", d("2026-01-01"), "won", d("2026-02-01"), 50.0, "u00"),),
    )
    check(measure("customer_lifetime_value", t, MONTH)[0], 50 * 10)


@pytest.mark.parametrize(
    "t",
    [
        # wins in W, but none with a customer_id
        tables(
            customers=(("a", d("2025-01-01"), None),),
            deals=(("n", d("2026-01-01"), "won", d("2026-02-01"), 100.0, None),),
        ),
        # customers with a win, but the only win with a customer was before W
        tables(
            customers=(("a", d("2025-01-01"), None),),
            deals=(("n", d("2025-01-01"), "won", d("2025-10-31"), 100.0, "a"),),
        ),
        # wins with a customer in W, but nobody active at t0 = 2025-11-01
        # (a was created on t0; b churned the day before)
        tables(
            customers=(("a", d("2025-11-01"), None), ("b", d("2025-01-01"), d("2025-10-31"))),
            deals=(("w", d("2026-01-01"), "won", d("2026-02-01"), 100.0, "a"),),
        ),
        tables(),
    ],
    ids=["anonymous wins", "wins before W", "nobody active at e-365", "empty"],
)
def test_clv_unavailable(measure: Measure, t: Tables) -> None:
    value, reason = measure("customer_lifetime_value", t, MONTH)
    assert value is None
    assert reason


# CLV : CAC
@pytest.mark.parametrize(
    ("period", "settings", "expected"),
    [
        (MONTH, KpiSettings(), (2000 / 3) / 1025),
        (MONTH, KpiSettings(clv_gross_margin=0.7), (1400 / 3) / 1025),
        (WEEK, KpiSettings(), 10800 / 250),  # = 43.2
        (QUARTER, KpiSettings(), None),  # CLV 20800, but CAC is unavailable (no new customers)
    ],
)
def test_clv_to_cac(
    measure: Measure, period: str, settings: KpiSettings, expected: float | None
) -> None:
    value, reason = measure("clv_to_cac", TABLES, period, settings=settings)
    check(value, expected)
    assert (reason is None) == (expected is not None)


def test_clv_to_cac_with_zero_cac_is_unavailable(measure: Measure) -> None:
    # NO_CHURN with a new customer in October and no spend: CAC = 0 / 1 = 0.0,
    # CLV = 6000, so CLV / CAC = 6000 / 0: unavailable, not inf
    t = tables(
        customers=(
            ("a", d("2025-01-01"), None),
            ("b", d("2025-06-01"), d("2026-11-01")),
            ("n", d("2026-10-15"), None),
        ),
        deals=(
            ("x1", d("2026-01-01"), "won", d("2026-02-01"), 600.0, "a"),
            ("x2", d("2026-07-01"), "won", d("2026-08-01"), 300.0, "a"),
            ("x3", d("2026-08-01"), "won", d("2026-09-01"), 300.0, "b"),
        ),
    )
    check(measure("customer_acquisition_cost", t, MONTH)[0], 0)
    check(measure("customer_lifetime_value", t, MONTH)[0], 6000)
    value, reason = measure("clv_to_cac", t, MONTH)
    assert value is None
    assert reason


def test_clv_to_cac_with_clv_unavailable(measure: Measure) -> None:
    # CAC = 100 / 1 is fine, but no deal was won in W: CLV, and so the ratio, unavailable
    t = tables(
        customers=(("a", d("2025-01-01"), None), ("n", d("2026-10-15"), None)),
        spend=((d("2026-10-15"), 100.0, "marketing"),),
    )
    check(measure("customer_acquisition_cost", t, MONTH)[0], 100)
    value, reason = measure("clv_to_cac", t, MONTH)
    assert value is None
    assert reason


# --- end to end through the CLI ---------------------------------------------------


def test_report_cli(cli_report: CliReport) -> None:
    # closed_at of the open deal k8 as exported: an expected close date, ignored
    deal_rows = [
        (*row[:3], "2026-12-01", *row[4:]) if row[2] == "open" else row for row in DEAL_ROWS
    ]
    out = cli_report(
        {
            "customers": (tuple(CUSTOMERS), CUSTOMER_ROWS),
            "deals": (tuple(DEALS), deal_rows),
            "spend": (tuple(SPEND), SPEND_ROWS),
        },
        ["customer_acquisition_cost", "customer_lifetime_value", "clv_to_cac"],
        config="clv:\n  gross_margin: 0.7\n",
    )
    expected = {
        "customer_acquisition_cost": 1025,
        "customer_lifetime_value": 1400 / 3,
        "clv_to_cac": (1400 / 3) / 1025,
    }
    for kpi_id, value in expected.items():
        kpi = out["kpis"][kpi_id]
        assert kpi["reason"] is None, kpi_id
        assert kpi["value"] == pytest.approx(value), kpi_id
