"""Screenshots of the HTML report for the README, taken with headless Chromium.

    .venv/bin/python scripts/screenshots.py

writes ``docs/screenshots/report-desktop.png`` (1280 wide) and
``report-phone.png`` (390 wide) of the golden report (``tests/golden``,
as of the last day of ``sample_data/``), each as tall as the page; and
``docs/screenshots/report-fa.png``, the demo report in Persian (``configs/default.yaml``
with ``--locale fa --calendar jalali -p 1405-07``: Mehr 1405), right to left;
``analyses-desktop.png`` and ``analyses-phone.png``, the breakdowns and
sections; the terminal as SVG (``terminal.svg``, 172 columns) and as
``terminal-80.png``, an 80-column window.

Chromium is a tool of this script and of ``tests/e2e/test_browser.py``, which
loads this file for the same helpers; the ``crmkpi`` package never needs it.
PNGs are read with the standard library only (8-bit RGB or RGBA,
non-interlaced: what Chromium writes).
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "crmkpi.yaml"
ANALYSES = ROOT / "tests" / "golden" / "analyses.yaml"
DEMO = ROOT / "configs" / "default.yaml"
PERSIAN_PERIOD = "1405-07"  # Mehr 1405: the last whole Jalali month of sample_data/
PERSIAN_SHOT = ROOT / "docs" / "screenshots" / "report-fa.png"
AS_OF = date(2026, 11, 20)
OUT = ROOT / "docs" / "screenshots"
# Width, and the most height to keep (the phone shot shows the first screens only).
SIZES = {"desktop": (1280, None), "phone": (390, 1700)}
TALL = 9000  # first shot: taller than any report, to measure the page
MARGIN = 32  # pixels kept under the last non-blank row (the page has its own padding)
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_CHANNELS = {2: 3, 6: 4}  # PNG colour type → bytes per pixel (RGB, RGBA)


def find_chromium() -> str | None:
    """``$CHROMIUM``, else the first Chromium-like browser on PATH."""
    named = os.environ.get("CHROMIUM")
    if named:
        return shutil.which(named)
    return next((p for p in map(shutil.which, BROWSERS) if p), None)


def _headless(browser: str, profile: str) -> list[str]:
    """Headless Chromium with a fresh profile and no network services: the
    report must not need any, and a shared profile would leak state."""
    return [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
    ]


def screenshot(
    browser: str, page: Path, png: Path, width: int, height: int, *, dark: bool = False
) -> None:
    """``page`` rendered in a ``width`` × ``height`` window, saved to ``png``."""
    with tempfile.TemporaryDirectory(prefix="crmkpi-chromium-") as profile:
        args = _headless(browser, profile)
        args += ["--hide-scrollbars", f"--window-size={width},{height}", f"--screenshot={png}"]
        if dark:
            args.append("--blink-settings=preferredColorScheme=0")
        args.append(page.resolve().as_uri())
        subprocess.run(args, check=True, capture_output=True, timeout=60)
    if not png.is_file():
        raise RuntimeError(f"{browser} wrote no screenshot to {png}")


def dump_dom(browser: str, page: Path, width: int = 1280, height: int = 900) -> str:
    """The DOM of ``page`` after it ran, as HTML: how a test reads what a
    script measured in the page (computed styles, boxes)."""
    with tempfile.TemporaryDirectory(prefix="crmkpi-chromium-") as profile:
        args = _headless(browser, profile)
        args += [f"--window-size={width},{height}", "--dump-dom", page.resolve().as_uri()]
        done = subprocess.run(args, check=True, capture_output=True, timeout=60)
    return done.stdout.decode("utf-8")


def _chunks(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    pos = 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        yield data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length


def png_rows(path: Path) -> tuple[int, int, list[bytes]]:
    """(width, bytes per pixel, filtered rows): each row still starts with its
    filter byte. Only the IDAT stream is inflated, nothing is unfiltered yet."""
    data = path.read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG")
    header, idat = b"", bytearray()
    for kind, body in _chunks(data):
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    if depth != 8 or colour not in _CHANNELS or interlace:
        raise ValueError(f"{path}: only 8-bit RGB/RGBA non-interlaced PNGs are read")
    bpp = _CHANNELS[colour]
    raw = zlib.decompress(bytes(idat))
    stride = width * bpp + 1
    return width, bpp, [raw[i * stride : (i + 1) * stride] for i in range(height)]


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def unfilter(rows: list[bytes], bpp: int, limit: int | None = None) -> list[bytes]:
    """The pixel bytes of the first ``limit`` rows, PNG filters undone (RFC 2083 §6)."""
    out: list[bytes] = []
    prior = bytes(len(rows[0]) - 1) if rows else b""
    for row in rows[:limit]:
        kind, cur = row[0], bytearray(row[1:])
        if kind == 2:
            cur = bytearray((x + y) & 255 for x, y in zip(cur, prior, strict=True))
        elif kind in (1, 3, 4):
            for i in range(len(cur)):
                left = cur[i - bpp] if i >= bpp else 0
                if kind == 1:
                    cur[i] = (cur[i] + left) & 255
                elif kind == 3:
                    cur[i] = (cur[i] + ((left + prior[i]) >> 1)) & 255
                else:
                    up_left = prior[i - bpp] if i >= bpp else 0
                    cur[i] = (cur[i] + _paeth(left, prior[i], up_left)) & 255
        prior = bytes(cur)
        out.append(prior)
    return out


def content_height(png: Path) -> int:
    """Rows down to the last one that differs from the blank page below it.

    Read without unfiltering: a row of one colour under a row of the same
    colour filters to all zeros after its first pixel, whatever the filter, so
    the blank bottom of the page is the run of such rows at the end.
    """
    _, bpp, rows = png_rows(png)
    end = len(rows)
    while end > 1 and not any(rows[end - 1][1 + bpp :]):
        end -= 1
    return end


def _render_golden(html: Path, config: Path = GOLDEN) -> None:
    from crmkpi.config import load_config
    from crmkpi.engine import run_report
    from crmkpi.render.html import render_html

    report = run_report(load_config(config, ROOT), AS_OF)
    html.write_text(render_html(report), encoding="utf-8")


def render_persian(html: Path) -> None:
    """The demo report in Persian with Jalali dates, as ``crmkpi report -c
    configs/default.yaml --locale fa --calendar jalali -p 1405-07`` makes it."""
    from crmkpi.config import load_config
    from crmkpi.engine import run_report
    from crmkpi.render.html import render_html

    cfg = load_config(DEMO, ROOT).with_overrides(locale="fa", calendar="jalali")
    report = run_report(cfg, AS_OF, period_text=PERSIAN_PERIOD)
    html.write_text(render_html(report), encoding="utf-8")


def full_page(browser: str, html: Path, target: Path, width: int, most: int | None = None) -> int:
    """``html`` at ``width``, as tall as its content (at most ``most``); the height."""
    with tempfile.TemporaryDirectory(prefix="crmkpi-probe-") as tmp:
        probe = Path(tmp) / "probe.png"
        screenshot(browser, html, probe, width, TALL)
        height = min(content_height(probe) + MARGIN, most or TALL)
    screenshot(browser, html, target, width, height)
    sys.stdout.write(f"{target.relative_to(ROOT)}: {width}×{height}\n")
    return height


def terminal_svg(svg: Path, width: int = 172, config: Path = GOLDEN) -> None:
    """The terminal table of a golden report, in colour, as an SVG picture."""
    from rich.console import Console
    from rich.text import Text

    from crmkpi.config import load_config
    from crmkpi.engine import run_report
    from crmkpi.render.terminal import render_terminal

    report = run_report(load_config(config, ROOT), AS_OF)
    console = Console(record=True, width=width, force_terminal=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(Text.from_ansi(render_terminal(report, color=True, width=width)))
    console.save_svg(str(svg), title=f"crmkpi report -c {config.relative_to(ROOT)}")


def terminal_png(browser: str, png: Path, columns: int = 80, config: Path = GOLDEN) -> None:
    """The terminal at ``columns`` (what a narrow window shows), as a PNG: the
    SVG picture of ``terminal_svg`` drawn by Chromium, as tall as it is."""
    with tempfile.TemporaryDirectory(prefix="crmkpi-term-") as tmp:
        svg = Path(tmp) / "terminal.svg"
        terminal_svg(svg, width=columns, config=config)
        text = svg.read_text(encoding="utf-8")
        view_box = text.split('viewBox="', 1)[1].split('"', 1)[0].split()
        width, height = round(float(view_box[2])), round(float(view_box[3]))
        page = Path(tmp) / "terminal.html"
        page.write_text(
            f'<!DOCTYPE html><html><body style="margin:0">{text}</body></html>', encoding="utf-8"
        )
        screenshot(browser, page, png, width, height)
    sys.stdout.write(f"{png.relative_to(ROOT)}: {width}×{height}\n")


def main() -> int:
    browser = find_chromium()
    if browser is None:
        sys.stderr.write("screenshots: no chromium on PATH (set CHROMIUM to its path)\n")
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="crmkpi-shots-") as tmp:
        html = Path(tmp) / "report.html"
        _render_golden(html)
        for name, (width, most) in SIZES.items():
            full_page(browser, html, OUT / f"report-{name}.png", width, most)
        html = Path(tmp) / "analyses.html"
        _render_golden(html, ANALYSES)
        full_page(browser, html, OUT / "analyses-desktop.png", 1280)
        full_page(browser, html, OUT / "analyses-phone.png", 390)  # whole: the tables too
        html = Path(tmp) / "report-fa.html"
        render_persian(html)
        full_page(browser, html, PERSIAN_SHOT, 1280)
    for name, config in (("terminal", GOLDEN), ("terminal-analyses", ANALYSES)):
        terminal_svg(OUT / f"{name}.svg", config=config)
        sys.stdout.write(f"docs/screenshots/{name}.svg\n")
    terminal_png(browser, OUT / "terminal-80.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
