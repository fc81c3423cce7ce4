"""Pipeline KPIs (KPIS.md "Revenue and deals": weighted_pipeline_value and
sales_velocity), every number worked out by hand.

A period P is [s, e). A deal is open at t when created_at < t and (closed_at
missing or closed_at >= t) (SCHEMA.md). The weighted pipeline weighs each deal
open at e by the config ``stage_probability`` of its current stage while its
status is open; a deal open at e but closed since weighs 1.0 if now won and
0.0 if now lost. Sales velocity = open_deals × win_rate × avg_deal_size /
sales_cycle_days, each part by its default definition (the mean cycle).
"""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from _worked import CliInvoke, CliReport, KpiFrame, Measure, check, d

from crmkpi.kpis import KpiSettings, Tables

SCHEMA = {
    "deal_id": pl.String,
    "created_at": pl.Date,
    "status": pl.String,
    "closed_at": pl.Date,
    "amount": pl.Float64,
    "customer_id": pl.String,
    "stage": pl.String,
}
HEADER = tuple(SCHEMA)
Row = tuple[str, date, str, date | None, float | None, str | None, str | None]

PROBABILITY = {"qualify": 0.1, "proposal": 0.5, "negotiation": 0.8}
MAP = KpiSettings(stage_probability=PROBABILITY)


def deals(*rows: Row) -> Tables:
    return Tables(deals=pl.DataFrame(list(rows), schema=SCHEMA, orient="row").lazy())


# The shared fixture. Cycle = closed_at - created_at in days, for won deals.
# fmt: off
ROWS: tuple[Row, ...] = (
    # id     created            status  closed             amount  customer stage
    ("p01", d("2026-09-01"), "open", None,             1000.0, "A",  "qualify"),      # 0.1
    ("p02", d("2026-09-15"), "open", None,             2000.0, "B",  "proposal"),     # 0.5
    ("p03", d("2026-10-10"), "open", None,             None,   "C",  "negotiation"),  # no amount: 0
    ("p04", d("2026-10-03"), "won",  d("2026-11-01"),  700.0, "D",  "negotiation"),  # won on e: open at e, 1.0
    ("p05", d("2026-09-20"), "lost", d("2026-11-10"),  900.0, "E",  "closed lost"),  # lost after e: open at e, 0.0
    ("p06", d("2026-11-01"), "open", None,             5000.0, "F",  "qualify"),      # created on e: not open at e
    ("p07", d("2026-08-01"), "won",  d("2026-10-10"),  500.0, "G",  "negotiation"),  # won in October, cycle 70
    ("p08", d("2026-09-25"), "lost", d("2026-10-25"),  300.0, "H",  "qualify"),      # lost in October
    ("p09", d("2026-10-05"), "won",  d("2026-10-15"),  400.0, "I",  "proposal"),     # won in October, cycle 10
    ("p10", d("2026-10-01"), "won",  d("2026-10-31"),  600.0, "J",  "closed won"),   # won on October's last day, cycle 30
    ("p11", d("2026-10-12"), "won",  d("2026-10-20"),  250.0, "K",  "proposal"),     # won in October, cycle 8
)
# fmt: on
TABLES = deals(*ROWS)
MONTH, QUARTER, WEEK, RANGE = "2026-10", "2026-Q3", "2026-W42", "2026-10-05..2026-10-20"

