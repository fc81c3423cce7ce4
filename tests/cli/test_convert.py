"""Scale paths: ``crmkpi convert DIR --to parquet`` (typed Parquet once, the
same report after), hive-partitioned tables and ``--engine streaming``.

The committed sample is converted; a report over the Parquet folder must give
every value, reason, breakdown and section of the report over the CSV files.
A hive-partitioned copy of a table (a data lake's layout) must too.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from crmkpi import inputs
from crmkpi.cli import app
from crmkpi.config import config_from_text
from crmkpi.converted import MARK, find_converted, load_converted
from crmkpi.inputs import resolve_engine
from crmkpi.kpis import KpiOptions, Tables, get
from crmkpi.periods import parse_period

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = str(ROOT / "configs" / "default.yaml")
REPORT = ["-c", DEFAULT, "-p", "2026-10", "--as-of", "2026-11-20", "-f", "json"]
runner = CliRunner()


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the sample's CSV folder, its converted Parquet folder)."""
    data = tmp_path_factory.mktemp("convert") / "exports"
    shutil.copytree(ROOT / "sample_data", data)
    result = runner.invoke(app, ["convert", str(data), "--to", "parquet", "-c", DEFAULT])
    assert result.exit_code == 0, result.stderr
    assert f"report with: crmkpi report -d {data / 'parquet'}" in result.stderr
    return data, data / "parquet"


def _rounded(value: object) -> object:
    """Floats to 12 significant digits: a Parquet scan sums in another order
    than a CSV read, which moves the last bit of a sum (measured: 1 ulp)."""
    if isinstance(value, float):
        return float(f"{value:.12g}")
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


def _report(data: Path, *args: str) -> dict[str, object]:
    result = runner.invoke(app, ["report", *REPORT, "-d", str(data), *args])
    assert result.exit_code == 0, result.stderr
    doc = _rounded(json.loads(result.stdout))
    assert isinstance(doc, dict)
    return doc


def test_every_table_is_written_typed_with_its_facts(folders: tuple[Path, Path]) -> None:
    data, parquet = folders
    names = sorted(p.name for p in parquet.iterdir())
    assert names == [
        "customers.parquet", "deal_stages.parquet", "deals.parquet", "leads.parquet",
        "spend.parquet", "surveys.parquet", "tickets.parquet",
    ]  # fmt: skip
    meta = pl.read_parquet_metadata(parquet / "deals.parquet")
    assert (meta[MARK], meta["crmkpi.source"], meta["crmkpi.timezone"]) == (
        "deals", "deals.csv", "UTC",
    )  # fmt: skip
    schema = pl.read_parquet_schema(parquet / "tickets.parquet")
    assert schema["created_at"] == pl.Datetime("us", "UTC")
    assert schema["csat"] == pl.Int64
    deals = pl.read_parquet(parquet / "deals.parquet")
    assert deals.schema["closed_at"] == pl.Date
    assert deals.schema["amount"] == pl.Float64
    assert deals.height == len((data / "deals.csv").read_text().splitlines()) - 1
    mask = os.umask(0o022)
    os.umask(mask)
    assert (parquet / "deals.parquet").stat().st_mode & 0o777 == 0o666 & ~mask


def test_a_report_over_the_parquet_equals_the_report_over_the_csv(
    folders: tuple[Path, Path],
) -> None:
    data, parquet = folders
    csv_doc = _report(data, "--by", "owner")
    parquet_doc = _report(parquet, "--by", "owner")
    assert parquet_doc["kpis"] == csv_doc["kpis"]  # values, reasons, comparisons, trend
    assert parquet_doc["breakdowns"] == csv_doc["breakdowns"]
    assert parquet_doc["sections"] == csv_doc["sections"]
    inputs = parquet_doc["inputs"]
    assert isinstance(inputs, dict)
    assert inputs["deals"]["path"] == "deals.parquet"
    assert inputs["deals"]["preset"] == "converted"
    for table, facts in inputs.items():
        before = csv_doc["inputs"][table]  # type: ignore[index]
        assert (facts["rows"], facts["skipped"], facts["latest"]) == (
            before["rows"], before["skipped"], before["latest"],
        ), table  # fmt: skip


