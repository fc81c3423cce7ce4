"""Support KPIs (KPIS.md "Support"), every number worked out by hand.

Ticket times are instants in the config timezone. "In P" compares their local
date (SCHEMA.md "Dates of datetimes"); durations are between instants, in
fractional hours. A ticket is open at t when its created_at date < t and
(resolved_at missing or its date >= t).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import polars as pl
import pytest
from _worked import CliReport, Measure, check, d

from crmkpi.kpis import KpiSettings, Tables


def at(text: str) -> datetime:
    """An instant given in UTC ("2026-10-01 09:00")."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


TicketRow = tuple[str, datetime, datetime | None, datetime | None, int | None]


def tickets(*rows: TicketRow, zone: str = "UTC") -> Tables:
    """Tickets in the config timezone ``zone`` (the rows are UTC instants)."""
    schema = {
        "ticket_id": pl.String,
        "created_at": pl.Datetime("us", "UTC"),
        "first_response_at": pl.Datetime("us", "UTC"),
        "resolved_at": pl.Datetime("us", "UTC"),
        "csat": pl.Int64,
    }
    frame = pl.DataFrame(list(rows), schema=schema, orient="row")
    local = frame.with_columns(
        pl.col("created_at", "first_response_at", "resolved_at").dt.convert_time_zone(zone)
    )
    return Tables(tickets=local.lazy())


# The shared fixture (UTC). Hours to first response and to resolution in the comments.
# fmt: off
ROWS: tuple[TicketRow, ...] = (
    # id     created                  first response           resolved                 csat
    ("t01", at("2026-10-01 09:00"), at("2026-10-01 10:30"), at("2026-10-02 09:00"), 5),     # 1.5 h; 24 h
    ("t02", at("2026-10-05 08:00"), at("2026-10-06 08:00"), at("2026-10-10 08:00"), 4),     # 24 h: exactly at the SLA; 120 h
    ("t03", at("2026-10-10 12:00"), None,                   None,                   None),  # unanswered, open
    ("t04", at("2026-10-12 00:00"), at("2026-10-13 00:15"), at("2026-11-01 10:00"), 1),     # 24.25 h: late; resolved on e: open at e
    ("t05", at("2026-10-20 14:00"), at("2026-10-20 14:45"), at("2026-10-31 23:00"), None),  # 0.75 h; 273 h (11 d + 9 h); unrated
    ("t06", at("2026-09-28 10:00"), at("2026-09-28 18:00"), at("2026-10-02 10:00"), 3),     # created in September; 96 h
    ("t07", at("2026-10-31 22:00"), at("2026-11-01 06:00"), at("2026-11-02 09:00"), 5),     # created on the last day; 8 h
    ("t08", at("2026-11-01 01:00"), at("2026-11-01 02:00"), None,                   None),  # created on e
    ("t09", at("2026-09-15 09:00"), at("2026-09-15 10:00"), at("2026-10-31 08:00"), 4),     # resolved the day before e; 1103 h
    ("t10", at("2026-08-01 00:00"), None,                   None,                   None),  # old backlog
    ("t11", at("2026-10-25 10:00"), at("2026-10-25 10:30"), None,                   None),  # 0.5 h, open
    ("t12", at("2026-10-26 08:00"), None,                   at("2026-10-26 08:30"), None),  # resolved unanswered: 0.5 h
)
# fmt: on
TABLES = tickets(*ROWS)
MONTH, WEEK, RANGE = "2026-10", "2026-W42", "2026-10-01..2026-10-10"

