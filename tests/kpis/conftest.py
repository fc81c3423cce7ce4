"""Shared helpers of the KPI tests: compute one KPI on tiny typed frames, or run
the whole CLI on the same rows written as CSV.

Every expected number in ``tests/kpis`` is worked out by hand from KPIS.md in a
comment next to it, never read from the implementation.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from typer.testing import CliRunner

from crmkpi.cli import app
from crmkpi.kpis import REGISTRY, KpiOptions, Tables
from crmkpi.kpis.registry import Stat
from crmkpi.periods import parse_period

# A Friday after every period used here, so no period is cut short (partial).
AS_OF = date(2026, 11, 20)

Value = float | None
Measure = Callable[..., tuple[Value, str | None]]
CliReport = Callable[..., dict[str, Any]]


@pytest.fixture
def measure() -> Measure:
    """``measure(kpi_id, tables, "2026-10", stat="mean") -> (value, reason)``.

    Also checks the contract of every KPI frame: one row of ``value, reason``,
    and ``value`` is null exactly when a non-empty ``reason`` says why.
    """

    def _measure(
        kpi_id: str, tables: Tables, period: str, stat: Stat = "mean"
    ) -> tuple[Value, str | None]:
        p = parse_period(period, as_of=AS_OF)
        assert not p.partial, f"{period} is cut at {AS_OF}; pick an earlier period"
        out = REGISTRY[kpi_id].compute(tables, p, KpiOptions(stat=stat)).collect()
        assert out.columns == ["value", "reason"]
        assert out.height == 1
        assert out.schema["value"] == pl.Float64
        value, reason = out["value"][0], out["reason"][0]
        if value is None:
            assert isinstance(reason, str), f"{kpi_id}: unavailable without a reason"
            assert reason.strip(), f"{kpi_id}: unavailable with an empty reason"
        else:
            assert reason is None, f"{kpi_id}: value {value} carries reason {reason!r}"
        return value, reason

    return _measure


def _write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(["" if cell is None else str(cell) for cell in row] for row in rows)


@pytest.fixture
def cli_report(tmp_path: Path) -> CliReport:
    """Write ``tables`` ({name: (header, rows)}) as CSV plus a ``crmkpi.yaml``
    listing ``kpis``, run ``crmkpi report -f json`` for October 2026 as of
    2026-11-20, assert exit 0 and return the stderr and the KPIs by id."""

    def _run(
        tables: dict[str, tuple[Sequence[str], Sequence[Sequence[object]]]],
        kpis: Sequence[str],
        period: str = "2026-10",
    ) -> dict[str, Any]:
        for name, (header, rows) in tables.items():
            _write_csv(tmp_path / f"{name}.csv", header, rows)
        config = tmp_path / "crmkpi.yaml"
        config.write_text("kpis:\n" + "".join(f"  - {k}\n" for k in kpis), encoding="utf-8")
        args = ["report", "-c", str(config), "-d", str(tmp_path), "-p", period]
        args += ["--as-of", AS_OF.isoformat(), "-f", "json", "--compare", "none"]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
        report = json.loads(result.stdout)
        assert report["period"]["label"] == period
        assert [k["id"] for k in report["kpis"]] == list(kpis)
        return {"stderr": result.stderr, "kpis": {k["id"]: k for k in report["kpis"]}}

    return _run
