"""Persian digits and letters, and Jalali dates (crmkpi.sources.persian).

The conversion in the module is jalaali-js's (Borkowski's breaks table, Nowruz
from leap-day counts). ``reference_days`` below is an independent one: walk
day by day from a known Nowruz, with leap years from the plain 33-year
arithmetic rule. Both were also compared, outside this suite, with ICU's
persian calendar (Node 20.20 ``Intl.DateTimeFormat("en-US-u-ca-persian")``,
ICU 78.2) for every day of 1300-1500 AP: 73,414 days, no difference. Each
known date below was also read off that ICU dump.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmkpi.sources import persian
from crmkpi.sources.persian import (
    extract_year,
    jalali_to_gregorian,
    looks_gregorian,
    normalise_persian_text,
    parse_jalali_date,
    parse_jalali_datetime,
    to_ascii_digits,
)

TEHRAN = "Asia/Tehran"
# Persian (U+06F0..) and Arabic-Indic (U+0660..) digits, written as escapes so
# the file stays free of look-alike characters.
PERSIAN = str.maketrans("0123456789", "".join(chr(0x06F0 + i) for i in range(10)))
ARABIC = str.maketrans("0123456789", "".join(chr(0x0660 + i) for i in range(10)))
ZWNJ, RLM, LRM = "\u200c", "\u200f", "\u200e"


def apply(values: list[str | None], expr: Callable[[pl.Expr], pl.Expr]) -> list[object]:
    frame = pl.DataFrame({"x": values}, schema={"x": pl.String})
    return frame.select(expr(pl.col("x")).alias("v")).to_series().to_list()


def one_date(text: str) -> object:
    return apply([text], parse_jalali_date)[0]


# --- the independent reference -------------------------------------------------

# 1 Farvardin 1300 = 21 March 1921: jalaali-js's KNOWN_PAIRS (test/index.test.ts,
# checked there against ICU) give 1304/01/02 = 1925-03-22, and 1300-1303 hold
# one leap year (1300), so 1300/01/01 is 366 + 3 x 365 = 1461 days earlier.
EPOCH_YEAR, EPOCH = 1300, date(1921, 3, 21)


def reference_is_leap(year: int) -> bool:
    """The 33-year arithmetic rule (8 leap years per 33; also ICU's rule)."""
    return (8 * year + 29) % 33 < 8


def reference_month_length(year: int, month: int) -> int:
    if month <= 6:
        return 31
    if month <= 11:
        return 30
    return 30 if reference_is_leap(year) else 29


@cache
def reference_days() -> dict[tuple[int, int, int], date]:
    """Every Jalali day of 1300-1500 with its Gregorian date, by counting days."""
    days: dict[tuple[int, int, int], date] = {}
    current = EPOCH
    for year in range(EPOCH_YEAR, 1501):
        for month in range(1, 13):
            for day in range(1, reference_month_length(year, month) + 1):
                days[year, month, day] = current
                current += timedelta(days=1)
    return days


def test_reference_leap_years_agree_with_jalaali_js() -> None:
    # KNOWN_LEAP_YEARS / KNOWN_COMMON_YEARS of jalaali-js test/index.test.ts.
    leap = [1300, 1309, 1321, 1333, 1346, 1358, 1370, 1383, 1395, 1403, 1412, 1424, 1436, 1449]
    common = [1301, 1302, 1369, 1371, 1372, 1373, 1374, 1376, 1377, 1378, 1380, 1390, 1392]
    common += [1393, 1394, 1396, 1397, 1398, 1400, 1401, 1402, 1404]
    assert all(reference_is_leap(y) for y in leap)
    assert not any(reference_is_leap(y) for y in common)


# --- known dates -------------------------------------------------------------


@pytest.mark.parametrize(
    ("jalali", "gregorian"),
    [
        # Nowruz, 1 Farvardin (jalaali-js KNOWN_PAIRS for 1400, 1403, 1404; ICU):
        ("1300/01/01", date(1921, 3, 21)),
        ("1400/01/01", date(2021, 3, 21)),
        ("1402/01/01", date(2023, 3, 21)),
        ("1403/01/01", date(2024, 3, 20)),  # equinox 2024-03-20 03:06 UTC, before Tehran noon
        ("1404/01/01", date(2025, 3, 21)),
        # 22 Bahman 1357: the revolution's day, 11 February 1979.
        ("1357/11/22", date(1979, 2, 11)),
        # 1403/01/01 + 6 x 31 + 14 days = 2024-03-20 + 200 days = 2024-10-06.
        ("1403/07/15", date(2024, 10, 6)),
        # Esfand 30 of the leap years 1399 and 1403: the eve of the next Nowruz.
        ("1399/12/30", date(2021, 3, 20)),
        ("1403/12/30", date(2025, 3, 20)),
        # jalaali-js README (toGregorian(1395, 1, 23)) and KNOWN_PAIRS.
        ("1395/01/23", date(2016, 4, 11)),
        ("1378/10/11", date(2000, 1, 1)),
        ("1402/12/29", date(2024, 3, 19)),
    ],
)
def test_known_dates(jalali: str, gregorian: date) -> None:
    assert one_date(jalali) == gregorian
    assert one_date(jalali.translate(PERSIAN)) == gregorian
    assert one_date(jalali.translate(ARABIC)) == gregorian


def test_every_day_of_1300_to_1500_matches_the_reference() -> None:
    days = reference_days()
    frame = pl.DataFrame(
        {
            "y": [k[0] for k in days],
            "m": [k[1] for k in days],
            "d": [k[2] for k in days],
            "expected": list(days.values()),
        }
    )
    got = frame.select(jalali_to_gregorian(pl.col("y"), pl.col("m"), pl.col("d"))).to_series()
    assert frame.height == 73_414
    assert got.dtype == pl.Date
    assert got.to_list() == frame["expected"].to_list()


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        # months 0 and 13, days 0 and 32: invalid triples too
        st.tuples(st.integers(1300, 1500), st.integers(0, 13), st.integers(0, 32)),
        min_size=1,
        max_size=50,
    )
)
def test_any_triple_matches_the_reference_or_is_null(triples: list[tuple[int, int, int]]) -> None:
    frame = pl.DataFrame(triples, schema=["y", "m", "d"], orient="row")
    got = frame.select(jalali_to_gregorian(pl.col("y"), pl.col("m"), pl.col("d"))).to_series()
    assert got.to_list() == [reference_days().get(t) for t in triples]


