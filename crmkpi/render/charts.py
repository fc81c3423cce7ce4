"""Geometry for the small SVG charts of the HTML report.

Templates draw the SVG; this module only works out where things go, in plain
Python (no plotting library, no JavaScript), so a report stays one
self-contained file and a user's template can reuse the same numbers. Values
arrive with their display strings already made (``render.view``): nothing here
formats a number for people.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


class TrendLike(Protocol):
    """What a sparkline needs of a point: ``render.view.TrendPoint`` fits."""

    @property
    def period(self) -> str: ...
    @property
    def value(self) -> float | None: ...
    @property
    def display(self) -> str: ...


@dataclass(frozen=True, slots=True)
class PlotPoint:
    """A point in SVG user units; ``y`` is None for an unavailable value."""

    x: float
    y: float | None
    period: str
    display: str


@dataclass(frozen=True, slots=True)
class Sparkline:
    """A trend line in a ``width`` × ``height`` box (origin top left).

    ``d`` breaks the line where a value is unavailable, so a gap is never drawn
    as a slope; ``area`` is the same segments closed down to the bottom edge.
    ``low`` and ``high`` are the points with the smallest and largest value (the
    y-axis labels); ``zero`` is the y of the value 0 when it lies inside the range.
    """

    width: float
    height: float
    points: tuple[PlotPoint, ...]
    d: str
    area: str
    low: PlotPoint | None
    high: PlotPoint | None
    first: str
    last: str
    zero: float | None
    label_x: float

    @property
    def empty(self) -> bool:
        """No value to draw at all: the template says so instead of a blank box."""
        return self.high is None

    @property
    def drawn(self) -> tuple[PlotPoint, ...]:
        """The points with a value (the dots)."""
        return tuple(p for p in self.points if p.y is not None)


def text_width(text: str, size: float) -> float:
    """About how wide ``text`` is at font ``size`` in a system sans-serif (0.6 em a
    character, generous for digits): without a script SVG cannot measure text,
    so room for a label is estimated rather than measured."""
    return round(len(text) * size * 0.6, 2)


def _num(v: float) -> str:
    """Short coordinates (``12.5``, ``40``) keep the SVG small and diffable."""
    text = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _segments(points: Sequence[PlotPoint]) -> list[list[PlotPoint]]:
    """Runs of consecutive available points: the pieces of a broken line."""
    runs: list[list[PlotPoint]] = [[]]
    for p in points:
        if p.y is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(p)
    return [run for run in runs if run]


def _line(run: Sequence[PlotPoint]) -> str:
    return " ".join(f"{'L' if i else 'M'}{_num(p.x)} {_num(p.y or 0)}" for i, p in enumerate(run))


def _area(run: Sequence[PlotPoint], bottom: float) -> str:
    """One segment closed down to ``bottom``; a lone point has no area."""
    if len(run) < 2:
        return ""
    return f"{_line(run)} L{_num(run[-1].x)} {_num(bottom)} L{_num(run[0].x)} {_num(bottom)} Z"


def _extremes(points: Sequence[TrendLike]) -> tuple[int, int] | None:
    """Indices of the first smallest and the first largest value (None: no value)."""
    known = [(p.value, i) for i, p in enumerate(points) if p.value is not None]
    if not known:
        return None
    return min(known)[1], max(known, key=lambda vi: vi[0])[1]


def sparkline(
    points: Sequence[TrendLike],
    width: float,
    height: float,
    *,
    inset: float = 3,
    label_size: float = 0,
) -> Sparkline:
    """Place ``points`` evenly from left to right, the largest value at the top.

    ``inset`` keeps the dots (radius ≤ inset) inside the box. With a
    ``label_size``, room for the min and max labels is kept on the right and
    ``label_x`` says where they start. One point sits in the middle; equal
    values draw a flat line halfway up, since there is no range to scale by;
    negative values need nothing special.
    """
    ends = _extremes(points)
    lo, hi = (points[ends[0]].value or 0.0, points[ends[1]].value or 0.0) if ends else (0.0, 0.0)
    gutter = 0.0
    if ends and label_size:
        gutter = max(text_width(points[i].display, label_size) for i in ends) + label_size / 2
    right = width - gutter - inset
    n = len(points)
    step = (right - inset) / (n - 1) if n > 1 else 0.0

    def x_of(i: int) -> float:
        return round(inset + i * step if n > 1 else (inset + right) / 2, 2)

    def y_of(v: float) -> float:
        if hi == lo:
            return round(height / 2, 2)
        return round(inset + (hi - v) / (hi - lo) * (height - 2 * inset), 2)

    placed = tuple(
        PlotPoint(x_of(i), None if p.value is None else y_of(p.value), p.period, p.display)
        for i, p in enumerate(points)
    )
    runs = _segments(placed)
    return Sparkline(
        width=width,
        height=height,
        points=placed,
        d=" ".join(_line(run) for run in runs),
        area=" ".join(a for a in (_area(run, height) for run in runs) if a),
        low=placed[ends[0]] if ends else None,
        high=placed[ends[1]] if ends else None,
        first=points[0].period if points else "",
        last=points[-1].period if points else "",
        zero=y_of(0.0) if lo < 0 < hi else None,
        label_x=round(right + inset + label_size / 2, 2),
    )
