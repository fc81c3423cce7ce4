"""Verdicts: each KPI's status against its fail/warn conditions and target,
pacing in partial periods, and the exit code of ``crmkpi check`` (SPEC.md).

Pure Python over the engine's frozen results: no polars, no I/O. A failing
KPI is a result here, not an exception.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from crmkpi.config import DEFAULT_CONFIG, Config
from crmkpi.engine import KpiResult, Report
from crmkpi.errors import ConfigError
from crmkpi.kpis.registry import Better
from crmkpi.kpispec import KpiSpec, Status
from crmkpi.periods import Period


@dataclass(frozen=True, slots=True)
class Pacing:
    """A flow KPI projected to the full period, and that projection as a share
    of the target (``of_target`` None without a target)."""

    projected: float
    of_target: float | None


@dataclass(frozen=True, slots=True)
class Verdict:
    """``status`` is None for a KPI without fail, warn or target. ``condition``
    is the rule that decided it, as the user wrote it."""

    kpi_id: str
    status: Status | None
    condition: str | None
    target: float | None
    pacing: Pacing | None
    reason: str | None = None  # why an available value is an error (a stale table)


def project(value: float | None, additive: bool, period: Period) -> float | None:
    """value × days(full period) / days(start..as-of) for a flow KPI in a
    partial period; None when nothing is projected."""
    if value is None or not additive or not period.partial or period.full_end is None:
        return None
    full_days = (period.full_end - period.start).days
    return value * full_days / period.days


def _pacing(projected: float | None, target: float | None) -> Pacing | None:
    if projected is None:
        return None
    of_target = projected / target if target else None
    return Pacing(projected, of_target)


def _meets(value: float, target: float, better: Better) -> bool:
    return value >= target if better == "higher" else value <= target


def judge(result: KpiResult, period: Period) -> Verdict:
    """The status of one KPI by the rules of SPEC.md "Config"."""
    spec = result.spec
    target = spec.target_for(period.grain)
    value = result.current.value
    pacing = _pacing(project(value, result.kpi.additive, period), target)
    if not spec.checked:
        return Verdict(spec.id, None, None, target, pacing)
    rule = spec.fail or spec.warn
    if value is None:
        status: Status = "pass" if spec.allow_missing else "error"
        return Verdict(spec.id, status, rule.text if rule else None, target, pacing)
    if rule:
        status, text = _judge_conditions(spec, value)
        return Verdict(spec.id, status, text, target, pacing)
    better = spec.better or result.kpi.better
    if target is None or better is None:  # targets for other grains only: not judged here
        return Verdict(spec.id, None, None, None, pacing)
    return _judge_target(spec.id, value, target, better, pacing)


def _judge_conditions(spec: KpiSpec, value: float) -> tuple[Status, str]:
    """fail if the fail condition holds, else warn if the warn one does, else
    pass (reported against the rule it was checked by)."""
    if spec.fail and spec.fail.holds(value):
        return "fail", spec.fail.text
    if spec.warn and spec.warn.holds(value):
        return "warn", spec.warn.text
    rule = spec.fail or spec.warn
    return "pass", rule.text if rule else ""


def _judge_target(
    kpi_id: str, value: float, target: float, better: Better, pacing: Pacing | None
) -> Verdict:
    """Only a target: pass when the value (projected, when paced) meets it in
    the KPI's better direction (config refuses a target without one)."""
    compared = pacing.projected if pacing else value
    status: Status = "pass" if _meets(compared, target, better) else "fail"
    rule = ">= target" if better == "higher" else "<= target"
    return Verdict(kpi_id, status, rule, target, pacing)


def judge_report(report: Report) -> dict[str, Verdict]:
    """Each KPI's verdict; a checked KPI that reads a table past its
    ``freshness.error_after`` is an error, whatever its value."""
    expired = {i.table for i in report.inputs if i.expired}
    verdicts = {r.spec.id: judge(r, report.period) for r in report.kpis}
    for r in report.kpis:
        old = [t for t in r.reads if t in expired]
        if old and verdicts[r.spec.id].status is not None:
            tables = ", ".join(old)
            reason = f"{tables} {'is' if len(old) == 1 else 'are'} past freshness.error_after"
            verdicts[r.spec.id] = replace(verdicts[r.spec.id], status="error", reason=reason)
    return verdicts


def exit_code(verdicts: dict[str, Verdict], *, strict: bool = False) -> int:
    """0 when nothing failed; 1 for a fail or an error (or a warn with ``strict``)."""
    failing: set[Status | None] = {"fail", "error", "warn"} if strict else {"fail", "error"}
    return 1 if any(v.status in failing for v in verdicts.values()) else 0


RULE_EXAMPLE = '- churn_rate: {fail: "> 5%"}'


def require_rules(cfg: Config) -> None:
    """``check`` judges KPIs by their rules: a config with no fail, warn or
    target on any KPI (for any grain) is a config error, not "all passed"."""
    if any(spec.checked for spec in cfg.kpis):
        return
    how = f"add fail, warn or target to a KPI under kpis:, e.g. {RULE_EXAMPLE}"
    if cfg.source_file is None or cfg.source_file == DEFAULT_CONFIG:
        raise ConfigError(
            "no KPI has a rule (fail, warn or target) in the built-in KPI set, so check has "
            "nothing to judge; `crmkpi init` writes a crmkpi.yaml with example rules, or "
            f"give -c FILE and {how}"
        )
    raise ConfigError(
        f"{cfg.source_file}: no KPI has a rule (fail, warn or target), so check has nothing "
        f"to judge; {how}"
    )
