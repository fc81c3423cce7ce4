"""What ``-o`` may touch (issue 24, item 1): only the report.

A regular file or a new path is replaced through a temporary file and a
rename; a FIFO or a character device is written in place; a socket is a
usage error; a symlink is followed; an input of the run is never written;
an existing report keeps its mode and owner; a signal during the write
leaves no temporary file behind.

Devices are made in ``tmp_path`` (``mknod``, root only: skipped otherwise),
never the real /dev/null, /dev/full or /dev/stdout, so that a regression
cannot replace the machine's devices.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from _hostile import CRMKPI, PERIOD, YESTERDAY, Scene, snapshot

NULL, FULL = os.makedev(1, 3), os.makedev(1, 7)


def _device(path: Path, number: int) -> Path:
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, number)
    except PermissionError:
        pytest.skip("making a device needs root")
    return path


def _report_to(scene: Scene, target: Path | str, *more: str) -> list[str]:
    return ["report", "-d", str(scene.data), *PERIOD, "-o", str(target), *more]


def test_fifo_is_written_in_place_for_its_reader(scene: Scene) -> None:
    fifo = scene.root / "out" / "pipe.json"
    os.mkfifo(fifo)
    got: list[bytes] = []

    def read() -> None:
        with fifo.open("rb") as fh:  # blocks until crmkpi opens it to write
            got.append(fh.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    outcome = scene.run(*_report_to(scene, fifo, "-f", "json"))
    reader.join(timeout=30)
    assert outcome.code == 0, outcome
    assert stat.S_ISFIFO(fifo.lstat().st_mode)  # still a FIFO, not a regular file
    assert got, "the FIFO's reader got nothing"
    assert json.loads(got[0])["period"]["label"] == "2026-10"
    assert sorted(p.name for p in fifo.parent.iterdir()) == ["pipe.json", "report.json"]


def test_character_device_is_written_in_place(scene: Scene) -> None:
    null = _device(scene.root / "out" / "null.json", NULL)
    outcome = scene.run(*_report_to(scene, null))
    assert outcome.code == 0, outcome
    assert stat.S_ISCHR(null.lstat().st_mode)
    assert null.lstat().st_rdev == NULL
    assert sorted(p.name for p in null.parent.iterdir()) == ["null.json", "report.json"]


def test_a_full_device_is_a_usage_error_and_stays_a_device(scene: Scene) -> None:
    full = _device(scene.root / "out" / "full.json", FULL)
    outcome = scene.run(*_report_to(scene, full))
    assert outcome.code == 2, outcome
    assert f"--output {full}: cannot write there (No space left on device)" in outcome.stderr
    assert "Traceback" not in outcome.output
    assert stat.S_ISCHR(full.lstat().st_mode)


def test_socket_is_a_usage_error(scene: Scene) -> None:
    path = scene.root / "out" / "sock.json"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        outcome = scene.run(*_report_to(scene, path))
    assert outcome.code == 2, outcome
    assert f"--output {path}: cannot write there (it is a socket" in outcome.stderr
    assert stat.S_ISSOCK(path.lstat().st_mode)


def test_symlink_is_followed_to_its_target(scene: Scene) -> None:
    link = scene.root / "out" / "latest.json"
    link.symlink_to("report.json")
    outcome = scene.run(*_report_to(scene, link))
    assert outcome.code == 0, outcome
    assert link.is_symlink()
    assert os.readlink(link) == "report.json"
    assert json.loads(scene.out.read_text(encoding="utf-8"))["period"]["label"] == "2026-10"
    assert sorted(p.name for p in scene.out.parent.iterdir()) == ["latest.json", "report.json"]


def test_dangling_symlink_creates_its_target(scene: Scene) -> None:
    link = scene.root / "out" / "latest.json"
    link.symlink_to("2026-10.json")
    outcome = scene.run(*_report_to(scene, link))
    assert outcome.code == 0, outcome
    assert link.is_symlink()
    doc = json.loads((scene.root / "out" / "2026-10.json").read_text(encoding="utf-8"))
    assert doc["period"]["label"] == "2026-10"


def test_symlink_to_standard_output_writes_there(scene: Scene) -> None:
    """``-o /dev/stdout`` as cron jobs write it, through a link in tmp_path
    (the real /dev/stdout must never be at risk in a test)."""
    link = scene.root / "stdout.json"
    link.symlink_to("/dev/stdout")
    done = subprocess.run(
        [str(CRMKPI), *_report_to(scene, link)],
        cwd=scene.root, capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done
    assert json.loads(done.stdout)["period"]["label"] == "2026-10"
    assert link.is_symlink()


def test_standard_output_in_append_mode_is_appended_to(scene: Scene) -> None:
    """``crmkpi … -o /dev/stdout >> log``: the log keeps what it had."""
    link = scene.root / "stdout.json"
    link.symlink_to("/dev/stdout")
    log = scene.root / "log.txt"
    log.write_text("earlier lines\n", encoding="utf-8")
    with log.open("a", encoding="utf-8") as fh:
        done = subprocess.run(
            [str(CRMKPI), *_report_to(scene, link)],
            cwd=scene.root, stdout=fh, stderr=subprocess.PIPE, timeout=120, check=False,
        )  # fmt: skip
    assert done.returncode == 0, done
    text = log.read_text(encoding="utf-8")
    assert text.startswith("earlier lines\n{")
    assert json.loads(text.removeprefix("earlier lines\n"))["period"]["label"] == "2026-10"


@pytest.mark.parametrize("how", ["same path", "hard link", "symlink"])
def test_output_that_is_an_input_is_refused(scene: Scene, how: str) -> None:
    deals = scene.data / "deals.csv"
    target = {"same path": deals, "hard link": scene.root / "out" / "deals.csv"}.get(
        how, scene.root / "out" / "link.csv"
    )
    if how == "hard link":
        os.link(deals, target)
    elif how == "symlink":
        target.symlink_to(deals)
    outcome = scene.run(*_report_to(scene, target))
    assert outcome.code == 2, outcome
    assert f"--output {target}: is an input of this run ({deals})" in outcome.stderr
    assert "Traceback" not in outcome.output
    assert snapshot(scene.data) == scene.before
    assert scene.out.read_bytes() == YESTERDAY


def test_output_that_is_the_config_is_refused(scene: Scene) -> None:
    config = scene.config("title: Weekly\n")
    outcome = scene.run(*_report_to(scene, config, "-c", str(config), "-f", "json"))
    assert outcome.code == 2, outcome
    assert "is an input of this run" in outcome.stderr
    assert config.read_text(encoding="utf-8") == "title: Weekly\n"


def test_existing_report_keeps_its_mode_and_owner(scene: Scene) -> None:
    scene.out.chmod(0o640)
    try:
        os.chown(scene.out, 4321, 4322)
    except PermissionError:
        pytest.skip("giving a file away needs root")
    outcome = scene.report()
    assert outcome.code == 0, outcome
    info = scene.out.stat()
    assert (stat.S_IMODE(info.st_mode), info.st_uid, info.st_gid) == (0o640, 4321, 4322)
    assert scene.out.read_bytes() != YESTERDAY


# Runs crmkpi with the report's file write stopped half-way by signal argv[1].
_SIGNALLED = """
import os, signal, sys, time
import crmkpi.output

