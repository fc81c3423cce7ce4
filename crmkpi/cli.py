"""The command line: options in, one core call, output and exit codes out.

Only the command-line modules (this one, ``cli_setup``, ``cli_support``,
``cli_process``) touch stdout, stderr, exit codes and the real "today";
``cli_process`` holds the entry point (``main``, ``console``).
Core modules are imported inside the commands, so ``--help`` and
``--version`` do not pay for polars.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from crmkpi import __version__
from crmkpi.cli_setup import init, kpis, presets, sample
from crmkpi.cli_support import (
    no_color,
    output_width,
    parse_day_option,
    terminal_safe,
    today,
    user_errors,
    with_leniency,
    write_stdout,
)
from crmkpi.errors import UsageError
from crmkpi.options import (
    AsciiOpt,
    AsOfOpt,
    ByOpt,
    CalendarOpt,
    CheckFormat,
    Compare,
    CompareOpt,
    ConfigOpt,
    DataOpt,
    EngineName,
    EngineOpt,
    Format,
    FormatOpt,
    LenientOpt,
    LocaleOpt,
    MaxSkippedOpt,
    OutputOpt,
    PeriodOpt,
    QuietOpt,
    StrictOpt,
    TemplateOpt,
    TopOpt,
    VerboseOpt,
)

if TYPE_CHECKING:
    from crmkpi.config import Config
    from crmkpi.engine import Report

app = typer.Typer(
    name="crmkpi",
    help="KPI reports from CRM exports: churn, revenue, win rate … for a period, with comparisons.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},  # commands inherit it
)


def _version(value: bool) -> None:
    if value:
        with user_errors():
            sys.stdout.write(f"crmkpi {__version__}\n")
            sys.stdout.flush()
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """crmkpi: trustworthy KPI reports from CRM exports."""


def _as_of(text: str | None, cfg: Config) -> date:
    return today(cfg.timezone) if text is None else parse_day_option(text, cfg.calendar)


def _config(
    config: Path | None,
    data: Path | None,
    compare: Compare | None,
    calendar: str | None = None,
    locale: str | None = None,
    engine: EngineName | None = None,
) -> Config:
    from crmkpi.config import COMPARISONS, find_config, load_config, locale_codes, resolved
    from crmkpi.errors import suggest

    if locale is not None and locale not in locale_codes():
        known = locale_codes()
        raise UsageError(
            f'--locale: no language "{locale}"{suggest(locale, known)} (one of {", ".join(known)})'
        )

    cwd = Path.cwd()
    cfg = load_config(find_config(config, cwd), cwd)
    chosen = None
    if compare is not None:
        chosen = {"both": COMPARISONS, "none": ()}.get(compare.value, (compare.value,))
    return cfg.with_overrides(
        data=resolved(data) if data else None,
        compare=chosen,
        calendar=calendar,
        locale=locale,
        engine=engine.value if engine else None,
    )


def _emit(text: str, output: str | None, result: Report, cfg: Config) -> None:
    from crmkpi.output import expand_output, write_output

    if output is None or output == "-":
        write_stdout(text)
        return
    path = expand_output(output, period=result.period.label, as_of=result.as_of, today=today("UTC"))
    write_output(path, text, _inputs(result, cfg))


def _inputs(result: Report, cfg: Config) -> tuple[Path, ...]:
    """The files a run read, which its output must never replace: each
    table's file, every file a source names, the config and the templates."""
    named = [
        cfg.data / file
        for s in cfg.sources.values()
        for file in (s.path, *s.files.values())
        if file is not None
    ]
    config = (cfg.source_file,) if cfg.source_file is not None else ()
    return (*(i.path for i in result.inputs), *named, *config, *cfg.templates.values())


def _choose_format(fmt: Format | None, output: str | None) -> Format:
    from crmkpi.output import format_for

    if fmt is not None:
        return fmt
    if output and output != "-":
        inferred = format_for(Path(output))
        if inferred is None:
            raise UsageError(
                f"--output {output!r}: cannot tell the format from the extension; add --format"
            )
        return Format(inferred)
    return Format.table


