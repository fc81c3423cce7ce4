"""Reading the inputs a report needs: each table found, read and validated
once; a default table file that is absent is not an error but a reason.

``on_step`` callbacks tell the CLI what is being done (its progress
indicator); nothing here prints.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Literal

import polars as pl

from crmkpi.calendars import day_label
from crmkpi.canonical import EXTENSIONS, TABLES
from crmkpi.config import Config, Freshness, SourceSpec
from crmkpi.converted import PRESET as CONVERTED
from crmkpi.converted import find_converted, load_converted
from crmkpi.errors import ConfigError, DataError, ProblemGroup
from crmkpi.kpis import Kpi, Tables
from crmkpi.leniency import over_limit_message, share_of, share_text
from crmkpi.money import Money, read_rates
from crmkpi.periods import Period
from crmkpi.schema import LoadContext, LoadedTable, check_references, eager, load_table
from crmkpi.sources.discovery import (
    TEXT_EXTENSIONS,
    FileRole,
    FolderScan,
    scan_folder,
    table_patterns,
)
from crmkpi.sources.encodings import NotUtf8Error
from crmkpi.sources.history import drop_repeated_stages
from crmkpi.sources.loaders import ROW, RawTable, open_table
from crmkpi.sources.query import SELF, query_table
from crmkpi.sources.stages import wide_stage_mapping, wide_stage_table
from crmkpi.sources.vocabulary import unknown_reason


@dataclass(frozen=True, slots=True)
class Staleness:
    """How far a table's latest date lies ``behind`` the last day a report
    needs (``needed``), against the table's ``freshness`` limits in days."""

    needed: date
    behind: int
    warn_after: int
    error_after: int | None

    @property
    def expired(self) -> bool:
        """Past ``error_after``: the KPIs that read the table are errors in ``check``."""
        return self.error_after is not None and self.behind > self.error_after

    @property
    def stale(self) -> bool:
        return self.behind > self.warn_after or self.expired


@dataclass(frozen=True, slots=True)
class InputSummary:
    table: str
    path: Path
    preset: str
    rows: int
    skipped: int
    skipped_by_reason: dict[str, int]
    latest: date | None
    examples: tuple[ProblemGroup, ...] = ()  # the skipped rows of each kind (lenient runs)
    staleness: Staleness | None = None  # None: no date to judge by (or not judged)

    @property
    def skipped_share(self) -> float:
        """Skipped rows / data rows read (0 when nothing was skipped)."""
        return share_of(self.skipped, self.rows)

    @property
    def stale(self) -> bool:
        return self.staleness is not None and self.staleness.stale

    @property
    def expired(self) -> bool:
        return self.staleness is not None and self.staleness.expired


def needed_day(period: Period, as_of: date) -> date:
    """The last day a report needs its tables to reach: the period's last
    day, or the day before the as-of day when that is earlier (a period cut
    short; the as-of day itself is not over)."""
    return min(period.last_day, as_of - timedelta(days=1))


def judge_freshness(
    summaries: tuple[InputSummary, ...], freshness: Freshness, needed: date
) -> tuple[InputSummary, ...]:
    """Each table's ``staleness`` against its ``freshness`` limits (a table
    without any date is not judged)."""
    return tuple(
        replace(
            s, staleness=Staleness(needed, (needed - s.latest).days, *freshness.limits(s.table))
        )
        if s.latest is not None
        else s
        for s in summaries
    )


def stale_warnings(
    summaries: tuple[InputSummary, ...], calendar: str = "gregorian"
) -> tuple[str, ...]:
    """A warning per group of stale tables that lie equally far behind: how
    far (days in ``calendar``), what that does to the KPIs that read them, and the fix."""
    groups: dict[tuple[date, Staleness, bool], list[InputSummary]] = {}
    for s in summaries:
        if s.staleness is not None and s.stale and s.latest is not None:
            groups.setdefault((s.latest, s.staleness, s.expired), []).append(s)
    return tuple(
        _stale_warning(latest, st, tables, calendar) for (latest, st, _), tables in groups.items()
    )


