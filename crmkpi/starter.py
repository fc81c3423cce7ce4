"""``crmkpi init``: a commented starter config for a data folder.

It lists every file of the folder with what it was taken for, or why not;
proposes a ``sources:`` entry for a file no preset fits (``proposal.py``:
columns guessed from its headers and its first rows, every guess marked),
and for a file a preset reads, the calendar, date format and ``values:``
its cells still need; names the files that need a ``query`` and why; and
lists the KPIs that the tables found can feed, with example thresholds, so
``crmkpi report`` and ``crmkpi check`` run on it as written.
Text only: the CLI writes the file.
"""

from __future__ import annotations

import json
from pathlib import Path

from crmkpi.canonical import TABLE_NAMES, TABLES
from crmkpi.config import SourceSpec
from crmkpi.errors import DataError
from crmkpi.kpis import REGISTRY
from crmkpi.presets import GENERIC, TableMapping, load_preset
from crmkpi.proposal import SAMPLE_ROWS, Proposal, Word, check_mapped, propose
from crmkpi.sources.discovery import TEXT_EXTENSIONS, FolderScan, find_source_file, scan_folder
from crmkpi.sources.loaders import open_table
from crmkpi.sources.mapping import resolve_mapping

# Example gates, written only for KPIs whose tables are present.
EXAMPLE_OPTIONS = {
    "churn_rate": '{fail: "> 5%", warn: "> 3%"}',
    "win_rate": '{target: "30%"}',
    "first_response_sla_rate": '{warn: "< 90%", fail: "< 80%"}',
    "sales_cycle_days": "{stat: median}",
}
HEADER = """\
# crmkpi configuration, written by `crmkpi init`. Every key is optional.
#   crmkpi report            the KPI table for last month (this file is found
#                            when you run crmkpi in this folder)
#   crmkpi check             CI gate: exits 1 when a KPI fails its condition
#   crmkpi kpis              every KPI with its definition
# Conditions: < <= > >= == != with a number (5% on percent KPIs), or
# "between A and B"; target: "30%" or per grain {month: "30%", quarter: "32%"}.

title: CRM KPIs
data: .                       # the exports, relative to this file
# currency: USD               # shown next to amounts
# timezone: Europe/Berlin     # local dates of ticket times (default UTC)
# fiscal_year_start: 4        # FY2026 = April 2026 – March 2027
period: last-month
compare: [previous, year_ago]
# sla: {first_response_hours: 8}
# stage_probability: {Prospecting: 0.1, Qualified: 0.3, Proposal: 0.6, Negotiation: 0.8}
"""


def starter_config(folder: Path, preset: str | None = None) -> str:
    """The starter YAML for ``folder``: KPIs grouped by the table they read;
    with ``preset``, a ``sources:`` block per table of that CRM's preset.
    Without, the CRMs whose exports the files are (by their headers) still
    set the zone, calendar and language (a Didar export: Tehran, Jalali, fa)."""
    if preset is not None and preset != GENERIC:
        found = {t: path for t in TABLE_NAMES if (path := _find(folder, t, preset)) is not None}
        lines = [_header((preset,)), *sources_block(preset, found)]
    else:
        scan = scan_folder(folder, {})
        found = {t: p for t, p in scan.chosen.items() if t not in scan.lacking | scan.conflicts}
        proposals = [*_checked(found), *_proposed(scan, found)]
        found |= {p.table: p.path for p in proposals if p.table and not p.reshape}
        detected = detected_presets(found) if preset is None else ()
        jalali = any(p.calendar == "jalali" for p in proposals)
        note = _detected_note(detected) if detected else ""
        lines = [_header(detected, note, jalali), *files_block(scan, proposals)]
    lines += _kpi_lines({t: found[t] for t in TABLE_NAMES if t in found})
    return "\n".join(lines) + "\n"


def _checked(found: dict[str, Path]) -> list[Proposal]:
    """What the files a preset reads still need in the config (by their cells)."""
    checked = []
    for table, path in found.items():
        try:
            headers = open_table(path).headers
            mapping = resolve_mapping(headers, TABLES[table], SourceSpec(table), path.name)
            checked.append(check_mapped(path, table, mapping))
        except DataError:
            continue  # the run says what is wrong with it
    return [p for p in checked if p.needs_config]


