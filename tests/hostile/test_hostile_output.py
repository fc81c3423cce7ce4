"""Nothing lost, nothing half-written: outputs and --lenient under stress.

Protects SPEC.md "Outputs" and "Errors": an output path that cannot be
written is exit 2; a report is written atomically, so Ctrl-C, a crash or a
full disk half-way through never leaves half a file and a failed run never
replaces yesterday's good report; ``--lenient`` says per table how many rows
were skipped and why, and the JSON ``inputs`` carry ``rows`` and ``skipped``.

The interrupted writes run in a real process: a small wrapper makes the
report's write stop half-way (SIGINT, SIGKILL or ENOSPC) and then runs
``crmkpi.cli_process.main`` as the console script does.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from _hostile import PERIOD, YESTERDAY, Scene

# Runs crmkpi with the report's file write cut half-way by MODE (argv[1]).
_HALF_WRITE = """
import errno, os, signal, sys, time
import crmkpi.output

mode = sys.argv.pop(1)


def _half_write(path, text):
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text[: len(text) // 2])
        fh.flush()
    if mode == "full":
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    os.kill(os.getpid(), signal.SIGINT if mode == "interrupt" else signal.SIGKILL)
    time.sleep(10)


crmkpi.output.write_text = _half_write
sys.argv[0] = "crmkpi"
from crmkpi.cli_process import main

main()
"""


def _half_write(scene: Scene, mode: str) -> subprocess.CompletedProcess[str]:
    args = ["report", "-d", str(scene.data), *PERIOD, "-o", str(scene.out)]
    return subprocess.run(
        [sys.executable, "-c", _HALF_WRITE, mode, *args],
        cwd=scene.root, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def test_ctrl_c_while_writing_keeps_yesterdays_report(scene: Scene) -> None:
    done = _half_write(scene, "interrupt")
    assert done.returncode == 130, done
    # typer exits 130 itself on Ctrl-C, quietly; main()'s "crmkpi: interrupted" is not reached.
    assert done.stderr in ("", "crmkpi: interrupted\n")
    assert done.stdout == ""
    assert scene.out.read_bytes() == YESTERDAY
    assert [p.name for p in scene.out.parent.iterdir()] == ["report.json"]  # temp file removed


def test_full_disk_while_writing_is_a_usage_error_and_keeps_yesterdays_report(
    scene: Scene,
) -> None:
    done = _half_write(scene, "full")
    assert done.returncode == 2, done
    assert f"--output {scene.out}: cannot write there (No space left on device)" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert scene.out.read_bytes() == YESTERDAY
    assert [p.name for p in scene.out.parent.iterdir()] == ["report.json"]


def test_crash_while_writing_leaves_no_half_report(scene: Scene) -> None:
    done = _half_write(scene, "kill")
    assert done.returncode == -9, done
    # A killed process cannot clean up, but its half-written text is only ever
    # in a hidden temporary file: the report a reader opens is yesterday's.
    assert scene.out.read_bytes() == YESTERDAY
    others = [p.name for p in scene.out.parent.iterdir() if p != scene.out]
    assert all(name.startswith(".report.json.") for name in others), others


def test_output_whose_parent_is_a_file(scene: Scene) -> None:
    (scene.root / "afile").write_text("not a folder", encoding="utf-8")
    target = scene.root / "afile" / "report.json"
    outcome = scene.run("report", "-d", str(scene.data), *PERIOD, "-o", str(target))
    scene.assert_refused(
        outcome, 2, f"--output {target}: cannot write there ({scene.root / 'afile'} is a file, not"
    )
    assert (scene.root / "afile").read_text(encoding="utf-8") == "not a folder"


def test_output_that_is_a_folder(scene: Scene) -> None:
    target = scene.root / "out" / "folder.json"
    target.mkdir()
    outcome = scene.run("report", "-d", str(scene.data), *PERIOD, "-o", str(target))
    assert outcome.code == 2, outcome
    assert f"--output {target}: cannot write there (it is a folder" in outcome.stderr
    assert "Traceback" not in outcome.output
    assert target.is_dir()
    assert not list(target.iterdir())
    assert scene.out.read_bytes() == YESTERDAY


def test_failed_run_keeps_yesterdays_report(scene: Scene) -> None:
    scene.edit("deals.csv", 2, "created_at", "yesterday")
    outcome = scene.report()
    scene.assert_refused(outcome, 3, 'deals.csv, row 2, column created_at: "yesterday"')


def test_successful_run_replaces_the_report_whole(scene: Scene) -> None:
    outcome = scene.report()
    assert outcome.code == 0, outcome
    assert json.loads(scene.out.read_text(encoding="utf-8"))["period"]["label"] == "2026-10"
    assert [p.name for p in scene.out.parent.iterdir()] == ["report.json"]


def _break_for_lenient(scene: Scene) -> int:
    """One bad date in customers; in deals three bad dates (rows 5-7) and one
    negative amount of a won deal: returns that deal's row."""
    scene.edit("customers.csv", 4, "created_at", "2023-13-01")
    for row in (5, 6, 7):
        scene.edit("deals.csv", row, "created_at", "someday")
    header, *body = scene.rows("deals.csv")
    won = [n for n, cells in enumerate(body, 2) if cells[header.index("status")] == "won"]
    row = next(n for n in won if n not in (5, 6, 7))
    scene.edit("deals.csv", row, "amount", "-5")
    return row


def test_lenient_counts_skipped_rows_per_table_and_reason(scene: Scene) -> None:
    _break_for_lenient(scene)
    deals_rows = len(scene.rows("deals.csv")) - 1
    outcome = scene.report("--lenient")
    assert outcome.code == 0, outcome
    doc = json.loads(scene.out.read_text(encoding="utf-8"))
    customers, deals = doc["inputs"]["customers"], doc["inputs"]["deals"]
    assert (customers["rows"], customers["skipped"]) == (200, 1)
    assert customers["skipped_by_reason"] == {"created_at is not a date": 1}
    assert (deals["rows"], deals["skipped"]) == (deals_rows, 4)
    assert deals["skipped_by_reason"] == {"created_at is not a date": 3, "amount is negative": 1}
    assert doc["inputs"]["leads"]["skipped"] == 0
    # JSON numbers have 12 significant digits (the same bytes on every run).
    assert customers["skipped_share"] == 1 / 200
    assert deals["skipped_share"] == pytest.approx(4 / deals_rows, rel=1e-11)
    expected = [
        "customers: skipped 1 row of 200, 0.5% (created_at is not a date: 1)",
        f"deals: skipped 4 rows of {deals_rows}, {4 / deals_rows:.1%} (created_at is not a date: 3, "
        "amount is negative: 1)",
    ]
    assert doc["warnings"] == expected
    for line in expected:
        assert f"crmkpi: warning: {line}" in outcome.stderr


def test_lenient_report_shows_the_first_examples_of_each_reason(scene: Scene) -> None:
    row = _break_for_lenient(scene)
    outcome = scene.report("--lenient")
    assert outcome.code == 0, outcome
    for example in (
        'customers.csv, row 4, column created_at: "2023-13-01"',
        'deals.csv, column created_at: not a date in 3 rows (5, 6, 7): "someday"',
        f'deals.csv, row {row}, column amount: "-5"',
    ):
        assert example in outcome.stderr, outcome.stderr


def test_lenient_terminal_table_shows_the_first_examples(scene: Scene) -> None:
    row = _break_for_lenient(scene)
    outcome = scene.run("report", "-d", str(scene.data), *PERIOD, "--lenient", "-f", "table")
    assert outcome.code == 0, outcome
    assert f'deals: skipped deals.csv, row {row}, column amount: "-5" is negative' in outcome.stdout


def test_lenient_validate_shows_the_first_examples_of_each_reason(scene: Scene) -> None:
    row = _break_for_lenient(scene)
    outcome = scene.run("validate", "-d", str(scene.data), "--lenient")
    assert outcome.code == 0, outcome
    rows = len(scene.rows("deals.csv")) - 1
    assert (
        f"skipped 4 rows, {4 / rows:.1%} (created_at is not a date: 3; amount is negative: 1)"
        in outcome.stdout
    )
    assert f'deals.csv, row {row}, column amount: "-5" is negative' in outcome.stdout
    assert 'customers.csv, row 4, column created_at: "2023-13-01"' in outcome.stdout


def test_lenient_does_not_touch_the_data(scene: Scene) -> None:
    _break_for_lenient(scene)
    outcome = scene.run("validate", "-d", str(scene.data), "--lenient")
    assert outcome.code == 0, outcome
    scene.assert_untouched()