def test_kpis_read_only_the_columns_they_need(folders: tuple[Path, Path]) -> None:
    _, parquet = folders
    found = find_converted(parquet, "deals")
    assert found is not None
    deals = load_converted(*found, "UTC").frame
    assert isinstance(deals, pl.LazyFrame)
    period = parse_period("2026-10", date(2026, 11, 20))
    plan = get("revenue").compute(Tables(deals=deals), period, KpiOptions()).explain()
    assert "Parquet SCAN" in plan
    assert "PROJECT 3/13 COLUMNS" in plan  # amount, status, closed_at


def test_a_hive_partitioned_table_gives_the_same_report(
    folders: tuple[Path, Path], tmp_path: Path
) -> None:
    """A data lake writes one folder per table, one file per partition
    (tickets/year=2025/….parquet); polars scans it as one table."""
    data, parquet = folders
    lake = tmp_path / "lake"
    shutil.copytree(parquet, lake)
    tickets = pl.read_parquet(lake / "tickets.parquet")
    meta = pl.read_parquet_metadata(lake / "tickets.parquet")
    (lake / "tickets.parquet").unlink()
    by_year = tickets.with_columns(year=pl.col("created_at").dt.year())
    for (year,), part in by_year.group_by("year"):
        folder = lake / "tickets" / f"year={year}"
        folder.mkdir(parents=True)
        part.drop("year").write_parquet(folder / "part-0.parquet", metadata=meta)
    assert len(list((lake / "tickets").iterdir())) >= 2
    assert _report(lake)["kpis"] == _report(data)["kpis"]


def _sample_with_first_deal(tmp_path: Path, **cells: str) -> Path:
    """A copy of the sample data whose first deal has these cells."""
    data = tmp_path / "exports"
    shutil.copytree(ROOT / "sample_data", data)
    lines = (data / "deals.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    row = lines[1].rstrip("\n").split(",")
    for name, value in cells.items():
        row[header.index(name)] = value
    lines[1] = ",".join(row) + "\n"
    (data / "deals.csv").write_text("".join(lines), encoding="utf-8")
    return data


def test_bad_rows_stop_the_conversion_and_nothing_is_written(tmp_path: Path) -> None:
    data = _sample_with_first_deal(tmp_path, amount="-5")
    result = runner.invoke(app, ["convert", str(data), "--to", "parquet", "-c", DEFAULT])
    assert result.exit_code == 3
    assert 'deals.csv, row 2, column amount: "-5" is negative' in result.stderr
    assert not (data / "parquet").exists()
    lenient = runner.invoke(
        app, ["convert", str(data), "--to", "parquet", "-c", DEFAULT, "--lenient"]
    )
    assert lenient.exit_code == 0, lenient.stderr
    assert "deals: skipped 1 row" in lenient.stderr
    doc = _report(data / "parquet")
    assert doc["inputs"]["deals"]["skipped_by_reason"] == {"amount is negative": 1}  # type: ignore[index]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--to", "csv"], "--to 'csv': cannot convert to that (one of parquet)"),
        (["--to", "parquet", "-o", "{data}/deals.csv"], "is a file; expected a folder"),
        (["--to", "parquet", "-o", "{data}"], "is the data folder"),
    ],
)
def test_usage_errors(tmp_path: Path, args: list[str], words: str) -> None:
    data = tmp_path / "exports"
    shutil.copytree(ROOT / "sample_data", data)
    argv = [a.format(data=data) for a in args]
    result = runner.invoke(app, ["convert", str(data), *argv, "-c", DEFAULT])
    assert result.exit_code == 2
    assert words in result.stderr
    assert sorted(p.name for p in data.iterdir()) == sorted(
        p.name for p in (ROOT / "sample_data").iterdir()
    )


