"""Helpers for the preset tests: canonical tables written as crmkpi's own
CSVs, the same tables written as a CRM would export them, and one report run
on each folder so their KPI values can be compared.

A fixture (``Crm``) is the truth as canonical polars frames plus a writer
that renders those frames in the vendor's headers, vocabularies, date
formats and file names, pitfalls included. Both folders are called ``data``
(in different parents), so unavailable reasons that name the folder agree.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml

from crmkpi.analyses import Measured
from crmkpi.config import config_from_text
from crmkpi.engine import Report, run_report
from crmkpi.kpis import REGISTRY

AS_OF = date(2026, 12, 1)
PERIODS = ("2026-10", "2026-11")
KPI_IDS = tuple(REGISTRY)
SECTIONS = ("pipeline", "funnel", "cohorts")

Writer = Callable[[dict[str, pl.DataFrame], Path], None]


@dataclass(frozen=True)
class Crm:
    """One export fixture.

    ``tables``: the canonical truth. ``write``: writes the vendor's files
    into a folder. ``inputs``: table → preset the export run must report.
    ``config``: settings both runs share (timezone, stage_probability).
    ``sources``: per-table source options only the export run needs (a
    report's status flags). ``worked``: (KPI id, period) → a value worked
    out by hand from the fixture. ``warnings``: text the export run must
    warn with (a pitfall seen and handled). ``vocabulary``: per table, the
    ``values:`` lines a user adds for the vendor's words that no preset may
    guess (HubSpot's Existing Business); ``unknown``: the KPIs unavailable
    until then, each with the word its reason names.
    """

    id: str
    preset: str
    tables: dict[str, pl.DataFrame]
    write: Writer
    inputs: dict[str, str]
    min_available: int
    worked: dict[tuple[str, str], float]
    config: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    vocabulary: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    unknown: dict[str, str] = field(default_factory=dict)


# --- building canonical frames --------------------------------------------------


def rows(
    header: str,
    *data: Sequence[object],
    dates: Sequence[str] = (),
    times: Sequence[str] = (),
    amounts: Sequence[str] = (),
) -> pl.DataFrame:
    """A frame from row tuples; ``dates`` / ``times`` columns are written as
    ISO text (``2026-10-03``, ``2026-10-03 09:15``) and parsed, ``amounts`` are
    floats, every other column is text (ids stay text)."""
    names = header.split()
    typed = {n: pl.Float64 if n in amounts else pl.String for n in names}
    frame = pl.DataFrame([list(r) for r in data], schema=typed, orient="row")
    return frame.with_columns(
        *(pl.col(c).str.to_date("%Y-%m-%d") for c in dates),
        *(pl.col(c).str.to_datetime("%Y-%m-%d %H:%M", time_unit="us") for c in times),
    )


def write_canonical(tables: dict[str, pl.DataFrame], folder: Path) -> None:
    """crmkpi's own files: ``deals.csv`` … with canonical headers, ISO dates."""
    folder.mkdir(parents=True)
    for name, frame in tables.items():
        frame.write_csv(folder / f"{name}.csv", datetime_format="%Y-%m-%d %H:%M:%S")


# --- writing vendor files -----------------------------------------------------------


def write_export(
    path: Path, frame: pl.DataFrame, *, quote_all: bool = False, footer: Sequence[str] = ()
) -> None:
    """A vendor CSV: every column as text, empty cells for nulls; ``footer``
    lines (a report's, already quoted as the vendor writes them) after the data."""
    text = frame.select(pl.all().cast(pl.String))
    text.write_csv(path, quote_style="always" if quote_all else "necessary")
    if footer:
        with path.open("a", encoding="utf-8") as fh:
            fh.write("\n".join(footer) + "\n")


def money(amounts: pl.Series, template: str) -> pl.Series:
    """Amounts as a locale writes them: ``money(s, "${:,.2f}")`` → ``$12,400.00``.
    A handful of fixture rows, so plain Python formatting (polars has no
    thousands separators)."""
    return pl.Series(
        amounts.name, [None if a is None else template.format(a) for a in amounts], pl.String
    )


def instant_text(column: str, zone: str, fmt: str, clock: str | None = None) -> pl.Expr:
    """A canonical local datetime (or a date at ``clock``, "HH:MM") in ``zone``
    written as UTC text in ``fmt``: how an API or Data Export writes times."""
    local = pl.col(column)
    if clock is not None:
        hours, minutes = (int(p) for p in clock.split(":"))
        local = local.cast(pl.Datetime("us")) + pl.duration(hours=hours, minutes=minutes)
    return local.dt.replace_time_zone(zone).dt.convert_time_zone("UTC").dt.strftime(fmt)


def labels(column: str, mapping: dict[str, str]) -> pl.Expr:
    """A canonical value written in the vendor's words (null stays null)."""
    return pl.col(column).replace_strict(mapping, default=None, return_dtype=pl.String)


# --- running and comparing ----------------------------------------------------------


def config_text(folder: Path, crm: Crm, sources: dict[str, dict[str, Any]]) -> str:
    doc: dict[str, Any] = {
        "data": str(folder),
        "kpis": list(KPI_IDS),
        "compare": ["previous"],
        "trend": 3,
        "sections": list(SECTIONS),
        # The fixtures end before some periods do; freshness is tested in tests/cli.
        "freshness": {"warn_after": "3650d", "tables": {"spend": {"warn_after": "3650d"}}},
        **crm.config,
    }
    if sources:
        doc["sources"] = sources
    return yaml.safe_dump(doc, allow_unicode=True)


def run(folder: Path, crm: Crm, period: str, sources: dict[str, dict[str, Any]]) -> Report:
    cfg = config_from_text(config_text(folder, crm, sources), folder.parent)
    return run_report(cfg, AS_OF, period_text=period)


def export_sources(crm: Crm, named: bool, confirmed: bool = True) -> dict[str, dict[str, Any]]:
    """The export run's ``sources``: the fixture's options, plus ``preset``
    for every table read from a file when the preset is named, plus the
    ``values:`` lines for the vendor's words when they are ``confirmed``."""
    tables = [t for t, p in crm.inputs.items() if p == crm.preset] if named else []
    vocabulary = crm.vocabulary if confirmed else {}
    sources = {t: dict(crm.sources.get(t, {})) for t in {*crm.sources, *tables, *vocabulary}}
    for table in tables:
        sources[table]["preset"] = crm.preset
    for table, values in vocabulary.items():
        sources[table]["values"] = values
    return sources


def kpi_values(report: Report) -> dict[tuple[str, str], Measured]:
    """Every KPI value of a report by (KPI id, which): ``current``, the
    comparison's name, or ``trend 2026-09``."""
    values: dict[tuple[str, str], Measured] = {}
    for result in report.kpis:
        values[(result.spec.id, "current")] = result.current
        for name, measured in result.comparisons.items():
            values[(result.spec.id, name)] = measured
        for period, measured in zip(report.trend, result.trend, strict=True):
            values[(result.spec.id, f"trend {period.label}")] = measured
    return values


def available(values: dict[tuple[str, str], Measured]) -> dict[tuple[str, str], float]:
    return {k: m.value for k, m in values.items() if m.value is not None}


def assert_same_kpis(
    canonical: Report, export: Report, leave_out: frozenset[str] = frozenset()
) -> int:
    """Same available set, same values, same reasons (for the period, its
    comparison and trend) but for the KPIs left out; returns how many KPIs
    the period has a value for."""
    ours, theirs = kpi_values(canonical), kpi_values(export)
    ours = {k: m for k, m in ours.items() if k[0] not in leave_out}
    theirs = {k: m for k, m in theirs.items() if k[0] not in leave_out}
    assert available(theirs).keys() == available(ours).keys()
    assert available(theirs) == pytest.approx(available(ours), rel=1e-9, abs=1e-9)
    reasons = {k: m.reason for k, m in ours.items() if m.value is None}
    assert {k: theirs[k].reason for k in reasons} == reasons
    return sum(1 for _, which in available(ours) if which == "current")


def plain(section: object) -> object:
    """A section as nested plain data, floats rounded (they come from sums in
    file order, which differ between the two files)."""
    data = dataclasses.asdict(section)  # type: ignore[call-overload]
    return _rounded(data)


def _rounded(value: object) -> object:
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    return value
