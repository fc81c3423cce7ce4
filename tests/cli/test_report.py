"""`crmkpi report` through the real CLI: exit codes, messages, the JSON contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crmkpi.cli import app

runner = CliRunner()
OCT = ["-p", "2026-10", "--as-of", "2026-11-20"]
# The worked example's exports end before October does (freshness: 1 day).
STALE = (
    "{0} is stale: latest date {1}, {2} days before 2026-10-31, the last day this report "
    "needs (more than warn_after 1d); the KPIs that read it may miss its latest rows: export "
    "{0}.csv again, or set freshness.tables.{0}.warn_after for a table updated less often"
)
_BEHIND = [("customers", "2026-10-20", 11), ("deals", "2026-10-12", 19)]


def _report(*args: str) -> object:
    return runner.invoke(app, ["report", *args])


def test_json_contract_keys_and_worked_values(data_dir: Path) -> None:
    result = _report("-d", str(data_dir), *OCT, "-f", "json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert list(doc) == [
        "crmkpi_version", "title", "as_of", "currency", "period", "compare",
        "kpis", "breakdowns", "sections", "inputs", "warnings",
    ]  # fmt: skip
    assert doc["period"] == {
        "label": "2026-10", "start": "2026-10-01", "end": "2026-10-31",
        "grain": "month", "calendar": "gregorian", "partial": False,
    }  # fmt: skip
    assert doc["compare"]["previous"] == {
        "label": "2026-09",
        "start": "2026-09-01",
        "end": "2026-09-30",
    }
    assert doc["compare"]["year_ago"]["label"] == "2025-10"
    kpis = {k["id"]: k for k in doc["kpis"]}
    churn = kpis["churn_rate"]
    assert set(churn) == {
        "id", "label", "unit", "better", "value", "display", "reason", "previous", "change",
        "year_ago", "change_year_ago", "change_relative", "change_year_ago_relative",
        "target", "status", "condition", "pacing", "trend",
    }  # fmt: skip
    # S at Oct 1 = C1, C2 (churns on Oct 1, still in S), C4; churned of S in October: C2.
    # C3 is acquired and lost inside October, so it is not in S: 1 / 3.
    assert churn["value"] == pytest.approx(1 / 3)
    assert churn["display"] == "33.33%"
    # September: S at Sep 1 = C1, C4; nobody churned in September → 0, change +1/3.
    assert churn["previous"] == 0
    assert churn["change"] == pytest.approx(1 / 3)
    # Oct 2025: no customer yet → unavailable with a reason, never 0.
    assert churn["year_ago"] is None
    assert churn["change_year_ago"] is None
    assert kpis["net_customer_growth"]["value"] == -1  # E = {C1, C4}, S = {C1, C2, C4}
    assert kpis["revenue"]["value"] == 1500.0
    assert kpis["open_deals"]["value"] == 1  # D4: its expected closed_at is ignored
    # latest = D3's close on Oct 12; D4's 2026-12-01 is an expected close date, not data seen.
    # October needs 2026-10-31: deals lie 19 days behind, customers (Oct 20) 11.
    assert doc["inputs"]["deals"] == {
        "path": "deals.csv", "preset": "generic", "rows": 4, "skipped": 0,
        "skipped_share": 0, "skipped_by_reason": {}, "latest": "2026-10-12", "stale": True,
    }  # fmt: skip
    assert doc["warnings"] == [
        "deals: ignored the closed_at of 1 open deal (an expected close date)",
        *(STALE.format(table, latest, behind) for table, latest, behind in _BEHIND),
    ]


def test_unavailable_value_has_reason_in_json(data_dir: Path) -> None:
    result = _report("-d", str(data_dir), *OCT, "-f", "json")
    kpis = {k["id"]: k for k in json.loads(result.stdout)["kpis"]}
    # September has no closed deals: the previous win rate is unavailable.
    assert kpis["win_rate"]["previous"] is None
    assert kpis["win_rate"]["change"] is None


def test_table_lists_each_kpi_and_explains_unavailable(data_dir: Path) -> None:
    result = _report("-d", str(data_dir), *OCT, "--compare", "year_ago")
    assert result.exit_code == 0
    assert "Churn rate" in result.stdout
    assert "33.33%" in result.stdout
    assert "Previous" not in result.stdout
    assert (
        "Churn rate (year ago), Retention rate (year ago): no customers at period start"
        in result.stdout
    )


def test_partial_period_is_flagged(data_dir: Path) -> None:
    result = _report("-d", str(data_dir), "-p", "2026-11", "--as-of", "2026-11-20", "-f", "json")
    period = json.loads(result.stdout)["period"]
    assert (period["end"], period["partial"]) == ("2026-11-20", True)
    previous = json.loads(result.stdout)["compare"]["previous"]
    assert (previous["label"], previous["end"]) == ("2026-10", "2026-10-20")


@pytest.mark.parametrize("period", ["2026-13", "last-fortnight", "2026-10-05..2026-10-01"])
def test_bad_period_is_usage_error_with_grammar(data_dir: Path, period: str) -> None:
    result = _report("-d", str(data_dir), "-p", period, "--as-of", "2026-11-20")
    assert result.exit_code == 2
    assert period in result.stderr
    assert "2026-Q3" in result.stderr  # the grammar is shown
    assert "Traceback" not in result.stderr + result.stdout


def test_period_after_as_of_is_usage_error(data_dir: Path) -> None:
    result = _report("-d", str(data_dir), "-p", "2026-12", "--as-of", "2026-11-20")
    assert result.exit_code == 2
    assert "after the as-of day 2026-11-20" in result.stderr


def test_bad_as_of_is_usage_error(data_dir: Path) -> None:
    result = _report("-d", str(data_dir), "--as-of", "20/11/2026")
    assert result.exit_code == 2
    assert "--as-of '20/11/2026' is not a date" in result.stderr


def test_missing_data_folder_is_data_error(tmp_path: Path) -> None:
    result = _report("-d", str(tmp_path / "nope"), *OCT)
    assert result.exit_code == 3
    assert "data folder not found" in result.stderr


def test_bad_cell_names_file_row_column_value(data_dir: Path) -> None:
    text = (data_dir / "deals.csv").read_text().replace("2026-10-10", "2026-02-30")
    (data_dir / "deals.csv").write_text(text)
    result = _report("-d", str(data_dir), *OCT)
    assert result.exit_code == 3
    assert 'deals.csv, row 3, column closed_at: "2026-02-30" is not a date' in result.stderr
    assert "Traceback" not in result.stderr


def test_lenient_skips_and_reports(data_dir: Path) -> None:
    text = (data_dir / "deals.csv").read_text().replace("2026-10-10", "2026-02-30")
    (data_dir / "deals.csv").write_text(text)
    # 1 of 4 rows is over the default limit of 10%.
    over = _report("-d", str(data_dir), *OCT, "-f", "json", "--lenient")
    assert over.exit_code == 3
    assert "deals: --lenient skipped 25% of rows (1 of 4)" in over.stderr
    result = _report("-d", str(data_dir), *OCT, "-f", "json", "--lenient", "--max-skipped", "25%")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["inputs"]["deals"]["skipped"] == 1
    assert doc["inputs"]["deals"]["skipped_share"] == 0.25
    assert doc["inputs"]["deals"]["skipped_by_reason"] == {"closed_at is not a date": 1}
    assert {k["id"]: k["value"] for k in doc["kpis"]}["revenue"] == 1000.0  # D2 was skipped
    assert any("skipped 1 row" in w for w in doc["warnings"])


def test_absent_table_makes_its_kpis_unavailable(data_dir: Path) -> None:
    (data_dir / "deals.csv").unlink()
    result = _report("-d", str(data_dir), *OCT, "-f", "json")
    assert result.exit_code == 0
    kpis = {k["id"]: k for k in json.loads(result.stdout)["kpis"]}
    assert kpis["revenue"]["value"] is None
    assert kpis["revenue"]["reason"].startswith("deals table missing")
    assert kpis["new_customers"]["value"] == 1


def test_absent_optional_column_is_a_reason(data_dir: Path) -> None:
    (data_dir / "customers.csv").write_text("customer_id,created_at\nC1,2026-01-10\n")
    result = _report("-d", str(data_dir), *OCT, "-f", "json")
    kpis = {k["id"]: k for k in json.loads(result.stdout)["kpis"]}
    assert kpis["churn_rate"]["reason"] == "customers has no churned_at column"
    assert kpis["new_customers"]["value"] == 0


def test_output_file_with_placeholder_and_inferred_format(data_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "kpis-{period}.json"
    result = _report("-d", str(data_dir), *OCT, "-o", str(target), "-q")
    assert result.exit_code == 0, result.stderr
    written = tmp_path / "out" / "kpis-2026-10.json"
    assert json.loads(written.read_text())["period"]["label"] == "2026-10"
    assert [p.name for p in written.parent.iterdir()] == ["kpis-2026-10.json"]  # no temp file left


def test_output_whose_parent_is_a_file_is_usage_error(data_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    result = _report("-d", str(data_dir), *OCT, "-o", str(tmp_path / "file" / "r.json"))
    assert result.exit_code == 2
    assert "cannot write there" in result.stderr


def test_failed_run_keeps_previous_report(data_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "r.json"
    target.write_text("yesterday")
    (data_dir / "deals.csv").write_text("deal_id,created_at,status\nD1,bad,won\n")
    result = _report("-d", str(data_dir), *OCT, "-o", str(target))
    assert result.exit_code == 3
    assert target.read_text() == "yesterday"


def test_unknown_output_extension_needs_format(data_dir: Path, tmp_path: Path) -> None:
    result = _report("-d", str(data_dir), *OCT, "-o", str(tmp_path / "r.xyz"))
    assert result.exit_code == 2
    assert "cannot tell the format" in result.stderr


def test_year_period_worked_by_hand(data_dir: Path) -> None:
    """2026 as of 2027-01-15: s = 2026-01-01, e = 2027-01-01 (a full year)."""
    result = _report("-d", str(data_dir), "-p", "2026", "--as-of", "2027-01-15", "-f", "json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert (doc["period"]["grain"], doc["period"]["end"], doc["period"]["partial"]) == (
        "year",
        "2026-12-31",
        False,
    )
    kpis = {k["id"]: k for k in doc["kpis"]}
    values = {i: k["value"] for i, k in kpis.items()}
    assert values["new_customers"] == 4  # C1..C4 all created in 2026
    assert values["churned_customers"] == 2  # C2 (Oct 1), C3 (Oct 20)
    assert values["active_customers"] == 2  # E at 2027-01-01: C1, C4
    assert values["net_customer_growth"] == 2  # E − S = 2 − 0
    assert values["churn_rate"] is None  # S = 0: nobody before 2026
    assert kpis["churn_rate"]["reason"] == "no customers at period start"
    assert values["won_deals"] == 2  # D1 (Oct 3), D2 (Oct 10)
    assert values["revenue"] == 1500.0
    assert values["net_new_revenue"] == 1000.0  # D1 is C1's first purchase; D2 is not
    assert values["win_rate"] == pytest.approx(2 / 3)  # D3 lost
    assert values["close_rate"] == 0.5  # created in 2026: D1..D4, won: D1, D2
    assert values["sales_cycle_days"] == 20.5  # (32 + 9) / 2
    assert values["open_deals"] == 1  # D4; its expected close 2026-12-01 is ignored
    assert values["open_pipeline_value"] == 2000.0


def test_configured_breakdowns_and_sections_are_computed(data_dir: Path) -> None:
    config = data_dir / "crmkpi.yaml"
    config.write_text("kpis: [revenue]\nbreakdowns: [owner]\nsections: [funnel]\n")
    result = _report("-c", str(config), *OCT, "-f", "json")
    assert json.loads(result.stdout)["warnings"] == [
        "deals: ignored the closed_at of 1 open deal (an expected close date)",
        *(STALE.format(table, latest, behind) for table, latest, behind in _BEHIND),
    ]


def test_custom_kpis_end_to_end(data_dir: Path) -> None:
    config = data_dir / "crmkpi.yaml"
    config.write_text(
        "kpis:\n"
        "  - id: upsell_revenue\n    base: revenue\n    filter: \"type = 'upsell'\"\n"
        "  - id: upsell_net_new\n    base: net_new_revenue\n    filter: \"type = 'upsell'\"\n"
        "  - id: per_deal\n    formula: revenue / won_deals\n    unit: currency\n"
        "  - id: repeat_revenue\n    formula: (revenue - net_new_revenue) / 2\n"
        "  - id: per_churned\n    formula: revenue / churned_customers\n"
        "  - id: per_avg_deal\n    formula: revenue / avg_deal_size\n"
        "  - id: emea_new\n    base: new_customers\n    filter: \"region = 'EMEA'\"\n"
    )
    result = _report("-c", str(config), *OCT, "-f", "json", "--compare", "previous")
    assert result.exit_code == 0, result.stderr
    kpis = {k["id"]: k for k in json.loads(result.stdout)["kpis"]}
    assert kpis["upsell_revenue"]["value"] == 500.0  # D2 is the only upsell won in October
    assert kpis["upsell_revenue"]["label"] == "Upsell revenue"
    # First purchases are decided on the whole table: C1's first is D1 (type new), so the
    # upsell D2 is not net new even though it is the only upsell (a filter-first bug gives 500).
    assert kpis["upsell_net_new"]["value"] == 0.0
    assert kpis["per_deal"]["value"] == 750.0  # 1500 / 2
    assert kpis["per_deal"]["unit"] == "currency"
    assert kpis["repeat_revenue"]["value"] == 250.0  # (1500 − 1000) / 2
    assert kpis["per_churned"]["value"] == 750.0  # 1500 / 2 churned
    # September: no revenue, nobody churned → 0 / 0; no deal won → avg_deal_size unavailable.
    assert kpis["per_churned"]["previous"] is None
    assert kpis["per_avg_deal"]["previous"] is None
    sept = runner.invoke(
        app,
        [
            "report",
            "-c",
            str(config),
            "-p",
            "2026-09",
            "--as-of",
            "2026-11-20",
            "-f",
            "json",
            "--compare",
            "none",
        ],
    )
    by_id = {k["id"]: k for k in json.loads(sept.stdout)["kpis"]}
    assert by_id["per_churned"]["reason"] == "division by zero in the formula"
    assert by_id["per_avg_deal"]["reason"] == "avg_deal_size: no deals won in period"
    assert kpis["emea_new"]["value"] is None  # the fixture has no region column
    assert kpis["emea_new"]["reason"] == "customers has no region column"
