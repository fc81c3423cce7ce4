# ruff: noqa: RUF001, RUF003 - Persian text, digits and separators are what is tested
"""``write_sample(..., calendar="jalali")``: the sample as an Iranian business has it.

The same generated rows are written twice, as canonical Gregorian CSV and as
Didar exports plus Jalali canonical files, and read back through the real CLI:
every KPI must agree. Cells worked out by hand pin the Persian formats.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import date, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml
from typer.testing import CliRunner

from crmkpi.canonical import normalise_header
from crmkpi.cli import app
from crmkpi.config import DEFAULT_CONFIG, load_config
from crmkpi.errors import UsageError
from crmkpi.presets import load_preset
from crmkpi.sample import generate_sample, write_sample
from crmkpi.sample._persian_vocab import DEAL_STATUSES, DEAL_TYPES, HEADERS, WORDS
from crmkpi.sources.cells import value_key

runner = CliRunner()
AS_OF = date(2026, 11, 20)
OCTOBER = ["-p", "2026-10", "--as-of", "2026-11-20", "-f", "json"]
MEHR_1405 = ["-p", "1405-07", "--as-of", "2026-11-20", "-f", "json"]
DIDAR = ("مشتریان.csv", "معاملات.csv", "تیکت\u200cها.csv")
CANONICAL = ("leads.csv", "surveys.csv", "spend.csv", "deal_stages.csv")
BOM = "\ufeff"
JALALI_DAY = re.compile(r"^[۰-۹]{4}/[۰-۹]{2}/[۰-۹]{2}$")


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(Gregorian folder, Jalali folder) of one 300-customer sample."""
    root = tmp_path_factory.mktemp("samples")
    tables = generate_sample(300, 11, AS_OF)
    write_sample(root / "gregorian", tables)
    write_sample(root / "jalali", tables, calendar="jalali")
    return root / "gregorian", root / "jalali"


def _json_report(config: Path, data: Path, *period: str) -> dict[str, Any]:
    result = runner.invoke(app, ["report", "-c", str(config), "-d", str(data), *period])
    assert result.exit_code == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def _numbers(report: dict[str, Any]) -> dict[str, list[float | None]]:
    """Per KPI: value, previous, year ago and the trend values."""
    return {
        k["id"]: [k["value"], k["previous"], k["year_ago"], *(t["value"] for t in k["trend"])]
        for k in report["kpis"]
    }


def _assert_same_numbers(plain: dict[str, Any], persian: dict[str, Any]) -> None:
    expected, got = _numbers(plain), _numbers(persian)
    assert list(got) == list(expected)
    for kpi, values in expected.items():
        for want, have in zip(values, got[kpi], strict=True):
            if want is None:
                assert have is None, kpi
            else:
                assert have == pytest.approx(want, rel=1e-9, abs=0), kpi


def _written_config(jalali: Path) -> dict[str, Any]:
    config: dict[str, Any] = yaml.safe_load((jalali / "crmkpi.yaml").read_text(encoding="utf-8"))
    return config


def _save(config: dict[str, Any], path: Path) -> Path:
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


# --- the same business -------------------------------------------------------


def test_every_default_kpi_equals_the_gregorian_sample(
    folders: tuple[Path, Path], tmp_path: Path
) -> None:
    gregorian, jalali = folders
    # The written config, minus what only changes how periods are named: the
    # same Gregorian period is then asked of both folders.
    config = {k: v for k, v in _written_config(jalali).items() if k not in ("calendar", "locale")}
    plain_config = {k: v for k, v in config.items() if k != "sources"}
    plain = _json_report(_save(plain_config, tmp_path / "g.yaml"), gregorian, *OCTOBER)
    persian = _json_report(_save(config, tmp_path / "j.yaml"), jalali, *OCTOBER)
    assert [k["id"] for k in persian["kpis"]] == yaml.safe_load(DEFAULT_CONFIG.read_text())["kpis"]
    available = [k["id"] for k in persian["kpis"] if k["value"] is not None]
    assert len(available) >= 20, available
    assert len(available) == len(plain["kpis"]), "a KPI unavailable on the Gregorian sample"
    _assert_same_numbers(plain, persian)
    assert persian["inputs"]["deals"]["preset"] == "didar"
    assert persian["inputs"]["deals"]["path"] == "معاملات.csv"
    assert persian["inputs"]["leads"]["rows"] == plain["inputs"]["leads"]["rows"]


