"""Persian cell text as polars expressions: digits, letters, Jalali dates.

Iranian CRM exports (Didar and others, EXPORTS.md §8) write dates as Jalali text
(``1403/07/15``, also in Persian digits), numbers with Persian or Arabic-Indic
digits and the Arabic separators U+066C/U+066B, and labels with Arabic ``ي``/``ك``
and invisible direction marks. Everything here is vectorised (no Python per row)
and the Jalali calendar comes from jdatetime through a table of year starts,
so a column costs one lookup, not a Python call per row.

As in ``cells.py``, a parser returns null where the text does not parse, so a
bad cell is non-null text whose parsed value is null.
"""

from __future__ import annotations

from datetime import date
from functools import cache

import polars as pl

from crmkpi.calendars import JALALI_MAX_YEAR, jalali_to_date

INVISIBLE_MARKS = ("\u200c", "\u200e", "\u200f", "\u061c", "\ufeff")
"""Invisible characters that exports leave in cells: ZWNJ, LRM, RLM, ALM, BOM."""
ARABIC_LETTERS = {"\u064a": "\u06cc", "\u0643": "\u06a9"}
"""Arabic ي/ك → Persian ی/ک: keyboards and exporters write either."""
# INVISIBLE_MARKS plus the bidi embeddings/overrides/isolates some editors insert.
_MARKS = r"[\u200c\u200e\u200f\u061c\ufeff\u202a-\u202e\u2066-\u2069]"

_DIGITS: dict[str, str] = {
    **{chr(0x06F0 + i): str(i) for i in range(10)},  # Persian digits U+06F0–U+06F9
    **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic digits U+0660–U+0669
    "\u066c": ",",  # Arabic thousands separator
    "\u066b": ".",  # Arabic decimal separator
    **dict.fromkeys(INVISIBLE_MARKS, ""),
}

FIRST_YEAR = 1
LAST_YEAR = JALALI_MAX_YEAR  # Jalali years this table covers; the ones above read as Gregorian
GREGORIAN_FROM = JALALI_MAX_YEAR + 1  # a "Jalali" year this large is Gregorian (1700 AP = 2321 CE)

_DATE = r"[0-9]{4}/[0-9]{1,2}/[0-9]{1,2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
_TIME = r"[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?"
_DATE_FIRST = rf"^({_DATE})(?:[ T]({_TIME}))?$"
_TIME_FIRST = rf"^({_TIME}) ({_DATE})$"
_YMD = r"^([0-9]{4})[/-]([0-9]{1,2})[/-]([0-9]{1,2})$"
_HMS = r"^([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?$"


def to_ascii_digits(text: pl.Expr) -> pl.Expr:
    """Persian and Arabic-Indic digits → ``0``–``9``, U+066C → ``,``, U+066B → ``.``;
    ZWNJ, LRM, RLM, ALM and BOM dropped. Run it before any number or date parse
    (EXPORTS.md "What a preset must do", 7); other text is left as it is."""
    return text.str.replace_many(_DIGITS)


def normalise_persian_text(text: pl.Expr) -> pl.Expr:
    """The form in which Persian labels compare (``موفق``, ``ناموفق``, ``جاری``):
    Arabic ``ي``/``ك`` → Persian ``ی``/``ک``, ASCII digits, no ZWNJ or direction
    marks, whitespace runs as one space, trimmed. Keyboards and exporters
    differ only in these, so two spellings of one label become equal."""
    text = to_ascii_digits(text).str.replace_many(ARABIC_LETTERS).str.replace_all(_MARKS, "")
    return text.str.replace_all(r"\s+", " ").str.strip_chars()


_F = pl.field


def _let(**fields: pl.Expr) -> pl.Expr:
    """A struct of ``fields``, so that later steps (``with_fields``, ``_within``)
    use each as ``pl.field(name)``: computed once.

    Polars copies an expression at every use, so a value used in several places
    (a year parsed from text, then used ~40 times by the calendar arithmetic)
    multiplies the plan: without this, a parse took seconds per column."""
    return pl.struct([expr.alias(name) for name, expr in fields.items()])


def _within(struct: pl.Expr, value: pl.Expr) -> pl.Expr:
    """``value`` computed with ``pl.field`` naming the fields of ``struct``."""
    return struct.struct.with_fields(_value=value).struct.field("_value")


