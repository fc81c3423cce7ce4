# ruff: noqa: RUF002 - Persian examples in docstrings are the point
"""How values look to people: one place, so every format agrees."""

from __future__ import annotations

from collections.abc import Callable

from crmkpi.kpis.registry import Unit
from crmkpi.render.i18n import ENGLISH, N_, Messages

MISSING = "—"

# ISO 4217 currencies whose minor unit is not 2 digits: none (a yen has no
# cents) or 3 (a dinar has 1,000 fils). IRR has 2 on paper but no coin below
# a rial in use, and IRT (toman, not in ISO 4217) is written whole too.
MINOR_UNITS: dict[str, int] = {
    **dict.fromkeys(
        (
            "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF",
            "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF", "IRR", "IRT",
        ),
        0,
    ),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
}  # fmt: skip
SIGNIFICANT = 12  # digits kept of every number before it is written (``stable``)
# Compact money on cards: the amount in millions, billions, trillions.
_COMPACT = ((1e6, N_("{number} M")), (1e9, N_("{number} B")), (1e12, N_("{number} T")))


# The number of a value, as Python writes it; a language rewrites its digits.
_NUMBERS: dict[str, Callable[[float], str]] = {
    "percent": lambda v: f"{v * 100:.2f}%",
    "count": lambda v: f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}",
    "days": lambda v: f"{v:,.1f}",
    "hours": lambda v: f"{v:,.1f}",
    "score": lambda v: f"{v:+.1f}",
}
# The word after the number (translated).
UNIT_WORDS = {"days": N_("days"), "hours": N_("h")}


def stable(value: float) -> float:
    """``value`` to 12 significant digits: exact for any real amount, count or
    share, and free of the float noise of a sum (``3325354.1999999993``) that
    depends on how polars split it across threads or streaming batches, so
    the same files write the same bytes."""
    return float(f"{value:.{SIGNIFICANT}g}")


def raw_number(value: float | None, unit: Unit) -> float | int | None:
    """A value for machines (JSON, CSV): counts that are whole numbers as
    integers, every other number ``stable``."""
    if value is None:
        return None
    if unit == "count" and float(value).is_integer():
        return int(value)
    return stable(value)


def minor_unit(currency: str | None) -> int:
    """Digits after the point of an amount in ``currency``: 2 unless ``MINOR_UNITS`` says."""
    return MINOR_UNITS.get((currency or "").upper(), 2)


def places(value: float, unit: Unit, currency: str | None = None) -> int:
    """Decimal places of ``value`` as ``display`` writes it, in the value's
    own terms (a percent is a fraction: 2.13% has 4)."""
    if unit == "percent":
        return 4
    if unit == "currency":
        return minor_unit(currency)
    if unit == "count":
        return 0 if float(value).is_integer() else 2
    return 1 if unit in ("days", "hours", "score") else 2


def shown(value: float, unit: Unit, currency: str | None = None) -> float:
    """``value`` rounded as ``display`` shows it: 0.033456 → 0.0335 (3.35%)."""
    return round(stable(value), places(value, unit, currency))


def display(
    value: float | None, unit: Unit, currency: str | None = None, tr: Messages = ENGLISH
) -> str:
    """``2.13%``, ``1,204``, ``USD 12,400.00``, ``JPY 12,400``, ``3.5 days``; ``—``
    when unavailable. In Persian (``tr``): ``۲٫۱۳٪``, ``۱٬۲۰۴``, ``USD ۱۲٬۴۰۰٫۰۰``,
    ``۳٫۵ روز``; the currency code is kept as the config writes it."""
    if value is None:
        return MISSING
    value = stable(value)
    if unit == "currency":
        number = tr.number(f"{value:,.{minor_unit(currency)}f}")
        return f"{currency} {number}" if currency else number
    number = tr.number(_NUMBERS.get(unit, _plain)(value))
    word = UNIT_WORDS.get(unit)
    return f"{number} {tr(word)}" if word else number


def compact(
    value: float | None, unit: Unit, currency: str | None = None, tr: Messages = ENGLISH
) -> str:
    """An amount of a million or more in three significant digits (``USD 1.16 M``,
    ``USD 23.4 B``), for a card; anything else as ``display`` writes it."""
    if value is None or unit != "currency" or abs(value) < 1e6:
        return display(value, unit, currency, tr)
    step = max(i for i, (size, _) in enumerate(_COMPACT) if abs(value) >= size)
    text = _three_digits(abs(value) / _COMPACT[step][0])
    if text == "1000" and step + 1 < len(_COMPACT):  # 999.7 M is a billion, to three digits
        step += 1
        text = _three_digits(abs(value) / _COMPACT[step][0])
    number = tr(_COMPACT[step][1], number=tr.number(("-" if value < 0 else "") + text))
    return f"{currency} {number}" if currency else number