def test_the_written_config_as_is_gives_the_same_numbers_for_a_jalali_month(
    folders: tuple[Path, Path], tmp_path: Path
) -> None:
    # Mehr 1405 = 2026-09-23 .. 2026-10-22; its trend and comparisons are
    # Jalali months too, so the Gregorian folder is asked for the same days.
    gregorian, jalali = folders
    plain_config = {k: v for k, v in _written_config(jalali).items() if k != "sources"}
    plain = _json_report(_save(plain_config, tmp_path / "g.yaml"), gregorian, *MEHR_1405)
    persian = _json_report(jalali / "crmkpi.yaml", jalali, *MEHR_1405)
    assert persian["period"]["start"] == "2026-09-23"
    _assert_same_numbers(plain, persian)


def test_a_breakdown_by_a_customer_column_equals_the_gregorian_samples(
    folders: tuple[Path, Path], tmp_path: Path
) -> None:
    # Deals, tickets, leads and surveys find their customers by name, as the
    # Gregorian folder's find them by id: the same groups, the same values.
    gregorian, jalali = folders
    config = {k: v for k, v in _written_config(jalali).items() if k not in ("calendar", "locale")}
    plain_config = {k: v for k, v in config.items() if k != "sources"}
    by = ["--by", "segment"]
    plain = _json_report(_save(plain_config, tmp_path / "g.yaml"), gregorian, *OCTOBER, *by)
    persian = _json_report(_save(config, tmp_path / "j.yaml"), jalali, *OCTOBER, *by)
    english = {p: e for e, p in WORDS["customers"]["segment"].items()}
    groups = {g["key"]: g["kpis"] for g in plain["breakdowns"]["segment"]["groups"]}
    got = {
        english.get(g["key"], g["key"]): g["kpis"]
        for g in persian["breakdowns"]["segment"]["groups"]
    }
    assert list(got) == list(groups)
    for key, kpis in groups.items():
        for kpi, value in kpis.items():
            assert got[key][kpi] == (None if value is None else pytest.approx(value, rel=1e-9)), (
                key,
                kpi,
            )
    assert persian["warnings"] == plain["warnings"] == []


@pytest.mark.parametrize("zone", ["UTC", "Asia/Tehran"])
def test_the_didar_export_equals_canonical_times_with_offsets_in_every_zone(
    folders: tuple[Path, Path], tmp_path: Path, zone: str
) -> None:
    """Issue 21 "Done when": the Didar files' naive times are Tehran wall
    clock times; the same instants written canonically with ``+03:30`` must
    give every value in each report zone (Tehran has kept +03:30 since 2022)."""
    gregorian, jalali = folders
    canonical = tmp_path / "canonical"
    shutil.copytree(gregorian, canonical)
    tickets = pl.read_csv(canonical / "tickets.csv", infer_schema=False)
    times = ("created_at", "first_response_at", "resolved_at")
    tickets.with_columns(pl.col(c) + "+03:30" for c in times).write_csv(canonical / "tickets.csv")
    config = {k: v for k, v in _written_config(jalali).items() if k not in ("calendar", "locale")}
    config["timezone"] = zone
    plain_config = {k: v for k, v in config.items() if k != "sources"}
    plain = _json_report(_save(plain_config, tmp_path / "g.yaml"), canonical, *OCTOBER)
    persian = _json_report(_save(config, tmp_path / "j.yaml"), jalali, *OCTOBER)
    _assert_same_numbers(plain, persian)
    assert plain["kpis"][0]["value"] is not None


def test_the_written_config_says_jalali_persian_toman_tehran(folders: tuple[Path, Path]) -> None:
    _, jalali = folders
    config = load_config(jalali / "crmkpi.yaml", jalali)
    assert (config.calendar, config.locale, config.currency) == ("jalali", "fa", "IRT")
    assert config.timezone == "Asia/Tehran"
    didar = {t: s.path for t, s in config.sources.items() if s.preset == "didar"}
    assert didar == {
        "customers": Path("مشتریان.csv"),
        "deals": Path("معاملات.csv"),
        "tickets": Path("تیکت\u200cها.csv"),
    }
    others = {t for t, s in config.sources.items() if s.calendar == "jalali"}
    assert others == {"leads", "surveys", "spend", "deal_stages"}
    assert config.sources["deals"].amount_factor == 1.0


# --- the files are Persian -----------------------------------------------------


