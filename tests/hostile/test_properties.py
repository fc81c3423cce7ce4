"""Laws that must hold for any input, checked on generated inputs (hypothesis).

Protects two promises of SPEC.md: bad input is a DataError, never another
exception (any byte string in any cell of any table gives a typed value or a
DataError naming the file); and the KPI identities of KPIS.md hold through
the real CLI on any valid tables: retention = 1 − churn, active at e = active
at s + new − churned (= net growth), and the groups of a breakdown sum to the
total for every additive KPI.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from _hostile import PERIOD, invoke
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmkpi.config import config_from_text
from crmkpi.errors import DataError
from crmkpi.inputs import Inputs, load_inputs
from crmkpi.kpis import REGISTRY

# One valid file per table: (header, rows); a generated cell replaces one field.
TABLES: dict[str, tuple[bytes, tuple[bytes, ...]]] = {
    "customers": (
        b"customer_id,created_at,churned_at,segment",
        (b"C1,2026-01-10,,SMB", b"C2,2026-09-15,2026-10-01,Enterprise"),
    ),
    "deals": (
        b"deal_id,created_at,status,closed_at,amount,customer_id,type,currency",
        (b"D1,2026-09-01,won,2026-10-03,1000.00,C1,new,", b"D2,2026-10-01,open,,5,C2,,"),
    ),
    "tickets": (
        b"ticket_id,created_at,first_response_at,resolved_at,csat",
        (b"T1,2026-10-01T10:00:00,2026-10-01T11:00:00+02:00,2026-10-02T09:00:00Z,5",),
    ),
    "surveys": (b"responded_at,score,customer_id", (b"2026-10-01,9,C1",)),
    "spend": (b"date,amount,channel,kind", (b"2026-10-01,100.5,Ads,marketing",)),
    "deal_stages": (b"deal_id,stage,entered_at", (b"D1,Qualified,2026-09-02",)),
}
INTERESTING = [
    b"", b" ", b"NA", b"-", b'"', b'""', b'"a,b"', b",", b";", b"\t", b"\r", b"\n", b"\r\n",
    b"\x00", b"\x1f", b"\xef\xbb\xbf", b"\xff\xfe", b"\x80", b"2026-02-30", b"2026-10-05T25:61",
    b"2026-10-05T10:00:00+99:00", b"46000", b"-0", b"1e308", b"NaN", b"inf", b"9" * 400,
    b"$1,234.50", b"1.234,50 \xe2\x82\xac", b"=cmd|' /C calc'!A0", b"won", b"open",
    "\u06f1\u06f4\u06f0\u06f3/\u06f0\u06f7/\u06f1\u06f5".encode(), "\u066b".encode(), b"\xe2\x80\x8f",
]  # fmt: skip
CELLS = st.one_of(
    st.binary(max_size=24),
    st.text(max_size=16).map(str.encode),
    st.sampled_from(INTERESTING),
    st.lists(st.sampled_from(INTERESTING), min_size=2, max_size=4).map(b"".join),
)


@pytest.fixture
def folder() -> Iterator[Path]:
    """One folder per test, shared by its examples (hypothesis runs many per
    test, the fixture once)."""
    with tempfile.TemporaryDirectory(prefix="crmkpi-hostile-") as name:
        yield Path(name)


@st.composite
def _hostile_file(draw: st.DrawFn) -> tuple[str, bytes]:
    """A table's name and a valid file of it with one field replaced by any bytes."""
    table = draw(st.sampled_from(sorted(TABLES)))
    header, rows = TABLES[table]
    row = draw(st.integers(0, len(rows) - 1))
    fields = rows[row].split(b",")
    fields[draw(st.integers(0, len(fields) - 1))] = draw(CELLS)
    body = [*rows[:row], b",".join(fields), *rows[row + 1 :]]
    return table, b"\n".join([header, *body]) + draw(st.sampled_from([b"\n", b"", b"\r\n"]))


def _load(folder: Path, table: str, lenient: bool) -> Inputs | DataError:
    try:
        return load_inputs(config_from_text("", folder), (table,), lenient)
    except DataError as err:
        return err


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=_hostile_file(), lenient=st.booleans())
def test_any_bytes_in_a_cell_give_a_value_or_a_data_error(
    folder: Path, case: tuple[str, bytes], lenient: bool
) -> None:
    table, content = case
    for old in folder.iterdir():
        old.unlink()
    (folder / f"{table}.csv").write_bytes(content)
    result = _load(folder, table, lenient)
    if isinstance(result, DataError):
        assert f"{table}.csv" in str(result)
        assert result.exit_code == 3
        return
    loaded = result.loaded[table]
    assert loaded.frame.height + loaded.skipped == loaded.rows  # nothing dropped silently


