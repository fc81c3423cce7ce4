"""Entries of ``kpis:`` in the config: which KPI, with which options and thresholds.

An entry is a built-in id (``churn_rate``) or an id with options
(``churn_rate: {fail: "> 5%", target: "2%"}``). Everything is checked here,
with the line of the entry, before any data is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Literal, get_args

from crmkpi.conditions import Condition, parse_condition, parse_value
from crmkpi.configkeys import children
from crmkpi.custom import Node, compile_filter, filter_columns, formula_refs, parse_formula
from crmkpi.errors import ConfigError, suggest
from crmkpi.kpis.registry import REGISTRY, Better, Stat, Unit, get
from crmkpi.yamlfile import KeyPath, YamlDoc, expect, known_keys

# Options of a built-in entry, then those only a custom KPI takes beside its id
# (configkeys.CONFIG_KEYS, which docs/config.md is generated from).
CUSTOM_ONLY = tuple(k for k in children("kpis[]") if k != "id")
KPI_OPTIONS = (*children("kpis[].<kpi>"), *CUSTOM_ONLY)
GRAINS = ("year", "quarter", "month", "week", "day", "range")
Status = Literal["pass", "warn", "fail", "error"]
UNITS: tuple[str, ...] = get_args(Unit)
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


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
    base: str = ""  # the built-in computed; "" for a formula KPI
    filter: str | None = None
    filter_columns: tuple[str, ...] = ()
    formula: Node | None = None
    formula_text: str | None = None
    unit: Unit | None = None  # a formula KPI's unit

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
    _check_formulas(specs)
    return tuple(specs)


def _check_formulas(specs: list[KpiSpec]) -> None:
    """Every id a formula reads exists; no formula reads itself, directly or
    not; no chain of formulas reading formulas is deeper than MAX_FORMULA_CHAIN."""
    custom = {s.id: s for s in specs if not s.base or s.id != s.base}
    known = (*REGISTRY, *custom)
    for spec in specs:
        for ref in formula_refs(spec.formula) if spec.formula else ():
            if ref not in known:
                raise ConfigError(
                    f'{spec.where}: formula of {spec.id} reads unknown KPI "{ref}"{suggest(ref, known)}'
                )
    depth: dict[str, int] = {}
    for spec in specs:
        _chain_depths(spec, custom, depth)


# Formulas reading formulas: a few levels in real configs; a bound keeps every
# walk over them (here and in the engine) short.
MAX_FORMULA_CHAIN = 32


def _custom_refs(spec: KpiSpec, custom: dict[str, KpiSpec]) -> list[str]:
    return [r for r in (formula_refs(spec.formula) if spec.formula else ()) if r in custom]


def _chain_depths(start: KpiSpec, custom: dict[str, KpiSpec], depth: dict[str, int]) -> None:
    """How many formulas deep each custom KPI reached from ``start`` reads
    (into ``depth``), walked without recursion: a ConfigError for a circle
    or a chain deeper than MAX_FORMULA_CHAIN."""
    trail = [start.id]
    pending = [iter(_custom_refs(start, custom))]
    while pending:
        ref = next(pending[-1], None)
        if ref is None:
            done = custom.get(trail.pop(), start)
            pending.pop()
            refs = _custom_refs(done, custom)
            depth[done.id] = 1 + max((depth[r] for r in refs), default=0)
            if depth[done.id] > MAX_FORMULA_CHAIN:
                raise ConfigError(
                    f"{done.where}: formula of {done.id} reads formulas that read formulas "
                    f"more than {MAX_FORMULA_CHAIN} levels deep; compute some of them in one formula"
                )
        elif ref in trail:
            raise ConfigError(
                f"{start.where}: formulas refer to each other in a circle: "
                f"{' → '.join((*trail, ref))}"
            )
        elif ref not in depth:
            trail.append(ref)
            pending.append(iter(_custom_refs(custom[ref], custom)))


def _entry(doc: YamlDoc, index: int, entry: Any) -> KpiSpec:
    path: KeyPath = ("kpis", index)
    if isinstance(entry, str):
        get(entry, doc.where(path))
        return KpiSpec(entry, doc.where(path), base=entry)
    expect(doc, path, entry, dict, "a KPI id, {id: {options}}, or a custom KPI")
    if "id" in entry:
        return _custom(doc, path, entry)
    if len(entry) != 1:
        raise ConfigError(
            f"{doc.where(path)}: write one KPI per entry: an id, {{id: {{options}}}}, or a "
            "custom KPI with id: and base: or formula:"
        )
    ((kpi_id, options),) = entry.items()
    kpi = get(str(kpi_id), doc.where(path))
    options = options or {}
    here: KeyPath = (*path, kpi_id)
    expect(doc, here, options, dict, "a mapping of KPI options")
    known_keys(doc, here, options, KPI_OPTIONS)
    for custom_only in CUSTOM_ONLY:
        if custom_only in options:
            raise ConfigError(
                f"{doc.where((*here, custom_only))}: {custom_only} is for custom KPIs, which "
                "have their own id: write - id: my_kpi, base: revenue, filter: …"
            )
    shape = _Shape(kpi.id, kpi.unit, kpi.better, kpi.stats)
    return _with_options(doc, here, shape, options, KpiSpec(kpi.id, doc.where(path), base=kpi.id))


@dataclass(frozen=True, slots=True)
class _Shape:
    """What options are checked against: the KPI's unit, direction and stats."""

    id: str
    unit: Unit
    better: Better | None
    stats: tuple[Stat, ...]


