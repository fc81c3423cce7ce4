"""Files replaced whole: written beside the target, renamed over it when complete.

A reader (or a crash half-way, or Ctrl-C) never sees half a file, and a
failed run never replaces the previous good one.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def replace_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """``write`` a temporary file in ``path``'s folder, then rename it to
    ``path``. The file gets the permissions a plain ``open`` would give it
    (``mkstemp`` makes it private to its owner). OSError propagates."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
