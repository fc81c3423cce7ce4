"""Jalali periods through the real CLI: ``--calendar jalali`` and ``calendar:``
in the config, Jalali ``--as-of``, JSON labels with Gregorian days, and the
usage errors a user meets when the two calendars are mixed up.

The committed sample (configs/default.yaml, as of 2026-11-20 = 1405-08-29)
is the data: a Jalali month must give exactly the values of the Gregorian
range of the same days."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crmkpi.cli import app

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = str(ROOT / "configs" / "default.yaml")
runner = CliRunner()


def _json(*args: str) -> dict[str, object]:
    result = runner.invoke(app, ["report", "-c", DEFAULT, "-f", "json", *args])
    assert result.exit_code == 0, result.stderr
    doc: dict[str, object] = json.loads(result.stdout)
    return doc


def _values(doc: dict[str, object]) -> dict[str, object]:
    kpis = doc["kpis"]
    assert isinstance(kpis, list)
    return {k["id"]: k["value"] for k in kpis}


def test_a_jalali_month_is_the_gregorian_range_of_its_days() -> None:
    mehr = _json(
        "--calendar", "jalali", "-p", "1405-07", "--as-of", "1405-08-29", "--compare", "none"
    )
    assert mehr["as_of"] == "2026-11-20"
    assert mehr["period"] == {
        "label": "1405-07", "start": "2026-09-23", "end": "2026-10-22",
        "grain": "month", "calendar": "jalali", "partial": False,
    }  # fmt: skip
    same_days = _json("-p", "2026-09-23..2026-10-22", "--as-of", "2026-11-20", "--compare", "none")
    values = _values(mehr)
    assert values == _values(same_days)
    assert sum(v is not None for v in values.values()) >= 20  # not all unavailable


def test_comparisons_and_trend_follow_jalali_months() -> None:
    doc = _json("--calendar", "jalali", "-p", "last-month", "--as-of", "2026-11-20")
    assert doc["period"]["label"] == "1405-07"  # type: ignore[index]
    assert doc["compare"] == {
        "previous": {"label": "1405-06", "start": "2026-08-23", "end": "2026-09-22"},
        "year_ago": {"label": "1404-07", "start": "2025-09-23", "end": "2025-10-22"},
    }
    churn = next(k for k in doc["kpis"] if k["id"] == "churn_rate")  # type: ignore[attr-defined]
    labels = [point["period"] for point in churn["trend"]]
    assert labels == ["1405-02", "1405-03", "1405-04", "1405-05", "1405-06", "1405-07"]


def test_calendar_in_the_config(tmp_path: Path) -> None:
    config = tmp_path / "crmkpi.yaml"
    config.write_text(
        f"data: {ROOT / 'sample_data'}\ncalendar: jalali\nperiod: this-quarter\n"
        "kpis: [new_customers, churn_rate]\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        app, ["report", "-c", str(config), "--as-of", "1405-08-29", "-f", "json"]
    )
    assert result.exit_code == 0, result.stderr
    period = json.loads(result.stdout)["period"]
    assert period == {
        "label": "1405-Q3", "start": "2026-09-23", "end": "2026-11-20",
        "grain": "quarter", "calendar": "jalali", "partial": True,
    }  # fmt: skip
    # --calendar gregorian on the command line wins over the file
    result = runner.invoke(
        app,
        [
            "report",
            "-c",
            str(config),
            "--as-of",
            "2026-11-20",
            "--calendar",
            "gregorian",
            "-f",
            "json",
        ],
    )
    assert json.loads(result.stdout)["period"]["label"] == "2026-Q4"


def test_output_name_carries_the_jalali_label(tmp_path: Path) -> None:
    target = tmp_path / "kpis-{period}.json"
    result = runner.invoke(
        app,
        ["report", "-c", DEFAULT, "--calendar", "jalali", "-p", "1405-07", "--as-of", "2026-11-20",
         "-o", str(target)],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "kpis-1405-07.json").is_file()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["-p", "2026-10", "--as-of", "2026-11-20"],
         ['"2026-10" is not a period', "2026 is not a year of the jalali calendar (this year is 1405)",
          "1405-Q2"]),
        (["-p", "1404-12-30", "--as-of", "2026-11-20"], ["Esfand 1404 has 29 days"]),
        (["-p", "1405-09", "--as-of", "2026-11-20"],
         ["1405-09 starts on 1405-09-01, after the as-of day 1405-08-29"]),
        (["-p", "1405-07", "--as-of", "1404-12-30"], ["--as-of '1404-12-30' is not a date", "Esfand 1404 has 29 days"]),
        (["-p", "1405-07", "--as-of", "1405/08/29"], ["--as-of '1405/08/29' is not a date", "YYYY-MM-DD"]),
        (["-p", "1405-07", "--calendar", "hijri"], ["hijri", "gregorian", "jalali"]),
    ],
)  # fmt: skip
def test_mixed_up_calendars_are_usage_errors(args: list[str], words: list[str]) -> None:
    calendar = [] if "--calendar" in args else ["--calendar", "jalali"]
    result = runner.invoke(app, ["report", "-c", DEFAULT, *calendar, *args])
    assert result.exit_code == 2
    for word in words:
        assert word in result.stderr
    assert "Traceback" not in result.stderr


def test_check_reads_jalali_periods(tmp_path: Path) -> None:
    config = tmp_path / "crmkpi.yaml"  # check needs a rule
    config.write_text(f"data: {ROOT / 'sample_data'}\nkpis:\n  - churn_rate: {{fail: '> 50%'}}\n")
    result = runner.invoke(
        app,
        [
            "check",
            "-c",
            str(config),
            "--calendar",
            "jalali",
            "-p",
            "1405-07",
            "--as-of",
            "2026-11-20",
        ],
    )
    assert result.exit_code == 0, result.stderr
    assert "1405-07" in result.stdout
    assert "PASS  Churn rate" in result.stdout


def test_jalali_sample_reports_in_jalali_months_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "iran"
    made = runner.invoke(
        app,
        [
            "sample",
            str(folder),
            "--calendar",
            "jalali",
            "--customers",
            "200",
            "--as-of",
            "1405-08-29",
        ],
    )
    assert made.exit_code == 0, made.stderr
    assert "wrote 8 files" in made.stderr
    monkeypatch.chdir(folder)  # the written crmkpi.yaml is found there
    result = runner.invoke(app, ["report", "--as-of", "1405-08-29", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["period"]["label"] == "1405-07"  # last-month in Jalali months
    assert doc["inputs"]["deals"]["preset"] == "didar"
    assert sum(k["value"] is not None for k in doc["kpis"]) >= 20


def test_locale_and_ascii_options_reach_the_terminal_table() -> None:
    base = [
        "report",
        "-c",
        DEFAULT,
        "--calendar",
        "jalali",
        "-p",
        "1405-07",
        "--as-of",
        "2026-11-20",
    ]
    persian = runner.invoke(app, [*base, "--locale", "fa"])
    assert persian.exit_code == 0, persian.stderr
    assert "مهر ۱۴۰۵" in persian.stdout
    assert "نرخ ریزش" in persian.stdout  # churn rate
    latin = runner.invoke(app, [*base, "--locale", "fa", "--ascii"])
    assert latin.exit_code == 0, latin.stderr
    assert "مهر 1405" in latin.stdout
    assert not any("\u06f0" <= ch <= "\u06f9" for ch in latin.stdout)
    english = runner.invoke(app, base)
    assert "Mehr 1405" in english.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--locale", "de"], 'no language "de"'),
        (["--ascii", "-f", "json"], "--ascii applies to the table format, not json"),
    ],
)
def test_locale_and_ascii_misuse_are_usage_errors(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["report", "-c", DEFAULT, "--as-of", "2026-11-20", *args])
    assert result.exit_code == 2
    assert message in result.stderr
