"""A HubSpot-style deals export with "Date entered" columns feeds the pipeline
section's time in stage (no deal_stages file), and a bad date in one of those
columns is reported at the deals file's row and header."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from crmkpi.cli import app

runner = CliRunner()

HEADER = (
    "deal_id,created_at,status,closed_at,amount,stage,"
    '"Date entered ""Qualified (Sales)""","Date entered ""Proposal (Sales)""",'
    '"Date entered ""Closed Won (Sales)"""\n'
)


def _run(tmp_path: Path, deals: str, *args: str) -> object:
    data = tmp_path / "data"
    data.mkdir()
    (data / "deals.csv").write_text(HEADER + deals, encoding="utf-8")
    config = tmp_path / "crmkpi.yaml"
    config.write_text(f"data: {data}\nkpis: [won_deals]\nsections: [pipeline]\n", encoding="utf-8")
    return runner.invoke(
        app, ["report", "-c", str(config), "-p", "2026-10", "--as-of", "2026-11-20", *args]
    )


def test_wide_stage_columns_give_time_in_stage(tmp_path: Path) -> None:
    deals = (
        # D1: Qualified 10-01 → Proposal 10-05 (4 days) → won 10-20 (Proposal: 15 days)
        "D1,2026-09-30,won,2026-10-20,100,Closed Won,2026-10-01,2026-10-05,2026-10-20\n"
        # D2: Qualified 10-02 → Proposal 10-12 (10 days), still open in Proposal
        "D2,2026-10-01,open,,50,Proposal,2026-10-02,2026-10-12,\n"
    )
    result = _run(tmp_path, deals, "-f", "json")
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    doc = json.loads(result.stdout)  # type: ignore[attr-defined]
    stages = {s["stage"]: s for s in doc["sections"]["pipeline"]["stages"]}
    assert (stages["Qualified"]["left"], stages["Qualified"]["mean_days"]) == (2, 7.0)  # 4, 10
    assert (stages["Proposal"]["left"], stages["Proposal"]["mean_days"]) == (1, 15.0)
    assert stages["Proposal"]["deals"] == 1  # D2 open at e
    assert stages["Proposal"]["bottleneck"] is True
    assert doc["inputs"]["deal_stages"]["preset"] == "hubspot wide stages"
    assert doc["inputs"]["deal_stages"]["path"] == "deals.csv"


def test_bad_date_in_a_stage_column_names_the_deals_row_and_header(tmp_path: Path) -> None:
    deals = (
        "D1,2026-09-30,won,2026-10-20,100,Closed Won,2026-10-01,2026-10-05,2026-10-20\n"
        "D2,2026-10-01,open,,50,Proposal,2026-10-02,31/02/2026,\n"
    )
    result = _run(tmp_path, deals)
    assert result.exit_code == 3
    message = result.stderr  # type: ignore[attr-defined]
    assert 'deals.csv, row 3, column Date entered "Proposal (Sales)": "31/02/2026"' in message
    assert "Traceback" not in message
