"""Files replaced whole: written beside the target, renamed over it when complete.

A reader (or a crash half-way, or Ctrl-C) never sees half a file, and a
failed run never replaces the previous good one. The replaced file keeps
its mode and owner, and a signal during the write (SIGTERM from a
service manager, SIGHUP from a closed terminal) removes the temporary
file before the process ends of that signal.
"""

from __future__ import annotations

import os
import signal
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import FrameType

# Signals whose default action ends the process without running any
# ``finally``: each becomes ``Signalled`` while a temporary file exists.
# SIGINT is KeyboardInterrupt already; SIGKILL and SIGSTOP cannot be caught.
_ENDING = tuple(
    getattr(signal, name)
    for name in (
        "SIGHUP", "SIGTERM", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGALRM",
        "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF",
    )
    if hasattr(signal, name)
)  # fmt: skip

# A temporary file's name keeps at most this much of the target's name
# (in bytes), so that ``.<name>.XXXXXXXX.tmp`` fits in 255 bytes.
_NAME_KEPT = 200


class Signalled(BaseException):
    """A signal that ends the process arrived while a file was being written;
    the temporary file is removed. The entry point ends the process of
    ``signum`` (as if crmkpi had not caught it)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def replace_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """``write`` a temporary file in ``path``'s folder, then rename it to
    ``path``. A new file gets the permissions a plain ``open`` would give it
    (``mkstemp`` makes it private to its owner); a replaced one keeps its
    mode, and its owner and group where this process may give them.
    OSError propagates; so does ``Signalled``, the temporary file gone."""
    try:
        before: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        before = None
    tmp: Path | None = None
    with _signals_end_writes():
        try:
            fd, name = tempfile.mkstemp(prefix=_prefix(path.name), suffix=".tmp", dir=path.parent)
            tmp = Path(name)
            os.close(fd)
            write(tmp)
            _same_owner_and_mode(tmp, before)
            os.replace(tmp, path)
        except BaseException:
            if tmp is not None:
                tmp.unlink(missing_ok=True)
            raise


def _prefix(name: str) -> str:
    return f".{os.fsdecode(os.fsencode(name)[:_NAME_KEPT])}."


def _same_owner_and_mode(tmp: Path, before: os.stat_result | None) -> None:
    """``tmp`` as the file it replaces: its owner and group when allowed
    (root may give a file away; anyone may keep a group they are in), then
    its mode (after chown, which may clear set-id bits). A new file: 0666
    less the umask."""
    if before is None:
        os.chmod(tmp, 0o666 & ~_umask())
        return
    try:
        os.chown(tmp, before.st_uid, before.st_gid)
    except PermissionError:
        with suppress(PermissionError):
            os.chown(tmp, -1, before.st_gid)
    os.chmod(tmp, stat.S_IMODE(before.st_mode))


@contextmanager
def _signals_end_writes() -> Iterator[None]:
    """While the block runs, a signal in ``_ENDING`` that would end the
    process raises ``Signalled`` instead, so that cleanup runs. Only the
    main thread may set handlers; a signal someone else handles is left
    to its handler."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}
    for signum in _ENDING:
        if signal.getsignal(signum) == signal.SIG_DFL:
            previous[signum] = signal.signal(signum, _raise_signalled)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _raise_signalled(signum: int, frame: FrameType | None) -> None:
    raise Signalled(signum)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