# 1103 h for t09: 09-15 09:00 -> 10-31 09:00 is 16 + 30 = 46 days = 1104 h, less 1 h.
#
# By period (by hand):
# 2026-10  [10-01, 11-01)
#   created: t01 t02 t03 t04 t05 t07 t11 t12 = 8 (not t06, t08 on e, t09, t10)
#   resolved: t01 t02 t05 t06 t09 t12 = 6 (not t04 on e, not t07 on 11-02)
#   open at e: t03, t04 (resolved on e), t07, t10, t11 = 5 (t09 resolved 10-31: no;
#   t08 created on e: no; t12 resolved 10-26: no)
#   first responses of tickets created in P: 1.5, 24, 24.25, 0.75, 8, 0.5 (t03 and
#   t12 unanswered: left out) = 59 h over 6
#   resolution hours: 24, 120, 273, 96, 1103, 0.5 = 1616.5 over 6
#   csat of the resolved: t01 5, t02 4, t06 3, t09 4 (t05, t12 unrated) = 3 of 4 at 4 or 5
# 2026-W42  [10-12, 10-19)
#   created: t04 = 1; resolved: none; open at 10-19: t03, t04, t09, t10 = 4
# range  [10-01, 10-11)
#   created: t01 t02 t03 = 3; resolved: t01 t02 t06 = 3; open at 10-11: t03 t09 t10 = 3


@pytest.mark.parametrize(("period", "expected"), [(MONTH, 8), (WEEK, 1), (RANGE, 3)])
def test_new_tickets(measure: Measure, period: str, expected: float) -> None:
    check(measure("new_tickets", TABLES, period)[0], expected)


@pytest.mark.parametrize(("period", "expected"), [(MONTH, 6), (WEEK, 0), (RANGE, 3)])
def test_resolved_tickets(measure: Measure, period: str, expected: float) -> None:
    check(measure("resolved_tickets", TABLES, period)[0], expected)


@pytest.mark.parametrize(("period", "expected"), [(MONTH, 5), (WEEK, 4), (RANGE, 3)])
def test_open_tickets(measure: Measure, period: str, expected: float) -> None:
    check(measure("open_tickets", TABLES, period)[0], expected)


def test_open_tickets_resolved_on_e_and_the_day_before(measure: Measure) -> None:
    t = tickets(
        (
            "on_e",
            at("2026-10-05 09:00"),
            None,
            at("2026-11-01 00:00"),
            None,
        ),  # date 11-01 >= e: open
        ("eve", at("2026-10-05 09:00"), None, at("2026-10-31 23:59"), None),  # 10-31 < e: closed
        ("new", at("2026-11-01 00:00"), None, None, None),  # created on e: not yet
    )
    check(measure("open_tickets", t, MONTH)[0], 1)


@pytest.mark.parametrize(
    ("period", "stat", "expected"),
    [
        (MONTH, "mean", 59 / 6),  # counting the unanswered t03 and t12 as 0 would give 59 / 8
        # sorted [0.5, 0.75, 1.5, 8, 24, 24.25]: an even count, (1.5 + 8) / 2
        (MONTH, "median", 4.75),
        (WEEK, "mean", 24.25),
        (WEEK, "median", 24.25),
        (RANGE, "mean", (1.5 + 24) / 2),  # = 12.75
        (RANGE, "median", 12.75),
    ],
)
def test_first_response_hours(measure: Measure, period: str, stat: Any, expected: float) -> None:
    check(measure("first_response_hours", TABLES, period, stat)[0], expected)


@pytest.mark.parametrize(
    ("period", "hours", "expected"),
    [
        # within 24 h: t01, t02 (exactly 24), t05, t07, t11; missed: t03 and t12
        # (unanswered), t04 (24.25). Leaving the unanswered out would give 5 / 6.
        (MONTH, 24, 5 / 8),
        # within 8 h: t01, t05, t07 (exactly 8), t11
        (MONTH, 8, 4 / 8),
        # fractional limits: 0.75 keeps t05 (exactly 0.75) and t11; 0.5 keeps t11 (exactly)
        (MONTH, 0.75, 2 / 8),
        (MONTH, 0.5, 1 / 8),
        (WEEK, 24, 0 / 1),  # t04 was 15 minutes late: a real 0
        (WEEK, 24.25, 1 / 1),  # exactly at a limit of 24 h 15 min
        (RANGE, 24, 2 / 3),  # t01, t02 of t01, t02, t03
        (RANGE, 8, 1 / 3),  # t01
    ],
)
def test_first_response_sla_rate(
    measure: Measure, period: str, hours: float, expected: float
) -> None:
    settings = KpiSettings(sla_first_response_hours=hours)
    check(measure("first_response_sla_rate", TABLES, period, settings=settings)[0], expected)


