"""The setup commands: ``kpis``, ``presets``, ``init``, ``sample``.

Registered on the app by ``cli.py``; kept apart so that ``cli.py`` reads as
the reporting commands. Core modules are imported inside the commands, so
``--help`` does not pay for polars.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from crmkpi.cli_support import no_color, output_width, parse_day_option, today, user_errors
from crmkpi.errors import ConfigError, UsageError
from crmkpi.options import AsOfOpt, CalendarName, CatalogueFormat, QuietOpt, SampleStyle


def kpis(
    fmt: Annotated[
        CatalogueFormat, typer.Option("--format", "-f", help="table, json or md.")
    ] = CatalogueFormat.table,
) -> None:
    """List the built-in KPIs: id, label, unit, better, tables and definition."""
    from crmkpi.render.catalogue import render_catalogue

    with user_errors():
        to_terminal = sys.stdout.isatty()
        color = to_terminal and not no_color()
        width = output_width(to_terminal, 160)
        sys.stdout.write(render_catalogue(fmt.value, color=color, width=width))


def presets(
    name: Annotated[
        str | None, typer.Argument(help="One preset (hubspot, zendesk …); default all.")
    ] = None,
) -> None:
    """List the CRM presets and the headers and values each one reads (Markdown)."""
    from crmkpi.render.presets import presets_markdown

    with user_errors():  # an unknown name: its ConfigError, exit 2 with a suggestion
        sys.stdout.write(presets_markdown(None if name is None else (name,)))


def init(
    directory: Annotated[
        Path, typer.Argument(help="The data folder; crmkpi.yaml is written there.")
    ] = Path(),
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing crmkpi.yaml.")
    ] = False,
    preset: Annotated[
        str | None,
        typer.Option(
            "--preset",
            help="The CRM the exports come from (hubspot, salesforce, pipedrive, zoho, "
            "zendesk, freshdesk, didar): writes its sources with their mapping.",
        ),
    ] = None,
    quiet: QuietOpt = False,
) -> None:
    """Write a commented starter crmkpi.yaml for a folder of exports."""
    from crmkpi.config import CONFIG_FILENAME
    from crmkpi.output import write_output
    from crmkpi.presets import load_preset
    from crmkpi.starter import starter_config

    with user_errors():
        if not directory.is_dir():
            raise UsageError(f"{directory}: folder not found")
        target = directory / CONFIG_FILENAME
        if target.exists() and not force:
            raise UsageError(f"{target} exists; use --force to replace it")
        if preset is not None:
            try:
                load_preset(preset)
            except ConfigError as exc:
                raise UsageError(f"--preset: {exc.message}") from None
        write_output(target, starter_config(directory, preset))
        if not quiet:
            typer.echo(f"wrote {target}; try: cd {directory} && crmkpi report", err=True)


def sample(
    directory: Annotated[
        Path, typer.Argument(help="Folder to write the exports to (created if needed).")
    ],
    customers: Annotated[
        int, typer.Option("--customers", min=1, help="Number of customers.")
    ] = 1000,
    seed: Annotated[
        int, typer.Option("--seed", help="Random seed: the same seed gives the same files.")
    ] = 1,
    as_of: AsOfOpt = None,
    calendar: Annotated[
        CalendarName,
        typer.Option(
            "--calendar",
            help="gregorian: canonical CSV files; jalali: an Iranian CRM's exports (Didar: "
            "Persian headers, Jalali dates, Persian digits) and a crmkpi.yaml that reads them.",
        ),
    ] = CalendarName.gregorian,
    style: Annotated[
        SampleStyle,
        typer.Option(
            "--style",
            help="How the files are written, the same rows each time: iso (crmkpi's own "
            "files); zendesk, hubspot, salesforce (that CRM's exports, through its preset); "
            "us (10/05/2026 9:00:27 AM, $1,234.50); didar (as --calendar jalali). "
            "Each but iso comes with the crmkpi.yaml that reads it.",
        ),
    ] = SampleStyle.iso,
    force: Annotated[
        bool, typer.Option("--force", help="Replace files of the same names in DIRECTORY.")
    ] = False,
    quiet: QuietOpt = False,
) -> None:
    """Write realistic synthetic exports of every table, ending at --as-of."""
    from crmkpi.sample import generate_sample, write_sample

    with user_errors():
        jalali = calendar is CalendarName.jalali or style is SampleStyle.didar
        day_calendar = "jalali" if jalali else "gregorian"
        day = today("UTC") if as_of is None else parse_day_option(as_of, day_calendar)
        tables = generate_sample(customers, seed, day)
        paths = write_sample(
            directory, tables, calendar=calendar.value, style=style.value, force=force
        )
        if not quiet:
            typer.echo(f"wrote {len(paths)} files to {directory}", err=True)
