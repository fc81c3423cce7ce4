"""KPIS.md and the registry agree: ids, labels, units and `better`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crmkpi.kpis import REGISTRY


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
    assert list(documented) == list(REGISTRY)  # same ids, same order


@pytest.mark.parametrize("kpi_id", sorted(REGISTRY))
def test_definition_and_tables_are_filled(kpi_id: str) -> None:
    kpi = REGISTRY[kpi_id]
    assert kpi.definition.endswith(".")
    assert kpi.tables


def test_generated_docs_are_current() -> None:
    """docs/kpis.md is what `make docs` writes; edit the registry, then run it."""
    from crmkpi.render.catalogue import render_markdown

    docs = Path(__file__).resolve().parents[2] / "docs" / "kpis.md"
    assert docs.read_text(encoding="utf-8") == render_markdown(), (
        "docs/kpis.md is stale: run make docs"
    )


def test_median_marker_matches_kpis_md() -> None:
    """KPIS.md allows `stat: median` on exactly four mean-based KPIs."""
    with_median = {k.id for k in REGISTRY.values() if "median" in k.stats}
    assert with_median == {
        "sales_cycle_days", "first_response_hours", "resolution_hours", "avg_customer_tenure",
    }  # fmt: skip
