"""The Persian report in a real browser: headless Chromium lays the demo
report (``configs/default.yaml`` with ``--locale fa --calendar jalali -p
1405-07``, as docs/screenshots/report-fa.png shows it) out right to left, with sparklines
whose time runs from right to left.

A copy of the page gets a script that writes what Chromium computed (styles
and boxes) into the DOM, which ``--dump-dom`` returns; the report itself has
no script. Chromium is found, or the test skipped, as in test_browser.py.
"""

from __future__ import annotations

import json
import re

import pytest
from test_browser import browser, shots

__all__ = ["browser"]  # the module fixture, shared

PROBE = """
<script>
(() => {
  const box = (el) => el.getBoundingClientRect();
  const style = (el) => getComputedStyle(el);
  const svg = document.querySelector("#kpi-new_customers svg.spark");
  const dots = [...svg.querySelectorAll("circle")].map((c) => box(c).left);
  const periods = [...svg.querySelectorAll(".labels text")].filter((t) => t.getAttribute("y") > 44);
  const found = {
    html: style(document.documentElement).direction,
    body: style(document.body).direction,
    table: style(document.querySelector("table")).direction,
    numberAlign: style(document.querySelector("td.num")).textAlign,
    svgText: style(svg.querySelector("text")).direction,
    dots: dots,
    oldest: periods.map((t) => [t.textContent, box(t).left, box(t).right]),
    svg: [box(svg).left, box(svg).right],
    card: box(document.querySelector("#kpi-new_customers")).right,
    title: box(document.querySelector("#kpi-new_customers h2")).right,
  };
  const out = document.createElement("pre");
  out.id = "probe";
  out.textContent = JSON.stringify(found);
  document.body.append(out);
})();
</script>
"""


@pytest.fixture(scope="module")
def measured(browser: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("fa")
    page = folder / "report-fa.html"
    shots.render_persian(page)
    html = page.read_text(encoding="utf-8")
    page.write_text(html.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    dom = shots.dump_dom(browser, page)
    match = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.S)
    assert match, dom[-2000:]
    found: dict[str, object] = json.loads(match[1].replace("&quot;", '"').replace("&amp;", "&"))
    return found


def test_page_runs_right_to_left(measured: dict[str, object]) -> None:
    assert measured["html"] == measured["body"] == measured["table"] == "rtl"
    assert measured["numberAlign"] == "end"  # one stylesheet: left in rtl, right in ltr
    assert measured["svgText"] == "rtl"  # what turns the charts' text-anchor around
    # The card's title sits at its right edge (start, right to left).
    card, title = measured["card"], measured["title"]
    assert isinstance(card, float | int)
    assert isinstance(title, float | int)
    assert 0 < card - title < 30


def test_sparkline_time_runs_right_to_left(measured: dict[str, object]) -> None:
    dots = measured["dots"]
    assert isinstance(dots, list)
    assert len(dots) == 6  # Ordibehesht .. Mehr 1405
    assert dots == sorted(dots, reverse=True)  # the latest point left of the oldest
    oldest, latest = measured["oldest"]  # type: ignore[misc]  # JSON: [text, left, right]
    assert oldest[0] == "اردیبهشت ۱۴۰۵"
    assert latest[0] == "مهر ۱۴۰۵"
    assert oldest[1] > latest[2]  # the oldest period's label right of the latest's
    left, right = measured["svg"]  # type: ignore[misc]
    # Anchored at the mirrored x, the labels stay inside the chart.
    assert left - 1 <= latest[1]
    assert oldest[2] <= right + 1
