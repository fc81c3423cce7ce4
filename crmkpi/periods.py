"""Periods: the grammar of ``--period``, partial periods and comparison periods.

A ``Period`` is half-open, ``[start, end)``; ``last_day`` is the inclusive last
day that JSON shows as ``end``. Everything here is pure: the as-of day is always
passed in. Calendar arithmetic goes through a ``Calendar`` (``calendars.py``:
Gregorian, or Jalali through jdatetime), so the grammar and the comparison
rules are the same in both: ``1405-Q2`` is to Jalali what ``2026-Q3`` is to
Gregorian, and ``previous``/``year_ago``/fiscal years follow Jalali months.

Decisions where SPEC.md is silent:

- ``fiscal_year_start`` on a ``Period`` is the month its year starts in: the
  configured month for fiscal years and quarters (``FY…`` forms and the relative
  year and quarter forms), 1 for everything else (calendar years and quarters,
  months, weeks, days, ranges), whose bounds do not depend on it. So equal
  periods compare equal whatever the config, and ``previous``/``year_ago`` stay
  fiscal exactly when the period is fiscal.
- With ``fiscal_year_start`` 1, ``FY2026`` and ``FY2026-Q1`` are the calendar
  year and quarter and carry the calendar labels ``2026`` and ``2026-Q1``: one
  period, one canonical name. ``FY`` labels appear only when the fiscal year
  differs from the calendar year.
- Years are written with four digits (``2026``); only ASCII digits are read.
  A typed Gregorian year must be within 1900-2200 (``calendars.py``).
  Months and days need two digits (``2026-3`` is rejected), weeks one or two
  (``2026-W5`` is ``2026-W05``). Spaces around ``..`` in a range are allowed.
- A range of one day keeps grain ``range``. ``today``, ``yesterday`` and
  ``last-Nd`` end on or before the as-of day and so are never partial;
  ``this-week`` is cut at the as-of day like the other ``this-*`` forms.
- ``year_ago`` of a year, quarter or month (calendar or fiscal) is the one 12
  months earlier. A range shifted back a year may lose a day (29 Feb → 28 Feb);
  that is not a cut, so it is not partial.
- A comparison of a partial period keeps the label of the whole comparison
  period (for a range: the label of the full range of the same length).
- Text that names no period, or an impossible one (``2026-02-30``,
  ``2025-W53``, a range ending before it starts), is a ``UsageError`` that
  quotes the text and shows the calendar's grammar. A period starting after the
  as-of day is a ``UsageError`` naming both days (the text itself was fine).
  A comparison or trend period before year 1 is a ``UsageError`` too.
- ``cut`` with fewer than one day and ``trend_periods`` with a negative count
  are programming errors (``ValueError``); ``trend_periods(p, 0)`` is empty.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Literal

from crmkpi.calendars import CALENDARS, Calendar
from crmkpi.errors import UsageError

Grain = Literal["year", "quarter", "month", "week", "day", "range"]

_DAY = timedelta(days=1)
_MONTHS: dict[str, int] = {"year": 12, "quarter": 3, "month": 1}


@dataclass(frozen=True, slots=True)
class Period:
    """A half-open span of days ``[start, end)`` with its canonical ``label``.

    ``partial`` is true exactly when the period was cut short (at the as-of day,
    or as the comparison of a partial period); ``full_end`` is then the exclusive
    end of the uncut period (``None`` means "same as ``end``").
    """

    label: str
    start: date
    end: date
    grain: Grain
    partial: bool = False
    full_end: date | None = None
    fiscal_year_start: int = 1
    calendar: str = "gregorian"

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"period {self.label} is empty: end {self.end} <= start {self.start}")
        if self.full_end is not None and self.full_end < self.end:
            raise ValueError(f"period {self.label}: full_end {self.full_end} before end {self.end}")

    @property
    def last_day(self) -> date:
        """The inclusive last day covered (what JSON writes as ``end``)."""
        return self.end - _DAY

    @property
    def days(self) -> int:
        """Number of days covered, after any cut."""
        return (self.end - self.start).days


def _calendar(name: str) -> Calendar:
    try:
        return CALENDARS[name]
    except KeyError:
        known = ", ".join(sorted(CALENDARS))
        raise UsageError(f"calendar '{name}' is not supported (expected {known})") from None


# --- building whole periods ------------------------------------------------


def _months_label(grain: str, first: int, fys: int) -> str:
    """Canonical label of the months-based period starting at month index ``first``."""
    if grain == "month":
        year, month0 = divmod(first, 12)
        return f"{year:04d}-{month0 + 1:02d}"
    prefix = "FY" if fys != 1 else ""
    year, rest = divmod(first - (fys - 1), 12)
    return f"{prefix}{year:04d}" if grain == "year" else f"{prefix}{year:04d}-Q{rest // 3 + 1}"


def _months_period(cal: Calendar, grain: Grain, first: int, fys: int) -> Period:
    end = cal.month_start(first + _MONTHS[grain])
    label = _months_label(grain, first, fys)
    return Period(label, cal.month_start(first), end, grain, False, None, fys, cal.name)


def _week_period(cal: Calendar, start: date) -> Period:
    year, week = cal.week_of(start)
    label = f"{year:04d}-W{week:02d}"
    return Period(label, start, start + timedelta(weeks=1), "week", calendar=cal.name)


def _day_period(cal: Calendar, day: date) -> Period:
    return Period(cal.day_label(day), day, day + _DAY, "day", calendar=cal.name)


def _range_period(cal: Calendar, first: date, last: date) -> Period:
    """Inclusive ``first..last``, labelled by those two days."""
    if last < first:
        raise ValueError("the range ends before it starts")
    label = f"{cal.day_label(first)}..{cal.day_label(last)}"
    return Period(label, first, last + _DAY, "range", calendar=cal.name)


def _step(cal: Calendar, p: Period, k: int) -> Period:
    """The whole period ``k`` steps of ``p``'s grain away (a range steps by its length)."""
    match p.grain:
        case "week":
            return _week_period(cal, p.start + timedelta(weeks=k))
        case "day":
            return _day_period(cal, p.start + timedelta(days=k))
        case "range":
            shift = timedelta(days=k * p.days)
            return _range_period(cal, p.start + shift, p.last_day + shift)
        case _:
            first = cal.month_index(p.start) + k * _MONTHS[p.grain]
            return _months_period(cal, p.grain, first, p.fiscal_year_start)


