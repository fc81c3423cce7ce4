"""`crmkpi init` on a folder of real exports (issue 22): every file said, a
mapping proposed for a file no preset fits (every guess marked), the files
that need a query named with why, and a config that reports as written."""

from __future__ import annotations

import csv
import json
import shutil
import statistics
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from crmkpi.cli import app

runner = CliRunner()

# Maven's files as a browser saves second downloads.
MAVEN_AS_DOWNLOADED = {
    "sales_pipeline.csv": "sales_pipeline (1).csv",
    "accounts.csv": "export.csv",
    "products.csv": "products (2).csv",
    "sales_teams.csv": "export (1).csv",
    "data_dictionary.csv": "data_dictionary.csv",
}
# The edit to init's output, all of it: the 500 Prospecting deals have no date
# at all (no engage or close date), so they are skipped, and the run says so.
MAVEN_EDIT = "lenient: true  # skip the 500 Prospecting deals: they have no dates\n"


def _init(folder: Path) -> str:
    result = runner.invoke(app, ["init", str(folder)])
    assert result.exit_code == 0, result.stderr
    return (folder / "crmkpi.yaml").read_text(encoding="utf-8")


def _report(folder: Path, *args: str) -> dict[str, Any]:
    config = str(folder / "crmkpi.yaml")
    result = runner.invoke(app, ["report", "-c", config, *args, "-f", "json"])
    assert result.exit_code == 0, result.stderr
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


def _maven_q4(folder: Path) -> dict[str, float]:
    """2017-Q4 from the raw file with the csv module: won and lost deals by
    close_date; the median days from engage_date to close_date of the won."""
    with (folder / "sales_pipeline.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    q4 = [r for r in rows if "2017-10-01" <= r["close_date"] <= "2017-12-31"]
    won = [r for r in q4 if r["deal_stage"] == "Won"]
    lost = [r for r in q4 if r["deal_stage"] == "Lost"]
    days = [
        (date.fromisoformat(r["close_date"]) - date.fromisoformat(r["engage_date"])).days
        for r in won
    ]
    return {
        "won_deals": len(won),
        "revenue": sum(float(r["close_value"]) for r in won),
        "win_rate": len(won) / (len(won) + len(lost)),
        "sales_cycle_days": statistics.median(days),  # init asks for the median
    }


def test_init_on_maven_as_downloaded_reproduces_its_q4_with_one_edited_line(
    tmp_path: Path, shared_dir: Path
) -> None:
    source = shared_dir / "datasets" / "maven-crm-sales-opportunities"
    folder = tmp_path / "downloads"
    folder.mkdir()
    for name, saved in MAVEN_AS_DOWNLOADED.items():
        shutil.copy(source / name, folder / saved)
    text = _init(folder)
    assert '    path: "sales_pipeline (1).csv"' in text
    assert 'deal_id: "opportunity_id"' in text
    assert '"Engaging": open' in text
    assert "export.csv: no column holds dates, and customers need created_at" in text
    (folder / "crmkpi.yaml").write_text(text + MAVEN_EDIT, encoding="utf-8")
    doc = _report(folder, "-p", "2017-Q4", "--as-of", "2018-01-01")
    values = {k["id"]: k["value"] for k in doc["kpis"]}
    expected = _maven_q4(source)
    assert expected["won_deals"] == 1_196  # examples/datasets/README.md
    assert expected["revenue"] == 2_802_496
    for kpi, value in expected.items():
        assert values[kpi] == pytest.approx(value, rel=1e-9), kpi
    assert doc["inputs"]["deals"]["skipped"] == 500


@pytest.mark.parametrize(
    ("folder", "said"),
    [
        ("servicenow-incident-log",
         'incident_event_log.csv: an event log: "number" repeats'),
        ("olist-marketing-funnel",
         "olist_closed_deals_dataset.csv: deals need created_at, status, which no column "
         "holds: a query can take them from another file (a join)"),
        ("telco-customer-churn",
         "Telco-Customer-Churn.csv: no column holds dates, and customers need created_at: "
         "a query can compute it"),
    ],
    ids=["servicenow", "olist", "telco"],
)  # fmt: skip
def test_init_names_the_files_that_need_a_query_and_why(
    tmp_path: Path, shared_dir: Path, folder: str, said: str
) -> None:
    copy = tmp_path / folder
    shutil.copytree(shared_dir / "datasets" / folder, copy)
    text = _init(copy)
    notes = text[text.index("# Not read as they are; a query can") :]
    assert f"#   {said}" in notes
    assert "docs/query.md" in text


def test_init_proposes_the_olist_leads_mapping(tmp_path: Path, shared_dir: Path) -> None:
    copy = tmp_path / "olist"
    shutil.copytree(shared_dir / "datasets" / "olist-marketing-funnel", copy)
    text = _init(copy)
    for line in ('lead_id: "mql_id"', 'created_at: "first_contact_date"', 'source: "origin"'):
        assert line in text
    doc = _report(copy, "-p", "2018-03", "--as-of", "2018-12-01")
    leads = {k["id"]: k["value"] for k in doc["kpis"]}["new_leads"]
    with (copy / "olist_marketing_qualified_leads_dataset.csv").open(encoding="utf-8") as fh:
        march = sum(r["first_contact_date"].startswith("2018-03") for r in csv.DictReader(fh))
    assert leads == march == 1_174  # examples/datasets/README.md


def test_init_on_the_jalali_sample_writes_a_config_that_reports(tmp_path: Path) -> None:
    folder = tmp_path / "jalali"
    sample = runner.invoke(
        app, ["sample", str(folder), "--calendar", "jalali", "--as-of", "1405-08-29", "-q"]
    )
    assert sample.exit_code == 0, sample.stderr
    ours = _report(folder, "-p", "1405-07", "--as-of", "1405-08-29")
    (folder / "crmkpi.yaml").unlink()
    text = _init(folder)
    for table in ("leads", "spend", "surveys", "deal_stages"):
        entry = text[text.index(f"  {table}:\n") :]
        assert entry.split("\n")[3].startswith("    calendar: jalali  "), table
    assert '"واجد شرایط": qualified' in text
    assert '"از دست رفته": lost' in text
    assert '"بازاریابی": marketing' in text
    theirs = _report(folder, "-p", "1405-07", "--as-of", "1405-08-29")
    # The sample's own config and init's read the same files the same way.
    ours_values = {k["id"]: k["value"] for k in ours["kpis"]}
    theirs_values = {k["id"]: k["value"] for k in theirs["kpis"]}
    # (init asks for the median sales cycle, the sample's config for the mean)
    shared = [k for k in theirs_values if k in ours_values and k != "sales_cycle_days"]
    assert len(shared) >= 20
    assert {k: theirs_values[k] for k in shared} == {k: ours_values[k] for k in shared}
    assert theirs_values["new_leads"]
    assert theirs_values["lead_conversion_rate"]
    assert theirs_values["customer_acquisition_cost"] is not None
