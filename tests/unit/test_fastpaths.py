"""Fast paths for the shapes exports write dates, date-times and amounts in.

Each typed column is read by the shape its cells have (``2026-10-05 09:00``,
``10/05/2026 9:00 AM`` declared, ``1403/07/15 14:30``, ``$1,234.50`` …),
chosen on a sample, and only the cells no shape reads meet the general
parser. Two kinds of test: the common shapes never reach the general parser
(the speed), and no shape ever gives a value the general parser would not
(hypothesis: time zones, offsets, the date range, currency words).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from unittest.mock import patch

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_series_equal

from crmkpi.sources import cells
from crmkpi.sources.cells import (
    CellRules,
    _amount_shapes,
    _any_amount,
    _any_date,
    _any_datetime,
    _any_jalali_date,
    _any_jalali_datetime,
    _currency_shapes,
    _named,
    _shapes,
    amount_currency,
    amount_parser,
    date_parser,
    datetime_parser,
    jalali_datetime_shape,
    jalali_day_shape,
    parse_amount,
    parse_date,
    parse_datetime,
)
from crmkpi.sources.fallback import Parser, clean_text, cleaned_and_parsed

PERSIAN = str.maketrans("0123456789", "".join(map(chr, range(0x06F0, 0x06FA))))
US_FORMATS = ("%m/%d/%Y", "%m/%d/%Y %I:%M %p", "%m/%d/%Y, %I:%M %p")  # the Salesforce preset's
NEW_YORK_TO_BERLIN = CellRules(timezone="America/New_York", report_zone="Europe/Berlin")
TEHRAN_TO_UTC = CellRules(timezone="Asia/Tehran", report_zone="UTC")
UTC_TO_TEHRAN = CellRules(timezone="UTC", report_zone="Asia/Tehran")


def run(values: Sequence[str | None], expr: Callable[[pl.Expr], pl.Expr]) -> pl.Series:
    frame = pl.DataFrame({"t": values}, schema={"t": pl.String})
    return frame.select(expr(pl.col("t")).alias("v")).to_series()


def in_utc(series: pl.Series) -> list[datetime | None]:
    return [None if v is None else v.astimezone(UTC) for v in series.to_list()]


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def spy(monkeypatch: pytest.MonkeyPatch, *names: str) -> list[str]:
    """Record each use of the general parsers ``names`` (cells.py's)."""
    used: list[str] = []
    for name in names:
        general = getattr(cells, name)

        def counting(
            *args: object, _general: object = general, _name: str = name, **kwargs: object
        ) -> pl.Expr:
            used.append(_name)
            return _general(*args, **kwargs)  # type: ignore[operator,no-any-return]

        monkeypatch.setattr(cells, name, counting)
    return used


# --- the common shapes are read without the general parser -------------------

_DAYS = range(1, 29)  # October 2026: New York on EDT (-4), Berlin on CEST (+2)
_GENERAL_DATETIME = ("_any_datetime", "parse_jalali_datetime")
_NY_US = CellRules("America/New_York", US_FORMATS)


@pytest.mark.parametrize(
    ("cell", "rules", "first"),
    [
        ("2026-10-{:02d}T09:00:00", NEW_YORK_TO_BERLIN, utc(2026, 10, 1, 13)),  # APIs, our sample
        ("2026-10-{:02d} 09:00:00", NEW_YORK_TO_BERLIN, utc(2026, 10, 1, 13)),  # Zendesk
        ("2026-10-{:02d} 09:00", NEW_YORK_TO_BERLIN, utc(2026, 10, 1, 13)),  # HubSpot
        ("2026-10-{:02d}T09:00", CellRules(), utc(2026, 10, 1, 9)),
        # Salesforce: UTC whatever the source's zone; the fraction is dropped.
        ("2026-10-{:02d}T09:00:00.250Z", TEHRAN_TO_UTC, utc(2026, 10, 1, 9)),
        ("2026-10-{:02d}T09:00:00+03:30", NEW_YORK_TO_BERLIN, utc(2026, 10, 1, 5, 30)),
        ("2026-10-{:02d}T09:00:00-12:00", CellRules(), utc(2026, 10, 1, 21)),
        ("2026-10-{:02d}T09:00:00+14:00", CellRules(), utc(2026, 9, 30, 19)),
        ("10/{:02d}/2026 9:00 AM", _NY_US, utc(2026, 10, 1, 13)),  # declared formats
        ("10/{:02d}/2026, 9:00 PM", _NY_US, utc(2026, 10, 2, 1)),
        ("10/{:02d}/2026", _NY_US, utc(2026, 10, 1, 4)),  # a date alone: its first instant
        ("{:02d}-10-2026 09:00", CellRules(date_format=("%d-%m-%Y %H:%M",)), utc(2026, 10, 1, 9)),
    ],
)
def test_common_datetime_shapes_never_reach_the_general_parser(
    monkeypatch: pytest.MonkeyPatch, cell: str, rules: CellRules, first: datetime
) -> None:
    used = spy(monkeypatch, *_GENERAL_DATETIME)
    values = run([cell.format(d) for d in _DAYS] + [None], lambda e: parse_datetime(e, rules))
    assert in_utc(values) == [first + timedelta(days=d - 1) for d in _DAYS] + [None]
    assert values.dtype == pl.Datetime("us", rules.zone)
    assert used == []


def test_jalali_datetimes_in_persian_digits_never_reach_the_general_parser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    used = spy(monkeypatch, *_GENERAL_DATETIME)
    jalali = replace(TEHRAN_TO_UTC, calendar="jalali")
    # 1405/07/13 = 2026-10-05 (Tehran is +03:30 all year since 2022):
    # 00:42 there is 21:12 UTC the day before.
    column: list[str | None] = [f"1405/07/{d} 00:42".translate(PERSIAN) for d in range(13, 20)]
    column += [None, "1405/07/20 14:30", "1405/07/20 14:30:59"]  # ASCII digits, seconds
    values = run(column, lambda e: parse_datetime(e, jalali))
    expected = [utc(2026, 10, d - 9, 21, 12) for d in range(13, 20)]
    assert in_utc(values) == [*expected, None, utc(2026, 10, 12, 11), utc(2026, 10, 12, 11, 0, 59)]
    assert used == []


@pytest.mark.parametrize(
    ("cell", "rules", "shift"),
    [
        ("2026-10-{:02d}", CellRules(), 0),
        ("2026-10-{:02d} 23:30", UTC_TO_TEHRAN, 1),  # HubSpot: 03:00 the next day in Tehran
        ("2026-10-{:02d} 23:30:00", CellRules(), 0),
        ("2026-10-{:02d}T23:30:00.000Z", UTC_TO_TEHRAN, 1),  # Salesforce
        ("2026-10-{:02d}T00:30:00+03:30", CellRules(), -1),
        ("10/{:02d}/2026", CellRules(date_format=US_FORMATS), 0),
        ("10/{:02d}/2026 11:30 PM", CellRules("UTC", US_FORMATS, report_zone="Asia/Tehran"), 1),
    ],
)
def test_common_date_shapes_never_reach_the_general_parser(
    monkeypatch: pytest.MonkeyPatch, cell: str, rules: CellRules, shift: int
) -> None:
    used = spy(monkeypatch, "_any_date", "parse_jalali_day")
    values = run([cell.format(d) for d in range(2, 29)], lambda e: parse_date(e, rules))
    assert values.to_list() == [date(2026, 10, d + shift) for d in range(2, 29)]
    assert used == []


def test_jalali_date_times_in_a_date_column_never_reach_the_general_parser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    used = spy(monkeypatch, "_any_date", "parse_jalali_day")
    jalali = replace(TEHRAN_TO_UTC, calendar="jalali")
    # Each cell is distinct (its minutes), so no table of distinct cells helps.
    column = [f"1405/07/13 00:{m:02d}".translate(PERSIAN) for m in range(60)]
    column += [f"1405/07/13 10:{m:02d}" for m in range(60)]
    values = run(column, lambda e: parse_date(e, jalali))
    # 00:mm in Tehran is the day before in UTC; 10:mm is the same day.
    assert values.to_list() == [date(2026, 10, 4)] * 60 + [date(2026, 10, 5)] * 60
    assert used == []


@pytest.mark.parametrize(
    ("cell", "rules", "first", "step"),
    [
        ("{}234.50", CellRules(), 1234.5, 1000),  # plain numbers: 1234.50, 2234.50 …
        ("{},234.50", CellRules(), 1234.5, 1000),
        ("${},234.50", CellRules(), 1234.5, 1000),
        ("USD {},200.00", CellRules(), 1200.0, 1000),
        ("{}.234,50 €", CellRules(decimal=","), 1234.5, 1000),
        ("{} 234,50 EUR", CellRules(decimal=","), 1234.5, 1000),
        ("{}234500 ریال", CellRules(calendar="jalali"), 1234500.0, 1_000_000),
        ("{}\u066c234 تومان", CellRules(calendar="jalali"), 1234.0, 1000),  # Arabic thousands sign
    ],
)
def test_common_amount_shapes_never_reach_the_general_parser(
    monkeypatch: pytest.MonkeyPatch, cell: str, rules: CellRules, first: float, step: int
) -> None:
    used = spy(monkeypatch, "_any_amount")
    column = [cell.format(n).translate(PERSIAN if rules.persian else {}) for n in range(1, 10)]
    values = run([*column, None], lambda e: parse_amount(e, rules))
    assert values.to_list() == [first + (n - 1) * step for n in range(1, 10)] + [None]
    assert used == []


def test_a_column_mixing_shapes_takes_a_round_for_each(monkeypatch: pytest.MonkeyPatch) -> None:
    """A shape is chosen on a sample of the cells left, so a column written
    two ways (an export appended to another) is read in two rounds; the
    cells of neither shape meet the general parser, whose verdict stands."""
    used = spy(monkeypatch, "_any_datetime")
    column = [
        *["2026-10-05 09:00:00"] * 300,
        *["2026-10-05T07:00:00.000Z"] * 200,
        *["2026-10-05 9:00", "2026-10-05 25:00", "not a time", None],
    ]
    values = in_utc(run(column, lambda e: parse_datetime(e, CellRules(timezone="Europe/Berlin"))))
    # 09:00 in Berlin (CEST) is 07:00 UTC.
    assert values == [utc(2026, 10, 5, 7)] * 501 + [None, None, None]
    assert used == ["_any_datetime"]  # once, for the three cells of no shape


@pytest.mark.parametrize(
    ("cell", "rules", "currency"),
    [
        ("${},234.50", CellRules(), "$"),
        ("USD {},200.00", CellRules(), "USD"),
        ("{}.234,50 €", CellRules(decimal=","), "EUR"),
        ("{}234500 ریال", CellRules(calendar="jalali"), "IRR"),
        ("{}\u066c234 تومان", CellRules(calendar="jalali"), "IRT"),
    ],
)
def test_the_currency_of_common_shapes_never_reaches_the_general_parser(
    monkeypatch: pytest.MonkeyPatch, cell: str, rules: CellRules, currency: str
) -> None:
    used = spy(monkeypatch, "_named")
    column = [cell.format(n).translate(PERSIAN if rules.persian else {}) for n in range(1, 10)]
    named = run([*column, "1234.50", None], lambda e: amount_currency(e, rules))
    assert named.to_list() == [currency] * 9 + [None, None]
    assert used == []


# --- no shape ever gives a value the general parser would not ----------------
#
# Cells built from parts that straddle every shape's edges: digits one short
# or one long, T or space or neither, offsets beyond ±14:00, fractions, years
# outside 1900-2200 (the range check sees the value, so it must be the
# general parser's), DST gaps and folds, whitespace around the cell.

_YEARS = ["2026", "2024", "1899", "2201", "0001", "9999", "+2026", "226", "12026"]
_DATE_PARTS = st.tuples(
    st.sampled_from(_YEARS),
    st.sampled_from(["10", "03", "11", "1", "13", "00", "02"]),
    st.sampled_from(["05", "08", "01", "5", "29", "30", "31", "00"]),
)
_CLOCK = st.builds(
    "{}:{}{}".format,
    st.sampled_from(["09", "9", "00", "02", "01", "23", "24", "12"]),
    st.sampled_from(["00", "30", "59", "60", "5"]),
    st.sampled_from(["", ":00", ":59", ":60", ":5"]),
)
_ISO_CELL = st.builds(
    "{0[0]}-{0[1]}-{0[2]}{1}{2}{3}{4}".format,
    _DATE_PARTS,
    st.sampled_from(["T", " ", "t", "  ", ""]),
    _CLOCK,
    st.sampled_from(["", ".000", ".5", ",5", "."]),
    st.sampled_from(
        [
            "",
            "Z",
            "z",
            " Z",
            "+03:30",
            "-12:00",
            "+14:00",
            "-14:00",
            "+14:01",
            "-14:30",
            "+99:99",
            "+03:60",
            "+0330",
            " +02:00",
            "+3:30",
        ]
    ),
)
_US_CELL = st.builds(
    "{0[1]}/{0[2]}/{0[0]}{1}{2}{3}".format,
    _DATE_PARTS,
    st.sampled_from(["", " ", ", ", "  "]),
    st.sampled_from(["", "9:00", "09:30", "12:00", "13:00", "0:15", "11:59"]),
    st.sampled_from(["", " AM", " PM", " am", " pm", " XM", "AM"]),
)
_DASHED_CELL = st.builds(
    "{0[2]}-{0[1]}-{0[0]}{1}".format,
    _DATE_PARTS,
    st.sampled_from(["", " 20:52", " 2:52", " 24:00"]),
)
_PADDING = st.sampled_from(["", " ", "\t", "\u00a0"])
_TIME_CELLS = st.lists(
    st.one_of(
        st.none(),
        st.builds(
            "{}{}{}".format, _PADDING, st.one_of(_ISO_CELL, _US_CELL, _DASHED_CELL), _PADDING
        ),
        st.sampled_from(["na", "N/A", "-", "null", ""]),
        st.text(max_size=20),
    ),
    max_size=25,
)
_FORMATS = st.sampled_from(
    [
        (),
        US_FORMATS,
        ("%d-%m-%Y %H:%M",),
        ("%d/%m/%Y", "%m/%d/%Y"),  # both orders: the first that reads a cell wins
        ("%Y-%m-%d %H:%M", "%m/%d/%Y %I:%M %p"),  # ISO's own shape declared
        ("%m/%d/%Y %I:%M %p", "%m/%d/%Y"),
        ("%Y-%d-%m", "%Y-%d-%m %H:%M"),  # ISO-looking, another day: ISO wins
    ]
)
# Cells at the edges, in every column: offsets no clock has, fractions, DST
# gaps and folds (New York, Berlin, Tehran in 2021), years outside the range,
# polars' lenient digits, whitespace a declared format would skip, and cells
# two declared formats read differently.
_DATE_EDGES = [
    *(f"2026-10-05T09:00:00{z}" for z in ("+14:01", "-14:30", "+99:99", "+03:60", "+14:00")),
    *("2026-10-05T09:00:00.123-12:00", "2026-10-05T09:00:00.000Z", "2026-10-05T09:00:00,5Z"),
    *("2026-10-05T09:00:00 Z", "2026-03-08 02:30:00", "2026-03-08 02:30", "2026-11-01 01:30"),
    *("2026-03-29T02:30:00", "2026-10-25 02:30", "2021-03-22 00:30", "2021-09-21T23:30"),
    *("1899-12-31 23:59", "2201-01-01T00:00:00", "0001-01-01 00:00", "9999-12-31T23:59:59Z"),
    *("+2026-10-05T09:00:00", "2026-1-05 09:00", "2026-10-05", "2026-10-05 24:00"),
    *("05/10/2026", "10/05/2026 9:00 AM", "10/05/2026, 9:00 PM", " 10/05/2026 9:00 AM"),
    *("10/05/2026 9:00 AM ", "10/05/2026 13:00 PM", "05-10-2026 20:52", " 05-10-2026 20:52"),
    *("03/08/2026 2:30 AM", "11/01/2026 1:30 AM", "2026-13-05", "2026-10-05T09:00:00z"),
    *("2026-10-05t09:00:00", "2026-10-05T09:00:00+0330", "2026-10-05 09:00:00.5"),
]
_ZONES = st.sampled_from(
    ["UTC", "Europe/Berlin", "America/New_York", "Asia/Tehran", "America/St_Johns"]
)
_REPORT_ZONES = st.sampled_from([None, "UTC", "Asia/Tehran", "Pacific/Kiritimati"])


def _rules(zone: str, report: str | None, formats: tuple[str, ...]) -> CellRules:
    return CellRules(timezone=zone, date_format=formats, report_zone=report, excel=True)


@settings(max_examples=250, deadline=None)
@given(_TIME_CELLS, _ZONES, _REPORT_ZONES, _FORMATS, st.booleans())
def test_every_date_shape_reads_a_cell_as_the_general_parser_does(
    column: list[str | None], zone: str, report: str | None, formats: tuple[str, ...], day: bool
) -> None:
    """Each shape on its own, chosen or not: where it gives a value, the value
    is the general parser's (``_any_date`` for a date column, else
    ``_any_datetime``)."""
    rules = _rules(zone, report, formats)
    frame = pl.DataFrame({"t": [*column, *_DATE_EDGES]}, schema={"t": pl.String})
    general = _any_date(pl.col("t"), rules) if day else _any_datetime(pl.col("t"), rules)
    for shape in _shapes(rules, day=day):
        both = frame.select(shape(pl.col("t")).alias("fast"), general.alias("general"))
        read = both.filter(pl.col("fast").is_not_null())
        assert_series_equal(read["fast"], read["general"], check_names=False)


@settings(max_examples=150, deadline=None)
@given(_TIME_CELLS, _ZONES, _REPORT_ZONES, _FORMATS)
def test_dates_and_datetimes_with_shapes_equal_the_general_parser(
    column: list[str | None], zone: str, report: str | None, formats: tuple[str, ...]
) -> None:
    """The whole of it: shapes chosen on a sample, the rest to the general parser."""
    rules = _rules(zone, report, formats)
    frame = pl.DataFrame({"t": [*_DATE_EDGES, *column * 3]}, schema={"t": pl.String})
    got = frame.select(
        parse_datetime(pl.col("t"), rules).alias("datetime"),
        parse_date(pl.col("t"), rules).alias("date"),
    )
    want = frame.select(
        _any_datetime(pl.col("t"), rules).alias("datetime"),
        _any_date(pl.col("t"), rules).alias("date"),
    )
    assert_series_equal(got["datetime"], want["datetime"])
    assert_series_equal(got["date"], want["date"])
    assert got["datetime"].dtype == pl.Datetime("us", rules.zone)


_JALALI_CELL = st.builds(
    "{}/{}/{}{}{}".format,
    st.sampled_from(["1403", "1405", "1400", "1399", "1699", "1700", "2026", "0999", "140"]),
    st.sampled_from(["07", "01", "06", "12", "7", "13", "00"]),
    st.sampled_from(["13", "02", "30", "31", "29", "01", "1", "00"]),
    st.sampled_from([" ", "  ", "T", "", " \u200c", "\u200e "]),
    st.sampled_from(
        [
            "00:42",
            "00:30",
            "23:30",
            "14:30",
            "14:30:59",
            "9:05",
            "24:00",
            "14:60",
            "",
            "14:30:60",
            "1:2",
            "14:30 ",
            "14.30",
        ]
    ),
)
_JALALI_CELLS = st.lists(
    st.one_of(
        st.none(),
        _JALALI_CELL,
        _JALALI_CELL.map(lambda cell: cell.translate(PERSIAN)),
        _ISO_CELL,
        st.text(max_size=16),
    ),
    max_size=25,
)
_JALALI_ZONES = st.sampled_from(
    [("Asia/Tehran", "Asia/Tehran"), ("Asia/Tehran", "UTC"), ("UTC", "Asia/Tehran"), ("UTC", "UTC")]
)


@settings(max_examples=250, deadline=None)
@given(_JALALI_CELLS, _JALALI_ZONES)
def test_the_jalali_shapes_read_a_cell_as_the_general_parser_does(
    column: list[str | None], zones: tuple[str, str]
) -> None:
    """Tehran kept DST until 2022: 1400/01/02 00:30 never happened there
    (a spring gap), 1400/06/30 23:30 happened twice (a fold)."""
    zone, report = zones
    rules = CellRules(timezone=zone, report_zone=report, calendar="jalali")
    column = [
        *column,
        "1400/01/02 00:30",
        "1400/06/30 23:30",
        "1400/01/02 00:30".translate(PERSIAN),
    ]
    frame = pl.DataFrame({"t": column}, schema={"t": pl.String})
    both = frame.select(
        jalali_datetime_shape(pl.col("t"), zone, report).alias("instant"),
        _any_jalali_datetime(pl.col("t"), rules).alias("instant_general"),
        jalali_day_shape(pl.col("t"), zone, report).alias("day"),
        _any_jalali_date(pl.col("t"), rules).alias("day_general"),
    )
    for kind in ("instant", "day"):
        read = both.filter(pl.col(kind).is_not_null())
        assert_series_equal(read[kind], read[f"{kind}_general"], check_names=False)
    got = frame.select(
        parse_datetime(pl.col("t"), rules).alias("instant"),
        parse_date(pl.col("t"), rules).alias("day"),
    )
    assert_series_equal(got["instant"], both["instant_general"], check_names=False)
    assert_series_equal(got["day"], both["day_general"], check_names=False)


_AMOUNT_CELL = st.builds(
    "{}{}{}".format,
    st.sampled_from(
        [
            "",
            "$",
            "USD ",
            "US$",
            "€",
            "EUR",
            "€ ",
            "mln ",
            "abc",
            " $",
            "-$",
            "$-",
            "-",
            "CAD ",
            "usd ",
            "¥",
            "ریال ",
        ]
    ),
    st.sampled_from(
        [
            "1234.50",
            "1,234.50",
            "1.234,50",
            "1 234,50",
            "1\u00a0234,50",
            "12",
            "0",
            "1,23",
            "1,2345.6",
            "1.234.567,8",
            "1,234,567",
            ",5",
            "5.",
            "1e5",
            "\u0661\u0662\u0663",  # Arabic-Indic digits
            "1234".translate(PERSIAN),
            "1\u066c234".translate(PERSIAN),  # and the Arabic thousands sign
            "9223372036854775808",
        ]
    ),
    st.sampled_from(
        [
            "",
            " €",
            "€",
            " EUR",
            " ریال",
            " تومان",
            " mln",
            " ",
            "x",
            " $",
            " USD ",
            " usd",
            "EUR ",
            " TSD",
            " IRT",
        ]
    ),
)
_AMOUNT_CELLS = st.lists(
    st.one_of(st.none(), _AMOUNT_CELL, st.text(max_size=8), st.sampled_from(["na", "-", ""])),
    max_size=25,
)


# Cells at the edges, in every column: groups not of three, two currencies,
# words that are no currency, signs, whitespace outside.
_AMOUNT_EDGES = [
    *("1,23", "1,2345.6", "$1,234.50 USD", "5 mln", "mln 5", "$-5", "-$5", "€1.234,50"),
    *("1.234,50 €", "1 234,50 EUR", "USD 1,200.00", "US$5", "5 USD ", " $5", "10 TSD", "abc5"),
    *("1,234,567.5 IRT", "$ 5", "5$", "EUR5,5", "€ 1.234", "1.234 €", "1٬234 ریال"),
]


@contextmanager
def every_affix() -> Iterator[None]:
    """Every currency sign or code in a sample makes a shape, not only the
    most common few: each must be right."""
    with patch.object(cells, "_MOST_AFFIXES", 1000):
        yield


@settings(max_examples=300, deadline=None)
@given(_AMOUNT_CELLS, st.sampled_from([".", ","]), st.sampled_from(["gregorian", "jalali"]))
def test_every_amount_shape_reads_a_cell_as_the_general_parser_does(
    column: list[str | None], decimal: str, calendar: str
) -> None:
    """The shapes found in a sample (here the whole column) each give the
    general parser's value where they give one: a currency word that is no
    currency (``mln``, ``TSD``) or two of them make no shape."""
    rules = CellRules(decimal=decimal, calendar=calendar)
    frame = pl.DataFrame({"t": [*column, *_AMOUNT_EDGES]}, schema={"t": pl.String})
    general = _any_amount(pl.col("t"), rules).alias("general")
    with every_affix():
        shapes = _amount_shapes(frame["t"].drop_nulls(), rules)
    for shape in shapes:
        both = frame.select(shape(pl.col("t")).alias("fast"), general)
        read = both.filter(pl.col("fast").is_not_null())
        assert read["fast"].to_list() == read["general"].to_list()
    got = frame.select(parse_amount(pl.col("t"), rules)).to_series()
    assert got.to_list() == frame.select(general).to_series().to_list()


@settings(max_examples=300, deadline=None)
@given(_AMOUNT_CELLS, st.sampled_from([".", ","]), st.sampled_from(["gregorian", "jalali"]))
def test_every_currency_shape_names_what_the_general_parser_names(
    column: list[str | None], decimal: str, calendar: str
) -> None:
    rules = CellRules(decimal=decimal, calendar=calendar)
    frame = pl.DataFrame({"t": [*column, *_AMOUNT_EDGES]}, schema={"t": pl.String})
    general = _named(pl.col("t"), rules).alias("general")
    with every_affix():
        shapes = _currency_shapes(frame["t"].drop_nulls(), rules)
    for shape in shapes:
        both = frame.select(shape(pl.col("t")).alias("fast"), general)
        read = both.filter(pl.col("fast").is_not_null())
        assert read["fast"].to_list() == read["general"].to_list()
    got = frame.select(amount_currency(pl.col("t"), rules)).to_series()
    # Only cells with a sign or a letter may name a currency (amount_currency).
    maybe = pl.col("t").str.contains(cells._MAYBE_TOKEN)
    want = frame.select(pl.when(maybe).then(_named(pl.col("t"), rules))).to_series()
    assert got.to_list() == want.to_list()


_RAW_PARSERS: dict[str, Callable[[], Parser]] = {
    "datetime, US formats": lambda: datetime_parser(CellRules("America/New_York", US_FORMATS)),
    "datetime, Tehran to UTC": lambda: datetime_parser(
        replace(TEHRAN_TO_UTC, date_format=("%d-%m-%Y %H:%M",))
    ),
    "date, US formats": lambda: date_parser(replace(UTC_TO_TEHRAN, date_format=US_FORMATS)),
    "amount": lambda: amount_parser(CellRules()),
    "amount, decimal comma": lambda: amount_parser(CellRules(decimal=",")),
}


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.none(),
            st.builds(
                "{}{}{}".format, _PADDING, st.one_of(_ISO_CELL, _US_CELL, _AMOUNT_CELL), _PADDING
            ),
            st.sampled_from(["N/A", "na", "NULL", "None", "-", "", " "]),
        ),
        max_size=25,
    ),
    st.sampled_from(sorted(_RAW_PARSERS)),
)
def test_a_shape_reads_only_cells_that_are_their_own_cleaned_text(
    column: list[str | None], kind: str
) -> None:
    """cleaned_and_parsed cleans only the cells no shape reads: polars' own
    formats skip leading spaces, so a declared format's shape must refuse
    them, or ``" 10/05/2026"`` would keep its space as its text."""
    parser = _RAW_PARSERS[kind]()
    frame = pl.DataFrame({"t": [*column, *_AMOUNT_EDGES, *_DATE_EDGES]}, schema={"t": pl.String})
    with every_affix():
        both = frame.select(cleaned_and_parsed(pl.col("t"), parser).alias("s")).unnest("s")
    cleaned = frame.select(clean_text("t").alias("text"))
    assert both["text"].to_list() == cleaned["text"].to_list()
    expected = cleaned.select(parser(pl.col("text")).alias("value"))["value"]
    assert_series_equal(both["value"], expected)
