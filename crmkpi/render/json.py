"""The JSON contract of SPEC.md ("JSON contract (report --format json)")."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from crmkpi import __version__
from crmkpi.engine import InputSummary, KpiResult, Report
from crmkpi.periods import Period
from crmkpi.render.format import change, display
from crmkpi.targets import Verdict, judge_report


def period_json(p: Period, *, full: bool) -> dict[str, Any]:
    """Inclusive start and end days; the full form adds grain, calendar, partial."""
    out: dict[str, Any] = {
        "label": p.label,
        "start": p.start.isoformat(),
        "end": p.last_day.isoformat(),
    }
    if full:
        out |= {"grain": p.grain, "calendar": p.calendar, "partial": p.partial}
    return out


def _number(value: float | None, unit: str) -> float | int | None:
    """Counts that are whole numbers are written as integers."""
    if value is None:
        return None
    if unit == "count" and float(value).is_integer():
        return int(value)
    return value


def _pacing_json(v: Verdict) -> dict[str, float | None] | None:
    if v.pacing is None:
        return None
    return {"projected": v.pacing.projected, "of_target": v.pacing.of_target}


def kpi_json(
    r: KpiResult, currency: str | None, verdict: Verdict, trend: tuple[Period, ...] = ()
) -> dict[str, Any]:
    unit = r.kpi.unit
    value = r.current.value
    previous = r.comparisons.get("previous")
    year_ago = r.comparisons.get("year_ago")
    prev_value = previous.value if previous else None
    ago_value = year_ago.value if year_ago else None
    return {
        "id": r.spec.id,
        "label": r.label,
        "unit": unit,
        "better": r.kpi.better,
        "value": _number(value, unit),
        "display": display(value, unit, currency),
        "reason": r.current.reason,
        "previous": _number(prev_value, unit),
        "change": _number(change(value, prev_value), unit),
        "year_ago": _number(ago_value, unit),
        "change_year_ago": _number(change(value, ago_value), unit),
        "target": _number(verdict.target, unit),
        "status": verdict.status,
        "condition": verdict.condition,
        "pacing": _pacing_json(verdict),
        "trend": [
            {"period": p.label, "value": _number(m.value, unit), "reason": m.reason}
            for p, m in zip(trend, r.trend, strict=True)
        ],
    }


def _input_json(i: InputSummary, data_dir: Path | None) -> dict[str, Any]:
    path = i.path
    if data_dir is not None and path.is_relative_to(data_dir):
        path = path.relative_to(data_dir)
    return {
        "path": str(path),
        "preset": i.preset,
        "rows": i.rows,
        "skipped": i.skipped,
        "skipped_by_reason": dict(i.skipped_by_reason),
        "latest": i.latest.isoformat() if i.latest else None,
    }


def report_dict(report: Report, data_dir: Path | None = None) -> dict[str, Any]:
    verdicts = judge_report(report)
    return {
        "crmkpi_version": __version__,
        "title": report.title,
        "as_of": report.as_of.isoformat(),
        "currency": report.currency,
        "period": period_json(report.period, full=True),
        "compare": {name: period_json(p, full=False) for name, p in report.comparisons.items()},
        "kpis": [
            kpi_json(r, report.currency, verdicts[r.spec.id], report.trend) for r in report.kpis
        ],
        "breakdowns": {},
        "sections": {},
        "inputs": {i.table: _input_json(i, data_dir) for i in report.inputs},
        "warnings": list(report.warnings),
    }


def render_json(report: Report, data_dir: Path | None = None) -> str:
    return json.dumps(report_dict(report, data_dir), indent=2, ensure_ascii=False) + "\n"
