"""A partial last period in a trend is drawn apart (issue 23, item 1): no
part of the solid line, a hollow dot, a dashed segment to it or, for a flow
KPI, to its pacing projection. Geometry worked by hand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from lxml import html as lxml_html

from crmkpi.config import load_config
from crmkpi.engine import run_report
from crmkpi.render.charts import sparkline
from crmkpi.render.charts_rtl import mirror_sparkline
from crmkpi.render.format import spark_text
from crmkpi.render.html import render_html

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class P:
    period: str
    value: float | None
    display: str = ""
    partial: bool = False
    projected: float | None = None


def test_a_partial_flow_point_is_hollow_with_a_dashed_line_to_its_projection() -> None:
    # 100 × 40, inset 3: x = 3, 50, 97. The scale takes in the projection, so
    # it runs 1..6: y = 3 + (6 - v) / 5 × 34 → a 30.2, b 16.6, c 37, projected 3.
    points = [P("a", 2), P("b", 4, "4"), P("c", 1, "1", partial=True, projected=6)]
    s = sparkline(points, 100, 40)
    assert s.d == "M3 30.2 L50 16.6"  # the solid line stops at the last whole period
    assert s.area == "M3 30.2 L50 16.6 L50 40 L3 40 Z"
    assert s.dashed == "M50 16.6 L97 3"
    assert s.partial is not None
    assert (s.partial.x, s.partial.y) == (97, 37)
    assert s.projection is not None
    assert (s.projection.x, s.projection.y) == (97, 3)
    assert [p.period for p in s.drawn] == ["a", "b"]  # filled dots: whole periods
    assert (s.low and s.low.display, s.high and s.high.display) == ("1", "4")


def test_a_partial_ratio_point_is_joined_to_the_line_by_a_dashed_segment() -> None:
    # No projection: the scale is 1..4, y = 3 + (4 - v) / 3 × 34 → 25.67, 3, 37.
    points = [P("a", 2), P("b", 4), P("c", 1, partial=True)]
    s = sparkline(points, 100, 40)
    assert s.d == "M3 25.67 L50 3"
    assert s.dashed == "M50 3 L97 37"
    assert s.projection is None


def test_a_trend_of_whole_periods_has_no_dashes() -> None:
    s = sparkline([P("a", 2), P("b", 4)], 100, 40)
    assert (s.dashed, s.partial, s.projection) == ("", None, None)
    assert s.d == "M3 37 L97 3"


def test_mirrored_partial_point_and_projection() -> None:
    points = [P("a", 2), P("b", 4), P("c", 1, partial=True, projected=6)]
    s = mirror_sparkline(sparkline(points, 100, 40))
    assert s.d == "M97 30.2 L50 16.6"
    assert s.dashed == "M50 16.6 L3 3"
    assert s.partial is not None
    assert s.projection is not None
    assert (s.partial.x, s.projection.x) == (3, 3)


def test_text_sparkline_marks_the_partial_glyph() -> None:
    assert spark_text([1, 3, 2], partial=True) == "▁█▅†"
    assert spark_text([1, 3, 2]) == "▁█▅"


def test_html_cards_draw_the_partial_month_apart() -> None:
    cfg = load_config(ROOT / "configs" / "default.yaml", ROOT)
    report = run_report(cfg, date(2026, 11, 20), period_text="mtd")
    doc = lxml_html.fromstring(render_html(report))
    revenue = doc.get_element_by_id("kpi-revenue")
    assert len(revenue.xpath(".//circle[@class='dot partial']")) == 1
    assert len(revenue.xpath(".//path[@class='line dashed']")) == 1
    assert len(revenue.xpath(".//circle[@class='dot projection']")) == 1  # revenue adds up
    assert len(revenue.xpath(".//circle[@class='dot']")) == 5  # the whole months
    close = doc.get_element_by_id("kpi-close_rate")
    assert len(close.xpath(".//circle[@class='dot partial']")) == 1
    assert not close.xpath(".//circle[@class='dot projection']")  # a ratio: not projected
    title = revenue.xpath(".//svg/title")[0].text_content()
    assert "2026-11 USD 768,145.09 (partial: 20 of 30 days)" in title
    assert "partial: 20 of 30 days" in doc.xpath("//dl[@class='meta']")[0].text_content()