def test_writes_didar_exports_canonical_jalali_files_and_a_config(
    folders: tuple[Path, Path],
) -> None:
    _, jalali = folders
    assert sorted(p.name for p in jalali.iterdir()) == sorted((*DIDAR, *CANONICAL, "crmkpi.yaml"))
    deals = (jalali / "معاملات.csv").read_text(encoding="utf-8").splitlines()[0]
    assert deals == BOM + (
        "شناسه,تاریخ ایجاد,وضعیت معامله,تاریخ انجام معامله,مبلغ,نام مشتری,شناسه سرنخ,"
        "مرحله کاریز,نوع معامله,مسئول معامله,کاریز,محصول"
    )
    leads = (jalali / "leads.csv").read_text(encoding="utf-8").splitlines()[0]
    assert leads == BOM + "lead_id,created_at,status,converted_at,customer_id,source,owner"


@pytest.mark.parametrize("table", sorted(HEADERS))
def test_each_didar_header_is_one_the_preset_reads(table: str) -> None:
    preset = load_preset("didar").tables[table].columns
    for column, header in HEADERS[table].items():
        if (table, column) == ("customers", "customer_id"):
            continue  # the code, an attribute: customers are keyed by name (next test)
        aliases = {normalise_header(h) for h in preset[column].headers}
        assert normalise_header(header) in aliases, (table, column, header)


def test_customers_are_keyed_by_the_name_deals_and_tickets_carry() -> None:
    preset = load_preset("didar").tables
    name = HEADERS["customers"]["name"]
    assert name == HEADERS["deals"]["customer_id"] == HEADERS["tickets"]["customer_id"]
    for table in ("customers", "deals", "tickets"):
        assert preset[table].columns["customer_id"].headers[0] == name, table
    code = normalise_header(HEADERS["customers"]["customer_id"])
    assert code not in {
        normalise_header(h) for h in preset["customers"].columns["customer_id"].headers
    }


def test_deal_words_are_the_preset_values() -> None:
    values = load_preset("didar").tables["deals"].values
    for column, words in (("status", DEAL_STATUSES), ("type", DEAL_TYPES)):
        mapped = {value_key(k): v for k, v in values[column].items()}
        assert {e: mapped.get(value_key(p)) for e, p in words.items()} == {e: e for e in words}


def test_every_date_cell_is_jalali_in_persian_digits(folders: tuple[Path, Path]) -> None:
    _, jalali = folders
    customers = pl.read_csv(jalali / "مشتریان.csv", infer_schema=False)
    spend = pl.read_csv(jalali / "spend.csv", infer_schema=False)
    tickets = pl.read_csv(jalali / "تیکت\u200cها.csv", infer_schema=False)
    for cells in (customers["تاریخ ایجاد"], customers["تاریخ ریزش"], spend["date"]):
        assert cells.drop_nulls().str.contains(JALALI_DAY.pattern).all()
    assert tickets["تاریخ ایجاد"].str.contains(r"^[۰-۹/]{10} [۰-۹]{2}:[۰-۹]{2}:[۰-۹]{2}$").all()
    assert not spend["amount"].str.contains("[0-9]").any()


def _hand_made() -> dict[str, pl.DataFrame]:
    """Rows whose Jalali cells are worked out by hand below."""
    return {
        "customers": pl.DataFrame(
            {
                "customer_id": ["C1", "C2"],
                "created_at": [date(2025, 3, 20), date(2025, 3, 21)],
                "churned_at": [date(2026, 9, 23), None],
                "segment": ["SMB", "Enterprise"],
            }
        ),
        "deals": pl.DataFrame(
            {
                "deal_id": ["D1", "D2", "D3", "D4"],
                "created_at": [date(2026, 9, 22)] * 4,
                "status": ["won", "lost", "open", "won"],
                "amount": [1_234_567.5, 5_000.0, None, 999.99],
            }
        ),
        "tickets": pl.DataFrame(
            {
                "ticket_id": ["T1", "T2"],
                "created_at": [datetime(2026, 9, 23, 14, 30, 5), datetime(2021, 3, 22, 0, 30)],
                "csat": [5, None],
            }
        ),
    }


