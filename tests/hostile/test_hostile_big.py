"""Inputs built to exhaust time or memory, run as real processes with a clock.

Protects the limits of issue 11: a 100 MB line with no newline and a YAML
"billion laughs" each end in a clear error within seconds (never a hang, a
traceback, or a message as large as the input), with no side effect.
"""

from __future__ import annotations

from pathlib import Path

from _hostile import PERIOD, YESTERDAY, Outcome, Scene, run_process, snapshot

MIB = 1 << 20
# Generous: the right answers take one or two seconds; the limits only have to
# tell "a clear error" from "a hang". Reading a 100 MB file is allowed longer
# than refusing one whose first MiB already shows it is not a table.
READ_100_MB = 15.0
REFUSE = 5.0


def _append_line(path: Path, mib: int, chunk: bytes = b"x" * MIB) -> None:
    """Append ``mib`` MiB of ``chunk`` and no newline, one chunk at a time."""
    with path.open("ab") as fh:
        for _ in range(mib):
            fh.write(chunk)


def _run(scene: Scene, *args: str, timeout: float = REFUSE) -> Outcome:
    before = snapshot(scene.data)
    args = ("report", "-d", str(scene.data), *PERIOD, "-o", str(scene.out), *args)
    outcome = run_process(list(args), scene.root, timeout, scene.root / "stderr.txt")
    assert snapshot(scene.data) == before
    assert scene.out.read_bytes() == YESTERDAY
    assert [p.name for p in scene.out.parent.iterdir()] == [scene.out.name]
    return outcome


def _assert_clear(outcome: Outcome, code: int, *words: str) -> None:
    assert outcome.code == code, (outcome.code, outcome.seconds, outcome.stderr[:2000])
    for word in words:
        assert word in outcome.stderr, (word, outcome.stderr[:2000])
    assert "Traceback" not in outcome.stderr
    assert outcome.stdout == ""
    assert outcome.stderr_size < 4096, outcome.stderr_size  # not the input echoed back


def test_100_mb_last_row_without_newline(scene: Scene) -> None:
    path = scene.data / "customers.csv"
    last = len(scene.rows("customers.csv"))  # the header is row 1: the new line is last + 1
    _append_line(path, 100)
    try:
        outcome = _run(scene, timeout=READ_100_MB)
    finally:
        path.unlink()
    _assert_clear(
        outcome,
        3,
        f"customers.csv, row {last + 1}: has 1 field;",
        "the header has 8",
    )


def test_100_mb_file_of_one_line(scene: Scene) -> None:
    path = scene.data / "deals.csv"
    path.write_bytes(b"")
    _append_line(path, 100)
    try:
        outcome = _run(scene)
    finally:
        path.unlink()
    _assert_clear(outcome, 3, "deals.csv")


def test_billion_laughs_is_refused_quickly(scene: Scene) -> None:
    lists = [f"&l0 [{', '.join(['lol'] * 9)}]"]
    lists += [f"&l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 9)]
    config = scene.config(f"title: [{', '.join(lists)}]\n")
    outcome = _run(scene, "-c", str(config))
    _assert_clear(outcome, 2, "crmkpi.yaml")
