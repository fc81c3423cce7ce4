"""Jalali (Solar Hijri) periods: the issue's reference periods, every month
length, leap Esfands, weeks from Saturday, relative forms, comparisons, fiscal
years, and errors. Expected days are worked out by hand from known Nowruz
dates (1 Farvardin): 1399 → 2020-03-20, 1402 → 2023-03-21, 1403 → 2024-03-20,
1404 → 2025-03-21, 1405 → 2026-03-21 (a Saturday), 1406 → 2027-03-21."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import jdatetime
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmkpi.calendars import CALENDARS, JALALI_GRAMMAR, day_label, parse_day
from crmkpi.errors import UsageError
from crmkpi.periods import Period, parse_period, previous, trend_periods, year_ago
from crmkpi.sources.persian import jalali_to_gregorian

AS_OF = date(2026, 11, 20)  # 1405-08-29 (29 Aban), a Friday
FAR = date(2300, 1, 1)
LEAP_YEARS = {1395, 1399, 1403, 1408}  # the leap years of 1395-1410


def d(text: str) -> date:
    return date.fromisoformat(text)


def jparse(text: str, as_of: date = AS_OF, fys: int = 1) -> Period:
    return parse_period(text, as_of, fiscal_year_start=fys, calendar="jalali")


def shape(p: Period) -> tuple[str, date, date, str, bool]:
    return p.label, p.start, p.last_day, p.grain, p.partial


@pytest.mark.parametrize(
    ("text", "label", "first", "last", "grain"),
    [
        ("1405-07", "1405-07", "2026-09-23", "2026-10-22", "month"),  # Mehr
        ("1403-12", "1403-12", "2025-02-19", "2025-03-20", "month"),  # a leap Esfand: 30 days
        ("1404-12", "1404-12", "2026-02-20", "2026-03-20", "month"),  # a common Esfand: 29
        ("1404", "1404", "2025-03-21", "2026-03-20", "year"),
        ("1403", "1403", "2024-03-20", "2025-03-20", "year"),  # 366 days
        ("1405-Q1", "1405-Q1", "2026-03-21", "2026-06-21", "quarter"),
        ("1405-Q2", "1405-Q2", "2026-06-22", "2026-09-22", "quarter"),  # Tir-Shahrivar
        ("1404-Q4", "1404-Q4", "2025-12-22", "2026-03-20", "quarter"),  # Dey-Esfand
        ("1405-07-15", "1405-07-15", "2026-10-07", "2026-10-07", "day"),
        ("1403-12-30", "1403-12-30", "2025-03-20", "2025-03-20", "day"),
        ("1405-W01", "1405-W01", "2026-03-21", "2026-03-27", "week"),  # Saturday to Friday
        ("1405-w2", "1405-W02", "2026-03-28", "2026-04-03", "week"),
        ("1404-12-25..1405-01-05", "1404-12-25..1405-01-05", "2026-03-16", "2026-03-25", "range"),
        ("1405-01-01 .. 1405-01-01", "1405-01-01..1405-01-01", "2026-03-21", "2026-03-21", "range"),
    ],
)
def test_jalali_periods_by_hand(text: str, label: str, first: str, last: str, grain: str) -> None:
    assert shape(jparse(text, FAR)) == (label, d(first), d(last), grain, False)
    assert jparse(text, FAR).calendar == "jalali"


@pytest.mark.parametrize("year", range(1395, 1411))
def test_every_month_length(year: int) -> None:
    lengths = [jparse(f"{year}-{month:02d}", FAR).days for month in range(1, 13)]
    esfand = 30 if year in LEAP_YEARS else 29
    assert lengths == [31] * 6 + [30] * 5 + [esfand]
    months = [jparse(f"{year}-{month:02d}", FAR) for month in range(1, 13)]
    assert all(a.end == b.start for a, b in pairwise(months))
    assert months[0].start == jparse(str(year), FAR).start
    assert months[-1].end == jparse(str(year + 1), FAR).start


def test_leap_year_boundary() -> None:
    assert jparse("1403-12-30", FAR).end == jparse("1404-01-01", FAR).start == d("2025-03-21")
    with pytest.raises(UsageError, match="Esfand 1404 has 29 days") as info:
        jparse("1404-12-30", FAR)
    assert JALALI_GRAMMAR in info.value.message
    assert jparse("1403", FAR).days == 366
    assert jparse("1404", FAR).days == 365


def test_month_starts_agree_with_the_input_parser() -> None:
    """Periods (jdatetime through calendars.py) and Jalali cells (persian.py's
    vectorised table) must put a day in the same month, or a Jalali-dated
    export would count in the wrong period."""
    months = [(y, m) for y in range(1300, 1501) for m in range(1, 13)]
    frame = pl.DataFrame(months, schema=["y", "m"], orient="row")
    parsed = frame.select(jalali_to_gregorian(pl.col("y"), pl.col("m"), pl.lit(1))).to_series()
    expected = [jparse(f"{y:04d}-{m:02d}", FAR).start for y, m in months]
    assert parsed.to_list() == expected


@pytest.mark.parametrize(
    ("text", "label", "first", "last", "grain", "partial"),
    [
        ("today", "1405-08-29", "2026-11-20", "2026-11-20", "day", False),
        ("yesterday", "1405-08-28", "2026-11-19", "2026-11-19", "day", False),
        ("this-month", "1405-08", "2026-10-23", "2026-11-20", "month", True),  # Aban has 30 days
        ("mtd", "1405-08", "2026-10-23", "2026-11-20", "month", True),
        ("last-month", "1405-07", "2026-09-23", "2026-10-22", "month", False),
        ("this-quarter", "1405-Q3", "2026-09-23", "2026-11-20", "quarter", True),
        ("last-quarter", "1405-Q2", "2026-06-22", "2026-09-22", "quarter", False),
        ("this-year", "1405", "2026-03-21", "2026-11-20", "year", True),
        ("ytd", "1405", "2026-03-21", "2026-11-20", "year", True),
        ("last-year", "1404", "2025-03-21", "2026-03-20", "year", False),
        ("this-week", "1405-W35", "2026-11-14", "2026-11-20", "week", False),  # Sat..Fri
        ("last-week", "1405-W34", "2026-11-07", "2026-11-13", "week", False),
        ("last-7d", "1405-08-23..1405-08-29", "2026-11-14", "2026-11-20", "range", False),
    ],
)
def test_relative_forms_follow_jalali_months(
    text: str, label: str, first: str, last: str, grain: str, partial: bool
) -> None:
    assert shape(jparse(text)) == (label, d(first), d(last), grain, partial)


def test_comparisons_in_jalali_terms() -> None:
    mehr = jparse("1405-07", FAR)
    assert shape(previous(mehr)) == ("1405-06", d("2026-08-23"), d("2026-09-22"), "month", False)
    assert shape(year_ago(mehr)) == ("1404-07", d("2025-09-23"), d("2025-10-22"), "month", False)
    farvardin = jparse("1405-01", FAR)
    assert previous(farvardin).label == "1404-12"
    assert previous(farvardin).days == 29
    assert year_ago(jparse("1405-Q2", FAR)).label == "1404-Q2"
    assert previous(jparse("1405-Q1", FAR)).label == "1404-Q4"
    aban = jparse("this-month")  # 29 of 30 days
    assert shape(previous(aban)) == ("1405-07", d("2026-09-23"), d("2026-10-21"), "month", True)
    assert shape(year_ago(aban)) == ("1404-08", d("2025-10-23"), d("2025-11-20"), "month", True)


def test_year_ago_of_a_leap_day_is_the_last_of_esfand() -> None:
    leap_day = jparse("1403-12-30", FAR)
    assert shape(year_ago(leap_day)) == (
        "1402-12-29",
        d("2024-03-19"),
        d("2024-03-19"),
        "day",
        False,
    )
    back = year_ago(jparse("1403-12-25..1403-12-30", FAR))
    assert back.label == "1402-12-25..1402-12-29"
    assert back.days == 5


def test_year_ago_of_a_week_keeps_its_number() -> None:
    week = jparse("1405-W35", FAR)
    assert year_ago(week).label == "1404-W35"
    assert year_ago(week).start.weekday() == 5  # a Saturday


def test_fiscal_years_count_jalali_months() -> None:
    fy = jparse("FY1405", FAR, fys=7)  # Mehr to Shahrivar
    assert shape(fy) == ("FY1405", d("2026-09-23"), d("2027-09-22"), "year", False)
    assert jparse("FY1405-Q2", FAR, fys=7).label == "FY1405-Q2"
    assert jparse("FY1405-Q2", FAR, fys=7).start == jparse("1405-10", FAR).start  # Dey
    this_year = jparse("this-year", AS_OF, fys=7)
    assert shape(this_year) == ("FY1405", d("2026-09-23"), d("2026-11-20"), "year", True)
    assert previous(jparse("FY1405", FAR, fys=7)).label == "FY1404"
    assert jparse("1405", FAR, fys=7).label == "1405"  # plain years stay calendar years


def test_trend_steps_through_jalali_months() -> None:
    labels = [p.label for p in trend_periods(jparse("1405-02", FAR), 4)]
    assert labels == ["1404-11", "1404-12", "1405-01", "1405-02"]


@pytest.mark.parametrize("text", ["2026-10", "2026", "2026-Q3", "2026-10-05", "2026-W14"])
def test_a_gregorian_year_under_jalali_is_a_usage_error(text: str) -> None:
    with pytest.raises(UsageError) as info:
        jparse(text)
    message = info.value.message
    assert "2026 is not a year of the jalali calendar (this year is 1405)" in message
    assert f'"{text}"' in message
    assert JALALI_GRAMMAR in message


def test_a_jalali_period_after_the_as_of_day_names_jalali_days() -> None:
    with pytest.raises(
        UsageError, match="1405-09 starts on 1405-09-01, after the as-of day 1405-08-29"
    ):
        jparse("1405-09")


@pytest.mark.parametrize("year", range(1390, 1421))
def test_weeks_tile_the_year(year: int) -> None:
    cal = CALENDARS["jalali"]
    weeks = cal.weeks_in(year)
    assert weeks in (52, 53)
    nowruz = jdatetime.date(year, 1, 1).togregorian()
    assert cal.week_start(year, 1) <= nowruz < cal.week_start(year, 1) + timedelta(weeks=1)
    assert cal.week_start(year, weeks) + timedelta(weeks=1) == cal.week_start(year + 1, 1)
    with pytest.raises(UsageError, match=f"has no week {weeks + 1}"):
        jparse(f"{year}-W{weeks + 1}", FAR)


@given(st.dates(date(1990, 1, 1), date(2060, 12, 31)))
def test_any_day_lies_in_its_jalali_month_week_and_year(day: date) -> None:
    j = jdatetime.date.fromgregorian(date=day)
    label = day_label(day, "jalali")
    assert label == f"{j.year:04d}-{j.month:02d}-{j.day:02d}"
    assert jparse(label, FAR).start == day
    for text in (label[:7], label[:4], f"{label[:4]}-Q{(j.month - 1) // 3 + 1}"):
        p = jparse(text, FAR)
        assert p.start <= day < p.end
    week = jparse("this-week", day)
    assert week.start.weekday() == 5  # Saturday
    assert week.start <= day <= week.start + timedelta(days=6)
    same_year = jdatetime.date.fromgregorian(date=week.start + timedelta(days=6)).year == j.year
    if same_year:  # jdatetime numbers the week of 1 Farvardin 1, as crmkpi does
        assert week.label == f"{j.year:04d}-W{j.weeknumber():02d}"


def test_parse_day_reads_jalali_and_gregorian_under_jalali() -> None:
    assert parse_day("1405-08-29", "jalali") == AS_OF
    assert parse_day("2026-11-20", "jalali") == AS_OF
    assert parse_day("2026-11-20", "gregorian") == AS_OF
    with pytest.raises(ValueError, match="Esfand 1404 has 29 days"):
        parse_day("1404-12-30", "jalali")
    for bad in ("1405/08/29", "1405-8-29", "۱۴۰۵-۰۸-۲۹", "2026-11-31"):
        with pytest.raises(ValueError, match=r"expected YYYY-MM-DD|out of range"):
            parse_day(bad, "jalali")
