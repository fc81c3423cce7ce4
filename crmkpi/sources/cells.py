"""Text cells to typed values, as polars expressions (SCHEMA.md "Types").

Each parser takes an expression of *cleaned* text (trimmed, missing tokens
already null) and returns the typed value, null where the text does not parse.
A cell is bad exactly when its cleaned text is non-null and its typed value is
null; ``schema.py`` turns those into Problems.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from functools import partial

import polars as pl

from crmkpi.currencies import CODES, SIGNS
from crmkpi.sources.fallback import Parser, Shape, always, cells_reader, each_distinct
from crmkpi.sources.persian import (
    ARABIC_LETTERS,
    INVISIBLE_MARKS,
    jalali_clock,
    parse_jalali_datetime,
    parse_jalali_day,
    shaped_jalali_day,
    to_ascii_digits,
)

# ISO date, optional time (T or space, seconds and fraction optional), optional offset.
_ISO = (
    r"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$"
)
_EXCEL_EPOCH = date(1899, 12, 30)
_SERIAL = r"^\d{1,6}(\.\d+)?$"
# A currency sign, word or code may stand before or after the number (after
# its sign), nothing else: the text there must be one of these, or 3 letters
# that are an ISO code; other words (mln, TSD, pcs, abc) make it no amount.
_SIGN_CODES = {sign: codes[0] if len(codes) == 1 else sign for sign, codes in SIGNS.items()}
_CODE_LIST = sorted(CODES)
# A cell that may name a currency: a letter, a sign, anything not ASCII.
_MAYBE_TOKEN = r"[^0-9.,+\-\s\x00-\x23\x25-\x40\x5b-\x60\x7b-\x7f]"
_LEAD, _NAMED, _ONE, _BARE = "lead", "named", "one", "bare"
_BEFORE = pl.col(_BARE).str.extract(r"^([^0-9.,+\-]*)", 1)  # after the number's sign
_AFTER = pl.col(_BARE).str.extract(r"([^0-9.,]*)$", 1)
_POINT_NUMBER = r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?$"
_COMMA_NUMBER = r"^[+-]?(\d{1,3}([. \u00a0\u202f]\d{3})+|\d+)?(,\d+)?$"
_SCIENTIFIC = r"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$"

MAX_OFFSET_MINUTES = 14 * 60
"""UTC offsets run from -12:00 to +14:00; one beyond ±14:00 is a typo, never a zone."""
DATE_EXPECTED = "a date like 2026-10-05"
DATETIME_EXPECTED = "a date-time like 2026-10-05T14:30:00 or 2026-10-05 14:30+02:00"


@dataclass(frozen=True, slots=True)
class CellRules:
    """How a source writes its cells: the zone its naive times are local to
    (``timezone``), extra date formats (tried in order after ISO), the decimal
    mark, whether it is a workbook (Excel serial dates), and a factor applied
    to amounts (e.g. 0.1 for Rial → Toman). ``report_zone`` is the zone every
    instant is converted to before its day is taken (None: ``timezone``)."""

    timezone: str = "UTC"
    date_format: tuple[str, ...] = ()
    decimal: str = "."
    excel: bool = False
    amount_factor: float = 1.0
    calendar: str = "gregorian"
    report_zone: str | None = None

    @property
    def persian(self) -> bool:
        """A Jalali source writes Persian digits too (EXPORTS.md §8)."""
        return self.calendar == "jalali"

    @property
    def zone(self) -> str:
        """The zone parsed instants are in, and the dates of date-times taken in."""
        return self.report_zone or self.timezone


def _parts(text: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr, pl.Expr]:
    """(day text, naive datetime, offset in minutes or null, whether a time
    or an offset is written) of ISO text."""
    groups = text.str.extract_groups(_ISO)
    day = groups.struct.field("1")
    stamp = pl.concat_str(
        day,
        pl.lit("T"),
        groups.struct.field("2").fill_null("0").str.zfill(2),
        pl.lit(":"),
        groups.struct.field("3").fill_null("00"),
        pl.lit(":"),
        groups.struct.field("4").fill_null("00"),
    )
    naive = stamp.str.to_datetime("%Y-%m-%dT%H:%M:%S", strict=False, time_unit="us", cache=False)
    written = groups.struct.field("5")
    offset_text = written.str.replace("Z", "+00:00").str.replace(":", "")
    sign = pl.when(offset_text.str.starts_with("-")).then(-1).otherwise(1)
    hours = offset_text.str.slice(1, 2).cast(pl.Int64, strict=False)
    mins = offset_text.str.slice(3, 2).cast(pl.Int64, strict=False)
    minutes = (hours * 60 + mins) * sign
    timed = groups.struct.field("2").is_not_null() | minutes.is_not_null()
    # An offset no clock has (+99:99, +24:00): the cell is no date-time at all.
    real = written.is_null() | ((mins < 60) & (minutes.abs() <= MAX_OFFSET_MINUTES))
    return day, pl.when(real).then(naive), minutes, timed


def _excel_serial(text: pl.Expr) -> pl.Expr:
    """Days since 1899-12-30 as a naive datetime (Excel's serial dates)."""
    serial = pl.when(text.str.contains(_SERIAL)).then(text.cast(pl.Float64, strict=False))
    micros = (serial * 86_400_000_000).round(0).cast(pl.Int64)
    return pl.lit(_EXCEL_EPOCH).cast(pl.Datetime("us")) + pl.duration(microseconds=micros)


def _localise(naive: pl.Expr, offset_minutes: pl.Expr, timed: pl.Expr, rules: CellRules) -> pl.Expr:
    """Instants in ``rules.zone``: an offset time keeps its instant; a naive
    cell is read as ``_instant`` reads it."""
    from_offset = _from_utc(naive - pl.duration(minutes=offset_minutes.fill_null(0)), rules)
    instant = _instant(naive, timed, rules)
    return pl.when(offset_minutes.is_not_null()).then(from_offset).otherwise(instant)


def _from_utc(naive: pl.Expr, rules: CellRules) -> pl.Expr:
    """UTC wall times as instants in ``rules.zone``."""
    return naive.dt.replace_time_zone("UTC").dt.convert_time_zone(rules.zone)


def _instant(naive: pl.Expr, timed: pl.Expr, rules: CellRules) -> pl.Expr:
    """A naive cell as an instant in ``rules.zone``. A date-time (``timed``)
    is a wall time of the source's zone (``rules.timezone``; a DST gap gives
    null: a data error; a DST fold takes the earlier instant); a date alone
    is its day's first instant in ``rules.zone``, so its day never shifts."""
    local = _local(naive, rules)
    if rules.zone == rules.timezone:
        return local
    start = naive.dt.replace_time_zone(rules.zone, ambiguous="earliest", non_existent="null")
    return pl.when(timed).then(local).otherwise(start)


def _local(naive: pl.Expr, rules: CellRules) -> pl.Expr:
    """Wall times of the source's zone as instants in ``rules.zone``."""
    local = naive.dt.replace_time_zone(rules.timezone, ambiguous="earliest", non_existent="null")
    return local if rules.zone == rules.timezone else local.dt.convert_time_zone(rules.zone)


def _day(naive: pl.Expr, timed: pl.Expr, rules: CellRules) -> pl.Expr:
    """The date of a naive cell in ``rules.zone``: a date-time's is the date of
    its instant, a date alone never shifts. A wall time that never happened
    (a DST gap) keeps the date it is written on."""
    written = naive.dt.date()
    if rules.zone == rules.timezone:  # the same clock: a wall time's date is its instant's
        return written
    return pl.coalesce(_instant(naive, timed, rules).dt.date(), written)


def _has_time(fmt: str) -> bool:
    return any(part in fmt for part in ("%H", "%I", "%M", "%S", "%T", "%R"))


def _fraction(text: pl.Expr) -> pl.Expr:
    """An Excel serial with a time of day (a fraction that is not zero)."""
    return text.str.contains(r"\.[0-9]*[1-9]")


def parse_datetime(text: pl.Expr, rules: CellRules) -> pl.Expr:
    """An instant in ``rules.zone`` (tz-aware), or null: an offset keeps its
    instant, a naive time is local to ``rules.timezone`` (the source's zone).
    A Jalali source's cells are Jalali local times; Gregorian ISO cells (years
    from 1700, as an API writes them) are still read, since no Jalali year is
    that large."""
    return datetime_parser(rules)(text)


def datetime_parser(rules: CellRules) -> Parser:
    """A source's date-times: the shapes exports write them in (``_shapes``),
    then every accepted form."""
    dtype = pl.Datetime("us", rules.zone)
    if rules.persian:  # times are mostly distinct: no mapping table (see each_distinct)
        return Parser(
            always(partial(jalali_datetime_shape, timezone=rules.timezone, zone=rules.zone)),
            partial(_any_jalali_datetime, rules=rules),
            dtype,
            whole=True,
        )
    return Parser(always(*_shapes(rules, day=False)), partial(_any_datetime, rules=rules), dtype)


def _any_jalali_datetime(text: pl.Expr, rules: CellRules) -> pl.Expr:
    text = to_ascii_digits(text)
    jalali = parse_jalali_datetime(text, rules.timezone, rules.zone)
    return pl.coalesce(jalali, _any_datetime(text, replace(rules, calendar="gregorian")))


# The shapes of date-times that exports write (Zendesk, HubSpot, Salesforce,
# APIs), each read by one polars format. The digits are checked by the shape:
# polars' ``%m`` takes ``1`` and ``%Y`` takes ``+2026``, which ISO does not.
_YMD = "[0-9]{4}-[0-9]{2}-[0-9]{2}"
_HM = "[0-9]{2}:[0-9]{2}"
_WALL_TIMES = (  # (shape, format) of a wall time of the source's zone
    (rf"^{_YMD}T{_HM}:[0-9]{{2}}$", "%Y-%m-%dT%H:%M:%S"),  # APIs, our sample
    (rf"^{_YMD} {_HM}:[0-9]{{2}}$", "%Y-%m-%d %H:%M:%S"),  # Zendesk
    (rf"^{_YMD} {_HM}$", "%Y-%m-%d %H:%M"),  # HubSpot
    (rf"^{_YMD}T{_HM}$", "%Y-%m-%dT%H:%M"),
)
# An instant: UTC (Salesforce: 2026-10-05T09:00:00.000Z) or with an offset; a
# fraction of a second is dropped, as the general parser drops it.
_UTC = rf"^{_YMD}T{_HM}:[0-9]{{2}}(\.[0-9]+)?Z$"
_OFFSET = rf"^{_YMD}T{_HM}:[0-9]{{2}}(\.[0-9]+)?[+-]{_HM}$"
# A cell that the general parser reads as ISO first (so never by a declared
# format), or that is not its own cleaned text: no declared format's shape.
_NOT_FORMATTED = r"^\s|\s$|^\d{4}-\d{2}-\d{2}"


def _shapes(rules: CellRules, day: bool) -> tuple[Shape, ...]:
    """The shapes of a Gregorian source's date-times (``day``: as the date of
    a date column, ``_any_date``'s; else as instants, ``_any_datetime``'s):
    the ISO forms above, then each declared ``date_format``."""
    shapes: list[Shape] = [_iso_date_shape] if day else []
    shapes.extend(
        partial(_wall_time, shape=sh, fmt=fmt, rules=rules, day=day) for sh, fmt in _WALL_TIMES
    )
    shapes.append(partial(_utc_time, rules=rules, day=day))
    shapes.append(partial(_offset_time, rules=rules, day=day))
    shapes.extend(
        partial(_declared, index=i, rules=rules, day=day) for i in range(len(rules.date_format))
    )
    return tuple(shapes)


def _wall_time(text: pl.Expr, shape: str, fmt: str, rules: CellRules, day: bool) -> pl.Expr:
    """A naive date-time in ``fmt``, local in the source's zone (``_localise``
    of a timed cell without an offset; ``_day`` as its date). No cache of
    distinct cells (``cache=False`` here and in every parse): times are nearly
    all distinct, and a date is parsed once per distinct cell already
    (``each_distinct``). 404k times: 0.014 s → 0.008 s."""
    naive = text.str.to_datetime(fmt, strict=False, time_unit="us", cache=False)
    value = _day(naive, pl.lit(True), rules) if day else _local(naive, rules)
    return pl.when(text.str.contains(shape)).then(value)


def _seconds(text: pl.Expr) -> pl.Expr:
    """The naive date-time of an instant's first 19 characters."""
    return text.str.slice(0, 19).str.to_datetime(
        "%Y-%m-%dT%H:%M:%S", strict=False, time_unit="us", cache=False
    )


def _utc_time(text: pl.Expr, rules: CellRules, day: bool) -> pl.Expr:
    """``2026-10-05T09:00:00.000Z``: a UTC instant, in ``rules.zone``."""
    instant = _from_utc(_seconds(text), rules)
    return pl.when(text.str.contains(_UTC)).then(instant.dt.date() if day else instant)


def _offset_time(text: pl.Expr, rules: CellRules, day: bool) -> pl.Expr:
    """``2026-10-05T09:00:00+03:30``: an instant, in ``rules.zone``. An offset
    no clock has (beyond ±14:00, minutes from 60) is left to the general
    parser, which refuses the cell."""
    offset = text.str.slice(-6)
    sign = pl.when(offset.str.starts_with("-")).then(-1).otherwise(1)
    mins = offset.str.slice(4, 2).cast(pl.Int64, strict=False)
    minutes = (offset.str.slice(1, 2).cast(pl.Int64, strict=False) * 60 + mins) * sign
    real = (mins < 60) & (minutes.abs() <= MAX_OFFSET_MINUTES)
    instant = _from_utc(_seconds(text) - pl.duration(minutes=minutes), rules)
    return pl.when(text.str.contains(_OFFSET) & real).then(instant.dt.date() if day else instant)


def _declared(text: pl.Expr, index: int, rules: CellRules, day: bool) -> pl.Expr:
    """A cell in the ``index``-th declared ``date_format`` (``%m/%d/%Y %I:%M
    %p``), where the general parser reads it so: not ISO, and in no format
    declared before it (the general parser takes the first that reads it)."""
    candidate = partial(_date_in_format, rules=rules) if day else partial(_in_format, rules=rules)
    fmt = rules.date_format[index]
    first = ~text.str.contains(_NOT_FORMATTED)
    for earlier in rules.date_format[:index]:
        first = first & candidate(text, earlier).is_null()
    return pl.when(first).then(candidate(text, fmt))


def _in_format(text: pl.Expr, fmt: str, rules: CellRules) -> pl.Expr:
    """The instant of a cell in ``fmt`` (a date alone: its day's first instant)."""
    parsed = text.str.to_datetime(fmt, strict=False, time_unit="us", cache=False)
    return _instant(parsed, pl.lit(_has_time(fmt)), rules)


def _any_datetime(text: pl.Expr, rules: CellRules) -> pl.Expr:
    _, naive, offset, timed = _parts(text)
    candidates = [_localise(naive, offset, timed, rules)]
    candidates.extend(_in_format(text, fmt, rules) for fmt in rules.date_format)
    if rules.excel:
        candidates.append(_instant(_excel_serial(text), _fraction(text), rules))
    return pl.coalesce(candidates)


# --- Jalali date-times as Didar writes them: 1403/07/15 14:30 ---------------


def _day_and_clock(text: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(date, time of day) of a cell in the shape ``1403/07/15 14:30``; a
    null date where the cell is not in it. Each part is read once per
    distinct value (a few hundred days, at most 86,400 times), so no cell's
    digits are converted: converting every cell alone cost more than the
    whole fast path (400k cells: 0.14 s)."""
    day = each_distinct(text.str.slice(0, 11), shaped_jalali_day, pl.Date())
    clock = each_distinct(text.str.slice(11), jalali_clock, pl.Duration("us"))
    return day, clock


def _wall_instant(day: pl.Expr, clock: pl.Expr, timezone: str, zone: str) -> pl.Expr:
    """``parse_jalali_datetime``'s instant of a written date and time."""
    written = (day.cast(pl.Datetime("us")) + clock).dt.replace_time_zone(
        timezone, ambiguous="earliest", non_existent="null"
    )
    return written if zone == timezone else written.dt.convert_time_zone(zone)


def jalali_datetime_shape(text: pl.Expr, timezone: str, zone: str) -> pl.Expr:
    """``parse_jalali_datetime``'s instant of a cell shaped ``1403/07/15 14:30``
    (a wall time of ``timezone``, in ``zone``), null for any other cell."""
    return _wall_instant(*_day_and_clock(text), timezone, zone)


def jalali_day_shape(text: pl.Expr, timezone: str, zone: str) -> pl.Expr:
    """``parse_jalali_day``'s date of a cell shaped ``1403/07/15 14:30`` (the
    date of its instant in ``zone``; a wall time in a spring gap keeps its
    written date), null for any other cell."""
    day, clock = _day_and_clock(text)
    written = pl.when(clock.is_not_null()).then(day)
    if zone == timezone:  # the same clock: a wall time's date is its instant's
        return written
    return pl.coalesce(_wall_instant(day, clock, timezone, zone).dt.date(), written)


def parse_date(text: pl.Expr, rules: CellRules) -> pl.Expr:
    """A calendar date. A date alone is the date written; a date-time (a
    time, an offset or both) is an instant, and gives its date in
    ``rules.zone`` (a naive one is local to ``rules.timezone``). A Jalali
    source's cells are Jalali dates (Gregorian ISO still read)."""
    return date_parser(rules)(text)


def date_parser(rules: CellRules) -> Parser:
    """A source's dates: the shapes exports write them in (``2026-10-05``,
    a date-time's shapes), then every accepted form once per distinct cell.
    A Jalali source's date-times take their shape's fast path; its dates are
    few, and all read once per distinct cell."""
    if rules.persian:
        shape = partial(jalali_day_shape, timezone=rules.timezone, zone=rules.zone)
        return Parser(
            always(shape),
            lambda rest: each_distinct(rest, partial(_any_jalali_date, rules=rules), pl.Date()),
            pl.Date(),
            whole=True,
        )
    return Parser(
        always(*_shapes(rules, day=True)),
        lambda rest: each_distinct(rest, partial(_any_date, rules=rules), pl.Date()),
        pl.Date(),
    )


def _any_jalali_date(text: pl.Expr, rules: CellRules) -> pl.Expr:
    text = to_ascii_digits(text)
    day = parse_jalali_day(text, rules.timezone, rules.zone)
    return pl.coalesce(day, _any_date(text, replace(rules, calendar="gregorian")))


def _iso_date_shape(text: pl.Expr) -> pl.Expr:
    """``2026-10-05``: one strict format (a Gregorian source's usual date) and
    its shape. 216k dates: 0.010 s → 0.006 s."""
    day = text.str.to_date("%Y-%m-%d", strict=False, cache=False)
    return pl.when(text.str.contains(rf"^{_YMD}$")).then(day)


def _any_date(text: pl.Expr, rules: CellRules) -> pl.Expr:
    day, naive, offset, timed = _parts(text)
    as_written = day.str.to_date("%Y-%m-%d", strict=False, cache=False)
    # A time part must itself be valid: "2026-10-05 25:00" is not a date.
    as_written = pl.when(naive.is_not_null()).then(as_written)
    # The instant's date; a wall time in a DST gap keeps its written date.
    candidates = [pl.coalesce(_localise(naive, offset, timed, rules).dt.date(), as_written)]
    candidates.extend(_date_in_format(text, fmt, rules) for fmt in rules.date_format)
    if rules.excel:
        candidates.append(_day(_excel_serial(text), _fraction(text), rules))
    return pl.coalesce(candidates)


def _date_in_format(text: pl.Expr, fmt: str, rules: CellRules) -> pl.Expr:
    """The date of a cell in ``fmt``; a format with a time part gives the date
    of its instant in ``rules.zone``."""
    if _has_time(fmt):
        naive = text.str.to_datetime(fmt, strict=False, time_unit="us", cache=False)
        return _day(naive, pl.lit(True), rules)
    return text.str.to_date(fmt, strict=False, cache=False)


def add_minutes(start: pl.Expr, text: pl.Expr, rules: CellRules) -> pl.Expr:
    """``start`` plus the calendar minutes in ``text`` (Zendesk's ``First reply
    time in minutes``): null where the minutes are not a number (a currency
    is not minutes)."""
    minutes = pl.when(amount_currency(text, rules).is_null()).then(parse_amount(text, rules))
    return start + pl.duration(microseconds=(minutes * 60_000_000).round(0).cast(pl.Int64))


def parse_amount(text: pl.Expr, rules: CellRules) -> pl.Expr:
    """A number from ``1,234.50``, ``$1,234.50``, ``USD 1200``, ``1.234,50 €`` …

    With ``decimal "."`` a comma is allowed only as a thousands separator in
    groups of three; with ``decimal ","`` the separators are ``.``, spaces and
    no-break spaces. Negative numbers parse (the caller rejects them). A
    currency sign, word or code may stand before or after the number (one,
    and only one that names a currency: ``5 mln``, ``10 TSD`` and ``abc5``
    are not amounts); which currency it names is ``amount_currency``'s, and
    converting it (and ``amount_factor``) is the caller's (``money.py``).
    Plain numbers (``1234.50``: what APIs and most exports write) take a
    fast path (measured on 216k deals: 0.023 s → 0.009 s).
    """
    return amount_parser(rules)(text)


def amount_parser(rules: CellRules) -> Parser:
    """Amounts: the shapes exports write them in (``_amount_shapes``), then
    every accepted form (signs, separators, codes)."""
    return Parser(
        partial(_amount_shapes, rules=rules), partial(_any_amount, rules=rules), pl.Float64()
    )


# The number of an amount in a shape: digits, thousands in groups of three,
# a fraction (no sign: a negative amount is rare, and an error).
_GROUPED = {
    ".": r"^([0-9]{1,3}(,[0-9]{3})+|[0-9]+)(\.[0-9]+)?$",
    ",": "^([0-9]{1,3}([. \u00a0\u202f][0-9]{3})+|[0-9]+)(,[0-9]+)?$",
}
# What stands before or after the number of a sample's cells (``_affixes``).
_PREFIX = r"^([^0-9.,+\-]*)[0-9]"
_SUFFIX = r"[0-9]([^0-9.,]*)$"


def _amount_shapes(sample: pl.Series, rules: CellRules) -> list[Shape]:
    """Plain numbers (``1234.50``, what APIs write), numbers with thousands
    (``1,234.50``; ``1.234,50`` with a decimal comma), and the same beside
    the currency signs or codes the sample's cells have (``$1,234.50``,
    ``USD 1,200.00``, ``1.234,50 €``). A Jalali source's shapes are also
    tried with its digits converted (``۱۲۳۴ ریال``)."""
    shapes: list[Shape] = [
        partial(_plain_number, decimal=rules.decimal),
        partial(_affixed, prefix="", suffix="", rules=rules),
    ]
    if sample.str.contains(_MAYBE_TOKEN).any():  # a sign or letters: which?
        shapes.extend(
            partial(_affixed, prefix=prefix, suffix=suffix, rules=rules)
            for prefix, suffix, _ in _affixes(sample, rules)
        )
    if rules.persian:
        shapes.extend(partial(_converted, shape=shape) for shape in list(shapes))
    return shapes


def _plain_number(text: pl.Expr, decimal: str) -> pl.Expr:
    """``-1234.5`` (``-1234`` with a decimal comma, where ``1.234`` is a thousand)."""
    shape = r"^[+-]?[0-9]+(\.[0-9]+)?$" if decimal == "." else r"^[+-]?[0-9]+$"
    return pl.when(text.str.contains(shape)).then(text.cast(pl.Float64, strict=False))


def _converted(text: pl.Expr, shape: Shape) -> pl.Expr:
    return shape(to_ascii_digits(text))


def _affixes(sample: pl.Series, rules: CellRules) -> list[tuple[str, str, str]]:
    """The (prefix, suffix, currency) beside the numbers of ``sample``, most
    common first: one of prefix and suffix empty, the other naming the
    currency (as ``_amount_parts`` reads it), neither with whitespace outside."""
    text = to_ascii_digits(pl.col(_BARE)) if rules.persian else pl.col(_BARE)
    prefix, suffix = pl.col("prefix"), pl.col("suffix")
    found = sample.to_frame(_BARE).select(
        text.str.extract(_PREFIX, 1).fill_null("").alias("prefix"),
        text.str.extract(_SUFFIX, 1).fill_null("").alias("suffix"),
    )
    found = found.with_columns(
        _currency_of(pl.concat_str(prefix, suffix).str.strip_chars()).alias(_NAMED)
    )
    kept = found.filter(
        ((prefix == "") != (suffix == ""))
        & pl.col(_NAMED).is_not_null()
        & ~prefix.str.contains(r"^\s")
        & ~suffix.str.contains(r"\s$")
    )
    common = (
        kept.group_by("prefix", "suffix", _NAMED)
        .len()
        .sort("len", "prefix", "suffix", descending=[True, False, False])
    )
    return list(common.head(_MOST_AFFIXES).select("prefix", "suffix", _NAMED).iter_rows())


_MOST_AFFIXES = 2


def _affixed(text: pl.Expr, prefix: str, suffix: str, rules: CellRules) -> pl.Expr:
    """``prefix`` + a number in ``_GROUPED``'s shape + ``suffix`` (one empty,
    the other a currency: what ``_any_amount`` reads as that number)."""
    number = text.str.strip_prefix(prefix).str.strip_suffix(suffix) if prefix or suffix else text
    shaped = number.str.contains(_GROUPED[rules.decimal])
    if prefix:
        shaped = shaped & text.str.starts_with(prefix)
    if suffix:
        shaped = shaped & text.str.ends_with(suffix)
    if rules.decimal == ",":
        plain = number.str.replace_all(r"[. \u00a0\u202f]", "").str.replace(",", ".")
    else:
        plain = number.str.replace_all(",", "", literal=True)
    return pl.when(shaped).then(plain.cast(pl.Float64, strict=False))


def _any_amount(text: pl.Expr, rules: CellRules) -> pl.Expr:
    def run(cells: pl.Series) -> pl.Series:
        parts = _amount_parts(cells, rules)
        bare = pl.col(_BARE)
        if rules.decimal == ",":
            well_formed = bare.str.contains(_COMMA_NUMBER) & bare.str.contains(r"\d")
            plain = bare.str.replace_all(r"[. \u00a0\u202f]", "").str.replace(",", ".")
        else:
            well_formed = bare.str.contains(_POINT_NUMBER) & bare.str.contains(r"\d")
            plain = bare.str.replace_all(",", "")
        one = pl.col(_ONE)
        value = (
            pl.when(one & well_formed)
            .then(plain.cast(pl.Float64, strict=False))
            .when(one & bare.str.contains(_SCIENTIFIC))
            .then(bare.cast(pl.Float64, strict=False))
        )
        return parts.select(value.alias(cells.name)).to_series()

    return text.map_batches(run, return_dtype=pl.Float64, is_elementwise=True)


def _amount_parts(cells: pl.Series, rules: CellRules) -> pl.DataFrame:
    """Each amount cell split as ``[+-] [currency] number [currency]``: the
    number with its sign (``bare``), the currency named (``named``: an ISO
    code, a shared sign as written, or null) and whether what stands beside
    the number is at most one currency (``one``). Computed step by step on
    the column (one regex pass each), never per cell in Python."""
    text = pl.col(_BARE)
    if rules.persian:
        text = to_ascii_digits(text)
    frame = cells.to_frame(_BARE).with_columns(text)
    lead = pl.when(text.str.starts_with("-")).then(pl.lit("-")).otherwise(pl.lit(""))
    lead = pl.when(text.str.starts_with("+")).then(pl.lit("+")).otherwise(lead)
    frame = frame.with_columns(lead.alias(_LEAD))
    frame = frame.with_columns(text.str.strip_prefix(pl.col(_LEAD)))
    frame = frame.with_columns(_BEFORE.alias("before"))
    frame = frame.with_columns(text.str.strip_prefix(pl.col("before")))
    frame = frame.with_columns(_AFTER.alias("after"))
    frame = frame.with_columns(text.str.strip_suffix(pl.col("after")))
    before = pl.col("before").str.strip_chars().replace("", None)
    after = pl.col("after").str.strip_chars().replace("", None)
    frame = frame.with_columns(before.alias("before"), after.alias("after"))
    token = pl.coalesce("before", "after")
    frame = frame.with_columns(_currency_of(token).alias(_NAMED))
    return frame.select(
        pl.concat_str(_LEAD, _BARE).alias(_BARE),
        pl.col(_NAMED),
        (
            ~(pl.col("before").is_not_null() & pl.col("after").is_not_null())
            & (token.is_null() | pl.col(_NAMED).is_not_null())
        ).alias(_ONE),
    )


def _named(cells: pl.Expr, rules: CellRules) -> pl.Expr:
    """``_amount_parts``' ``named`` of a cell with a number in it, in two
    regex passes (what stands before the number, or after it)."""
    text = to_ascii_digits(cells) if rules.persian else cells
    before = text.str.extract(r"^[+-]?([^0-9.,+\-]*)", 1).str.strip_chars().replace("", None)
    after = text.str.extract(r"([^0-9.,]*)$", 1).str.strip_chars().replace("", None)
    return _currency_of(pl.coalesce(before, after))


def _currency_of(token: pl.Expr) -> pl.Expr:
    """The currency a sign, word or 3 letters name: an ISO code (upper case),
    a shared sign as written (``$``, ``¥``), or null (no currency)."""
    code = token.str.to_uppercase()
    sign = token.replace_strict(_SIGN_CODES, default=None, return_dtype=pl.String)
    return pl.coalesce(sign, pl.when(code.is_in(_CODE_LIST)).then(code))


def amount_currency(text: pl.Expr, rules: CellRules) -> pl.Expr:
    """The currency an amount cell names (``EUR 5``: EUR, ``5 ریال``: IRR,
    ``$5``: ``$``, shared by the dollars), or null: no sign, word or code.
    Only cells with a letter or a sign are split (plain numbers are nearly
    every cell), vectorised: no Python per cell; a column whose cells are
    written alike (``$1,234.50``) is read by that shape (``_currency_shapes``)."""

    shapes = partial(_currency_shapes, rules=rules)
    read = cells_reader(shapes, partial(_named, rules=rules), pl.String())

    def run(cells: pl.Series) -> pl.Series:
        found = pl.Series(cells.name, [None] * cells.len(), dtype=pl.String)
        maybe = cells.str.contains(_MAYBE_TOKEN).fill_null(False)
        if not maybe.any():
            return found
        return found.scatter(maybe.arg_true(), read(cells.filter(maybe)))

    return text.map_batches(run, return_dtype=pl.String, is_elementwise=True)


def _currency_shapes(sample: pl.Series, rules: CellRules) -> list[Shape]:
    """The currencies of cells written as the sample's are: a prefix then
    a digit, or a digit then a suffix (``_named``'s reading of them)."""
    return [
        partial(_names, prefix=prefix, suffix=suffix, currency=currency, rules=rules)
        for prefix, suffix, currency in _affixes(sample, rules)
    ]


def _names(text: pl.Expr, prefix: str, suffix: str, currency: str, rules: CellRules) -> pl.Expr:
    """``currency`` for a cell that starts with a digit and ends with a digit
    and ``suffix``, or starts with ``prefix`` and a digit (no other text can
    stand where ``_named`` looks); a Jalali source's digits as written."""
    digit = PERSIAN_DIGIT if rules.persian else "[0-9]"
    if prefix:
        read = text.str.starts_with(prefix) & text.str.strip_prefix(prefix).str.contains(
            f"^{digit}"
        )
    else:
        number = text.str.strip_suffix(suffix)
        read = text.str.ends_with(suffix) & number.str.contains(f"^{digit}(.*{digit})?$")
    return pl.when(read).then(pl.lit(currency))


# A digit as a Jalali source writes it: ASCII, Persian or Arabic-Indic.
PERSIAN_DIGIT = "[0-9\u06f0-\u06f9\u0660-\u0669]"


def parse_integer(text: pl.Expr) -> pl.Expr:
    """A whole number (``9`` or ``9.0`` as spreadsheets write it), or null.
    ``9`` is cast at once; only the other cells meet the regex."""
    return integer_parser()(text)


def integer_parser() -> Parser:
    """Whole numbers: cast at once (the cast refuses spaces), then ``9.0`` forms."""
    return Parser(always(lambda t: t.cast(pl.Int64, strict=False)), _any_integer, pl.Int64())


def _any_integer(text: pl.Expr) -> pl.Expr:
    return pl.when(text.str.contains(r"^[+-]?\d+(\.0+)?$")).then(
        text.str.replace(r"\.0+$", "").cast(pl.Int64, strict=False)
    )


def value_key(text: str) -> str:
    """How value-map keys compare: case-insensitive, runs of spaces as one,
    Arabic ي/ك as Persian ی/ک, invisible marks (ZWNJ, RTL) ignored."""
    for arabic, persian in ARABIC_LETTERS.items():
        text = text.replace(arabic, persian)
    return " ".join("".join(ch for ch in text if ch not in INVISIBLE_MARKS).lower().split())


def map_values(text: pl.Expr, values: dict[str, str]) -> pl.Expr:
    """Source values to canonical ones (``sources.<table>.values``, preset maps).

    Keys compare as ``value_key`` does; ``*`` maps every other value (a
    preset's "else open"); without it an unmapped value passes through, for
    the column's own check to report (a required column's) or to be read as
    missing (a vocabulary column's, ``vocabulary.py``). An empty target means
    missing (Zendesk's ``Offered`` satisfaction is no rating).
    """
    if not values:
        return text
    table = {value_key(k): v for k, v in values.items() if k != "*"}
    key = (
        text.str.replace_many(ARABIC_LETTERS)
        .str.replace_all(f"[{''.join(INVISIBLE_MARKS)}]", "")
        .str.to_lowercase()
        .str.replace_all(r"\s+", " ")
    )
    other = pl.lit(values["*"], pl.String) if "*" in values else text
    mapped = pl.when(key.is_in(list(table))).then(key.replace(table)).otherwise(other)
    return pl.when(text.is_null() | (mapped == "")).then(None).otherwise(mapped)


def normalise_vocabulary(text: pl.Expr) -> pl.Expr:
    """``Cross-Sell`` / ``cross sell`` → ``cross_sell``: how vocabularies compare."""
    return text.str.to_lowercase().str.replace_all(r"[\s\-]+", "_")