# --- KPI identities through the CLI ------------------------------------------

CUSTOMER_KPIS = ("new_customers", "churned_customers", "active_customers", "net_customer_growth")
DEAL_KPIS = ("won_deals", "revenue", "net_new_revenue")
KPIS = (*CUSTOMER_KPIS, "churn_rate", "retention_rate", *DEAL_KPIS)
ADDITIVE = tuple(k for k in KPIS if REGISTRY[k].additive)
FIRST = date(2026, 6, 1)  # days are drawn from here to the as-of day, 2026-11-20
DAYS = (date(2026, 11, 20) - FIRST).days
GROUPS = st.sampled_from(["A", "B", ""])


def _day(offset: int) -> str:
    return (FIRST + timedelta(days=offset)).isoformat()


@st.composite
def _customers(draw: st.DrawFn) -> list[str]:
    lines = ["customer_id,created_at,churned_at,segment"]
    for n in range(draw(st.integers(0, 12))):
        created = draw(st.integers(0, DAYS))
        churned = draw(st.none() | st.integers(created, DAYS))
        churn = "" if churned is None else _day(churned)
        lines.append(f"C{n},{_day(created)},{churn},{draw(GROUPS)}")
    return lines


@st.composite
def _deals(draw: st.DrawFn, customers: int) -> list[str]:
    lines = ["deal_id,created_at,status,closed_at,amount,customer_id,owner"]
    for n in range(draw(st.integers(0, 10))):
        created = draw(st.integers(0, DAYS))
        status = draw(st.sampled_from(["won", "lost", "open"]))
        closed = "" if status == "open" else _day(draw(st.integers(created, DAYS)))
        amount = draw(st.integers(0, 100_000)) / 100 if status == "won" else ""
        known = f"C{draw(st.integers(0, customers - 1))}" if customers else ""
        customer = draw(st.sampled_from([known, ""]))
        lines.append(f"D{n},{_day(created)},{status},{closed},{amount},{customer},{draw(GROUPS)}")
    return lines


@st.composite
def _tables(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    customers = draw(_customers())
    return customers, draw(_deals(len(customers) - 1))


def _run_report(folder: Path, customers: list[str], deals: list[str]) -> dict[str, Any]:
    (folder / "customers.csv").write_text("\n".join(customers) + "\n", encoding="utf-8")
    (folder / "deals.csv").write_text("\n".join(deals) + "\n", encoding="utf-8")
    config = folder / "crmkpi.yaml"
    config.write_text(f"trend: 1\nkpis: [{', '.join(KPIS)}]\n", encoding="utf-8")
    args = ["report", "-c", str(config), "-d", str(folder), *PERIOD, "-f", "json"]
    outcome = invoke(*args, "--compare", "previous", "--by", "segment", "--by", "owner")
    assert outcome.code == 0, outcome
    return json.loads(outcome.stdout)  # type: ignore[no-any-return]


def _check_customer_identities(kpis: dict[str, dict[str, Any]]) -> None:
    churn, retention = kpis["churn_rate"]["value"], kpis["retention_rate"]["value"]
    assert (churn is None) == (retention is None)
    if churn is not None:
        assert retention == pytest.approx(1 - churn, abs=1e-12)
    new, churned = kpis["new_customers"]["value"], kpis["churned_customers"]["value"]
    active = kpis["active_customers"]
    assert active["value"] == active["previous"] + new - churned  # E = S + new − churned
    assert kpis["net_customer_growth"]["value"] == new - churned


def _check_breakdown_sums(report: dict[str, Any], kpis: dict[str, dict[str, Any]]) -> None:
    """segment is a column of customers only, owner of deals only."""
    for name, ids in (("segment", CUSTOMER_KPIS), ("owner", DEAL_KPIS)):
        breakdown = report["breakdowns"][name]
        for kpi in (k for k in ids if k in ADDITIVE):
            values = [g["kpis"][kpi] for g in breakdown["groups"]]
            assert None not in values, (name, kpi, breakdown)
            assert sum(values) == pytest.approx(breakdown["total"][kpi], abs=1e-6)
            assert breakdown["total"][kpi] == pytest.approx(kpis[kpi]["value"], abs=1e-6)


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(tables=_tables())
def test_kpi_identities_hold_on_any_valid_tables(
    folder: Path, tables: tuple[list[str], list[str]]
) -> None:
    report = _run_report(folder, *tables)
    kpis = {k["id"]: k for k in report["kpis"]}
    _check_customer_identities(kpis)
    _check_breakdown_sums(report, kpis)
