# ruff: noqa: RUF002 - Persian examples in docstrings are the point
"""Days and periods as a report shows them, in its calendar and language.

A day is written in the report's calendar (``2026-10-05``, or ``1405-07-13``
under jalali) whatever the language; a language other than English writes it
with its own digits and date separator (``۱۴۰۵/۰۷/۱۳``).

A period is named from its canonical label (``periods.py``), so cohorts,
which carry only a label, are named the same way. Decisions where the issue
is silent:

- English keeps Gregorian labels as they are (``2026-10``, ``2026-Q3``): ISO
  is what the reader types after ``-p``, and the reviewed golden reports stay
  the same. A Jalali month is named (``Mehr 1405``), since few English readers
  know which month ``07`` is; other Jalali labels are kept.
- Other languages name every period: ``مهر ۱۴۰۵``, ``اکتبر ۲۰۲۶``,
  ``سه‌ماههٔ دوم ۱۴۰۵``, ``هفتهٔ ۳۵ ۱۴۰۵``, ``سال مالی ۱۴۰۵``, a day as a
  date, a range as ``۱۴۰۵/۰۷/۰۱ تا ۱۴۰۵/۰۷/۱۰``.
"""

from __future__ import annotations

import re
from datetime import date

from crmkpi.calendars import day_label, month_names
from crmkpi.render.i18n import N_, Messages

QUARTERS = (N_("Q1"), N_("Q2"), N_("Q3"), N_("Q4"))
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_YEAR = re.compile(r"(FY)?(\d{4})(?:-Q([1-4]))?")
_WEEK = re.compile(r"(\d{4})-W(\d{2})")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def day_text(day: date, calendar: str, tr: Messages) -> str:
    """``2026-10-05``; ``1405-07-13`` under jalali; ``۱۴۰۵/۰۷/۱۳`` in Persian."""
    return _written_day(day_label(day, calendar), tr)


def _written_day(label: str, tr: Messages) -> str:
    if tr.english:
        return label
    return tr.number(label.replace("-", tr.date_separator))


def span_text(first: date, last: date, calendar: str, tr: Messages) -> str:
    """``2026-10-01 – 2026-10-31`` (both ends included); one day: just the day."""
    if first == last:
        return day_text(first, calendar, tr)
    start, end = day_text(first, calendar, tr), day_text(last, calendar, tr)
    return tr("{first} – {last}", first=start, last=end)


def period_title(label: str, calendar: str, tr: Messages) -> str:
    """The period with canonical ``label`` as a reader names it (see the module)."""
    if tr.english and calendar == "gregorian":
        return label
    month = _MONTH.fullmatch(label)
    if month:
        name = month_names(calendar)[int(month[2]) - 1]
        return tr("{month} {year}", month=tr(name), year=tr.number(month[1]))
    if tr.english:
        return label
    return _named(label, tr)


def _named(label: str, tr: Messages) -> str:
    """A year, quarter, week, day or range label in a language other than English."""
    year = _YEAR.fullmatch(label)
    if year:
        return _year_title(year, tr)
    week = _WEEK.fullmatch(label)
    if week:
        return tr("week {week} of {year}", week=tr.number(int(week[2])), year=tr.number(week[1]))
    return _days_title(label, tr)


def _year_title(year: re.Match[str], tr: Messages) -> str:
    """``1405``, ``FY1405``, ``1405-Q2``, ``FY1405-Q2`` (groups: FY, year, quarter)."""
    number = tr.number(year[2])
    if not year[3]:
        return tr("FY{year}", year=number) if year[1] else number
    quarter = tr(QUARTERS[int(year[3]) - 1])
    if year[1]:
        return tr("{quarter} FY{year}", quarter=quarter, year=number)
    return tr("{quarter} {year}", quarter=quarter, year=number)


def _days_title(label: str, tr: Messages) -> str:
    """A day, or a range of days; any other label keeps its text (in the language's digits)."""
    if _DAY.fullmatch(label):
        return _written_day(label, tr)
    first, dots, last = label.partition("..")
    if dots and _DAY.fullmatch(first) and _DAY.fullmatch(last):
        return tr("{first} – {last}", first=_written_day(first, tr), last=_written_day(last, tr))
    return tr.number(label)
