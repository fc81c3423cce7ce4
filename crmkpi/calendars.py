"""Calendars: the arithmetic behind periods, and how a day is written.

``periods.py`` speaks only in month indexes, weeks and days; a ``Calendar``
turns those into Gregorian ``date`` values (what polars compares). Two exist:

- ``gregorian``: Gregorian months and ISO 8601 weeks (Monday start, week 1
  holds a Thursday).
- ``jalali``: Solar Hijri months (Farvardin 1 starts the year; months 1-6 have
  31 days, 7-11 have 30, Esfand 29 or 30). Every conversion goes through
  jdatetime, the maintained Python implementation of the calendar, so leap
  years are the calendar's own, not a cycle of ours.

Decisions where SPEC.md is silent:

- Jalali weeks run Saturday to Friday (SPEC) and week 1 of a year is the week
  that holds 1 Farvardin, the convention of Iranian calendars and of
  jdatetime's ``weeknumber``. A week spanning Nowruz therefore belongs to the
  new year (the year of its Friday), and a year has 52 or 53 weeks.
- A Jalali year must be below 1700: ``2026-10`` under ``calendar: jalali`` is
  a Gregorian period typed by mistake, not the year 2026 of the Solar Hijri
  era, and is refused with a hint (SPEC: "A year ≥ 1700 under jalali is a
  usage error").
- ``year_back`` of 30 Esfand (leap) is 29 Esfand, as 29 Feb becomes 28 Feb.
- A Gregorian year typed by a user (a period, an as-of day) must be within
  1900-2200 (``GREGORIAN_YEARS``): ``--as-of 1405-08-29`` without ``--calendar
  jalali`` is a Jalali day typed under the wrong calendar, not the year 1405
  AD with every KPI 0. A year in 1300-1500 says so and suggests ``--calendar
  jalali``. Days computed from typed ones (a comparison, a trend) may leave
  the range.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Protocol

import jdatetime

JALALI_MAX_YEAR = 1699
GREGORIAN_YEARS = (1900, 2200)
"""The Gregorian years a user may type (inclusive): outside, a typo or another calendar's year."""
JALALI_LOOKALIKE = (1300, 1500)
"""Gregorian years that are Jalali years typed under the Gregorian calendar (today's ≈ 1405)."""

GREGORIAN_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
JALALI_MONTHS = (
    "Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar",
    "Mehr", "Aban", "Azar", "Dey", "Bahman", "Esfand",
)  # fmt: skip


GREGORIAN_GRAMMAR = """\
Periods (case-insensitive):
  2026                    a calendar year
  2026-Q3                 a calendar quarter (Q1-Q4)
  2026-10                 a month
  2026-W14                an ISO week, Monday to Sunday (W1-W53)
  2026-10-05              a day
  2026-01-01..2026-03-31  a range of days, both ends included
  FY2026, FY2026-Q1       a fiscal year or quarter (see fiscal_year_start),
                          named by the calendar year it starts in
  today, yesterday
  this-week, this-month, this-quarter, this-year   (up to the as-of day)
  last-week, last-month, last-quarter, last-year
  mtd, qtd, ytd           month, quarter, year to date
  last-7d, last-30d, last-90d, any last-<N>d       the N days up to the as-of day"""

JALALI_GRAMMAR = """\
Periods under calendar: jalali (Solar Hijri; case-insensitive):
  1405                    a Jalali year (1 Farvardin to the end of Esfand)
  1405-Q2                 a quarter: Q1 Farvardin-Khordad, Q2 Tir-Shahrivar,
                          Q3 Mehr-Azar, Q4 Dey-Esfand
  1405-07                 a month (07 = Mehr)
  1405-W14                a week, Saturday to Friday (week 1 holds 1 Farvardin)
  1405-07-15              a day
  1405-01-01..1405-03-31  a range of days, both ends included
  FY1405, FY1405-Q1       a fiscal year or quarter (fiscal_year_start counts
                          Jalali months), named by the year it starts in
  today, yesterday, this-week, this-month, this-quarter, this-year,
  last-week, last-month, last-quarter, last-year, mtd, qtd, ytd, last-<N>d
                          as in the Gregorian calendar, in Jalali months and years"""