def _three_digits(scaled: float) -> str:
    """1.16, 23.4, 116: three significant digits of a number from 1 to 999.9…"""
    return f"{scaled:.{2 if scaled < 10 else 1 if scaled < 100 else 0}f}"


def _plain(value: float) -> str:
    return f"{value:,.2f}"


def display_change(
    change: float | None, unit: Unit, currency: str | None = None, tr: Messages = ENGLISH
) -> str:
    """A signed change: percents in percentage points (``+0.37 pp``), money
    without its code (``+8,702.00``; ``currency`` gives the decimals); a change
    that is zero at display precision is ``±0``, with no unit to read."""
    if change is None:
        return MISSING
    if shown(change, unit, currency) == 0:
        return tr.sign("±") + tr.number("0")
    if unit == "percent":
        return f"{tr.number(f'{change * 100:+.2f}')} {tr('pp')}"
    sign = "+" if change > 0 else "-"
    if unit == "currency":  # the value beside it names the currency; its minor unit counts
        return tr.sign(sign) + tr.number(f"{abs(stable(change)):,.{minor_unit(currency)}f}")
    return tr.sign(sign) + display(abs(change), unit, currency, tr).removeprefix(tr.sign("+"))


def change(current: float | None, earlier: float | None) -> float | None:
    """value − earlier (absolute; fraction points for percents), ``stable``, or None."""
    if current is None or earlier is None:
        return None
    return stable(stable(current) - stable(earlier))


def shown_change(
    current: float | None, earlier: float | None, unit: Unit, currency: str | None = None
) -> float | None:
    """The change between the two values as shown, so that a reader who
    subtracts them gets the delta printed beside them: USD 13,820.63 −
    USD 21,337.60 = −7,516.97, whatever the cents after the second decimal."""
    if current is None or earlier is None:
        return None
    digits = max(places(current, unit, currency), places(earlier, unit, currency))
    return round(shown(current, unit, currency) - shown(earlier, unit, currency), digits)


def relative(current: float | None, earlier: float | None) -> float | None:
    """(current − earlier) / |earlier|: the change as a share of where it was
    (for a percent KPI, of the value, not of 100 points); None when there is
    no earlier value or it is 0."""
    if current is None or earlier is None or earlier == 0:
        return None
    return stable((current - earlier) / abs(earlier))


def display_relative(share: float | None, tr: Messages = ENGLISH) -> str:
    """``+0.8%``, ``-12.5%``; ``±0%`` at zero, ``+<0.1%`` for a change too small
    for one decimal; '' when there is none (no earlier value, or it was 0)."""
    if share is None:
        return ""
    if share == 0:
        return tr.number("±0%")
    text = f"{share * 100:+.1f}%"
    if text in ("+0.0%", "-0.0%"):
        text = text[0] + "<0.1%"
    return tr.number(text)


def direction(delta: float | None, better: str | None) -> str:
    """``good``, ``bad`` or ``neutral``: how a change reads for this KPI."""
    if delta is None or delta == 0 or better is None:
        return "neutral"
    return "good" if (delta > 0) == (better == "higher") else "bad"


_BLOCKS = "▁▂▃▄▅▆▇█"
PARTIAL_MARK = "†"
"""Follows the last glyph of a text sparkline whose last period is partial;
a note under the table says how partial (``partial: 20 of 30 days``)."""


def spark_text(values: list[float | None], *, partial: bool = False) -> str:
    """``▁▃▅█``: a trend in block characters, lowest to highest; a space where
    a value is unavailable, and a flat middle line when all values are equal.
    ``partial``: the last period is cut short, and its glyph is marked ``▁▃▅█†``."""
    known = [v for v in values if v is not None]
    if not known:
        return ""
    low, high = min(known), max(known)
    top = len(_BLOCKS) - 1
    glyphs = "".join(
        " " if v is None else _BLOCKS[round((v - low) / (high - low) * top) if high > low else 3]
        for v in values
    )
    return glyphs + PARTIAL_MARK if partial else glyphs
