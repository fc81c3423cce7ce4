"""A vendor's export found by what it holds, whatever the browser named it
(issue 22): a HubSpot deals export saved as ``export (3).csv``."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from _crm_hubspot import DEAL_STAGES, DEALS, deals_export
from _preset_kit import AS_OF, write_export

from crmkpi.config import config_from_text
from crmkpi.engine import Report, run_report

DEAL_KPIS = (
    "won_deals", "revenue", "avg_deal_size", "win_rate", "close_rate", "sales_cycle_days",
    "open_deals", "open_pipeline_value", "upsell_rate",
)  # fmt: skip
CONFIRMED = {"deals": {"values": {"type": {"Existing Business": "upsell"}}}}


def _report(folder: Path, name: str, period: str) -> Report:
    folder.mkdir(parents=True)
    write_export(folder / name, deals_export(DEALS, DEAL_STAGES))
    doc = {"data": str(folder), "kpis": list(DEAL_KPIS), "compare": [], "sources": CONFIRMED}
    cfg = config_from_text(yaml.safe_dump(doc), folder.parent)
    return run_report(cfg, AS_OF, period_text=period)


def _values(report: Report) -> dict[str, float | None]:
    return {r.spec.id: r.current.value for r in report.kpis}


@pytest.mark.parametrize("period", ["2026-10", "2026-11"])
def test_hubspot_deals_saved_as_export_3_give_the_same_deal_kpis(
    tmp_path: Path, period: str
) -> None:
    named = _report(
        tmp_path / "named" / "data", "hubspot-crm-exports-all-deals-2026-12-01.csv", period
    )
    renamed = _report(tmp_path / "renamed" / "data", "export (3).csv", period)
    assert [(i.table, i.path.name, i.preset) for i in renamed.inputs] == [
        ("deals", "export (3).csv", "hubspot")
    ]
    assert _values(renamed) == pytest.approx(_values(named))
    if period == "2026-10":  # worked out in _crm_hubspot: won 102, 104, 105; lost 103
        assert _values(renamed)["win_rate"] == pytest.approx(3 / 4)
        assert _values(renamed)["revenue"] == pytest.approx(3400.5 + 2500 + 800)