@pytest.mark.parametrize("which", ["csv", "parquet"])
def test_the_streaming_engine_gives_the_same_report(folders: tuple[Path, Path], which: str) -> None:
    """--engine streaming keeps no typed table in memory: validation runs
    streaming and writes each table to typed Parquet in a temporary folder,
    which the KPI queries scan in batches."""
    data = folders[0] if which == "csv" else folders[1]
    in_memory = _report(data, "--by", "owner", "--engine", "in-memory")
    streaming = _report(data, "--by", "owner", "--engine", "streaming")
    for key in ("kpis", "breakdowns", "sections", "inputs"):
        assert streaming[key] == in_memory[key], key


def test_streaming_with_a_trend_gives_the_same_values_and_leaves_no_files(
    folders: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Eight periods of the default KPIs are queried in batches over the spilled
    Parquet tables; the temporary folder is gone when the report is done."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    config = tmp_path / "trend.yaml"
    config.write_text("trend: 6\ncompare: [previous, year_ago]\n", encoding="utf-8")
    args = ["-d", str(folders[0]), "-c", str(config), "-p", "2026-10", "--as-of", "2026-11-20"]
    docs = {}
    for engine in ("in-memory", "streaming"):
        result = runner.invoke(app, ["report", *args, "-f", "json", "--engine", engine])
        assert result.exit_code == 0, result.stderr
        docs[engine] = _rounded(json.loads(result.stdout))
    assert docs["streaming"]["kpis"] == docs["in-memory"]["kpis"]  # type: ignore[index]
    kpis = docs["streaming"]["kpis"]  # type: ignore[index]
    assert len(kpis) == 26  # the default set: 26 × 8 periods, in batches of 10
    assert all(len(k["trend"]) == 6 for k in kpis)
    assert [p.name for p in tmp_path.iterdir()] == ["trend.yaml"]


def test_auto_streams_from_a_size(
    folders: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    data, _ = folders
    cfg = config_from_text("", data)
    size = sum(f.stat().st_size for f in data.iterdir() if f.is_file())
    monkeypatch.setattr(inputs, "STREAMING_BYTES", size + 1)
    assert resolve_engine(cfg) == "in-memory"
    monkeypatch.setattr(inputs, "STREAMING_BYTES", size)
    assert resolve_engine(cfg) == "streaming"
    assert resolve_engine(replace(cfg, engine="in-memory")) == "in-memory"
    assert resolve_engine(replace(cfg, engine="streaming", data=data / "nope")) == "streaming"


def test_lenient_streaming_counts_each_skipped_row_once(tmp_path: Path) -> None:
    """A row failing two checks is one skipped row, whichever the engine."""
    data = _sample_with_first_deal(tmp_path, amount="-5", created_at="2026-02-30")
    for engine in ("in-memory", "streaming"):
        deals = _report(data, "--lenient", "--engine", engine)["inputs"]["deals"]  # type: ignore[index]
        assert (deals["skipped"], deals["skipped_by_reason"]) == (
            1, {"created_at is not a date": 1, "amount is negative": 1},
        ), engine  # fmt: skip


def test_a_streaming_convert_writes_the_same_tables(
    folders: tuple[Path, Path], tmp_path: Path
) -> None:
    """--engine streaming sinks each validated table to its file instead of
    holding it: the same rows, types and facts."""
    data, parquet = folders
    out = tmp_path / "streamed"
    argv = ["convert", str(data), "--to", "parquet", "-c", DEFAULT, "--engine", "streaming"]
    result = runner.invoke(app, [*argv, "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert "deals: " in result.stderr
    for path in sorted(parquet.iterdir()):
        streamed = out / path.name
        assert pl.read_parquet(streamed).equals(pl.read_parquet(path)), path.name
        assert pl.read_parquet_metadata(streamed) == pl.read_parquet_metadata(path), path.name
