"""What the command-line modules share: error mapping, "today", dates typed
on the command line, and colour. Only the command line imports this."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer

from crmkpi.errors import CrmkpiError, UsageError


def fail(message: str, code: int) -> typer.Exit:
    typer.echo(f"crmkpi: {message}", err=True)
    return typer.Exit(code)


@contextmanager
def user_errors() -> Iterator[None]:
    """A CrmkpiError becomes its message on stderr and its exit code."""
    try:
        yield
    except CrmkpiError as err:
        raise fail(str(err), err.exit_code) from None


def today(timezone: str) -> date:
    try:
        return datetime.now(ZoneInfo(timezone)).date()
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UsageError(
            f"unknown timezone {timezone!r} (use an IANA name like Europe/Berlin)"
        ) from exc


def parse_day_option(text: str, calendar: str = "gregorian") -> date:
    from crmkpi.calendars import parse_day

    try:
        return parse_day(text, calendar)
    except ValueError as exc:
        expected = "YYYY-MM-DD, Jalali or Gregorian" if calendar == "jalali" else "YYYY-MM-DD"
        raise UsageError(f"--as-of {text!r} is not a date ({exc}; expected {expected})") from None


def no_color() -> bool:
    return bool(os.environ.get("NO_COLOR"))
