"""Breakdowns: each group's value equals an independent group-by, groups of
additive KPIs add up to the total, and unreachable dimensions say why."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest

from crmkpi.analyses import Breakdown
from crmkpi.config import load_config
from crmkpi.engine import Report, run_report
from crmkpi.kpis import REGISTRY

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data"
AS_OF = date(2026, 11, 20)
OCTOBER = ("2026-10-01", "2026-11-01")
DIMENSIONS = ("owner", "segment", "region", "channel", "source", "agent", "pipeline", "product")


def _config(tmp_path: Path, kpis: list[str]) -> Path:
    path = tmp_path / "crmkpi.yaml"
    path.write_text(
        f"data: {SAMPLE}\n"
        "stage_probability: {Prospecting: 0.1, Qualification: 0.2, Demo: 0.4, Proposal: 0.6,"
        " Negotiation: 0.8, Qualified: 0.3}\n"
        f"kpis: [{', '.join(kpis)}]\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def every_kpi(tmp_path_factory: pytest.TempPathFactory) -> Report:
    cfg = load_config(_config(tmp_path_factory.mktemp("all"), list(REGISTRY)), ROOT)
    return run_report(cfg, AS_OF, period_text="2026-10", by=DIMENSIONS)


def _by_dimension(report: Report) -> dict[str, Breakdown]:
    return {b.dimension: b for b in report.breakdowns}


def _rows(name: str) -> list[dict[str, str]]:
    with (SAMPLE / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _won_in_october() -> list[dict[str, str]]:
    return [
        d
        for d in _rows("deals.csv")
        if d["status"] == "won" and OCTOBER[0] <= d["closed_at"][:10] < OCTOBER[1]
    ]


def _independent(
    key_of: dict[str, str | None] | None, column: str
) -> dict[str | None, list[float]]:
    """Revenue and won deals per group, with the csv module and no crmkpi code:
    the deal's own column, or its customer's (``key_of``: customer → value)."""
    out: dict[str | None, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for deal in _won_in_october():
        if key_of is None:
            key = deal[column] or None
        else:
            key = key_of.get(deal["customer_id"]) if deal["customer_id"] else None
        out[key][0] += float(deal["amount"])
        out[key][1] += 1
    return dict(out)


def _check_against(breakdown: Breakdown, expected: dict[str | None, list[float]]) -> None:
    seen = {g.key: g for g in breakdown.groups if g.values["won_deals"].value}
    assert set(seen) == set(expected)
    for key, (revenue, won) in expected.items():
        assert seen[key].values["revenue"].value == pytest.approx(revenue)
        assert seen[key].values["won_deals"].value == won


def test_deal_dimension_equals_an_independent_group_by(every_kpi: Report) -> None:
    _check_against(_by_dimension(every_kpi)["owner"], _independent(None, "owner"))


def test_customer_dimension_through_customer_id_equals_an_independent_group_by(
    every_kpi: Report,
) -> None:
    segment_of = {c["customer_id"]: c["segment"] or None for c in _rows("customers.csv")}
    expected = _independent(segment_of, "segment")
    _check_against(_by_dimension(every_kpi)["segment"], expected)


@pytest.mark.parametrize("dimension", DIMENSIONS)
def test_additive_groups_add_up_to_the_total_and_total_is_the_kpi(
    every_kpi: Report, dimension: str
) -> None:
    breakdown = _by_dimension(every_kpi)[dimension]
    for result in every_kpi.kpis:
        kpi_id = result.spec.id
        assert breakdown.total[kpi_id] == result.current  # the total is the un-broken-down KPI
        values = [g.values[kpi_id] for g in breakdown.groups]
        if not result.kpi.additive or any(v.value is None for v in values):
            continue
        assert sum(v.value or 0.0 for v in values) == pytest.approx(result.current.value), kpi_id


def test_additive_kpis_are_checked_somewhere(every_kpi: Report) -> None:
    """The test above must not pass by skipping everything."""
    breakdown = _by_dimension(every_kpi)["owner"]
    checked = [
        r.spec.id
        for r in every_kpi.kpis
        if r.kpi.additive and all(g.values[r.spec.id].value is not None for g in breakdown.groups)
    ]
    assert {"new_customers", "revenue", "won_deals", "new_leads"} <= set(checked)


def test_unreachable_dimension_makes_the_kpi_unavailable_with_a_reason(every_kpi: Report) -> None:
    product = _by_dimension(every_kpi)["product"]  # a deals column: customers cannot reach it
    assert product.total["new_customers"].value is not None
    for group in product.groups:
        assert group.values["new_customers"] == type(group.values["new_customers"])(
            None, "customers has no product column"
        )
        assert group.values["revenue"].value is not None


def test_channel_reads_lead_source_for_lead_kpis(every_kpi: Report) -> None:
    channel = _by_dimension(every_kpi)["channel"]
    per_source: dict[str, int] = defaultdict(int)
    for lead in _rows("leads.csv"):
        if OCTOBER[0] <= lead["created_at"][:10] < OCTOBER[1]:
            per_source[lead["source"]] += 1
    got = {
        g.key: g.values["new_leads"].value for g in channel.groups if g.values["new_leads"].value
    }
    assert got == dict(per_source)


def test_groups_sorted_by_the_first_kpi_best_first(every_kpi: Report) -> None:
    owner = _by_dimension(every_kpi)["owner"]
    first = [g.values["new_customers"].value for g in owner.groups]  # higher is better
    assert first == sorted(first, reverse=True)


def test_deals_without_customer_form_the_none_group(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "customers.csv").write_text(
        "customer_id,created_at,segment\nC1,2026-01-01,SMB\nC2,2026-01-01,\n", encoding="utf-8"
    )
    (data / "deals.csv").write_text(
        "deal_id,created_at,status,closed_at,amount,customer_id\n"
        "D1,2026-10-01,won,2026-10-02,100,C1\n"
        "D2,2026-10-01,won,2026-10-03,20,C2\n"  # C2 has no segment → (none)
        "D3,2026-10-01,won,2026-10-04,3,\n"  # no customer → (none)
        "D4,2026-10-01,won,2026-10-05,4,C9\n",  # unknown customer → (none)
        encoding="utf-8",
    )
    config = tmp_path / "crmkpi.yaml"
    config.write_text(f"data: {data}\nkpis: [revenue, avg_deal_size]\n", encoding="utf-8")
    report = run_report(
        load_config(config, tmp_path), AS_OF, period_text="2026-10", by=("segment",)
    )
    (segment,) = report.breakdowns
    assert [(g.key, g.values["revenue"].value) for g in segment.groups] == [
        ("SMB", 100.0),
        (None, 27.0),  # 20 + 3 + 4
    ]
    assert segment.groups[1].values["avg_deal_size"].value == pytest.approx(9.0)  # 27 / 3
