"""``crmkpi sample --style``: the same business written as real exports write it.

Every style is written from one seed and read back through the real CLI with
the crmkpi.yaml it writes: every one of the library's KPIs (period, both
comparisons, trend) must equal the ``iso`` folder's. Cells worked out by hand
pin each vendor's formats.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml
from typer.testing import CliRunner

from crmkpi.cli import app
from crmkpi.errors import UsageError
from crmkpi.kpis import REGISTRY
from crmkpi.sample import generate_sample, write_sample
from crmkpi.sample._persian_vocab import STAGES as PERSIAN_STAGES
from crmkpi.sample._styles import (
    STYLES,
    grouped_amount,
    hubspot_deals,
    salesforce_opportunities,
    us_table,
    zendesk_tickets,
)

runner = CliRunner()
AS_OF = ["--as-of", "2026-11-20"]
OCTOBER = ["-p", "2026-10", *AS_OF, "-f", "json", "-o", "-"]
OPEN_STAGES = {"Prospecting": 0.1, "Qualified": 0.3, "Proposal": 0.6, "Negotiation": 0.8}
VENDOR = ("zendesk", "hubspot", "salesforce", "us", "didar")


def _invoke(*argv: str) -> Any:
    return runner.invoke(app, list(argv))


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One 200-customer sample written in every style, through the CLI."""
    root = tmp_path_factory.mktemp("styles")
    for style in STYLES:
        argv = ["sample", str(root / style), "--customers", "200", "--seed", "5", *AS_OF, "-q"]
        result = _invoke(*argv, "--style", style)
        assert result.exit_code == 0, result.stderr
    return root


def _config(folder: Path) -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load((folder / "crmkpi.yaml").read_text(encoding="utf-8"))
    return doc


def _every_kpi(written: dict[str, Any]) -> dict[str, Any]:
    """The written config with every KPI, both comparisons and a trend; the
    calendar and locale (only names of periods) left out, so that the same
    Gregorian month is asked of every folder."""
    kept = {k: v for k, v in written.items() if k not in ("calendar", "locale", "kpis", "period")}
    stages = {**OPEN_STAGES, **{PERSIAN_STAGES[s]: p for s, p in OPEN_STAGES.items()}}
    return {
        **kept,
        "kpis": list(REGISTRY),
        "compare": ["previous", "year_ago"],
        "trend": 3,
        "stage_probability": stages,
    }


def _report(config: dict[str, Any], data: Path, path: Path) -> dict[str, Any]:
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    result = _invoke("report", "-c", str(path), "-d", str(data), *OCTOBER)
    assert result.exit_code == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def _numbers(report: dict[str, Any]) -> dict[str, list[float | None]]:
    return {
        k["id"]: [k["value"], k["previous"], k["year_ago"], *(t["value"] for t in k["trend"])]
        for k in report["kpis"]
    }


@pytest.mark.parametrize("style", VENDOR)
def test_every_kpi_equals_the_iso_style(folders: Path, style: str, tmp_path: Path) -> None:
    config = _every_kpi(_config(folders / style))
    plain = _numbers(_report({k: v for k, v in config.items() if k != "sources"},
                             folders / "iso", tmp_path / "iso.yaml"))  # fmt: skip
    styled = _numbers(_report(config, folders / style, tmp_path / "styled.yaml"))
    assert list(styled) == list(REGISTRY)
    assert all(plain[kpi][0] is not None for kpi in REGISTRY), "a KPI unavailable on iso"
    for kpi, values in plain.items():
        assert styled[kpi] == pytest.approx(values, rel=1e-9, abs=1e-12), kpi


def test_without_its_values_line_hubspot_leaves_expansion_rates_unavailable(
    folders: Path, tmp_path: Path
) -> None:
    config = _every_kpi(_config(folders / "hubspot"))
    del config["sources"]["deals"]["values"]
    report = _report(config, folders / "hubspot", tmp_path / "c.yaml")
    missing = {k["id"]: k["reason"] for k in report["kpis"] if k["value"] is None}
    assert set(missing) == {"upsell_rate", "cross_sell_rate"}
    assert all("Existing Business" in reason for reason in missing.values())