signum = getattr(signal, sys.argv.pop(1))


def _half_write(path, text):
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text[: len(text) // 2])
        fh.flush()
    os.kill(os.getpid(), signum)
    time.sleep(10)


crmkpi.output.write_text = _half_write
sys.argv[0] = "crmkpi"
from crmkpi.cli_process import console

console()
"""


@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP"])
def test_signal_while_writing_removes_the_temporary_file(scene: Scene, name: str) -> None:
    import signal

    done = subprocess.run(
        [sys.executable, "-c", _SIGNALLED, name, *_report_to(scene, scene.out)],
        cwd=scene.root, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == -getattr(signal, name), done  # still dies of the signal
    assert scene.out.read_bytes() == YESTERDAY
    assert [p.name for p in scene.out.parent.iterdir()] == ["report.json"]


def test_output_name_over_255_bytes_is_a_usage_error(scene: Scene) -> None:
    target = scene.root / "out" / ("é" * 130 + ".json")  # 265 bytes
    outcome = scene.run(*_report_to(scene, target))
    scene.assert_refused(outcome, 2, "cannot write there (the file name is 265 bytes; at most 255")


def test_folder_name_over_255_bytes_is_a_usage_error(scene: Scene) -> None:
    target = scene.root / "out" / ("d" * 300) / "report.json"
    outcome = scene.run(*_report_to(scene, target))
    scene.assert_refused(outcome, 2, "cannot write there (the name ", "is 300 bytes; at most 255")


def test_output_name_of_250_bytes_is_written(scene: Scene) -> None:
    target = scene.root / "out" / ("r" * 245 + ".json")
    outcome = scene.run(*_report_to(scene, target))
    assert outcome.code == 0, outcome
    assert json.loads(target.read_text(encoding="utf-8"))["period"]["label"] == "2026-10"
    assert sorted(p.name for p in target.parent.iterdir()) == sorted(["report.json", target.name])


@pytest.mark.parametrize(
    ("template", "field"),
    [
        ("{as_of.year}.json", "{as_of.year}"),
        ("{period[0]}.json", "{period[0]}"),
        ("{date!r}.json", "{date!r}"),
        ("{period:>20}.json", "{period:>20}"),
        ("{}.json", "{}"),
    ],
)
def test_output_placeholders_are_names_only(scene: Scene, template: str, field: str) -> None:
    outcome = scene.run(*_report_to(scene, scene.root / "out" / template))
    scene.assert_refused(outcome, 2, f"placeholder {field} ", "use {period}, {as_of} or {date}")


def test_ascii_standard_output_is_a_usage_error_not_a_bug(scene: Scene) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    done = subprocess.run(
        [str(CRMKPI), "report", "-d", str(scene.data), *PERIOD, "-f", "table"],
        cwd=scene.root, capture_output=True, timeout=120, check=False, env=env,
    )  # fmt: skip
    assert done.returncode == 2, done
    stderr = done.stderr.decode("utf-8")
    assert "standard output takes only ascii text" in stderr
    assert "PYTHONIOENCODING=utf-8" in stderr
    assert done.stdout == b""


def test_ascii_standard_error_still_says_what_is_wrong(scene: Scene) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    scene.edit("deals.csv", 2, "created_at", "Société")
    done = subprocess.run(
        [str(CRMKPI), *_report_to(scene, scene.out)],
        cwd=scene.root, capture_output=True, timeout=120, check=False, env=env,
    )  # fmt: skip
    assert done.returncode == 3, done
    assert 'column created_at: "Société" is not a date' in done.stderr.decode("utf-8")
    assert scene.out.read_bytes() == YESTERDAY


def test_report_to_a_file_under_ascii_standard_output(scene: Scene) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    done = subprocess.run(
        [str(CRMKPI), *_report_to(scene, scene.root / "out" / "r.txt")],
        cwd=scene.root, capture_output=True, timeout=120, check=False, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done
    assert "·" in (scene.root / "out" / "r.txt").read_text(encoding="utf-8")
