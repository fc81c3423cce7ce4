"""Small helpers shared by the worked KPI examples."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import polars as pl
import pytest
from typer.testing import Result

# The types of the fixtures in tests/kpis/conftest.py.
Value = float | None
Measure = Callable[..., tuple[Value, str | None]]
KpiFrame = Callable[..., pl.DataFrame]
CliReport = Callable[..., dict[str, Any]]
CliInvoke = Callable[..., Result]


def d(text: str) -> date:
    return date.fromisoformat(text)


def check(value: float | None, expected: float | None) -> None:
    """Equal to the hand-worked number (``None`` = unavailable)."""
    if expected is None:
        assert value is None
    else:
        assert value == pytest.approx(expected, rel=1e-12, abs=1e-12)
