# ruff: noqa: RUF001 - Persian headers and words are what is tested
"""Keys that join (issue 21, item 3): each preset links deals, tickets and
leads to customers through a key both sides carry, and a breakdown through
customers says so when most rows find no customer.

Didar's deals and tickets exports carry the customer's name (نام مشتری);
its customers export carries a code (کد) and the name: the name is the key.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from crmkpi.cli import app

runner = CliRunner()


def _report(folder: Path, config: str, *args: str) -> Any:
    # These exports end before the period does; freshness is tested elsewhere.
    stale_ok = "freshness: {warn_after: 365d}\n"
    (folder / "crmkpi.yaml").write_text(stale_ok + config, encoding="utf-8")
    result = runner.invoke(
        app,
        ["report", "-c", str(folder / "crmkpi.yaml"), "--as-of", "2026-10-31", "-f", "json", *args],
    )
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _groups(report: Any, dimension: str, kpi: str) -> dict[str | None, float]:
    return {g["key"]: g["kpis"][kpi] for g in report["breakdowns"][dimension]["groups"]}


# --- Didar: the customers file's code is no key ------------------------------------

# Mehr 1405 = 2026-09-23 .. 2026-10-22: every deal below closes in it.
DIDAR_CUSTOMERS = """\ufeffکد,نام مشتری,تاریخ ایجاد,گروه
C-1001,شرکت آلفا,1405/01/10,سازمانی
C-1002,شرکت بتا,1405/02/10,کسب‌وکار کوچک
C-1003,شرکت گاما,1405/03/10,سازمانی
"""
DIDAR_DEALS = """\ufeffشناسه,نام مشتری,تاریخ ایجاد,وضعیت معامله,تاریخ انجام معامله,مبلغ
1,شرکت آلفا,1405/06/01,موفق,1405/07/05,1000
2,شرکت بتا,1405/06/02,موفق,1405/07/06,2000
3,شرکت آلفا,1405/06/03,ناموفق,1405/07/07,500
4,شرکت گاما,1405/06/04,موفق,1405/07/08,4000
"""
DIDAR_CONFIG = """calendar: jalali
sources:
  customers: {path: مشتریان.csv, preset: didar}
  deals: {path: معاملات.csv, preset: didar}
