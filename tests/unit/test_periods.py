"""Periods: every form by hand, comparisons, errors, and the laws of full periods."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmkpi.calendars import GREGORIAN_GRAMMAR
from crmkpi.errors import UsageError
from crmkpi.periods import (
    Period,
    cut,
    parse_period,
    previous,
    trend_periods,
    year_ago,
)

AS_OF = date(2026, 11, 20)  # a Friday in ISO week 2026-W47
FAR = date(2900, 1, 1)  # nothing generated below is cut at this as-of day


def d(text: str) -> date:
    return date.fromisoformat(text)


def parse(text: str, as_of: date = AS_OF, fys: int = 1) -> Period:
    return parse_period(text, as_of, fiscal_year_start=fys)


def iso_weeks(year: int) -> int:
    return date(year, 12, 28).isocalendar().week


# (text, as_of, fiscal_year_start) -> (label, start, inclusive last day, grain, partial)
# fmt: off
CASES = [
    # absolute forms
    ("2025",                     AS_OF,           1,  "2025",                   "2025-01-01", "2025-12-31", "year",    False),
    ("2026",                     AS_OF,           1,  "2026",                   "2026-01-01", "2026-11-20", "year",    True),
    ("2026-Q3",                  AS_OF,           1,  "2026-Q3",                "2026-07-01", "2026-09-30", "quarter", False),
    (" 2026-q3 ",                AS_OF,           1,  "2026-Q3",                "2026-07-01", "2026-09-30", "quarter", False),
    ("2026-10",                  AS_OF,           1,  "2026-10",                "2026-10-01", "2026-10-31", "month",   False),
    ("2026-11",                  AS_OF,           1,  "2026-11",                "2026-11-01", "2026-11-20", "month",   True),
    ("2026-02",                  AS_OF,           1,  "2026-02",                "2026-02-01", "2026-02-28", "month",   False),
    ("2026-W14",                 AS_OF,           1,  "2026-W14",               "2026-03-30", "2026-04-05", "week",    False),
    ("2026-w5",                  AS_OF,           1,  "2026-W05",               "2026-01-26", "2026-02-01", "week",    False),
    ("2026-W01",                 AS_OF,           1,  "2026-W01",               "2025-12-29", "2026-01-04", "week",    False),
    ("2026-10-05",               AS_OF,           1,  "2026-10-05",             "2026-10-05", "2026-10-05", "day",     False),
    ("2026-11-20",               AS_OF,           1,  "2026-11-20",             "2026-11-20", "2026-11-20", "day",     False),
    ("2026-01-01..2026-03-31",   AS_OF,           1,  "2026-01-01..2026-03-31", "2026-01-01", "2026-03-31", "range",   False),
    ("2026-11-01 .. 2026-11-30", AS_OF,           1,  "2026-11-01..2026-11-30", "2026-11-01", "2026-11-20", "range",   True),
    ("2026-05-05..2026-05-05",   AS_OF,           1,  "2026-05-05..2026-05-05", "2026-05-05", "2026-05-05", "range",   False),
    # relative forms on Friday 2026-11-20
    ("today",                    AS_OF,           1,  "2026-11-20",             "2026-11-20", "2026-11-20", "day",     False),
    ("YESTERDAY",                AS_OF,           1,  "2026-11-19",             "2026-11-19", "2026-11-19", "day",     False),
    ("this-week",                AS_OF,           1,  "2026-W47",               "2026-11-16", "2026-11-20", "week",    True),
    ("last-week",                AS_OF,           1,  "2026-W46",               "2026-11-09", "2026-11-15", "week",    False),
    ("this-month",               AS_OF,           1,  "2026-11",                "2026-11-01", "2026-11-20", "month",   True),
    ("mtd",                      AS_OF,           1,  "2026-11",                "2026-11-01", "2026-11-20", "month",   True),
    ("this-month",               d("2026-11-30"), 1,  "2026-11",                "2026-11-01", "2026-11-30", "month",   False),
    ("last-month",               AS_OF,           1,  "2026-10",                "2026-10-01", "2026-10-31", "month",   False),
    ("this-quarter",             AS_OF,           1,  "2026-Q4",                "2026-10-01", "2026-11-20", "quarter", True),
    ("qtd",                      AS_OF,           1,  "2026-Q4",                "2026-10-01", "2026-11-20", "quarter", True),
    ("last-quarter",             AS_OF,           1,  "2026-Q3",                "2026-07-01", "2026-09-30", "quarter", False),
    ("this-year",                AS_OF,           1,  "2026",                   "2026-01-01", "2026-11-20", "year",    True),
    ("ytd",                      AS_OF,           1,  "2026",                   "2026-01-01", "2026-11-20", "year",    True),
    ("last-year",                AS_OF,           1,  "2025",                   "2025-01-01", "2025-12-31", "year",    False),
    ("last-1d",                  AS_OF,           1,  "2026-11-20..2026-11-20", "2026-11-20", "2026-11-20", "range",   False),
    ("last-7d",                  AS_OF,           1,  "2026-11-14..2026-11-20", "2026-11-14", "2026-11-20", "range",   False),
    ("last-30d",                 AS_OF,           1,  "2026-10-22..2026-11-20", "2026-10-22", "2026-11-20", "range",   False),
    ("last-90d",                 AS_OF,           1,  "2026-08-23..2026-11-20", "2026-08-23", "2026-11-20", "range",   False),
    ("last-365d",                AS_OF,           1,  "2025-11-21..2026-11-20", "2025-11-21", "2026-11-20", "range",   False),
    # fiscal years starting in April (FY2026 = 2026-04-01 .. 2027-03-31)
    ("ytd",                      AS_OF,           4,  "FY2026",                 "2026-04-01", "2026-11-20", "year",    True),
    ("this-year",                AS_OF,           4,  "FY2026",                 "2026-04-01", "2026-11-20", "year",    True),
    ("ytd",                      d("2026-02-10"), 4,  "FY2025",                 "2025-04-01", "2026-02-10", "year",    True),
    ("last-year",                AS_OF,           4,  "FY2025",                 "2025-04-01", "2026-03-31", "year",    False),
    ("this-quarter",             AS_OF,           4,  "FY2026-Q3",              "2026-10-01", "2026-11-20", "quarter", True),
    ("qtd",                      AS_OF,           4,  "FY2026-Q3",              "2026-10-01", "2026-11-20", "quarter", True),
    ("last-quarter",             AS_OF,           4,  "FY2026-Q2",              "2026-07-01", "2026-09-30", "quarter", False),
    ("this-quarter",             d("2026-01-15"), 2,  "FY2025-Q4",              "2025-11-01", "2026-01-15", "quarter", True),
    ("ytd",                      AS_OF,           10, "FY2026",                 "2026-10-01", "2026-11-20", "year",    True),
    ("FY2026",                   d("2027-06-30"), 4,  "FY2026",                 "2026-04-01", "2027-03-31", "year",    False),
    ("fy2026-q1",                d("2027-06-30"), 4,  "FY2026-Q1",              "2026-04-01", "2026-06-30", "quarter", False),
    ("FY2026-Q4",                d("2027-06-30"), 4,  "FY2026-Q4",              "2027-01-01", "2027-03-31", "quarter", False),
    ("FY2026",                   AS_OF,           4,  "FY2026",                 "2026-04-01", "2026-11-20", "year",    True),
    # plain forms stay calendar periods under a fiscal year
    ("2025",                     AS_OF,           4,  "2025",                   "2025-01-01", "2025-12-31", "year",    False),
    ("2026-Q1",                  AS_OF,           4,  "2026-Q1",                "2026-01-01", "2026-03-31", "quarter", False),
    ("this-month",               AS_OF,           4,  "2026-11",                "2026-11-01", "2026-11-20", "month",   True),
    # with fiscal_year_start 1, FY forms are the calendar periods under their calendar labels
    ("FY2025",                   AS_OF,           1,  "2025",                   "2025-01-01", "2025-12-31", "year",    False),
    ("FY2026-Q2",                AS_OF,           1,  "2026-Q2",                "2026-04-01", "2026-06-30", "quarter", False),
]
# fmt: on


@pytest.mark.parametrize(
    ("text", "as_of", "fys", "label", "start", "last", "grain", "partial"), CASES
)
def test_parse_period_forms(
    text: str,
    as_of: date,
    fys: int,
    label: str,
    start: str,
    last: str,
    grain: str,
    partial: bool,
) -> None:
    p = parse(text, as_of, fys)
    assert (p.label, p.start, p.last_day, p.grain, p.partial) == (
        label,
        d(start),
        d(last),
        grain,
        partial,
    )
    assert p.end == d(last) + timedelta(days=1)
    assert p.days == (d(last) - d(start)).days + 1
    assert (p.full_end is not None) == partial


def test_cut_period_remembers_its_full_end() -> None:
    p = parse("mtd")
    assert (p.end, p.full_end) == (d("2026-11-21"), d("2026-12-01"))
    assert parse("2026-11", AS_OF) == p


def test_fiscal_year_start_is_kept_only_on_fiscal_periods() -> None:
    assert parse("FY2026-Q1", AS_OF, 4).fiscal_year_start == 4
    assert parse("last-quarter", AS_OF, 4).fiscal_year_start == 4
    assert parse("2026-Q1", AS_OF, 4).fiscal_year_start == 1
    assert parse("2026-10", AS_OF, 4).fiscal_year_start == 1
    assert parse("this-month", AS_OF, 4) == parse("2026-11", AS_OF, 1)
    assert parse("last-week", AS_OF, 4) == parse("2026-W46", AS_OF, 1)
    assert parse("FY2025", AS_OF, 1) == parse("2025", AS_OF, 4)


# (text, as_of, fys) -> (label, start, inclusive last day, partial)
# fmt: off
PREVIOUS = [
    ("2026-01-01..2026-03-31", FAR,             1, "2025-10-03..2025-12-31", "2025-10-03", "2025-12-31", False),
    ("mtd",                    AS_OF,           1, "2026-10",                "2026-10-01", "2026-10-20", True),
    ("2026-03",                d("2026-03-31"), 1, "2026-02",                "2026-02-01", "2026-02-28", False),
    # 30 partial days compare with the first min(30, 28) days of February: all of it
    ("2026-03",                d("2026-03-30"), 1, "2026-02",                "2026-02-01", "2026-02-28", False),
    ("this-week",              AS_OF,           1, "2026-W46",               "2026-11-09", "2026-11-13", True),
    ("2026-W01",               FAR,             1, "2025-W52",               "2025-12-22", "2025-12-28", False),
    ("2026-01-01",             FAR,             1, "2025-12-31",             "2025-12-31", "2025-12-31", False),
    ("2026-Q1",                FAR,             1, "2025-Q4",                "2025-10-01", "2025-12-31", False),
    ("2026",                   FAR,             1, "2025",                   "2025-01-01", "2025-12-31", False),
    ("FY2026-Q1",              FAR,             4, "FY2025-Q4",              "2026-01-01", "2026-03-31", False),
    ("FY2026",                 FAR,             4, "FY2025",                 "2025-04-01", "2026-03-31", False),
    # 51 days of FY2026-Q3 (Oct 1 - Nov 20) compare with the first 51 days of FY2026-Q2
    ("qtd",                    AS_OF,           4, "FY2026-Q2",              "2026-07-01", "2026-08-20", True),
    ("last-30d",               AS_OF,           1, "2026-09-22..2026-10-21", "2026-09-22", "2026-10-21", False),
    # a cut range compares with the first 20 days of the 30 days before it
    ("2026-11-01..2026-11-30", AS_OF,           1, "2026-10-02..2026-10-31", "2026-10-02", "2026-10-21", True),
]
# fmt: on

# fmt: off
YEAR_AGO = [
    ("2026-W53",               FAR,             1, "2025-W52",               "2025-12-22", "2025-12-28", False),
    ("2026-W10",               FAR,             1, "2025-W10",               "2025-03-03", "2025-03-09", False),
    ("2027-W01",               FAR,             1, "2026-W01",               "2025-12-29", "2026-01-04", False),
    ("2028-02-29",             FAR,             1, "2027-02-28",             "2027-02-28", "2027-02-28", False),
    ("2028-02-01..2028-02-29", FAR,             1, "2027-02-01..2027-02-28", "2027-02-01", "2027-02-28", False),
    ("2026-03",                d("2026-03-30"), 1, "2025-03",                "2025-03-01", "2025-03-30", True),
    ("2026-03",                d("2026-03-31"), 1, "2025-03",                "2025-03-01", "2025-03-31", False),
    ("mtd",                    AS_OF,           1, "2025-11",                "2025-11-01", "2025-11-20", True),
    ("2026-Q3",                FAR,             1, "2025-Q3",                "2025-07-01", "2025-09-30", False),
    ("FY2026-Q3",              FAR,             4, "FY2025-Q3",              "2025-10-01", "2025-12-31", False),
    ("ytd",                    AS_OF,           4, "FY2025",                 "2025-04-01", "2025-11-20", True),
    ("last-30d",               AS_OF,           1, "2025-10-22..2025-11-20", "2025-10-22", "2025-11-20", False),
]
# fmt: on


@pytest.mark.parametrize(
    ("compare", "text", "as_of", "fys", "label", "start", "last", "partial"),
    [
        *[pytest.param(previous, *case, id=f"previous {case[0]}@{case[1]}") for case in PREVIOUS],
        *[pytest.param(year_ago, *case, id=f"year_ago {case[0]}@{case[1]}") for case in YEAR_AGO],
    ],
)
def test_comparison_periods(
    compare: Callable[[Period], Period],
    text: str,
    as_of: date,
    fys: int,
    label: str,
    start: str,
    last: str,
    partial: bool,
) -> None:
    p = parse(text, as_of, fys)
    other = compare(p)
    assert (other.label, other.start, other.last_day, other.partial) == (
        label,
        d(start),
        d(last),
        partial,
    )
    assert other.grain == p.grain
    assert other.fiscal_year_start == p.fiscal_year_start


def test_cut_comparison_keeps_the_whole_period_end() -> None:
    assert previous(parse("mtd")).full_end == d("2026-11-01")


def test_trend_periods_are_whole_except_the_last() -> None:
    p = parse("mtd")
    assert [(t.label, t.start, t.end, t.partial) for t in trend_periods(p, 3)] == [
        ("2026-09", d("2026-09-01"), d("2026-10-01"), False),
        ("2026-10", d("2026-10-01"), d("2026-11-01"), False),
        ("2026-11", d("2026-11-01"), d("2026-11-21"), True),
    ]
    assert trend_periods(p, 1) == (p,)
    assert trend_periods(p, 0) == ()


def test_trend_periods_of_a_range_step_by_its_length() -> None:
    labels = [t.label for t in trend_periods(parse("last-7d"), 3)]
    assert labels == [
        "2026-10-31..2026-11-06",
        "2026-11-07..2026-11-13",
        "2026-11-14..2026-11-20",
    ]


def test_cut() -> None:
    october = parse("2026-10")
    short = cut(october, 10)
    assert (short.label, short.start, short.end, short.full_end, short.partial) == (
        "2026-10",
        d("2026-10-01"),
        d("2026-10-11"),
        d("2026-11-01"),
        True,
    )
    assert cut(october, 31) == october
    assert cut(october, 100) == october
    assert cut(short, 5).full_end == d("2026-11-01")
    with pytest.raises(ValueError, match="0 days"):
        cut(october, 0)


def test_trend_periods_rejects_a_negative_count() -> None:
    with pytest.raises(ValueError, match="-1"):
        trend_periods(parse("2026-10"), -1)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "next-month",
        "tomorrow",
        "2026-02-30",
        "2026-13",
        "2026-00",
        "2026-1",
        "26-10",
        "2026/10",
        "2026-Q5",
        "2026-Q0",
        "2026-W54",
        "2026-W0",
        "2025-W53",
        "FY2026-Q5",
        "FY26",
        "0000",
        "last-0d",
        "last-d",
        "last-7days",
        "last-99999999999d",
        "2026-03-31..2026-01-01",
        "2026-01-01..2026-02-30",
        "2026-01-01..",
        "\uff12\uff10\uff12\uff16",  # fullwidth digits,
    ],
)
def test_bad_period_text_shows_the_grammar(text: str) -> None:
    with pytest.raises(UsageError) as info:
        parse(text)
    assert f'"{text.strip()}" is not a period' in info.value.message
    assert GREGORIAN_GRAMMAR in info.value.message
    assert info.value.exit_code == 2


def test_impossible_dates_say_why() -> None:
    with pytest.raises(UsageError, match="2025 has no week 53"):
        parse("2025-W53")
    with pytest.raises(UsageError, match="2026-02-30 is not a date"):
        parse("2026-02-30")
    with pytest.raises(UsageError, match="ends before it starts"):
        parse("2026-03-31..2026-01-01")


@pytest.mark.parametrize("text", ["2026-12", "2027", "2026-11-21", "2026-W48", "FY2026-Q4"])
def test_period_starting_after_as_of_is_an_error(text: str) -> None:
    with pytest.raises(UsageError, match="after the as-of day 2026-11-20") as info:
        parse(text, AS_OF, 4)
    assert parse(text, FAR, 4).start.isoformat() in info.value.message


@pytest.mark.parametrize("fys", [0, 13, -1])
def test_fiscal_year_start_must_be_a_month(fys: int) -> None:
    with pytest.raises(UsageError, match="fiscal_year_start"):
        parse("2026", AS_OF, fys)


def test_unknown_calendars_are_usage_errors() -> None:
    with pytest.raises(UsageError, match="calendar 'hebrew' is not supported"):
        parse_period("5787", AS_OF, calendar="hebrew")
    p = parse("2026-10")
    alien = Period(p.label, p.start, p.end, p.grain, calendar="hebrew")
    with pytest.raises(UsageError, match="calendar 'hebrew'"):
        previous(alien)


def test_comparisons_before_year_one_are_usage_errors() -> None:
    # Typed, year 1 is refused (1900-2200); a period can still be built there.
    first_week = date.fromisocalendar(1, 2, 1)
    with pytest.raises(UsageError, match="no previous period"):
        previous(Period("0001", date(1, 1, 1), date(2, 1, 1), "year"))
    with pytest.raises(UsageError, match="no year-ago period"):
        year_ago(Period("0001-01-01", date(1, 1, 1), date(1, 1, 2), "day"))
    with pytest.raises(UsageError, match="no trend"):
        trend_periods(Period("0001-W02", first_week, first_week + timedelta(weeks=1), "week"), 3)


@pytest.mark.parametrize(
    ("text", "jalali"),
    [
        ("1405-07", True),
        ("1405-Q2", True),
        ("1300", True),
        ("1500-W10", True),
        ("1404-12-01..1405-01-31", True),
        ("2026-01-01..1405-01-31", True),
        ("1899-12", False),
        ("2201", False),
        ("0999-01-01", False),
        ("FY1850", False),
    ],
)
def test_typed_gregorian_years_are_1900_to_2200(text: str, jalali: bool) -> None:
    with pytest.raises(UsageError, match=r"outside the Gregorian years crmkpi reads \(1900-2200\)"):
        parse(text, FAR)
    with pytest.raises(UsageError) as info:
        parse(text, FAR)
    assert ("add --calendar jalali" in info.value.message) is jalali


def test_1900_and_2200_themselves_are_years() -> None:
    assert parse("1900-01", FAR).start == date(1900, 1, 1)
    assert parse("2200-W01", FAR).start == date(2199, 12, 30)
    assert parse("2200-12-31", FAR).last_day == date(2200, 12, 31)
    assert previous(parse("1900", FAR)).label == "1899"  # computed, not typed


def test_empty_period_is_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        Period("x", d("2026-01-02"), d("2026-01-02"), "day")


# --- laws of full periods ----------------------------------------------------

# Typed years are 1900-2200: a range of up to 801 days, and the one before
# it, stay inside.
MIN_DAY, MAX_DAY = date(1903, 1, 1), date(2197, 12, 31)
FORMS = ("year", "quarter", "month", "week", "day", "range", "fiscal-year", "fiscal-quarter")


@st.composite
def full_periods(draw: st.DrawFn) -> tuple[Period, int]:
    """A whole period of any form, and the fiscal_year_start it was parsed with."""
    fys = draw(st.integers(1, 12))
    year = draw(st.integers(MIN_DAY.year, MAX_DAY.year))
    quarter = draw(st.integers(1, 4))
    day = draw(st.dates(MIN_DAY, MAX_DAY))
    texts = {
        "year": f"{year}",
        "quarter": f"{year}-Q{quarter}",
        "month": f"{year}-{draw(st.integers(1, 12)):02d}",
        "week": f"{year}-W{draw(st.integers(1, iso_weeks(year)))}",
        "day": day.isoformat(),
        "range": f"{day}..{day + timedelta(days=draw(st.integers(0, 800)))}",
        "fiscal-year": f"FY{year}",
        "fiscal-quarter": f"fy{year}-q{quarter}",
    }
    return parse(texts[draw(st.sampled_from(FORMS))], FAR, fys), fys


@given(full_periods())
def test_full_period_is_whole_and_its_label_parses_back(case: tuple[Period, int]) -> None:
    p, fys = case
    assert p.start < p.end
    assert not p.partial
    assert p.full_end is None
    assert parse(p.label, FAR, fys) == p


@given(full_periods())
def test_previous_ends_where_the_period_starts(case: tuple[Period, int]) -> None:
    p, fys = case
    before = previous(p)
    assert before.end == p.start
    assert before.grain == p.grain
    assert not before.partial
    assert parse(before.label, FAR, fys) == before
    if p.grain in ("range", "week", "day"):
        assert before.days == p.days


@given(full_periods())
def test_year_ago_is_one_year_back(case: tuple[Period, int]) -> None:
    p, fys = case
    back = year_ago(p)
    assert back.grain == p.grain
    assert not back.partial
    assert parse(back.label, FAR, fys) == back
    if p.grain == "week":
        year, week = p.start.isocalendar()[:2]
        expected_week = week if week < 53 else iso_weeks(year - 1)
        assert back.start.isocalendar()[:2] == (year - 1, expected_week)
        assert (p.start - back.start).days in (364, 371)
    else:
        assert (p.start - back.start).days in (365, 366)
    if p.grain in ("year", "quarter", "month"):
        assert back.start == p.start.replace(year=p.start.year - 1)
        assert back.label.removeprefix("FY")[4:] == p.label.removeprefix("FY")[4:]


@given(full_periods(), st.integers(1, 8))
def test_trend_periods_are_contiguous_and_end_with_the_period(
    case: tuple[Period, int], n: int
) -> None:
    p, _ = case
    trend = trend_periods(p, n)
    assert len(trend) == n
    assert trend[-1] == p
    assert all(a.end == b.start for a, b in pairwise(trend))
    assert {t.grain for t in trend} == {p.grain}
    assert len({t.label for t in trend}) == n
    if p.grain == "range":
        assert {t.days for t in trend} == {p.days}


@given(full_periods(), st.data())
def test_partial_period_compares_with_the_first_days(
    case: tuple[Period, int], data: st.DataObject
) -> None:
    whole, fys = case
    if whole.days < 2:
        return
    days = data.draw(st.integers(1, whole.days - 1))
    p = parse(whole.label, whole.start + timedelta(days=days - 1), fys)
    assert (p.label, p.start, p.days, p.full_end, p.partial) == (
        whole.label,
        whole.start,
        days,
        whole.end,
        True,
    )
    for compare in (previous, year_ago):
        full_other = compare(whole)
        other = compare(p)
        assert other == cut(full_other, days)
        assert other.days == min(days, full_other.days)
        assert other.partial == (days < full_other.days)
        assert other.label == full_other.label


@given(st.dates(MIN_DAY, MAX_DAY), st.integers(1, 12))
def test_relative_forms_hold_the_as_of_day(as_of: date, fys: int) -> None:
    for grain in ("week", "month", "quarter", "year"):
        this = parse(f"this-{grain}", as_of, fys)
        last = parse(f"last-{grain}", as_of, fys)
        assert this.start <= as_of == this.last_day
        assert last.end == this.start
        assert previous(this) == (cut(last, this.days) if this.partial else last)
        assert this.partial == (this.full_end is not None and this.full_end > this.end)
    assert parse("ytd", as_of, fys) == parse("this-year", as_of, fys)


@given(st.dates(MIN_DAY, MAX_DAY), st.integers(1, 3000))
def test_last_n_days_end_on_the_as_of_day(as_of: date, n: int) -> None:
    p = parse(f"last-{n}d", as_of)
    assert (p.days, p.last_day, p.grain, p.partial) == (n, as_of, "range", False)
