"""The first hour of a new user (issue 21, item 4): nothing they try by
mistake overwrites their files, reports nothing with exit 0, or reads a
Jalali year as a Gregorian one; ``init`` recognises a Didar export and
``-h`` is ``--help``."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from crmkpi.cli import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]
OCT = ["-p", "2026-10", "--as-of", "2026-11-20"]
COMMANDS = ("report", "check", "validate", "convert", "kpis", "presets", "init", "sample")


# --- sample never overwrites without --force ----------------------------------


def _sample(folder: Path, *args: str) -> object:
    return runner.invoke(
        app, ["sample", str(folder), "--customers", "20", "--as-of", "2026-11-20", *args]
    )


def test_sample_refuses_to_overwrite_a_users_files(tmp_path: Path) -> None:
    mine = "customer_id,created_at\nMY-1,2026-01-01\n"
    (tmp_path / "customers.csv").write_text(mine)
    (tmp_path / "deals.csv").write_text("deal_id\n")
    result = _sample(tmp_path)
    assert result.exit_code == 2
    message = result.stderr
    assert "customers.csv, deals.csv" in message  # every file it would replace, and no other
    assert "tickets.csv" not in message
    assert "--force" in message
    assert (tmp_path / "customers.csv").read_text() == mine  # untouched
    assert not (tmp_path / "tickets.csv").exists()  # nothing written at all


def test_sample_with_force_overwrites(tmp_path: Path) -> None:
    (tmp_path / "customers.csv").write_text("customer_id,created_at\nMY-1,2026-01-01\n")
    result = _sample(tmp_path, "--force")
    assert result.exit_code == 0, result.stderr
    text = (tmp_path / "customers.csv").read_text()
    assert "MY-1" not in text
    assert len(text.splitlines()) == 21  # header and the 20 sample customers


def test_sample_writes_next_to_other_files_and_into_a_new_folder(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep me")
    assert _sample(tmp_path).exit_code == 0
    assert (tmp_path / "notes.txt").read_text() == "keep me"
    assert (tmp_path / "customers.csv").is_file()
    assert _sample(tmp_path / "new" / "folder").exit_code == 0


def test_jalali_sample_refuses_to_overwrite_a_config(tmp_path: Path) -> None:
    (tmp_path / "crmkpi.yaml").write_text("title: mine\n")
    result = _sample(tmp_path, "--calendar", "jalali")
    assert result.exit_code == 2
    assert "crmkpi.yaml" in result.stderr
    assert (tmp_path / "crmkpi.yaml").read_text() == "title: mine\n"
    assert _sample(tmp_path, "--calendar", "jalali", "--force").exit_code == 0
    assert "calendar: jalali" in (tmp_path / "crmkpi.yaml").read_text()


# --- a folder without any export is an input error -----------------------------


@pytest.mark.parametrize(
    "command",
    [["report", *OCT], ["report", *OCT, "-f", "json"], ["check", *OCT], ["validate"]],
)
def test_a_folder_with_no_export_is_exit_3_saying_what_was_looked_for(
    tmp_path: Path, command: list[str]
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "notes.txt").write_text("not an export")
    config = tmp_path / "crmkpi.yaml"  # a rule, so that check gets as far as the data
    config.write_text("kpis:\n  - churn_rate: {fail: '> 5%'}\n  - revenue\n")
    result = runner.invoke(app, [*command, "-c", str(config), "-d", str(folder)])
    assert result.exit_code == 3, result.stdout
    assert result.stdout == ""  # no report of dashes
    err = result.stderr
    assert str(folder) in err
    assert "no CRM export found" in err
    assert "customers.csv" in err  # the names tried …
    assert ".xlsx" in err  # … with the extensions …
    assert "hubspot-crm-exports-" in err  # … and the CRMs' own file names
    assert "notes.txt" in err  # what the folder does hold
    assert "Traceback" not in err


def test_an_empty_folder_says_it_is_empty(tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", "-d", str(tmp_path), *OCT])
    assert result.exit_code == 3
    assert "the folder is empty" in result.stderr


def test_a_folder_without_the_one_table_asked_for_names_it(data_dir: Path) -> None:
    config = data_dir / "crmkpi.yaml"
    config.write_text("kpis:\n  - nps\n")  # surveys only; the folder has customers and deals
    result = runner.invoke(app, ["report", "-c", str(config), *OCT])
    assert result.exit_code == 3
    assert f"{data_dir}: no CRM export found for surveys\n" in result.stderr
    assert "surveys.csv/.tsv/.xlsx/.xls/.parquet" in result.stderr
    assert "the folder holds: crmkpi.yaml, customers.csv, deals.csv" in result.stderr


def test_a_folder_with_some_tables_still_reports(data_dir: Path) -> None:
    (data_dir / "customers.csv").unlink()  # deals only: customer KPIs say why they are missing
    result = runner.invoke(app, ["report", "-d", str(data_dir), *OCT, "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert '"reason": "customers table missing' in result.stdout
    assert '"value": 1500.0' in result.stdout  # revenue, from deals


# --- check without a rule ------------------------------------------------------


def test_check_with_no_rule_is_a_usage_error(data_dir: Path) -> None:
    config = data_dir / "crmkpi.yaml"
    config.write_text("kpis:\n  - churn_rate\n  - revenue: {stat: mean}\n")
    result = runner.invoke(app, ["check", "-c", str(config), *OCT])
    assert result.exit_code == 2
    err = result.stderr
    assert "no KPI has a rule" in err
    assert str(config) in err
    assert 'churn_rate: {fail: "> 5%"}' in err  # how to add one


def test_check_of_the_built_in_set_is_a_usage_error(data_dir: Path) -> None:
    result = runner.invoke(app, ["check", "-d", str(data_dir), *OCT])
    assert result.exit_code == 2
    assert "no KPI has a rule" in result.stderr
    assert "crmkpi init" in result.stderr


def test_a_target_for_another_grain_is_still_a_rule(data_dir: Path) -> None:
    config = data_dir / "crmkpi.yaml"
    config.write_text("kpis:\n  - revenue: {target: {quarter: 5000}}\n")
    result = runner.invoke(app, ["check", "-c", str(config), *OCT])  # a month
    assert result.exit_code == 0, result.stderr
    assert "check: no rule applies to a month (targets for other grains only)" in result.stdout
    quarter = runner.invoke(
        app, ["check", "-c", str(config), "-p", "2026-Q3", "--as-of", "2026-11-20"]
    )
    assert quarter.exit_code == 1  # no revenue in Q3 of the fixture: below 5000
    assert "FAIL  Revenue: 0.00 (target 5,000.00)" in quarter.stdout


# --- years that cannot be meant ------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["--as-of", "1405-08-29"],
        ["--as-of", "1405-08-29", "-p", "last-month"],
        ["-p", "1405-07", "--as-of", "2026-11-20"],
        ["-p", "1405-Q2", "--as-of", "2026-11-20"],
        ["-p", "1404-12-01..1405-01-31", "--as-of", "2026-11-20"],
    ],
)
def test_a_jalali_year_under_gregorian_suggests_the_jalali_calendar(
    data_dir: Path, args: list[str]
) -> None:
    result = runner.invoke(app, ["report", "-d", str(data_dir), *args])
    assert result.exit_code == 2, result.stdout
    assert "--calendar jalali" in result.stderr
    assert "(1900-2200)" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    "args",
    [
        ["--as-of", "1899-12-31"],
        ["--as-of", "2201-01-01"],
        ["-p", "2300", "--as-of", "2026-11-20"],
        ["-p", "0999-01", "--as-of", "2026-11-20"],
        ["-p", "1850-W02", "--as-of", "2026-11-20"],
    ],
)
def test_a_year_outside_1900_2200_is_a_usage_error(data_dir: Path, args: list[str]) -> None:
    result = runner.invoke(app, ["report", "-d", str(data_dir), *args])
    assert result.exit_code == 2, result.stdout
    assert "1900-2200" in result.stderr
    assert "jalali" not in result.stderr  # not a Jalali-looking year


def test_the_same_as_of_under_jalali_is_fine(data_dir: Path) -> None:
    result = runner.invoke(
        app, ["report", "-d", str(data_dir), "--calendar", "jalali", "--as-of", "1405-08-29"]
    )
    assert result.exit_code == 0, result.stderr


def test_sample_as_of_in_a_jalali_year_is_refused(tmp_path: Path) -> None:
    result = runner.invoke(app, ["sample", str(tmp_path), "--as-of", "1405-08-29"])
    assert result.exit_code == 2
    assert "--calendar jalali" in result.stderr
    assert list(tmp_path.iterdir()) == []


# --- init recognises a Didar export --------------------------------------------


def _didar_folder(tmp_path: Path) -> Path:
    """What `crmkpi sample --calendar jalali` writes, without its config."""
    folder = tmp_path / "didar"
    result = runner.invoke(
        app,
        [
            "sample",
            str(folder),
            "--calendar",
            "jalali",
            "--customers",
            "30",
            "--as-of",
            "1405-08-29",
        ],
    )
    assert result.exit_code == 0, result.stderr
    (folder / "crmkpi.yaml").unlink()
    return folder


def test_init_on_a_didar_export_writes_its_calendar_locale_and_zone(tmp_path: Path) -> None:
    folder = _didar_folder(tmp_path)
    result = runner.invoke(app, ["init", str(folder)])  # no --preset
    assert result.exit_code == 0, result.stderr
    text = (folder / "crmkpi.yaml").read_text()
    config = yaml.safe_load(text)
    assert config["calendar"] == "jalali"
    assert config["locale"] == "fa"
    assert config["timezone"] == "Asia/Tehran"
    assert "Didar" in text  # and says where that came from
    # The Didar exports' preset is still detected when reading; only the
    # canonical-header files with Jalali dates and Persian words need a
    # source (issue 22: their calendar and values:).
    assert set(config["sources"]) == {"leads", "surveys", "spend", "deal_stages"}


def test_the_config_init_writes_reads_a_didar_export_in_jalali_months(tmp_path: Path) -> None:
    folder = _didar_folder(tmp_path)
    for other in ("leads", "surveys", "spend", "deal_stages"):  # the sample's own, not Didar's
        (folder / f"{other}.csv").unlink()
    assert runner.invoke(app, ["init", str(folder)]).exit_code == 0
    config = str(folder / "crmkpi.yaml")
    result = runner.invoke(app, ["report", "-c", config, "--as-of", "2026-11-20", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["period"]["label"] == "1405-07"  # last-month, in Jalali months
    assert report["period"]["start"] == "2026-09-23"  # 1 Mehr 1405


def test_init_on_canonical_files_writes_no_calendar(data_dir: Path) -> None:
    assert runner.invoke(app, ["init", str(data_dir)]).exit_code == 0
    config = yaml.safe_load((data_dir / "crmkpi.yaml").read_text())
    assert "calendar" not in config
    assert "timezone" not in config
    assert "locale" not in config


# --- -h is --help ---------------------------------------------------------------


@pytest.mark.parametrize("command", [(), *((c,) for c in COMMANDS)])
def test_dash_h_is_help(command: tuple[str, ...]) -> None:
    short = runner.invoke(app, [*command, "-h"])
    long = runner.invoke(app, [*command, "--help"])
    assert short.exit_code == 0, short.output
    assert short.stdout.startswith("\nUsage: ") or short.stdout.startswith("Usage: ")
    assert short.stdout == long.stdout
    assert "-h, --help" in short.stdout


# --- getting crmkpi on the PATH ---------------------------------------------------


def test_readme_says_how_crmkpi_gets_on_the_path() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = readme[readme.index("## Quick start") :]
    quick = quick[: quick.index("\n## ", 1)]
    assert "source .venv/bin/activate" in quick
    first_command = re.search(r"^\$ (.+)$", quick, re.MULTILINE)
    assert first_command is not None
    assert first_command[1].startswith("source .venv/bin/activate")


def test_make_demo_prints_the_path_hint() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    demo = makefile[makefile.index("\ndemo:") :]
    demo = demo[: demo.index("\n\n")]
    assert "source $(BIN)/activate" in demo
    assert "@echo" in demo
