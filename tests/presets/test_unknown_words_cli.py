"""Issue 21, "Why": a HubSpot or Zoho deals export whose ``Deal Type`` holds
``Existing Business`` (half of both vendors' standard list) stopped the whole
report with exit 3, although no requested KPI but the type rates reads the
type; with ``--lenient`` those deals were dropped and the win rate changed.

Now, through a config holding only ``sources: {deals: {path, preset}}``, the
report exits 0, the win rate and revenue are the canonical data's (with and
without ``--lenient``), and the upsell and cross-sell rates are unavailable,
naming the word. Everything runs as a user runs it: the CLI, a JSON report.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from _crm_hubspot import DEAL_STAGES as HUBSPOT_STAGES
from _crm_hubspot import DEALS as HUBSPOT_DEALS
from _crm_hubspot import deals_export as hubspot_deals
from _crm_zoho import DEALS as ZOHO_DEALS
from _crm_zoho import deals_export as zoho_deals
from _preset_kit import write_canonical, write_export
from typer.testing import CliRunner

from crmkpi.cli import app

KPIS = ["win_rate", "revenue", "won_deals", "upsell_rate", "cross_sell_rate"]
REASON = (
    'deals.type has a value crmkpi does not know: "Existing Business" ({rows} rows); '
    "map it in sources.deals.values"
)

# (preset, export file, its frame, canonical deals, Existing Business rows,
#  October's win rate and revenue worked out from the fixture)
CASES = {
    "hubspot": (
        "hubspot-crm-exports-all-deals-2026-12-01.csv",
        hubspot_deals(HUBSPOT_DEALS, HUBSPOT_STAGES),
        HUBSPOT_DEALS,
        3,  # 105 (won in October), 106, 109
        3 / 4,  # won 102, 104, 105; lost 103
        3400.5 + 2500 + 800,
    ),
    "zoho": (
        "Deals_001.csv",
        zoho_deals(ZOHO_DEALS),
        ZOHO_DEALS,
        3,  # 05 (lost in October), 06, 08
        2 / 4,  # won 03, 04; lost 02, 05
        95570.69 + 3150.5,
    ),
}


# Each export's currency: Zoho writes $95,570.69, HubSpot's Currency column says EUR.
CURRENCY = {"hubspot": "EUR", "zoho": "USD"}


def _json_report(
    folder: Path, sources: dict[str, Any], *flags: str, currency: str
) -> tuple[int, Any]:
    config = folder.parent / f"crmkpi-{folder.name}.yaml"
    doc = {"data": str(folder), "kpis": KPIS, "compare": ["previous"], "sources": sources}
    doc["currency"] = currency
    config.write_text(yaml.safe_dump(doc), encoding="utf-8")
    args = ["report", "-c", str(config), "-p", "2026-10", "--as-of", "2026-12-01", "-f", "json"]
    result = CliRunner().invoke(app, [*args, *flags])
    return result.exit_code, json.loads(result.stdout) if result.exit_code == 0 else result.stderr


def _values(report: dict[str, Any]) -> dict[str, tuple[float | None, str | None]]:
    return {k["id"]: (k["value"], k["reason"]) for k in report["kpis"]}


@pytest.mark.parametrize("lenient", [False, True], ids=["strict", "lenient"])
@pytest.mark.parametrize("preset", list(CASES))
def test_existing_business_leaves_every_other_kpi_as_canonical(
    tmp_path: Path, preset: str, lenient: bool
) -> None:
    file, export, deals, rows, win_rate, revenue = CASES[preset]
    folder = tmp_path / "export"
    folder.mkdir()
    write_export(folder / file, export)
    write_canonical({"deals": deals}, tmp_path / "canonical")
    flags = ("--lenient",) if lenient else ()

    code, theirs = _json_report(
        folder, {"deals": {"path": file, "preset": preset}}, *flags, currency=CURRENCY[preset]
    )
    assert code == 0, theirs  # was 3: 'type: "Existing Business" is not a known value'
    code, ours = _json_report(tmp_path / "canonical", {}, *flags, currency=CURRENCY[preset])
    assert code == 0, ours

    got, canonical = _values(theirs), _values(ours)
    assert got["win_rate"] == pytest.approx((win_rate, None))  # lenient dropped the deals
    assert got["revenue"] == pytest.approx((revenue, None))
    for kpi in ("win_rate", "revenue", "won_deals"):
        assert got[kpi] == pytest.approx(canonical[kpi]), kpi
    for kpi in ("upsell_rate", "cross_sell_rate"):
        assert got[kpi] == (None, REASON.format(rows=rows)), kpi
    assert theirs["inputs"]["deals"]["skipped"] == 0
    assert any('"Existing Business" (3 rows)' in w for w in theirs["warnings"])


@pytest.mark.parametrize("preset", list(CASES))
def test_one_values_line_gives_the_canonical_type_rates(tmp_path: Path, preset: str) -> None:
    file, export, deals, *_ = CASES[preset]
    folder = tmp_path / "export"
    folder.mkdir()
    write_export(folder / file, export)
    write_canonical({"deals": deals}, tmp_path / "canonical")
    line = {"values": {"type": {"Existing Business": "upsell"}}}  # what the fixture means

    code, theirs = _json_report(
        folder, {"deals": {"path": file, "preset": preset, **line}}, currency=CURRENCY[preset]
    )
    assert code == 0, theirs
    _, ours = _json_report(tmp_path / "canonical", {}, currency=CURRENCY[preset])
    got, canonical = _values(theirs), _values(ours)
    assert got.keys() == canonical.keys()
    for kpi, measured in canonical.items():
        assert got[kpi] == pytest.approx(measured), kpi
    assert got["upsell_rate"][0] is not None
    assert not any("does not know" in w for w in theirs["warnings"])


def test_validate_shows_the_unknown_word_and_the_line_to_add(tmp_path: Path) -> None:
    file, export, *_ = CASES["hubspot"]
    write_export(tmp_path / file, export)
    result = CliRunner().invoke(app, ["validate", "-d", str(tmp_path)])
    assert result.exit_code == 0, result.stderr  # was 3
    assert (
        "  warning: deals: Deal Type (type) has a value crmkpi does not know, read as missing: "
        '"Existing Business" (3 rows); say what it means in the config\'s sources.deals: '
        'values: {type: {"Existing Business": <new|upsell|cross_sell|renewal>}}'
    ) in result.stdout