class Calendar(Protocol):
    """The calendar-specific arithmetic; everything else is calendar-neutral.

    A month index is ``year * 12 + month - 1`` in the calendar's own numbering.
    Methods raise ``ValueError`` for a date or week that does not exist.
    """

    @property
    def name(self) -> str: ...

    @property
    def max_year(self) -> int: ...

    @property
    def grammar(self) -> str: ...

    def month_start(self, index: int) -> date: ...
    def month_index(self, day: date) -> int: ...
    def day(self, year: int, month: int, day: int) -> date: ...
    def day_label(self, day: date) -> str: ...
    def week_start(self, year: int, week: int) -> date: ...
    def week_of(self, day: date) -> tuple[int, int]: ...
    def weeks_in(self, year: int) -> int: ...
    def year_back(self, day: date) -> date: ...
    def year_problem(self, year: int) -> str | None: ...


class Gregorian:
    """Gregorian months and ISO 8601 weeks (Monday start, week 1 holds a Thursday)."""

    name = "gregorian"
    max_year = 9999
    grammar = GREGORIAN_GRAMMAR

    def month_start(self, index: int) -> date:
        year, month0 = divmod(index, 12)
        return date(year, month0 + 1, 1)

    def month_index(self, day: date) -> int:
        return day.year * 12 + day.month - 1

    def day(self, year: int, month: int, day: int) -> date:
        try:
            return date(year, month, day)
        except ValueError:
            raise ValueError(f"{year:04d}-{month:02d}-{day:02d} is not a date") from None

    def day_label(self, day: date) -> str:
        return day.isoformat()

    def week_start(self, year: int, week: int) -> date:
        return date.fromisocalendar(year, week, 1)

    def week_of(self, day: date) -> tuple[int, int]:
        iso = day.isocalendar()
        return iso.year, iso.week

    def weeks_in(self, year: int) -> int:
        return date(year, 12, 28).isocalendar().week

    def year_back(self, day: date) -> date:
        if (day.month, day.day) == (2, 29):
            day = day.replace(day=28)
        return day.replace(year=day.year - 1)

    def year_problem(self, year: int) -> str | None:
        return gregorian_year_problem(year)


def _jalali(day: date) -> tuple[int, int, int]:
    """A Gregorian day as Jalali (year, month, day)."""
    j = jdatetime.date.fromgregorian(date=day)
    return int(j.year), int(j.month), int(j.day)


def jalali_to_date(year: int, month: int, day: int) -> date:
    """The Gregorian day of a Jalali one; ``ValueError`` when there is none."""
    gregorian: date = jdatetime.date(year, month, day).togregorian()
    return gregorian


def jalali_is_leap(year: int) -> bool:
    """Whether Esfand of ``year`` has 30 days."""
    return bool(jdatetime.date(year, 1, 1).isleap())


def _since_saturday(day: date) -> int:
    """Days since the last Saturday (0 on a Saturday); Python's Monday is 0."""
    return (day.weekday() + 2) % 7


