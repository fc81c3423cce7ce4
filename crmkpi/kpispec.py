"""Entries of ``kpis:`` in the config: which KPI, with which options and thresholds.

An entry is a built-in id (``churn_rate``) or an id with options
(``churn_rate: {fail: "> 5%", target: "2%"}``). Everything is checked here,
with the line of the entry, before any data is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from crmkpi.conditions import Condition, parse_condition, parse_value
from crmkpi.errors import ConfigError
from crmkpi.kpis.registry import REGISTRY, Better, Kpi, Stat, get
from crmkpi.yamlfile import KeyPath, YamlDoc, expect, known_keys

KPI_OPTIONS = (
    "stat", "better", "label", "target", "fail", "warn", "allow_missing", "base", "filter",
    "formula", "unit",
)  # fmt: skip
GRAINS = ("year", "quarter", "month", "week", "day", "range")
Status = Literal["pass", "warn", "fail", "error"]


@dataclass(frozen=True, slots=True)
class KpiSpec:
    """One configured KPI. ``where`` is ``file, line N`` for messages; ``target``
    holds a goal per grain (``"*"`` for every grain), in the KPI's stored unit."""

    id: str
    where: str = ""
    stat: Stat = "mean"
    label: str | None = None
    better: Better | None = None
    fail: Condition | None = None
    warn: Condition | None = None
    target: dict[str, float] = field(default_factory=dict)
    allow_missing: bool = False

    @property
    def checked(self) -> bool:
        """`check` covers the KPIs with a fail, warn or target (SPEC.md)."""
        return bool(self.fail or self.warn or self.target)

    def target_for(self, grain: str) -> float | None:
        return self.target.get(grain, self.target.get("*"))


def parse_kpis(doc: YamlDoc, entries: Any) -> tuple[KpiSpec, ...]:
    if entries is None:
        return ()
    expect(doc, ("kpis",), entries, list, "a list of KPI ids")
    specs = [_entry(doc, index, entry) for index, entry in enumerate(entries)]
    seen: set[str] = set()
    for spec in specs:
        if spec.id in seen:
            raise ConfigError(f'{spec.where}: KPI "{spec.id}" is listed twice')
        seen.add(spec.id)
    return tuple(specs)


def _entry(doc: YamlDoc, index: int, entry: Any) -> KpiSpec:
    path: KeyPath = ("kpis", index)
    if isinstance(entry, str):
        get(entry, doc.where(path))
        return KpiSpec(entry, doc.where(path))
    expect(doc, path, entry, dict, "a KPI id, or {id: {options}}")
    if len(entry) != 1 or "id" in entry:
        raise ConfigError(
            f"{doc.where(path)}: custom KPIs (id/base/filter/formula) are not supported yet; "
            "write a built-in id, or {id: {options}}"
        )
    ((kpi_id, options),) = entry.items()
    kpi = get(str(kpi_id), doc.where(path))
    options = options or {}
    here: KeyPath = (*path, kpi_id)
    expect(doc, here, options, dict, "a mapping of KPI options")
    known_keys(doc, here, options, KPI_OPTIONS)
    return _with_options(doc, here, kpi, options)


def _with_options(doc: YamlDoc, here: KeyPath, kpi: Kpi, options: dict[str, Any]) -> KpiSpec:
    for unsupported in ("base", "filter", "formula", "unit"):
        if unsupported in options:
            raise ConfigError(
                f"{doc.where((*here, unsupported))}: {unsupported} is for custom KPIs, which are not supported yet"
            )
    percent = kpi.unit == "percent"
    better = _better(doc, here, options.get("better"))
    spec = KpiSpec(
        id=kpi.id,
        where=doc.where(here[:2]),
        stat=_stat(doc, here, kpi, options.get("stat", "mean")),
        label=_label(doc, here, options.get("label")),
        better=better,
        fail=_condition(doc, (*here, "fail"), options.get("fail"), percent),
        warn=_condition(doc, (*here, "warn"), options.get("warn"), percent),
        target=_target(doc, (*here, "target"), options.get("target"), percent),
        allow_missing=_flag(doc, (*here, "allow_missing"), options.get("allow_missing", False)),
    )
    if spec.target and not (better or kpi.better):
        raise ConfigError(
            f"{doc.where((*here, 'target'))}: {kpi.id} has no better direction, so a target "
            "cannot pass or fail; add better: higher (or lower), or use fail/warn"
        )
    return spec


def _stat(doc: YamlDoc, here: KeyPath, kpi: Kpi, stat: Any) -> Stat:
    if stat not in kpi.stats:
        allowed = ", ".join(k for k, v in REGISTRY.items() if "median" in v.stats)
        raise ConfigError(
            f'{doc.where((*here, "stat"))}: stat "{stat}" is not available for {kpi.id} '
            f"(median is allowed on {allowed})"
        )
    return "median" if stat == "median" else "mean"


def _label(doc: YamlDoc, here: KeyPath, label: Any) -> str | None:
    if label is None:
        return None
    expect(doc, (*here, "label"), label, str, "text")
    return str(label)


def _better(doc: YamlDoc, here: KeyPath, better: Any) -> Better | None:
    if better is None:
        return None
    if better not in ("higher", "lower"):
        raise ConfigError(
            f'{doc.where((*here, "better"))}: better is "higher" or "lower", not {better!r}'
        )
    return "higher" if better == "higher" else "lower"


def _flag(doc: YamlDoc, path: KeyPath, value: Any) -> bool:
    expect(doc, path, value, bool, "true or false")
    return bool(value)


def _condition(doc: YamlDoc, path: KeyPath, text: Any, percent: bool) -> Condition | None:
    if text is None:
        return None
    return parse_condition(text, is_percent_kpi=percent, where=doc.where(path))


def _target(doc: YamlDoc, path: KeyPath, value: Any, percent: bool) -> dict[str, float]:
    """``"30%"`` for every grain, or ``{month: "30%", quarter: "32%"}``."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        return {"*": parse_value(value, is_percent_kpi=percent, where=doc.where(path))}
    known_keys(doc, path, value, GRAINS)
    return {
        str(grain): parse_value(v, is_percent_kpi=percent, where=doc.where((*path, grain)))
        for grain, v in value.items()
    }