def _warn(lines: tuple[str, ...], quiet: bool) -> None:
    if not quiet:
        for line in lines:
            typer.echo(f"crmkpi: warning: {terminal_safe(line)}", err=True)


@app.command()
def report(
    config: ConfigOpt = None,
    data: DataOpt = None,
    period: PeriodOpt = None,
    as_of: AsOfOpt = None,
    compare: CompareOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    template: TemplateOpt = None,
    by: ByOpt = None,
    top: TopOpt = 10,
    lenient: LenientOpt = False,
    max_skipped: MaxSkippedOpt = None,
    engine: EngineOpt = None,
    calendar: CalendarOpt = None,
    locale: LocaleOpt = None,
    ascii_only: AsciiOpt = False,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Compute and render the KPI set for a period. Example: crmkpi report -p last-month --by owner"""
    from crmkpi.engine import run_report
    from crmkpi.progress import progress

    with user_errors():
        cfg = with_leniency(
            _config(config, data, compare, calendar, locale, engine), lenient, max_skipped
        )
        chosen = _choose_format(fmt, output)
        user_template = _template(template, chosen, cfg)
        if ascii_only and chosen != Format.table:
            raise UsageError(f"--ascii applies to the table format, not {chosen.value}")
        day = _as_of(as_of, cfg)
        with progress(sys.stderr.isatty() and not quiet) as on_step:
            result = run_report(
                cfg, day, period_text=period, lenient=lenient, by=_dimensions(by), on_step=on_step
            )
        to_terminal = output is None and sys.stdout.isatty()
        text = _render(
            result,
            chosen,
            cfg,
            user_template,
            to_terminal=to_terminal,
            top=top,
            ascii_digits=ascii_only,
        )
        _emit(text, output, result, cfg)
        if chosen != Format.table or output is not None:
            _warn(result.warnings + _skipped_examples(result), quiet)


def _skipped_examples(result: Report) -> tuple[str, ...]:
    """The first skipped row of each kind per table (``--lenient``): where to look."""
    return tuple(f"{i.table}: skipped {e}" for i in result.inputs for e in i.examples)


def _dimensions(by: list[str] | None) -> tuple[str, ...] | None:
    """``--by`` values (replacing the config's ``breakdowns``), each a known dimension."""
    from crmkpi.canonical import DIMENSIONS
    from crmkpi.errors import suggest

    if not by:
        return None
    for name in by:
        if name not in DIMENSIONS:
            raise UsageError(
                f'--by: unknown dimension "{name}"{suggest(name, DIMENSIONS)} '
                f"(one of {', '.join(DIMENSIONS)})"
            )
    return tuple(dict.fromkeys(by))


def _template(option: Path | None, fmt: Format, cfg: Config) -> Path | None:
    """``--template`` wins over ``templates:`` in the config; only html and md have one."""
    from crmkpi.config import resolved

    if option is not None and fmt not in (Format.html, Format.md):
        raise UsageError(f"--template applies to the html and md formats, not {fmt.value}")
    return resolved(option) if option is not None else cfg.templates.get(fmt.value)


def _render(
    result: Report,
    fmt: Format,
    cfg: Config,
    template: Path | None,
    *,
    to_terminal: bool,
    top: int = 10,
    ascii_digits: bool = False,
) -> str:
    """Each renderer is imported when used: json does not pay for jinja2."""
    if fmt == Format.json:
        from crmkpi.render.json import render_json

        return render_json(result, cfg.data)
    if fmt == Format.csv:
        from crmkpi.render.csv import render_csv

        return render_csv(result)
    if fmt == Format.html:
        from crmkpi.render.html import render_html

        return render_html(result, template=template, top=top)
    if fmt == Format.md:
        from crmkpi.render.markdown import render_markdown

        return render_markdown(result, template=template, top=top)
    from crmkpi.render.terminal import render_terminal

    # Piped output is not cut unless $COLUMNS says how wide: a table takes the width it needs.
    width = output_width(to_terminal, 200)
    color = to_terminal and not no_color()
    return render_terminal(result, color=color, width=width, top=top, ascii_digits=ascii_digits)


@app.command()
def check(
    config: ConfigOpt = None,
    data: DataOpt = None,
    period: PeriodOpt = None,
    as_of: AsOfOpt = None,
    fmt: Annotated[
        CheckFormat, typer.Option("--format", "-f", help="Verdict format.")
    ] = CheckFormat.text,
    output: OutputOpt = None,
    strict: StrictOpt = False,
    lenient: LenientOpt = False,
    max_skipped: MaxSkippedOpt = None,
    engine: EngineOpt = None,
    calendar: CalendarOpt = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Evaluate fail/warn/target conditions; exit 1 when a KPI fails. Example: crmkpi check -p mtd"""
    from crmkpi.engine import run_report
    from crmkpi.progress import progress
    from crmkpi.targets import exit_code, judge_report, require_rules

    with user_errors():
        cfg = _config(config, data, Compare.none, calendar, engine=engine)
        require_rules(cfg)
        cfg = with_leniency(cfg, lenient, max_skipped)
        day = _as_of(as_of, cfg)
        with progress(sys.stderr.isatty() and not quiet) as on_step:
            result = run_report(
                cfg, day, period_text=period, lenient=lenient, trend=0, on_step=on_step
            )
        _emit(_render_check(result, fmt, strict), output, result, cfg)
        _warn(result.warnings + _skipped_examples(result), quiet)
        code = exit_code(judge_report(result), strict=strict)
    raise typer.Exit(code)


def _render_check(result: Report, fmt: CheckFormat, strict: bool) -> str:
    from crmkpi.output import append_text
    from crmkpi.render.check import render_check_text
    from crmkpi.render.github import render_github, render_step_summary
    from crmkpi.render.junit import render_junit

    if fmt == CheckFormat.junit:
        return render_junit(result, strict=strict)
    if fmt == CheckFormat.github:
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            append_text(Path(summary), render_step_summary(result), "GITHUB_STEP_SUMMARY")
        return terminal_safe(render_github(result))
    return terminal_safe(render_check_text(result))


@app.command()
def validate(
    config: ConfigOpt = None,
    data: DataOpt = None,
    lenient: LenientOpt = False,
    max_skipped: MaxSkippedOpt = None,
    engine: EngineOpt = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Load and validate every input file; report problems, compute nothing."""
    from crmkpi.validate import validate_inputs

    with user_errors():
        cfg = with_leniency(_config(config, data, None, engine=engine), lenient, max_skipped)
        summary = validate_inputs(cfg, lenient=lenient)
        write_stdout(terminal_safe(summary))


@app.command()
def convert(
    directory: Annotated[Path, typer.Argument(help="The folder of exports to convert.")],
    to: Annotated[str, typer.Option("--to", help="The format to write: parquet.")],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Folder for the tables (default: DIRECTORY/parquet)."),
    ] = None,
    config: ConfigOpt = None,
    lenient: LenientOpt = False,
    max_skipped: MaxSkippedOpt = None,
    engine: EngineOpt = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Validate a folder of exports once and write typed Parquet (one file per table)."""
    from crmkpi.convert import FORMATS, convert_exports
    from crmkpi.inputs import input_warnings

    with user_errors():
        if to not in FORMATS:
            raise UsageError(f"--to {to!r}: cannot convert to that (one of {', '.join(FORMATS)})")
        cfg = with_leniency(_config(config, directory, None, engine=engine), lenient, max_skipped)
        out = output if output is not None else directory / "parquet"
        inputs, written = convert_exports(cfg, out, lenient=lenient)
        _warn(input_warnings(inputs), quiet)
        if not quiet:
            for w in written:
                typer.echo(f"{w.table}: {w.rows:,} rows -> {w.path}", err=True)
            typer.echo(
                f"wrote {len(written)} tables; report with: crmkpi report -d {out}", err=True
            )


for command in (kpis, presets, init, sample):
    app.command()(command)
