# ruff: noqa: RUF002, RUF003 - Persian digits and separators are the subject here
"""The sample as an Iranian business keeps it: Didar exports plus Jalali canonical files.

``persian_files`` relabels the Gregorian sample's rows, it draws nothing, so
the Jalali folder and the Gregorian one hold the same business and give the
same KPI values. Customers, deals and tickets become Didar exports (the
didar preset reads them as they are: Persian headers, Jalali dates on the
Tehran wall clock, Persian digits, ``٬``/``٫`` in amounts, Persian status and
stage words), and every customer_id is the customer's name, the key
those exports share (``_keyed_by_name``). Leads, surveys, spend and deal
stages, which Didar does not export, keep canonical headers but are written
the same Persian way; the config from ``jalali_config`` declares them
``calendar: jalali`` and maps their Persian status words back.

Amounts stay in the sample's unit, read as Toman (amount_factor 1): a Rial
file would need a factor of 0.1, and ``x * 0.1`` does not give back ``x / 10``
exactly, so money KPIs would no longer equal the Gregorian sample's.

Times are the sample's naive wall-clock times, written unchanged as Tehran
times (the preset's zone) for a config that reports in Asia/Tehran: each
ticket falls on the day it falls on in the Gregorian folder read in UTC (the
built-in default), and response times are equal while Tehran has no DST
(none since 2022; before, ``tehran_clock`` moves the few times that fall in a
spring gap, and durations across a DST change differ by that hour).

Everything is vectorised: the Jalali text of each distinct day is computed
once with jdatetime (``calendars.day_label``, about 1,100 days for a three-year history), in Persian
digits, and looked up per row; times and numbers swap digits with
``str.replace_many``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import polars as pl
import yaml

from crmkpi.calendars import day_label
from crmkpi.sample._persian_vocab import (
    DIDAR_FILES,
    HEADERS,
    LEAD_STATUSES,
    SPEND_KINDS_FA,
    WORDS,
    Words,
)

TEHRAN = "Asia/Tehran"
CURRENCY = "IRT"
"""Toman. Not an ISO 4217 code (IRR is the Rial), but the one Iranian payment
services use; plain ASCII keeps every report format (terminal, CSV, JUnit)
free of mixed-direction text, and the amounts are Toman, not Rial."""
_ASCII_DIGITS = [str(i) for i in range(10)]
_PERSIAN_DIGITS = [chr(0x06F0 + i) for i in range(10)]
_THOUSANDS = "\u066c"  # Arabic thousands separator ٬
_DECIMAL = "\u066b"  # Arabic decimal separator ٫
_HEADER_COMMENT = """\
# crmkpi config of the Jalali sample (crmkpi sample --calendar jalali).
# Didar exports (preset didar: Persian headers, Jalali dates on the Asia/Tehran
# clock, Persian digits): {didar}.
# The other files hold the tables Didar does not export, with canonical
# headers, Jalali dates and Persian words.
# Amounts are Toman (amount_factor 1); for amounts in Rial use amount_factor: 0.1.
"""


def file_name(table: str) -> str:
    """The file a table of the Jalali sample is written to."""
    return DIDAR_FILES.get(table, f"{table}.csv")


def persian_files(tables: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """File name → text frame, for canonical frames in canonical column order.

    Cells are final text (null = empty cell); row order is the input's. Dates
    become ``۱۴۰۵/۰۷/۰۱``, datetimes ``۱۴۰۵/۰۷/۰۱ ۱۴:۳۰:۰۵`` (seconds kept: first
    response hours must equal the Gregorian file's), amounts ``۳٬۷۲۹٫۸۹``.
    """
    tables = _keyed_by_name(tables)
    tables = {name: frame.with_columns(_on_tehran_clock(frame)) for name, frame in tables.items()}
    days = jalali_days(pl.concat([_days(frame) for frame in tables.values()]))
    return {file_name(name): _persian_table(name, frame, days) for name, frame in tables.items()}


def _keyed_by_name(tables: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """Every ``customer_id`` as the customer's name, the key Didar's deals and
    tickets exports carry (the didar preset keys customers by it). A name
    that repeats gets `` (2)``, `` (3)`` … in id order, so each names one
    customer; the customers file keeps the code as an attribute (``کد``). A
    customers table without names is named by its codes."""
    customers = tables.get("customers")
    if customers is None:
        return tables
    if "name" not in customers.columns:
        customers = customers.with_columns(pl.col("customer_id").alias("name"))
    repeat = pl.col("name").cum_count().over("name")
    unique = pl.when(repeat > 1).then(pl.format("{} ({})", "name", repeat)).otherwise("name")
    customers = customers.with_columns(unique.alias("name"))
    codes, names = customers["customer_id"], customers["name"]
    keyed = {
        table: frame.with_columns(pl.col("customer_id").replace(codes, names))
        if "customer_id" in frame.columns
        else frame
        for table, frame in tables.items()
    }
    return {**keyed, "customers": customers}


def jalali_days(days: pl.Series) -> pl.DataFrame:
    """The mapping table ``day`` (pl.Date) → ``jalali`` (``۱۴۰۵/۰۷/۰۱``) of each
    distinct non-null day: one jdatetime call and one digit swap per day, not per row."""
    unique = days.drop_nulls().unique().sort()
    texts = pl.Series("jalali", [_jalali_text(day) for day in unique.to_list()], pl.String)
    return pl.DataFrame({"day": unique}).with_columns(persian_digits(pl.lit(texts)).alias("jalali"))


def _jalali_text(day: date) -> str:
    return day_label(day, "jalali").replace("-", "/")


def persian_digits(text: pl.Expr) -> pl.Expr:
    """ASCII digits → Persian ``۰``–``۹`` (U+06F0–U+06F9); other text unchanged."""
    return text.str.replace_many(_ASCII_DIGITS, _PERSIAN_DIGITS)


def persian_amount(amount: pl.Expr) -> pl.Expr:
    """``3729.89`` → ``۳٬۷۲۹٫۸۹``, ``5000.0`` → ``۵٬۰۰۰``; null stays null.

    For amounts of whole cents, not negative (as the sample draws them): the
    text then reads back to the same float as the Gregorian ``3729.89``."""
    cents = (amount * 100).round(0).cast(pl.Int64)
    grouped = rf"${{1}}{_THOUSANDS}"
    whole = (
        (cents // 100)
        .cast(pl.String)
        .str.reverse()
        .str.replace_all(r"(\d{3})", grouped)
        .str.reverse()
        .str.strip_chars_start(_THOUSANDS)
    )
    fraction = (
        pl.when(cents % 100 != 0)
        .then(pl.concat_str(pl.lit(_DECIMAL), (cents % 100).cast(pl.String).str.zfill(2)))
        .otherwise(pl.lit(""))
    )
    return persian_digits(pl.concat_str(whole, fraction))


def tehran_clock(stamp: pl.Expr) -> pl.Expr:
    """Naive times as a clock in Tehran shows them. Tehran kept DST until 2022:
    a time in a spring-forward gap (e.g. 1400/01/02 00:30) never shows on its
    clocks, so it is written an hour later rather than as a time no Iranian
    system records (the preset would reject it)."""
    local = stamp.dt.replace_time_zone(TEHRAN, ambiguous="earliest", non_existent="null")
    skipped = stamp.is_not_null() & local.is_null()
    return pl.when(skipped).then(stamp + pl.duration(hours=1)).otherwise(stamp)


def _on_tehran_clock(frame: pl.DataFrame) -> list[pl.Expr]:
    schema = frame.collect_schema()
    return [tehran_clock(pl.col(c)).alias(c) for c, t in schema.items() if t == pl.Datetime]


def _days(frame: pl.DataFrame) -> pl.Series:
    """Every day a date or datetime column of ``frame`` holds."""
    schema = frame.collect_schema()
    columns = [c for c, dtype in schema.items() if dtype in (pl.Date, pl.Datetime)]
    return pl.concat(
        [pl.Series("day", [], pl.Date), *(frame[c].cast(pl.Date).alias("day") for c in columns)]
    )


def _persian_table(table: str, frame: pl.DataFrame, days: pl.DataFrame) -> pl.DataFrame:
    headers, words = HEADERS.get(table, {}), WORDS.get(table, {})
    schema = frame.collect_schema()
    return frame.select(
        _cell(c, schema[c], words.get(c), days).alias(headers.get(c, c)) for c in schema
    )


def _cell(column: str, dtype: pl.DataType, words: Words | None, days: pl.DataFrame) -> pl.Expr:
    """One column as the Persian file writes it (ids and names unchanged)."""
    cell = pl.col(column)
    if words is not None:
        return cell.replace_strict(words, return_dtype=pl.String)
    if dtype == pl.Date:
        return _jalali_date(cell, days)
    if dtype == pl.Datetime:
        time = persian_digits(cell.dt.strftime(" %H:%M:%S"))
        return pl.concat_str(_jalali_date(cell.dt.date(), days), time)
    if dtype.is_float():
        return persian_amount(cell)
    if dtype.is_integer():
        return persian_digits(cell.cast(pl.String))
    return cell


def _jalali_date(day: pl.Expr, days: pl.DataFrame) -> pl.Expr:
    """A lookup in the mapping table (a left join that keeps the row order)."""
    return day.replace_strict(days["day"], days["jalali"], return_dtype=pl.String)


def jalali_config(tables: Iterable[str], kpis: Sequence[str]) -> str:
    """The ``crmkpi.yaml`` of the Jalali sample: Jalali calendar, Persian
    locale, Tehran time, Toman, one source per table written, ``kpis``."""
    names = list(tables)
    didar = ", ".join(file_name(t) for t in names if t in DIDAR_FILES)
    config = {
        "title": "شاخص‌های CRM",
        "calendar": "jalali",
        "locale": "fa",
        "timezone": TEHRAN,
        "currency": CURRENCY,
        "period": "last-month",
        "compare": ["previous", "year_ago"],
        "sources": {t: _source(t) for t in names},
        "kpis": list(kpis),
    }
    text = yaml.safe_dump(config, allow_unicode=True, sort_keys=False, width=100)
    return _HEADER_COMMENT.format(didar=didar or "no file") + text


def _source(table: str) -> dict[str, object]:
    """``sources.<table>``: the Didar preset, or canonical headers read as Jalali."""
    source: dict[str, object] = {"path": file_name(table)}
    if table in DIDAR_FILES:
        source["preset"] = "didar"
    else:
        source.update(preset="generic", calendar="jalali")
    values = _VALUES.get(table)
    if values:
        source["values"] = values
    if table in ("deals", "spend"):
        source["amount_factor"] = 1
    return source


def _reverse(words: Words) -> Words:
    return {persian: english for english, persian in words.items()}


# Persian words the didar preset does not map itself. Deal status and type
# come from the preset's own values (checked by the tests), so they are not here.
_VALUES: dict[str, dict[str, Words]] = {
    "leads": {"status": _reverse(LEAD_STATUSES)},
    "spend": {"kind": _reverse(SPEND_KINDS_FA)},
}