def _proposed(scan: FolderScan, found: dict[str, Path]) -> list[Proposal]:
    """A proposal, or why a query is needed, for each data file no preset fits
    (a second file for a table already found is said, not proposed)."""
    proposals = []
    for role in scan.roles:
        if role.table is not None or role.path.suffix.lower() not in TEXT_EXTENSIONS:
            continue
        try:
            proposal = propose(role.path)
        except DataError:
            continue  # unreadable: its role says why
        if proposal.table in found and not proposal.reshape:
            continue
        proposals.append(proposal)
        if proposal.table and not proposal.reshape:
            found = {**found, proposal.table: role.path}
    return proposals


COMMENT_AT = 40


def _line(text: str, comment: str = "") -> str:
    return f"{text:<{COMMENT_AT - 2}}  # {comment}" if comment else text


def _quoted(text: str) -> str:
    """A YAML scalar in double quotes (JSON's escapes are YAML's)."""
    return json.dumps(text, ensure_ascii=False)


def files_block(scan: FolderScan, proposals: list[Proposal]) -> list[str]:
    """The folder's files, each with what it was taken for or why not; then
    ``sources:`` for what the config must say, and the files that need a
    query, with why."""
    lines = ["# The files here (`crmkpi validate` says the same after a run):"]
    width = max((len(r.path.name) for r in scan.roles), default=0)
    lines += [f"#   {r.line(width)}" for r in scan.roles]
    reshape = [p for p in proposals if p.reshape]
    if reshape:
        lines.append("# Not read as they are; a query can (sources.<table>.query, docs/query.md):")
        for p in reshape:
            lines.append(f"#   {p.path.name}: {p.reshape}")
    configured = [p for p in proposals if p.table and not p.reshape]
    if not configured:
        return [*lines, ""]
    lines.append("sources:")
    for proposal in configured:
        lines += source_lines(proposal)
    return [*lines, ""]


def source_lines(p: Proposal) -> list[str]:
    """One ``sources.<table>`` entry, every guess marked with a comment."""
    about = (
        f"no preset fits: columns guessed from its headers and first {SAMPLE_ROWS:,} rows"
        if p.columns
        else "read by its preset; its cells need the lines below"
    )
    lines = [f"  {p.table}:", _line(f"    path: {_quoted(p.path.name)}", about)]
    lines.append(f"    preset: {p.preset}")
    if p.calendar:
        lines.append(_line(f"    calendar: {p.calendar}", "guess: its dates read only as Jalali"))
    if p.date_format:
        lines.append(
            _line(f"    date_format: {_quoted(p.date_format)}", "guess: how its dates read")
        )
    if p.columns:
        lines.append("    columns:")
        for guess in p.columns:
            text = f"      {guess.column}: {_quoted(guess.header)}"
            lines.append(_line(text, f"guess: {guess.why}"))
    if p.values:
        lines.append("    values:")
        for column, words in p.values.items():
            lines.append(_line(f"      {column}:", "the words in the sample: confirm each"))
            lines += [_word_line(w) for w in words]
    return lines


def _word_line(word: Word) -> str:
    target = word.target or '""'
    rows = "1 row" if word.rows == 1 else f"{word.rows:,} rows"
    return _line(f"        {_quoted(word.value)}: {target}", f"{word.why} ({rows})")


def detected_presets(found: dict[str, Path]) -> tuple[str, ...]:
    """The CRM presets that the found files' headers fit, as a run would
    detect them; canonical files, and files no preset fits (the run says
    why), are left out."""
    names: list[str] = []
    for table, path in found.items():
        try:
            headers = open_table(path).headers
            mapping = resolve_mapping(headers, TABLES[table], SourceSpec(table), path.name)
        except DataError:
            continue
        if mapping.preset != GENERIC:
            names.append(mapping.preset)
    return tuple(dict.fromkeys(names))


def _detected_note(presets: tuple[str, ...]) -> str:
    labels = " and ".join(load_preset(p).label for p in presets)
    return (
        f"# The exports here are {labels}'s (detected from their headers; "
        "`crmkpi validate` shows\n# each file's mapping): its time zone, calendar "
        "and language are set below.\n"
    )


