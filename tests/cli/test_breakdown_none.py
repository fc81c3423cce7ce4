"""Honest breakdowns (issue 23, item 4): when the ``(none)`` group holds 10% or
more of the rows a KPI's value stands on (a ratio's denominator, a count's or
a sum's rows), every format says so with the share."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from typer.testing import CliRunner

from crmkpi.cli import app

ROOT = Path(__file__).resolve().parents[2]
CUSTOMERS = "customer_id,created_at,segment\nC1,2026-01-05,SMB\n"


def _folder(tmp_path: Path, with_customer: int) -> Path:
    """October: ``with_customer`` deals of C1 (the first 5 won, the rest lost)
    and one lost deal without a customer."""
    rows = ["deal_id,created_at,status,closed_at,amount,customer_id"]
    for i in range(with_customer):
        status = "won" if i < 5 else "lost"
        rows.append(f"D{i},2026-09-01,{status},2026-10-05,100,C1")
    rows.append("DX,2026-09-01,lost,2026-10-06,100,")
    (tmp_path / "deals.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "customers.csv").write_text(CUSTOMERS, encoding="utf-8")
    (tmp_path / "crmkpi.yaml").write_text("kpis: [win_rate, revenue]\n", encoding="utf-8")
    return tmp_path


def _run(folder: Path, *args: str) -> str:
    config = str(folder / "crmkpi.yaml")
    result = CliRunner().invoke(
        app, ["report", "-c", config, "-p", "2026-10", "--as-of", "2026-11-20", *args]
    )
    assert result.exit_code == 0, result.stderr
    return result.stdout


NOTE = (
    "Win rate: 1 of the 10 deals it counts (10%) have no segment and are in (none); the "
    "named groups leave them out"
)


def test_a_tenth_of_the_rows_in_none_is_said_in_every_format(tmp_path: Path) -> None:
    folder = _folder(tmp_path, 9)  # win rate: 10 closed deals, DX in (none): 10%
    doc = json.loads(_run(folder, "--by", "segment", "-f", "json"))
    segment = doc["breakdowns"]["segment"]
    # SMB wins 5 of 9, the total 5 of 10; revenue's rows are won deals: none in (none).
    assert {g["key"]: g["kpis"]["win_rate"] for g in segment["groups"]} == {
        "SMB": 0.555555555556,  # 5 / 9 to 12 significant digits, as JSON writes numbers
        None: 0.0,
    }
    assert segment["notes"] == [NOTE]
    assert NOTE in " ".join(_run(folder, "--by", "segment").split())
    assert f"- {NOTE}" in _run(folder, "--by", "segment", "-f", "md").replace("\\_", "_")
    assert NOTE in _run(folder, "--by", "segment", "-f", "html")


def test_less_than_a_tenth_is_not_a_note(tmp_path: Path) -> None:
    folder = _folder(tmp_path, 10)  # 1 of 11: 9.1%
    doc = json.loads(_run(folder, "--by", "segment", "-f", "json"))
    assert doc["breakdowns"]["segment"]["notes"] == []


def _lost_without_customer() -> tuple[int, int, int]:
    """October 2026's closed deals on the sample: all, lost, and lost with no
    customer (every deal's customer_id is a customer with a segment)."""
    deals = pl.read_csv(ROOT / "sample_data" / "deals.csv", try_parse_dates=True)
    closed = deals.filter(
        pl.col("status").is_in(["won", "lost"])
        & pl.col("closed_at").is_between(date(2026, 10, 1), date(2026, 10, 31))
    )
    lost = closed.filter(pl.col("status") == "lost")
    return closed.height, lost.height, lost.filter(pl.col("customer_id").is_null()).height


def test_the_issues_win_rate_by_segment(tmp_path: Path) -> None:
    # 86-92% in each segment against 68% in total: 29 of the 39 lost deals
    # have no customer, so they are in (none), and the note says so.
    assert _lost_without_customer() == (123, 39, 29)
    config = str(ROOT / "configs" / "default.yaml")
    result = CliRunner().invoke(
        app, ["report", "-c", config, "--as-of", "2026-11-20", "--by", "segment", "-f", "json"]
    )
    segment: dict[str, Any] = json.loads(result.stdout)["breakdowns"]["segment"]
    assert segment["total"]["win_rate"] == 0.682926829268  # 84 / 123 to 12 digits
    assert (
        "Win rate: 29 of the 123 deals it counts (24%) have no segment and are in (none); the "
        "named groups leave them out"
    ) in segment["notes"]


def test_csv_breakdown_rows_carry_the_note(tmp_path: Path) -> None:
    folder = _folder(tmp_path, 9)  # as above: win rate's (none) holds 1 of 10 closed deals
    rows = list(csv.DictReader(io.StringIO(_run(folder, "--by", "segment", "-f", "csv"))))
    notes = {(r["kpi"], r["group"]): r["note"] for r in rows if r["role"] == "breakdown"}
    assert notes == {
        ("win_rate", "SMB"): NOTE,
        ("win_rate", "(none)"): NOTE,
        ("revenue", "SMB"): "",  # its rows are won deals: none in (none)
        ("revenue", "(none)"): "",
    }
    assert {r["note"] for r in rows if r["role"] != "breakdown"} == {""}
