"""CSV: one row per KPI and period, for spreadsheets and BI tools.

The columns are stable (``COLUMNS``, documented in docs/outputs.md). Numbers
are written as raw numbers (percent as a fraction, like JSON); text cells that
a spreadsheet would run as a formula get a leading ``'`` (SPEC.md "Outputs").
"""

from __future__ import annotations

import csv
import io

from crmkpi.engine import KpiResult, Measured, Report
from crmkpi.kpis.registry import Unit
from crmkpi.periods import Period
from crmkpi.render.format import raw_number
from crmkpi.render.safe_text import csv_text
from crmkpi.targets import Verdict, judge_report

COLUMNS = (
    "kpi", "label", "unit", "better", "role", "period", "start", "end",
    "value", "reason", "target", "status", "partial", "maturing", "open_share",
)  # fmt: skip

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | None


def neutralise(cell: Cell) -> Cell:
    """``=HYPERLINK(…)`` → ``'=HYPERLINK(…)``: text only; numbers stay numbers."""
    if isinstance(cell, str) and cell.startswith(_FORMULA_START):
        return "'" + cell
    return cell


def _number(value: float | None, unit: Unit) -> Cell:
    """12 significant digits: exact for any real amount or count, and free of
    float summation noise (``1160932.6000000006``) that depends on how polars
    split the sum across threads."""
    number = raw_number(value, unit)
    return float(f"{number:.12g}") if isinstance(number, float) else number


def _row(r: KpiResult, role: str, p: Period, m: Measured, verdict: Verdict | None) -> list[Cell]:
    unit = r.kpi.unit
    current = verdict is not None  # the report's own period
    cohort = current and r.maturing is not None
    return [
        r.spec.id,
        r.label,
        unit,
        r.kpi.better,
        role,
        p.label,
        p.start.isoformat(),
        p.last_day.isoformat(),
        _number(m.value, unit),
        m.reason,
        _number(verdict.target, unit) if verdict else None,
        verdict.status if verdict else None,
        "true" if p.partial else "false",
        ("true" if r.maturing else "false") if cohort else None,
        _number(m.open_share, "ratio") if cohort else None,
    ]


def kpi_rows(report: Report) -> list[list[Cell]]:
    """Per KPI: the period (with target and status), each comparison, then the
    trend points oldest first (the last one is the period again)."""
    verdicts = judge_report(report)
    rows: list[list[Cell]] = []
    for r in report.kpis:
        rows.append(_row(r, "current", report.period, r.current, verdicts[r.spec.id]))
        for name, p in report.comparisons.items():
            rows.append(_row(r, name, p, r.comparisons[name], None))
        for p, m in zip(report.trend, r.trend, strict=True):
            rows.append(_row(r, "trend", p, m, None))
    return rows


def _safe(cell: Cell) -> Cell:
    """Control characters and bidi overrides escaped, then the formula guard."""
    return neutralise(csv_text(cell) if isinstance(cell, str) else cell)


def _line(cells: list[Cell] | tuple[str, ...]) -> str:
    """One CSV line ending in ``\\n``. A cell holding a line break, a bare
    ``\\r`` too, is quoted: the csv module quotes only the characters of its
    line terminator, so it writes ``\\r\\n`` lines here, cut to ``\\n``."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(cells)
    return buffer.getvalue()[:-2] + "\n"


def render_csv(report: Report) -> str:
    rows = [[_safe(c) for c in row] for row in kpi_rows(report)]
    return _line(COLUMNS) + "".join(_line(row) for row in rows)
