"""Cell parsing (SCHEMA.md "Types"), one expression at a time on a one-column frame.

Each parser receives *cleaned* text (trimmed, missing tokens already null);
null out means "does not parse", which ``schema.py`` reports as a bad cell.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_series_equal

from crmkpi.canonical import TABLES
from crmkpi.sources.cells import (
    CellRules,
    _any_amount,
    _any_date,
    _any_datetime,
    _any_integer,
    _plain_number,
    amount_currency,
    amount_parser,
    date_parser,
    datetime_parser,
    integer_parser,
    normalise_vocabulary,
    parse_amount,
    parse_date,
    parse_datetime,
    parse_integer,
)
from crmkpi.sources.fallback import Parser, clean_text, cleaned_and_parsed
from crmkpi.sources.persian import parse_jalali_date, to_ascii_digits

BERLIN = "Europe/Berlin"
UTC_RULES = CellRules()
BERLIN_RULES = CellRules(timezone=BERLIN)


def apply(values: list[str | None], expr: Callable[[pl.Expr], pl.Expr]) -> pl.Series:
    frame = pl.DataFrame({"x": values}, schema={"x": pl.String})
    return frame.select(expr(pl.col("x")).alias("v")).to_series()


def dates(values: list[str | None], rules: CellRules = UTC_RULES) -> list[date | None]:
    series = apply(values, lambda e: parse_date(e, rules))
    assert series.dtype == pl.Date
    return series.to_list()


def one_date(text: str, rules: CellRules = UTC_RULES) -> date | None:
    return dates([text], rules)[0]


def instants(values: list[str | None], rules: CellRules = UTC_RULES) -> list[datetime | None]:
    """Parsed datetimes as UTC instants (so a wrong offset cannot compare equal)."""
    series = apply(values, lambda e: parse_datetime(e, rules))
    assert series.dtype == pl.Datetime("us", rules.zone)
    return [None if v is None else v.astimezone(UTC) for v in series.to_list()]


def one_instant(text: str, rules: CellRules = UTC_RULES) -> datetime | None:
    return instants([text], rules)[0]


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def amounts(values: list[str | None], rules: CellRules = UTC_RULES) -> list[float | None]:
    return apply(values, lambda e: parse_amount(e, rules)).to_list()


# --- date -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-10-05", date(2026, 10, 5)),
        ("2026-10-05T14:30:00", date(2026, 10, 5)),
        ("2026-10-05 14:30:00", date(2026, 10, 5)),
        ("2026-10-05T14:30", date(2026, 10, 5)),
        ("2026-10-05 14:30", date(2026, 10, 5)),
        ("2026-10-05T23:59:59.000Z", date(2026, 10, 5)),  # Salesforce
        ("2026-02-28", date(2026, 2, 28)),
        ("2024-02-29", date(2024, 2, 29)),  # leap day
    ],
)
def test_iso_dates_and_datetimes_give_their_date(text: str, expected: date) -> None:
    assert one_date(text) == expected


def test_naive_datetime_keeps_its_written_date_in_any_zone() -> None:
    # No offset: the date is as written, even late in the evening in Berlin.
    assert one_date("2026-10-31T23:30:00", BERLIN_RULES) == date(2026, 10, 31)
    assert one_date("2026-10-31 23:30", BERLIN_RULES) == date(2026, 10, 31)


@pytest.mark.parametrize(
    ("text", "timezone", "expected"),
    [
        # 23:30 at -02:00 is 01:30 UTC on Nov 1, 02:30 in Berlin (CET): Nov 1.
        ("2026-10-31T23:30:00-02:00", BERLIN, date(2026, 11, 1)),
        # 23:30 UTC is 00:30 in Berlin (CET) the next day.
        ("2026-10-31T23:30:00Z", BERLIN, date(2026, 11, 1)),
        ("2026-10-31T23:30:00.000Z", BERLIN, date(2026, 11, 1)),
        ("2026-10-31T23:30:00.000Z", "UTC", date(2026, 10, 31)),
        # 00:30 at +02:00 is 22:30 UTC the day before.
        ("2026-10-05T00:30:00+02:00", "UTC", date(2026, 10, 4)),
        ("2026-10-05T00:30:00+0200", "UTC", date(2026, 10, 4)),
        # 20:00 at -05:00 is 01:00 UTC the next day.
        ("2026-10-05T20:00:00-0500", "UTC", date(2026, 10, 6)),
    ],
)
def test_date_with_offset_is_converted_to_the_zone(
    text: str, timezone: str, expected: date
) -> None:
    assert one_date(text, CellRules(timezone=timezone)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2026-02-30",  # no such day
        "2026-13-01",
        "2026-10-05 25:00",  # no such hour
        "2026-10-05T14:61",
        "05/10/2026",  # not ISO, no date_format given
        "2026-10-5x",
        "yesterday",
        "46000",  # a serial number outside a workbook
    ],
)
def test_impossible_or_foreign_dates_are_null(text: str) -> None:
    assert one_date(text) is None


def test_null_stays_null() -> None:
    assert dates([None, "2026-10-05"]) == [None, date(2026, 10, 5)]


def test_excel_serial_only_in_workbooks() -> None:
    # Excel's epoch is 1899-12-30 (serial 1 = 1900-01-01 through the 1900 leap bug).
    expected = date(1899, 12, 30) + timedelta(days=46000)
    assert expected == date(2025, 12, 9)
    assert one_date("46000", CellRules(excel=True)) == expected
    assert one_date("46000.75", CellRules(excel=True)) == expected  # 18:00 that day
    assert one_date("46000", CellRules(excel=False)) is None
    # ISO still works in a workbook.
    assert one_date("2026-01-05 00:00:00", CellRules(excel=True)) == date(2026, 1, 5)


def test_custom_date_format_adds_to_iso() -> None:
    rules = CellRules(date_format=("%d/%m/%Y",))
    assert dates(["05/10/2026", "31/12/2025", "31/02/2026", "2026-10-05"], rules) == [
        date(2026, 10, 5),
        date(2025, 12, 31),
        None,  # no Feb 31
        date(2026, 10, 5),  # ISO is accepted whatever the source's format
    ]


# --- datetime ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-10-05T14:30:00", utc(2026, 10, 5, 14, 30)),
        ("2026-10-05 14:30:00", utc(2026, 10, 5, 14, 30)),
        ("2026-10-05T14:30", utc(2026, 10, 5, 14, 30)),
        ("2026-10-05 14:30", utc(2026, 10, 5, 14, 30)),
        ("2026-10-05 14:30:15", utc(2026, 10, 5, 14, 30, 15)),
        ("2026-10-05T14:30:00.000Z", utc(2026, 10, 5, 14, 30)),  # Salesforce
        ("2026-10-05", utc(2026, 10, 5)),  # a date is taken as 00:00
    ],
)
def test_iso_datetimes_in_utc(text: str, expected: datetime) -> None:
    assert one_instant(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2026-10-05T14:30:00+02:00",
        "2026-10-05T12:30:00Z",
        "2026-10-05T12:30:00.000Z",
        "2026-10-05T07:30:00-0500",
        "2026-10-05T07:30:00-05:00",
    ],
)
def test_datetime_offsets_are_converted_to_the_zone(text: str) -> None:
    # All the same instant: 12:30 UTC = 14:30 in Berlin (CEST, +02:00).
    series = apply([text], lambda e: parse_datetime(e, BERLIN_RULES))
    assert series.dtype == pl.Datetime("us", BERLIN)
    value = series[0]
    assert value.astimezone(UTC) == utc(2026, 10, 5, 12, 30)
    assert value.replace(tzinfo=None) == datetime(2026, 10, 5, 14, 30)


def test_naive_datetime_is_taken_as_local() -> None:
    # 14:30 in Berlin in October (CEST, +02:00) is 12:30 UTC; in January (CET) 13:30.
    assert instants(["2026-10-05T14:30:00", "2026-01-05 14:30"], BERLIN_RULES) == [
        utc(2026, 10, 5, 12, 30),
        utc(2026, 1, 5, 13, 30),
    ]


def test_dst_gap_is_null() -> None:
    # Berlin clocks jump from 02:00 to 03:00 on 2026-03-29: 02:30 never happens.
    assert one_instant("2026-03-29T02:30:00", BERLIN_RULES) is None
    assert one_instant("2026-03-29T03:30:00", BERLIN_RULES) == utc(2026, 3, 29, 1, 30)


def test_dst_fold_takes_the_earlier_instant() -> None:
    # Berlin clocks go back from 03:00 to 02:00 on 2026-10-25: 02:30 happens twice,
    # first in CEST (+02:00, 00:30 UTC), then in CET (+01:00, 01:30 UTC).
    series = apply(["2026-10-25T02:30:00"], lambda e: parse_datetime(e, BERLIN_RULES))
    value = series[0]
    assert value.astimezone(UTC) == utc(2026, 10, 25, 0, 30)
    assert value.utcoffset() == timedelta(hours=2)


# --- one clock: the source's zone reads naive times, the report's takes days ---
#
# Tehran is +03:30 all year since 2022: 00:42 there is 21:12 UTC the day before.
TEHRAN_TO_UTC = CellRules(timezone="Asia/Tehran", report_zone="UTC")
UTC_TO_TEHRAN = CellRules(timezone="UTC", report_zone="Asia/Tehran")


@pytest.mark.parametrize(
    "text",
    [
        "2026-10-05T00:42:00",
        "2026-10-05 00:42",
        "2026-10-05T00:42:00+03:30",
        "2026-10-04T21:12:00Z",
    ],
)
def test_naive_times_are_read_in_the_source_zone_and_given_in_the_report_zone(text: str) -> None:
    series = apply([text], lambda e: parse_datetime(e, TEHRAN_TO_UTC))
    assert series.dtype == pl.Datetime("us", "UTC")
    assert series[0] == utc(2026, 10, 4, 21, 12)


def test_a_date_time_in_a_date_column_gives_its_day_in_the_report_zone() -> None:
    # A time (or an offset) makes the cell an instant: its day is the report zone's.
    assert dates(["2026-10-05 00:42", "2026-10-05T00:42:00+03:30"], TEHRAN_TO_UTC) == [
        date(2026, 10, 4),
        date(2026, 10, 4),
    ]
    # 21:12 UTC is 00:42 the next day in Tehran.
    assert one_date("2026-10-04 21:12", UTC_TO_TEHRAN) == date(2026, 10, 5)
    # Excel serial 46300.9 = 2026-10-05 21:36 UTC = 10-06 01:06 in Tehran.
    assert one_date("46300.9", replace(UTC_TO_TEHRAN, excel=True)) == date(2026, 10, 6)
    formats = CellRules(timezone="Asia/Tehran", report_zone="UTC", date_format=("%m/%d/%Y %H:%M",))
    assert one_date("10/05/2026 00:42", formats) == date(2026, 10, 4)


@pytest.mark.parametrize(
    "rules", [TEHRAN_TO_UTC, UTC_TO_TEHRAN], ids=["Tehran->UTC", "UTC->Tehran"]
)
def test_a_date_alone_never_shifts(rules: CellRules) -> None:
    assert one_date("2026-10-05", rules) == date(2026, 10, 5)
    assert one_date("2026-10-05", replace(rules, excel=True)) == date(2026, 10, 5)
    assert one_date("46300", replace(rules, excel=True)) == date(2026, 10, 5)
    # In a date-time column a date alone starts its day in the report zone.
    assert apply(["2026-10-05"], lambda e: parse_datetime(e, rules))[0].date() == date(2026, 10, 5)
    us = replace(rules, date_format=("%m/%d/%Y",))
    assert apply(["10/05/2026"], lambda e: parse_datetime(e, us))[0].date() == date(2026, 10, 5)


def test_a_jalali_date_time_gives_its_day_in_the_report_zone() -> None:
    jalali = replace(TEHRAN_TO_UTC, calendar="jalali")
    # 1405/07/13 = 2026-10-05; 00:42 in Tehran is 21:12 UTC on 10-04.
    persian = "1405/07/13 00:42".translate(
        str.maketrans("0123456789", "".join(map(chr, range(0x06F0, 0x06FA))))
    )
    assert one_instant(persian, jalali) == utc(2026, 10, 4, 21, 12)
    assert dates(["1405/07/13 00:42", "1405/07/13", "1405/07/13 10:00"], jalali) == [
        date(2026, 10, 4),
        date(2026, 10, 5),
        date(2026, 10, 5),
    ]
    start = apply(["1405/07/13"], lambda e: parse_datetime(e, jalali))[0]
    assert start == utc(2026, 10, 5)  # a date alone: its day's first instant in UTC


@pytest.mark.parametrize(
    "text",
    ["2026-02-30T10:00:00", "2026-10-05 25:00", "2026-10-05T14:60:00", "14:30", "noon"],
)
def test_impossible_datetimes_are_null(text: str) -> None:
    assert one_instant(text) is None


def test_excel_serial_datetime_only_in_workbooks() -> None:
    # 46000.5 = 2025-12-09 12:00, taken as local time in the zone.
    assert one_instant("46000.5", CellRules(excel=True)) == utc(2025, 12, 9, 12)
    assert one_instant("46000.5", CellRules(timezone=BERLIN, excel=True)) == utc(2025, 12, 9, 11)
    assert one_instant("46000.5", UTC_RULES) is None


def test_datetime_with_custom_format() -> None:
    rules = CellRules(date_format=("%d/%m/%Y %H:%M",))
    assert instants(["05/10/2026 14:30", "2026-10-05T14:30:00"], rules) == [
        utc(2026, 10, 5, 14, 30),
        utc(2026, 10, 5, 14, 30),
    ]


# --- amount -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234.50", 1234.5),
        ("1234", 1234.0),
        ("0", 0.0),
        ("1,234.50", 1234.5),
        ("1,234,567.89", 1234567.89),
        ("$1,234.50", 1234.5),
        ("€ 99", 99.0),
        ("USD 1,200.00", 1200.0),
        ("1,200.00 USD", 1200.0),
        ("1.5E+3", 1500.0),
        ("2e3", 2000.0),
        (".5", 0.5),
        ("-5", -5.0),  # parsed; validation rejects negative amounts
    ],
)
def test_amounts_with_point_decimal(text: str, expected: float) -> None:
    assert amounts([text]) == [pytest.approx(expected)]


@pytest.mark.parametrize(
    "text",
    [
        "12,34",  # a comma is only a thousands separator in groups of three
        "1,2345",
        "1,23",
        "1,234,56",
        "1.234,50",  # comma decimals need decimal ","
        "abc",
        "1.2.3",
        "$",
        "USD",
    ],
)
def test_bad_amounts_with_point_decimal_are_null(text: str) -> None:
    assert amounts([text]) == [None]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,50 €", 1234.5),
        ("1.234,50", 1234.5),
        ("1\u00a0234,50", 1234.5),  # no-break space
        ("1 234,50", 1234.5),
        ("1.234.567", 1234567.0),
        ("12,34", 12.34),
        ("1234", 1234.0),
        ("EUR 12,5", 12.5),
    ],
)
def test_amounts_with_comma_decimal(text: str, expected: float) -> None:
    assert amounts([text], CellRules(decimal=",")) == [pytest.approx(expected)]


@pytest.mark.parametrize("text", ["1,234.50", "1.23,4", "abc"])
def test_bad_amounts_with_comma_decimal_are_null(text: str) -> None:
    assert amounts([text], CellRules(decimal=",")) == [None]


def test_amount_factor_is_not_the_parsers() -> None:
    """The parser reads the number written; amount_factor (and any rate) is
    applied by money.py, to the cells that name no currency only."""
    rules = CellRules(amount_factor=0.1)
    assert amounts(["12,340", "1500 ریال", None, "abc"], rules) == [12340.0, 1500.0, None, None]


@pytest.mark.parametrize(
    ("text", "currency"),
    [
        ("1,234.50", None),
        ("$1,234.50", "$"),
        ("1200 usd", "USD"),
        ("EUR 5000", "EUR"),
        ("£5000", "GBP"),
        ("5000 JPY", "JPY"),
        ("¥30", "¥"),
        ("5 €", "EUR"),
        ("\u06f5\u06f0\u06f0 ریال", "IRR"),  # Persian digits
        ("5 تومان", "IRT"),
        ("5 ﷼", "IRR"),
        ("5 mln", None),  # 3 letters that name no currency: no currency, and no amount
        ("1e5", None),
    ],
)
def test_the_currency_an_amount_names(text: str, currency: str | None) -> None:
    rules = CellRules(calendar="jalali")
    assert apply([text], lambda e: amount_currency(e, rules)).to_list() == [currency]


@pytest.mark.parametrize(
    "text", ["5 mln", "1.5 Mio", "10 TSD", "5 pcs", "abc5", "5k", "EUR 5 USD", "US$ 5", "5 Mio."]
)
def test_unit_words_and_stray_letters_are_never_stripped(text: str) -> None:
    assert amounts([text]) == [None]
    assert amounts([text], CellRules(decimal=",")) == [None]


# --- integer (scores) -------------------------------------------------------


def test_integers() -> None:
    series = apply(["9", "9.0", "10", "0", "9.5", "abc", "", None, "9.00"], parse_integer)
    assert series.to_list() == [9, 9, 10, 0, None, None, None, None, 9]
    assert series.dtype.is_integer()


# --- text -------------------------------------------------------------------


def test_clean_text_trims_and_nulls_missing_tokens() -> None:
    frame = pl.DataFrame(
        {
            "x": [
                "  NA ",
                "n/a",
                "N/A",
                "null",
                "NULL",
                "None",
                "-",
                "",
                "   ",
                "x ",
                "  a b  ",
                None,
            ]
        }
    )
    assert frame.select(clean_text("x")).to_series().to_list() == [
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        "x",
        "a b",
        None,
    ]


def test_clean_text_keeps_words_that_merely_contain_tokens() -> None:
    frame = pl.DataFrame({"x": ["NAME", "non", "--", "nan", "-5", "Nonesuch"]})
    assert frame.select(clean_text("x")).to_series().to_list() == [
        "NAME",
        "non",
        "--",
        "nan",
        "-5",
        "Nonesuch",
    ]


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.none(),
            st.sampled_from(
                [
                    "1403/07/15",
                    "\u06f1\u06f4\u06f0\u06f3/\u06f0\u06f7/\u06f1\u06f5",
                    "1403/12/30",
                    "1404/12/30",
                    "junk",
                    "",
                ]
            ),
            st.text(max_size=12),
        ),
        max_size=40,
    )
)
def test_each_distinct_equals_the_parse_of_every_cell(cells: list[str | None]) -> None:
    """The mapping table of distinct cells changes speed, never a value."""
    frame = pl.DataFrame({"t": cells}, schema={"t": pl.String})
    rules = CellRules(calendar="jalali")
    mapped = frame.select(parse_date(pl.col("t"), rules)).to_series()
    gregorian = replace(rules, calendar="gregorian")
    direct = frame.select(
        pl.coalesce(
            parse_jalali_date(to_ascii_digits(pl.col("t"))),
            parse_date(to_ascii_digits(pl.col("t")), gregorian),
        )
    ).to_series()
    assert_series_equal(mapped, direct, check_names=False)
    assert mapped.dtype == pl.Date


# --- fast paths: speed only, never a different value ------------------------

_ISO_LIKE = st.builds(
    "{}-{}-{}{}{}:{}:{}{}".format,
    st.sampled_from(["2026", "1999", "0001", "9999", "12026", "+2026", "226"]),
    st.sampled_from(["10", "1", "01", "12", "13", "00", " 1"]),
    st.sampled_from(["05", "5", "31", "30", "29", "00", "32"]),
    st.sampled_from(["T", " ", "t", "  ", "_"]),
    st.sampled_from(["14", "4", "00", "23", "24", "25", "-1"]),
    st.sampled_from(["30", "3", "59", "60"]),
    st.sampled_from(["00", "0", "59", "60", "61", "5.5"]),
    st.sampled_from(["", "Z", "+02:00", "-0530", ".123", ",5", " ", "x"]),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(st.none(), _ISO_LIKE, st.text(max_size=22), st.from_regex(r"\A[0-9T: -]{19}\Z")),
        max_size=30,
    ),
    st.sampled_from(["UTC", BERLIN, "Asia/Tehran", "America/St_Johns"]),
    st.sampled_from([None, "UTC", "Asia/Tehran"]),
)
def test_the_datetime_fast_path_never_changes_a_value(
    cells: list[str | None], source: str, zone: str | None
) -> None:
    """parse_datetime reads plain ISO cells with one strict format and sends
    the rest to the general parser: the two must agree on every cell."""
    rules = CellRules(timezone=source, report_zone=zone)
    frame = pl.DataFrame({"t": cells}, schema={"t": pl.String})
    fast = frame.select(parse_datetime(pl.col("t"), rules)).to_series()
    general = frame.select(_any_datetime(pl.col("t"), rules)).to_series()
    assert_series_equal(
        fast, general, check_names=False
    )  # not to_list: year 0 is a polars date, not a Python one
    assert fast.dtype == pl.Datetime("us", zone or source)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.none(),
            _ISO_LIKE,
            st.text(max_size=12),
            st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z"),  # the fast path's shape
            st.from_regex(r"\A[0-9+-]{1,5}-[0-9 ]{1,3}-[0-9]{1,3}\Z"),
        ),
        max_size=30,
    ),
    st.sampled_from(["UTC", BERLIN, "Pacific/Kiritimati"]),
    st.sampled_from([None, "UTC", "Asia/Tehran"]),
)
def test_dates_parsed_once_per_distinct_cell_equal_each_cell_parsed(
    cells: list[str | None], source: str, zone: str | None
) -> None:
    rules = CellRules(timezone=source, date_format=("%d/%m/%Y",), report_zone=zone)
    frame = pl.DataFrame({"t": [*cells, *cells]}, schema={"t": pl.String})  # repeats
    mapped = frame.select(parse_date(pl.col("t"), rules)).to_series()
    direct = frame.select(_any_date(pl.col("t"), rules)).to_series()
    assert_series_equal(mapped, direct, check_names=False)


_NUMBER_LIKE = st.builds(
    "{}{}{}{}".format,
    st.sampled_from(["", "+", "-", "$", "USD ", " ", "£", "abc", "-€", "¥ "]),
    st.sampled_from(
        ["0", "7", "1234", "1,234", "1.234", "00012", "9223372036854775808", "١٢", "۱۲"]
    ),
    st.sampled_from(["", ".5", ",5", ".", ".0", ".00", "e5", "E+3", ",000"]),
    st.sampled_from(
        ["", " €", "x", "%", "_0", " mln", " TSD", " pcs", "JPY", " ریال", " تومان", " IRT"]
    ),
)
_NUMBER_CELLS = st.lists(
    st.one_of(st.none(), _NUMBER_LIKE, st.text(max_size=8), st.from_regex(r"\A[-+0-9.,eE]{1,9}\Z")),
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(_NUMBER_CELLS, st.sampled_from([".", ","]), st.sampled_from(["gregorian", "jalali"]))
def test_the_amount_fast_path_never_changes_a_value(
    cells: list[str | None], decimal: str, calendar: str
) -> None:
    """Plain numbers are cast at once, the rest meet the general parser: the
    two must agree on every cell, with either decimal mark."""
    rules = CellRules(decimal=decimal, calendar=calendar)
    frame = pl.DataFrame({"t": cells}, schema={"t": pl.String})
    fast = frame.select(parse_amount(pl.col("t"), rules)).to_series()
    general = frame.select(_any_amount(pl.col("t"), rules)).to_series()
    assert fast.to_list() == general.to_list()
    assert fast.dtype == pl.Float64


@settings(max_examples=300, deadline=None)
@given(_NUMBER_CELLS, st.sampled_from([".", ","]))
def test_an_amount_names_a_currency_only_where_it_has_a_sign_or_letters(
    cells: list[str | None], decimal: str
) -> None:
    """A cell the fast path reads names no currency (so money.py never needs
    to look at it), and a cell that names a currency holds a sign or letters."""
    rules = CellRules(decimal=decimal)
    frame = pl.DataFrame({"t": cells}, schema={"t": pl.String})
    found = frame.select(
        _plain_number(pl.col("t"), decimal).alias("fast"),
        amount_currency(pl.col("t"), rules).alias("named"),
    )
    assert found.filter(pl.col("fast").is_not_null() & pl.col("named").is_not_null()).height == 0
    for cell, named in zip(cells, found["named"], strict=True):
        if named is not None:
            assert cell is not None
            assert any(not (ch.isascii() and (ch.isdigit() or ch in ".,+- ")) for ch in cell)


@settings(max_examples=300, deadline=None)
@given(_NUMBER_CELLS)
def test_the_integer_fast_path_never_changes_a_value(cells: list[str | None]) -> None:
    frame = pl.DataFrame({"t": cells}, schema={"t": pl.String})
    fast = frame.select(parse_integer(pl.col("t"))).to_series()
    general = frame.select(_any_integer(pl.col("t"))).to_series()
    assert fast.to_list() == general.to_list()
    assert fast.dtype == pl.Int64


_PADDED = st.builds(
    "{}{}{}".format,
    st.sampled_from(["", " ", "\t", "\u00a0"]),
    st.one_of(_ISO_LIKE, _NUMBER_LIKE, st.sampled_from(["N/A", "na", "NULL", "None", "-", ""])),
    st.sampled_from(["", " ", "  "]),
)
_PARSERS: dict[str, Callable[[], Parser]] = {
    "date": lambda: date_parser(CellRules(timezone=BERLIN, date_format=("%d/%m/%Y",))),
    "datetime": lambda: datetime_parser(CellRules(timezone=BERLIN)),
    "datetime, Tehran to UTC": lambda: datetime_parser(TEHRAN_TO_UTC),
    "date, UTC to Tehran": lambda: date_parser(replace(UTC_TO_TEHRAN, date_format=("%d/%m/%Y",))),
    "amount": lambda: amount_parser(CellRules(amount_factor=0.1)),
    "amount, decimal comma": lambda: amount_parser(CellRules(decimal=",")),
    "score": integer_parser,
}


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.one_of(st.none(), _PADDED, st.text(max_size=10)), max_size=30),
    st.sampled_from(sorted(_PARSERS)),
)
def test_parsing_raw_cells_equals_parsing_cleaned_ones(cells: list[str | None], kind: str) -> None:
    """cleaned_and_parsed cleans only the cells its fast path leaves: its text
    and values must be clean_text's and the parser's over the cleaned column."""
    parser = _PARSERS[kind]()
    frame = pl.DataFrame({"t": cells}, schema={"t": pl.String})
    both = frame.select(cleaned_and_parsed(pl.col("t"), parser).alias("s")).unnest("s")
    cleaned = frame.select(clean_text("t").alias("text"))
    assert both["text"].to_list() == cleaned["text"].to_list()
    expected = cleaned.select(parser(pl.col("text")).alias("value"))["value"]
    assert_series_equal(both["value"], expected)
    assert both["value"].dtype == parser.dtype


def test_canonical_vocabulary_values_are_already_normalised() -> None:
    """A vocabulary column keeps canonical values as they are and normalises
    only the rest (validation.typed_value): right only if each canonical value
    is its own normal form."""
    for table in TABLES.values():
        for column in table.columns:
            values = pl.Series(list(column.vocabulary), dtype=pl.String)
            normalised = pl.select(normalise_vocabulary(pl.lit(values))).to_series()
            assert normalised.to_list() == values.to_list(), (table.name, column.name)