# Open at e, per period (by hand). "Since" = closed on or after e.
# 2026-10  e = 11-01: p01, p02, p03, p04 (won on e), p05 (lost 11-10) = 5 deals.
#          Not p06 (created on e), nor p07..p11 (closed before e).
# 2026-Q3  e = 10-01: p01, p02, p05, p07 (won 10-10), p08 (lost 10-25) = 5 deals.
#          Not p10 (created on e), p03 / p04 / p09 / p11 (created later).
# 2026-W42 e = 10-19: p01, p02, p03, p04, p05, p08 (lost 10-25), p10 (won 10-31),
#          p11 (won 10-20) = 8 deals. Not p07 (10-10), p09 (10-15).
# range    e = 10-21: p01, p02, p03, p04, p05, p08, p10 = 7 deals (p11 won 10-20 < e).


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        # p01 1000 × 0.1 + p02 2000 × 0.5 + p03 0 × 0.8 + p04 700 × 1.0 (won since)
        # + p05 900 × 0.0 (lost since) = 100 + 1000 + 0 + 700 + 0 = 1800.
        # Weighing p04 by its stage would give 560 (1660 in all); p05's stage
        # "closed lost" is not in the map and is never looked up.
        (MONTH, 100 + 1000 + 0 + 700 + 0),
        # p01 100 + p02 1000 + p05 0 + p07 500 × 1.0 (won since) + p08 300 × 0.0 = 1600
        (QUARTER, 100 + 1000 + 0 + 500 + 0),
        # p01 100 + p02 1000 + p03 0 + p04 700 + p05 0 + p08 0 + p10 600 × 1.0
        # (stage "closed won" not in the map: won since) + p11 250 × 1.0 = 2650
        (WEEK, 100 + 1000 + 0 + 700 + 0 + 0 + 600 + 250),
        (RANGE, 100 + 1000 + 0 + 700 + 0 + 0 + 600),  # = 2400
    ],
)
def test_weighted_pipeline_value(measure: Measure, period: str, expected: float) -> None:
    check(measure("weighted_pipeline_value", TABLES, period, settings=MAP)[0], expected)


def test_weighted_pipeline_with_other_probabilities(measure: Measure) -> None:
    # The map is read, not a built-in one: qualify 1.0, proposal 0.25, negotiation 0.
    # October: p01 1000 × 1.0 + p02 2000 × 0.25 + p03 0 + p04 700 × 1.0 + p05 0 = 2200
    settings = KpiSettings(stage_probability={"qualify": 1.0, "proposal": 0.25, "negotiation": 0})
    check(measure("weighted_pipeline_value", TABLES, MONTH, settings=settings)[0], 2200)


def test_weighted_pipeline_without_map_is_unavailable(measure: Measure) -> None:
    value, reason = measure("weighted_pipeline_value", TABLES, MONTH, settings=KpiSettings())
    assert value is None
    assert reason is not None
    assert "stage_probability" in reason


def test_weighted_pipeline_over_no_deals_is_zero(measure: Measure) -> None:
    check(measure("weighted_pipeline_value", deals(), MONTH, settings=MAP)[0], 0)


def test_weighted_pipeline_missing_amount_counts_zero(measure: Measure) -> None:
    # a: 0 (no amount) × 0.8; b: 40 × 0.5 = 20. A null amount must not make the sum null.
    t = deals(
        ("a", d("2026-10-01"), "open", None, None, None, "negotiation"),
        ("b", d("2026-10-02"), "open", None, 40.0, None, "proposal"),
    )
    check(measure("weighted_pipeline_value", t, MONTH, settings=MAP)[0], 20)


# A stage that the map lacks, on a deal whose status is still open and which is
# open at e of October: a config error naming the stage and the known stages.
UNKNOWN_STAGE = deals(
    *ROWS,
    ("p12", d("2026-10-06"), "open", None, 100.0, "L", "discovery"),
)


def test_unknown_stage_of_an_open_deal_is_a_config_error(kpi_frame: KpiFrame) -> None:
    out = kpi_frame("weighted_pipeline_value", UNKNOWN_STAGE, MONTH, settings=MAP)
    assert "config_error" in out.columns
    message = out["config_error"][0]
    assert isinstance(message, str)
    assert "discovery" in message
    for stage in PROBABILITY:
        assert stage in message


def test_unknown_stage_of_a_closed_deal_is_no_error(measure: Measure) -> None:
    # p05 ("closed lost", lost since) and p10 ("closed won", won since) are in the
    # shared fixture: closed deals are weighed by status, so their stage is never
    # looked up, and the measure fixture checks that config_error stays null.
    check(measure("weighted_pipeline_value", TABLES, WEEK, settings=MAP)[0], 2650)