@cache
def reference_jalali() -> dict[date, tuple[int, int, int]]:
    return {g: j for j, g in reference_days().items()}


LAYOUTS = ["{y}/{m:02}/{d:02}", "{y}/{m}/{d}", "{y}-{m:02}-{d:02}"]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.dates(date(1921, 3, 21), date(2122, 3, 20)),
            st.sampled_from(LAYOUTS),
            st.sampled_from([None, PERSIAN, ARABIC]),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_gregorian_to_jalali_text_parses_back(
    cases: list[tuple[date, str, dict[int, str] | None]],
) -> None:
    texts = []
    for gregorian, layout, digits in cases:
        y, m, d = reference_jalali()[gregorian]
        text = layout.format(y=y, m=m, d=d)
        texts.append(text.translate(digits) if digits else text)
    expected = [g for g, _, _ in cases]
    assert apply(texts, parse_jalali_date) == expected
    midnights = [datetime(g.year, g.month, g.day, tzinfo=UTC) for g in expected]
    assert apply(texts, lambda e: parse_jalali_datetime(e, "UTC")) == midnights


def jalaali_js_nowruz(jy: int) -> date:
    """jalaali-js ``jalCal(jy, true)`` transcribed as its scalar loop (Borkowski's
    breaks table): a second implementation of the calendar, independent of
    jdatetime, which the module's table of year starts comes from."""
    breaks = [-61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210]
    breaks += [1635, 2060, 2097, 2192, 2262, 2324, 2394, 2456, 3178]
    leap_j, jp, jump = -14, breaks[0], 0
    for jm in breaks[1:]:
        jump = jm - jp
        if jy < jm:
            break
        leap_j += jump // 33 * 8 + jump % 33 // 4
        jp = jm
    n = jy - jp
    leap_j += n // 33 * 8 + (n % 33 + 3) // 4
    if jump % 33 == 4 and jump - n == 4:
        leap_j += 1
    gy = jy + 621
    leap_g = gy // 4 - (gy // 100 + 1) * 3 // 4 - 150
    return date(gy, 3, 20 + leap_j - leap_g)


