"""Geometry for the small SVG charts of the HTML report.

Templates draw the SVG; this module only works out where things go, in plain
Python (no plotting library, no JavaScript), so a report stays one
self-contained file and a user's template can reuse the same numbers. Values
arrive with their display strings already made (``render.view``): nothing here
formats a number for people. The cohort heat-map is in ``heatmap.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


class TrendLike(Protocol):
    """What a sparkline needs of a point: ``render.view.TrendPoint`` fits. A
    point may also have ``partial`` (true for a period cut at the as-of day)
    and ``projected`` (its pacing projection), read when present."""

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
    partial: bool = False


@dataclass(frozen=True, slots=True)
class Sparkline:
    """A trend line in a ``width`` × ``height`` box (origin top left).

    ``d`` breaks the line where a value is unavailable, so a gap is never drawn
    as a slope; ``area`` is the same segments closed down to the bottom edge.
    ``low`` and ``high`` are the points with the smallest and largest value (the
    y-axis labels); ``zero`` is the y of the value 0 when it lies inside the range.
    ``grid`` is where the horizontal grid lines start and end. ``rtl``: drawn
    mirrored (``charts_rtl``), the oldest point on the right.

    A partial last period is drawn apart: ``d`` and ``area`` leave it out,
    ``dashed`` joins the last whole point to it (a hollow dot), or, for a KPI
    with a pacing projection, to ``projection``, the value projected to the
    whole period.
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
    grid: tuple[float, float]
    rtl: bool = False
    dashed: str = ""
    projection: PlotPoint | None = None

    @property
    def partial(self) -> PlotPoint | None:
        """The partial period's point, when it has a value (the hollow dot)."""
        last = self.points[-1] if self.points else None
        return last if last is not None and last.partial and last.y is not None else None

    @property
    def empty(self) -> bool:
        """No value to draw at all: the template says so instead of a blank box."""
        return self.high is None

    @property
    def drawn(self) -> tuple[PlotPoint, ...]:
        """The whole periods' points with a value (the filled dots)."""
        return tuple(p for p in self.points if p.y is not None and not p.partial)


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
    """Runs of consecutive available points of whole periods: the pieces of a
    broken line (a partial period is drawn apart, ``dashes``)."""
    runs: list[list[PlotPoint]] = [[]]
    for p in points:
        if p.y is None or p.partial:
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


def paths(points: Sequence[PlotPoint], bottom: float) -> tuple[str, str]:
    """The line through ``points``, broken at gaps, and its area down to ``bottom``."""
    runs = _segments(points)
    line = " ".join(_line(run) for run in runs)
    return line, " ".join(a for a in (_area(run, bottom) for run in runs) if a)


def dashes(points: Sequence[PlotPoint], projection: PlotPoint | None) -> str:
    """The dashed segment of a partial last period: from the whole period
    before it to its projection, else to its own value; '' when there is no
    partial point with a value or no whole point just before it."""
    if len(points) < 2 or not points[-1].partial or points[-2].y is None:
        return ""
    end = projection if projection is not None else points[-1]
    if end.y is None:
        return ""
    return _line([points[-2], end])


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
    projected = _projected(points)
    if projected is not None:  # the scale takes the projection in; the labels do not
        lo, hi = min(lo, projected), max(hi, projected)
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
        PlotPoint(
            x_of(i),
            None if p.value is None else y_of(p.value),
            p.period,
            p.display,
            bool(getattr(p, "partial", False)),
        )
        for i, p in enumerate(points)
    )
    d, area = paths(placed, height)
    label_x = round(right + inset + label_size / 2, 2)
    projection = None
    if projected is not None:
        projection = PlotPoint(x_of(n - 1), y_of(projected), points[-1].period, "", True)
    return Sparkline(
        width=width,
        height=height,
        points=placed,
        d=d,
        area=area,
        low=placed[ends[0]] if ends else None,
        high=placed[ends[1]] if ends else None,
        first=points[0].period if points else "",
        last=points[-1].period if points else "",
        zero=y_of(0.0) if lo < 0 < hi else None,
        label_x=label_x,
        grid=(0, label_x - label_size / 2),
        dashed=dashes(placed, projection),
        projection=projection,
    )