def test_each_config_says_only_what_the_files_cannot(folders: Path) -> None:
    assert not (folders / "iso" / "crmkpi.yaml").exists()
    zendesk = _config(folders / "zendesk")
    assert zendesk == {"sources": {"tickets": {"path": "zendesk-tickets.csv", "preset": "zendesk"}}}
    hubspot = _config(folders / "hubspot")["sources"]
    assert hubspot["deals"]["preset"] == "hubspot"
    assert hubspot["deals"]["values"] == {
        "type": {"Existing Business": "upsell", "Cross-sell": "cross_sell"}
    }
    salesforce = _config(folders / "salesforce")["sources"]
    assert {t: s["path"] for t, s in salesforce.items()} == {
        "deals": "Opportunity.csv",
        "deal_stages": "OpportunityHistory.csv",
    }
    us = _config(folders / "us")
    assert us["currency"] == "USD"
    assert us["sources"]["tickets"] == {
        "path": "tickets.csv",
        "date_format": ["%m/%d/%Y", "%m/%d/%Y %I:%M:%S %p"],
    }
    assert _config(folders / "didar")["calendar"] == "jalali"


def test_the_vendor_files_replace_the_canonical_ones(folders: Path) -> None:
    names = {style: sorted(p.name for p in (folders / style).iterdir()) for style in STYLES}
    assert "tickets.csv" not in names["zendesk"]
    assert "zendesk-tickets.csv" in names["zendesk"]
    assert "deals.csv" not in names["hubspot"]
    assert "deals.csv" not in names["salesforce"]
    assert "deal_stages.csv" not in names["salesforce"]
    assert "customers.csv" in names["salesforce"]


# --- hand-worked cells ------------------------------------------------------------


def _tickets() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "ticket_id": ["T0000042", "T0000043"],
            "created_at": [datetime(2026, 10, 5, 9, 0, 0), datetime(2026, 10, 6, 21, 5, 30)],
            "first_response_at": [datetime(2026, 10, 5, 9, 42, 0), datetime(2026, 10, 6, 21, 6, 0)],
            "resolved_at": [datetime(2026, 10, 5, 15, 0, 0), None],
            "customer_id": ["C000001", "C000002"],
            "status": ["solved", "open"],
            "priority": ["urgent", "low"],
            "channel": ["web", "email"],
            "agent": ["Grace Lee", "Hugo Petit"],
            "csat": [4, None],
        }
    )


def test_zendesk_cells() -> None:
    row = zendesk_tickets(_tickets()).to_dicts()
    assert row[0]["Id"] == "42"
    assert row[0]["Created at"] == "2026-10-05 09:00:00"
    assert row[0]["Solved at"] == "2026-10-05 15:00:00"
    assert row[0]["First reply time in minutes"] == "42"
    assert row[1]["First reply time in minutes"] == "0.5"  # 30 seconds
    assert row[0]["Full resolution time in minutes"] == "360"
    assert (row[0]["Satisfaction Score"], row[1]["Satisfaction Score"]) == ("Good", "Unoffered")
    assert (row[0]["Status"], row[0]["Priority"], row[0]["Via"]) == ("Solved", "Urgent", "Web form")


def _deals() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "deal_id": ["D0000001", "D0000002"],
            "created_at": [date(2026, 10, 5), date(2026, 11, 1)],
            "status": ["won", "open"],
            "closed_at": [date(2026, 10, 20), None],
            "amount": [1234.5, None],
            "customer_id": ["C000001", None],
            "stage": ["Closed Won", "Proposal"],
            "type": ["cross_sell", "new"],
            "owner": ["Ben Carter", "Chen Wei"],
            "pipeline": ["Expansion", "New business"],
        }
    )


def test_hubspot_cells() -> None:
    rows = hubspot_deals(_deals()).to_dicts()
    # Row 0 at 08:00, row 1 at 08:00 + 97 minutes.
    assert rows[0]["Create Date"] == "2026-10-05 08:00"
    assert rows[0]["Close Date"] == "2026-10-20 08:00"
    assert rows[1]["Create Date"] == "2026-11-01 09:37"
    assert rows[1]["Close Date"] == "2026-12-01 09:37"  # expected: created + 30 days
    assert (rows[0]["Deal Type"], rows[1]["Deal Type"]) == ("Cross-sell", "New Business")
    assert (rows[0]["Amount"], rows[1]["Amount"]) == ("1234.5", None)


