"""The HTML report in a real browser: headless Chromium draws the golden
report at desktop and phone width, and the screenshot is not blank.

Chromium and the PNG reader live in scripts/screenshots.py (which makes the
README screenshots the same way); it is loaded by path, as scripts/ is not a
package. Without Chromium the test skips, except under CI (``CI`` set),
where a missing browser is a failure: CI installs it.
"""

from __future__ import annotations

import importlib.util
import os
from collections import Counter
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest

from crmkpi.config import load_config
from crmkpi.engine import run_report
from crmkpi.render.html import render_html

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden" / "crmkpi.yaml"


def _shots() -> ModuleType:
    spec = importlib.util.spec_from_file_location("screenshots", ROOT / "scripts/screenshots.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


shots = _shots()


@pytest.fixture(scope="module")
def browser() -> str:
    found: str | None = shots.find_chromium()
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set but no chromium was found (CI must install it)")
        pytest.skip("no chromium on PATH (set CHROMIUM to use another one)")
    return found


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    report = run_report(load_config(GOLDEN, GOLDEN.parent), date(2026, 11, 20))
    path = tmp_path_factory.mktemp("html") / "report.html"
    path.write_text(render_html(report), encoding="utf-8")
    return path


@pytest.mark.parametrize(("width", "height"), [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_report_renders_in_chromium(
    browser: str, page: Path, tmp_path: Path, width: int, height: int
) -> None:
    png = tmp_path / "shot.png"
    shots.screenshot(browser, page, png, width, height)
    png_width, bpp, rows = shots.png_rows(png)
    assert (png_width, len(rows)) == (width, height)
    pixels = Counter[bytes]()
    decoded = shots.unfilter(rows, bpp)
    for row in decoded:
        pixels.update(row[i : i + 3] for i in range(0, len(row), bpp))
    # The corner is the page background: light (the default colour scheme)
    # but not white paper, so the stylesheet was applied.
    corner = decoded[0][:3]
    assert min(corner) > 200, corner.hex()
    assert corner != b"\xff\xff\xff"
    # Text, cards, pills and charts: many colours, and much of the window is
    # something other than the background.
    assert len(pixels) > 500
    assert 1 - pixels[corner] / (width * height) > 0.3
    # Some pixels are the green and the red of the change arrows and pills.
    assert any(g > r + 60 and g > b + 30 for r, g, b in pixels)
    assert any(r > g + 80 and r > b + 80 for r, g, b in pixels)