kpis: [won_deals, revenue]
"""


def test_a_didar_breakdown_by_a_customer_column_finds_each_deals_customer(tmp_path: Path) -> None:
    # Before: customers were keyed by کد (C-1001 …), deals by name, and every
    # deal fell in the (none) group, silently.
    (tmp_path / "مشتریان.csv").write_text(DIDAR_CUSTOMERS, encoding="utf-8")
    (tmp_path / "معاملات.csv").write_text(DIDAR_DEALS, encoding="utf-8")
    report = _report(tmp_path, DIDAR_CONFIG, "-p", "1405-07", "--by", "segment")
    # سازمانی: deals 1 (1000) and 4 (4000); کسب‌وکار کوچک: deal 2 (2000); deal 3 lost.
    assert _groups(report, "segment", "won_deals") == {"سازمانی": 2, "کسب‌وکار کوچک": 1}
    assert _groups(report, "segment", "revenue") == {"سازمانی": 5000, "کسب‌وکار کوچک": 2000}
    assert report["warnings"] == []


# A deals export whose only customer column is the company's name, beside a
# companies export keyed by its record id: the name is no key of customers.
NAME_ONLY = {
    "hubspot": (
        "Record ID,Company name,Became a Customer Date,Industry,Lifecycle Stage\n"
        "101,Acme Co,2026-01-10,Software,Customer\n102,Beta GmbH,2026-02-10,Retail,Customer\n",
        "Record ID,Create Date,Close Date,Amount,Deal Stage,Associated Company\n"
        "1,2026-09-01 10:00,2026-10-05 11:00,100,Closed Won,Acme Co\n"
        "2,2026-09-02 10:00,2026-10-06 11:00,200,Closed Won,Beta GmbH\n",
    ),
    "zoho": (
        "Record Id,Account Name,Created Time,Industry\n"
        "zcrm_101,Acme Co,2026-01-10,Software\nzcrm_102,Beta GmbH,2026-02-10,Retail\n",
        "Record Id,Account Name,Created Time,Closing Date,Amount,Stage\n"
        "zcrm_1,Acme Co,2026-09-01,2026-10-05,100,Closed Won\n"
        "zcrm_2,Beta GmbH,2026-09-02,2026-10-06,200,Closed Won\n",
    ),
}


@pytest.mark.parametrize("preset", sorted(NAME_ONLY))
def test_a_company_name_is_not_read_as_a_key_customers_do_not_have(
    tmp_path: Path, preset: str
) -> None:
    # Before: deals were keyed by the company name, customers by the record
    # id, and a breakdown put every deal in (none) with no word. Now deals
    # have no customer_id, and the breakdown says why it cannot group them.
    companies, deals = NAME_ONLY[preset]
    (tmp_path / "companies.csv").write_text(companies, encoding="utf-8")
    (tmp_path / "deals.csv").write_text(deals, encoding="utf-8")
    config = (
        f"sources:\n  customers: {{path: companies.csv, preset: {preset}}}\n"
        f"  deals: {{path: deals.csv, preset: {preset}}}\nkpis: [won_deals, new_customers]\n"
    )
    report = _report(tmp_path, config, "-p", "2026-10", "--by", "segment")
    assert report["kpis"][0]["value"] == 2  # the deals themselves are read
    groups = report["breakdowns"]["segment"]["groups"]
    assert [g["key"] for g in groups] == ["Retail", "Software"]  # the customers' groups
    assert [g["kpis"]["won_deals"] for g in groups] == [None, None]  # not 2 in (none)
    assert {g["reasons"]["won_deals"] for g in groups} == {
        "deals has no segment or customer_id column"
    }


# --- a warning when most rows find no customer -------------------------------------

CUSTOMERS = """customer_id,created_at,segment
C-1001,2026-01-10,SMB
C-1002,2026-02-10,Enterprise
C-1003,2026-03-10,SMB
C-1004,2026-04-10,SMB
"""


def _deals(keys: list[str]) -> str:
    lines = ["deal_id,created_at,status,closed_at,amount,customer_id,owner"]
    lines += [f"D{i},2026-10-01,won,2026-10-05,100,{key},Ann" for i, key in enumerate(keys, 1)]
    return "\n".join(lines) + "\n"


def _folder(tmp_path: Path, keys: list[str]) -> Path:
    (tmp_path / "customers.csv").write_text(CUSTOMERS, encoding="utf-8")
    (tmp_path / "deals.csv").write_text(_deals(keys), encoding="utf-8")
    return tmp_path


def test_a_breakdown_through_mismatched_keys_warns_with_the_share(tmp_path: Path) -> None:
    # 8 deals, 7 with a customer_id; 3 of those (C-1001, C-1002, C-1003) are
    # customers: 3 / 7 = 42.9 %, shown floored.
    keys = ["C-1001", "C-1002", "Acme Co", "Beta GmbH", "Acme Co", "", "C-1003", "Gamma SA"]
    report = _report(
        _folder(tmp_path, keys), "kpis: [won_deals]\n", "-p", "2026-10", "--by", "segment"
    )
    assert report["warnings"] == [
        "deals: only 42% of rows with a customer_id (3 of 7) find their customer in customers.csv "
        '(deals has "Acme Co", customers has "C-1001"); breakdowns by segment put the rest in (none)'
    ]
    # SMB: C-1001, C-1003; Enterprise: C-1002; the other 5 in (none).
    assert _groups(report, "segment", "won_deals") == {"SMB": 2, "Enterprise": 1, None: 5}


@pytest.mark.parametrize(
    ("keys", "warned"),
    [
        (["C-1001"] * 9 + ["Acme Co"], False),  # 9 of 10: 90 %, enough
        (["C-1001"] * 8 + ["Acme Co"], True),  # 8 of 9: 88.9 %, shown as 88 %
        (["C-1001", "", "", ""], False),  # empty keys are not mismatches
    ],
)
def test_the_warning_starts_below_90_percent(tmp_path: Path, keys: list[str], warned: bool) -> None:
    report = _report(
        _folder(tmp_path, keys), "kpis: [won_deals]\n", "-p", "2026-10", "--by", "segment"
    )
    assert bool(report["warnings"]) == warned
    if warned:
        assert report["warnings"][0].startswith(
            "deals: only 88% of rows with a customer_id (8 of 9)"
        )


@pytest.mark.parametrize(
    "args",
    [["--by", "owner"], []],
    ids=["deals' own column", "no breakdown"],
)
def test_no_warning_when_no_breakdown_goes_through_customers(
    tmp_path: Path, args: list[str]
) -> None:
    report = _report(
        _folder(tmp_path, ["Acme Co"] * 4), "kpis: [won_deals]\n", "-p", "2026-10", *args
    )
    assert report["warnings"] == []