@cache
def _nowruz_table() -> tuple[list[int], list[date]]:
    """Jalali years ``FIRST_YEAR``..``LAST_YEAR + 1`` and the Gregorian date of
    their 1 Farvardin, from jdatetime (the calendar's leap years are
    astronomical; a library keeps them right, not a cycle of ours). Built once,
    on first use: 1,700 conversions, about a millisecond each thousand."""
    years = list(range(FIRST_YEAR, LAST_YEAR + 2))
    return years, [jalali_to_date(y, 1, 1) for y in years]


def _nowruz(jy: pl.Expr) -> pl.Expr:
    """The Gregorian date of 1 Farvardin of Jalali year ``jy`` (null outside the
    table): a lookup, so a column of any length costs one hash join."""
    years, days = _nowruz_table()
    return jy.replace_strict(years, days, default=None, return_dtype=pl.Date)


def jalali_to_gregorian(year: pl.Expr, month: pl.Expr, day: pl.Expr) -> pl.Expr:
    """The Gregorian ``pl.Date`` of a Jalali date, or null when there is no such
    date: month outside 1–12, day outside the month (1–6: 31 days, 7–11: 30,
    Esfand 29, or 30 in a leap year), year outside ``FIRST_YEAR``–``LAST_YEAR``.

    Year starts come from jdatetime (``_nowruz_table``); the month arithmetic
    is the calendar's fixed month lengths. Tests check every day of 1300–1500 AP
    against jdatetime and against a plain 33-year-rule day count."""
    y, m, d = (e.cast(pl.Int64, strict=False) for e in (year, month, day))
    parts = _let(y=pl.when(y.is_between(FIRST_YEAR, LAST_YEAR)).then(y), m=m, d=d)
    parts = parts.struct.with_fields(start=_nowruz(_F("y")), next=_nowruz(_F("y") + 1))
    start, m, d = _F("start"), _F("m"), _F("d")
    esfand = (_F("next") - start).dt.total_days() - 336
    month_length = pl.when(m <= 6).then(31).when(m <= 11).then(30).otherwise(esfand)
    valid = m.is_between(1, 12) & d.is_between(1, month_length)
    offset = (m - 1) * 31 - m // 7 * (m - 7) + d - 1
    return _within(parts, start + pl.duration(days=pl.when(valid).then(offset)))


def _numbers(text: pl.Expr, pattern: str, count: int) -> list[pl.Expr]:
    """The ``count`` capture groups of ``pattern`` in ``text`` as Int64 (or null)."""
    groups = text.str.extract_groups(pattern)
    return [groups.struct.field(str(i)).cast(pl.Int64) for i in range(1, count + 1)]


def _parts(text: pl.Expr) -> pl.Expr:
    """A struct of Jalali text's parts: ``date_text`` and ``time_text`` (null
    when the layout is not ``date[ time]`` or ``time date``), ``day`` (pl.Date,
    null for a Gregorian-looking year) and ``clock`` (time of day as a duration,
    null when absent or not a time: hours 0–23, minutes and seconds 0–59)."""
    clean = to_ascii_digits(text).str.replace_all(_MARKS, "").str.replace_all(r"\s+", " ")
    c = _F("clean")
    texts = _let(clean=clean.str.strip_chars()).struct.with_fields(
        date_text=pl.coalesce(c.str.extract(_DATE_FIRST, 1), c.str.extract(_TIME_FIRST, 2)),
        time_text=pl.coalesce(c.str.extract(_DATE_FIRST, 2), c.str.extract(_TIME_FIRST, 1)),
    )
    year, month, day = _numbers(_F("date_text"), _YMD, 3)
    hour, minute, second = _numbers(_F("time_text"), _HMS, 3)
    second = second.fill_null(0)
    valid = (hour <= 23) & (minute <= 59) & (second <= 59)
    return texts.struct.with_fields(
        year=year,
        day=pl.when(~looks_gregorian(year)).then(jalali_to_gregorian(year, month, day)),
        clock=pl.when(valid).then(pl.duration(hours=hour, minutes=minute, seconds=second)),
    )


def extract_year(text: pl.Expr) -> pl.Expr:
    """The year of Jalali-shaped date text (any digits, any accepted layout) as
    Int64, or null. Feed it to ``looks_gregorian`` to explain a null date."""
    return _parts(text).struct.field("year")


