"""Money is one currency: amounts in the report's currency, or converted.

An amount cell may name its currency (``EUR 5000``, ``£5000``, ``5000 ریال``,
``currencies.py``); a cell that names none is in its row's ``currency`` (a
deals column) or the report's. Each amount is then the report's currency, a
currency with a rate in the config (``fx: {EUR: 1.08}``, or a dated table),
or Rial against Toman (ten to one, no rate needed); anything else is a
problem naming the cell, never a sum of two currencies. ``schema.py`` adds
the columns and checks below to a table's one pass; no Python per row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from crmkpi.canonical import ColumnType, Table
from crmkpi.currencies import CODES, RIAL_TOMAN, SHARED_SIGNS
from crmkpi.errors import DataError, Problem
from crmkpi.sources.cells import DATE_EXPECTED, CellRules, amount_currency, parse_amount, parse_date
from crmkpi.sources.loaders import ROW, open_table, read_error
from crmkpi.validation import TYPED, Check

NAMED = "__named_"  # the currency an amount cell names (null: none)
IN = "__in_"  # the currency it is in (a shared sign left: no currency of the row's or report's)
RATE = "__rate_"  # 1 of it in the report's currency (null: no rate)
MONEY = "__money_"  # the amount in the report's currency
_DAY = "__rate_day"
_DATED = "__dated_"

RATE_COLUMNS = ("date", "currency", "rate")
RATES_EXPECTED = "a CSV of date, currency, rate (2026-10-01,EUR,1.08)"


@dataclass(frozen=True, slots=True)
class Money:
    """The report's ``currency`` (None: not set) and the rates into it:
    ``fixed`` for every day, or ``table`` (date, currency, rate) read from
    ``file``; a deal takes the rate of the latest date on or before its
    closed_at (created_at while open), a spend row its date's."""

    currency: str | None = None
    fixed: Mapping[str, float] = field(default_factory=dict)
    table: pl.DataFrame | None = None
    file: str = ""

    @property
    def code(self) -> str | None:
        return self.currency.upper() if self.currency else None

    def rates(self) -> dict[str, float]:
        """Every rate that holds on every day: the report's own currency, Rial
        against Toman, and ``fixed``."""
        code = self.code
        if code is None:
            return {}
        pair = {cell: rate for (cell, report), rate in RIAL_TOMAN.items() if report == code}
        return {code: 1.0, **pair, **self.fixed}

    def dated(self) -> tuple[str, ...]:
        """The currencies ``table`` has rates of."""
        if self.table is None:
            return ()
        return tuple(self.table["currency"].unique().sort())


