"""Text files beyond plain CSV: whitespace-aligned columns and report footers.

Each test writes a small file in ``tmp_path`` and reads it through
``open_table`` (and ``load_table`` where problems or warnings matter); one test
reads the real CDNOW file when the shared data sets are present.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from crmkpi.canonical import TABLES
from crmkpi.config import SourceSpec
from crmkpi.errors import DataError
from crmkpi.schema import LoadContext, LoadedTable, load_table
from crmkpi.sources.loaders import FIELDS, ROW, WHITESPACE, RawTable, open_table

CDNOW = Path(__file__).parents[2].parent / "shared" / "datasets" / "cdnow-transactions"


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def cells(raw: RawTable) -> list[dict[str, object]]:
    return raw.frame.collect().to_dicts()


def ragged(raw: RawTable) -> list[tuple[int, int]]:
    assert raw.ragged is not None
    return [(r, f) for r, f in raw.ragged.select(ROW, FIELDS).rows()]


def load(path: Path, table: str, *, lenient: bool = False) -> LoadedTable:
    return load_table(
        open_table(path), TABLES[table], SourceSpec(table), LoadContext(lenient=lenient)
    )


def ragged_problems(error: DataError) -> list[tuple[int | None, str]]:
    """The wrong-field-count problems (a short row's empty required cells are others)."""
    return [(p.row, p.issue) for p in error.problems if p.issue.startswith("has ")]


def load_error(path: Path, table: str) -> DataError:
    with pytest.raises(DataError) as info:
        load(path, table)
    assert info.value.exit_code == 3
    return info.value


# --- whitespace-aligned text ----------------------------------------------------

# As CDNOW_master.txt writes it: a leading space, runs of spaces, CRLF.
ALIGNED = (
    " customer_id  date number_of_cds  dollar_value\r\n"
    " 00001 19970101  1   11.77\r\n"
    " 00002 19970112  5   77.00\r\n"
    "\r\n"
    " 00103 19970203  2\r\n"
    " 00104 19970204  1   9.99  extra\r\n"
    "00105\t19970205 3 0.00\r\n"
)


def test_txt_without_delimiters_is_split_on_whitespace(tmp_path: Path) -> None:
    raw = open_table(write(tmp_path, "orders.txt", ALIGNED))
    assert raw.headers == ("customer_id", "date", "number_of_cds", "dollar_value")
    rows = cells(raw)
    # header = line 1, blank line 4 is not a row
    assert [r[ROW] for r in rows] == [2, 3, 5, 6, 7]
    assert rows[0] == {
        ROW: 2,
        "customer_id": "00001",
        "date": "19970101",
        "number_of_cds": "1",
        "dollar_value": "11.77",
    }
    assert [r["customer_id"] for r in rows] == ["00001", "00002", "00103", "00104", "00105"]
    assert rows[2]["dollar_value"] is None  # short line: a missing cell, reported as ragged
    assert rows[4]["dollar_value"] == "0.00"  # a tab is whitespace too
    assert ragged(raw) == [(5, 3), (6, 5)]
    assert raw.footer is None


def test_whitespace_separator_can_be_named_for_any_suffix(tmp_path: Path) -> None:
    path = write(tmp_path, "orders.csv", "id   amount\na1   5\n")
    assert open_table(path).headers == ("id   amount",)  # sniffed: one CSV column
    raw = open_table(path, separator=WHITESPACE)
    assert raw.headers == ("id", "amount")
    assert cells(raw) == [{ROW: 2, "id": "a1", "amount": "5"}]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("customer id,created at\n", ("customer id", "created at")),  # commas win
        ("customer_id;created_at\n", ("customer_id", "created_at")),
        ("customer_id\n", ("customer_id",)),  # one word: a one-column CSV
    ],
)
def test_txt_with_a_delimiter_or_one_word_stays_delimited(
    tmp_path: Path, header: str, expected: tuple[str, ...]
) -> None:
    assert open_table(write(tmp_path, "table.txt", header)).headers == expected


def test_whitespace_ragged_row_is_a_problem_with_its_line_number(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "customers.txt",
        "customer_id created_at\n\nc1 2026-01-05\nc2 2026-01-06 Berlin\nc3 2026-01-07\n",
    )
    error = load_error(path, "customers")
    assert ragged_problems(error) == [(4, "has 3 fields; the header has 2")]
    assert len(error.problems) == 1
    loaded = load(path, "customers", lenient=True)
    # sorted: schema's join with the ragged rows does not keep row order (reported)
    assert sorted(loaded.frame.select(ROW, "customer_id").rows()) == [(3, "c1"), (5, "c3")]
    assert loaded.skipped == 1
    assert loaded.skipped_by_reason == {"wrong number of fields": 1}


def test_whitespace_duplicate_headers_are_renamed_as_in_csv(tmp_path: Path) -> None:
    raw = open_table(write(tmp_path, "t.txt", "id amount amount\nx 1 2\n"))
    assert raw.headers == ("id", "amount", "amount_duplicated_0")
    assert cells(raw) == [{ROW: 2, "id": "x", "amount": "1", "amount_duplicated_0": "2"}]


def test_real_cdnow_file() -> None:
    path = CDNOW / "CDNOW_master.txt"
    if not path.is_file():
        pytest.skip(f"shared data set not present: {path}")
    raw = open_table(path)
    assert raw.headers == ("customer_id", "date", "number_of_cds", "dollar_value")
    assert ragged(raw) == []
    frame = raw.frame.collect()
    assert frame.height == 69_659
    assert frame["customer_id"][0] == "00001"
    assert frame["customer_id"].str.len_chars().unique().to_list() == [5]
    assert frame[ROW][-1] == 69_660
    total = frame["dollar_value"].cast(pl.Float64).sum()
    assert total == pytest.approx(2_500_315.63, abs=0.005)


