"""Customer KPIs (KPIS.md "Customers"), every number worked out by hand.

A period P is [s, e). A customer is active at t when created_at < t and
(churned_at missing or churned_at >= t) (SCHEMA.md). S = active at s,
E = active at e.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest
from _worked import CliReport, Measure, check, d

from crmkpi.kpis import Tables

SCHEMA = {"customer_id": pl.String, "created_at": pl.Date, "churned_at": pl.Date}
Row = tuple[str, date, date | None]


def customers(*rows: Row) -> Tables:
    return Tables(customers=pl.DataFrame(list(rows), schema=SCHEMA, orient="row").lazy())


# The shared fixture. Day-of-year numbers (2026) used in the tenure arithmetic:
# Jan 1 = 1, May 15 = 135, Aug 20 = 232, Oct 1 = 274, Oct 5 = 278.
# fmt: off
ROWS: tuple[Row, ...] = (
    ("c1", d("2025-01-10"), None),              # long-standing, never churned
    ("c2", d("2026-03-01"), d("2026-10-01")),   # churns on s of October: in S and churned in P
    ("c3", d("2026-05-15"), d("2026-11-01")),   # churns on e of October: not churned in P, in E
    ("c4", d("2026-10-01"), None),              # created on s of October: new, not in S
    ("c5", d("2026-10-05"), d("2026-10-20")),   # acquired and churned inside October
    ("c6", d("2026-11-01"), None),              # created on e of October: not new, not in E
    ("c7", d("2026-06-01"), d("2026-09-15")),   # churned before October, in Q3
    ("c8", d("2026-08-20"), d("2026-10-31")),   # churns on the last day of October
    ("c9", d("2026-01-01"), d("2026-10-15")),   # churns mid-October
)
# fmt: on
TABLES = customers(*ROWS)

# The four periods and their sets (by hand, from the rows above):
#
# 2026-10      s = 10-01, e = 11-01
#   S = {c1, c2, c3, c8, c9} = 5   (c2: churned_at 10-01 >= s; c4: created_at 10-01 not < s)
#   E = {c1, c3, c4} = 3           (c3: churned_at 11-01 >= e; c6: created_at 11-01 not < e)
#   new = {c4, c5} = 2; churned in P = {c2, c5, c8, c9} = 4; of those in S = {c2, c8, c9} = 3
# 2026-Q3      s = 07-01, e = 10-01
#   S = {c1, c2, c3, c7, c9} = 5;  E = {c1, c2, c3, c8, c9} = 5 (c2 churns on e: still in E)
#   new = {c8} = 1; churned in P = {c7} = 1; of those in S = {c7} = 1
# 2026-W41     s = 10-05 (Mon), e = 10-12
#   S = {c1, c3, c4, c8, c9} = 5 (c5 created on s is not);  E = {c1, c3, c4, c5, c8, c9} = 6
#   new = {c5} = 1; churned in P = {} = 0
# 2026-10-05..2026-10-20    s = 10-05, e = 10-21
#   S = {c1, c3, c4, c8, c9} = 5;  E = {c1, c3, c4, c8} = 4
#   new = {c5} = 1; churned in P = {c5, c9} = 2; of those in S = {c9} = 1
MONTH, QUARTER, WEEK, RANGE = "2026-10", "2026-Q3", "2026-W41", "2026-10-05..2026-10-20"


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        (MONTH, 2),  # c4 (created on s) + c5; c6 (created on e) is November's
        (QUARTER, 1),  # c8 (08-20)
        (WEEK, 1),  # c5 (10-05 = s); c4 (10-01) is the week before
        (RANGE, 1),  # c5
    ],
)
def test_new_customers(measure: Measure, period: str, expected: float) -> None:
    check(measure("new_customers", TABLES, period)[0], expected)


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        (MONTH, 3),  # E = {c1, c3, c4}; c6 created on e is not active at e
        (QUARTER, 5),  # E = {c1, c2, c3, c8, c9}
        (WEEK, 6),  # E = {c1, c3, c4, c5, c8, c9}
        (RANGE, 4),  # E = {c1, c3, c4, c8}; c5 (10-20) and c9 (10-15) churned before e
    ],
)
def test_active_customers(measure: Measure, period: str, expected: float) -> None:
    check(measure("active_customers", TABLES, period)[0], expected)


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        (MONTH, 4),  # c2 (on s), c5 (created in P too), c8 (last day), c9; not c3 (on e)
        (QUARTER, 1),  # c7
        (WEEK, 0),  # nobody churns 10-05..10-11: a count over an empty set is 0
        (RANGE, 2),  # c9 (10-15), c5 (10-20 = last day)
    ],
)
def test_churned_customers(measure: Measure, period: str, expected: float) -> None:
    check(measure("churned_customers", TABLES, period)[0], expected)


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        # {c2, c8, c9} / S = 3 / 5. Naive churned / S = 4 / 5 would count c5, not in S.
        (MONTH, 3 / 5),
        (QUARTER, 1 / 5),  # {c7} / 5
        (WEEK, 0 / 5),  # a real 0, not unavailable
        (RANGE, 1 / 5),  # {c9} / 5; c5 churned in P but was not in S
    ],
)
def test_churn_rate(measure: Measure, period: str, expected: float) -> None:
    check(measure("churn_rate", TABLES, period)[0], expected)


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        # (5 - 3) / 5 = 0.4. Textbook (E - N) / S = (3 - 2) / 5 = 0.2 is wrong here:
        # c5 was acquired and churned in P.
        (MONTH, 2 / 5),
        (QUARTER, 4 / 5),  # (5 - 1) / 5; here (E - N) / S = (5 - 1) / 5 agrees
        (WEEK, 5 / 5),  # (5 - 0) / 5 = 1.0
        (RANGE, 4 / 5),  # (5 - 1) / 5; (E - N) / S = (4 - 1) / 5 = 0.6 is wrong (c5)
    ],
)
def test_retention_rate(measure: Measure, period: str, expected: float) -> None:
    check(measure("retention_rate", TABLES, period)[0], expected)


@pytest.mark.parametrize("period", [MONTH, QUARTER, WEEK, RANGE])
def test_retention_is_one_minus_churn(measure: Measure, period: str) -> None:
    churn = measure("churn_rate", TABLES, period)[0]
    retention = measure("retention_rate", TABLES, period)[0]
    assert churn is not None
    assert retention is not None
    assert retention == pytest.approx(1 - churn)


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        (MONTH, -2),  # E - S = 3 - 5 = -2 = new - churned = 2 - 4: a real negative number
        (QUARTER, 0),  # 5 - 5 = 0 = 1 - 1
        (WEEK, 1),  # 6 - 5 = 1 = 1 - 0
        (RANGE, -1),  # 4 - 5 = -1 = 1 - 2
    ],
)
def test_net_customer_growth(measure: Measure, period: str, expected: float) -> None:
    check(measure("net_customer_growth", TABLES, period)[0], expected)


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        (MONTH, -2 / 5),  # (3 - 5) / 5 = -0.4
        (QUARTER, 0 / 5),  # (5 - 5) / 5 = 0.0, not unavailable
        (WEEK, 1 / 5),  # (6 - 5) / 5 = 0.2
        (RANGE, -1 / 5),  # (4 - 5) / 5 = -0.2
    ],
)
def test_customer_growth_rate(measure: Measure, period: str, expected: float) -> None:
    check(measure("customer_growth_rate", TABLES, period)[0], expected)


# Tenure = last day of P (e - 1) minus created_at, over E. Counting up to e
# instead would add 1 to every term.
@pytest.mark.parametrize(
    ("period", "stat", "expected"),
    [
        # last day 10-31 (doy 304); E = {c1, c3, c4}
        # c1: 365 (2025-01-10 -> 2026-01-10) + (304 - 10) = 659; c3: 304 - 135 = 169;
        # c4: 304 - 274 = 30.  mean = (659 + 169 + 30) / 3 = 858 / 3 = 286
        (MONTH, "mean", 286),
        (MONTH, "median", 169),
        # last day 09-30 (doy 273); E = {c1, c2, c3, c8, c9}
        # c1: 365 + 263 = 628; c2: 273 - 60 = 213; c3: 273 - 135 = 138; c8: 273 - 232 = 41;
        # c9: 273 - 1 = 272.  mean = 1292 / 5 = 258.4; median of [41, 138, 213, 272, 628] = 213
        (QUARTER, "mean", 1292 / 5),
        (QUARTER, "median", 213),
        # last day 10-11 (doy 284); E = {c1, c3, c4, c5, c8, c9}
        # c1: 365 + 274 = 639; c3: 149; c4: 10; c5: 284 - 278 = 6; c8: 52; c9: 283
        # mean = 1139 / 6; median of [6, 10, 52, 149, 283, 639] = (52 + 149) / 2 = 100.5
        (WEEK, "mean", 1139 / 6),
        (WEEK, "median", 100.5),
        # last day 10-20 (doy 293); E = {c1, c3, c4, c8}
        # c1: 365 + 283 = 648; c3: 158; c4: 19; c8: 61.  mean = 886 / 4 = 221.5
        # median of [19, 61, 158, 648] = (61 + 158) / 2 = 109.5
        (RANGE, "mean", 221.5),
        (RANGE, "median", 109.5),
    ],
)
def test_avg_customer_tenure(measure: Measure, period: str, stat: Any, expected: float) -> None:
    check(measure("avg_customer_tenure", TABLES, period, stat)[0], expected)


# --- the boundary cases, each alone (October: s = 10-01, e = 11-01) -----------

OLD = ("old", d("2026-01-01"), None)  # in S and E in October, nothing else

# fmt: off
BOUNDARIES = [
    # churned_at == s: the customer is in S and churned in P.
    # S = {on_s, old} = 2, E = {old} = 1.
    ("churn on s", ("on_s", d("2026-03-01"), d("2026-10-01")), {
        "churned_customers": 1, "churn_rate": 1 / 2, "retention_rate": 1 / 2,
        "active_customers": 1, "net_customer_growth": 1 - 2, "new_customers": 0,
    }),
    # churned_at == e: not churned in P, still active at e. S = E = {on_e, old} = 2.
    ("churn on e", ("on_e", d("2026-03-01"), d("2026-11-01")), {
        "churned_customers": 0, "churn_rate": 0 / 2, "retention_rate": 2 / 2,
        "active_customers": 2, "net_customer_growth": 0,
    }),
    # created_at == s: new, not in S (created_at < s fails), in E.
    # S = {old} = 1, E = {at_s, old} = 2; tenure at 10-31: (30 + 303) / 2
    ("created on s", ("at_s", d("2026-10-01"), None), {
        "new_customers": 1, "active_customers": 2, "net_customer_growth": 1,
        "customer_growth_rate": 1 / 1, "churn_rate": 0 / 1, "avg_customer_tenure": 333 / 2,
    }),
    # acquired and churned in P: new and churned, but never in S, so not in the
    # churn numerator. S = {old} = 1, E = {old} = 1.
    ("acquired and churned in P", ("flash", d("2026-10-05"), d("2026-10-20")), {
        "new_customers": 1, "churned_customers": 1, "churn_rate": 0 / 1,
        "retention_rate": 1 / 1, "net_customer_growth": 0, "customer_growth_rate": 0 / 1,
        "active_customers": 1,
    }),
    # created_at == e: not new (e is not in P), not active at e.
    # S = E = {old} = 1; tenure over {old} only: 304 - 1 = 303
    ("created on e", ("at_e", d("2026-11-01"), None), {
        "new_customers": 0, "active_customers": 1, "net_customer_growth": 0,
        "avg_customer_tenure": 303,
    }),
]
# fmt: on


@pytest.mark.parametrize(
    ("row", "kpi_id", "expected"),
    [
        pytest.param(row, kpi_id, expected, id=f"{case}-{kpi_id}")
        for case, row, values in BOUNDARIES
        for kpi_id, expected in values.items()
    ],
)
def test_boundary_case(measure: Measure, row: Row, kpi_id: str, expected: float) -> None:
    check(measure(kpi_id, customers(OLD, row), MONTH)[0], expected)


# --- unavailable, never a silent 0 ----------------------------------------------

RATIOS = ("churn_rate", "retention_rate", "customer_growth_rate")
COUNTS = ("new_customers", "active_customers", "churned_customers", "net_customer_growth")


@pytest.mark.parametrize("kpi_id", COUNTS)
def test_counts_over_no_customers_are_zero(measure: Measure, kpi_id: str) -> None:
    check(measure(kpi_id, customers(), MONTH)[0], 0)


@pytest.mark.parametrize(
    ("kpi_id", "stat"),
    [
        *((k, "mean") for k in RATIOS),
        ("avg_customer_tenure", "mean"),
        ("avg_customer_tenure", "median"),
    ],
)
def test_ratios_and_means_over_no_customers_are_unavailable(
    measure: Measure, kpi_id: str, stat: Any
) -> None:
    value, reason = measure(kpi_id, customers(), MONTH, stat)
    assert value is None
    assert reason


# Only a customer acquired in P: S = 0, E = 1.
ONLY_NEW = customers(("fresh", d("2026-10-10"), None), ("later", d("2026-11-05"), None))


@pytest.mark.parametrize("kpi_id", RATIOS)
def test_no_customers_at_period_start(measure: Measure, kpi_id: str) -> None:
    value, reason = measure(kpi_id, ONLY_NEW, MONTH)
    assert value is None
    assert reason


@pytest.mark.parametrize(
    ("kpi_id", "expected"),
    [
        ("new_customers", 1),  # fresh; later (11-05) is after P
        ("active_customers", 1),  # fresh
        ("net_customer_growth", 1),  # E - S = 1 - 0: a count, available although S = 0
        ("avg_customer_tenure", 21),  # 10-31 - 10-10 = 21
    ],
)
def test_counts_stay_available_without_customers_at_start(
    measure: Measure, kpi_id: str, expected: float
) -> None:
    check(measure(kpi_id, ONLY_NEW, MONTH)[0], expected)


# Everyone churned before e: S = 1, E = 0.
ALL_GONE = customers(("gone", d("2026-09-01"), d("2026-10-15")))


def test_tenure_with_nobody_active_is_unavailable(measure: Measure) -> None:
    for stat in ("mean", "median"):
        value, reason = measure("avg_customer_tenure", ALL_GONE, MONTH, stat)
        assert value is None
        assert reason


@pytest.mark.parametrize(
    ("kpi_id", "expected"),
    [
        ("active_customers", 0),
        ("churn_rate", 1 / 1),
        ("retention_rate", 0 / 1),  # a real 0
        ("net_customer_growth", 0 - 1),
        ("customer_growth_rate", (0 - 1) / 1),
    ],
)
def test_everyone_churned(measure: Measure, kpi_id: str, expected: float) -> None:
    check(measure(kpi_id, ALL_GONE, MONTH)[0], expected)


# --- end to end through the CLI ---------------------------------------------------

# The October values of the shared fixture, from the tests above.
OCTOBER = {
    "new_customers": 2,
    "active_customers": 3,
    "churned_customers": 4,
    "churn_rate": 3 / 5,
    "retention_rate": 2 / 5,
    "net_customer_growth": -2,
    "customer_growth_rate": -2 / 5,
    "avg_customer_tenure": 286,
}


def test_report_cli(cli_report: CliReport) -> None:
    out = cli_report(
        {"customers": (("customer_id", "created_at", "churned_at"), ROWS)},
        list(OCTOBER),
    )
    for kpi_id, expected in OCTOBER.items():
        kpi = out["kpis"][kpi_id]
        assert kpi["reason"] is None, kpi_id
        assert kpi["value"] == pytest.approx(expected), kpi_id


def test_report_cli_without_churned_at_column(cli_report: CliReport) -> None:
    """An absent optional column makes the KPIs that read it unavailable
    (SCHEMA.md "Absent optional columns"); new_customers does not read it."""
    rows = [(cid, created) for cid, created, _ in ROWS]
    out = cli_report(
        {"customers": (("customer_id", "created_at"), rows)},
        ["new_customers", "churn_rate", "active_customers"],
    )
    assert out["kpis"]["new_customers"]["value"] == 2
    for kpi_id in ("churn_rate", "active_customers"):
        assert out["kpis"][kpi_id]["value"] is None
        assert out["kpis"][kpi_id]["reason"] == "customers has no churned_at column"