def _year_back(cal: Calendar, p: Period) -> Period:
    """The whole period one year before the whole period ``p``."""
    match p.grain:
        case "week":
            year, week = cal.week_of(p.start)
            week = min(week, cal.weeks_in(year - 1))
            return _week_period(cal, cal.week_start(year - 1, week))
        case "day":
            return _day_period(cal, cal.year_back(p.start))
        case "range":
            return _range_period(cal, cal.year_back(p.start), cal.year_back(p.last_day))
        case _:
            first = cal.month_index(p.start) - 12
            return _months_period(cal, p.grain, first, p.fiscal_year_start)


def _whole(p: Period) -> Period:
    """``p`` before any cut."""
    if not p.partial and p.full_end is None:
        return p
    return replace(p, end=p.full_end or p.end, partial=False, full_end=None)


# --- parsing ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Context:
    cal: Calendar
    as_of: date
    fys: int


def _containing(c: _Context, grain: Grain) -> Period:
    """The whole period of ``grain`` that holds the as-of day (fiscal for year/quarter)."""
    if grain == "day":
        return _day_period(c.cal, c.as_of)
    if grain == "week":
        return _week_period(c.cal, c.cal.week_start(*c.cal.week_of(c.as_of)))
    fys = 1 if grain == "month" else c.fys
    index = c.cal.month_index(c.as_of)
    first = index - (index - (fys - 1)) % _MONTHS[grain]
    return _months_period(c.cal, grain, first, fys)


