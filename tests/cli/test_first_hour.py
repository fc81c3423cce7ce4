"""The first hour of a new user (issue 21, item 4): nothing they try by
mistake overwrites their files, reports nothing with exit 0, or reads a
Jalali year as a Gregorian one; ``init`` recognises a Didar export and
``-h`` is ``--help``."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from crmkpi.cli import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]
OCT = ["-p", "2026-10", "--as-of", "2026-11-20"]
COMMANDS = ("report", "check", "validate", "convert", "kpis", "presets", "init", "sample")


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
    result = runner.invoke(app, ["check", "-d", str(data_dir), *args])
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


# --- -h is --help ---------------------------------------------------------------


@pytest.mark.parametrize("command", [(), *((c,) for c in COMMANDS)])
def test_dash_h_is_help(command: tuple[str, ...]) -> None:
    short = runner.invoke(app, [*command, "-h"])
    long = runner.invoke(app, [*command, "--help"])
    assert short.exit_code == 0, short.output
    assert short.stdout.startswith("\nUsage: ") or short.stdout.startswith("Usage: ")
    assert short.stdout == long.stdout
    assert "-h, --help" in short.stdout