# --- sales velocity ----------------------------------------------------------------
#
# October: open_deals = 5 (above); won in P = p07 500, p09 400, p10 600, p11 250 = 4,
# revenue 1750, avg_deal_size 1750 / 4 = 437.5; lost in P = p08, win_rate = 4 / 5;
# cycles 70 (08-01 -> 10-10: 31 + 30 + 9), 10, 30, 8: mean 118 / 4 = 29.5, median
# (10 + 30) / 2 = 20.
# velocity = 5 × 4/5 × 437.5 / 29.5 = 1750 / 29.5 (the median would give 1750 / 20 = 87.5)
#
# W42 (10-12..10-18): open_deals = 8; won in P = p09 400 (10-15), nothing lost in P:
# win_rate 1 / 1, avg 400, cycle 10. velocity = 8 × 1 × 400 / 10 = 320
#
# range (10-05..10-20): open_deals = 7; won in P = p07 500, p09 400, p11 250, nothing
# lost (p08 on 10-25): win_rate 3 / 3, avg 1150 / 3, mean cycle (70 + 10 + 8) / 3 = 88 / 3.
# velocity = 7 × 1 × (1150 / 3) / (88 / 3) = 8050 / 88
@pytest.mark.parametrize(
    ("period", "expected"),
    [
        (MONTH, 5 * (4 / 5) * 437.5 / 29.5),
        (WEEK, 8 * 1 * 400 / 10),
        (RANGE, 7 * 1 * (1150 / 3) / (88 / 3)),
    ],
)
def test_sales_velocity(measure: Measure, period: str, expected: float) -> None:
    check(measure("sales_velocity", TABLES, period)[0], expected)


def test_sales_velocity_reads_the_mean_cycle_even_when_median_is_asked(measure: Measure) -> None:
    # The report may show sales_cycle_days as a median (20 in October); velocity
    # still divides by the mean cycle 29.5.
    check(measure("sales_cycle_days", TABLES, MONTH, "median")[0], 20)
    check(measure("sales_velocity", TABLES, MONTH, "median")[0], 1750 / 29.5)


def test_sales_velocity_with_nothing_open_is_zero(measure: Measure) -> None:
    # Everything closed before e: open_deals = 0, a real count, so velocity is
    # 0 × 1/2 × 100 / 5 = 0, not unavailable.
    t = deals(
        ("w", d("2026-10-01"), "won", d("2026-10-06"), 100.0, "X", None),
        ("l", d("2026-10-01"), "lost", d("2026-10-07"), 50.0, "Y", None),
    )
    check(measure("sales_velocity", t, MONTH)[0], 0)


def test_sales_velocity_with_zero_and_nonzero_cycles(measure: Measure) -> None:
    # cycles 0, 0, 30: median 0 but mean 10, so velocity is available:
    # open 1 (o) × win_rate 3 / 3 × avg (100 + 200 + 300) / 3 = 200 / 10 = 20
    t = deals(
        ("a", d("2026-10-05"), "won", d("2026-10-05"), 100.0, "X", None),
        ("b", d("2026-10-06"), "won", d("2026-10-06"), 200.0, "X", None),
        ("c", d("2026-10-01"), "won", d("2026-10-31"), 300.0, "X", None),
        ("o", d("2026-10-20"), "open", None, 999.0, "X", "qualify"),
    )
    check(measure("sales_velocity", t, MONTH)[0], 1 * 1 * 200 / 10)


def test_sales_velocity_with_a_zero_mean_cycle_is_unavailable(measure: Measure) -> None:
    # Both wins closed the day they were created: mean cycle 0, so 0 / 0 cannot be
    # a velocity (not inf, not 0).
    t = deals(
        ("a", d("2026-10-05"), "won", d("2026-10-05"), 100.0, "X", None),
        ("b", d("2026-10-06"), "won", d("2026-10-06"), 200.0, "X", None),
        ("o", d("2026-10-20"), "open", None, 999.0, "X", "qualify"),
    )
    check(measure("sales_cycle_days", t, MONTH)[0], 0)
    value, reason = measure("sales_velocity", t, MONTH)
    assert value is None
    assert reason is not None
    assert "cycle" in reason


