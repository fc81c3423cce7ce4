"""Detecting a preset from a file's headers, and the config winning over it.

What the user is told: which preset matched how many of its columns; for a
file no preset fits, the file, the missing canonical column and the closest
header; for a file two presets fit equally, both names and the option that
settles it. Then ``columns:`` and ``values:`` in the config beat the preset.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml
from _crm_hubspot import CUSTOMERS, DEAL_STAGES, DEALS, companies_export, deals_export
from _crm_zendesk import ZENDESK
from _crm_zoho import ZOHO
from _preset_kit import AS_OF, Crm, write_export
from typer.testing import CliRunner

from crmkpi.cli import app
from crmkpi.config import config_from_text
from crmkpi.engine import Report, run_report
from crmkpi.errors import DataError

DEALS_FILE = "hubspot-crm-exports-all-deals-2026-12-01.csv"
CONFIRMED = {"deals": {"values": {"type": {"Existing Business": "upsell"}}}}


def _report(folder: Path, sources: dict[str, Any], kpis: tuple[str, ...] = ("revenue",)) -> Report:
    doc = {"data": str(folder), "kpis": list(kpis), "compare": [], "sources": sources}
    cfg = config_from_text(yaml.safe_dump(doc), folder.parent)
    return run_report(cfg, AS_OF, period_text="2026-10")


def _deals_folder(tmp_path: Path, frame: pl.DataFrame) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    write_export(folder / DEALS_FILE, frame)
    return folder


def _value(report: Report, kpi: str) -> float | None:
    return next(r.current.value for r in report.kpis if r.spec.id == kpi)


def _validate(
    tmp_path: Path, folder: Path, sources: dict[str, Any], settings: dict[str, Any] | None = None
) -> str:
    config = tmp_path / "crmkpi.yaml"
    text = yaml.safe_dump({"data": str(folder), "sources": sources, **(settings or {})})
    config.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", "-c", str(config)])
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize(
    ("crm", "shown"),
    [
        # Every Zendesk column the preset lists is in the export.
        (ZENDESK, "tickets: export-2026-12-01-0915-10471234-360001234567.csv\n"
                  "  preset: zendesk (detected: matched 10 of 10 columns)"),
        # A Zoho Deals file without the (multi-currency) Currency column.
        (ZOHO, "deals: Deals_001.csv\n  preset: zoho (detected: matched 9 of 10 columns)"),
    ],
    ids=["zendesk", "zoho"],
)  # fmt: skip
def test_validate_says_which_preset_matched_how_many_columns(
    tmp_path: Path, crm: Crm, shown: str
) -> None:
    folder = tmp_path / "data"
    crm.write(crm.tables, folder)
    currency = {"currency": crm.config["currency"]} if "currency" in crm.config else {}
    out = _validate(tmp_path, folder, crm.sources, currency)  # amounts with a $ need one
    assert shown in out
    if crm is ZENDESK:  # calendar minutes, never the business-hours twin
        assert (
            'first_response_at  <- created_at + minutes in "First reply time in minutes"\n' in out
        )


def test_misspelt_header_names_file_column_and_closest_header(tmp_path: Path) -> None:
    frame = deals_export(DEALS, DEAL_STAGES).rename({"Create Date": "Creat Date"})
    with pytest.raises(DataError) as caught:
        _report(_deals_folder(tmp_path, frame), CONFIRMED)
    error = caught.value
    assert error.message.startswith(f"{DEALS_FILE}: no preset finds the required deals columns")
    assert "hubspot 10 of 11" in error.message  # the best fit, still short of created_at
    [problem] = error.problems
    assert (problem.file, problem.column) == (DEALS_FILE, "created_at")
    assert problem.issue == (
        'required column created_at not found: no header "Create Date"; '
        'the closest header is "Creat Date"'
    )


def test_unknown_file_lists_every_missing_column(tmp_path: Path) -> None:
    frame = pl.DataFrame({"Kundennummer": ["1"], "Betrag": ["10"], "Bemerkung": ["x"]})
    with pytest.raises(DataError) as caught:
        _report(_deals_folder(tmp_path, frame), {})
    error = caught.value
    assert error.message.startswith(f"{DEALS_FILE}: no preset finds the required deals columns")
    assert {(p.file, p.column) for p in error.problems} == {
        (DEALS_FILE, "deal_id"),
        (DEALS_FILE, "created_at"),
        (DEALS_FILE, "status"),
    }
    assert [p.expected for p in error.problems] == [
        "one of the headers, or map yours in the config with "
        f'sources.deals.columns: {{{column}: "<your header>"}}'
        for column in ("deal_id", "created_at", "status")
    ]
    assert error.notes == (f'the headers of {DEALS_FILE}: "Kundennummer", "Betrag", "Bemerkung"',)


def test_headers_two_presets_fit_equally_are_an_error(tmp_path: Path) -> None:
    # HubSpot finds Record ID, Create Date, Deal Stage (status and stage);
    # Zoho finds Record Id, Created Time, Stage (status and stage).
    frame = pl.DataFrame(
        {
            "Record ID": ["1"],
            "Create Date": ["2026-10-01"],
            "Deal Stage": ["Qualification"],
            "Created Time": ["2026-10-01"],
            "Stage": ["Qualification"],
        }
    )
    folder = _deals_folder(tmp_path, frame)
    with pytest.raises(DataError) as caught:
        _report(folder, {})
    assert caught.value.message == (
        f"{DEALS_FILE}: the headers fit hubspot 4 of 11 and zoho 4 of 10 equally well; "
        "name one with sources.deals.preset"
    )
    named = _report(folder, {"deals": {"preset": "zoho"}})
    assert {i.table: i.preset for i in named.inputs} == {"deals": "zoho"}


def test_existing_business_is_not_guessed(tmp_path: Path) -> None:
    # Deals 105, 106 and 109 are Existing Business: their type is missing, the
    # KPIs that read it say why, and every other KPI is as the data says.
    folder = _deals_folder(tmp_path, deals_export(DEALS, DEAL_STAGES))
    kpis = ("revenue", "win_rate", "upsell_rate", "cross_sell_rate")
    report = _report(folder, {}, kpis)
    assert _value(report, "revenue") == pytest.approx(3400.5 + 2500 + 800)
    assert _value(report, "win_rate") == pytest.approx(3 / 4)
    reason = (
        'deals.type has a value crmkpi does not know: "Existing Business" (3 rows); '
        "map it in sources.deals.values"
    )
    for kpi in ("upsell_rate", "cross_sell_rate"):
        result = next(r for r in report.kpis if r.spec.id == kpi)
        assert (result.current.value, result.current.reason) == (None, reason)
    assert report.warnings[-1] == (
        "deals: Deal Type (type) has a value crmkpi does not know, read as missing: "
        '"Existing Business" (3 rows); say what it means in the config\'s sources.deals: '
        'values: {type: {"Existing Business": <new|upsell|cross_sell|renewal>}}'
    )
    assert _value(_report(folder, CONFIRMED, ("upsell_rate",)), "upsell_rate") == pytest.approx(
        1 / 3
    )


def test_config_columns_win_over_the_preset(tmp_path: Path) -> None:
    # A team that reports amounts net of discount: half of each Amount.
    frame = deals_export(DEALS, DEAL_STAGES).with_columns(
        (pl.col("Amount").cast(pl.Float64) / 2).alias("Net Amount")
    )
    folder = _deals_folder(tmp_path, frame)
    assert _value(_report(folder, CONFIRMED), "revenue") == pytest.approx(6700.5)
    sources = {"deals": {**CONFIRMED["deals"], "columns": {"amount": "Net Amount"}}}
    report = _report(folder, sources)
    assert _value(report, "revenue") == pytest.approx(6700.5 / 2)
    assert {i.table: i.preset for i in report.inputs} == {"deals": "hubspot"}


def test_config_value_map_wins_over_the_preset(tmp_path: Path) -> None:
    # A custom pipeline closes deals in "Signed": the preset's "*" would keep it open.
    # HubSpot sets Close Date when a deal enters a closing stage: 107's is Oct 31.
    frame = deals_export(DEALS, DEAL_STAGES).with_columns(
        pl.when(pl.col("Record ID") == "107")
        .then(pl.lit("Signed"))
        .otherwise(pl.col("Deal Stage"))
        .alias("Deal Stage")
    )
    folder = _deals_folder(tmp_path, frame)
    assert _value(_report(folder, CONFIRMED), "revenue") == pytest.approx(6700.5)
    signed = {"deals": {"values": {"status": {"Signed": "won"}, **CONFIRMED["deals"]["values"]}}}
    assert _value(_report(folder, signed), "revenue") == pytest.approx(6700.5 + 5000)


def test_companies_export_with_prospects_reads_the_customers(tmp_path: Path) -> None:
    prospect = pl.DataFrame(
        {"customer_id": ["9005"], "created_at": [None], "name": ["Elm Oy"], "segment": ["Retail"],
         "region": ["Finland"], "channel": ["Paid Search"], "owner": ["Ben Ode"]},
        schema=CUSTOMERS.schema,
    )  # fmt: skip
    frame = companies_export(pl.concat([CUSTOMERS, prospect])).with_columns(
        pl.when(pl.col("Record ID") == "9005")
        .then(pl.lit("Lead"))
        .otherwise(pl.col("Lifecycle Stage"))
        .alias("Lifecycle Stage")
    )
    folder = tmp_path / "data"
    folder.mkdir()
    write_export(folder / "hubspot-crm-exports-all-companies-2026-12-01.csv", frame)
    # The prospect (lifecycle stage Lead, no Became a Customer Date) is not a
    # customer: left out, not an error, and counted where the user can see it.
    assert _value(_report(folder, {}, ("new_customers",)), "new_customers") == 2
    shown = CliRunner().invoke(app, ["validate", "-d", str(folder)])
    assert shown.exit_code == 0, shown.stderr
    assert (
        "left out 1 row not in customers (kept: Lifecycle Stage is Customer or Evangelist)"
        in shown.stdout
    )