_RELATIVE: dict[str, tuple[Grain, int]] = {
    "today": ("day", 0),
    "yesterday": ("day", -1),
    "this-week": ("week", 0),
    "last-week": ("week", -1),
    "this-month": ("month", 0),
    "mtd": ("month", 0),
    "last-month": ("month", -1),
    "this-quarter": ("quarter", 0),
    "qtd": ("quarter", 0),
    "last-quarter": ("quarter", -1),
    "this-year": ("year", 0),
    "ytd": ("year", 0),
    "last-year": ("year", -1),
}


def _number(text: str, low: int, high: int, what: str) -> int:
    value = int(text)
    if not low <= value <= high:
        raise ValueError(f"there is no {what} {text} (expected {low}-{high})")
    return value


def _year(text: str, c: _Context) -> int:
    """A year of the context's calendar: a Gregorian year under jalali is refused,
    and so is a Gregorian year outside 1900-2200 (``calendars.GREGORIAN_YEARS``)."""
    year = int(text)
    if year > c.cal.max_year:
        now = c.cal.month_index(c.as_of) // 12
        raise ValueError(
            f"{year} is not a year of the {c.cal.name} calendar (this year is {now}); "
            "periods follow the config's `calendar` (or --calendar)"
        )
    problem = c.cal.year_problem(year)
    if problem is not None:
        raise ValueError(problem)
    return year


def _day(c: _Context, year: str, month: str, day: str) -> date:
    return c.cal.day(_year(year, c), int(month), int(day))


def _parse_year(m: re.Match[str], c: _Context) -> Period:
    fys = c.fys if m[1] else 1
    return _months_period(c.cal, "year", _year(m[2], c) * 12 + fys - 1, fys)


def _parse_quarter(m: re.Match[str], c: _Context) -> Period:
    fys, quarter = (c.fys if m[1] else 1), _number(m[3], 1, 4, "quarter")
    first = _year(m[2], c) * 12 + fys - 1 + 3 * (quarter - 1)
    return _months_period(c.cal, "quarter", first, fys)


def _parse_month(m: re.Match[str], c: _Context) -> Period:
    month = _number(m[2], 1, 12, "month")
    return _months_period(c.cal, "month", _year(m[1], c) * 12 + month - 1, 1)


def _parse_week(m: re.Match[str], c: _Context) -> Period:
    year, week = _year(m[1], c), int(m[2])
    weeks = c.cal.weeks_in(year)
    if not 1 <= week <= weeks:
        raise ValueError(f"{year:04d} has no week {week} (it has weeks 1-{weeks})")
    return _week_period(c.cal, c.cal.week_start(year, week))


def _parse_day(m: re.Match[str], c: _Context) -> Period:
    return _day_period(c.cal, _day(c, m[1], m[2], m[3]))


def _parse_range(m: re.Match[str], c: _Context) -> Period:
    first, last = _day(c, m[1], m[2], m[3]), _day(c, m[4], m[5], m[6])
    return _range_period(c.cal, first, last)


def _parse_last_days(m: re.Match[str], c: _Context) -> Period:
    days = int(m[1])
    if days < 1:
        raise ValueError("last-<N>d needs N of at least 1")
    return _range_period(c.cal, c.as_of - timedelta(days=days - 1), c.as_of)


_YMD = r"([0-9]{4})-([0-9]{2})-([0-9]{2})"
_FORMS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str], _Context], Period]], ...] = (
    (re.compile(r"(fy)?([0-9]{4})"), _parse_year),
    (re.compile(r"(fy)?([0-9]{4})-q([0-9])"), _parse_quarter),
    (re.compile(r"([0-9]{4})-([0-9]{2})"), _parse_month),
    (re.compile(r"([0-9]{4})-w([0-9]{1,2})"), _parse_week),
    (re.compile(_YMD), _parse_day),
    (re.compile(rf"{_YMD}\s*\.\.\s*{_YMD}"), _parse_range),
    (re.compile(r"last-([0-9]+)d"), _parse_last_days),
)