class Jalali:
    """Solar Hijri months through jdatetime; weeks from Saturday, week 1 holds 1 Farvardin."""

    name = "jalali"
    max_year = JALALI_MAX_YEAR
    grammar = JALALI_GRAMMAR

    def month_start(self, index: int) -> date:
        year, month0 = divmod(index, 12)
        return jalali_to_date(year, month0 + 1, 1)

    def month_index(self, day: date) -> int:
        year, month, _ = _jalali(day)
        return year * 12 + month - 1

    def day(self, year: int, month: int, day: int) -> date:
        try:
            return jalali_to_date(year, month, day)
        except ValueError:
            raise ValueError(
                f"{year:04d}-{month:02d}-{day:02d} is not a day of the Jalali calendar"
                + _month_length_hint(year, month)
            ) from None

    def day_label(self, day: date) -> str:
        return "{:04d}-{:02d}-{:02d}".format(*_jalali(day))

    def _week_one(self, year: int) -> date:
        nowruz = jalali_to_date(year, 1, 1)
        return nowruz - timedelta(days=_since_saturday(nowruz))

    def week_start(self, year: int, week: int) -> date:
        return self._week_one(year) + timedelta(weeks=week - 1)

    def week_of(self, day: date) -> tuple[int, int]:
        saturday = day - timedelta(days=_since_saturday(day))
        year = _jalali(saturday + timedelta(days=6))[0]
        return year, (saturday - self._week_one(year)).days // 7 + 1

    def weeks_in(self, year: int) -> int:
        return (self._week_one(year + 1) - self._week_one(year)).days // 7

    def year_back(self, day: date) -> date:
        year, month, mday = _jalali(day)
        last = 30 if jalali_is_leap(year - 1) else 29
        same_day = min(mday, last) if month == 12 else mday  # Esfand
        return jalali_to_date(year - 1, month, same_day)

    def year_problem(self, year: int) -> str | None:
        return None  # a year past JALALI_MAX_YEAR is refused where "this year" is known


class YearOutOfRangeError(ValueError):
    """A typed Gregorian day whose year is outside ``GREGORIAN_YEARS``."""


def gregorian_year_problem(year: int) -> str | None:
    """Why a Gregorian year that a user typed cannot be meant, or None."""
    low, high = GREGORIAN_YEARS
    if low <= year <= high:
        return None
    problem = f"{year} is outside the Gregorian years crmkpi reads ({low}-{high})"
    if JALALI_LOOKALIKE[0] <= year <= JALALI_LOOKALIKE[1]:
        problem += (
            f"; {year} is a Jalali (Solar Hijri) year: add --calendar jalali "
            "(or calendar: jalali in the config)"
        )
    return problem


def _month_length_hint(year: int, month: int) -> str:
    """``" (Esfand 1404 has 29 days)"`` when the month exists, else nothing."""
    if not 1 <= month <= 12 or not 1 <= year <= JALALI_MAX_YEAR:
        return ""
    start = jalali_to_date(year, month, 1)
    end = jalali_to_date(year + month // 12, month % 12 + 1, 1)
    return f" ({JALALI_MONTHS[month - 1]} {year} has {(end - start).days} days)"


CALENDARS: dict[str, Calendar] = {"gregorian": Gregorian(), "jalali": Jalali()}


def day_label(day: date, calendar: str) -> str:
    """A day as its calendar writes it: ``2026-10-05`` or ``1405-07-13``."""
    return CALENDARS[calendar].day_label(day)


def month_names(calendar: str) -> tuple[str, ...]:
    """The calendar's month names in English (a locale translates them)."""
    return JALALI_MONTHS if calendar == "jalali" else GREGORIAN_MONTHS


def parse_day(text: str, calendar: str) -> date:
    """``YYYY-MM-DD`` in ``calendar``; under jalali a Gregorian ISO day (year ≥ 1700)
    is accepted as well, since an as-of day often comes from ``date -I``. A
    Gregorian day's year must be in ``GREGORIAN_YEARS``.

    Raises ``ValueError`` with the reason.
    """
    parts = text.strip().split("-")
    if [len(p) for p in parts] != [4, 2, 2] or not all(p.isascii() and p.isdigit() for p in parts):
        raise ValueError("expected YYYY-MM-DD")
    year, month, day = (int(p) for p in parts)
    if calendar == "jalali" and year <= JALALI_MAX_YEAR:
        return CALENDARS["jalali"].day(year, month, day)
    problem = gregorian_year_problem(year)
    if problem is not None:
        raise YearOutOfRangeError(problem)
    return date.fromisoformat(text.strip())
