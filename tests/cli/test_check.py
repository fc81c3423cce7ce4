"""`crmkpi check`: verdict lines and the exit codes 0 / 1 / 2 / 3 of SPEC.md."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crmkpi.cli import app

runner = CliRunner()
OCT = ["-p", "2026-10", "--as-of", "2026-11-20"]


def _check(data_dir: Path, kpis_yaml: str, *args: str) -> object:
    config = data_dir / "crmkpi.yaml"
    config.write_text(f"title: Gate\nkpis:\n{kpis_yaml}", encoding="utf-8")
    return runner.invoke(app, ["check", "-c", str(config), *OCT, *args])


# October in the shared fixture (tests/conftest.py): churn 1/3, win rate 2/3, revenue 1500.
def test_nothing_failed_exits_0(data_dir: Path) -> None:
    result = _check(data_dir, "  - churn_rate: {fail: '> 40%'}\n  - revenue: {target: 1000}\n")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Gate · 2026-10",
        "PASS  Churn rate: 33.33% (fail if > 40%)",
        "PASS  Revenue: 1,500.00 (target 1,000.00)",
        "check: 2 pass, 0 warn, 0 fail, 0 error",
    ]


def test_a_failed_kpi_exits_1(data_dir: Path) -> None:
    result = _check(
        data_dir, "  - churn_rate: {fail: '> 5%', warn: '> 3%'}\n  - win_rate: {target: '70%'}\n"
    )
    assert result.exit_code == 1
    assert "FAIL  Churn rate: 33.33% (fail if > 5%, warn if > 3%)" in result.stdout
    assert "FAIL  Win rate: 66.67% (target 70.00%)" in result.stdout


def test_warnings_fail_only_with_strict(data_dir: Path) -> None:
    yaml = "  - churn_rate: {fail: '> 50%', warn: '> 30%'}\n"
    assert _check(data_dir, yaml).exit_code == 0
    strict = _check(data_dir, yaml, "--strict")
    assert strict.exit_code == 1
    assert "WARN  Churn rate: 33.33%" in strict.stdout


def test_unavailable_value_is_an_error_unless_allowed(data_dir: Path) -> None:
    # Year-ago style emptiness: no deals closed in September → win rate unavailable.
    yaml = "  - win_rate: {fail: '< 10%'}\n"
    config = data_dir / "crmkpi.yaml"
    config.write_text(f"kpis:\n{yaml}")
    result = runner.invoke(
        app, ["check", "-c", str(config), "-p", "2026-09", "--as-of", "2026-11-20"]
    )
    assert result.exit_code == 1
    assert "ERROR Win rate: — (fail if < 10%; no deals won or lost in period)" in result.stdout
    config.write_text("kpis:\n  - win_rate: {fail: '< 10%', allow_missing: true}\n")
    allowed = runner.invoke(
        app, ["check", "-c", str(config), "-p", "2026-09", "--as-of", "2026-11-20"]
    )
    assert allowed.exit_code == 0


def test_config_error_exits_2(data_dir: Path) -> None:
    result = _check(data_dir, "  - churn_rate: {fail: '>> 5%'}\n")
    assert result.exit_code == 2
    assert "crmkpi.yaml, line 3: '>> 5%' is not a condition" in result.stderr


def test_data_error_exits_3(data_dir: Path) -> None:
    (data_dir / "customers.csv").write_text("customer_id,created_at\nC1,yesterday\n")
    result = _check(data_dir, "  - churn_rate: {fail: '> 5%'}\n")
    assert result.exit_code == 3
    assert 'customers.csv, row 2, column created_at: "yesterday" is not a date' in result.stderr


def test_kpis_without_conditions_are_not_checked(data_dir: Path) -> None:
    result = _check(data_dir, "  - revenue\n  - churn_rate: {fail: '> 40%'}\n")
    assert result.exit_code == 0
    assert "Revenue" not in result.stdout
    assert "check: 1 pass, 0 warn, 0 fail, 0 error" in result.stdout


@pytest.mark.parametrize("period", ["2026-11"])
def test_pacing_in_json_report(data_dir: Path, period: str) -> None:
    """A partial period projects flow KPIs: 0 new customers in Nov 1–20 stays 0."""
    config = data_dir / "crmkpi.yaml"
    config.write_text("kpis:\n  - revenue: {target: 3000}\n  - churn_rate: {fail: '> 5%'}\n")
    result = runner.invoke(
        app, ["report", "-c", str(config), "-p", period, "--as-of", "2026-11-20", "-f", "json"]
    )
    kpis = {k["id"]: k for k in json.loads(result.stdout)["kpis"]}
    assert kpis["revenue"]["pacing"] == {"projected": 0.0, "of_target": 0.0}
    assert kpis["revenue"]["target"] == 3000.0
    assert kpis["revenue"]["status"] == "fail"
    assert kpis["churn_rate"]["pacing"] is None  # a ratio is not projected
    assert kpis["churn_rate"]["condition"] == "> 5%"


GATE = "  - churn_rate: {fail: '> 40%', warn: '> 30%'}\n  - win_rate: {target: '70%'}\n  - revenue: {fail: '< 100'}\n"


def test_junit_validates_against_the_jenkins_schema(data_dir: Path, shared_dir: Path) -> None:
    from lxml import etree

    config = data_dir / "crmkpi.yaml"
    config.write_text("title: <script>alert(1)</script> & co\nkpis:\n" + GATE)
    result = runner.invoke(app, ["check", "-c", str(config), *OCT, "-f", "junit"])
    assert result.exit_code == 1  # win rate 66.67% misses its 70% target
    schema = etree.XMLSchema(etree.parse(str(shared_dir / "contracts" / "junit-10.xsd")))
    document = etree.fromstring(result.stdout.encode())
    schema.assertValid(document)
    suite = document.find("testsuite")
    assert suite is not None
    assert suite.get("name") == "crmkpi <script>alert(1)</script> & co"  # escaped, read back intact
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("3", "1", "0")
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    assert cases["win_rate"].find("failure") is not None
    warn_out = cases["churn_rate"].find("system-out")
    assert warn_out is not None
    assert warn_out.text == "WARN  Churn rate: 33.33% (fail if > 40%, warn if > 30%)"


def test_junit_strict_makes_warnings_failures(data_dir: Path) -> None:
    import xml.etree.ElementTree as ET

    config = data_dir / "crmkpi.yaml"
    config.write_text("kpis:\n" + GATE)
    result = runner.invoke(app, ["check", "-c", str(config), *OCT, "-f", "junit", "--strict"])
    suite = ET.fromstring(result.stdout).find("testsuite")
    assert suite is not None
    assert suite.get("failures") == "2"


def test_github_annotations_and_step_summary(data_dir: Path, tmp_path: Path) -> None:
    config = data_dir / "crmkpi.yaml"
    config.write_text("kpis:\n" + GATE)
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    result = runner.invoke(
        app,
        ["check", "-c", str(config), *OCT, "-f", "github"],
        env={"GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "::warning title=Churn rate (2026-10)::WARN  Churn rate: 33.33%25 (fail if > 40%25, warn if > 30%25)",
        "::error title=Win rate (2026-10)::FAIL  Win rate: 66.67%25 (target 70.00%25)",
        "PASS  Revenue: 1,500.00 (fail if < 100)",
    ]
    text = summary.read_text()
    assert text.startswith("earlier step\n### CRM KPIs · 2026-10")  # appended, not replaced
    assert "| Win rate | 66.67% |  | 70.00% | ❌ fail |" in text


@pytest.mark.parametrize(
    "entry",
    [
        "  - id: x\n    base: revenue\n    filter: \"__import__('os').system('touch pwned')\"\n",
        '  - id: x\n    base: revenue\n    filter: "amount > (SELECT max(amount) FROM deals)"\n',
        '  - id: x\n    base: revenue\n    filter: "1; DROP TABLE deals"\n',
        "  - id: x\n    formula: \"__import__('os').system('touch pwned')\"\n",
        '  - id: x\n    formula: "revenue.__class__"\n',
    ],
)
def test_filters_and_formulas_cannot_run_code(
    data_dir: Path, entry: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(data_dir)
    result = _check(data_dir, entry + "    fail: '< 0'\n")
    assert result.exit_code == 2
    assert "crmkpi.yaml, line 4:" in result.stderr or "crmkpi.yaml, line 5:" in result.stderr
    assert not (data_dir / "pwned").exists()
    assert "Traceback" not in result.stderr