def _with_options(
    doc: YamlDoc, here: KeyPath, shape: _Shape, options: dict[str, Any], spec: KpiSpec
) -> KpiSpec:
    percent = shape.unit == "percent"
    better = _better(doc, here, options.get("better"))
    spec = replace(
        spec,
        stat=_stat(doc, here, shape, options.get("stat", "mean")),
        label=_label(doc, here, options.get("label")),
        better=better,
        fail=_condition(doc, (*here, "fail"), options.get("fail"), percent),
        warn=_condition(doc, (*here, "warn"), options.get("warn"), percent),
        target=_target(doc, (*here, "target"), options.get("target"), percent),
        allow_missing=_flag(doc, (*here, "allow_missing"), options.get("allow_missing", False)),
    )
    if spec.target and not (better or shape.better):
        raise ConfigError(
            f"{doc.where((*here, 'target'))}: {shape.id} has no better direction, so a target "
            "cannot pass or fail; add better: higher (or lower), or use fail/warn"
        )
    return spec


def _custom(doc: YamlDoc, path: KeyPath, entry: dict[str, Any]) -> KpiSpec:
    """``- id: enterprise_revenue, base: revenue, filter: …`` or ``- id: x, formula: …``."""
    known_keys(doc, path, entry, ("id", *KPI_OPTIONS))
    kpi_id = entry["id"]
    if not isinstance(kpi_id, str) or not _IDENTIFIER.match(kpi_id):
        raise ConfigError(
            f"{doc.where((*path, 'id'))}: id {kpi_id!r} must be lowercase letters, digits and _"
        )
    if kpi_id in REGISTRY:
        raise ConfigError(
            f'{doc.where((*path, "id"))}: "{kpi_id}" is a built-in KPI; give the custom KPI another id'
        )
    if ("base" in entry) == ("formula" in entry):
        raise ConfigError(
            f"{doc.where(path)}: custom KPI {kpi_id} needs base: (a built-in id, with an optional filter:) or formula:, not both"
        )
    spec, shape = (_filtered if "base" in entry else _formula)(doc, path, kpi_id, entry)
    return _with_options(doc, path, shape, entry, spec)


def _filtered(
    doc: YamlDoc, path: KeyPath, kpi_id: str, entry: dict[str, Any]
) -> tuple[KpiSpec, _Shape]:
    base = get(str(entry["base"]), doc.where((*path, "base")))
    if "unit" in entry:
        raise ConfigError(
            f"{doc.where((*path, 'unit'))}: a KPI with base: has the unit of {base.id}"
        )
    sql = entry.get("filter")
    columns: tuple[str, ...] = ()
    if sql is not None:
        columns = filter_columns(compile_filter(sql, base.tables[0], doc.where((*path, "filter"))))
    spec = KpiSpec(kpi_id, doc.where(path), base=base.id, filter=sql, filter_columns=columns)
    return spec, _Shape(kpi_id, base.unit, base.better, base.stats)


def _formula(
    doc: YamlDoc, path: KeyPath, kpi_id: str, entry: dict[str, Any]
) -> tuple[KpiSpec, _Shape]:
    for wrong in ("filter", "stat"):
        if wrong in entry:
            raise ConfigError(
                f"{doc.where((*path, wrong))}: {wrong} goes with base:, not with formula:"
            )
    formula = parse_formula(entry["formula"], doc.where((*path, "formula")))
    unit = entry.get("unit", "ratio")
    if unit not in UNITS:
        raise ConfigError(
            f'{doc.where((*path, "unit"))}: unit "{unit}" is not one of {", ".join(UNITS)}{suggest(str(unit), UNITS)}'
        )
    spec = KpiSpec(
        kpi_id, doc.where(path), formula=formula, formula_text=str(entry["formula"]), unit=unit
    )
    return spec, _Shape(kpi_id, unit, None, ("mean",))


def _stat(doc: YamlDoc, here: KeyPath, kpi: _Shape, stat: Any) -> Stat:
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