def _stale_warning(latest: date, st: Staleness, tables: list[InputSummary], calendar: str) -> str:
    one = len(tables) == 1
    limit, key = (st.error_after, "error_after") if st.expired else (st.warn_after, "warn_after")
    it, its = ("it", "its") if one else ("them", "their")
    effect = (
        f"the KPIs that read {it} are errors in check"
        if st.expired
        else f"the KPIs that read {it} may miss {its} latest rows"
    )
    names = ", ".join(t.table for t in tables)
    files = ", ".join(t.path.name for t in tables)
    setting = f"freshness.tables.{tables[0].table if one else '<table>'}.{key}"
    days = "day" if st.behind == 1 else "days"
    return (
        f"{names} {'is' if one else 'are'} stale: latest date {day_label(latest, calendar)}, "
        f"{st.behind} {days} before {day_label(st.needed, calendar)}, the last day this report needs "
        f"(more than {key} {limit}d); {effect}: export {files} again, or set {setting} "
        f"for a table updated less often"
    )


@dataclass(frozen=True, slots=True)
class Inputs:
    """The loaded tables, and why each absent one is absent."""

    loaded: dict[str, LoadedTable]
    absent: dict[str, str]
    files: tuple[FileRole, ...] = ()  # every file of the data folder, and what for

    def frames(self) -> dict[str, pl.LazyFrame]:
        """The loaded tables as lazy frames, by table name."""
        return {name: t.frame.lazy() for name, t in self.loaded.items()}

    def tables(self) -> Tables:
        return Tables(**self.frames())


# Tables loaded at once: one per core. More gained nothing at 100k customers
# and cost much at 1M (8 at once: 12.9 s and 3.5 GB; 2: 7.8 s and 2.8 GB on
# 2 cores), where each table's own work already fills the cores.
_LOAD_WORKERS = max(2, os.cpu_count() or 2)


def no_step(text: str) -> None:
    """``on_step`` when nobody is watching."""


STREAMING_BYTES = 1 << 30
"""``--engine auto`` streams when the data folder's files add up to 1 GiB or more."""


def resolve_engine(cfg: Config) -> Literal["in-memory", "streaming"]:
    """The polars engine a run uses: ``--engine``, or by the data's size.

    In memory, each typed table is materialised once and every KPI reads it;
    streaming keeps no typed table in memory: a report writes each one to a
    temporary Parquet spill that its queries scan in batches (bounded memory,
    at the cost of writing and reading it again)."""
    if cfg.engine == "auto":
        try:
            big = sum(f.stat().st_size for f in cfg.data.iterdir() if f.is_file())
        except OSError:
            big = 0  # load_inputs says what is wrong with the folder
        return "streaming" if big >= STREAMING_BYTES else "in-memory"
    return "streaming" if cfg.engine == "streaming" else "in-memory"


def load_inputs(
    cfg: Config,
    tables: tuple[str, ...],
    lenient: bool,
    on_step: Callable[[str], None] = no_step,
    spill: Path | None = None,
    needed: tuple[str, ...] | None = None,
) -> Inputs:
    """Read and validate each table; a default file that is absent is not an error.
    ``on_step`` hears what is being done (the CLI shows it as progress).
    ``spill``: where a streaming run writes each validated table as typed
    Parquet, so that its KPI queries scan that instead of parsing the
    source files again (the folder must outlive every query).
    ``lenient`` (or the config's ``lenient``) skips bad rows, at most
    ``cfg.max_skipped`` of a table's rows: more is a DataError.
    ``needed`` (default: all of ``tables``) are the tables a requested KPI
    cannot do without: a file named like another table that lacks its
    required columns makes that table absent, with why, not an error."""
    lenient = lenient or cfg.lenient
    _data_folder(cfg.data)
    scan = scan_folder(cfg.data, cfg.sources)
    needs = set(tables if needed is None else needed)
    ctx = LoadContext(
        timezone=cfg.timezone,
        currency=cfg.currency,
        fx=_rates(cfg, tables),
        lenient=lenient,
        max_skipped=cfg.max_skipped,
        streaming=resolve_engine(cfg) == "streaming",
        spill=spill,
        dates=cfg.dates,
    )
    loaded: dict[str, LoadedTable] = {}
    absent: dict[str, str] = {}
    raws: dict[str, RawTable] = {}
    for name, found in _load_each(cfg, tables, ctx, raws, on_step, _finder(scan, needs)).items():
        if isinstance(found, str):
            absent[name] = found
        else:
            loaded[name] = found
    if tables and not loaded:  # a report of nothing but "—" would look like one
        raise DataError(nothing_found(cfg, tables, scan))
    if "deal_stages" in absent and "deals" in raws:  # a real deal_stages file always wins
        derived = _wide_stages(raws["deals"], loaded["deals"], cfg, ctx, on_step)
        if derived is not None:
            loaded["deal_stages"] = derived
            del absent["deal_stages"]
    stages = loaded.get("deal_stages")
    if stages is not None and stages.preset != CONVERTED:  # converted: cleaned back then
        loaded["deal_stages"] = _clean_history(stages, loaded.get("deals"), ctx)
    if lenient:
        _within_limit(loaded, cfg.max_skipped)
    return Inputs(loaded, absent, scan.roles)


