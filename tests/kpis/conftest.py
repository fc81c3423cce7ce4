"""Shared helpers of the KPI tests: compute one KPI on tiny typed frames, or run
the whole CLI on the same rows written as CSV.

Every expected number in ``tests/kpis`` is worked out by hand from KPIS.md in a
comment next to it, never read from the implementation.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from _worked import CliInvoke, CliReport, KpiFrame, Measure, Value
from typer.testing import CliRunner, Result

from crmkpi.cli import app
from crmkpi.kpis import REGISTRY, KpiOptions, KpiSettings, Tables
from crmkpi.kpis.registry import Stat
from crmkpi.periods import parse_period

# A Friday after every period used here, so no period is cut short (partial).
AS_OF = date(2026, 11, 20)


# The optional column of a KPI frame that carries a config error only the data
# reveals (an open deal's stage missing from stage_probability).
CONFIG_ERROR = "config_error"
# The optional columns of a cohort KPI's frame: the share of its cohort still
# open, and how many outcomes have no date.
COHORT_FACTS = ["open_share", "undated"]


@pytest.fixture
def kpi_frame() -> KpiFrame:
    """``kpi_frame(kpi_id, tables, "2026-10", stat="mean", settings=None)``: the
    collected one-row frame of ``value, reason`` (and ``config_error`` if the
    KPI can raise one), with the config settings (``KpiSettings``) given."""

    def _frame(
        kpi_id: str,
        tables: Tables,
        period: str,
        stat: Stat = "mean",
        settings: KpiSettings | None = None,
    ) -> pl.DataFrame:
        p = parse_period(period, as_of=AS_OF)
        assert not p.partial, f"{period} is cut at {AS_OF}; pick an earlier period"
        options = KpiOptions(stat=stat, settings=settings or KpiSettings())
        out = REGISTRY[kpi_id].compute(tables, p, options).collect()
        plain, facts = ["value", "reason"], ["value", "reason", *COHORT_FACTS]
        assert out.columns in (plain, [*plain, CONFIG_ERROR], *([facts] * REGISTRY[kpi_id].cohort))
        assert out.height == 1
        return out

    return _frame


@pytest.fixture
def measure(kpi_frame: KpiFrame) -> Measure:
    """``measure(kpi_id, tables, "2026-10", stat="mean", settings=None) -> (value, reason)``.

    Also checks the contract of every KPI frame: one row of ``value, reason``,
    ``value`` is null exactly when a non-empty ``reason`` says why, and no
    config error hides behind a value.
    """

    def _measure(
        kpi_id: str,
        tables: Tables,
        period: str,
        stat: Stat = "mean",
        settings: KpiSettings | None = None,
    ) -> tuple[Value, str | None]:
        out = kpi_frame(kpi_id, tables, period, stat, settings)
        if CONFIG_ERROR in out.columns:
            assert out[CONFIG_ERROR][0] is None, out[CONFIG_ERROR][0]
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
def cli_invoke(tmp_path: Path) -> CliInvoke:
    """Write ``tables`` ({name: (header, rows)}) as CSV plus a ``crmkpi.yaml``
    listing ``kpis`` (with ``options``, {id: YAML flow mapping}, and the
    top-level YAML text ``config``), run ``crmkpi report -f json`` for the
    period as of 2026-11-20 and return the result, whatever its exit code."""

    def _run(
        tables: dict[str, tuple[Sequence[str], Sequence[Sequence[object]]]],
        kpis: Sequence[str],
        period: str = "2026-10",
        options: Mapping[str, str] | None = None,
        config: str = "",
    ) -> Result:
        for name, (header, rows) in tables.items():
            _write_csv(tmp_path / f"{name}.csv", header, rows)
        entries = "".join(
            f"  - {k}: {options[k]}\n" if options and k in options else f"  - {k}\n" for k in kpis
        )
        (tmp_path / "crmkpi.yaml").write_text(config + "kpis:\n" + entries, encoding="utf-8")
        args = ["report", "-c", str(tmp_path / "crmkpi.yaml"), "-d", str(tmp_path), "-p", period]
        args += ["--as-of", AS_OF.isoformat(), "-f", "json", "--compare", "none"]
        return CliRunner().invoke(app, args)

    return _run


@pytest.fixture
def cli_report(cli_invoke: CliInvoke) -> CliReport:
    """As ``cli_invoke``, but assert exit 0 and return the stderr and the KPIs by id."""

    def _run(
        tables: dict[str, tuple[Sequence[str], Sequence[Sequence[object]]]],
        kpis: Sequence[str],
        period: str = "2026-10",
        options: Mapping[str, str] | None = None,
        config: str = "",
    ) -> dict[str, Any]:
        result = cli_invoke(tables, kpis, period, options, config)
        assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
        report = json.loads(result.stdout)
        assert report["period"]["label"] == period
        assert [k["id"] for k in report["kpis"]] == list(kpis)
        return {"stderr": result.stderr, "kpis": {k["id"]: k for k in report["kpis"]}}

    return _run
