"""Small helpers shared by the worked KPI examples."""

from __future__ import annotations

from datetime import date

import pytest


def d(text: str) -> date:
    return date.fromisoformat(text)


def check(value: float | None, expected: float | None) -> None:
    """Equal to the hand-worked number (``None`` = unavailable)."""
    if expected is None:
        assert value is None
    else:
        assert value == pytest.approx(expected, rel=1e-12, abs=1e-12)
