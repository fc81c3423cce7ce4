"""`crmkpi init --preset`, `crmkpi presets` and docs/presets.md."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.testing import CliRunner

from crmkpi.cli import app
from crmkpi.presets import load_preset, preset_names
from crmkpi.render.presets import presets_markdown

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]

HUBSPOT_DEALS = (
    "Record ID,Deal Name,Deal Stage,Pipeline,Amount,Close Date,Create Date,Deal owner\n"
    "101,Acme,Closed Won,Sales Pipeline,1200,2026-10-05 14:07,2026-09-01 10:00,Jane\n"
    "102,Beta,Contract Sent,Sales Pipeline,500,2026-11-30,2026-10-02 09:00,John\n"
    "103,Gamma,Closed Lost,Sales Pipeline,,2026-10-20 12:00,2026-09-15 08:00,Jane\n"
)


def test_init_with_a_preset_writes_its_sources_and_runs(tmp_path: Path) -> None:
    (tmp_path / "hubspot-crm-exports-all-deals-2026-11-20.csv").write_text(HUBSPOT_DEALS)
    result = runner.invoke(app, ["init", str(tmp_path), "--preset", "hubspot"])
    assert result.exit_code == 0, result.stderr
    text = (tmp_path / "crmkpi.yaml").read_text()
    config = yaml.safe_load(text)
    assert config["sources"] == {
        "deals": {"path": "hubspot-crm-exports-all-deals-2026-11-20.csv", "preset": "hubspot"}
    }
    # The mapping is written as comments to edit in place; absent tables are commented out.
    assert '#   deal_id      <- "Record ID"' in text
    assert "# customers: no file found here" in text
    ids = [k if isinstance(k, str) else next(iter(k)) for k in config["kpis"]]
    assert "win_rate" in ids
    assert "churn_rate" not in ids  # no customers export in the folder
    run = runner.invoke(
        app,
        ["report", "-c", str(tmp_path / "crmkpi.yaml"), "-p", "2026-10", "--as-of", "2026-11-20",
         "-f", "json"],
    )  # fmt: skip
    assert run.exit_code == 0, run.stderr
    assert '"preset": "hubspot"' in run.stdout


def test_init_for_a_jalali_crm_sets_the_calendar_locale_and_zone(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "h").mkdir()
    assert runner.invoke(app, ["init", str(tmp_path / "d"), "--preset", "didar"]).exit_code == 0
    didar = yaml.safe_load((tmp_path / "d" / "crmkpi.yaml").read_text())
    assert (didar["calendar"], didar["locale"], didar["timezone"]) == (
        "jalali",
        "fa",
        "Asia/Tehran",
    )
    assert runner.invoke(app, ["init", str(tmp_path / "h"), "--preset", "hubspot"]).exit_code == 0
    hubspot = yaml.safe_load((tmp_path / "h" / "crmkpi.yaml").read_text())
    assert not {"calendar", "locale", "timezone"} & set(hubspot)


def test_init_with_an_unknown_preset_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["init", str(tmp_path), "--preset", "hubsopt"])
    assert result.exit_code == 2
    assert 'unknown preset "hubsopt"; did you mean "hubspot"?' in result.stderr
    assert not (tmp_path / "crmkpi.yaml").exists()


def test_presets_lists_every_preset_and_its_headers() -> None:
    result = runner.invoke(app, ["presets"])
    assert result.exit_code == 0, result.stderr
    for name in preset_names():
        assert f"| `{name}` |" in result.stdout
    one = runner.invoke(app, ["presets", "zendesk"])
    assert one.exit_code == 0
    assert "## Zendesk" in one.stdout
    assert "## HubSpot" not in one.stdout


def test_every_shipped_preset_loads_and_maps_each_required_column() -> None:
    from crmkpi.canonical import TABLES

    for name in preset_names():
        preset = load_preset(name)
        assert preset.tables, name
        for table, mapping in preset.tables.items():
            required = {c.name for c in TABLES[table].columns if c.required}
            derivable = {"status"} if table == "deals" else set()
            assert required - derivable <= set(mapping.columns), (name, table)


def test_docs_presets_md_is_current() -> None:
    """docs/presets.md is what `make docs` writes from the preset files."""
    docs = ROOT / "docs" / "presets.md"
    assert docs.read_text(encoding="utf-8") == presets_markdown(), "stale: run make docs"
