"""Threshold conditions of the config: ``> 5%``, ``<= 20``, ``between 2% and 4%``.

Stdlib only, so ``config.py`` can parse conditions (and point at the line of
a bad one) and ``targets.py`` can evaluate them. Percent KPIs store fractions:
there ``5%`` and a bare ``0.05`` are the same number (SPEC.md "Config").
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass

from crmkpi.errors import ConfigError

_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_COMPARISON = re.compile(rf"^\s*(<=|>=|==|!=|<|>)\s*({_NUMBER})\s*(%?)\s*$")
_BETWEEN = re.compile(
    rf"^\s*between\s+({_NUMBER})\s*(%?)\s+and\s+({_NUMBER})\s*(%?)\s*$", re.IGNORECASE
)
_VALUE = re.compile(rf"^\s*({_NUMBER})\s*(%?)\s*$")
_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}
GRAMMAR = "a condition like '> 5%', '<= 20', '== 0' or 'between 2% and 4%'"


@dataclass(frozen=True, slots=True)
class Condition:
    """``op`` is a comparison or ``between``; ``low``/``high`` are in the KPI's
    stored unit (fractions for percent KPIs); ``text`` is what the user wrote."""

    op: str
    low: float
    high: float | None
    text: str

    def holds(self, value: float) -> bool:
        if self.op == "between":
            assert self.high is not None
            return self.low <= value <= self.high
        return _OPERATORS[self.op](value, self.low)


def _number(text: str, percent: str, is_percent_kpi: bool, where: str) -> float:
    if percent and not is_percent_kpi:
        raise ConfigError(f"{where}: '%' is only for percent KPIs; write a plain number")
    number = float(text)
    return number / 100 if percent else number


def parse_condition(text: object, *, is_percent_kpi: bool, where: str) -> Condition:
    """A Condition, or a ConfigError that quotes the text and shows the grammar."""
    if isinstance(text, bool) or not isinstance(text, str | int | float):
        raise ConfigError(f"{where}: {text!r} is not {GRAMMAR}")
    if not isinstance(text, str):
        raise ConfigError(f"{where}: {text!r} has no comparison; write e.g. '>= {text}'")
    if match := _COMPARISON.match(text):
        op, number, percent = match.groups()
        return Condition(op, _number(number, percent, is_percent_kpi, where), None, text.strip())
    if match := _BETWEEN.match(text):
        low = _number(match[1], match[2], is_percent_kpi, where)
        high = _number(match[3], match[4], is_percent_kpi, where)
        if low > high:
            raise ConfigError(f"{where}: '{text.strip()}' has its bounds the wrong way round")
        return Condition("between", low, high, text.strip())
    raise ConfigError(f"{where}: '{text}' is not {GRAMMAR}")


def parse_value(text: object, *, is_percent_kpi: bool, where: str) -> float:
    """A target: a number, or ``"30%"`` for a percent KPI (``0.3`` means the same)."""
    if isinstance(text, bool):
        raise ConfigError(f"{where}: {text!r} is not a number")
    if isinstance(text, int | float):
        return float(text)
    if isinstance(text, str) and (match := _VALUE.match(text)):
        return _number(match[1], match[2], is_percent_kpi, where)
    raise ConfigError(f"{where}: {text!r} is not a number (write e.g. 30% or 1200)")
