"""A progress indicator on stderr for work that takes more than a second.

Only the CLI uses it: the core reports its steps through a plain callback
(``on_step``) and never prints. Nothing appears for quick runs, when stderr is
not a terminal (cron, CI, pipes), or with ``--quiet``; stdout is never touched,
so ``crmkpi report -f json > out.json`` stays clean.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.status import Status

DELAY_SECONDS = 1.0


class _Indicator:
    """Starts a Rich spinner after ``delay`` seconds unless the work is done."""

    def __init__(self, delay: float) -> None:
        from rich.console import Console

        self._status: Status = Console(stderr=True).status("working…")
        self._lock = threading.Lock()
        self._state = "waiting"  # waiting → shown → done, or waiting → done
        self._timer = threading.Timer(delay, self._show)
        self._timer.daemon = True

    def _show(self) -> None:
        with self._lock:
            if self._state == "waiting":
                self._status.start()
                self._state = "shown"

    def step(self, text: str) -> None:
        self._status.update(f"{text}…")

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.cancel()
        with self._lock:
            if self._state == "shown":
                self._status.stop()
            self._state = "done"


@contextmanager
def progress(enabled: bool, delay: float = DELAY_SECONDS) -> Iterator[Callable[[str], None]]:
    """Yield an ``on_step`` callback; show a spinner with the current step on
    stderr once the work has taken ``delay`` seconds (when ``enabled``)."""
    if not enabled:
        yield _ignore
        return
    indicator = _Indicator(delay)
    indicator.start()
    try:
        yield indicator.step
    finally:
        indicator.stop()


def _ignore(text: str) -> None:
    """The callback when no indicator is shown."""
