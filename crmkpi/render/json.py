"""The JSON contract of SPEC.md ("JSON contract (report --format json)")."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from crmkpi import __version__
from crmkpi.analyses import (
    Breakdown,
    CohortSection,
    FunnelSection,
    Measured,
    PipelineSection,
    Section,
)
from crmkpi.engine import InputSummary, KpiResult, Report
from crmkpi.kpis.registry import Unit
from crmkpi.periods import Period
from crmkpi.render.format import change, display, raw_number, relative, stable
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
    out = {
        "id": r.spec.id,
        "label": r.label,
        "unit": unit,
        "better": r.kpi.better,
        "value": raw_number(value, unit),
        "display": display(value, unit, currency),
        "reason": r.current.reason,
        "previous": raw_number(prev_value, unit),
        "change": raw_number(change(value, prev_value), unit),
        "year_ago": raw_number(ago_value, unit),
        "change_year_ago": raw_number(change(value, ago_value), unit),
        "change_relative": relative(value, prev_value),
        "change_year_ago_relative": relative(value, ago_value),
        "target": raw_number(verdict.target, unit),
        "status": verdict.status,
        "condition": verdict.condition,
        "pacing": _pacing_json(verdict),
        "trend": [
            {
                "period": p.label,
                "value": raw_number(m.value, unit),
                "reason": m.reason,
                "partial": p.partial,
            }
            for p, m in zip(trend, r.trend, strict=True)
        ],
    }
    return out | _maturity_json(r)


def _maturity_json(r: KpiResult) -> dict[str, Any]:
    """A cohort KPI's ``maturing`` flag and the share of its cohort still open;
    nothing for other KPIs."""
    if r.maturing is None:
        return {}
    return {"maturing": r.maturing, "open_share": r.current.open_share}


def _values(values: dict[str, Measured], units: dict[str, Unit]) -> dict[str, Any]:
    return {k: raw_number(v.value, units.get(k, "ratio")) for k, v in values.items()}


def _reasons(values: dict[str, Measured]) -> dict[str, str]:
    """A KPI id → why its value is null; only the null ones."""
    return {k: v.reason or "unavailable" for k, v in values.items() if v.value is None}


def breakdown_json(b: Breakdown, units: dict[str, Unit]) -> dict[str, Any]:
    """Every group, unfolded (``--top`` only shortens tables), in the order
    given (best first by the first KPI); ``total_reasons`` like a group's."""
    return {
        "groups": [
            {"key": g.key, "kpis": _values(g.values, units), "reasons": _reasons(g.values)}
            for g in b.groups
        ],
        "total": _values(b.total, units),
        "total_reasons": _reasons(b.total),
        "notes": list(b.notes.values()),
    }


def _counts(row: dict[str, Any], *names: str) -> dict[str, Any]:
    """Counts as integers, like the KPIs' (``_number``)."""
    return row | {n: raw_number(row[n], "count") for n in names}


_ROWS = {"pipeline": "stages", "funnel": "steps", "cohorts": "rows"}


def section_json(s: Section) -> dict[str, Any]:
    """The section's rows (KPIS.md fields) plus ``reason`` and ``notes``; a
    section that could not be computed has its rows key null and a reason."""
    out: dict[str, Any]
    data = s.data
    if isinstance(data, PipelineSection):
        out = {
            "stages": [_counts(dataclasses.asdict(st), "deals", "left") for st in data.stages],
            "weighted_reason": data.weighted_reason,
            "stage_time_reason": data.stage_time_reason,
        }
    elif isinstance(data, FunnelSection):
        out = {"steps": [_counts(dataclasses.asdict(st), "count") for st in data.steps]}
    elif isinstance(data, CohortSection):
        rows = [
            {"cohort": r.cohort, "size": raw_number(r.size, "count"), "cells": list(r.cells)}
            for r in data.rows
        ]
        out = {"grain": data.grain, "rows": rows}
    else:
        out = {_ROWS.get(s.name, "rows"): None}
    reason = None if data is not None else s.reason or "unavailable"
    return out | {"reason": reason, "notes": list(s.notes)}


def _input_json(i: InputSummary, data_dir: Path | None) -> dict[str, Any]:
    path = i.path
    if data_dir is not None and path.is_relative_to(data_dir):
        path = path.relative_to(data_dir)
    return {
        "path": str(path),
        "preset": i.preset,
        "rows": i.rows,
        "skipped": i.skipped,
        "skipped_share": i.skipped_share,
        "skipped_by_reason": dict(i.skipped_by_reason),
        "latest": i.latest.isoformat() if i.latest else None,
        "stale": i.stale,
    }


def stable_tree(node: Any) -> Any:
    """Every float in a JSON tree to 12 significant digits (``format.stable``):
    the same files give the same bytes whatever the thread count or engine."""
    if isinstance(node, float):
        return stable(node)
    if isinstance(node, dict):
        return {k: stable_tree(v) for k, v in node.items()}
    if isinstance(node, list | tuple):
        return [stable_tree(v) for v in node]
    return node


def report_dict(report: Report, data_dir: Path | None = None) -> dict[str, Any]:
    """The report as JSON data, every float ``stable``."""
    return stable_tree(_report_dict(report, data_dir))  # type: ignore[no-any-return]


def _report_dict(report: Report, data_dir: Path | None = None) -> dict[str, Any]:
    verdicts = judge_report(report)
    units: dict[str, Unit] = {r.spec.id: r.kpi.unit for r in report.kpis}
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
        "breakdowns": {b.dimension: breakdown_json(b, units) for b in report.breakdowns},
        "sections": {s.name: section_json(s) for s in report.sections},
        "inputs": {i.table: _input_json(i, data_dir) for i in report.inputs},
        "warnings": list(report.warnings),
    }


def render_json(report: Report, data_dir: Path | None = None) -> str:
    # Strict RFC 8259: a NaN or infinity would be a bug (values are finite or null).
    text = json.dumps(report_dict(report, data_dir), indent=2, ensure_ascii=False, allow_nan=False)
    return text + "\n"
