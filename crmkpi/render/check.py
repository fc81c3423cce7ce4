"""``crmkpi check`` as plain text: one verdict line per checked KPI, then a tally."""

from __future__ import annotations

from crmkpi.engine import KpiResult, Report
from crmkpi.kpispec import KpiSpec
from crmkpi.render.format import display
from crmkpi.render.i18n import ENGLISH, Messages
from crmkpi.targets import Verdict, judge_report


def checked(report: Report) -> list[tuple[KpiResult, Verdict]]:
    """The KPIs `check` covers (fail, warn or a target for this grain), in config order."""
    verdicts = judge_report(report)
    return [(r, verdicts[r.spec.id]) for r in report.kpis if verdicts[r.spec.id].status is not None]


def rules_text(spec: KpiSpec, tr: Messages = ENGLISH) -> str:
    """``fail if > 5%, warn if > 3%``: the rules, spelled out, or ''; in
    ``tr``'s language, the condition as the config writes it (its digits
    in the language's)."""
    rules = (("fail", spec.fail), ("warn", spec.warn))
    return tr.join(
        [
            tr("{status} if {rule}", status=tr(kind), rule=tr.number(c.text))
            for kind, c in rules
            if c
        ]
    )


def verdict_line(r: KpiResult, v: Verdict, currency: str | None) -> str:
    """``WARN  Churn rate: 3.35% (fail if > 5%, warn if > 3%; target 2.00%)``;
    an error says why the value is unavailable."""
    value = display(r.current.value, r.kpi.unit, currency)
    rules = rules_text(r.spec)
    details = [rules] if rules else []
    if v.target is not None:
        target = f"target {display(v.target, r.kpi.unit, currency)}"
        if v.pacing and v.pacing.of_target is not None:
            target += f", on track for {v.pacing.of_target:.0%}"
        details.append(target)
    if r.current.value is None:
        details.append(r.current.reason or "unavailable")
    if v.reason:
        details.append(v.reason)
    suffix = f" ({'; '.join(details)})" if details else ""
    return f"{(v.status or '').upper():<5} {r.label}: {value}{suffix}"


def render_check_text(report: Report) -> str:
    rows = checked(report)
    lines = [
        f"{report.title} · {report.period.label}" + (" (partial)" if report.period.partial else "")
    ]
    lines += [verdict_line(r, v, report.currency) for r, v in rows]
    counts = {s: sum(v.status == s for _, v in rows) for s in ("pass", "warn", "fail", "error")}
    if rows:
        lines.append("check: " + ", ".join(f"{n} {s}" for s, n in counts.items()))
    else:
        grain = report.period.grain
        lines.append(f"check: no rule applies to a {grain} (targets for other grains only)")
    return "\n".join(lines) + "\n"
