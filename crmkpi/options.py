"""The command line's options and format choices, shared by its commands.

Kept apart from ``cli.py`` so that the commands read as what they do.
Nothing here imports the core: ``--help`` stays fast.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


class Format(StrEnum):
    table = "table"
    json = "json"
    html = "html"
    md = "md"
    csv = "csv"


class CatalogueFormat(StrEnum):
    table = "table"
    json = "json"
    md = "md"


class CalendarName(StrEnum):
    gregorian = "gregorian"
    jalali = "jalali"


class SampleStyle(StrEnum):
    """``crmkpi sample --style``: the conventions the files are written in."""

    iso = "iso"
    zendesk = "zendesk"
    hubspot = "hubspot"
    salesforce = "salesforce"
    us = "us"
    didar = "didar"


class EngineName(StrEnum):
    auto = "auto"
    in_memory = "in-memory"
    streaming = "streaming"


class Compare(StrEnum):
    both = "both"
    previous = "previous"
    year_ago = "year_ago"
    none = "none"


ConfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--config", "-c", help="YAML config (default: ./crmkpi.yaml, else the built-in KPI set)."
    ),
]
DataOpt = Annotated[
    Path | None,
    typer.Option("--data", "-d", help="Folder with the exports (default: the config's `data`)."),
]
PeriodOpt = Annotated[
    str | None,
    typer.Option(
        "--period",
        "-p",
        help="2026-10, 2026-Q3, 2026-W14, 2026, last-month, ytd, 2026-01-01..2026-03-31 …",
    ),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="What 'today' is, YYYY-MM-DD, Jalali under --calendar jalali "
        "(default: today in the config timezone).",
    ),
]
CalendarOpt = Annotated[
    CalendarName | None,
    typer.Option(
        "--calendar",
        help="Calendar of periods and dates shown: gregorian, or jalali (1405-Q2, 1405-07 …).",
    ),
]
EngineOpt = Annotated[
    EngineName | None,
    typer.Option(
        "--engine",
        help="polars engine: in-memory (fastest), streaming (bounded memory, for data larger "
        "than RAM allows) or auto (streaming from 1 GiB of input files; the default).",
    ),
]
LocaleOpt = Annotated[
    str | None,
    typer.Option(
        "--locale",
        help="Language of the report: en, fa (Persian, right to left), or any other "
        "with a message catalogue in crmkpi/locales/.",
    ),
]
AsciiOpt = Annotated[
    bool,
    typer.Option(
        "--ascii", help="Terminal table with Latin digits (for terminals without Persian)."
    ),
]
CompareOpt = Annotated[
    Compare | None, typer.Option("--compare", help="Comparison periods (default: both).")
]
FormatOpt = Annotated[
    Format | None,
    typer.Option(
        "--format", "-f", help="Output format (default: from --output's extension, else table)."
    ),
]
OutputOpt = Annotated[
    str | None,
    typer.Option(
        "--output",
        "-o",
        help="Write to this file ({period}, {as_of}, {date} are filled in); - for stdout.",
    ),
]
TemplateOpt = Annotated[
    Path | None,
    typer.Option(
        "--template", help="A Jinja2 template replacing the shipped one (html and md formats)."
    ),
]
LenientOpt = Annotated[
    bool,
    typer.Option(
        "--lenient",
        help="Skip bad rows (and say how many and why) instead of stopping; "
        "at most 10% of a table's rows (see --max-skipped).",
    ),
]
MaxSkippedOpt = Annotated[
    str | None,
    typer.Option(
        "--max-skipped",
        help="With --lenient (which it implies), the share of a table's rows that may be "
        "skipped before the run stops: 5% or 0.05 (default 10%, or the config's lenient).",
    ),
]
ByOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--by",
        help="Break the KPIs down by a dimension (repeatable): owner, segment, region, "
        "channel, source, agent, pipeline, product.",
    ),
]
TopOpt = Annotated[
    int,
    typer.Option("--top", min=1, help="Groups shown per breakdown; the rest fold into (other)."),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No warnings on stderr.")]
VerboseOpt = Annotated[
    bool, typer.Option("--verbose", "-v", help="Show tracebacks of internal errors.")
]


class CheckFormat(StrEnum):
    text = "text"
    junit = "junit"
    github = "github"


StrictOpt = Annotated[bool, typer.Option("--strict", help="Warnings fail the check too.")]
