"""Breakdowns and sections in the HTML report: tables, titled SVG charts
(pipeline and funnel bars, the cohort heat-map), escaping, self-containment;
and the chart geometry worked by hand. The fixture is test_analyses.py's."""

from __future__ import annotations

import lxml.html
import pytest
from test_analyses import HOSTILE, LEADS_MISSING, OWNERS, report, without_funnel
from test_html import external_references

from crmkpi.engine import Report
from crmkpi.render.analyses_view import NOT_ADDITIVE, Cell
from crmkpi.render.charts import bars
from crmkpi.render.heatmap import heatmap
from crmkpi.render.html import render_html
from crmkpi.render.section_view import BarItem, HeatRow

__all__ = ["report"]  # the module fixture, shared


# --- HTML --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def html(report: Report) -> str:
    return render_html(without_funnel(report))


def _doc(html: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(html)


def _text(el: lxml.html.HtmlElement) -> str:
    return " ".join(el.text_content().split())


def test_html_breakdown_table(html: str) -> None:
    (panel,) = _doc(html).xpath('//section[@id="breakdown-owner"]')
    rows = [[_text(c) for c in tr] for tr in panel.xpath(".//tbody/tr")]
    assert [r[0] for r in rows] == [*(o[0] or "(none)" for o in OWNERS[:10]), "(other)"]
    assert rows[-1] == ["(other)", "USD 52,000.00", "—1", "5"]
    (missing,) = panel.xpath('.//tr[@class="other"]/td[contains(@class, "missing")]')
    assert missing.get("title") == NOT_ADDITIVE
    assert [_text(c) for c in panel.xpath(".//tfoot/tr")[0]] == [
        "Total", "USD 1,156,250.75", "61.23%", "55",
    ]  # fmt: skip
    assert [_text(li) for li in panel.xpath('.//ol[@class="notes"]/li')] == [NOT_ADDITIVE]


def test_html_charts_are_titled_svgs(html: str) -> None:
    doc = _doc(html)
    charts = doc.xpath('//section[@class="analyses"]//svg')
    # Pipeline: value and days; cohorts: the heat-map; the funnel is unavailable.
    assert [svg.get("aria-labelledby") for svg in charts] == [
        "section-pipeline-value-title", "section-pipeline-days-title", "section-cohorts-heat-title",
    ]  # fmt: skip
    for svg in charts:
        assert svg.get("role") == "img"
        (title,) = svg.xpath(f'./title[@id="{svg.get("aria-labelledby")}"]')
        assert title.text_content()
    days = _text(charts[1].xpath("./title")[0])
    assert "Negotiation 21.4 days (bottleneck)" in days
    (flagged,) = charts[1].xpath('.//rect[@class="bar flag"]')
    assert "21.4 days · bottleneck" in [t.text_content() for t in charts[1].xpath(".//text")]
    assert flagged.get("width")
    # A bar per stage with a value; Legal review (0 and —) has none.
    assert len(charts[0].xpath(".//rect")) == 4
    funnel = doc.xpath('//section[@id="section-funnel"]')[0]
    assert f"Unavailable: {LEADS_MISSING}" in _text(funnel)


def test_html_heatmap_writes_each_share_and_leaves_nulls_blank(html: str) -> None:
    (svg,) = _doc(html).xpath('//section[@id="section-cohorts"]//svg')
    # The last 12 cohorts have 12, 11, …, 1 cells with a value: 78 in all.
    cells = svg.xpath('.//rect[contains(@class, "cell")]')
    shares = svg.xpath('.//text[contains(@class, "share")]')
    assert len(cells) == len(shares) == 78
    assert shares[-1].text_content() == "92%"
    opacities = [float(c.get("fill-opacity")) for c in cells]
    assert opacities[0] > opacities[11]  # 96% is darker than 47%
    assert "2026-10 (79): 0 92%" in svg.xpath("./title")[0].text_content()
    assert "The last 12 of 14 cohorts" in _text(
        _doc(html).xpath('//section[@id="section-cohorts"]')[0]
    )


def test_html_is_self_contained_and_escaped(html: str) -> None:
    assert external_references(html) == []
    assert "<script>x" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    doc = _doc(html)
    assert doc.xpath("//script") == []
    keys = [_text(th) for th in doc.xpath('//section[@id="breakdown-owner"]//tbody/tr/th')]
    assert HOSTILE in keys


# --- chart geometry, worked by hand -----------------------------------------------


def test_bars_geometry() -> None:
    # size 10, 6 a character: the longest label "Lost" is 24 wide → the axis at
    # 24 + 5 = 29; the widest value label "100 · x" is 42, + 5 → a 47 gutter;
    # bars get 200 - 29 - 47 = 124 for the largest value, 100.
    items = [BarItem("Won", 100, "100", "x"), BarItem("Lost", 50, "50"), BarItem("N", None, "—")]
    b = bars(items, 200, size=10, bar_height=10, gap=4)
    assert b.left == 29
    assert [(bar.label, bar.y, bar.width) for bar in b.bars] == [
        ("Won", 0, 124), ("Lost", 14, 62), ("N", 28, 0),
    ]  # fmt: skip
    assert [bar.text_x for bar in b.bars] == [158, 96, 34]  # 5 after each bar's end
    assert (b.bars[0].text, b.bars[2].missing, b.empty) == ("100 · x", True, False)
    assert b.bottom == 40  # 3 × 14 - 4 / 2


def test_a_long_bar_label_takes_two_lines(report: Report) -> None:
    # size 10, 6 a character: labels get 40% of 200 = 80, 13 characters.
    # "Won a deal (any time)" is 120 wide: "Won a deal" (60) then "(any time)"
    # (60); "Won a deal (any" would be 90. A short label keeps one line, and
    # one word too long for the room is cut with ….
    items = [
        BarItem("Won a deal (any time)", 10, "10"),
        BarItem("Lost", 5, "5"),
        BarItem("Unqualifiedleads", 1, "1"),
    ]
    b = bars(items, 200, size=10, bar_height=10, gap=4)
    assert b.left == 85  # 80 + 5
    assert [bar.lines for bar in b.bars] == [
        ("Won a deal", "(any time)"),
        ("Lost",),
        ("Unqualifiedl…",),
    ]
    # The funnel's last step, in a 400-wide chart at 12 (7.2 a character):
    # 160 for labels, 22 characters, so its 35 go on two lines, right-aligned
    # at 166 - 6.
    page = render_html(report)
    assert '<tspan x="160.0" dy="-0.6em">Converted and won a</tspan>' in page
    assert '<tspan x="160.0" dy="1.2em">deal (any time)</tspan>' in page


def test_heatmap_geometry() -> None:
    rows = [
        HeatRow("2026-09", "10", (Cell("100%", 1.0), Cell("50%", 0.5))),
        HeatRow("2026-10", "8", (Cell("0%", 0.0), Cell(""))),
    ]
    h = heatmap(rows, ["0", "1"], cell_width=40, cell_height=20, font=10)
    # Labels: "2026-09" 7 × 6 = 42; sizes "10" 12: size_x = 42 + 10 + 12, left = 64 + 10.
    assert (h.size_x, h.left, h.top) == (64, 74, 30)
    assert (h.width, h.height) == (154, 70)
    assert [(c.x, c.y, c.display, c.opacity, c.strong) for c in h.cells] == [
        (75, 31, "100%", 0.95, True),
        (115, 31, "50%", 0.525, False),
        (75, 51, "0%", 0.1, False),
    ]  # the null cell of 2026-10 is not drawn
    assert [(c.text, c.x) for c in h.columns] == [("0", 94), ("1", 134)]
