"""What the command-line modules share: error mapping, "today", dates typed
on the command line, and colour. Only the command line imports this."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer

from crmkpi.errors import CrmkpiError, UsageError

if TYPE_CHECKING:
    from crmkpi.config import Config

STDOUT_CLOSED = (
    "standard output is closed, so there is nowhere to write (a report can go to a file: -o FILE)"
)
STDOUT_LOST = "standard output was closed before everything was written to it"


class ClosedOutput(io.TextIOBase):
    """Standard output for a process started without one (``crmkpi … >&-``):
    writing to it is a usage error (exit 2, SPEC: an output that cannot be
    written), not an AttributeError on None and an "internal error"."""

    def write(self, text: str) -> int:
        raise UsageError(STDOUT_CLOSED)

    def isatty(self) -> bool:
        return False


def output_lost() -> int:
    """A pipe's reader stopped before the output was out (``crmkpi … | head``
    with more than a pipe holds): say so once, and point standard output at
    /dev/null so that no later flush fails again. The exit code, 2."""
    sys.stderr.write(f"crmkpi: {STDOUT_LOST}\n")
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass  # no descriptor to redirect: nothing more will be written to it
    return UsageError.exit_code


def fail(message: str, code: int) -> typer.Exit:
    typer.echo(f"crmkpi: {terminal_safe(message)}", err=True)
    return typer.Exit(code)


def terminal_safe(text: str) -> str:
    """A message or report line as a terminal may show it: control characters
    and bidi overrides from data or a config escaped (``\\x1B``), line breaks kept."""
    from crmkpi.render.safe_text import visible

    return visible(text, keep="\n")


def write_stdout(text: str) -> None:
    """``text`` to standard output; a stream that cannot encode it (set to
    ASCII by PYTHONIOENCODING) is a usage error with the fix, not a bug."""
    try:
        sys.stdout.write(text)
    except UnicodeEncodeError as exc:
        char = exc.object[exc.start]
        raise UsageError(
            f"standard output takes only {exc.encoding} text (PYTHONIOENCODING or the locale "
            f'says so), and the output holds "{char}" (U+{ord(char):04X}): set '
            "PYTHONIOENCODING=utf-8, or write to a file with -o FILE"
        ) from None


@contextmanager
def user_errors() -> Iterator[None]:
    """A CrmkpiError becomes its message on stderr and its exit code; so does
    a pipe that closed before the output was out (click would exit 1 without
    a word, which ``check`` uses for "a KPI failed")."""
    try:
        yield
    except CrmkpiError as err:
        raise fail(str(err), err.exit_code) from None
    except BrokenPipeError:
        raise typer.Exit(output_lost()) from None


def today(timezone: str) -> date:
    try:
        return datetime.now(ZoneInfo(timezone)).date()
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UsageError(
            f"unknown timezone {timezone!r} (use an IANA name like Europe/Berlin)"
        ) from exc


def parse_day_option(text: str, calendar: str = "gregorian") -> date:
    from crmkpi.calendars import YearOutOfRangeError, parse_day

    try:
        return parse_day(text, calendar)
    except YearOutOfRangeError as exc:
        raise UsageError(f"--as-of {text}: {exc}") from None
    except ValueError as exc:
        expected = "YYYY-MM-DD, Jalali or Gregorian" if calendar == "jalali" else "YYYY-MM-DD"
        raise UsageError(f"--as-of {text!r} is not a date ({exc}; expected {expected})") from None


def with_leniency(cfg: Config, lenient: bool, max_skipped: str | None) -> Config:
    """``--lenient`` and ``--max-skipped`` (which implies it) over the config's
    ``lenient``: the limit given on the command line wins over the file's."""
    from crmkpi.leniency import parse_share

    limit = None
    if max_skipped is not None:
        try:
            limit = parse_share(max_skipped)
        except ValueError as exc:
            raise UsageError(f"--max-skipped {max_skipped!r}: {exc}") from None
    on = True if lenient or limit is not None else None
    return cfg.with_overrides(lenient=on, max_skipped=limit)


def no_color() -> bool:
    return bool(os.environ.get("NO_COLOR"))


def output_width(to_terminal: bool, default: int) -> int:
    """The columns a table may take: the terminal's; when piped, ``$COLUMNS``
    if set (``COLUMNS=80 crmkpi kpis | less``), else ``default``, wide enough
    that piped output is not cut."""
    if to_terminal:
        return typer.get_terminal_size()[0]
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() and int(columns) > 0 else default
