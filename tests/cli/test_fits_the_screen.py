"""Tables follow the terminal's width (issue 23, item 10): ``crmkpi kpis``
and ``crmkpi report`` at ``COLUMNS=80`` and ``160``. Piped output honours
``$COLUMNS`` when it is set, and is not cut when it is not."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crmkpi.cli import app

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "crmkpi.yaml"
runner = CliRunner()


def _run(columns: int | None, *args: str) -> str:
    env = {"COLUMNS": str(columns)} if columns else {}
    result = runner.invoke(app, list(args), env=env)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def _header(text: str, first: str) -> list[str]:
    line = next(line for line in text.splitlines() if line.strip().startswith(first))
    return re.split(r"\s{2,}", line.strip())


@pytest.mark.parametrize("columns", [80, 160])
def test_kpis_fits_the_terminal(columns: int) -> None:
    text = _run(columns, "kpis")
    assert max(len(line) for line in text.splitlines()) <= columns
    assert "customer_acquisition_cost" in text  # ids are never cut
    if columns == 80:  # the id, unit and a readable definition; the rest is said left out
        assert _header(text, "id") == ["id", "unit", "definition"]
        assert "(too narrow for tables, label, better: widen the terminal or use -f md)" in text
    else:
        assert _header(text, "id") == ["id", "label", "unit", "better", "tables", "definition"]
        assert "too narrow" not in text


def test_kpis_piped_without_columns_is_not_cut() -> None:
    text = _run(None, "kpis")
    assert _header(text, "id") == ["id", "label", "unit", "better", "tables", "definition"]


@pytest.mark.parametrize("columns", [80, 160])
def test_report_fits_the_terminal(columns: int) -> None:
    text = _run(columns, "report", "-c", str(GOLDEN), "--as-of", "2026-11-20")
    assert max(len(line) for line in text.splitlines()) <= columns
    header = _header(text, "KPI")
    # Target and Status go together: never a "✗ fail" without the target it fails.
    assert ("Target" in header) == ("Status" in header)
    if columns == 80:
        assert header == ["KPI", "Value", "Change"]
    else:
        # Only the year-ago value goes: it is the first to drop.
        assert header == [
            "KPI", "Value", "Previous", "Change", "vs year ago", "Target", "Status", "Trend",
        ]  # fmt: skip
