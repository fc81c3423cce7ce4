"""Files found by what they hold (issue 22): a file's headers decide its
table when its name does not; a file named like a table is checked by the
same rule; every file of the folder is said, with what it was taken for or
why not."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from crmkpi.cli import app

runner = CliRunner()

DEALS = """deal_id,created_at,status,closed_at,amount,pipeline
D1,2026-09-01,won,2026-10-03,1000,Direct
D2,2026-10-01,won,2026-10-10,500,Partner
D3,2026-10-02,lost,2026-10-12,,Direct
D4,2026-10-05,open,,2000,Direct
"""
# Maven's accounts.csv: named like a customers export, with no id or creation date.
ACCOUNTS = """account,sector,year_established,revenue,employees,office_location
Acme Corporation,technolgy,1996,1100.04,2822,United States
Betasoloin,medical,1999,251.41,495,United States
"""
ARGS = ("-p", "2026-10", "--as-of", "2026-11-20")


def _folder(tmp_path: Path, files: dict[str, str], config: dict[str, object]) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "crmkpi.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return folder


def _json(folder: Path) -> dict[str, object]:
    result = runner.invoke(app, ["report", "-c", str(folder / "crmkpi.yaml"), *ARGS, "-f", "json"])
    assert result.exit_code == 0, result.stderr
    doc: dict[str, object] = json.loads(result.stdout)
    return doc


def _values(doc: dict[str, object]) -> dict[str, object]:
    return {k["id"]: k["value"] for k in doc["kpis"]}  # type: ignore[attr-defined]


def test_a_download_name_is_found_by_its_headers(tmp_path: Path) -> None:
    folder = _folder(tmp_path, {"download (1).csv": DEALS}, {"kpis": ["won_deals", "revenue"]})
    doc = _json(folder)
    # October: D1 (1,000) and D2 (500) won.
    assert _values(doc) == {"won_deals": 2, "revenue": 1500}
    assert doc["inputs"]["deals"]["path"] == "download (1).csv"  # type: ignore[index]


def test_a_file_named_like_customers_without_their_columns_is_said_not_fatal(
    tmp_path: Path,
) -> None:
    # The breakdown reads customers if there are some; no KPI needs them.
    config = {"kpis": ["won_deals", "win_rate"], "breakdowns": ["pipeline"]}
    folder = _folder(tmp_path, {"deals.csv": DEALS, "accounts.csv": ACCOUNTS}, config)
    doc = _json(folder)
    assert _values(doc) == {"won_deals": 2, "win_rate": 0.666666666667}  # 2 / 3, 12 digits
    check = runner.invoke(app, ["validate", "-c", str(folder / "crmkpi.yaml")])
    assert check.exit_code == 0, check.stderr
    assert (
        "accounts.csv is named like a customers export but has no customer_id, created_at "
        "columns (no KPI asked for needs customers)"
    ) in check.stdout


def test_the_same_file_is_an_error_when_a_kpi_needs_its_table(tmp_path: Path) -> None:
    config = {"kpis": ["won_deals", "churn_rate"]}
    folder = _folder(tmp_path, {"deals.csv": DEALS, "accounts.csv": ACCOUNTS}, config)
    result = runner.invoke(app, ["report", "-c", str(folder / "crmkpi.yaml"), *ARGS])
    assert result.exit_code == 3
    assert "accounts.csv: no preset finds the required customers columns" in result.stderr
    assert "required column created_at not found" in result.stderr


def test_validate_lists_every_file_with_what_it_was_taken_for(tmp_path: Path) -> None:
    files = {
        "export.csv": DEALS,
        "accounts.csv": ACCOUNTS,
        "products.csv": "product,series,sales_price\nGTX Basic,GTX,550\n",
        "notes.md": "# notes\n",
    }
    folder = _folder(tmp_path, files, {"kpis": ["won_deals"]})
    result = runner.invoke(app, ["validate", "-c", str(folder / "crmkpi.yaml")])
    assert result.exit_code == 0, result.stderr
    listing = result.stdout[result.stdout.index("files in ") :].splitlines()
    assert listing[0] == f"files in {folder}:"
    rows = {line.split()[0]: " ".join(line.split()[1:]) for line in listing[1:] if line[:2] == "  "}
    assert rows == {
        "accounts.csv": "not used: accounts.csv is named like a customers export but has no "
        'customer_id, created_at columns (headers "account", "sector", "year_established", '
        '"revenue", "employees", "office_location")',
        "crmkpi.yaml": "not read: not a data file",
        "export.csv": "deals, by its headers (generic 6 of 13 columns)",
        "notes.md": "not read: not a data file",
        "products.csv": 'not recognised: headers "product", "series", "sales_price"',
    }


def test_headers_that_fit_two_tables_equally_are_an_error_naming_both(tmp_path: Path) -> None:
    both = "ticket_id,deal_id,created_at,status\nT1,D1,2026-10-01,won\n"
    folder = _folder(tmp_path, {"export.csv": both}, {"kpis": ["won_deals"]})
    result = runner.invoke(app, ["report", "-c", str(folder / "crmkpi.yaml"), *ARGS])
    assert result.exit_code == 3
    assert (
        "export.csv: its headers fit deals (generic 3 of 13 columns) and tickets "
        "(generic 3 of 10 columns) equally well; name it with sources.deals.path or "
        "sources.tickets.path"
    ) in " ".join(result.stderr.split())


def test_two_files_that_hold_one_table_are_an_error_listing_both(tmp_path: Path) -> None:
    files = {"export.csv": DEALS, "export (1).csv": DEALS}
    folder = _folder(tmp_path, files, {"kpis": ["won_deals"]})
    result = runner.invoke(app, ["report", "-c", str(folder / "crmkpi.yaml"), *ARGS])
    assert result.exit_code == 3
    assert (
        "several files hold deals by their headers (export (1).csv, export.csv); "
        "name one with sources.deals.path"
    ) in " ".join(result.stderr.split())