def _header(presets: tuple[str, ...], note: str = "", jalali: bool = False) -> str:
    """HEADER with the presets' zone, and for a Jalali CRM (Didar) Solar Hijri
    periods and the Persian report: what its users keep their books in.
    ``jalali``: files whose dates are Jalali (periods in Solar Hijri too)."""
    mappings = [m for p in presets for m in load_preset(p).tables.values()]
    zones = {m.timezone for m in mappings if m.timezone}
    header = HEADER.replace("\ntitle: ", f"{note}\ntitle: ") if note else HEADER
    if len(zones) == 1:
        zone = f"timezone: {zones.pop()}"
        header = header.replace("# timezone: Europe/Berlin    ", f"{zone:<29}")
    if any(m.calendar == "jalali" for m in mappings):
        header = header.replace(
            "period: last-month\n",
            "calendar: jalali              # periods in Solar Hijri: 1405-07, 1405-Q2, last-month\n"
            "locale: fa                    # the report in Persian, right to left\n"
            "period: last-month\n",
        )
    elif jalali:
        header = header.replace(
            "period: last-month\n",
            "calendar: jalali              # periods in Solar Hijri, as the files' dates\n"
            "period: last-month\n",
        )
    return header


def _find(folder: Path, table: str, preset: str | None) -> Path | None:
    """The table's file, or None when absent or ambiguous (the run will say which)."""
    try:
        return find_source_file(folder, table, preset)
    except DataError:
        return None


def sources_block(preset: str, found: dict[str, Path]) -> list[str]:
    """``sources:`` for each table the preset knows: the file found and the
    mapping the preset applies, commented so it can be edited in place."""
    spec = load_preset(preset)
    lines = [f"# {spec.label}: {spec.about}", "sources:"]
    for table, mapping in spec.tables.items():
        path = found.get(table)
        if path is None:
            lines.append(f"  # {table}: no file found here (patterns: {', '.join(mapping.files)})")
            lines.append(f"  #   {table}: {{path: my-{table}-export.csv, preset: {preset}}}")
            continue
        lines += [f"  {table}:", f"    path: {path.name}", f"    preset: {preset}"]
        lines += ["    # " + line for line in _mapping_lines(mapping)]
    return [*lines, ""]


def _mapping_lines(mapping: TableMapping) -> list[str]:
    lines = ["The preset reads (override a column under columns:, a value under values:):"]
    width = max((len(c) for c in mapping.columns), default=0)
    lines += [f"  {c:<{width}}  <- {source.describe()}" for c, source in mapping.columns.items()]
    for column, values in mapping.values.items():
        pairs = ", ".join(f'"{k}": {v or "null"}' for k, v in values.items())
        lines.append(f"values: {{{column}: {{{pairs}}}}}")
    if mapping.date_format:
        lines.append(f"date_format: {list(mapping.date_format)}")
    return lines


def _kpi_lines(found: dict[str, Path]) -> list[str]:
    present = list(found)
    lines = ["kpis:"]
    if not present:
        lines.append("  # No exports found here yet (customers.csv, deals.csv …); a starter set:")
    for table in present or ["customers", "deals"]:
        kpis = [
            k
            for k in REGISTRY.values()
            if k.tables[0] == table and set(k.tables) <= set(present or k.tables)
        ]
        if not kpis:
            continue
        path = found.get(table)
        lines.append(f"  # from {path.name if path else table + '.csv'}")
        for kpi in kpis:
            if kpi.id == "weighted_pipeline_value":
                continue  # needs stage_probability (commented above)
            options = EXAMPLE_OPTIONS.get(kpi.id) if present else None
            lines.append(f"  - {kpi.id}: {options}" if options else f"  - {kpi.id}")
    lines += [
        "",
        "# A built-in narrowed by an SQL filter, and a formula over KPI ids:",
        "#  - id: enterprise_revenue",
        "#    base: revenue",
        "#    filter: \"pipeline = 'Enterprise'\"",
        "#  - id: revenue_per_customer",
        '#    formula: "revenue / active_customers"',
        "#    unit: currency",
    ]
    return lines
