"""KPIS.md and the registry agree: ids, labels, units and `better`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crmkpi.kpis import REGISTRY

# KPIs that arrive with the KPI-library issue; every other KPIS.md id must be registered.
NOT_YET = {
    "weighted_pipeline_value", "sales_velocity", "customer_acquisition_cost",
    "customer_lifetime_value", "clv_to_cac", "new_leads", "lead_generation_cost",
    "lead_conversion_rate", "new_tickets", "resolved_tickets", "open_tickets",
    "first_response_hours", "first_response_sla_rate", "resolution_hours", "csat", "nps",
}  # fmt: skip


def _documented(shared: Path) -> dict[str, tuple[str, str, str | None]]:
    text = (shared / "spec" / "KPIS.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| ([a-z_]+) \| ([^|]+) \| ([a-z]+) \| ([a-z—]+) \|", text, re.MULTILINE)
    return {
        i: (label.strip(), unit, None if better == "—" else better)
        for i, label, unit, better in rows
        if i != "id"  # the header row
    }


def test_every_registered_kpi_matches_kpis_md(shared_dir: Path) -> None:
    documented = _documented(shared_dir)
    for kpi in REGISTRY.values():
        assert kpi.id in documented, kpi.id
        assert (kpi.label, kpi.unit, kpi.better) == documented[kpi.id], kpi.id


def test_every_documented_kpi_is_registered(shared_dir: Path) -> None:
    documented = _documented(shared_dir)
    assert len(documented) == 37
    assert set(documented) - NOT_YET == set(REGISTRY)


@pytest.mark.parametrize("kpi_id", sorted(REGISTRY))
def test_definition_and_tables_are_filled(kpi_id: str) -> None:
    kpi = REGISTRY[kpi_id]
    assert kpi.definition.endswith(".")
    assert kpi.tables
