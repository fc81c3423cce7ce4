# ruff: noqa: RUF002 - Persian examples in docstrings are the point
"""How values look to people: one place, so every format agrees."""

from __future__ import annotations

from collections.abc import Callable

from crmkpi.kpis.registry import Unit
from crmkpi.render.i18n import ENGLISH, N_, Messages

MISSING = "—"


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


def raw_number(value: float | None, unit: Unit) -> float | int | None:
    """A value for machines (JSON, CSV): counts that are whole numbers as integers."""
    if value is None:
        return None
    if unit == "count" and float(value).is_integer():
        return int(value)
    return value


def display(
    value: float | None, unit: Unit, currency: str | None = None, tr: Messages = ENGLISH
) -> str:
    """``2.13%``, ``1,204``, ``USD 12,400.00``, ``3.5 days``; ``—`` when unavailable.
    In Persian (``tr``): ``۲٫۱۳٪``, ``۱٬۲۰۴``, ``USD ۱۲٬۴۰۰٫۰۰``, ``۳٫۵ روز``; the
    currency code is kept as the config writes it."""
    if value is None:
        return MISSING
    if unit == "currency":
        number = tr.number(f"{value:,.2f}")
        return f"{currency} {number}" if currency else number
    number = tr.number(_NUMBERS.get(unit, _plain)(value))
    word = UNIT_WORDS.get(unit)
    return f"{number} {tr(word)}" if word else number


def _plain(value: float) -> str:
    return f"{value:,.2f}"


def display_change(
    change: float | None, unit: Unit, currency: str | None = None, tr: Messages = ENGLISH
) -> str:
    """A signed change: percents in percentage points (``+0.37 pp``)."""
    if change is None:
        return MISSING
    if unit == "percent":
        return f"{tr.number(f'{change * 100:+.2f}')} {tr('pp')}"
    sign = "+" if change > 0 else ("-" if change < 0 else "±")
    return tr.sign(sign) + display(abs(change), unit, currency, tr).removeprefix(tr.sign("+"))


def change(current: float | None, earlier: float | None) -> float | None:
    """value − earlier (absolute; fraction points for percents), or None."""
    if current is None or earlier is None:
        return None
    return current - earlier


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
