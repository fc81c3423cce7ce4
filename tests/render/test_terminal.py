"""The terminal table: sparkline column, narrow terminals, colour, progress."""

from __future__ import annotations

import io
import re
import time
from datetime import date
from pathlib import Path

import pytest

from crmkpi import progress as progress_module
from crmkpi.config import load_config
from crmkpi.engine import Report, run_report
from crmkpi.render.format import spark_text
from crmkpi.render.terminal import DROP_ORDER, render_terminal

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="module")
def golden() -> Report:
    cfg = load_config(GOLDEN / "crmkpi.yaml", Path.cwd())
    return run_report(cfg, date(2026, 11, 20))


def _header(text: str) -> list[str]:
    line = next(line for line in text.splitlines() if line.lstrip().startswith("KPI"))
    return re.split(r"\s{2,}", line.strip())


def test_wide_terminal_shows_every_column_with_a_sparkline(golden: Report) -> None:
    text = render_terminal(golden, width=200)
    assert _header(text) == [
        "KPI", "Value", "Previous", "Change", "Year ago", "vs year ago", "Target", "Status", "Trend",
    ]  # fmt: skip
    new = next(line for line in text.splitlines() if line.lstrip().startswith("New customers"))
    # Trend May..Oct 2026 on the sample: 40, 37, 50, 27, 36, 57 → scaled 27..57 onto 8 blocks.
    assert new.rstrip().endswith("▄▃▆▁▃█")
    assert "too narrow" not in text


@pytest.mark.parametrize("width", [150, 120, 100, 80, 60])
def test_narrow_terminals_drop_columns_in_order_and_never_wrap(golden: Report, width: int) -> None:
    text = render_terminal(golden, width=width)
    table = [line for line in text.splitlines() if line.startswith(" ")]
    assert all(len(line) <= width for line in table)
    shown = _header(text)
    order = [h for group in DROP_ORDER for h in group]
    dropped = [h for h in order if h not in shown]
    # Whatever was dropped is a prefix of DROP_ORDER, and the reader is told.
    assert dropped == order[: len(dropped)]
    if dropped:
        assert f"too narrow for {', '.join(dropped)}" in " ".join(text.split())
    # Each KPI stays on one line: no cell wrapped onto a second row.
    labels = [k.label for k in golden.kpis]
    body = [line for line in table if line.strip() and not line.strip().startswith(("KPI", "━"))]
    assert len(body) == len(labels)
    assert shown[:2] == ["KPI", "Value"]


@pytest.mark.parametrize("width", range(60, 200, 4))
def test_target_and_status_are_dropped_together(golden: Report, width: int) -> None:
    """A "✗ fail" without the target it misses reads as a verdict with no reason."""
    shown = _header(render_terminal(golden, width=width))
    assert ("Target" in shown) == ("Status" in shown)


def test_at_80_columns_the_change_stays_and_the_summary_says_what_fails(golden: Report) -> None:
    text = render_terminal(golden, width=80)
    assert _header(text) == ["KPI", "Value", "Change"]
    assert "✗ Revenue USD 1,160,932.60 · fail: target USD 1,200,000.00" in text
    assert all(len(line) <= 80 for line in text.splitlines())


def test_colour_only_when_asked(golden: Report) -> None:
    assert ANSI.search(render_terminal(golden, width=200, color=True))
    assert not ANSI.search(render_terminal(golden, width=200, color=False))


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], "▁▂▃▄▅▆▇█"),
        ([0.0, 10.0], "▁█"),
        ([5.0, 5.0, 5.0], "▄▄▄"),  # flat: the middle, not the floor
        ([1.0, None, 3.0], "▁ █"),  # a gap where a value is unavailable
        ([None, None], ""),
        ([-2.0, 0.0, 2.0], "▁▅█"),  # 0 is 4/8 of the way: round(3.5) = 4 → ▅
    ],
)
def test_spark_text(values: list[float | None], expected: str) -> None:
    assert spark_text(values) == expected


def test_progress_is_silent_for_quick_work(capsys: pytest.CaptureFixture[str]) -> None:
    with progress_module.progress(True, delay=5.0) as step:
        step("reading deals.csv")
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == ""


def test_progress_appears_on_stderr_after_the_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    from rich.console import Console

    buffer = io.StringIO()

    def fake_stderr_console(stderr: bool = False) -> Console:
        return Console(file=buffer, force_terminal=True, width=60)

    monkeypatch.setattr("rich.console.Console", fake_stderr_console)
    with progress_module.progress(True, delay=0.05) as step:
        step("reading deals.csv")
        time.sleep(0.4)
    assert "reading deals.csv…" in buffer.getvalue()


def test_progress_disabled_yields_a_callback_that_does_nothing() -> None:
    with progress_module.progress(False) as step:
        assert step("anything") is None


def test_cli_table_honours_no_color(golden: Report, monkeypatch: pytest.MonkeyPatch) -> None:
    from crmkpi.cli import Format, _render
    from crmkpi.config import load_config

    cfg = load_config(GOLDEN / "crmkpi.yaml", Path.cwd())
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert ANSI.search(_render(golden, Format.table, cfg, None, to_terminal=True))
    monkeypatch.setenv("NO_COLOR", "1")
    assert not ANSI.search(_render(golden, Format.table, cfg, None, to_terminal=True))
