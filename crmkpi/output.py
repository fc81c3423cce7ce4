"""Writing a rendered report: placeholders, parent folders, atomic replace.

A reader (or a crash half-way) never sees half a report, and a failed run
never replaces yesterday's good file: the text goes to a temporary file in
the same folder, which is renamed over the target only when complete.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from crmkpi.atomic import replace_atomically
from crmkpi.errors import UsageError

FORMAT_BY_EXTENSION = {
    ".json": "json",
    ".txt": "table",
    ".html": "html",
    ".htm": "html",
    ".md": "md",
    ".markdown": "md",
    ".csv": "csv",
}


def expand_output(template: str, *, period: str, as_of: date, today: date) -> Path:
    """``reports/{period}.html`` → ``reports/2026-10.html`` (``{as_of}``, ``{date}`` too)."""
    try:
        name = template.format(
            period=period.replace("..", "_"), as_of=as_of.isoformat(), date=today.isoformat()
        )
    except (KeyError, IndexError, ValueError) as exc:
        raise UsageError(
            f"--output {template!r}: unknown placeholder {exc}; use {{period}}, {{as_of}} or {{date}}"
        ) from exc
    return Path(name)


def format_for(path: Path) -> str | None:
    return FORMAT_BY_EXTENSION.get(path.suffix.lower())


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file and a rename."""
    if path.is_dir():
        raise UsageError(f"--output {path}: cannot write there (it is a folder; name a file in it)")
    blocker = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        raise UsageError(f"--output {path}: cannot write there ({blocker} is a file, not a folder)")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_atomically(path, lambda tmp: write_text(tmp, text))
    except OSError as exc:
        raise UsageError(f"--output {path}: cannot write there ({exc.strerror or exc})") from exc


def write_text(path: Path, text: str) -> None:
    """The report's bytes: UTF-8, line ends as rendered."""
    path.write_text(text, encoding="utf-8", newline="")


def append_text(path: Path, text: str, what: str) -> None:
    """Append to a file someone else collects (``what``: GITHUB_STEP_SUMMARY)."""
    try:
        with path.open("a", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as exc:
        raise UsageError(f"{what} {path}: cannot append ({exc.strerror or exc})") from exc
