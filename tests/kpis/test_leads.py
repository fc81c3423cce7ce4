"""Lead KPIs (KPIS.md "Leads"), every number worked out by hand.

A lead is converted (SCHEMA.md) when converted_at is present, or status is
``converted``, or a won deal carries its lead_id, as the data stands: the
conversion may come after P. lead_generation_cost = spend in P / new_leads;
when spend has a ``kind`` column only ``marketing`` rows count (an empty kind
is not marketing).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest
from _worked import CliReport, Measure, check, d

from crmkpi.kpis import Tables

LEADS = {
    "lead_id": pl.String,
    "created_at": pl.Date,
    "status": pl.String,
    "converted_at": pl.Date,
}
DEALS = {
    "deal_id": pl.String,
    "created_at": pl.Date,
    "status": pl.String,
    "closed_at": pl.Date,
    "amount": pl.Float64,
    "lead_id": pl.String,
}
SPEND = {"date": pl.Date, "amount": pl.Float64, "kind": pl.String}
LeadRow = tuple[str, date, str | None, date | None]
DealRow = tuple[str, date, str, date | None, float | None, str | None]
SpendRow = tuple[date, float, str | None]


def frame(rows: tuple[tuple[Any, ...], ...], schema: dict[str, Any]) -> pl.LazyFrame:
    return pl.DataFrame(list(rows), schema=schema, orient="row").lazy()


# The shared fixture.
# fmt: off
LEAD_ROWS: tuple[LeadRow, ...] = (
    ("l01", d("2026-10-01"), "converted", d("2026-10-05")),  # created on s; converted both ways
    ("l02", d("2026-10-03"), "open",      d("2026-10-20")),  # converted_at only (status not updated)
    ("l03", d("2026-10-04"), "converted", None),             # status only
    ("l04", d("2026-10-10"), "qualified", None),             # converted only by a won deal (d1)
    ("l05", d("2026-10-12"), "lost",      None),             # its deal d2 was lost: not converted
    ("l06", d("2026-10-15"), "open",      None),             # its deal d3 is open: not converted
    ("l07", d("2026-10-20"), "open",      d("2026-11-15")),  # converted after P: counts as the data stands
    ("l08", d("2026-10-31"), "open",      None),             # last day of P
    ("l09", d("2026-11-01"), "converted", d("2026-11-02")),  # created on e: not in P
    ("l10", d("2026-09-30"), "converted", d("2026-10-02")),  # created the day before s
)
DEAL_ROWS: tuple[DealRow, ...] = (
    ("d1", d("2026-10-11"), "won",  d("2026-10-25"), 100.0, "l04"),
    ("d2", d("2026-10-13"), "lost", d("2026-10-20"),  50.0, "l05"),
    ("d3", d("2026-10-16"), "open", None,             70.0, "l06"),
    ("d4", d("2026-10-16"), "won",  d("2026-10-18"),  20.0, None),   # no lead
)
SPEND_ROWS: tuple[SpendRow, ...] = (
    (d("2026-10-01"),  600.0, "marketing"),  # on s
    (d("2026-10-15"),  400.0, "sales"),      # not marketing
    (d("2026-10-20"),  200.0, None),         # empty kind: not marketing
    (d("2026-10-31"),  300.0, "marketing"),  # last day
    (d("2026-11-01"), 5000.0, "marketing"),  # on e: November's
    (d("2026-09-30"), 7000.0, "marketing"),  # September's
)
# fmt: on
LEAD_FRAME = frame(LEAD_ROWS, LEADS)
DEAL_FRAME = frame(DEAL_ROWS, DEALS)
SPEND_FRAME = frame(SPEND_ROWS, SPEND)
NO_KIND = SPEND_FRAME.drop("kind")
TABLES = Tables(leads=LEAD_FRAME, deals=DEAL_FRAME, spend=SPEND_FRAME)
MONTH, WEEK, RANGE = "2026-10", "2026-W42", "2026-10-03..2026-10-12"

# Leads created, by period (by hand):
# 2026-10   [10-01, 11-01): l01..l08 = 8 (not l09 on e, not l10 on 09-30)
# 2026-W42  [10-12, 10-19): l05, l06 = 2
# range     [10-03, 10-13): l02, l03, l04, l05 = 4


@pytest.mark.parametrize(("period", "expected"), [(MONTH, 8), (WEEK, 2), (RANGE, 4)])
def test_new_leads(measure: Measure, period: str, expected: float) -> None:
    check(measure("new_leads", TABLES, period)[0], expected)


def test_new_leads_over_no_leads_is_zero(measure: Measure) -> None:
    check(measure("new_leads", Tables(leads=frame((), LEADS)), MONTH)[0], 0)


# Spend in P, by period. With the kind column (marketing only):
# 2026-10   600 + 300 = 900 (not 400 sales, not 200 empty kind)
# 2026-W42  [10-12, 10-19): only 400 sales, so 0 marketing
# range     [10-03, 10-13): nothing
# Without the kind column (every row): 2026-10 600 + 400 + 200 + 300 = 1500; W42 400.
@pytest.mark.parametrize(
    ("period", "spend", "expected"),
    [
        (MONTH, SPEND_FRAME, 900 / 8),  # = 112.5; all rows would give 1500 / 8
        (WEEK, SPEND_FRAME, 0 / 2),  # a real 0: spend exists, none of it marketing
        (RANGE, SPEND_FRAME, 0 / 4),
        (MONTH, NO_KIND, 1500 / 8),  # = 187.5
        (WEEK, NO_KIND, 400 / 2),
        (RANGE, NO_KIND, 0 / 4),
    ],
    ids=["month", "week", "range", "month-no-kind", "week-no-kind", "range-no-kind"],
)
def test_lead_generation_cost(
    measure: Measure, period: str, spend: pl.LazyFrame, expected: float
) -> None:
    t = Tables(leads=LEAD_FRAME, spend=spend)
    check(measure("lead_generation_cost", t, period)[0], expected)


def test_lead_generation_cost_counts_an_empty_kind_only_without_the_column(
    measure: Measure,
) -> None:
    # One lead, one 90 spend row with an empty kind: with the column it is not
    # marketing (0 / 1); the same amount without the column counts (90 / 1).
    leads = frame((("a", d("2026-10-05"), None, None),), LEADS)
    spend = frame(((d("2026-10-05"), 90.0, None),), SPEND)
    check(measure("lead_generation_cost", Tables(leads=leads, spend=spend), MONTH)[0], 0)
    no_kind = Tables(leads=leads, spend=spend.drop("kind"))
    check(measure("lead_generation_cost", no_kind, MONTH)[0], 90)


def test_lead_generation_cost_without_leads_or_spend_is_unavailable(measure: Measure) -> None:
    # 2026-Q2: no lead created and no spend: 0 / 0
    value, reason = measure("lead_generation_cost", TABLES, "2026-Q2")
    assert value is None
    assert reason


@pytest.mark.parametrize("spend", [SPEND_FRAME, NO_KIND], ids=["kind", "no-kind"])
def test_lead_generation_cost_with_spend_and_no_leads_is_unavailable(
    measure: Measure, spend: pl.LazyFrame
) -> None:
    # September: 7000 of marketing spend (09-30), but the only lead was created in
    # October: 7000 / 0 is unavailable, not inf
    leads = frame((("z", d("2026-10-05"), None, None),), LEADS)
    value, reason = measure("lead_generation_cost", Tables(leads=leads, spend=spend), "2026-09")
    assert value is None
    assert reason


# Converted among the leads created in P:
# 2026-10   l01 (both), l02 (converted_at), l03 (status), l04 (won deal d1), l07 (converted
#           after P) = 5 of 8. Not l05 (lost deal), l06 (open deal), l08.
# 2026-W42  l05, l06: 0 of 2 (a real 0)
# range     l02, l03, l04 of l02..l05 = 3 of 4
@pytest.mark.parametrize(("period", "expected"), [(MONTH, 5 / 8), (WEEK, 0 / 2), (RANGE, 3 / 4)])
def test_lead_conversion_rate(measure: Measure, period: str, expected: float) -> None:
    check(measure("lead_conversion_rate", TABLES, period)[0], expected)


def test_lead_conversion_without_deals_misses_the_deal_side(measure: Measure) -> None:
    # Without the deals table l04 has no conversion signal: 4 of 8
    check(measure("lead_conversion_rate", Tables(leads=LEAD_FRAME), MONTH)[0], 4 / 8)


def test_lead_conversion_from_won_deals_only(measure: Measure) -> None:
    """Olist-style: leads carry no status and no converted_at; the conversion
    is recorded on the deal side only."""
    created = ("2026-10-01", "2026-10-05", "2026-10-09", "2026-10-20", "2026-09-01")
    leads = pl.LazyFrame(
        {"lead_id": ["a", "b", "c", "e", "f"], "created_at": list(map(d, created))}
    )
    deals = frame(
        (
            ("w1", d("2026-10-02"), "won", d("2026-10-30"), 10.0, "a"),  # a converted
            ("w2", d("2026-10-10"), "won", d("2026-11-05"), 10.0, "c"),  # c, won after P: converted
            ("w3", d("2026-10-10"), "won", d("2026-10-12"), 10.0, "c"),  # c again: counted once
            ("x1", d("2026-10-06"), "lost", d("2026-10-08"), 10.0, "b"),  # b lost: not converted
            ("o1", d("2026-10-21"), "open", None, 10.0, "e"),  # e open: not converted
            ("w4", d("2026-09-02"), "won", d("2026-09-10"), 10.0, "f"),  # f created before P
        ),
        DEALS,
    )
    # created in October: a, b, c, e = 4; converted: a, c = 2 / 4
    # (counting deals instead of leads would give 3 / 4)
    check(measure("lead_conversion_rate", Tables(leads=leads, deals=deals), MONTH)[0], 2 / 4)


def test_lead_conversion_without_any_signal_is_unavailable(measure: Measure) -> None:
    # No status, no converted_at and no deals: the optional columns conversion
    # reads are absent, so the rate is unavailable, not 0.
    leads = pl.LazyFrame({"lead_id": ["a"], "created_at": [d("2026-10-05")]})
    value, reason = measure("lead_conversion_rate", Tables(leads=leads), MONTH)
    assert value is None
    assert reason


def test_lead_conversion_without_leads_in_period_is_unavailable(measure: Measure) -> None:
    value, reason = measure("lead_conversion_rate", TABLES, "2026-Q2")
    assert value is None  # 0 / 0
    assert reason


# --- end to end through the CLI ---------------------------------------------------


def test_report_cli(cli_report: CliReport) -> None:
    # spend.kind is case-insensitive (SCHEMA.md): "Marketing" and "SALES" as exported
    spend_rows = [
        (day, amount, {"marketing": "Marketing", "sales": "SALES"}.get(kind or "", kind))
        for day, amount, kind in SPEND_ROWS
    ]
    # the open deal d3 as exported, with an expected close date
    deal_rows = [(*r[:3], "2026-12-01", *r[4:]) if r[2] == "open" else r for r in DEAL_ROWS]
    out = cli_report(
        {
            "leads": (tuple(LEADS), LEAD_ROWS),
            "deals": (tuple(DEALS), deal_rows),
            "spend": (tuple(SPEND), spend_rows),
        },
        ["new_leads", "lead_generation_cost", "lead_conversion_rate"],
    )
    expected = {"new_leads": 8, "lead_generation_cost": 900 / 8, "lead_conversion_rate": 5 / 8}
    for kpi_id, value in expected.items():
        kpi = out["kpis"][kpi_id]
        assert kpi["reason"] is None, kpi_id
        assert kpi["value"] == pytest.approx(value), kpi_id


def test_report_cli_olist_style_conversion(cli_report: CliReport) -> None:
    """Leads without status or converted_at, deals.csv in the same folder: the
    conversion comes from the won deals alone, whatever other KPIs are listed.
    Created in October: a, b; a has a won deal, b a lost one: 1 / 2."""
    out = cli_report(
        {
            "leads": (("lead_id", "created_at"), (("a", "2026-10-01"), ("b", "2026-10-02"))),
            "deals": (
                tuple(DEALS),
                (
                    ("w", "2026-10-02", "won", "2026-10-05", 10, "a"),
                    ("x", "2026-10-03", "lost", "2026-10-06", 10, "b"),
                ),
            ),
        },
        ["lead_conversion_rate"],
    )
    kpi = out["kpis"]["lead_conversion_rate"]
    assert kpi["reason"] is None
    assert kpi["value"] == pytest.approx(1 / 2)
