"""Report sections (KPIS.md "Sections"): pipeline, funnel, cohorts, every
expected number worked out by hand from tiny frames.

P = 2026-10 unless said otherwise: s = 2026-10-01, e = 2026-11-01 (half-open).
A deal is open at t when created_at < t and (closed_at missing or >= t); a
customer is active at t when created_at < t and (churned_at missing or >= t)
(SCHEMA.md).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmkpi.analyses import (
    CohortRow,
    CohortSection,
    FunnelSection,
    FunnelStep,
    PipelineSection,
    PipelineStage,
    Section,
)
from crmkpi.errors import ConfigError
from crmkpi.kpis import REGISTRY, KpiOptions, KpiSettings, Tables
from crmkpi.periods import Period, parse_period
from crmkpi.sections import compute_sections

approx = pytest.approx

AS_OF = date(2026, 11, 20)  # after every period used here: none is cut short
OCTOBER = parse_period("2026-10", AS_OF)
MISSING_STAGES = "deal_stages table missing (no deal_stages.csv/.tsv/.xlsx/.xls/.parquet in data)"
MISSING_DEALS = "deals table missing (no deals.csv/.tsv/.xlsx/.xls/.parquet in data)"


def d(text: str) -> date:
    return date.fromisoformat(text)


def frame(schema: dict[str, Any], rows: list[tuple[Any, ...]]) -> pl.LazyFrame:
    return pl.DataFrame(rows, schema=schema, orient="row").lazy()


def one(
    name: str,
    tables: Tables,
    period: Period = OCTOBER,
    config: KpiSettings | None = None,
    absent: dict[str, str] | None = None,
) -> Section:
    (section,) = compute_sections((name,), tables, period, config or KpiSettings(), absent or {})
    assert section.name == name
    return section


def pipeline(tables: Tables, **kwargs: Any) -> PipelineSection:
    data = one("pipeline", tables, **kwargs).data
    assert isinstance(data, PipelineSection)
    return data


def funnel(tables: Tables, **kwargs: Any) -> Section:
    section = one("funnel", tables, **kwargs)
    assert isinstance(section.data, FunnelSection)
    return section


def cohorts(tables: Tables, period: Period = OCTOBER) -> CohortSection:
    data = one("cohorts", tables, period).data
    assert isinstance(data, CohortSection)
    return data


# --- pipeline ----------------------------------------------------------------

DEAL = {
    "deal_id": pl.String,
    "created_at": pl.Date,
    "status": pl.String,
    "closed_at": pl.Date,
    "amount": pl.Float64,
    "stage": pl.String,
}
# fmt: off
DEALS = frame(DEAL, [
    # id   created          status  closed           amount  stage            open at e = 11-01?
    ("a",  d("2026-09-01"), "open", None,            1000.0, "qualify"),      # yes
    ("b",  d("2026-09-05"), "open", None,            None,   "proposal"),     # yes, value 0
    ("c",  d("2026-09-10"), "won",  d("2026-11-10"), 700.0,  None),           # yes: won after e
    ("d",  d("2026-09-15"), "lost", d("2026-11-05"), 900.0,  "Closed Lost"),  # yes: lost after e
    ("w",  d("2026-10-03"), "won",  d("2026-10-20"), 400.0,  "Closed Won"),   # no: won in P
    ("f",  d("2026-11-01"), "open", None,            5000.0, "qualify"),      # no: created on e
    ("g",  d("2026-09-01"), "lost", d("2026-10-25"), 300.0,  "Closed Lost"),  # no: lost in P
    ("h",  d("2026-10-05"), "open", None,            2000.0, "negotiation"),  # yes
    ("i",  d("2026-10-01"), "lost", d("2026-10-21"), 100.0,  "negotiation"),  # no: lost in P
])
# fmt: on
MAP = KpiSettings(stage_probability={"qualify": 0.2, "proposal": 0.5, "negotiation": 0.8})

STAGE_ROW = {"deal_id": pl.String, "stage": pl.String, "entered_at": pl.Date}
# File order matters only for h's two rows on 10-05. "Closed Won" and "Closed
# Lost" are closing stages: every deal sitting in them is won or lost; the map's
# stages and those with an open deal are not.
# fmt: off
HISTORY = frame(STAGE_ROW, [
    ("w", "qualify",     d("2026-10-03")),  # 10-03 → 10-08 = 5 d, in P, moved on
    ("g", "qualify",     d("2026-09-01")),  # 09-01 → 09-20 = ended before P: left out
    ("h", "qualify",     d("2026-10-05")),  # 10-05 → 10-05 = 0 d (same day, first in the file)
    ("g", "proposal",    d("2026-09-20")),  # 09-20 → 10-02 = 12 d, moved on (back to qualify)
    ("w", "negotiation", d("2026-10-08")),  # skips proposal; 10-08 → 10-20 = 12 d, won: moved on
    ("h", "proposal",    d("2026-10-05")),  # 10-05 → 10-09 = 4 d
    ("g", "qualify",     d("2026-10-02")),  # re-entry, a second visit: 10-02 → 10-10 = 8 d
    ("a", "qualify",     d("2026-09-01")),  # still there: not ended, left out
    ("w", "Closed Won",  d("2026-10-20")),  # closing stage: not a visit
    ("g", "proposal",    d("2026-10-10")),  # re-entry: 10-10 → 10-25 = 15 d, then closed lost
    ("g", "Closed Lost", d("2026-10-25")),  # closing stage: not a visit
    ("h", "negotiation", d("2026-10-09")),  # still there (h is open): left out
    ("d", "qualify",     d("2026-09-15")),  # 09-15 → 10-30 = 45 d, in P
    ("d", "negotiation", d("2026-10-30")),  # 10-30 → 11-05: ended after P, left out
    ("d", "Closed Lost", d("2026-11-05")),  # closing stage
    ("b", "proposal",    d("2026-10-15")),  # still there
    ("i", "negotiation", d("2026-10-01")),  # no next row: ends at closed_at 10-21 = 20 d, lost
])
# fmt: on
FULL = Tables(deals=DEALS, deal_stages=HISTORY)


def test_pipeline_with_map_and_history() -> None:
    # Open at e, by the stage each deal was in at e (its last history row entered
    # before e that is not a closing stage, else its current stage); value and
    # weight as the KPI: amount missing = 0; weight of the current stage, 1.0 won
    # since, 0.0 lost since:
    #   qualify      a               1 deal, 1000, 1000 × 0.2 = 200
    #   proposal     b               1 deal,    0,    0 × 0.5 = 0
    #   negotiation  h, d            2 deals, 2000 + 900, 2000 × 0.8 + 900 × 0.0 (lost
    #                                since; in negotiation since 10-30) = 1600
    #   None         c (won 11-10)   1 deal,  700,  700 × 1.0 = 700 (no history)
    # Visits that ended in P (days, moved_on):
    #   qualify      w 5 T, h 0 T, g 8 T, d 45 T → left 4, mean 58/4 = 14.5,
    #                median of 0 5 8 45 = (5 + 8)/2 = 6.5, moved_on 4/4 = 1
    #   proposal     g 12 T, h 4 T, g 15 F (closed lost) → left 3, mean 31/3,
    #                median 12, moved_on 2/3
    #   negotiation  w 12 T (won), i 20 F (lost, no closing row) → left 2,
    #                mean 16, median 16, moved_on 1/2 → the longest mean: bottleneck
    # Order: the map's stages, None last. Closed Won and Closed Lost: no deal
    # open at e sits in them and they have no visits: no row.
    assert pipeline(FULL, config=MAP) == PipelineSection(
        stages=(
            PipelineStage("qualify", 1, 1000.0, 200.0, 4, 14.5, 6.5, 1.0),
            PipelineStage("proposal", 1, 0.0, 0.0, 3, approx(31 / 3), 12.0, approx(2 / 3)),
            PipelineStage("negotiation", 2, 2900.0, 1600.0, 2, 16.0, 16.0, 0.5, bottleneck=True),
            PipelineStage(None, 1, 700.0, 700.0),
        ),
    )  # fmt: skip


def test_pipeline_rows_add_up_to_the_kpis() -> None:
    # 5 deals, 1000 + 0 + 2000 + 900 + 700 = 4600, weighted 200 + 0 + 1600 + 0 + 700 = 2500,
    # and the KPIs of the registry say the same.
    rows = pipeline(FULL, config=MAP).stages
    assert sum(r.deals for r in rows) == 5 == _kpi("open_deals", FULL, MAP)
    assert sum(r.value for r in rows) == 4600 == _kpi("open_pipeline_value", FULL, MAP)
    assert sum(r.weighted_value or 0 for r in rows) == 2500
    assert _kpi("weighted_pipeline_value", FULL, MAP) == 2500


def _kpi(kpi_id: str, tables: Tables, config: KpiSettings, period: Period = OCTOBER) -> Any:
    out = REGISTRY[kpi_id].compute(tables, period, KpiOptions(settings=config)).collect()
    return out["value"][0]


def test_pipeline_without_map_orders_by_history_position() -> None:
    # Position of each row in its deal's history (0-based, in order of entry):
    #   qualify      w0 g0 g2 h0 a0 d0        → 2/6 = 0.33
    #   negotiation  w1 h2 d1 i0              → 4/4 = 1.0
    #   proposal     g1 g3 h1 b0              → 5/4 = 1.25
    #   Closed Lost  g4 d2                    → 3.0
    # so qualify, negotiation, proposal, then None; no weights. Closed Lost has a
    # position but no open deal at e and no visit: no row.
    data = pipeline(FULL)
    assert [r.stage for r in data.stages] == ["qualify", "negotiation", "proposal", None]
    assert [r.weighted_value for r in data.stages] == [None] * 4
    assert data.weighted_reason == "no stage_probability map in the config"
    assert data.stage_time_reason is None


def test_pipeline_without_history_keeps_the_open_deals() -> None:
    # No deal_stages, no map: stages alphabetically ("C" sorts before lower case),
    # None last; no visit statistics and no bottleneck, with the reason.
    data = pipeline(Tables(deals=DEALS), absent={"deal_stages": MISSING_STAGES})
    assert data.stage_time_reason == MISSING_STAGES
    assert data.stages == (
        PipelineStage("Closed Lost", 1, 900.0),
        PipelineStage("negotiation", 1, 2000.0),
        PipelineStage("proposal", 1, 0.0),
        PipelineStage("qualify", 1, 1000.0),
        PipelineStage(None, 1, 700.0),
    )


def test_pipeline_lists_every_stage_of_the_map() -> None:
    # Only h (negotiation) is open at e; qualify and proposal still get a row of zeros.
    only_h = frame(DEAL, [("h", d("2026-10-05"), "open", None, 2000.0, "negotiation")])
    data = pipeline(Tables(deals=only_h), config=MAP)
    assert data.stages == (
        PipelineStage("qualify", 0, 0.0, 0.0),
        PipelineStage("proposal", 0, 0.0, 0.0),
        PipelineStage("negotiation", 1, 2000.0, 1600.0),
    )


def test_same_day_ties_follow_the_row_number() -> None:
    # The loaded table numbers rows as in the file (__row); frame order may differ.
    # By __row, qualify (row 2) comes before proposal (row 3) on 10-05:
    # qualify 10-05 → 10-05 = 0 d, proposal 10-05 → 10-09 = 4 d. In frame
    # order it would be the other way round (proposal 0 d, qualify 4 d).
    rows = [
        ("h", "proposal", d("2026-10-05"), 3),
        ("h", "qualify", d("2026-10-05"), 2),
        ("h", "negotiation", d("2026-10-09"), 4),
    ]
    history = frame({**STAGE_ROW, "__row": pl.UInt32}, rows)
    only_h = frame(DEAL, [("h", d("2026-10-05"), "open", None, 2000.0, "negotiation")])
    data = pipeline(Tables(deals=only_h, deal_stages=history), config=MAP)
    days = {r.stage: r.mean_days for r in data.stages}
    assert days == {"qualify": 0.0, "proposal": 4.0, "negotiation": None}


def test_visits_in_another_period() -> None:
    # P = 2026-09 (e = 10-01): visits that ended in September:
    #   qualify g 09-01 → 09-20 = 19 d; proposal none (g's first ended 10-02).
    # Open at 10-01: a, b, c, d, g (lost 10-25); not w, h, i (created 10-01 or later).
    # Stage at 10-01: a qualify (09-01), d qualify (09-15), g proposal (09-20),
    # b proposal (no row before 10-01: its current stage), c None.
    september = parse_period("2026-09", AS_OF)
    data = pipeline(FULL, config=MAP, period=september)
    by_stage = {r.stage: r for r in data.stages}
    # a 1000 × 0.2 + d 900 × 0.0 (lost since) = 200
    assert by_stage["qualify"] == PipelineStage(
        "qualify", 2, 1900.0, 200.0, 1, 19.0, 19.0, 1.0, bottleneck=True
    )
    # b 0 + g 300 (lost since: weight 0)
    assert by_stage["proposal"] == PipelineStage("proposal", 2, 300.0, 0.0)
    assert "Closed Lost" not in by_stage


def test_open_deal_outside_the_map_is_a_config_error() -> None:
    # As for weighted_pipeline_value: an open deal's stage must have a probability.
    extra = frame(DEAL, [("x", d("2026-10-06"), "open", None, 10.0, "discovery")])
    tables = Tables(deals=pl.concat([DEALS, extra]))
    with pytest.raises(ConfigError, match=r"pipeline section: .*discovery.*known stages: qualify"):
        pipeline(tables, config=MAP)


@pytest.mark.parametrize(
    ("tables", "reason"),
    [
        (Tables(), MISSING_DEALS),
        (Tables(deals=DEALS.drop("stage")), "deals has no stage column"),
        (Tables(deals=DEALS.drop("amount")), "deals has no amount column"),
        (Tables(deals=DEALS.drop("closed_at"), deal_stages=HISTORY), "deals has no closed_at column"),
    ],
)  # fmt: skip
def test_pipeline_unavailable(tables: Tables, reason: str) -> None:
    section = one("pipeline", tables, absent={"deals": MISSING_DEALS})
    assert section == Section("pipeline", None, reason)


_stage = st.sampled_from(["qualify", "proposal", None])
_day = st.dates(date(2026, 9, 1), date(2026, 11, 30))
_deal = st.tuples(_day, st.sampled_from(["open", "won", "lost"]), _day, _stage)


@settings(max_examples=50, deadline=None)
@given(st.lists(_deal, max_size=12))
def test_stage_rows_always_add_up_to_open_deals(deals: list[tuple[Any, ...]]) -> None:
    # Law: whatever the deals, the rows sum to open_deals and open_pipeline_value.
    rows = [
        (f"x{n}", created, status, None if status == "open" else closed, float(n), stage)
        for n, (created, status, closed, stage) in enumerate(deals)
    ]
    tables = Tables(deals=frame(DEAL, rows))
    stages = pipeline(tables).stages
    assert sum(r.deals for r in stages) == _kpi("open_deals", tables, KpiSettings())
    assert sum(r.value for r in stages) == _kpi("open_pipeline_value", tables, KpiSettings())


# --- funnel ------------------------------------------------------------------

LEAD = {
    "lead_id": pl.String,
    "created_at": pl.Date,
    "status": pl.String,
    "converted_at": pl.Date,
    "customer_id": pl.String,
}
# fmt: off
LEADS = frame(LEAD, [
    # id    created          status       converted        customer
    ("L1",  d("2026-10-02"), "converted", d("2026-10-10"), "C1"),  # converted; C1 won D1: won
    ("L2",  d("2026-10-05"), "qualified", None,            None),  # won D2 carries L2: both
    ("L3",  d("2026-10-07"), "converted", None,            "C3"),  # converted; C3 lost: not won
    ("L4",  d("2026-10-12"), "open",      d("2026-10-20"), "C4"),  # converted_at; C4 won later
    ("L5",  d("2026-10-15"), "lost",      None,            "C5"),  # not converted (C5 won D5)
    ("L6",  d("2026-09-28"), "converted", d("2026-09-30"), "C1"),  # created before P
    ("L7",  d("2026-11-01"), "converted", d("2026-11-02"), "C1"),  # created on e: not in P
    ("L8",  d("2026-10-20"), "open",      None,            None),  # not converted
    ("L9",  d("2026-08-10"), "open",      None,            None),  # August's only lead
])
# fmt: on
SALE = {**DEAL, "customer_id": pl.String, "lead_id": pl.String}
# fmt: off
SALES = frame(SALE, [
    # id    created          status  closed           amount stage customer lead
    ("D1",  d("2026-10-01"), "won",  d("2026-10-15"), 10.0,  None, "C1",    None),
    ("D2",  d("2026-10-05"), "won",  d("2026-10-18"), 10.0,  None, None,    "L2"),
    ("D3",  d("2026-10-07"), "lost", d("2026-10-20"), 10.0,  None, "C3",    None),
    ("D4",  d("2026-10-12"), "won",  d("2026-11-15"), 10.0,  None, "C4",    None),
    ("D5",  d("2026-09-01"), "won",  d("2026-10-01"), 10.0,  None, "C5",    None),
])
# fmt: on


def test_funnel_steps_and_rates() -> None:
    # Created in P: L1 L2 L3 L4 L5 L8 = 6. Converted (as lead_conversion_rate):
    # L1 L2 L3 L4 = 4. Won (converted, and the customer_id has a won deal or a
    # won deal carries the lead_id, at any time): L1 L2 L4 = 3.
    # Rates: 4/6 of 6; 3/4 of 4 and 3/6 = 0.5 overall.
    section = funnel(Tables(leads=LEADS, deals=SALES))
    assert section.data == FunnelSection(
        (
            FunnelStep("leads", 6, None, 1.0),
            FunnelStep("converted", 4, pytest.approx(4 / 6), pytest.approx(4 / 6)),
            FunnelStep("won", 3, 0.75, 0.5),
        )
    )
    assert section.notes == ()


def test_funnel_converted_is_lead_conversion_rates_numerator() -> None:
    tables = Tables(leads=LEADS, deals=SALES)
    steps = _steps(funnel(tables))
    assert steps[1].count / steps[0].count == _kpi("lead_conversion_rate", tables, KpiSettings())


def _steps(section: Section) -> tuple[FunnelStep, ...]:
    assert isinstance(section.data, FunnelSection)
    return section.data.steps


def test_funnel_zero_denominators() -> None:
    # August: L9 only, not converted → 1, 0, 0: won's step rate divides by 0.
    august = parse_period("2026-08", AS_OF)
    assert _steps(funnel(Tables(leads=LEADS, deals=SALES), period=august)) == (
        FunnelStep("leads", 1, None, 1.0),
        FunnelStep("converted", 0, 0.0, 0.0),
        FunnelStep("won", 0, None, 0.0),
    )
    # July: no leads at all → every rate unavailable.
    july = parse_period("2026-07", AS_OF)
    assert _steps(funnel(Tables(leads=LEADS, deals=SALES), period=july)) == (
        FunnelStep("leads", 0, None, None),
        FunnelStep("converted", 0, None, None),
        FunnelStep("won", 0, None, None),
    )


def test_funnel_without_deals_has_two_steps_and_a_note() -> None:
    # Without deals L2 is not converted (only its won deal said so): L1 L3 L4 = 3 of 6.
    section = funnel(Tables(leads=LEADS), absent={"deals": MISSING_DEALS})
    assert _steps(section) == (
        FunnelStep("leads", 6, None, 1.0),
        FunnelStep("converted", 3, 0.5, 0.5),
    )
    assert section.notes == (f"won step left out: {MISSING_DEALS}",)


def test_funnel_without_a_link_to_deals() -> None:
    # Leads without customer_id and deals without lead_id: nothing ties a lead to a deal.
    section = funnel(Tables(leads=LEADS.drop("customer_id"), deals=SALES.drop("lead_id")))
    assert [s.step for s in _steps(section)] == ["leads", "converted"]
    assert section.notes == (
        "won step left out: leads has no customer_id column and deals has no lead_id column",
    )


def test_funnel_unavailable() -> None:
    missing = "leads table missing (no leads.csv/.tsv/.xlsx/.xls/.parquet in data)"
    assert one("funnel", Tables(deals=SALES), absent={"leads": missing}) == Section(
        "funnel", None, missing
    )
    bare = LEADS.drop("status", "converted_at")
    assert one("funnel", Tables(leads=bare, deals=SALES.drop("lead_id"))) == Section(
        "funnel", None, "leads has no converted_at or status column, and no deals carry lead_id"
    )


# --- cohorts -----------------------------------------------------------------

CUSTOMER = {"customer_id": pl.String, "created_at": pl.Date, "churned_at": pl.Date}
# fmt: off
CUSTOMERS = frame(CUSTOMER, [
    ("A", d("2026-08-05"), None),             # August, stays
    ("B", d("2026-08-20"), d("2026-09-10")),  # August, churned in September
    ("C", d("2026-08-31"), d("2026-10-01")),  # August, churned on October's first day
    ("G", d("2026-08-10"), d("2026-11-15")),  # August, churned after e
    ("D", d("2026-10-10"), d("2026-10-10")),  # October, churned the day it came
    ("E", d("2026-10-20"), None),             # October, stays
    ("F", d("2026-11-01"), None),             # created on e: no cohort
])
# fmt: on


def test_monthly_cohorts() -> None:
    # Cohorts August..October, contiguous (September has nobody). Every row has
    # a cell per month ending by e: Aug (end 09-01), Sep (10-01), Oct (11-01).
    # August, size 4:
    #   k=0 at 09-01: A B C G all active                       → 4/4 = 1.0
    #   k=1 at 10-01: B churned 09-10 < 10-01; C's 10-01 >= 10-01 is still
    #                 active                                    → 3/4 = 0.75
    #   k=2 at 11-01: C gone too (10-01 < 11-01); G's 11-15 is not → 2/4 = 0.5
    # September, size 0: shares of nobody are null.
    # October, size 2: k=0 at 11-01: E yes, D no → 1/2; k=1, k=2 end after e: null.
    assert cohorts(Tables(customers=CUSTOMERS)) == CohortSection(
        "month",
        (
            CohortRow("2026-08", 4, (1.0, 0.75, 0.5)),
            CohortRow("2026-09", 0, (None, None, None)),
            CohortRow("2026-10", 2, (0.5, None, None)),
        ),
    )


def test_quarterly_cohorts() -> None:
    # P = 2026-Q3, e = 10-01: quarter grain; October's D and E are not acquired yet.
    #   Q2 (H, I), Q3 (A B C G). Columns: Q2 (ends 07-01) and Q3 (ends 10-01).
    #   Q2: at 07-01 H and I (churns 08-01) → 1.0; at 10-01 H only → 0.5
    #   Q3: at 10-01 A, C (10-01 >= 10-01), G; not B → 3/4; k=1 (Q4) ends after e: null
    earlier = frame(
        CUSTOMER, [("H", d("2026-05-15"), None), ("I", d("2026-04-01"), d("2026-08-01"))]
    )
    tables = Tables(customers=pl.concat([CUSTOMERS, earlier]))
    assert cohorts(tables, parse_period("2026-Q3", AS_OF)) == CohortSection(
        "quarter",
        (CohortRow("2026-Q2", 2, (1.0, 0.5)), CohortRow("2026-Q3", 4, (0.75, None))),
    )  # fmt: skip


def test_fiscal_quarters_keep_their_alignment() -> None:
    # Fiscal years from February: FY2026-Q1 = 2026-02-01..05-01, FY2025-Q4 = 2025-11..2026-02.
    #   J (2026-01-15, churned 03-01) → FY2025-Q4: at 02-01 1/1, at 05-01 0/1
    #   K (2026-04-01) → FY2026-Q1: at 05-01 1/1; the next quarter ends after e
    people = frame(
        CUSTOMER, [("J", d("2026-01-15"), d("2026-03-01")), ("K", d("2026-04-01"), None)]
    )
    period = parse_period("FY2026-Q1", AS_OF, fiscal_year_start=2)
    assert cohorts(Tables(customers=people), period).rows == (
        CohortRow("FY2025-Q4", 1, (1.0, 0.0)),
        CohortRow("FY2026-Q1", 1, (1.0, None)),
    )


def test_week_uses_months_and_nulls_the_month_cut_at_e() -> None:
    # P = 2026-W42 (10-12..10-18), e = 10-19: month cohorts; October ends after
    # e, so it is a row (D, acquired 10-10) but no column. E (10-20) comes after e.
    #   August at 09-01 4/4, at 10-01 3/4 (as above); September empty.
    week = parse_period("2026-W42", AS_OF)
    assert cohorts(Tables(customers=CUSTOMERS), week) == CohortSection(
        "month",
        (
            CohortRow("2026-08", 4, (1.0, 0.75)),
            CohortRow("2026-09", 0, (None, None)),
            CohortRow("2026-10", 1, (None, None)),
        ),
    )


def test_no_customers_before_e() -> None:
    july = parse_period("2026-07", AS_OF)
    assert cohorts(Tables(customers=CUSTOMERS), july) == CohortSection("month", ())


def test_cohorts_unavailable() -> None:
    missing = "customers table missing (no customers.csv/.tsv/.xlsx/.xls/.parquet in data)"
    assert one("cohorts", Tables(), absent={"customers": missing}) == Section(
        "cohorts", None, missing
    )
    no_churn = Tables(customers=CUSTOMERS.drop("churned_at"))
    assert one("cohorts", no_churn) == Section(
        "cohorts", None, "customers has no churned_at column"
    )


# --- all together ----------------------------------------------------------------


def test_sections_in_config_order_from_one_collect(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    collect_all = pl.collect_all

    def counting(frames: list[pl.LazyFrame]) -> list[pl.DataFrame]:
        calls.append(len(frames))
        return collect_all(frames)

    monkeypatch.setattr(pl, "collect_all", counting)
    tables = Tables(customers=CUSTOMERS, leads=LEADS, deals=SALES, deal_stages=HISTORY)
    names = ("funnel", "cohorts", "pipeline")
    sections = compute_sections(names, tables, OCTOBER, MAP, {})
    assert tuple(s.name for s in sections) == names
    assert all(s.data is not None for s in sections)
    assert len(calls) == 1


def test_unknown_section_name() -> None:
    with pytest.raises(ValueError, match="unknown section"):
        compute_sections(("heatmap",), Tables(), OCTOBER, KpiSettings(), {})