def test_nowruz_of_every_modern_year_matches_jalaali_js() -> None:
    """1178-1634 AP (1799-2255 CE): the two implementations agree on every year.
    Outside it they differ on 77 years (ancient and far-future leap rules);
    crmkpi uses jdatetime's everywhere, so input dates and periods agree."""
    years = list(range(1178, 1635))
    frame = pl.DataFrame({"y": years})
    got = frame.select(jalali_to_gregorian(pl.col("y"), pl.lit(1), pl.lit(1))).to_series()
    assert got.to_list() == [jalaali_js_nowruz(y) for y in years]


# --- validity ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "1400/12/30",  # 1400 is common: Esfand has 29 days
        "1403/13/01",
        "1403/00/10",
        "1403/07/31",  # months 7-11 have 30 days
        "1403/01/32",
        "1403/01/00",
        "1403/07-15",  # mixed separators
        "14030715",
        "03/07/15",
        "1403/07/15 24:00",
        "1403/07/15 14:60",
        "1403/07/15 14",
        "14:30",
        "today",
        "",
    ],
)
def test_invalid_text_gives_null(text: str) -> None:
    assert one_date(text) is None
    assert apply([text], lambda e: parse_jalali_datetime(e, TEHRAN)) == [None]


def test_leap_years_have_esfand_30() -> None:
    years = pl.DataFrame({"y": [1399, 1400, 1403, 1404, 1408]})
    got = years.select(jalali_to_gregorian(pl.col("y"), pl.lit(12), pl.lit(30))).to_series()
    assert got.to_list() == [date(2021, 3, 20), None, date(2025, 3, 20), None, date(2030, 3, 20)]


def test_years_outside_the_table_are_null() -> None:
    frame = pl.DataFrame({"y": [0, 1, 1699, 1700]})
    got = frame.select(jalali_to_gregorian(pl.col("y"), pl.lit(1), pl.lit(1))).to_series()
    assert got.to_list() == [None, date(622, 3, 21), date(2320, 3, 21), None]


# --- layouts and datetimes ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "wall"),
    [
        ("1403/07/15", datetime(2024, 10, 6)),
        ("1403/7/5", datetime(2024, 9, 26)),
        ("1403-07-15", datetime(2024, 10, 6)),
        ("1403/07/15 14:30", datetime(2024, 10, 6, 14, 30)),
        ("1403/07/15 14:30:05", datetime(2024, 10, 6, 14, 30, 5)),
        ("1403/07/15 23:59:59", datetime(2024, 10, 6, 23, 59, 59)),
        ("1403/07/15 0:00", datetime(2024, 10, 6)),
        ("1403/07/15T14:30", datetime(2024, 10, 6, 14, 30)),
        ("  1403/07/15   9:05 ", datetime(2024, 10, 6, 9, 5)),
        ("14:30 1403/07/15", datetime(2024, 10, 6, 14, 30)),
        ("1403/07/15 14:30".translate(PERSIAN), datetime(2024, 10, 6, 14, 30)),
        ("14:30:05 1403/07/15".translate(ARABIC), datetime(2024, 10, 6, 14, 30, 5)),
        (f"{RLM}1403/07/15{LRM} 14:30", datetime(2024, 10, 6, 14, 30)),
    ],
)
def test_accepted_layouts(text: str, wall: datetime) -> None:
    assert one_date(text) == wall.date()
    [instant] = apply([text], lambda e: parse_jalali_datetime(e, TEHRAN))
    assert isinstance(instant, datetime)
    assert instant.replace(tzinfo=None) == wall