def parse_jalali_date(text: pl.Expr) -> pl.Expr:
    """A ``pl.Date`` from Jalali text: ``1403/07/15``, ``1403/7/5``, ``1403-07-15``,
    Persian or Arabic-Indic digits, an optional time before or after (ignored
    here, but it must be a valid time). Null when it does not parse, names no
    Jalali day, or has a year ≥ ``GREGORIAN_FROM`` (see ``looks_gregorian``)."""
    time_ok = _F("time_text").is_null() | _F("clock").is_not_null()
    return _within(_parts(text), pl.when(time_ok).then(_F("day")))


def parse_jalali_datetime(text: pl.Expr, timezone: str, zone: str | None = None) -> pl.Expr:
    """An instant (``pl.Datetime("us", zone or timezone)``) from Jalali text
    with an optional ``HH:MM[:SS]`` before or after the date. Null where
    ``parse_jalali_date`` is null.

    A written time is a wall time of ``timezone`` (callers pass the source
    zone; for Iranian CRMs ``Asia/Tehran``, which kept DST until 2022),
    converted to ``zone`` (the report's). As in ``cells.py``, a written time
    in a spring gap is null and a repeated autumn hour takes the earlier
    instant. A date alone is its day's first instant in ``zone``, so its day
    never shifts: 00:00, or 01:00 where the clocks skipped midnight (Tehran on
    the first day of DST, e.g. 1400/01/02), since the date itself is valid."""
    zone = zone or timezone

    def local(naive: pl.Expr, where: str) -> pl.Expr:
        return naive.dt.replace_time_zone(where, ambiguous="earliest", non_existent="null")

    midnight = _F("day").cast(pl.Datetime("us"))
    day_start = pl.coalesce(local(midnight, zone), local(midnight + pl.duration(hours=1), zone))
    written = local(midnight + _F("clock"), timezone)
    if zone != timezone:
        written = written.dt.convert_time_zone(zone)
    return _within(
        _parts(text), pl.when(_F("time_text").is_null()).then(day_start).otherwise(written)
    )


def parse_jalali_day(text: pl.Expr, timezone: str, zone: str) -> pl.Expr:
    """The date of Jalali text in ``zone`` (the report's). A date alone is the
    date written; a date with a time is an instant (a wall time of
    ``timezone``, the source's) and gives its date in ``zone``. A wall time
    that never happened (a spring gap) keeps the date it is written on."""
    day = parse_jalali_date(text)
    if zone == timezone:  # the same clock: a wall time's date is its instant's
        return day
    return pl.coalesce(parse_jalali_datetime(text, timezone, zone).dt.date(), day)


def looks_gregorian(year: pl.Expr) -> pl.Expr:
    """True where a year read from a column declared Jalali is ≥ 1700, so is
    surely Gregorian (``2024/10/06``): Jalali 1700 is 2321 CE, while CRM data
    spans roughly 1380–1420 AP. The parsers return null for such years rather
    than a date three centuries out; the caller uses this (with ``extract_year``)
    to say "Gregorian date in a Jalali column" instead of "not a date"."""
    return year.cast(pl.Int64, strict=False) >= GREGORIAN_FROM


# The shape of a Jalali date-time as Didar writes it (``1403/07/15 14:30``,
# in Persian or ASCII digits): a date of fixed width and a space, then a time
# (``cells.py`` reads each part once per distinct value).
_DAY_AND_SPACE = r"^[0-9]{4}/[0-9]{2}/[0-9]{2} $"


def shaped_jalali_day(text: pl.Expr) -> pl.Expr:
    """The date of ``1403/07/15 `` (a date and the space after it), or null."""
    ascii_text = to_ascii_digits(text)
    day = parse_jalali_date(ascii_text.str.strip_suffix(" "))
    return pl.when(ascii_text.str.contains(_DAY_AND_SPACE)).then(day)


def jalali_clock(text: pl.Expr) -> pl.Expr:
    """``14:30`` or ``14:30:05`` as a duration (``_parts``' clock), or null."""
    hour, minute, second = _numbers(to_ascii_digits(text), _HMS, 3)
    second = second.fill_null(0)
    valid = (hour <= 23) & (minute <= 59) & (second <= 59)
    clock = pl.duration(hours=hour, minutes=minute, seconds=second, time_unit="us")
    return pl.when(valid).then(clock)