def test_first_response_sla_default_is_24_hours(measure: Measure) -> None:
    # No setting given: the default 24 h, as in the first case above
    check(measure("first_response_sla_rate", TABLES, MONTH)[0], 5 / 8)


@pytest.mark.parametrize(
    ("period", "stat", "expected"),
    [
        (MONTH, "mean", 1616.5 / 6),
        # sorted [0.5, 24, 96, 120, 273, 1103]: an even count, (96 + 120) / 2
        (MONTH, "median", 108),
        (RANGE, "mean", (24 + 120 + 96) / 3),  # = 80
        (RANGE, "median", 96),
    ],
)
def test_resolution_hours(measure: Measure, period: str, stat: Any, expected: float) -> None:
    check(measure("resolution_hours", TABLES, period, stat)[0], expected)


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        # t01 5, t02 4 (exactly 4 counts), t09 4 of t01, t02, t06 (3), t09; the unrated
        # t05 and t12 are left out (else 3 / 6); t04's 1 was resolved on e
        (MONTH, 3 / 4),
        (RANGE, 2 / 3),  # t01 5, t02 4 of t01, t02, t06
    ],
)
def test_csat(measure: Measure, period: str, expected: float) -> None:
    check(measure("csat", TABLES, period)[0], expected)


def test_csat_with_only_unrated_tickets_is_unavailable(measure: Measure) -> None:
    t = tickets(("u", at("2026-10-01 09:00"), None, at("2026-10-02 09:00"), None))
    check(measure("resolved_tickets", t, MONTH)[0], 1)
    value, reason = measure("csat", t, MONTH)
    assert value is None
    assert reason


def test_csat_all_below_four_is_zero(measure: Measure) -> None:
    t = tickets(
        ("a", at("2026-10-01 09:00"), None, at("2026-10-02 09:00"), 3),
        ("b", at("2026-10-01 09:00"), None, at("2026-10-03 09:00"), 1),
    )
    check(measure("csat", t, MONTH)[0], 0 / 2)


# --- nothing in the period -----------------------------------------------------------

COUNTS = ("new_tickets", "resolved_tickets", "open_tickets")


@pytest.mark.parametrize("kpi_id", COUNTS)
def test_counts_over_no_tickets_are_zero(measure: Measure, kpi_id: str) -> None:
    check(measure(kpi_id, tickets(), MONTH)[0], 0)


MEANS_AND_RATIOS = [
    ("first_response_hours", "mean"),
    ("first_response_hours", "median"),
    ("first_response_sla_rate", "mean"),
    ("resolution_hours", "mean"),
    ("resolution_hours", "median"),
    ("csat", "mean"),
]


@pytest.mark.parametrize(("kpi_id", "stat"), MEANS_AND_RATIOS)
def test_means_and_ratios_over_no_tickets_are_unavailable(
    measure: Measure, kpi_id: str, stat: Any
) -> None:
    value, reason = measure(kpi_id, tickets(), MONTH, stat)
    assert value is None
    assert reason


@pytest.mark.parametrize(("kpi_id", "stat"), MEANS_AND_RATIOS[3:])
def test_nothing_resolved_in_period_is_unavailable(
    measure: Measure, kpi_id: str, stat: Any
) -> None:
    # W42 of the shared fixture: t04 was created, nothing was resolved
    value, reason = measure(kpi_id, TABLES, WEEK, stat)
    assert value is None
    assert reason


def test_first_response_hours_with_only_unanswered_is_unavailable(measure: Measure) -> None:
    t = tickets(("u", at("2026-10-05 09:00"), None, None, None))
    value, reason = measure("first_response_hours", t, MONTH)
    assert value is None  # a mean of nothing
    assert reason
    check(measure("first_response_sla_rate", t, MONTH)[0], 0 / 1)  # missed: a real 0