def _whole_period(text: str, c: _Context) -> Period | None:
    """The uncut period ``text`` names, or ``None`` when it follows no form."""
    if text in _RELATIVE:
        grain, offset = _RELATIVE[text]
        return _step(c.cal, _containing(c, grain), offset)
    for pattern, build in _FORMS:
        if match := pattern.fullmatch(text):
            return build(match, c)
    return None


def _clip(cal: Calendar, p: Period, as_of: date) -> Period:
    """Cut ``p`` at the as-of day; a period that has not started yet is an error."""
    if p.start > as_of:
        raise UsageError(
            f"period {p.label} starts on {cal.day_label(p.start)}, after the as-of day "
            f"{cal.day_label(as_of)}; choose an earlier period or a later as-of day"
        )
    return cut(p, (as_of - p.start).days + 1)


def parse_period(
    text: str, as_of: date, *, fiscal_year_start: int = 1, calendar: str = "gregorian"
) -> Period:
    """The period ``text`` names, as seen on ``as_of`` (cut there if it runs past it).

    Raises ``UsageError`` for an unknown calendar, a ``fiscal_year_start`` outside
    1..12, text that names no real period, and a period starting after ``as_of``.
    """
    cal = _calendar(calendar)
    if not 1 <= fiscal_year_start <= 12:
        raise UsageError(f"fiscal_year_start must be a month 1-12, not {fiscal_year_start}")
    shown = text.strip()
    try:
        whole = _whole_period(shown.lower(), _Context(cal, as_of, fiscal_year_start))
    except (ValueError, OverflowError) as exc:
        raise UsageError(f'"{shown}" is not a period: {exc}.\n\n{cal.grammar}') from exc
    if whole is None:
        raise UsageError(f'"{shown}" is not a period.\n\n{cal.grammar}')
    return _clip(cal, whole, as_of)


# --- comparisons -----------------------------------------------------------


@contextmanager
def _in_date_range(p: Period, what: str) -> Iterator[None]:
    """Turn date overflow (before year 1, after 9999) into a ``UsageError``."""
    try:
        yield
    except (ValueError, OverflowError) as exc:
        raise UsageError(f"period {p.label} has no {what} within the calendar's years") from exc


def cut(p: Period, days: int) -> Period:
    """The first ``min(days, p.days)`` days of ``p``, keeping its label.

    ``partial`` becomes true only if this actually shortens ``p``; ``full_end``
    keeps pointing at the end of the whole period.
    """
    if days < 1:
        raise ValueError(f"cannot cut a period to {days} days")
    if days >= p.days:
        return p
    return replace(
        p, end=p.start + timedelta(days=days), partial=True, full_end=p.full_end or p.end
    )


def _compare(p: Period, shift: Callable[[Calendar, Period], Period], what: str) -> Period:
    """Shift the whole of ``p``, then apply the min(n, length) rule of a partial period."""
    cal = _calendar(p.calendar)
    with _in_date_range(p, what):
        other = shift(cal, _whole(p))
    return cut(other, p.days) if p.partial else other


def previous(p: Period) -> Period:
    """The same-grain period just before ``p`` (a range: as many days just before)."""
    return _compare(p, lambda cal, whole: _step(cal, whole, -1), "previous period")


def year_ago(p: Period) -> Period:
    """The same period one year earlier (same ISO week number, W53 → W52; 29 Feb → 28 Feb)."""
    return _compare(p, _year_back, "year-ago period")


def trend_periods(p: Period, n: int) -> tuple[Period, ...]:
    """The ``n`` periods of ``p``'s grain ending with ``p``, oldest first.

    Only ``p`` itself may be partial: the earlier ones are whole, as a sparkline
    shows complete periods before the current one.
    """
    if n < 0:
        raise ValueError(f"a trend needs a count of at least 0, not {n}")
    if n == 0:
        return ()
    cal, whole = _calendar(p.calendar), _whole(p)
    with _in_date_range(p, "trend"):
        earlier = [_step(cal, whole, -k) for k in range(n - 1, 0, -1)]
    return (*earlier, p)
