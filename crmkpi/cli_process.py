"""The ``crmkpi`` process: exit codes, the standard streams, and its end.

``main`` runs the typer app and maps what escapes a command to SPEC's exit
codes; ``console`` (the installed command and ``python -m crmkpi``) runs
``main`` in a process that ends as soon as its output is out. Kept apart
from ``cli.py``, which reads as the commands.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import traceback
from typing import NoReturn

from crmkpi.atomic import Signalled
from crmkpi.cli import app
from crmkpi.cli_support import ClosedOutput, output_lost, terminal_safe
from crmkpi.errors import CrmkpiError


def main() -> None:
    """Console entry point: an unexpected exception is a bug (exit 70)."""
    verbose = "--verbose" in sys.argv or "-v" in sys.argv
    if sys.stdout is None:  # started with standard output closed
        sys.stdout = ClosedOutput()
    _messages_always_written()
    try:
        app()
    except Signalled as signalled:  # during a write, its temporary file removed
        signal.signal(signalled.signum, signal.SIG_DFL)
        os.kill(os.getpid(), signalled.signum)
        sys.exit(128 + signalled.signum)  # not reached: the signal ends the process
    except KeyboardInterrupt:
        sys.stderr.write("crmkpi: interrupted\n")
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(output_lost())
    except CrmkpiError as err:  # outside any command: help text to a closed stdout
        sys.stderr.write(f"crmkpi: {terminal_safe(str(err))}\n")
        sys.exit(err.exit_code)
    except Exception:  # noqa: BLE001 - the one place that catches bugs
        if verbose:
            traceback.print_exc()
        sys.stderr.write(
            "crmkpi: internal error (a bug). Please report it with the command you ran; "
            "--verbose shows the traceback.\n"
        )
        sys.exit(70)


def _messages_always_written() -> None:
    """Standard error set to ASCII (``PYTHONIOENCODING=ascii``) still shows
    every message, its other characters as ``\\xe9`` escapes, as Python's
    own messages are: an error must never become a UnicodeEncodeError."""
    reconfigure = getattr(sys.stderr, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="backslashreplace")


def console() -> NoReturn:
    """The ``crmkpi`` command: ``main`` in a process that ends as soon as its
    output is out.

    A report's work is in polars; Python holds little. So the cyclic garbage
    collector is off (at 100k customers it walked the objects of every import
    and cost 0.03 s), and the interpreter's teardown (freeing every module and
    the allocator's arenas, 0.05 s) is skipped with ``os._exit`` once stdout
    and stderr are flushed. Files are already closed: outputs are written
    atomically before ``main`` returns. A pipe whose reader stopped before
    the buffered output was out is said once (exit 2, ``output_lost``).
    """
    gc.disable()
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = _exit_status(exc.code)
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the reader stopped before the buffered rest was out
        code = code or output_lost()
    except (OSError, ValueError):  # another failing or closed stream
        raise SystemExit(code) from None
    try:
        sys.stderr.flush()
    except (OSError, ValueError):
        raise SystemExit(code) from None
    os._exit(code)


def _exit_status(code: object) -> int:
    """What the interpreter would exit with for ``sys.exit(code)``."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    sys.stderr.write(f"{code}\n")
    return 1