def test_tehran_time_gives_the_utc_instant() -> None:
    # Iran Standard Time is UTC+03:30 with no DST since 2022: 14:30 - 3:30 = 11:00 UTC.
    frame = pl.DataFrame({"x": ["1403/07/15 14:30"]})
    got = frame.select(parse_jalali_datetime(pl.col("x"), TEHRAN).alias("t"))
    assert got.schema["t"] == pl.Datetime("us", TEHRAN)
    utc = got.select(pl.col("t").dt.convert_time_zone("UTC")).item()
    assert utc == datetime(2024, 10, 6, 11, 0, tzinfo=UTC)


def test_tehran_dst_before_2022() -> None:
    # Until 2022 Tehran moved to +04:30 at 24:00 on 1 Farvardin (tzdata Asia/Tehran):
    # 1400/01/02 00:00-00:59 did not exist. A date alone is still a valid day, and
    # starts at 01:00 +04:30 = 20:30 UTC the evening before; a written 00:30 is null.
    got = apply(
        ["1400/01/02", "1400/01/02 00:30", "1400/06/15 12:00"],
        lambda e: parse_jalali_datetime(e, TEHRAN).dt.convert_time_zone("UTC"),
    )
    assert got == [
        datetime(2021, 3, 21, 20, 30, tzinfo=UTC),
        None,
        datetime(2021, 9, 6, 7, 30, tzinfo=UTC),  # summer: 12:00 - 4:30
    ]


# --- digits and text ---------------------------------------------------------


def test_to_ascii_digits() -> None:
    thousands, decimal = "\u066c", "\u066b"
    got = apply(
        [
            f"12{thousands}345{decimal}67".translate(PERSIAN),
            f"12{thousands}345{decimal}67".translate(ARABIC),
            f"\ufeff{RLM}1403{ZWNJ}\u061c",
            "Deal 42, $1,200.50",
            None,
        ],
        to_ascii_digits,
    )
    assert got == ["12,345.67", "12,345.67", "1403", "Deal 42, $1,200.50", None]


def test_normalise_persian_text() -> None:
    arabic_yeh, arabic_kaf = "\u064a", "\u0643"
    persian_yeh, persian_kaf = "\u06cc", "\u06a9"
    open_ = f"جار{persian_yeh}"  # "open" in Didar
    got = apply(
        [
            f"جار{arabic_yeh}",
            f" {RLM}جار{persian_yeh}{LRM} ",
            f"مرحله{ZWNJ}  {arabic_kaf}ار  " + "2".translate(PERSIAN),
        ],
        normalise_persian_text,
    )
    assert got == [open_, open_, f"مرحله {persian_kaf}ار 2"]


def test_gregorian_dates_in_a_jalali_column() -> None:
    texts = ["2024/10/06", "1403/07/15", "1699/01/01", "1700/01/01", "junk", None]
    assert apply(texts, extract_year) == [2024, 1403, 1699, 1700, None, None]
    flags = apply(texts, lambda e: looks_gregorian(extract_year(e)))
    assert flags == [True, False, False, True, None, None]
    assert apply(texts, parse_jalali_date)[0] is None  # not 2645-12-27


def test_only_polars_and_the_calendar_module_are_needed() -> None:
    tree = ast.parse(Path(persian.__file__).read_text(encoding="utf-8"))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }
    assert imported == {"__future__", "datetime", "functools", "polars", "crmkpi.calendars"}
