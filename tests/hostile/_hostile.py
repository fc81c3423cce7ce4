"""Helpers of the hostile-input suite: run the real CLI on a broken copy of the
sample, and check what a user sees and that nothing else changed.

A hostile case passes only when the exit code is the one SPEC.md gives, the
message holds the words a person needs (file, row, column, value, what was
expected), no traceback is shown, the data folder is byte-identical after
the run and yesterday's report is still there, untouched, with no temporary
file left beside it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import stat
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from crmkpi.cli import app

RUNNER = CliRunner()
PERIOD = ("-p", "2026-10", "--as-of", "2026-11-20")
YESTERDAY = b'{"report": "yesterday, good"}\n'
CRMKPI = Path(sys.executable).with_name("crmkpi")


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a user sees: exit code, stdout and stderr."""

    code: int
    stdout: str
    stderr: str
    stderr_size: int = 0  # bytes, when stderr was cut (a process run)
    seconds: float = 0.0

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def invoke(*args: str) -> Outcome:
    """Run the CLI in process. An exception that escapes the app is what
    ``crmkpi.cli_process.main`` turns into exit 70; its traceback is kept in stderr so
    a failing assertion shows where it came from."""
    result = RUNNER.invoke(app, list(args))
    code, stderr = result.exit_code, result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        code = 70
        stderr += "".join(traceback.format_exception(result.exception))
    return Outcome(code, result.stdout, stderr)


def run_process(args: list[str], cwd: Path, timeout: float, stderr_file: Path) -> Outcome:
    """The installed ``crmkpi`` as cron runs it, timed. stderr goes to a file
    (a runaway message could be huge: only its first 64 KiB are kept, and its
    size); a run that outlives ``timeout`` is killed and reported as code -9."""
    start = time.perf_counter()
    with stderr_file.open("wb") as err:
        try:
            done = subprocess.run(
                [str(CRMKPI), *args],
                cwd=cwd, stdout=subprocess.PIPE, stderr=err, timeout=timeout, check=False,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            return Outcome(-9, "", f"(killed after {timeout} s)", seconds=timeout)
    seconds = time.perf_counter() - start
    size = stderr_file.stat().st_size
    stderr = stderr_file.read_bytes()[: 1 << 16].decode("utf-8", "replace")
    stderr_file.unlink()
    stdout = done.stdout.decode("utf-8", "replace")
    return Outcome(done.returncode, stdout, stderr, stderr_size=size, seconds=seconds)


def snapshot(folder: Path) -> dict[str, str]:
    """Every file and folder under ``folder``, with a digest of its bytes;
    anything else (a broken link, a FIFO, a socket, a device) by its kind,
    never opened."""
    state: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        key = path.relative_to(folder).as_posix()
        if path.is_dir():
            state[key] = "<folder>"
            continue
        if not path.is_file():
            state[key] = f"<{stat.filemode(path.lstat().st_mode)}>"
            continue
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
        state[key] = digest.hexdigest()
    return state


def read_rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def write_rows(path: Path, rows: list[list[str]], delimiter: str = ",") -> None:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")


@dataclass
class Scene:
    """A copy of the sample in ``data`` and yesterday's report in ``out``.

    Break one file, ``run`` a command (the data folder is snapshotted just
    before), then ``assert_refused`` or read the new report.
    """

    root: Path
    data: Path
    out: Path
    before: dict[str, str] = field(default_factory=dict)

    def rows(self, name: str) -> list[list[str]]:
        return read_rows(self.data / name)

    def find_row(self, name: str, where: Callable[[dict[str, str]], bool]) -> int:
        """The spreadsheet row (header = 1) of the first data row that ``where`` accepts."""
        header, *body = self.rows(name)
        for number, cells in enumerate(body, start=2):
            if where(dict(zip(header, cells, strict=True))):
                return number
        raise AssertionError(f"no such row in {name}")

    def cell(self, name: str, row: int, column: str) -> str:
        rows = self.rows(name)
        return rows[row - 1][rows[0].index(column)]

    def edit(self, name: str, row: int, column: str, value: str) -> None:
        """Set one cell; ``row`` as a spreadsheet numbers it."""
        rows = self.rows(name)
        rows[row - 1][rows[0].index(column)] = value
        write_rows(self.data / name, rows)

    def config(self, text: str, name: str = "crmkpi.yaml") -> Path:
        path = self.root / name
        path.write_text(text, encoding="utf-8")
        return path

    def run(self, *args: str) -> Outcome:
        self.before = snapshot(self.data)
        return invoke(*args)

    def report(self, *args: str) -> Outcome:
        """``crmkpi report -d DATA -p 2026-10 --as-of 2026-11-20 -o out/report.json``."""
        return self.run("report", "-d", str(self.data), *PERIOD, "-o", str(self.out), *args)

    def assert_untouched(self) -> None:
        """The data folder as before the run; yesterday's report alone and intact."""
        assert snapshot(self.data) == self.before
        assert self.out.read_bytes() == YESTERDAY
        assert [p.name for p in self.out.parent.iterdir()] == [self.out.name]

    def assert_refused(self, outcome: Outcome, code: int, *words: str) -> None:
        """Exit ``code``, every one of ``words`` on stderr, nothing on stdout,
        no traceback, and no side effect."""
        assert outcome.code == code, outcome
        for word in words:
            assert word in outcome.stderr, (word, outcome.stderr[:3000])
        assert "Traceback" not in outcome.output
        assert outcome.stdout == ""
        self.assert_untouched()


def kpi_values(report: dict[str, Any]) -> dict[str, Any]:
    """KPI id → (value, previous, year_ago) of a JSON report."""
    return {k["id"]: (k["value"], k["previous"], k["year_ago"]) for k in report["kpis"]}