Finder = Callable[[str], "Path | str | None"]
"""A table's file in the data folder, why it is absent (a string), or None."""


def _finder(scan: FolderScan, needed: set[str]) -> Finder:
    def find(table: str) -> Path | str | None:
        if table in scan.lacking and table not in needed:
            return f"{scan.lacking[table]} (no KPI asked for needs {table})"
        return scan.file_for(table)

    return find


def _rates(cfg: Config, tables: tuple[str, ...]) -> Money:
    """The config's exchange rates; a file of rates is read when a table of
    amounts is (its problems are data errors, named by row)."""
    table = cfg.fx.table
    if table is None or not {"deals", "spend"} & set(tables):
        return Money(fixed=cfg.fx.rates)
    return Money(table=read_rates(table), file=table.name)


def _data_folder(data: Path) -> None:
    """A DataError unless ``data`` is a folder."""
    if not data.is_dir():
        raise DataError(
            f"{data}: data folder not found" if not data.exists() else f"{data}: is not a folder"
        )


def _within_limit(loaded: dict[str, LoadedTable], limit: float) -> None:
    """A DataError for the tables a lenient run skipped more than ``limit`` of
    (a converted table's rows were judged when it was converted), listing
    what was skipped so it can be fixed."""
    over = [
        (t, message)
        for t in loaded.values()
        if t.preset != CONVERTED
        and (message := over_limit_message(t.name, t.skipped, t.rows, limit)) is not None
    ]
    if over:
        raise DataError(
            "\n".join(message for _, message in over),
            groups=tuple(g for t, _ in over for g in t.groups),
        )


def _load_each(
    cfg: Config,
    tables: tuple[str, ...],
    ctx: LoadContext,
    raws: dict[str, RawTable],
    on_step: Callable[[str], None],
    find: Finder,
) -> dict[str, LoadedTable | str]:
    """Every table loaded, two or more at once.

    One table's load leaves cores idle (its CSV is split, cleaned, parsed and
    checked in steps, and parsers call back into Python), and the tables are
    independent: loading them side by side took the five tables at 100k
    customers from 1.0 s to 0.86 s, and at 1M from 8.1 to 7.8 s (whole
    report). polars releases the GIL while it works.
    Errors come in table order, as one after another would give them: the
    first failing table's error is raised, whichever failed first in time.
    """
    if len(tables) < 2:
        return {name: _load(cfg, name, ctx, raws, on_step, find) for name in tables}
    with ThreadPoolExecutor(max_workers=min(len(tables), _LOAD_WORKERS)) as pool:
        futures = {name: pool.submit(_load, cfg, name, ctx, raws, on_step, find) for name in tables}
        try:
            return {name: future.result() for name, future in futures.items()}
        except BaseException:
            for future in futures.values():
                future.cancel()  # the ones not started; the running ones finish
            raise


def _load(
    cfg: Config,
    name: str,
    ctx: LoadContext,
    raws: dict[str, RawTable],
    on_step: Callable[[str], None],
    find: Finder,
) -> LoadedTable | str:
    """One table, or why it is absent; its raw file goes into ``raws``."""
    converted = find_converted(cfg.data, name)
    if converted is not None:  # typed by crmkpi convert: read as it is, lazily
        on_step(f"reading {converted[0].name}")
        return load_converted(*converted, cfg.timezone, cfg.dates)
    source = in_data_folder(cfg.source(name), cfg.data)
    stay_inside(source, cfg)
    path = source.path or next(iter(source.files.values()), None)
    if path is None:
        found = find(name)
        if isinstance(found, str):
            return found
        path = found
    if source.path is not None and not source.path.exists():
        raise DataError(f"{source.path}: file not found (named in sources.{name}.path)")
    if path is None:
        return (
            f"{name} table missing (no {name}{'/'.join(EXTENSIONS)} in {cfg.data.name or cfg.data})"
        )
    on_step(f"reading {path.name}")
    raw = raws[name] = _open_source(path, source)
    return load_table(raw, TABLES[name], source, ctx)