# --- local dates in the config timezone ---------------------------------------------
#
# Config timezone Europe/Berlin (UTC+2 until 2026-10-25 03:00, then UTC+1).
# fmt: off
BERLIN_ROWS: tuple[TicketRow, ...] = (
    # b1: 10-31 23:30 UTC = 11-01 00:30 Berlin: November's ticket
    ("b1", at("2026-10-31 23:30"), at("2026-11-01 00:00"), None,                   None),
    # b2: 09-30 22:30 UTC = 10-01 00:30 Berlin: October's; answered after 1 h;
    #     resolved 10-31 23:30 UTC = 11-01 00:30 Berlin: not resolved in October, open at e
    ("b2", at("2026-09-30 22:30"), at("2026-09-30 23:30"), at("2026-10-31 23:30"), 5),
    # b3: 10-24 12:00 CEST -> 10-25 12:00 CET is 25 h between the instants (the clocks
    #     went back), not 24: missed at 24 h. Resolved 10-30 23:30 UTC = 10-31 00:30 CET,
    #     157.5 h after creation (6 days + 13.5 h; the wall clock shows 156.5)
    ("b3", at("2026-10-24 10:00"), at("2026-10-25 11:00"), at("2026-10-30 23:30"), 4),
    # b4: unanswered, unresolved
    ("b4", at("2026-10-15 10:00"), None,                   None,                   None),
)
# fmt: on
BERLIN = tickets(*BERLIN_ROWS, zone="Europe/Berlin")


@pytest.mark.parametrize(
    ("kpi_id", "expected"),
    [
        ("new_tickets", 3),  # b2, b3, b4 (b1 is November's)
        ("resolved_tickets", 1),  # b3 (in UTC dates: b2 and b3, 2)
        ("open_tickets", 2),  # b2 (resolved on e, local), b4
        ("first_response_hours", (1 + 25) / 2),  # b2, b3 (in UTC dates: b1 0.5 and b3, 12.75)
        ("first_response_sla_rate", 1 / 3),  # b2 of b2, b3, b4 (wall-clock hours: 2 / 3)
        ("resolution_hours", 157.5),
        ("csat", 1 / 1),  # b3 rated 4 (b2's 5 is November's)
    ],
)
def test_local_dates_in_berlin(measure: Measure, kpi_id: str, expected: float) -> None:
    check(measure(kpi_id, BERLIN, MONTH)[0], expected)


# --- NPS --------------------------------------------------------------------------------

SURVEYS = {"survey_id": pl.String, "responded_at": pl.Date, "score": pl.Int64}
SurveyRow = tuple[str, date, int]


def surveys(*rows: SurveyRow) -> Tables:
    return Tables(surveys=pl.DataFrame(list(rows), schema=SURVEYS, orient="row").lazy())


# fmt: off
SURVEY_ROWS: tuple[SurveyRow, ...] = (
    ("r1", d("2026-10-01"), 10),  # promoter, on s
    ("r2", d("2026-10-05"), 9),   # promoter
    ("r3", d("2026-10-10"), 8),   # passive
    ("r4", d("2026-10-12"), 7),   # passive
    ("r5", d("2026-10-15"), 6),   # detractor (6 is one)
    ("r6", d("2026-10-20"), 0),   # detractor
    ("r7", d("2026-10-31"), 10),  # promoter, last day
    ("r8", d("2026-09-30"), 0),   # September's
    ("r9", d("2026-11-01"), 0),   # on e: November's
)
# fmt: on
SURVEY_TABLES = surveys(*SURVEY_ROWS)


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        # promoters r1 r2 r7 = 3, detractors r5 r6 = 2, responses 7 (passives count in the
        # denominator): (3 - 2) / 7 × 100. Leaving passives out would give 1 / 5 × 100.
        (MONTH, (3 - 2) / 7 * 100),
        ("2026-W41", (1 - 0) / 2 * 100),  # 10-05..10-11: r2 9, r3 8 = 50
        (WEEK, (0 - 1) / 2 * 100),  # 10-12..10-18: r4 7, r5 6 = -50
        ("2026-10-12..2026-10-20", (0 - 2) / 3 * 100),  # r4 7, r5 6, r6 0
    ],
)
def test_nps(measure: Measure, period: str, expected: float) -> None:
    check(measure("nps", SURVEY_TABLES, period)[0], expected)


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ((0, 6, 3, 6), -100),  # all detractors
        ((9, 10, 10), 100),  # all promoters
        ((7, 8, 8), 0),  # all passives: a real 0
        ((10, 6), 0),  # one each
        ((9, 8, 7, 6), (1 - 1) / 4 * 100),
    ],
)
def test_nps_extremes(measure: Measure, scores: tuple[int, ...], expected: float) -> None:
    rows = tuple((f"s{i}", d("2026-10-10"), score) for i, score in enumerate(scores))
    check(measure("nps", surveys(*rows), MONTH)[0], expected)