def test_salesforce_cells() -> None:
    rows = salesforce_opportunities(_deals()).to_dicts()
    assert rows[0]["CreatedDate"] == "2026-10-05T08:00:00.000Z"
    assert rows[1]["CreatedDate"] == "2026-11-01T09:37:31.000Z"
    assert (rows[0]["IsClosed"], rows[0]["IsWon"]) == ("true", "true")
    assert (rows[1]["IsClosed"], rows[1]["IsWon"]) == ("false", "false")
    assert rows[1]["CloseDate"] == "2026-12-01"
    assert rows[0]["Type"] == "Existing Customer - Cross-sell"


def test_us_cells() -> None:
    tickets = us_table(_tickets()).to_dicts()
    assert tickets[0]["created_at"] == "10/05/2026 9:00:00 AM"
    assert tickets[1]["created_at"] == "10/06/2026 9:05:30 PM"
    assert tickets[0]["csat"] == "4"
    deals = us_table(_deals()).to_dicts()
    assert (deals[0]["created_at"], deals[1]["closed_at"]) == ("10/05/2026", None)
    assert deals[0]["amount"] == "$1,234.50"


def test_grouped_amounts() -> None:
    amounts = pl.Series([0.5, 999.0, 1000.0, 1234567.89, None])
    text = pl.select(grouped_amount(pl.lit(amounts))).to_series().to_list()
    assert text == ["$0.50", "$999.00", "$1,000.00", "$1,234,567.89", None]


# --- the command --------------------------------------------------------------------


def test_a_style_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    argv = ["sample", str(tmp_path), "--customers", "20", *AS_OF, "-q", "--style", "zendesk"]
    assert _invoke(*argv).exit_code == 0
    again = _invoke(*argv)
    assert again.exit_code == 2
    assert "crmkpi.yaml" in again.stderr
    assert "zendesk-tickets.csv" in again.stderr
    assert _invoke(*argv, "--force").exit_code == 0


def test_calendar_jalali_with_another_style_is_a_usage_error(tmp_path: Path) -> None:
    argv = ["sample", str(tmp_path), "--customers", "20", "-q"]
    result = _invoke(*argv, "--calendar", "jalali", "--style", "hubspot")
    assert result.exit_code == 2
    assert "--calendar jalali writes the didar style" in result.stderr
    assert not any(tmp_path.iterdir())


def test_the_didar_style_is_the_jalali_sample(tmp_path: Path) -> None:
    tables = generate_sample(30, 2, date(2026, 11, 20))
    write_sample(tmp_path / "a", tables, calendar="jalali")
    write_sample(tmp_path / "b", tables, style="didar")
    a = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert a == sorted(p.name for p in (tmp_path / "b").iterdir())
    for name in a:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


@pytest.mark.parametrize("style", VENDOR)
def test_same_arguments_give_byte_identical_files(style: str, tmp_path: Path) -> None:
    tables = generate_sample(30, 2, date(2026, 11, 20))
    write_sample(tmp_path / "a", tables, style=style)
    write_sample(tmp_path / "b", generate_sample(30, 2, date(2026, 11, 20)), style=style)
    for path in (tmp_path / "a").iterdir():
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name


def test_an_unknown_style_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match='style "pipedrive" is not one of iso, zendesk'):
        write_sample(tmp_path, generate_sample(5, 1, date(2026, 11, 20)), style="pipedrive")


def test_the_didar_style_takes_a_jalali_as_of(tmp_path: Path) -> None:
    argv = ["sample", str(tmp_path), "--customers", "20", "-q", "--style", "didar"]
    assert _invoke(*argv, "--as-of", "1405-08-29").exit_code == 0
    iso = _invoke("sample", str(tmp_path / "iso"), "--customers", "20", "--as-of", "1405-08-29")
    assert iso.exit_code == 2  # a Jalali year is no Gregorian one