def amount_columns(table: Table, present: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(c for c in present if table.column(c).type == ColumnType.AMOUNT)


def priced(
    frame: pl.LazyFrame,
    table: Table,
    present: tuple[str, ...],
    money: Money,
    rules: CellRules,
) -> pl.LazyFrame:
    """``frame`` (cleaned text ``c`` and typed ``TYPED + c``) with, for each
    amount column, the currency each cell names and is in, its rate and the
    amount in the report's currency (``MONEY + c``). The source's
    ``amount_factor`` scales the cells that name no currency only."""
    row = _row_currency(present)
    for c in amount_columns(table, present):
        named = pl.col(NAMED + c)
        frame = frame.with_columns(amount_currency(pl.col(c), rules).alias(NAMED + c))
        frame = frame.with_columns(_currency_in(named, row, money.code).alias(IN + c))
        frame = _with_rate(frame, table, present, c, money)
        scale = pl.when(named.is_null()).then(pl.lit(rules.amount_factor)).otherwise(pl.lit(1.0))
        frame = frame.with_columns((pl.col(TYPED + c) * scale * pl.col(RATE + c)).alias(MONEY + c))
    return frame


def _row_currency(present: tuple[str, ...]) -> pl.Expr | None:
    """The row's ``currency`` cell, upper case (None: the table has no such column)."""
    return pl.col("currency").str.to_uppercase() if "currency" in present else None


def _currency_in(named: pl.Expr, row: pl.Expr | None, report: str | None) -> pl.Expr:
    """The currency of each amount: the one it names, else its row's, else the
    report's. A shared sign ($, ¥) is the row's or the report's currency when
    that is one of the sign's; else it stays the sign (a problem)."""
    base = pl.coalesce(row, pl.lit(report, pl.String)) if row is not None else pl.lit(report)
    resolved = named
    for sign, codes in SHARED_SIGNS.items():
        mine = (named == sign) & base.is_in(list(codes))
        resolved = pl.when(mine).then(base).otherwise(resolved)
    return pl.coalesce(resolved, base.cast(pl.String))


def _with_rate(
    frame: pl.LazyFrame, table: Table, present: tuple[str, ...], c: str, money: Money
) -> pl.LazyFrame:
    """``RATE + c``: 1 without a report currency (nothing can be converted;
    a cell naming a currency is a problem), else the fixed rate of the
    amount's currency or the dated one on or before the row's date."""
    if money.code is None:
        return frame.with_columns(pl.lit(1.0).alias(RATE + c))
    rates = money.rates()
    fixed = pl.col(IN + c).replace_strict(
        list(rates), list(rates.values()), default=None, return_dtype=pl.Float64
    )
    if money.table is None:
        return frame.with_columns(fixed.alias(RATE + c))
    dated = money.table.lazy().select(
        pl.col("date").alias(_DAY),
        pl.col("currency").alias(IN + c),
        pl.col("rate").alias(_DATED + c),
    )
    frame = (
        frame.with_columns(rate_day(table.name, present).alias(_DAY))
        .sort(_DAY, nulls_last=True)
        .join_asof(dated, on=_DAY, by=IN + c, strategy="backward", check_sortedness=False)
        .sort(ROW)
    )
    return frame.with_columns(pl.coalesce(fixed, pl.col(_DATED + c)).alias(RATE + c))


def rate_day(table: str, present: tuple[str, ...]) -> pl.Expr:
    """The day whose rate an amount takes: a deal's closed_at (its created_at
    while open or without one), a spend row's date."""
    if table != "deals":
        return pl.col(TYPED + "date")
    created = pl.col(TYPED + "created_at")
    if "closed_at" not in present:
        return created
    still_open = pl.col(TYPED + "status") == "open"
    return pl.when(still_open).then(created).otherwise(pl.coalesce(TYPED + "closed_at", created))


def money_checks(table: Table, present: tuple[str, ...], money: Money) -> list[Check]:
    """Every amount in one currency: the checks of each amount column and of
    a deals ``currency`` column (a row in another currency needs a rate)."""
    checks = [
        check for c in amount_columns(table, present) for check in _amount_checks(c, money, present)
    ]
    if table.name == "deals" and "currency" in present:
        checks.append(_currency_column_check(money))
    return checks


def _amount_checks(c: str, money: Money, present: tuple[str, ...]) -> list[Check]:
    named, currency_in = pl.col(NAMED + c), pl.col(IN + c)
    read = pl.col(
        TYPED + c
    ).is_not_null()  # an amount that is not one is said once, by its type check
    report = money.code
    if report is None:
        return [
            Check(
                c, read & named.is_not_null(), pl.col(c), "names a currency, but the config sets none",
                "a plain number, or the report's currency in the config (currency: EUR; "
                "IRT or IRR for Toman or Rial), which every amount must be in or be converted to",
                f"{c} names a currency but none is set",
            )
        ]  # fmt: skip
    checks = []
    row = _row_currency(present)
    if row is not None:
        checks.append(
            Check(
                c, read & named.is_not_null() & row.is_not_null() & (currency_in != row),
                pl.col(c), "names another currency than its row's",
                "an amount in the currency of the row's currency column",
                f"{c} in another currency than its row's",
                pl.concat_str(pl.lit("(currency "), pl.col("currency"), pl.lit(")")),
            )
        )  # fmt: skip
    shared = currency_in.is_in(list(SHARED_SIGNS))
    checks.append(
        Check(
            c, read & shared, pl.col(c), "has a sign that several currencies use, none of them the report's",
            f"an amount in {report}, or the code instead of the sign (JPY 5000, CAD 5000) "
            "and a rate for it in fx:",
            f"{c} with a shared currency sign",
        )
    )  # fmt: skip
    dated = currency_in.is_in(list(money.dated()))
    no_rate = read & ~shared & pl.col(RATE + c).is_null()
    # An unnamed amount in its row's currency: the currency column's check says it.
    checks.append(
        Check(
            c, no_rate & ~dated & named.is_not_null(), pl.col(c), "is in another currency than the report's",
            f"an amount in {report}, or a rate for its currency in the config "
            f"(fx: {{EUR: 1.08}} means 1 EUR = 1.08 {report})",
            f"{c} in another currency", pl.concat_str(pl.lit("("), currency_in, pl.lit(")")),
        )
    )  # fmt: skip
    if money.table is not None:
        checks.append(
            Check(
                c, no_rate & dated & pl.col(_DAY).is_not_null(), pl.col(c),
                f"has no rate on or before its day in {money.file}",
                f"a row of {money.file} with the currency's rate on or before the day "
                "(a deal's closed_at, its created_at while open)",
                f"no {c} rate for the day",
                pl.concat_str(
                    pl.lit("("), currency_in, pl.lit(" on "), pl.col(_DAY).cast(pl.String), pl.lit(")")
                ),
            )
        )  # fmt: skip
    return checks


def _currency_column_check(money: Money) -> Check:
    """Every deal in the report's currency or one with a rate (with no
    currency configured, in one currency)."""
    code = pl.col("currency").str.to_uppercase()
    if money.code:
        known = [*money.rates(), *money.dated()]
        bad = code.is_not_null() & ~code.is_in(known)
        expected = f"{money.code} (the config currency), or a rate for it in the config (fx:)"
    else:
        bad = code.is_not_null() & (code != code.drop_nulls().first())
        expected = "one currency in all rows (set `currency:` in the config)"
    return Check(
        "currency",
        bad,
        pl.col("currency"),
        "is another currency",
        expected,
        "deal in another currency",
    )


def converted(c: str, names: list[str]) -> pl.Expr:
    """An amount column as the KPIs read it: in the report's currency."""
    return pl.col(MONEY + c if MONEY + c in names else TYPED + c)


def read_rates(path: Path) -> pl.DataFrame:
    """``fx: {table: …}``: date, currency and rate (1 of the currency in the
    report's), sorted by date; a DataError naming the row of a bad cell."""
    raw = open_table(path)
    headers = {h.strip().lower(): h for h in raw.headers}
    missing = [c for c in RATE_COLUMNS if c not in headers]
    if missing:
        raise DataError(
            f"{path}: no column {', '.join(missing)} (expected {RATES_EXPECTED}; "
            f"the headers: {', '.join(raw.headers)})"
        )
    text = {c: pl.col(headers[c]).str.strip_chars() for c in RATE_COLUMNS}
    try:
        frame = raw.frame.select(
            pl.col(ROW),
            *(t.alias(f"text_{c}") for c, t in text.items()),
            parse_date(text["date"], CellRules()).alias("date"),
            text["currency"].str.to_uppercase().alias("currency"),
            parse_amount(text["rate"], CellRules()).alias("rate"),
        ).collect()
    except pl.exceptions.PolarsError as exc:
        raise read_error(path, exc) from exc
    _check_rates(path, frame)
    return frame.select(RATE_COLUMNS).sort("date")


def _check_rates(path: Path, frame: pl.DataFrame) -> None:
    checks = {
        "date": (pl.col("date").is_null(), "is not a date", DATE_EXPECTED),
        "currency": (
            ~pl.col("currency").is_in(list(CODES)),
            "is not a currency code",
            "a 3-letter code like EUR",
        ),
        "rate": (
            pl.col("rate").is_null() | (pl.col("rate") <= 0),
            "is not a rate",
            "a number above 0: what 1 of the currency is in the report's",
        ),
    }
    for column, (bad, issue, expected) in checks.items():
        found = frame.filter(bad.fill_null(True))
        if found.height:
            first = found.row(0, named=True)
            problem = Problem(
                path.name, first[ROW], column, first[f"text_{column}"], issue, expected
            )
            raise DataError(f"{path}: {problem}", (problem,))
    twice = frame.filter(pl.struct("date", "currency").is_duplicated())
    if twice.height:
        first = twice.row(0, named=True)
        problem = Problem(
            path.name, first[ROW], "date", first["text_date"],
            f"has a second {first['currency']} rate", "one rate per currency and day",
        )  # fmt: skip
        raise DataError(f"{path}: {problem}", (problem,))
    if frame["rate"].is_infinite().any():
        raise DataError(f"{path}: a rate is too large for a number")