def test_hand_worked_cells(tmp_path: Path) -> None:
    written = write_sample(tmp_path, _hand_made(), calendar="jalali")
    assert [p.name for p in written] == ["مشتریان.csv", "معاملات.csv", "تیکت\u200cها.csv",
                                         "crmkpi.yaml"]  # fmt: skip
    # 1 Farvardin 1404 = 2025-03-21, so 2025-03-20 is the last day of 1403
    # (a leap year: Esfand 30); 1 Mehr 1405 = 2026-09-23.
    # Without names, each customer is named by its code (the key Didar's
    # deals and tickets carry is the name).
    assert (tmp_path / "مشتریان.csv").read_text(encoding="utf-8").splitlines() == [
        BOM + "کد,تاریخ ایجاد,تاریخ ریزش,دسته\u200cبندی,نام مشتری",
        "C1,۱۴۰۳/۱۲/۳۰,۱۴۰۵/۰۷/۰۱,کسب\u200cوکار کوچک,C1",
        "C2,۱۴۰۴/۰۱/۰۱,,سازمانی,C2",
    ]
    # Arabic separators: ٬ thousands, ٫ decimal; whole amounts without decimals.
    assert (tmp_path / "معاملات.csv").read_text(encoding="utf-8").splitlines()[1:] == [
        "D1,۱۴۰۵/۰۶/۳۱,موفق,۱٬۲۳۴٬۵۶۷٫۵۰",
        "D2,۱۴۰۵/۰۶/۳۱,ناموفق,۵٬۰۰۰",
        "D3,۱۴۰۵/۰۶/۳۱,جاری,",
        "D4,۱۴۰۵/۰۶/۳۱,موفق,۹۹۹٫۹۹",
    ]
    # 2021-03-22 00:30 never showed on a Tehran clock (DST began at midnight
    # on 2 Farvardin 1400): it is written as 01:30.
    assert (tmp_path / "تیکت\u200cها.csv").read_text(encoding="utf-8").splitlines()[1:] == [
        "T1,۱۴۰۵/۰۷/۰۱ ۱۴:۳۰:۰۵,۵",
        "T2,۱۴۰۰/۰۱/۰۲ ۰۱:۳۰:۰۰,",
    ]
    config = load_config(tmp_path / "crmkpi.yaml", tmp_path)
    assert sorted(config.sources) == ["customers", "deals", "tickets"]


def test_a_repeated_name_is_made_unique_and_the_deals_keep_their_customer(tmp_path: Path) -> None:
    tables = {
        "customers": pl.DataFrame(
            {
                "customer_id": ["C1", "C2", "C3"],
                "created_at": [date(2025, 3, 21)] * 3,
                "name": ["Acme", "Acme", "Beta"],
            }
        ),
        "deals": pl.DataFrame(
            {
                "deal_id": ["D1", "D2", "D3"],
                "created_at": [date(2025, 3, 21)] * 3,
                "status": ["open"] * 3,
                "customer_id": ["C2", "C1", None],
            }
        ),
    }
    write_sample(tmp_path, tables, calendar="jalali")
    customers = pl.read_csv(tmp_path / "مشتریان.csv", infer_schema=False)
    assert customers["کد"].to_list() == ["C1", "C2", "C3"]
    assert customers["نام مشتری"].to_list() == ["Acme", "Acme (2)", "Beta"]
    deals = pl.read_csv(tmp_path / "معاملات.csv", infer_schema=False)
    assert deals["نام مشتری"].to_list() == ["Acme (2)", "Acme", None]


def test_validate_uses_the_didar_preset(folders: tuple[Path, Path], tmp_path: Path) -> None:
    _, jalali = folders
    result = runner.invoke(app, ["validate", "-c", str(jalali / "crmkpi.yaml")])
    assert result.exit_code == 0, result.stderr
    assert "preset: didar (matched 12 of 12 columns)" in result.stdout
    assert result.stdout.endswith("all inputs valid\n")
    # Without a config, the Didar files alone are recognised by their headers.
    for name in DIDAR:
        shutil.copy(jalali / name, tmp_path / name)
    result = runner.invoke(app, ["validate", "-d", str(tmp_path)])
    assert result.exit_code == 0, result.stderr
    for matched in ("8 of 8", "12 of 12", "10 of 10"):
        assert f"preset: didar (detected: matched {matched} columns)" in result.stdout


# --- deterministic ---------------------------------------------------------------


def test_same_arguments_give_byte_identical_files(tmp_path: Path) -> None:
    first, again = tmp_path / "a", tmp_path / "b"
    write_sample(first, generate_sample(120, 4, AS_OF), calendar="jalali")
    write_sample(again, generate_sample(120, 4, AS_OF), calendar="jalali")
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in again.iterdir())
    assert len(names) == 8
    for name in names:
        assert (first / name).read_bytes() == (again / name).read_bytes(), name


def test_an_unknown_calendar_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match='calendar "persian" is not one of gregorian, jalali'):
        write_sample(tmp_path / "x", _hand_made(), calendar="persian")
    assert not (tmp_path / "x").exists()