@pytest.mark.parametrize(
    ("rows", "parts"),
    [
        # nothing won or lost in P: win_rate (0 / 0), avg_deal_size and the cycle
        # are all unavailable
        (
            (("o", d("2026-10-05"), "open", None, 100.0, "X", "qualify"),),
            ("win_rate", "avg_deal_size", "sales_cycle_days"),
        ),
        # only a loss in P: win_rate = 0 / 1 is a real 0, but avg_deal_size (0 / 0)
        # and the mean cycle (of nothing) are unavailable
        (
            (
                ("o", d("2026-10-05"), "open", None, 100.0, "X", "qualify"),
                ("l", d("2026-09-05"), "lost", d("2026-10-09"), 100.0, "X", "qualify"),
            ),
            ("avg_deal_size", "sales_cycle_days"),
        ),
    ],
)
def test_sales_velocity_unavailable_when_a_part_is(
    measure: Measure, rows: tuple[Row, ...], parts: tuple[str, ...]
) -> None:
    value, reason = measure("sales_velocity", deals(*rows), MONTH)
    assert value is None
    assert reason is not None
    assert any(part in reason for part in parts), reason


def test_sales_velocity_over_no_deals_is_unavailable(measure: Measure) -> None:
    value, reason = measure("sales_velocity", deals(), MONTH)
    assert value is None
    assert reason


def test_sales_velocity_in_a_quarter_without_closures(measure: Measure) -> None:
    # Q3 of the shared fixture: nothing won or lost 07-01..09-30, so win_rate is
    # unavailable (and so velocity), although 5 deals are open at e.
    check(measure("open_deals", TABLES, QUARTER)[0], 5)
    value, reason = measure("sales_velocity", TABLES, QUARTER)
    assert value is None
    assert reason is not None
    assert "win_rate" in reason


# --- end to end through the CLI ---------------------------------------------------

# Open deals as exported, with an expected close date the loader must ignore.
EXPECTED_CLOSE = {
    "p01": "2026-10-20",
    "p02": "2026-09-30",
    "p03": "2026-12-01",
    "p06": "2027-01-01",
}
YAML_MAP = "stage_probability:\n  qualify: 0.1\n  proposal: 0.5\n  negotiation: 0.8\n"


def _csv_rows(rows: tuple[Row, ...]) -> list[tuple[object, ...]]:
    out: list[tuple[object, ...]] = []
    for deal_id, created, status, closed, amount, customer, stage in rows:
        if status == "open":
            closed = EXPECTED_CLOSE.get(deal_id, "2026-10-15")
        out.append((deal_id, created, status, closed, amount, customer, stage))
    return out


def test_report_cli(cli_report: CliReport) -> None:
    out = cli_report(
        {"deals": (HEADER, _csv_rows(ROWS))},
        ["sales_cycle_days", "open_deals", "weighted_pipeline_value", "sales_velocity"],
        options={"sales_cycle_days": "{stat: median}"},
        config=YAML_MAP,
    )
    kpis = out["kpis"]
    assert kpis["sales_cycle_days"]["label"] == "Sales cycle length (median)"
    expected = {
        "sales_cycle_days": 20,  # the median, as asked
        "open_deals": 5,  # were p01's and p02's expected close dates kept, 3
        "weighted_pipeline_value": 1800,
        "sales_velocity": 1750 / 29.5,  # the mean cycle all the same
    }
    for kpi_id, value in expected.items():
        assert kpis[kpi_id]["reason"] is None, kpi_id
        assert kpis[kpi_id]["value"] == pytest.approx(value), kpi_id


def test_report_cli_without_map(cli_report: CliReport) -> None:
    out = cli_report({"deals": (HEADER, _csv_rows(ROWS))}, ["weighted_pipeline_value"])
    kpi = out["kpis"]["weighted_pipeline_value"]
    assert kpi["value"] is None
    assert "stage_probability" in kpi["reason"]


def test_report_cli_unknown_stage_exits_2(cli_invoke: CliInvoke) -> None:
    rows = (*ROWS, ("p12", d("2026-10-06"), "open", None, 100.0, "L", "discovery"))
    result = cli_invoke(
        {"deals": (HEADER, _csv_rows(rows))},
        ["open_deals", "weighted_pipeline_value"],
        config=YAML_MAP,
    )
    assert result.exit_code == 2, (result.stdout, result.stderr, result.exception)
    assert result.stdout == ""
    assert result.stderr.startswith("crmkpi: ")
    assert "weighted_pipeline_value" in result.stderr
    assert "discovery" in result.stderr
    for stage in PROBABILITY:  # the known stages
        assert stage in result.stderr