@pytest.mark.parametrize(
    ("t", "period"),
    [(surveys(), MONTH), (SURVEY_TABLES, "2026-08")],
    ids=["no surveys", "only outside P"],
)
def test_nps_without_responses_is_unavailable(measure: Measure, t: Tables, period: str) -> None:
    value, reason = measure("nps", t, period)
    assert value is None
    assert reason


# --- end to end through the CLI ---------------------------------------------------

HEADER = ("ticket_id", "created_at", "first_response_at", "resolved_at", "csat")


def _naive(x: datetime | None) -> str | None:
    return None if x is None else x.strftime("%Y-%m-%dT%H:%M:%S")


def test_report_cli(cli_report: CliReport) -> None:
    # naive ISO datetimes: local times of the default timezone, UTC
    rows = [(tid, _naive(c), _naive(f), _naive(r), s) for tid, c, f, r, s in ROWS]
    out = cli_report(
        {
            "tickets": (HEADER, rows),
            "surveys": (tuple(SURVEYS), SURVEY_ROWS),
        },
        [
            "new_tickets",
            "resolved_tickets",
            "open_tickets",
            "first_response_hours",
            "first_response_sla_rate",
            "resolution_hours",
            "csat",
            "nps",
        ],
        options={"first_response_hours": "{stat: median}", "resolution_hours": "{stat: median}"},
        config="sla:\n  first_response_hours: 8\n",
    )
    expected = {
        "new_tickets": 8,
        "resolved_tickets": 6,
        "open_tickets": 5,
        "first_response_hours": 4.75,  # the median, as asked
        "first_response_sla_rate": 4 / 8,  # within 8 h
        "resolution_hours": 108,
        "csat": 3 / 4,
        "nps": 100 / 7,
    }
    kpis = out["kpis"]
    assert kpis["first_response_hours"]["label"] == "Average first response time (median)"
    for kpi_id, value in expected.items():
        assert kpis[kpi_id]["reason"] is None, kpi_id
        assert kpis[kpi_id]["value"] == pytest.approx(value), kpi_id


def test_report_cli_berlin_with_offsets(cli_report: CliReport) -> None:
    # The same instants as BERLIN_ROWS, written in UTC with a "Z" or "+00:00"
    # offset, read with the config timezone Europe/Berlin.
    def utc(x: datetime | None, suffix: str) -> str | None:
        return None if x is None else x.strftime("%Y-%m-%dT%H:%M:%S") + suffix

    rows = [(tid, utc(c, "Z"), utc(f, "+00:00"), utc(r, "Z"), s) for tid, c, f, r, s in BERLIN_ROWS]
    out = cli_report(
        {"tickets": (HEADER, rows)},
        ["new_tickets", "resolved_tickets", "first_response_sla_rate", "resolution_hours"],
        config="timezone: Europe/Berlin\n",
    )
    expected = {
        "new_tickets": 3,
        "resolved_tickets": 1,
        "first_response_sla_rate": 1 / 3,
        "resolution_hours": 157.5,
    }
    for kpi_id, value in expected.items():
        kpi = out["kpis"][kpi_id]
        assert kpi["reason"] is None, kpi_id
        assert kpi["value"] == pytest.approx(value), kpi_id
