"""Currencies as amount cells name them: ISO codes, signs and the Persian
words for Rial and Toman, and the config's exchange rates (``fx:``).

Money is one currency: an amount cell that names a currency (``EUR 5000``,
``£5000``, ``5000 ریال``) is read in it, and must be the report's or have a
rate. A sign shared by several currencies (``$``, ``¥``) stands for the one
of them the row or the report is in. Stdlib only: the config reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

# ISO 4217 codes in use, and IRT (Toman, which Iranian exports write though it
# has no ISO code). A 3-letter word that is none of these (mln, TSD, pcs) is
# not a currency: the cell is not an amount.
CODES: frozenset[str] = frozenset(
    [
        "AED",
        "AFN",
        "ALL",
        "AMD",
        "ANG",
        "AOA",
        "ARS",
        "AUD",
        "AWG",
        "AZN",
        "BAM",
        "BBD",
        "BDT",
        "BGN",
        "BHD",
        "BIF",
        "BMD",
        "BND",
        "BOB",
        "BRL",
        "BSD",
        "BTN",
        "BWP",
        "BYN",
        "BZD",
        "CAD",
        "CDF",
        "CHF",
        "CLP",
        "CNY",
        "COP",
        "CRC",
        "CUP",
        "CVE",
        "CZK",
        "DJF",
        "DKK",
        "DOP",
        "DZD",
        "EGP",
        "ERN",
        "ETB",
        "EUR",
        "FJD",
        "FKP",
        "GBP",
        "GEL",
        "GHS",
        "GIP",
        "GMD",
        "GNF",
        "GTQ",
        "GYD",
        "HKD",
        "HNL",
        "HTG",
        "HUF",
        "IDR",
        "ILS",
        "INR",
        "IQD",
        "IRR",
        "IRT",
        "ISK",
        "JMD",
        "JOD",
        "JPY",
        "KES",
        "KGS",
        "KHR",
        "KMF",
        "KPW",
        "KRW",
        "KWD",
        "KYD",
        "KZT",
        "LAK",
        "LBP",
        "LKR",
        "LRD",
        "LSL",
        "LYD",
        "MAD",
        "MDL",
        "MGA",
        "MKD",
        "MMK",
        "MNT",
        "MOP",
        "MRU",
        "MUR",
        "MVR",
        "MWK",
        "MXN",
        "MYR",
        "MZN",
        "NAD",
        "NGN",
        "NIO",
        "NOK",
        "NPR",
        "NZD",
        "OMR",
        "PAB",
        "PEN",
        "PGK",
        "PHP",
        "PKR",
        "PLN",
        "PYG",
        "QAR",
        "RON",
        "RSD",
        "RUB",
        "RWF",
        "SAR",
        "SBD",
        "SCR",
        "SDG",
        "SEK",
        "SGD",
        "SHP",
        "SLE",
        "SOS",
        "SRD",
        "SSP",
        "STN",
        "SVC",
        "SYP",
        "SZL",
        "THB",
        "TJS",
        "TMT",
        "TND",
        "TOP",
        "TRY",
        "TTD",
        "TWD",
        "TZS",
        "UAH",
        "UGX",
        "USD",
        "UYU",
        "UZS",
        "VES",
        "VND",
        "VUV",
        "WST",
        "XAF",
        "XCD",
        "XOF",
        "XPF",
        "YER",
        "ZAR",
        "ZMW",
        "ZWL",
    ]
)

# Currencies written with $ (a dollar sign means one of these, never EUR).
DOLLARS: tuple[str, ...] = (
    "USD", "CAD", "AUD", "NZD", "SGD", "HKD", "TWD", "BSD", "BBD", "BZD", "BMD", "BND",
    "FJD", "GYD", "JMD", "KYD", "LRD", "NAD", "SBD", "SRD", "TTD", "XCD",
)  # fmt: skip

# What each sign or word in a cell may mean: one currency, or (a shared sign)
# any of several, resolved by the row's or the report's currency.
SIGNS: dict[str, tuple[str, ...]] = {
    "$": DOLLARS,
    "¥": ("JPY", "CNY"),
    "£": ("GBP",),
    "€": ("EUR",),
    "₹": ("INR",),
    "₽": ("RUB",),
    "₺": ("TRY",),
    "₩": ("KRW",),
    "﷼": ("IRR",),
    "ریال": ("IRR",),
    "تومان": ("IRT",),
}
SHARED_SIGNS: dict[str, tuple[str, ...]] = {s: c for s, c in SIGNS.items() if len(c) > 1}

# A Toman is ten Rials: the two convert without a rate. Only between these
# two: a cell naming one is read in the report's other (never amount_factor).
RIAL_TOMAN: dict[tuple[str, str], float] = {("IRT", "IRR"): 10.0, ("IRR", "IRT"): 0.1}


def fixed_rate(cell: str, report: str) -> float | None:
    """The rate that needs no config: 1 in the report's own currency, 10 or
    0.1 between Toman and Rial, else None."""
    if cell == report:
        return 1.0
    return RIAL_TOMAN.get((cell, report))


@dataclass(frozen=True, slots=True)
class Fx:
    """The config's ``fx:``: ``rates`` (1 EUR = ``rates["EUR"]`` of the
    report's currency, every day) or a ``table`` file of dated rates."""

    rates: dict[str, float] = field(default_factory=dict)
    table: Path | None = None

    @property
    def given(self) -> bool:
        return bool(self.rates) or self.table is not None