def _projected(points: Sequence[TrendLike]) -> float | None:
    """The pacing projection of a partial last point (flow KPIs), if any."""
    if not points or not getattr(points[-1], "partial", False):
        return None
    projected: float | None = getattr(points[-1], "projected", None)
    return projected


class BarLike(Protocol):
    """What a bar needs: ``render.section_view.BarItem`` fits."""

    @property
    def label(self) -> str: ...
    @property
    def value(self) -> float | None: ...
    @property
    def display(self) -> str: ...
    @property
    def flag(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Bar:
    """One horizontal bar: its box (``x`` its left edge), and where its value
    label (``text``: the display, and the flag in words) starts. ``width`` 0:
    nothing to draw."""

    label: str
    text: str
    flag: str
    y: float
    width: float
    x: float
    text_x: float
    mid: float
    missing: bool
    lines: tuple[str, ...] = ()  # ``label`` on two lines when it is too long for one


@dataclass(frozen=True, slots=True)
class Bars:
    """Horizontal bars from a zero axis at ``left``: category labels end at
    ``label_x`` (``left`` - ``size`` / 2), values follow each bar, the axis
    title sits under the bars at ``axis_y``. ``rtl``: mirrored, bars grow
    from a zero axis on the right (``charts_rtl``)."""

    width: float
    height: float
    left: float
    bar_height: float
    bars: tuple[Bar, ...]
    bottom: float
    axis_y: float
    size: float
    label_x: float
    rtl: bool = False

    @property
    def empty(self) -> bool:
        return not any(b.width for b in self.bars)


def _shorten(text: str, room: float, size: float) -> str:
    """``text`` cut with … to about ``room`` wide at ``size``."""
    fits = max(int(room / (size * 0.6)), 2)
    return text if len(text) <= fits else text[: fits - 1] + "…"


def _label_lines(text: str, room: float, size: float) -> tuple[str, ...]:
    """``text`` on one line when it fits ``room``, else on two split between
    words (the second cut with … if it is still too long): "Converted and
    won a deal" / "(any time)" rather than "Converted and won a d…"."""
    words = text.split(" ")
    if text_width(text, size) <= room or len(words) < 2:
        return (_shorten(text, room, size),)
    first = words[0]
    for n in range(1, len(words)):
        line = " ".join(words[: n + 1])
        if text_width(line, size) > room:
            break
        first = line
    rest = text[len(first) :].strip()
    return (_shorten(first, room, size), _shorten(rest, room, size))


def bars(
    items: Sequence[BarLike],
    width: float,
    *,
    size: float = 12,
    bar_height: float = 18,
    gap: float = 8,
) -> Bars:
    """Bars as long as their value over the largest (a missing, zero or
    negative value draws none); category labels take at most 40% of the
    width, on two lines when one is too short, and are cut with … beyond
    that."""
    texts = [f"{i.display} · {i.flag}" if i.flag else i.display for i in items]
    label_room = min(max((text_width(i.label, size) for i in items), default=0), width * 0.4)
    left = round(label_room + size / 2, 2)
    gutter = max((text_width(t, size) for t in texts), default=0) + size / 2
    area = max(width - left - gutter, width * 0.25)
    top = max((i.value or 0.0 for i in items), default=0.0)
    step = bar_height + gap
    placed = []
    for n, (item, text) in enumerate(zip(items, texts, strict=True)):
        value = item.value or 0.0
        length = round(value / top * area, 2) if top > 0 and value > 0 else 0.0
        placed.append(
            Bar(
                label=_shorten(item.label, label_room, size),
                lines=_label_lines(item.label, label_room, size),
                text=text,
                flag=item.flag,
                y=round(n * step, 2),
                width=length,
                x=left,
                text_x=round(left + length + size / 2, 2),
                mid=round(n * step + bar_height / 2, 2),
                missing=item.value is None,
            )
        )
    bottom = round(len(items) * step - gap / 2, 2)
    return Bars(
        width=width,
        height=round(bottom + size * 2, 2),
        left=left,
        bar_height=bar_height,
        bars=tuple(placed),
        bottom=bottom,
        axis_y=round(bottom + size * 1.4, 2),
        size=size,
        label_x=left - size / 2,
    )
