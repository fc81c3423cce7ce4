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


GROUP_ROWS_SHOWN = 5
GROUP_VALUES_SHOWN = 3


@dataclass(frozen=True, slots=True)
class ProblemGroup:
    """Every problem of one kind in one column of one file, said once: how
    many rows, the first of them, a few distinct values and what to do.

    ``first`` is the first problem, as a lone one is said (``count`` 1);
    ``what`` is the issue as a group says it (``not a date``); ``rows`` and
    ``values`` are the first rows and distinct values (``more_values``: the
    file has others); ``fix`` is a step for this group alone (a date format).
    """

    first: Problem
    what: str
    count: int
    rows: tuple[int, ...] = ()
    values: tuple[str, ...] = ()
    more_values: bool = False
    fix: str | None = None

    def __str__(self) -> str:
        if self.count == 1:
            return str(self.first)
        p = self.first
        where = p.file if p.column is None else f"{p.file}, column {p.column}"
        rows = ", ".join(str(r) for r in self.rows[:GROUP_ROWS_SHOWN])
        more_rows = " …" if self.count > min(len(self.rows), GROUP_ROWS_SHOWN) else ""
        text = f"{where}: {self.what} in {self.count:,} rows"
        if self.values:
            values = ", ".join(_quote(v) for v in self.values[:GROUP_VALUES_SHOWN])
            more = " …" if self.more_values or len(self.values) > GROUP_VALUES_SHOWN else ""
            text += f" ({rows}{more_rows}): {values}{more}"
        else:
            text += f": {rows}{more_rows}"
        return text + (f" (expected {p.expected})" if p.expected else "")

    def lines(self) -> list[str]:
        """The group's line, then its fix (indented), as an error lists them."""
        return [str(self), *([f"  fix: {self.fix}"] if self.fix else [])]


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
    ``groups``, when given, say the same problems once per file, column and
    kind (with true counts), and are what the message lists; ``notes`` are
    lines said after them (what to do, the file's headers).
    """

    exit_code = 3

    def __init__(
        self,
        message: str,
        problems: Iterable[Problem] = (),
        total: int | None = None,
        *,
        groups: Iterable[ProblemGroup] = (),
        notes: Iterable[str] = (),
    ) -> None:
        self.problems = tuple(problems)
        self.total = len(self.problems) if total is None else total
        self.groups = tuple(groups)
        self.notes = tuple(notes)
        super().__init__(message)

    def __str__(self) -> str:
        if self.groups:
            return render_groups(self.message, self.groups, self.notes)
        return render_problems(self.message, self.problems, self.total, self.notes)


def render_problems(
    headline: str, problems: tuple[Problem, ...], total: int, notes: tuple[str, ...] = ()
) -> str:
    """The headline, at most 20 problems, then a count of the rest."""
    lines = [headline]
    lines.extend(f"  {p}" for p in problems[:MAX_LISTED_PROBLEMS])
    rest = total - min(len(problems), MAX_LISTED_PROBLEMS)
    if rest > 0:
        lines.append(f"  … and {rest} more problem{'s' if rest != 1 else ''}")
    lines.extend(f"  {note}" for note in notes)
    return "\n".join(lines)


def render_groups(headline: str, groups: tuple[ProblemGroup, ...], notes: tuple[str, ...]) -> str:
    """The headline, one line per group (at most 20, then a count of the
    rows in the rest), each with its fix, then the notes."""
    lines = [headline]
    lines.extend(f"  {line}" for g in groups[:MAX_LISTED_PROBLEMS] for line in g.lines())
    rest = groups[MAX_LISTED_PROBLEMS:]
    if rest:
        count = sum(g.count for g in rest)
        kinds = f"{len(rest)} more kind{'s' if len(rest) != 1 else ''}"
        lines.append(f"  … and {kinds} of problem in {count:,} row{'s' if count != 1 else ''}")
    lines.extend(f"  {note}" for note in notes)
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
