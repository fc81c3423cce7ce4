"""A strict run over a large file checks its first rows first (issue 24,
item 3): problems there stop the run with their counts in those rows and an
estimate for the file; a clean head reads the whole file as before. The
thresholds are lowered so that small files stand for large ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmkpi import schema
from crmkpi.canonical import TABLES
from crmkpi.config import SourceSpec
from crmkpi.errors import DataError
from crmkpi.schema import LoadContext, load_table
from crmkpi.sources.loaders import open_table

HEADER = "customer_id,created_at\n"


@pytest.fixture(autouse=True)
def _small_thresholds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schema, "HEAD_MIN_ROWS", 100)
    monkeypatch.setattr(schema, "HEAD_ROWS", 50)


def _load(path: Path, *, lenient: bool = False) -> schema.LoadedTable:
    ctx = LoadContext(lenient=lenient, max_skipped=1.0)
    return load_table(
        open_table(path, counted=False), TABLES["customers"], SourceSpec("customers"), ctx
    )


def _write(path: Path, good: int, bad: int, bad_first: bool) -> Path:
    ok = [f"c{i:04d},2026-01-{1 + i % 28:02d}\n" for i in range(good)]
    wrong = [f"b{i:04d},x{i}\n" for i in range(bad)]
    path.write_text(HEADER + "".join(wrong + ok if bad_first else ok + wrong))
    return path


def test_problems_in_the_head_stop_the_run_with_an_estimate(tmp_path: Path) -> None:
    # 500 rows, every one bad: 50 in the head; the file's size says ~500 rows.
    path = _write(tmp_path / "customers.csv", 0, 500, bad_first=True)
    with pytest.raises(DataError) as caught:
        _load(path)
    error = caught.value
    assert str(error).splitlines()[0] == (
        "customers.csv: 50 problems in the first 50 rows of customers, about 500 in the "
        "whole file; crmkpi stopped counting there"
    )
    assert [(g.first.column, g.count) for g in error.groups] == [("created_at", 50)]
    assert error.groups[0].rows[:3] == (2, 3, 4)


def test_a_clean_head_reads_the_whole_file_and_counts_every_problem(tmp_path: Path) -> None:
    # The head (50 rows) is clean; 30 bad rows follow: the true count, as below the size.
    path = _write(tmp_path / "customers.csv", 100, 30, bad_first=False)
    with pytest.raises(DataError) as caught:
        _load(path)
    assert str(caught.value).splitlines()[0] == "customers.csv: 30 problems in customers"
    assert caught.value.groups[0].count == 30


def test_a_file_of_fewer_rows_is_counted_whole(tmp_path: Path) -> None:
    path = _write(tmp_path / "customers.csv", 0, 99, bad_first=True)
    with pytest.raises(DataError) as caught:
        _load(path)
    assert str(caught.value).splitlines()[0] == "customers.csv: 99 problems in customers"


def test_a_valid_large_file_loads_whole(tmp_path: Path) -> None:
    path = _write(tmp_path / "customers.csv", 300, 0, bad_first=False)
    assert _load(path).rows == 300


def test_lenient_runs_are_not_cut_short(tmp_path: Path) -> None:
    # --lenient must know every bad row to skip it: no head check.
    path = _write(tmp_path / "customers.csv", 200, 100, bad_first=True)
    loaded = _load(path, lenient=True)
    assert (loaded.rows, loaded.skipped) == (300, 100)