# --- report footers -------------------------------------------------------------

DEALS = '"Deal ID","Created At","Status","Closed At","Amount"\n'
FOOTER = (
    "\n"
    '"Grand Totals (3 records)"\n'
    '"Copyright (c) 2000-2010 salesforce.com, inc. All rights reserved."\n'
    '"Confidential Information - Do Not Distribute"\n'
    '"Generated By:  Jane Doe  3/5/2024 10:00 AM"\n'
    '"Acme Inc."\n'
)
DEAL_ROWS = (
    '"d1","2026-01-05","won","2026-02-01","1,200.00"\n'
    '"d2","2026-01-06","open","",""\n'
    '"d3","2026-01-07","lost","2026-02-03","300"\n'
)


def test_salesforce_report_footer_is_cut_with_a_warning(tmp_path: Path) -> None:
    # header = row 1, deals rows 2-4, blank row 5, footer rows 6-10
    path = write(tmp_path, "deals.csv", DEALS + DEAL_ROWS + FOOTER)
    raw = open_table(path)
    assert raw.footer == (6, 10)
    assert ragged(raw) == []
    loaded = load(path, "deals")
    assert loaded.rows == 3
    assert loaded.skipped == 0
    assert loaded.frame["deal_id"].to_list() == ["d1", "d2", "d3"]
    assert loaded.frame["amount"].to_list() == [1200.0, None, 300.0]
    assert "deals: cut a 5-line report footer (rows 6–10 of deals.csv)" in loaded.warnings


def test_footer_with_blank_lines_inside_and_at_the_end(tmp_path: Path) -> None:
    footer = '\n\n"Grand Totals (3 records)"\n\n"Acme Inc."\n\n'
    # rows 2-4 deals, 5-6 blank, 7 totals, 8 blank, 9 company, 10 blank
    raw = open_table(write(tmp_path, "deals.csv", DEALS + DEAL_ROWS + footer))
    assert raw.footer == (7, 9)
    assert [r["Deal ID"] for r in cells(raw) if r["Deal ID"]] == ["d1", "d2", "d3"]


def test_footer_is_found_when_a_quoted_cell_breaks_a_line(tmp_path: Path) -> None:
    # A line break inside quotes sends the count to the csv module: rows are records
    # (header 1, d1 2, d2 3, blank 4, footer 5-6).
    text = '"Deal ID","Note"\n"d1","two\nlines"\n"d2","one line"\n\n"Grand Totals"\n"Acme"\n'
    raw = open_table(write(tmp_path, "deals.csv", text))
    assert raw.footer == (5, 6)
    assert [r["Deal ID"] for r in cells(raw)] == ["d1", "d2", None]
    assert ragged(raw) == []


def test_quoted_line_break_and_data_after_one_field_lines_means_no_footer(
    tmp_path: Path,
) -> None:
    # Counted by the csv module (records: header 1, d1 2, blank 3, totals 4, d2 5).
    text = '"Deal ID","Note"\n"d1","two\nlines"\n\n"Totals"\n"d2","x"\n'
    raw = open_table(write(tmp_path, "deals.csv", text))
    assert raw.footer is None
    assert ragged(raw) == [(4, 1)]


def test_one_field_line_between_data_rows_is_a_ragged_row(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "deals.csv",
        DEALS
        + '"d1","2026-01-05","won","2026-02-01","100"\n'
        + '"Subtotal"\n'
        + '"d2","2026-01-06","open","",""\n',
    )
    raw = open_table(path)
    assert raw.footer is None
    assert ragged(raw) == [(3, 1)]
    error = load_error(path, "deals")
    assert ragged_problems(error) == [(3, "has 1 field; the header has 5")]
    assert {p.row for p in error.problems} == {3}  # its empty required cells are row 3's too


def test_one_field_lines_at_the_end_without_a_blank_line_are_ragged(tmp_path: Path) -> None:
    path = write(tmp_path, "deals.csv", DEALS + DEAL_ROWS + FOOTER.lstrip("\n"))
    raw = open_table(path)
    assert raw.footer is None
    assert [row for row, _ in ragged(raw)] == [5, 6, 7, 8, 9]
    rows = [row for row, _ in ragged_problems(load_error(path, "deals"))]
    assert rows == [5, 6, 7, 8, 9]


def test_data_row_after_the_one_field_lines_means_no_footer(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "deals.csv",
        DEALS + DEAL_ROWS + '\n"Grand Totals"\n"d4","2026-01-08","open","",""\n',
    )
    raw = open_table(path)
    assert raw.footer is None
    assert ragged(raw) == [(6, 1)]  # row 5 is blank, row 7 is data again
    error = load_error(path, "deals")
    assert ragged_problems(error) == [(6, "has 1 field; the header has 5")]
    assert {p.row for p in error.problems} == {6}


def test_one_column_file_has_no_footer(tmp_path: Path) -> None:
    # Every line of a one-column file has one field: nothing marks a footer.
    raw = open_table(write(tmp_path, "ids.csv", "customer_id\nc1\n\nc3\n"))
    assert raw.footer is None
    assert [r["customer_id"] for r in cells(raw)] == ["c1", None, "c3"]
