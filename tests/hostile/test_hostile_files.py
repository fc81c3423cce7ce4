"""Hostile data files through the real CLI: broken copies of the sample.

Protects SPEC.md "Errors and exit codes": bad input is exit 3 with a message
that names the file, the row, the column and the value and says what was
expected; never a traceback, never a silently wrong number, and never a
side effect (the data folder and yesterday's report stay byte-identical).
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path

import pytest
import xlsxwriter
from _hostile import PERIOD, Scene, kpi_values, snapshot, write_rows

# The non-ASCII name that Excel's "CSV" (cp1252) and "Unicode text" (UTF-16) saves carry.
NAME = "Société Générale"


def _is_won(row: dict[str, str]) -> bool:
    return row["status"] == "won"


def _won_rows(scene: Scene, count: int) -> list[int]:
    """The spreadsheet rows of the first ``count`` won deals."""
    header, *body = scene.rows("deals.csv")
    status = header.index("status")
    return [n for n, cells in enumerate(body, start=2) if cells[status] == "won"][:count]


def test_empty_file_is_refused_as_empty(scene: Scene) -> None:
    (scene.data / "deals.csv").write_bytes(b"")
    outcome = scene.report()
    scene.assert_refused(outcome, 3, "deals.csv", "is empty")


def test_header_only_file_is_a_valid_table_of_zero_rows(scene: Scene) -> None:
    write_rows(scene.data / "deals.csv", scene.rows("deals.csv")[:1])
    outcome = scene.report()
    assert outcome.code == 0, outcome
    assert "Traceback" not in outcome.output
    doc = json.loads(scene.out.read_text(encoding="utf-8"))
    assert doc["inputs"]["deals"] == {
        "path": "deals.csv", "preset": "generic", "rows": 0, "skipped": 0,
        "skipped_share": 0, "skipped_by_reason": {}, "latest": None, "stale": False,
    }  # fmt: skip
    kpis = {k["id"]: k for k in doc["kpis"]}
    assert (kpis["revenue"]["value"], kpis["won_deals"]["value"]) == (0, 0)  # empty sums are 0
    assert kpis["win_rate"]["value"] is None
    assert kpis["win_rate"]["reason"] == "no deals won or lost in period"


@pytest.mark.parametrize("command", ["report", "validate"])
@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_random_bytes_in_a_csv(scene: Scene, command: str, seed: int) -> None:
    (scene.data / "deals.csv").write_bytes(random.Random(seed).randbytes(4096))
    period = PERIOD if command == "report" else ()
    outcome = scene.run(command, "-d", str(scene.data), *period)
    # Where the first foreign byte is, and that this is no CSV at all.
    scene.assert_refused(outcome, 3, "deals.csv, line ", ": byte 0x", "not a text file")


def test_control_character_in_a_text_cell_is_text(scene: Scene) -> None:
    row = scene.find_row("customers.csv", lambda r: " " in r["name"])
    scene.edit("customers.csv", row, "name", "Meri\x1fdian\x07 Insurance")
    outcome = scene.report()
    assert outcome.code == 0, outcome
    assert json.loads(scene.out.read_text(encoding="utf-8"))["inputs"]["customers"]["rows"] == 200


def test_truncated_xlsx(scene: Scene) -> None:
    rows = scene.rows("deals.csv")
    book = xlsxwriter.Workbook(scene.data / "deals.xlsx")
    sheet = book.add_worksheet("Deals")
    for number, cells in enumerate(rows):
        sheet.write_row(number, 0, cells)
    book.close()
    whole = (scene.data / "deals.xlsx").read_bytes()
    (scene.data / "deals.xlsx").write_bytes(whole[: len(whole) // 2])
    (scene.data / "deals.csv").unlink()
    outcome = scene.report()
    scene.assert_refused(outcome, 3, "deals.xlsx", "cannot read")


def _customers_text(scene: Scene) -> str:
    """customers.csv with a name that only UTF-8, UTF-16 or cp1252 can spell."""
    row = scene.find_row("customers.csv", lambda r: bool(r["name"]))
    scene.edit("customers.csv", row, "name", NAME)
    return (scene.data / "customers.csv").read_text(encoding="utf-8")


def test_utf16_unicode_text_save_is_read(scene: Scene, baseline: dict[str, object]) -> None:
    # Excel's "Unicode text": UTF-16 little-endian with a BOM, tab-separated, CRLF.
    text = _customers_text(scene).replace(",", "\t").replace("\n", "\r\n")
    (scene.data / "customers.tsv").write_bytes(text.encode("utf-16"))
    (scene.data / "customers.csv").unlink()
    outcome = scene.report()
    assert outcome.code == 0, outcome
    assert kpi_values(json.loads(scene.out.read_text(encoding="utf-8"))) == kpi_values(baseline)


def test_cp1252_file_says_which_encoding_to_declare(scene: Scene) -> None:
    (scene.data / "customers.csv").write_bytes(_customers_text(scene).encode("cp1252"))
    outcome = scene.report()
    scene.assert_refused(outcome, 3, "customers.csv", "not UTF-8", "encoding: cp1252")


def test_cp1252_file_is_read_when_declared(scene: Scene, baseline: dict[str, object]) -> None:
    (scene.data / "customers.csv").write_bytes(_customers_text(scene).encode("cp1252"))
    config = scene.config("sources:\n  customers:\n    encoding: cp1252\n")
    outcome = scene.report("-c", str(config))
    assert outcome.code == 0, outcome
    assert kpi_values(json.loads(scene.out.read_text(encoding="utf-8"))) == kpi_values(baseline)


def test_semicolon_separated_files_give_the_same_report(
    scene: Scene, baseline: dict[str, object]
) -> None:
    for name in ("deals.csv", "customers.csv"):
        write_rows(scene.data / name, scene.rows(name), delimiter=";")
    outcome = scene.report()
    assert outcome.code == 0, outcome
    assert kpi_values(json.loads(scene.out.read_text(encoding="utf-8"))) == kpi_values(baseline)


@pytest.mark.parametrize("command", ["report", "check", "validate"])
def test_impossible_date(scene: Scene, command: str) -> None:
    row = scene.find_row("deals.csv", _is_won)
    scene.edit("deals.csv", row, "closed_at", "2026-02-30")
    period = () if command == "validate" else PERIOD
    if command == "check":  # it needs a rule: a config in the current folder, not the data's
        scene.config("kpis:\n  - win_rate: {fail: '< 10%'}\n")
    outcome = scene.run(command, "-d", str(scene.data), *period)
    scene.assert_refused(
        outcome,
        3,
        "deals.csv: 1 problem in deals",
        f'deals.csv, row {row}, column closed_at: "2026-02-30" is not a date (expected a date',
    )


@pytest.mark.parametrize(
    ("config", "flagged"),
    [
        ("", {"13/12/2023", "12/29/2023"}),
        # With the day-first format declared, only the month-first date fits neither.
        ("sources:\n  customers:\n    date_format: '%d/%m/%Y'\n", {"12/29/2023"}),
    ],
)
def test_dates_in_three_formats_in_one_column(scene: Scene, config: str, flagged: set[str]) -> None:
    rows = {"13/12/2023": 3, "12/29/2023": 4}
    for value, row in rows.items():
        scene.edit("customers.csv", row, "created_at", value)
    outcome = scene.report("-c", str(scene.config(config + "kpis: [new_customers]\n")))
    if len(flagged) == 1:  # a lone problem: its row and value
        (value,) = flagged
        problems = [f'customers.csv, row {rows[value]}, column created_at: "{value}" is not a date']
    else:  # one line for both, in file order; a mix of day and month first has no one format
        problems = ['column created_at: not a date in 2 rows (3, 4): "13/12/2023", "12/29/2023"']
        assert "date_format" not in outcome.stderr
    scene.assert_refused(outcome, 3, f"{len(flagged)} problem", *problems)
    assert "row 2," not in outcome.stderr  # the ISO dates around them are fine
    for value in set(rows) - flagged:
        assert value not in outcome.stderr


def test_negative_and_non_numeric_amounts(scene: Scene) -> None:
    first, second = _won_rows(scene, 2)
    scene.edit("deals.csv", first, "amount", "-1200.50")
    scene.edit("deals.csv", second, "amount", "twelve hundred")
    outcome = scene.report()
    scene.assert_refused(
        outcome,
        3,
        "deals.csv: 2 problems in deals",
        f'deals.csv, row {first}, column amount: "-1200.50" is negative',
        f'deals.csv, row {second}, column amount: "twelve hundred" is not an amount (expected',
    )


def test_duplicate_ids_name_both_rows(scene: Scene) -> None:
    deal_id = scene.cell("deals.csv", 2, "deal_id")
    scene.edit("deals.csv", 3, "deal_id", deal_id)
    outcome = scene.report()
    scene.assert_refused(
        outcome,
        3,
        f'deals.csv, column deal_id: duplicate deal_id in 2 rows (2, 3): "{deal_id}" '
        "(expected each id once)",
    )


def test_duplicate_ids_are_all_skipped_when_lenient(scene: Scene) -> None:
    scene.edit("deals.csv", 3, "deal_id", scene.cell("deals.csv", 2, "deal_id"))
    rows = len(scene.rows("deals.csv")) - 1
    outcome = scene.report("--lenient")
    assert outcome.code == 0, outcome
    deals = json.loads(scene.out.read_text(encoding="utf-8"))["inputs"]["deals"]
    assert (deals["rows"], deals["skipped"]) == (rows, 2)  # no copy is more right
    assert deals["skipped_by_reason"] == {"duplicate deal_id": 2}
    assert f"deals: skipped 2 rows of {rows}, 0.5% (duplicate deal_id: 2)" in outcome.stderr


def _rename_created_at(scene: Scene) -> None:
    rows = scene.rows("deals.csv")
    rows[0][rows[0].index("created_at")] = "opened_on"
    write_rows(scene.data / "deals.csv", rows)


def test_renamed_required_column(scene: Scene) -> None:
    _rename_created_at(scene)
    outcome = scene.report()
    scene.assert_refused(
        outcome, 3, "deals.csv, row 1, column created_at: required column created_at not found"
    )
    assert '"opened_on"' in outcome.stderr  # the headers found are listed


def test_renamed_required_column_says_how_to_map_it(scene: Scene) -> None:
    _rename_created_at(scene)
    outcome = scene.report()
    scene.assert_refused(
        outcome, 3, "map yours in the config with sources.deals.columns: {created_at:"
    )
    assert 'the closest header is "closed_at"' not in outcome.stderr  # closed_at is mapped


def test_closed_at_before_created_at(scene: Scene) -> None:
    row = scene.find_row("deals.csv", _is_won)
    created = scene.cell("deals.csv", row, "created_at")
    closed = (date.fromisoformat(created) - timedelta(days=1)).isoformat()
    scene.edit("deals.csv", row, "closed_at", closed)
    outcome = scene.report()
    scene.assert_refused(
        outcome,
        3,
        f'deals.csv, row {row}, column closed_at: "{closed}" is before created_at {created}',
    )


def test_won_deal_without_amount(scene: Scene) -> None:
    row = scene.find_row("deals.csv", _is_won)
    scene.edit("deals.csv", row, "amount", "")
    outcome = scene.report()
    scene.assert_refused(
        outcome,
        3,
        f"deals.csv, row {row}, column amount: is empty (expected an amount for a won deal)",
    )


def test_a_file_that_is_a_directory(scene: Scene) -> None:
    (scene.data / "deals.csv").unlink()
    (scene.data / "deals.csv").mkdir()
    outcome = scene.report()
    scene.assert_refused(outcome, 3, "deals.csv", "is a folder")


def test_absent_deals_is_not_replaced_by_deal_stages(scene: Scene) -> None:
    (scene.data / "deals.csv").unlink()
    outcome = scene.report()
    assert outcome.code == 0, outcome
    kpis = {k["id"]: k for k in json.loads(scene.out.read_text(encoding="utf-8"))["kpis"]}
    assert kpis["revenue"]["value"] is None
    assert kpis["revenue"]["reason"].startswith("deals table missing")


@pytest.mark.parametrize(
    ("where", "words"),
    [("nope", "nope: data folder not found"), ("data/deals.csv", "deals.csv: is not a folder")],
)
def test_missing_data_folder(scene: Scene, where: str, words: str) -> None:
    outcome = scene.run("report", "-d", str(scene.root / where), *PERIOD, "-o", str(scene.out))
    scene.assert_refused(outcome, 3, words)


def test_many_identical_problems_are_one_line_with_their_count(scene: Scene) -> None:
    for row in range(2, 27):
        scene.edit("deals.csv", row, "created_at", f"someday {row}")
    outcome = scene.report()
    rows = len(scene.rows("deals.csv")) - 1
    scene.assert_refused(
        outcome,
        3,
        "deals.csv: 25 problems in deals",
        "deals.csv, column created_at: not a date in 25 rows (2, 3, 4, 5, 6 …): "
        '"someday 2", "someday 3", "someday 4" … (expected a date like 2026-10-05)',
        f"skip them and report the rest with --lenient (25 of {rows} rows,",
    )
    assert len(outcome.stderr.splitlines()) == 3  # headline, the group, the fix
    assert "someday 5" not in outcome.stderr


def test_snapshot_sees_a_changed_byte(tmp_path: Path) -> None:
    """The no-side-effect check can fail: one changed byte changes the snapshot."""
    (tmp_path / "a.csv").write_bytes(b"x,y\n1,2\n")
    before = snapshot(tmp_path)
    (tmp_path / "a.csv").write_bytes(b"x,y\n1,3\n")
    assert snapshot(tmp_path) != before
