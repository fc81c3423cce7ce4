"""Writing a rendered report: placeholders, parent folders, atomic replace.

A reader (or a crash half-way) never sees half a report, and a failed run
never replaces yesterday's good file: the text goes to a temporary file in
the same folder, which is renamed over the target only when complete.
Only a report is ever replaced: a device or a FIFO is written in place, a
symlink is followed, and an input of the run is never the output.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from collections.abc import Iterable
from contextlib import suppress
from datetime import date
from pathlib import Path
from string import Formatter

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


PLACEHOLDERS = ("period", "as_of", "date")


def expand_output(template: str, *, period: str, as_of: date, today: date) -> Path:
    """``reports/{period}.html`` → ``reports/2026-10.html`` (``{as_of}``, ``{date}`` too).

    A placeholder is a bare name: ``{as_of.year}``, ``{period[0]}``, ``{date!r}``
    or ``{period:>9}`` would reach into Python's format language."""
    hint = "use {period}, {as_of} or {date} as they are (write {{ and }} for a brace)"
    try:
        fields = list(Formatter().parse(template))
    except ValueError as exc:
        raise UsageError(f"--output {template!r}: {exc}; {hint}") from None
    for _, name, spec, conversion in fields:
        if name is not None and (name not in PLACEHOLDERS or spec or conversion):
            shown = "{" + name + (f"!{conversion}" if conversion else "")
            shown += (f":{spec}" if spec else "") + "}"
            raise UsageError(
                f"--output {template!r}: placeholder {shown} is not one crmkpi fills; {hint}"
            )
    values = {
        "period": period.replace("..", "_"),
        "as_of": as_of.isoformat(),
        "date": today.isoformat(),
    }
    return Path(template.format(**values))


def format_for(path: Path) -> str | None:
    return FORMAT_BY_EXTENSION.get(path.suffix.lower())


NAME_MAX = 255  # bytes in one file or folder name, on every common file system

# Paths that name one of this process's open descriptors (``-o /dev/stdout``):
# written through the descriptor, as the shell opened it (``>>`` appends).
_DESCRIPTOR = r"/dev/(stdout|stderr)|/dev/fd/(\d+)|/proc/(?:self|{pid})/fd/(\d+)"
_STREAMS = {"stdout": 1, "stderr": 2}
_LINKS_FOLLOWED = 40


def write_output(path: Path, text: str, inputs: Iterable[Path] = ()) -> None:
    """Write ``text`` (UTF-8) to ``path`` as the kind of thing it is.

    A regular file or a new path: through a temporary file and a rename
    (``replace_atomically``). A FIFO or a character device (``/dev/null``):
    in place, never replaced. ``/dev/stdout`` and the like: through the
    descriptor. A symlink is followed to its target. A socket, a block
    device or a folder, a name over 255 bytes, or a file that is one of
    ``inputs`` (the same file, after links) is a UsageError, before anything
    is written."""
    where = f"--output {path}"
    try:
        _names_fit(path)
        descriptor = _descriptor(path)
        if descriptor is not None:
            _write_descriptor(descriptor, text)
            return
        target = Path(os.path.realpath(path))
        info = _stat(target)
        _not_an_input(info, inputs, where)
        if info is not None and (stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode)):
            _write_in_place(target, text)
            return
        if info is not None and not stat.S_ISREG(info.st_mode):
            raise UsageError(f"{where}: cannot write there ({_not_a_file(info.st_mode)})")
        _parent_folder(target, where)
        replace_atomically(target, lambda tmp: write_text(tmp, text))
    except OSError as exc:
        raise UsageError(f"{where}: cannot write there ({exc.strerror or exc})") from exc


def _names_fit(path: Path) -> None:
    """A UsageError for a file or folder name longer than the file system takes."""
    for part in path.parts:
        size = len(os.fsencode(part))
        if size > NAME_MAX:
            what = "the file name" if part == path.name else f"the name {part[:20]}…"
            raise UsageError(
                f"--output {path}: cannot write there ({what} is {size} bytes; at most "
                f"{NAME_MAX} bytes fit in one name: use a shorter one)"
            )


def _descriptor(path: Path) -> int | None:
    """The descriptor ``path`` names through its links (``/dev/stdout`` → 1), or None."""
    current = os.path.abspath(path)
    pattern = re.compile(_DESCRIPTOR.format(pid=os.getpid()))
    for _ in range(_LINKS_FOLLOWED):
        match = pattern.fullmatch(current)
        if match is not None:
            stream, fd, proc_fd = match.groups()
            return _STREAMS[stream] if stream else int(fd or proc_fd)
        if not os.path.islink(current):
            return None
        current = os.path.normpath(os.path.join(os.path.dirname(current), os.readlink(current)))
    return None


def _write_descriptor(fd: int, text: str) -> None:
    """``text`` as UTF-8 through ``fd``, after what Python holds for it."""
    for stream in (sys.stdout, sys.stderr):
        with suppress(AttributeError, ValueError, OSError):
            if stream.fileno() == fd:
                stream.flush()
    data = memoryview(text.encode("utf-8"))
    while data:
        data = data[os.write(fd, data) :]


def _stat(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None


def _not_an_input(info: os.stat_result | None, inputs: Iterable[Path], where: str) -> None:
    if info is None:
        return
    for source in inputs:
        other = _stat(source)
        if other is not None and (other.st_dev, other.st_ino) == (info.st_dev, info.st_ino):
            raise UsageError(f"{where}: is an input of this run ({source}); name another file")


def _write_in_place(path: Path, text: str) -> None:
    """A FIFO or a character device, opened as it is (not created, not
    truncated, not replaced); a FIFO waits for its reader, as ``>`` does."""
    fd = os.open(path, os.O_WRONLY | os.O_NOCTTY)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)


def _not_a_file(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "it is a folder; name a file in it"
    if stat.S_ISSOCK(mode):
        return "it is a socket; name a file, a FIFO or a device"
    if stat.S_ISBLK(mode):
        return "it is a block device (a disk); name a file"
    return "it is not a file; name a file"


def _parent_folder(path: Path, where: str) -> None:
    """``path``'s folder, made if absent; a UsageError when a file is in the way."""
    blocker = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        raise UsageError(f"{where}: cannot write there ({blocker} is a file, not a folder)")
    path.parent.mkdir(parents=True, exist_ok=True)


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
