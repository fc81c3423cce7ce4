"""Geometry of the cohort heat-map of the HTML report (``charts`` has the
sparklines and bars): where each cell, label and size goes, in plain Python;
the template draws the SVG."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from crmkpi.render.charts import text_width


class CellLike(Protocol):
    @property
    def value(self) -> float | None: ...
    @property
    def display(self) -> str: ...


class HeatRowLike(Protocol):
    """A row of the heat-map: ``render.section_view.HeatRow`` fits."""

    @property
    def label(self) -> str: ...
    @property
    def size(self) -> str: ...
    @property
    def cells(self) -> Sequence[CellLike]: ...


@dataclass(frozen=True, slots=True)
class HeatCell:
    """A cell with a value: ``opacity`` of the fill grows with the share (0 to
    1); ``strong`` cells are dark enough to need light text. The share is
    also written in the cell, so colour is never the only carrier."""

    row: int
    column: str
    x: float
    y: float
    cx: float
    cy: float
    display: str
    opacity: float
    strong: bool


@dataclass(frozen=True, slots=True)
class HeatLabel:
    text: str
    x: float
    y: float


@dataclass(frozen=True, slots=True)
class Heatmap:
    """Rows top to bottom, columns left to right from ``left``; a cell
    without a value is left blank. Row labels start at ``start``, row sizes
    end at ``size_x``. ``rtl``: mirrored, columns from right to left."""

    width: float
    height: float
    left: float
    top: float
    cell_width: float
    cell_height: float
    cells: tuple[HeatCell, ...]
    rows: tuple[HeatLabel, ...]
    sizes: tuple[HeatLabel, ...]
    columns: tuple[HeatLabel, ...]
    size_x: float
    font: float
    start: float = 0
    rtl: bool = False


def heatmap(
    rows: Sequence[HeatRowLike],
    columns: Sequence[str],
    *,
    cell_width: float = 40,
    cell_height: float = 24,
    font: float = 11,
) -> Heatmap:
    """A grid of ``len(rows)`` × ``len(columns)`` cells, under a line for the
    axis title and one for the column labels; at the left, each row's label,
    then its size (right-aligned at ``size_x``)."""
    label_w = max((text_width(r.label, font) for r in rows), default=0)
    size_w = max((text_width(r.size, font) for r in rows), default=0)
    size_x = round(label_w + font + size_w, 2)
    left = round(size_x + font, 2)
    top = round(font * 3, 2)
    cells = []
    for i, row in enumerate(rows):
        y = top + i * cell_height
        for k, c in enumerate(row.cells):
            if c.value is None:
                continue
            share = min(max(c.value, 0.0), 1.0)
            opacity = round(0.1 + 0.85 * share, 3)
            x = left + k * cell_width
            cells.append(
                HeatCell(
                    row=i,
                    column=columns[k] if k < len(columns) else str(k),
                    x=round(x + 1, 2),
                    y=round(y + 1, 2),
                    cx=round(x + cell_width / 2, 2),
                    cy=round(y + cell_height / 2, 2),
                    display=c.display,
                    opacity=opacity,
                    strong=opacity >= 0.55,
                )
            )
    mids = [round(top + (i + 0.5) * cell_height, 2) for i in range(len(rows))]
    return Heatmap(
        width=round(left + len(columns) * cell_width, 2),
        height=round(top + len(rows) * cell_height, 2),
        left=left,
        top=top,
        cell_width=cell_width,
        cell_height=cell_height,
        cells=tuple(cells),
        rows=tuple(HeatLabel(r.label, 0, y) for r, y in zip(rows, mids, strict=True)),
        sizes=tuple(HeatLabel(r.size, size_x, y) for r, y in zip(rows, mids, strict=True)),
        columns=tuple(
            HeatLabel(c, round(left + (k + 0.5) * cell_width, 2), round(top - font * 0.6, 2))
            for k, c in enumerate(columns)
        ),
        size_x=size_x,
        font=font,
    )
