"""The charts of ``charts`` mirrored for a right-to-left page.

In Persian the eye moves from right to left, so time does too: a
sparkline's oldest point is on the right, a cohort's age grows to the left,
and bars grow leftwards from a zero axis on the right. Every x becomes
``width - x`` (a box's left edge moves by its width); y is untouched.

Text is not flipped: the page's ``direction: rtl`` reaches the SVG, where
``text-anchor: start`` then means the right end of a label, so a label
anchored at a mirrored x lands where the mirror image of the left-to-right
label would be. The SVG stays readable and the templates need no second
layout.
"""

from __future__ import annotations

from dataclasses import replace

from crmkpi.render.charts import Bars, Sparkline, dashes, paths
from crmkpi.render.heatmap import Heatmap


def _flip(width: float, x: float, extent: float = 0) -> float:
    """Where ``x`` (the left edge of something ``extent`` wide) goes in the mirror."""
    return round(width - x - extent, 2)


def mirror_sparkline(s: Sparkline) -> Sparkline:
    """The oldest point on the right; the min/max labels in a gutter on the left."""
    w = s.width
    points = tuple(replace(p, x=_flip(w, p.x)) for p in s.points)
    moved = dict(zip(s.points, points, strict=True))
    d, area = paths(points, s.height)
    projection = replace(s.projection, x=_flip(w, s.projection.x)) if s.projection else None
    return replace(
        s,
        points=points,
        d=d,
        area=area,
        dashed=dashes(points, projection),
        projection=projection,
        low=moved[s.low] if s.low else None,
        high=moved[s.high] if s.high else None,
        label_x=_flip(w, s.label_x),
        grid=(_flip(w, s.grid[1]), _flip(w, s.grid[0])),
        rtl=True,
    )


def mirror_bars(b: Bars) -> Bars:
    """Bars growing leftwards from a zero axis on the right, labels right of it."""
    w = b.width
    placed = tuple(
        replace(bar, x=_flip(w, bar.x, bar.width), text_x=_flip(w, bar.text_x)) for bar in b.bars
    )
    return replace(b, bars=placed, left=_flip(w, b.left), label_x=_flip(w, b.label_x), rtl=True)


def mirror_heatmap(h: Heatmap) -> Heatmap:
    """Row labels on the right, cohort age growing to the left."""
    w = h.width
    inner = h.cell_width - 2  # the drawn cell: 1 unit of gap on each side
    return replace(
        h,
        left=_flip(w, h.left),
        cells=tuple(replace(c, x=_flip(w, c.x, inner), cx=_flip(w, c.cx)) for c in h.cells),
        rows=tuple(replace(r, x=_flip(w, r.x)) for r in h.rows),
        sizes=tuple(replace(s, x=_flip(w, s.x)) for s in h.sizes),
        columns=tuple(replace(c, x=_flip(w, c.x)) for c in h.columns),
        size_x=_flip(w, h.size_x),
        start=_flip(w, h.start),
        rtl=True,
    )