PATTERNS_SHOWN = 4
FILES_SHOWN = 10


def nothing_found(cfg: Config, tables: tuple[str, ...], scan: FolderScan | None = None) -> str:
    """Why a data folder holding no file of any table ``tables`` names is an
    input error: what was looked for there, what the folder holds (and why
    each data file is no table's), the fix."""
    folder = cfg.data
    which = tables[0] if len(tables) == 1 else f"any of {', '.join(tables)}"
    lines = [f"{folder}: no CRM export found for {which}", "  looked for:"]
    width = max(len(t) for t in tables)
    for table in tables:
        named = f"{table}{'/'.join(EXTENSIONS)}"
        patterns = table_patterns(table, cfg.source(table).preset)
        if patterns:
            shown = ", ".join(patterns[:PATTERNS_SHOWN])
            more = ", … (crmkpi presets)" if len(patterns) > PATTERNS_SHOWN else ""
            named += f", or a CRM's export named like {shown}{more}"
        lines.append(f"    {table:<{width}}  {named}")
    lines.append(
        f"    {'':<{width}}  or any file whose headers hold the table's id and required columns"
    )
    entries = sorted(p.name + ("/" if p.is_dir() else "") for p in folder.iterdir())
    entries = [e for e in entries if not e.startswith(".")]
    if entries:
        rest = len(entries) - FILES_SHOWN
        listed = ", ".join(entries[:FILES_SHOWN]) + (f" and {rest} more" if rest > 0 else "")
        lines.append(f"  the folder holds: {listed}")
        unused = [r for r in (scan.roles if scan else ()) if r.table is None]
        unused = [r for r in unused if r.path.suffix.lower() in TEXT_EXTENSIONS]
        width = max((len(r.path.name) for r in unused[:FILES_SHOWN]), default=0)
        lines.extend(f"    {r.line(width)}" for r in unused[:FILES_SHOWN])
    else:
        lines.append("  the folder is empty")
    lines.append(
        "  fix: put the exports in that folder, point --data (-d) at the folder that holds "
        "them, or name each file with sources.<table>.path in crmkpi.yaml "
        "(to try crmkpi first: crmkpi sample DIR)"
    )
    return "\n".join(lines)


def _clean_history(stages: LoadedTable, deals: LoadedTable | None, ctx: LoadContext) -> LoadedTable:
    """Repeated rows dropped; every deal_id must exist in deals (SCHEMA.md)."""
    stages = _without_repeats(stages)
    if deals is None:
        return stages
    return check_references(stages, deals, "deal_id", ctx.lenient, ctx.max_skipped)


def _without_repeats(stages: LoadedTable) -> LoadedTable:
    """A stage history without rows that re-log the deal's current stage
    (Salesforce OpportunityHistory), with a warning that says how many."""
    frame, dropped = drop_repeated_stages(eager(stages.frame))
    if not dropped:
        return stages
    plural = "s" if dropped != 1 else ""
    note = (
        f"deal_stages: dropped {dropped} row{plural} that repeat the deal's previous stage "
        "(a history row for another change, such as the amount)"
    )
    return replace(stages, frame=frame, warnings=(*stages.warnings, note))


def in_data_folder(source: SourceSpec, data: Path) -> SourceSpec:
    """``source`` with its relative paths taken in the data folder."""
    return replace(
        source,
        path=data / source.path if source.path is not None else None,
        files={name: data / file for name, file in source.files.items()},
    )


def stay_inside(source: SourceSpec, cfg: Config) -> None:
    """A ConfigError for a file ``source`` names (taken in the data folder)
    that lies outside the data folder and the config's folder, after links,
    unless the source says ``allow_outside: true``: a config copied from
    elsewhere must not make crmkpi read, and quote cells of, any file."""
    if source.allow_outside:
        return
    roots = [cfg.data.resolve()]
    if cfg.source_file is not None:
        roots.append(cfg.source_file.resolve().parent)
    named = [("path", source.path)] if source.path is not None else []
    named += [(f"files.{name}", file) for name, file in source.files.items()]
    for key, file in named:
        if not any(file.resolve().is_relative_to(root) for root in roots):
            given = cfg.source(source.table)
            shown = given.path if key == "path" else given.files[key.removeprefix("files.")]
            folders = " and the config's folder" if len(roots) > 1 else ""
            raise ConfigError(
                f"sources.{source.table}.{key}: {shown} is outside the data folder "
                f"({cfg.data}){folders}; crmkpi reads only there unless the source says "
                f"allow_outside: true (sources: {{{source.table}: {{allow_outside: true}}}})"
            )


