"""The HTML report fits the screen (issue 23, item 10), measured in headless
Chromium: at phone width (390 px) no table pushes the page sideways, each
scrolls inside its card; on the Persian page at 1280 px a comparison's
period name, its change and its unit stay on one line each, inside the card.

As in test_browser_fa.py, a copy of the page gets a script that writes what
Chromium laid out into the DOM, which ``--dump-dom`` returns.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from test_browser import browser, shots

from crmkpi.config import load_config
from crmkpi.engine import run_report
from crmkpi.render.html import render_html

__all__ = ["browser"]  # the module fixture, shared

ANALYSES = Path(__file__).resolve().parents[1] / "golden" / "analyses.yaml"

PROBE = """
<script>
(() => {
  const box = (el) => el.getBoundingClientRect();
  // The lines a piece of text takes: its boxes, top to bottom, each below
  // the one before (a smaller arrow on the same line overlaps it).
  const lines = (el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const rects = [...range.getClientRects()].filter((r) => r.width > 0);
    rects.sort((a, b) => a.top - b.top);
    let count = 0, bottom = -Infinity;
    for (const r of rects) {
      if (r.top >= bottom - 1) count += 1;
      bottom = Math.max(bottom, r.bottom);
    }
    return count;
  };
  const scroller = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      if (["auto", "scroll"].includes(getComputedStyle(p).overflowX)) return p;
    }
    return null;
  };
  const found = {
    viewport: document.documentElement.clientWidth,
    page: document.documentElement.scrollWidth,
    tables: [...document.querySelectorAll("table")].map((t) => {
      const s = scroller(t);
      const card = t.closest(".panel, .colophon");
      return {
        caption: (t.closest("section, footer").querySelector("h2") || {}).textContent,
        wide: box(t).width,
        scroller: s ? [box(s).left, box(s).right, s.scrollWidth > s.clientWidth] : null,
        card: card ? [box(card).left, box(card).right] : null,
      };
    }),
    changes: [...document.querySelectorAll(".changes > div")].map((d) => {
      const card = box(d.closest(".card"));
      // The change with its unit (before, the whole .delta), its relative size, "was …".
      const delta = d.querySelector(".delta > .nowrap") || d.querySelector(".delta");
      const parts = [d.querySelector("dt"), delta,
                     ...d.querySelectorAll(".delta > .rel, .was .nowrap")];
      return parts.map((p) => [p.textContent.trim(), lines(p), box(p).left >= card.left - 0.5,
                               box(p).right <= card.right + 0.5]);
    }),
  };
  const out = document.createElement("pre");
  out.id = "probe";
  out.textContent = JSON.stringify(found);
  document.body.append(out);
})();
</script>
"""


def _measure(browser: str, page: Path, width: int) -> dict[str, object]:
    html = page.read_text(encoding="utf-8")
    page.write_text(html.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    dom = shots.dump_dom(browser, page, width=width, height=900)
    match = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.S)
    assert match, dom[-2000:]
    found: dict[str, object] = json.loads(match[1].replace("&quot;", '"').replace("&amp;", "&"))
    return found


@pytest.mark.parametrize("locale", ["en", "fa"])
def test_phone_tables_scroll_inside_their_card(browser: str, tmp_path: Path, locale: str) -> None:
    cfg = load_config(ANALYSES, ANALYSES.parent).with_overrides(locale=locale)
    report = run_report(cfg, date(2026, 11, 20))
    page = tmp_path / "analyses.html"
    page.write_text(render_html(report), encoding="utf-8")
    found = _measure(browser, page, 390)
    viewport = found["viewport"]
    assert isinstance(viewport, int)
    assert found["page"] == viewport  # nothing pushes the page sideways
    tables = found["tables"]
    assert isinstance(tables, list)
    assert len(tables) >= 5  # two breakdowns, pipeline, funnel, cohorts, data sources
    scrolled = 0
    for t in tables:
        assert t["scroller"] is not None, t  # every table sits in a scroller …
        left, right, scrolls = t["scroller"]
        assert left >= 0, t  # … that fits the page
        assert right <= viewport, t
        if t["card"] is not None:
            assert t["card"][0] - 0.5 <= left, t  # and its card
            assert right <= t["card"][1] + 0.5, t
        scrolled += scrolls
    assert scrolled >= 1  # the widest tables do scroll, inside their card


def test_persian_comparisons_and_units_do_not_wrap(browser: str, tmp_path: Path) -> None:
    page = tmp_path / "report-fa.html"
    shots.render_persian(page)
    found = _measure(browser, page, 1280)
    changes = found["changes"]
    assert isinstance(changes, list)
    parts = [p for c in changes for p in c]
    assert len(parts) > 100  # 26 cards, two comparisons each
    assert any("واحد" in text for text, *_ in parts)  # percentage points, in words
    wrapped = [text for text, n, *_ in parts if n != 1]
    assert wrapped == []
    outside = [text for text, _, left, right in parts if not (left and right)]
    assert outside == []
