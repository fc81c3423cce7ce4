"""The Didar preset: Persian headers, Jalali dates, Persian digits, Rial amounts.

One set of deals is written twice — canonical (Gregorian ISO, ASCII) and as a
Didar export (EXPORTS.md §8) — and both must give the same KPI values.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crmkpi.cli import app

runner = CliRunner()
PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")

# (id, created Gregorian, created Jalali, status, closed G, closed J, amount Rial, owner)
# Jalali dates checked against the Nowruz table (1403/01/01 = 2024-03-20):
# Mehr 1403 starts 2024-09-22, Aban 1403 starts 2024-10-22.
DEALS = [
    ("1", "2024-09-22", "1403/07/01", "won", "2024-10-06", "1403/07/15", 120_000_000, "علی"),
    ("2", "2024-09-25", "1403/07/04", "lost", "2024-10-10", "1403/07/19", 0, "زهرا"),
    ("3", "2024-10-01", "1403/07/10", "won", "2024-10-21", "1403/07/30", 30_000_000, "علی"),
    ("4", "2024-10-05", "1403/07/14", "open", "", "", 50_000_000, "زهرا"),
    ("5", "2024-10-22", "1403/08/01", "won", "2024-10-25", "1403/08/04", 10_000_000, "علی"),
]
DIDAR_STATUS = {"won": "موفق", "lost": "ناموفق", "open": "جاری"}


def _canonical(folder: Path) -> None:
    lines = ["deal_id,created_at,status,closed_at,amount,owner"]
    for deal_id, created, _, status, closed, _, rial, owner in DEALS:
        lines.append(f"{deal_id},{created},{status},{closed},{rial / 10:.0f},{owner}")
    (folder / "deals.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _didar(folder: Path) -> None:
    # Headers spelled with Arabic ي/ك, a ZWNJ and an RTL mark, as Persian
    # keyboards and Excel exports write them; Persian and Arabic-Indic digits;
    # the Arabic thousands separator; "ریال" after amounts; extra columns.
    header = "كد,عنوان معامله,\u200fتاريخ ايجاد,وضعيت معامله,تاریخ انجام\u200cمعامله,مبلغ,مسئول معامله,کاریز"
    lines = [header]
    for i, (deal_id, _, created, status, _, closed, rial, owner) in enumerate(DEALS):
        digits = PERSIAN if i % 2 == 0 else ARABIC_INDIC
        amount = f"{rial:,}".replace(",", "\u066c").translate(digits) + " ریال"
        lines.append(
            ",".join(
                (
                    deal_id.translate(digits),
                    f"معامله {deal_id}",
                    created.translate(digits) + (" ۱۰:۳۰" if i == 0 else ""),
                    DIDAR_STATUS[status],
                    closed.translate(digits),
                    f'"{amount}"',
                    owner,
                    "فروش",
                )
            )
        )
    name = "خروجی معاملات ۱۴۰۳.csv"
    (folder / name).write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")


def _report(folder: Path, config: str, period: str) -> dict[str, object]:
    (folder / "crmkpi.yaml").write_text(config, encoding="utf-8")
    result = runner.invoke(
        app,
        ["report", "-c", str(folder / "crmkpi.yaml"), "-p", period, "--as-of", "2024-11-30",
         "-f", "json", "--compare", "previous"],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    report: dict[str, object] = json.loads(result.stdout)
    return report


KPIS = "kpis: [won_deals, revenue, avg_deal_size, win_rate, close_rate, sales_cycle_days, open_deals, open_pipeline_value]\n"


@pytest.mark.parametrize("period", ["2024-10", "2024-10-01..2024-10-31", "2024-Q4"])
def test_didar_export_equals_canonical(tmp_path: Path, period: str) -> None:
    canonical, didar = tmp_path / "canonical", tmp_path / "didar"
    canonical.mkdir()
    didar.mkdir()
    _canonical(canonical)
    _didar(didar)
    plain = _report(canonical, KPIS, period)
    # No preset named: detected from the Persian headers. The cells say ریال: a
    # Toman report reads them as tenths (no amount_factor needed, issue 24).
    persian = _report(didar, KPIS + "currency: IRT\n", period)
    assert persian["inputs"]["deals"]["preset"] == "didar"  # type: ignore[index]
    values = {k["id"]: k["value"] for k in plain["kpis"]}  # type: ignore[attr-defined]
    assert {k["id"]: k["value"] for k in persian["kpis"]} == pytest.approx(values)  # type: ignore[attr-defined]
    if period == "2024-10":
        # By hand: won in October (Gregorian) = deals 1 and 3 (deal 5 closes
        # Oct 25 — also October): 3 deals, 16,000,000 Toman; lost: deal 2.
        assert values["won_deals"] == 3
        assert values["revenue"] == pytest.approx(16_000_000)
        assert values["win_rate"] == pytest.approx(3 / 4)


def test_validate_shows_the_persian_mapping(tmp_path: Path) -> None:
    _didar(tmp_path)
    (tmp_path / "crmkpi.yaml").write_text("currency: IRT\n", encoding="utf-8")  # its ریال cells
    config = str(tmp_path / "crmkpi.yaml")
    result = runner.invoke(app, ["validate", "-d", str(tmp_path), "-c", config])
    assert result.exit_code == 0, result.stderr
    assert "preset: didar (detected: matched 7 of 12 columns)" in result.stdout
    assert 'status      <- "وضعيت معامله" (values: موفق -> won' in result.stdout


def test_a_gregorian_looking_day_in_a_jalali_column_is_read_as_gregorian(tmp_path: Path) -> None:
    # An API export writes ISO UTC; no Jalali year reaches 1700, so it is unambiguous.
    (tmp_path / "deals.csv").write_text(
        "کد,تاریخ ایجاد,وضعیت معامله,تاریخ انجام معامله,مبلغ\n"
        "1,2024-10-06T07:00:00Z,موفق,1403/07/20,100\n"
        "2,1403/13/01,جاری,,\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["validate", "-d", str(tmp_path)])
    assert result.exit_code == 3
    # Only the impossible Jalali month is a problem, reported as the file writes it.
    assert 'row 3, column تاریخ ایجاد (created_at): "1403/13/01" is not a date' in result.stderr
    assert "row 2" not in result.stderr


def test_a_didar_deal_type_no_map_knows_is_named_not_guessed(tmp_path: Path) -> None:
    # The preset knows جدید (new), ارتقا (upsell), تمدید (renewal) …; "قدیمی"
    # ("old") could mean any of them: upsell and cross-sell rates say so, the
    # other KPIs are the canonical ones (statuses موفق/ناموفق/جاری as ever).
    canonical, didar = tmp_path / "canonical", tmp_path / "didar"
    canonical.mkdir()
    didar.mkdir()
    (canonical / "deals.csv").write_text(
        "deal_id,created_at,status,closed_at,amount,customer_id,type\n"
        "1,2024-09-22,won,2024-10-06,100,A,new\n"
        "2,2024-09-25,won,2024-10-10,200,B,upsell\n"
        "3,2024-10-01,lost,2024-10-21,,C,renewal\n"
        "4,2024-10-05,won,2024-10-25,400,D,upsell\n"
        "5,2024-10-06,open,,50,A,new\n",
        encoding="utf-8",
    )
    (didar / "خروجی معاملات.csv").write_text(
        "کد,تاریخ ایجاد,وضعیت معامله,تاریخ انجام معامله,مبلغ,نام مشتری,نوع معامله\n"
        "۱,1403/07/01,موفق,1403/07/15,100,A,جدید\n"
        "۲,1403/07/04,موفق,1403/07/19,200,B,ارتقا\n"
        "۳,1403/07/10,ناموفق,1403/07/30,,C,تمدید\n"
        "۴,1403/07/14,موفق,1403/08/04,400,D,قدیمی\n"
        "۵,1403/07/15,جاری,,50,A,جدید\n",
        encoding="utf-8",
    )
    kpis = (
        "kpis: [won_deals, revenue, win_rate, open_pipeline_value, upsell_rate, cross_sell_rate]\n"
    )
    plain = {k["id"]: k for k in _report(canonical, kpis, "2024-10")["kpis"]}  # type: ignore[attr-defined]
    persian = _report(didar, kpis, "2024-10")
    theirs = {k["id"]: k for k in persian["kpis"]}  # type: ignore[attr-defined]
    for kpi in ("won_deals", "revenue", "win_rate", "open_pipeline_value"):
        assert theirs[kpi]["value"] == pytest.approx(plain[kpi]["value"]), kpi
    assert plain["win_rate"]["value"] == pytest.approx(3 / 4)  # won 1, 2, 4; lost 3
    reason = (
        'deals.type has a value crmkpi does not know: "قدیمی" (1 row); '
        "map it in sources.deals.values"
    )
    for kpi in ("upsell_rate", "cross_sell_rate"):
        assert (theirs[kpi]["value"], theirs[kpi]["reason"]) == (None, reason)
    mapped = kpis + "sources: {deals: {values: {type: {قدیمی: upsell}}}}\n"
    confirmed = {k["id"]: k["value"] for k in _report(didar, mapped, "2024-10")["kpis"]}  # type: ignore[attr-defined]
    assert confirmed["upsell_rate"] == pytest.approx(plain["upsell_rate"]["value"])
    assert confirmed["upsell_rate"] == pytest.approx(2 / 3)  # B and D of A, B, D