def _open_source(path: Path, source: SourceSpec) -> RawTable:
    """The source's file, or the result of its query over its files."""
    try:
        if source.query is None:  # load_table counts its fields if it must
            return _open_file(path, source, counted=False)
        inputs = {}
        if source.path is not None:
            inputs[SELF] = _open_file(path, source)
        for name, file in source.files.items():
            if not file.is_file():
                raise DataError(f"{file}: file not found (named in sources.{source.table}.files)")
            inputs[name] = open_table(file)
    except NotUtf8Error as exc:
        raise exc.for_table(source.table) from exc
    return query_table(source.table, source.query, inputs)


def _open_file(path: Path, source: SourceSpec, counted: bool = True) -> RawTable:
    return open_table(
        path,
        sheet=source.sheet,
        separator=source.separator,
        encoding=source.encoding,
        counted=counted,
    )


def _wide_stages(
    raw: RawTable,
    deals: LoadedTable,
    cfg: Config,
    ctx: LoadContext,
    on_step: Callable[[str], None],
) -> LoadedTable | None:
    """deal_stages from the deals file's ``Date entered "…"`` columns
    (HubSpot; EXPORTS.md "Wide → long"), or None when it has none."""
    table = wide_stage_table(raw, deals.mapping, ctx.timezone, kept_rows=eager(deals.frame)[ROW])
    if table is None:
        return None
    on_step(f"reading the stage columns of {raw.path.name}")
    source = cfg.source("deals")
    return load_table(table, TABLES["deal_stages"], source, ctx, wide_stage_mapping(deals.mapping))


def unavailable_reason(kpi: Kpi, inputs: Inputs, extra: tuple[str, ...] = ()) -> str | None:
    """Why ``kpi`` cannot be computed from these inputs at all, or None.
    ``extra`` lists more ``table.column`` needs (a custom filter's columns).
    A column it reads that holds values crmkpi does not know is a reason too
    (``vocabulary.py``): the whole table's, whichever rows a period counts."""
    for table in kpi.tables:
        if table in inputs.absent:
            return inputs.absent[table]
    for needed in (*kpi.columns, *extra):
        table, column = needed.split(".")
        if column not in inputs.loaded[table].columns:
            return f"{table} has no {column} column"
    for read in (*kpi.columns, *extra, *kpi.reads):
        reason = unknown_values_reason(inputs, *read.split("."))
        if reason is not None:
            return reason
    return None


def unknown_values_reason(inputs: Inputs, table: str, column: str) -> str | None:
    """Why a KPI that reads ``table.column`` is unavailable: the column holds
    values crmkpi does not know (read as missing); None when it holds none."""
    loaded = inputs.loaded.get(table)
    found = next((u for u in loaded.unknown if u.column == column), None) if loaded else None
    return unknown_reason(table, found) if found is not None else None


def input_warnings(inputs: Inputs) -> tuple[str, ...]:
    """What the reader must know about the inputs: skipped rows (nothing is
    dropped silently) and values that were ignored."""
    warnings: list[str] = []
    for t in inputs.loaded.values():
        if t.skipped:
            reasons = ", ".join(f"{reason}: {n}" for reason, n in t.skipped_by_reason.items())
            plural = "s" if t.skipped != 1 else ""
            share = share_text(share_of(t.skipped, t.rows))
            warnings.append(
                f"{t.name}: skipped {t.skipped} row{plural} of {t.rows}, {share} ({reasons})"
            )
        warnings.extend(t.warnings)
    return tuple(warnings)


EXAMPLES_SHOWN = 5


def first_examples(groups: tuple[ProblemGroup, ...]) -> tuple[ProblemGroup, ...]:
    """The skipped rows of each kind (column and check), at most ``EXAMPLES_SHOWN``
    kinds: a lenient run says not only how many rows it skipped but which,
    so a user can find them in the file."""
    return groups[:EXAMPLES_SHOWN]


def summary(t: LoadedTable) -> InputSummary:
    """What a report says about one input: file, preset, rows, skipped, freshness."""
    return InputSummary(
        t.name,
        t.path,
        t.preset,
        t.rows,
        t.skipped,
        t.skipped_by_reason,
        t.latest,
        first_examples(t.groups),
    )
