"""`crmkpi init`: a starter config that runs as written."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from typer.testing import CliRunner

from crmkpi.cli import app

runner = CliRunner()
SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"


def test_starter_lists_kpis_of_present_tables_and_runs(data_dir: Path) -> None:
    result = runner.invoke(app, ["init", str(data_dir)])
    assert result.exit_code == 0, result.stderr
    config = yaml.safe_load((data_dir / "crmkpi.yaml").read_text())
    ids = [k if isinstance(k, str) else next(iter(k)) for k in config["kpis"]]
    assert "churn_rate" in ids
    assert "revenue" in ids
    assert "nps" not in ids  # no surveys in this folder
    assert "customer_acquisition_cost" not in ids  # needs spend
    run = runner.invoke(
        app,
        ["report", "-c", str(data_dir / "crmkpi.yaml"), "-p", "2026-10", "--as-of", "2026-11-20"],
    )
    assert run.exit_code == 0, run.stderr
    gate = runner.invoke(
        app,
        ["check", "-c", str(data_dir / "crmkpi.yaml"), "-p", "2026-10", "--as-of", "2026-11-20"],
    )
    assert gate.exit_code in (0, 1), gate.stderr  # a verdict, not a config error
    assert "Churn rate" in gate.stdout


def test_starter_on_the_full_sample_covers_every_table(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    shutil.copytree(SAMPLE, folder)
    assert runner.invoke(app, ["init", str(folder)]).exit_code == 0
    text = (folder / "crmkpi.yaml").read_text()
    for kpi in ("nps", "csat", "customer_acquisition_cost", "lead_conversion_rate", "clv_to_cac"):
        assert f"  - {kpi}" in text
    gate = runner.invoke(
        app, ["check", "-c", str(folder / "crmkpi.yaml"), "-p", "2026-10", "--as-of", "2026-11-20"]
    )
    assert gate.exit_code in (0, 1), gate.stderr
    assert "First responses within SLA" in gate.stdout


def test_init_refuses_to_overwrite(data_dir: Path) -> None:
    (data_dir / "crmkpi.yaml").write_text("title: mine\n")
    result = runner.invoke(app, ["init", str(data_dir)])
    assert result.exit_code == 2
    assert "exists; use --force to replace it" in result.stderr
    assert (data_dir / "crmkpi.yaml").read_text() == "title: mine\n"
    assert runner.invoke(app, ["init", str(data_dir), "--force"]).exit_code == 0


def test_init_on_an_empty_folder_writes_a_starter_that_says_what_is_missing(
    tmp_path: Path,
) -> None:
    assert runner.invoke(app, ["init", str(tmp_path)]).exit_code == 0
    run = runner.invoke(
        app,
        [
            "report",
            "-c",
            str(tmp_path / "crmkpi.yaml"),
            "-p",
            "2026-10",
            "--as-of",
            "2026-11-20",
            "-f",
            "json",
        ],
    )
    assert run.exit_code == 3  # not a report of dashes: what was looked for, where
    assert f"{tmp_path}: no CRM export found for any of customers, deals" in run.stderr
    assert "the folder holds: crmkpi.yaml" in run.stderr


def test_init_on_a_missing_folder(tmp_path: Path) -> None:
    result = runner.invoke(app, ["init", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "folder not found" in result.stderr
