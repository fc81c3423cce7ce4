"""One exception tree for every mistake a user can make.

Each error carries the message a person reads and the exit code of SPEC.md.
The core raises these and never prints; only ``cli.py`` turns them into output.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

MAX_LISTED_PROBLEMS = 20


@dataclass(frozen=True, slots=True)
class Problem:
    """One bad cell, row or column of an input file.

    ``row`` is 1-based as a spreadsheet shows it (the header is row 1); ``None``
    for a problem with the whole file or column.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    issue: str
    expected: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        text = ", ".join(where) + ": "
        if self.value is not None:
            text += f"{_quote(self.value)} "
        text += self.issue
        if self.expected:
            text += f" (expected {self.expected})"
        return text


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters (ending in …): a message quotes a
    value, a filter or a reason, never a 100 MB cell or a YAML bomb whole."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _quote(value: str, limit: int = 60) -> str:
    return '"' + shorten(value, limit).replace('"', '\\"') + '"'


class CrmkpiError(Exception):
    """Base of every user-facing error; ``exit_code`` follows SPEC.md."""

    exit_code: ClassVar[int] = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(CrmkpiError):
    """A command-line option or argument that cannot be used."""

    exit_code = 2


class ConfigError(CrmkpiError):
    """A YAML config (or config-like option) that is wrong."""

    exit_code = 2


class DataError(CrmkpiError):
    """Input data that cannot be read or does not follow SCHEMA.md.

    ``problems`` lists what was found (possibly only the first ones);
    ``total`` counts all of them, so a message can say "and 480 more".
    """

    exit_code = 3

    def __init__(
        self, message: str, problems: Iterable[Problem] = (), total: int | None = None
    ) -> None:
        self.problems = tuple(problems)
        self.total = len(self.problems) if total is None else total
        super().__init__(message)

    def __str__(self) -> str:
        return render_problems(self.message, self.problems, self.total)


def render_problems(headline: str, problems: tuple[Problem, ...], total: int) -> str:
    """The headline, at most 20 problems, then a count of the rest."""
    lines = [headline]
    lines.extend(f"  {p}" for p in problems[:MAX_LISTED_PROBLEMS])
    rest = total - min(len(problems), MAX_LISTED_PROBLEMS)
    if rest > 0:
        lines.append(f"  … and {rest} more problem{'s' if rest != 1 else ''}")
    return "\n".join(lines)


def first_line(exc: BaseException, limit: int = 100) -> str:
    """A foreign exception's message for a person: first line, cut short
    (polars sometimes embeds a whole syntax tree)."""
    lines = str(exc).strip().splitlines()
    line = lines[0] if lines else type(exc).__name__
    return line if len(line) <= limit else line[: limit - 1] + "…"


def suggest(name: str, known: Iterable[str]) -> str:
    """'; did you mean "x"?' for the closest known name, or '' when none is close."""
    match = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f'; did you mean "{match[0]}"?' if match else ""
