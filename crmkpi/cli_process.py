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
from crmkpi.errors import CrmkpiError, UsageError


def main() -> None:
    """Console entry point: an unexpected exception is a bug (exit 70), and
    so is a polars panic (a BaseException: left alone, Python would exit 1,
    which ``check`` uses for "a KPI failed")."""
    verbose = "--verbose" in sys.argv or "-v" in sys.argv
    if sys.stdout is None:  # started with standard output closed
        sys.stdout = ClosedOutput()
    _messages_always_written()
    try:
        _environment()
        app()
    except Signalled as signalled:  # during a write, its temporary file removed
        _die_of(signalled.signum)
    except KeyboardInterrupt:
        sys.stderr.write("crmkpi: interrupted\n")
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(output_lost())
    except CrmkpiError as err:  # outside any command: help text to a closed stdout
        sys.stderr.write(f"crmkpi: {terminal_safe(str(err))}\n")
        sys.exit(err.exit_code)
    except Exception:  # noqa: BLE001 - the one place that catches bugs
        _bug(verbose)
    except BaseException as exc:  # noqa: BLE001 - a polars panic; anything else is re-raised
        _panic_or_raise(exc, verbose)


def _die_of(signum: int) -> NoReturn:
    """End the process by the signal that stopped a write, as it would have
    ended without crmkpi's handler (the shell sees the signal, not an exit)."""
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)
    sys.exit(128 + signum)  # not reached: the signal ends the process


def _panic_or_raise(exc: BaseException, verbose: bool) -> NoReturn:
    """A polars panic is a bug (exit 70); SystemExit and the like pass on."""
    if not _is_panic(exc):
        raise exc
    _bug(verbose)


def _is_panic(exc: BaseException) -> bool:
    """A polars panic (a Rust bug), which is no Exception. polars is loaded
    only by the commands that need it, so it is looked up, not imported."""
    polars = sys.modules.get("polars")
    return polars is not None and isinstance(exc, polars.exceptions.PanicException)


def _bug(verbose: bool) -> NoReturn:
    if verbose:
        traceback.print_exc()
    sys.stderr.write(
        "crmkpi: internal error (a bug). Please report it with the command you ran; "
        "--verbose shows the traceback.\n"
    )
    sys.exit(70)


THREADS = "POLARS_MAX_THREADS"


def _environment() -> None:
    """A UsageError for an environment polars would panic on: a thread count
    of 0 (``POLARS_MAX_THREADS=0``), read when polars first starts its
    threads, after this. A value that is no number at all polars warns about
    when imported, and ignores."""
    value = os.environ.get(THREADS, "")
    if value.strip().isdigit() and int(value) == 0:
        raise UsageError(
            f"{THREADS}={value} in the environment is not a number of threads: "
            "unset it, or set a whole number of at least 1"
        )


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
