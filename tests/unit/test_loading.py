"""Files on disk to canonical tables: formats, header matching, row numbers,
validation problems (strict and lenient) and ``load_inputs``.

Every test writes a real file in ``tmp_path`` and reads it through
``open_table`` + ``load_table`` (or ``load_inputs``), as the CLI does.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from crmkpi.canonical import TABLES
from crmkpi.config import Config, SourceSpec
from crmkpi.errors import DataError, Problem
from crmkpi.inputs import load_inputs
from crmkpi.schema import LoadContext, LoadedTable, load_table
from crmkpi.sources.loaders import ROW, RawTable, open_table


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def load(
    path: Path,
    table: str,
    *,
    lenient: bool = False,
    currency: str | None = None,
    timezone: str = "UTC",
    source: SourceSpec | None = None,
    counted: bool = True,
) -> LoadedTable:
    raw = open_table(path, counted=counted)
    ctx = LoadContext(timezone=timezone, currency=currency, lenient=lenient)
    return load_table(raw, TABLES[table], source or SourceSpec(table), ctx)


def load_error(path: Path, table: str, **kwargs: object) -> DataError:
    with pytest.raises(DataError) as info:
        load(path, table, **kwargs)  # type: ignore[arg-type]
    assert info.value.exit_code == 3
    return info.value


def column(loaded: LoadedTable, name: str) -> list[object]:
    return loaded.frame[name].to_list()


def only_problem(error: DataError) -> Problem:
    assert len(error.problems) == 1, str(error)
    return error.problems[0]


def d(text: str) -> date:
    return date.fromisoformat(text)


# --- formats ----------------------------------------------------------------


def test_csv_with_utf8_bom(tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_bytes(b"\xef\xbb\xbfcustomer_id,created_at\nc1,2026-01-05\nc2,2026-02-01\n")
    loaded = load(path, "customers")
    assert loaded.columns == ("customer_id", "created_at")
    assert column(loaded, "customer_id") == ["c1", "c2"]
    assert column(loaded, "created_at") == [d("2026-01-05"), d("2026-02-01")]
    assert loaded.rows == 2
    assert loaded.skipped == 0


def test_headers_match_ignoring_case_spaces_underscores_and_dashes(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "customers.csv",
        "Created At,CUSTOMER-ID, churned_at ,Segment\n2026-01-05,c1,2026-03-01,SMB\n",
    )
    loaded = load(path, "customers")
    assert set(loaded.columns) == {"customer_id", "created_at", "churned_at", "segment"}
    assert loaded.frame.drop(ROW).row(0, named=True) == {
        "customer_id": "c1",
        "created_at": d("2026-01-05"),
        "churned_at": d("2026-03-01"),
        "segment": "SMB",
    }


def test_tsv(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "deals.tsv",
        "deal_id\tcreated_at\tstatus\tclosed_at\tamount\n"
        "d1\t2026-01-05\twon\t2026-02-01\t1,234.50\n"
        "d2\t2026-01-06\topen\t\t\n",
    )
    loaded = load(path, "deals")
    assert column(loaded, "deal_id") == ["d1", "d2"]
    assert column(loaded, "amount") == [1234.5, None]
    assert column(loaded, "closed_at") == [d("2026-02-01"), None]


def test_semicolon_csv_is_sniffed(tmp_path: Path) -> None:
    # Excel in many locales saves ";" with "," decimals.
    path = write(
        tmp_path,
        "deals.csv",
        "deal_id;created_at;status;closed_at;amount\n"
        "d1;2026-01-05;won;2026-02-01;1.234,50\n"
        "d2;2026-01-06;lost;2026-02-03;0,5\n",
    )
    loaded = load(path, "deals", source=SourceSpec("deals", decimal=","))
    assert loaded.columns == ("deal_id", "created_at", "status", "closed_at", "amount")
    assert column(loaded, "amount") == [1234.5, 0.5]
    assert column(loaded, "status") == ["won", "lost"]


def _workbook(path: Path, rows: list[list[object]]) -> Path:
    """An .xlsx whose datetime cells are real dates; None leaves a cell blank."""
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Customers")
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            if value is None:
                continue
            if isinstance(value, datetime):
                sheet.write_datetime(r, c, value, date_format)
            else:
                sheet.write(r, c, value)
    workbook.close()
    return path


def test_xlsx_with_date_cells_numeric_ids_and_na_text(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "customers.xlsx",
        [
            ["Customer ID", "Created At", "Churned At", "Segment"],
            [101, datetime(2026, 1, 5), "N/A", "SMB"],
            [102, datetime(2026, 2, 1), datetime(2026, 6, 30), "Enterprise"],
            ["c-103", 46000, None, None],  # a date cell stored as a bare serial number
        ],
    )
    loaded = load(path, "customers")
    assert column(loaded, "customer_id") == ["101", "102", "c-103"]
    assert column(loaded, "created_at") == [d("2026-01-05"), d("2026-02-01"), d("2025-12-09")]
    assert column(loaded, "churned_at") == [None, d("2026-06-30"), None]
    assert column(loaded, "segment") == ["SMB", "Enterprise", None]
    assert column(loaded, ROW) == [2, 3, 4]
    assert loaded.latest == d("2026-06-30")


def test_xlsx_blank_row_keeps_row_numbers(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "customers.xlsx",
        [
            ["customer_id", "created_at"],
            ["c1", datetime(2026, 1, 5)],
            [],  # row 3 is blank
            ["c3", "2026-02-30"],  # row 4
        ],
    )
    problem = only_problem(load_error(path, "customers"))
    assert (problem.row, problem.column, problem.value) == (4, "created_at", "2026-02-30")


def test_parquet_written_by_polars(tmp_path: Path) -> None:
    path = tmp_path / "deals.parquet"
    pl.DataFrame(
        {
            "deal_id": [1, 2],
            "created_at": [date(2026, 1, 5), date(2026, 1, 6)],
            "status": ["won", "open"],
            "closed_at": [date(2026, 2, 1), None],
            "amount": [1234.5, None],
        }
    ).write_parquet(path)
    loaded = load(path, "deals")
    assert column(loaded, "deal_id") == ["1", "2"]
    assert column(loaded, "created_at") == [d("2026-01-05"), d("2026-01-06")]
    assert column(loaded, "closed_at") == [d("2026-02-01"), None]
    assert column(loaded, "amount") == [1234.5, None]
    assert column(loaded, ROW) == [2, 3]


def test_parquet_tz_aware_datetimes(tmp_path: Path) -> None:
    path = tmp_path / "tickets.parquet"
    pl.DataFrame(
        {
            "ticket_id": ["t1"],
            "created_at": [datetime(2026, 10, 5, 12, 30, tzinfo=UTC)],
            "csat": [5],
        }
    ).write_parquet(path)
    loaded = load(path, "tickets", timezone="Europe/Berlin")
    (created,) = column(loaded, "created_at")
    assert created.astimezone(UTC) == datetime(2026, 10, 5, 12, 30, tzinfo=UTC)
    assert column(loaded, "csat") == [5]


def test_blank_line_is_skipped_and_later_rows_keep_their_numbers(tmp_path: Path) -> None:
    text = "customer_id,created_at\nc1,2026-01-05\n\nc3,2026-02-01\nc4,2026-02-30\n"
    path = write(tmp_path, "customers.csv", text)
    # header = row 1, c1 = row 2, blank = row 3, c3 = row 4, c4 = row 5
    problem = only_problem(load_error(path, "customers"))
    assert (problem.row, problem.value) == (5, "2026-02-30")
    loaded = load(path, "customers", lenient=True)
    assert column(loaded, ROW) == [2, 4]
    assert column(loaded, "customer_id") == ["c1", "c3"]
    assert loaded.rows == 3  # the blank line is not a row
    assert loaded.skipped == 1


def test_header_only_file_is_an_empty_valid_table(tmp_path: Path) -> None:
    path = write(tmp_path, "customers.csv", "customer_id,created_at,churned_at\n")
    loaded = load(path, "customers")
    assert loaded.frame.height == 0
    assert loaded.rows == 0
    assert loaded.skipped == 0
    assert loaded.latest is None
    assert loaded.columns == ("customer_id", "created_at", "churned_at")
    assert loaded.frame.schema["created_at"] == pl.Date


# --- strict validation: problems name file, row, column and value -------------


def test_impossible_date(tmp_path: Path) -> None:
    path = write(
        tmp_path, "customers.csv", "customer_id,created_at\nc1,2026-01-05\nc2,2026-02-30\n"
    )
    error = load_error(path, "customers")
    assert 'customers.csv, row 3, column created_at: "2026-02-30" is not a date' in str(error)
    problem = only_problem(error)
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "customers.csv",
        3,
        "created_at",
        "2026-02-30",
    )
    assert problem.expected  # says what was expected


def test_problem_names_the_header_as_written(tmp_path: Path) -> None:
    path = write(tmp_path, "customers.csv", "Customer ID,Created At\nc1,31/02/2026\n")
    text = str(load_error(path, "customers"))
    assert "customers.csv, row 2," in text
    assert "Created At" in text
    assert '"31/02/2026" is not a date' in text


def test_missing_required_column_suggests_the_closest_header(tmp_path: Path) -> None:
    path = write(tmp_path, "customers.csv", "customer_id,Created\nc1,2026-01-05\n")
    error = load_error(path, "customers")
    problem = only_problem(error)
    assert problem.file == "customers.csv"
    assert problem.column == "created_at"
    text = str(error)
    assert "customers.csv" in text
    assert "created_at" in text
    assert '"Created"' in problem.issue  # the suggestion


def test_missing_required_columns_are_all_listed(tmp_path: Path) -> None:
    path = write(tmp_path, "deals.csv", "id,opened\nd1,2026-01-05\n")
    error = load_error(path, "deals")
    assert {p.column for p in error.problems} == {"deal_id", "created_at", "status"}


@pytest.mark.parametrize("empty", ["", "N/A", "null", "  "])
def test_empty_required_cell(tmp_path: Path, empty: str) -> None:
    path = write(tmp_path, "customers.csv", f"customer_id,created_at\nc1,2026-01-05\nc2,{empty}\n")
    error = load_error(path, "customers")
    problem = only_problem(error)
    assert (problem.row, problem.column) == (3, "created_at")
    assert "customers.csv, row 3, column created_at: is empty" in str(error)


def test_typed_cells_read_raw_are_cleaned_as_text_cells_are(tmp_path: Path) -> None:
    """Typed columns are parsed from the raw cells and cleaned only where the
    fast path fails (schema._read_raw): padded values still parse, missing
    tokens are missing, a row of blanks and tokens is an empty row, and a bad
    value is quoted as cleaned text."""
    path = write(
        tmp_path,
        "deals.csv",
        "deal_id,created_at,status,closed_at,amount\n"
        "d1, 2026-01-05 ,won,2026-02-01,  1200.50\n"
        "d2,2026-01-06,open,N/A,-\n"
        " , NA ,,  ,null\n"
        "d3,2026-01-07,lost,2026-03-01 , \n",
    )
    loaded = load(path, "deals")
    assert column(loaded, "created_at") == [d("2026-01-05"), d("2026-01-06"), d("2026-01-07")]
    assert column(loaded, "closed_at") == [d("2026-02-01"), None, d("2026-03-01")]
    assert column(loaded, "amount") == [1200.5, None, None]
    assert column(loaded, ROW) == [2, 3, 5]
    bad = write(tmp_path, "customers.csv", "customer_id,created_at\nc1,  soon \n")
    problem = only_problem(load_error(bad, "customers"))
    assert (problem.row, problem.column, problem.value) == (2, "created_at", "soon")


def test_empty_id_is_a_problem(tmp_path: Path) -> None:
    path = write(tmp_path, "customers.csv", "customer_id,created_at\n,2026-01-05\n")
    problem = only_problem(load_error(path, "customers"))
    assert (problem.row, problem.column) == (2, "customer_id")


def test_duplicate_ids_list_both_rows(tmp_path: Path) -> None:
    # ids are compared as text after trimming: " c1 " is c1
    path = write(
        tmp_path,
        "customers.csv",
        "customer_id,created_at\nc1,2026-01-05\nc2,2026-01-06\n c1 ,2026-01-07\n",
    )
    error = load_error(path, "customers")
    assert [(p.row, p.column, p.value) for p in error.problems] == [
        (2, "customer_id", "c1"),
        (4, "customer_id", "c1"),
    ]
    assert str(error).splitlines()[1] == (
        '  customers.csv, column customer_id: duplicate customer_id in 2 rows (2, 4): "c1" '
        "(expected each id once)"
    )


def test_duplicate_ids_are_reported_with_the_other_problems(tmp_path: Path) -> None:
    """Ids are first checked for repeats as a whole column (a gate); a repeat
    sends the table through every check row by row, and nothing is lost."""
    path = write(
        tmp_path,
        "tickets.csv",
        "ticket_id,created_at,customer_id\n"
        "t1,2026-01-05T10:00:00,c1\n"
        "t2,soon,c2\n"
        "t1,2026-01-07T10:00:00,c3\n",
    )
    error = load_error(path, "tickets")
    assert [(p.row, p.column, p.issue) for p in error.problems] == [
        (2, "ticket_id", "is a duplicate id (repeated further down)"),
        (3, "created_at", "is not a valid date-time"),
        (4, "ticket_id", "is a duplicate id (also in row 2)"),
    ]
    loaded = load(path, "tickets", lenient=True)
    assert loaded.skipped_by_reason == {
        "duplicate ticket_id": 2,
        "created_at is not a valid date-time": 1,
    }
    assert loaded.rows == 3
    assert loaded.frame.height == 0


@pytest.mark.parametrize(
    ("ids", "repeated"),
    [
        (["c1", "c2", "c2", "c3"], [3, 4]),  # sorted, with a repeat side by side
        (["c1", "c3", "c2", "c1"], [2, 5]),  # unsorted: counted by hashing
        (["c2", "c10", "c3"], []),  # unsorted as text, each once
        (["c1", "", "c2", "c3"], []),  # in order around an empty id (its own problem)
    ],
)
def test_repeated_ids_are_found_in_any_order(
    tmp_path: Path, ids: list[str], repeated: list[int]
) -> None:
    """The uniqueness gate answers at once for ids in increasing order; a
    repeat in such a column breaks that order and is still found."""
    rows = "".join(f"{i},2026-01-05\n" for i in ids)
    path = write(tmp_path, "customers.csv", "customer_id,created_at\n" + rows)
    loaded = load(path, "customers", lenient=True)
    duplicates = [p.row for p in loaded.problems if p.issue.startswith("is a duplicate id")]
    assert duplicates == repeated
    assert loaded.skipped == len(repeated) + ids.count("")


def test_empty_ids_are_not_repeats_of_each_other(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "deals.csv",
        "deal_id,created_at,status\n,2026-01-05,open\n,2026-01-06,open\nd3,2026-01-07,open\n",
    )
    error = load_error(path, "deals")
    assert [(p.row, p.issue) for p in error.problems] == [(2, "is empty"), (3, "is empty")]


def test_churned_before_created(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "customers.csv",
        "customer_id,created_at,churned_at\n"
        "c1,2026-03-01,2026-03-01\n"  # same day: allowed
        "c2,2026-03-01,2026-02-28\n",
    )
    error = load_error(path, "customers")
    problem = only_problem(error)
    assert (problem.row, problem.column, problem.value) == (3, "churned_at", "2026-02-28")
    assert 'customers.csv, row 3, column churned_at: "2026-02-28"' in str(error)


DEALS_HEADER = "deal_id,created_at,status,closed_at,amount\n"


@pytest.mark.parametrize(
    ("row", "column_name", "value"),
    [
        ("d2,2026-01-05,won,,100", "closed_at", None),
        ("d2,2026-01-05,lost,,", "closed_at", None),
        ("d2,2026-01-05,won,2026-02-01,", "amount", None),
        ("d2,2026-01-05,won,2026-01-04,100", "closed_at", "2026-01-04"),
        ("d2,2026-01-05,lost,2026-01-04,", "closed_at", "2026-01-04"),
        ("d2,2026-01-05,maybe,2026-02-01,100", "status", "maybe"),
        ("d2,2026-01-05,won,2026-02-01,-100", "amount", "-100"),
        ("d2,2026-01-05,won,2026-02-01,abc", "amount", "abc"),
    ],
)
def test_deal_rules(tmp_path: Path, row: str, column_name: str, value: str | None) -> None:
    path = write(tmp_path, "deals.csv", DEALS_HEADER + "d1,2026-01-05,won,2026-02-01,100\n" + row)
    error = load_error(path, "deals")
    problem = only_problem(error)
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "deals.csv",
        3,
        column_name,
        value,
    )
    assert f"deals.csv, row 3, column {column_name}: " in str(error)


def test_deal_status_is_case_insensitive(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "deals.csv",
        DEALS_HEADER
        + "d1,2026-01-05,Won,2026-02-01,100\n"
        + "d2,2026-01-05,LOST,2026-02-01,\n"
        + "d3,2026-01-05, Open ,,\n",
    )
    loaded = load(path, "deals")
    assert column(loaded, "status") == ["won", "lost", "open"]


def test_lost_deal_needs_no_amount_and_open_deal_no_close(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "deals.csv",
        DEALS_HEADER + "d1,2026-01-05,lost,2026-02-01,\nd2,2026-01-05,open,,\n",
    )
    assert load(path, "deals").frame.height == 2


def test_open_deal_closed_at_before_created_is_ignored(tmp_path: Path) -> None:
    # An open deal's closed_at is an expected date and is ignored (SCHEMA.md deals).
    path = write(tmp_path, "deals.csv", DEALS_HEADER + "d1,2026-03-01,open,2026-01-01,\n")
    loaded = load(path, "deals")
    assert column(loaded, "closed_at") == [None]


def test_deal_in_another_currency(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "deals.csv",
        "deal_id,created_at,status,closed_at,amount,currency\n"
        "d1,2026-01-05,won,2026-02-01,100,USD\n"
        "d2,2026-01-05,won,2026-02-01,100,usd\n"
        "d3,2026-01-05,won,2026-02-01,100,EUR\n",
    )
    error = load_error(path, "deals", currency="USD")
    problem = only_problem(error)
    assert (problem.row, problem.column, problem.value) == (4, "currency", "EUR")
    assert 'deals.csv, row 4, column currency: "EUR"' in str(error)
    assert "USD" in str(error)
    # the same file in a EUR report: d1 and d2 are the other ones
    error = load_error(path, "deals", currency="EUR")
    assert [p.row for p in error.problems] == [2, 3]


def test_ticket_first_response_before_created(tmp_path: Path) -> None:
    # Same day, an hour earlier: a comparison of dates would miss it.
    path = write(
        tmp_path,
        "tickets.csv",
        "ticket_id,created_at,first_response_at,resolved_at\n"
        "t1,2026-10-05T10:00:00,2026-10-05T10:00:00,2026-10-05T12:00:00\n"
        "t2,2026-10-05T10:00:00,2026-10-05T09:00:00,\n",
    )
    error = load_error(path, "tickets")
    problem = only_problem(error)
    assert (problem.row, problem.column, problem.value) == (
        3,
        "first_response_at",
        "2026-10-05T09:00:00",
    )
    assert 'tickets.csv, row 3, column first_response_at: "2026-10-05T09:00:00"' in str(error)


def test_ticket_resolved_before_created_across_offsets(tmp_path: Path) -> None:
    # 11:30+02:00 is 09:30 UTC, before 10:00 UTC.
    path = write(
        tmp_path,
        "tickets.csv",
        "ticket_id,created_at,resolved_at\nt1,2026-10-05T10:00:00Z,2026-10-05T11:30:00+02:00\n",
    )
    problem = only_problem(load_error(path, "tickets"))
    assert (problem.row, problem.column) == (2, "resolved_at")


@pytest.mark.parametrize(("csat", "ok"), [("1", True), ("5", True), ("6", False), ("0", False)])
def test_ticket_csat_range(tmp_path: Path, csat: str, ok: bool) -> None:
    path = write(tmp_path, "tickets.csv", f"ticket_id,created_at,csat\nt1,2026-10-05,{csat}\n")
    if ok:
        assert column(load(path, "tickets"), "csat") == [int(csat)]
        return
    error = load_error(path, "tickets")
    problem = only_problem(error)
    assert (problem.row, problem.column, problem.value) == (2, "csat", csat)
    assert f'tickets.csv, row 2, column csat: "{csat}" is out of range' in str(error)


@pytest.mark.parametrize(
    ("score", "ok"), [("0", True), ("10", True), ("9.0", True), ("11", False), ("-1", False)]
)
def test_survey_score_range(tmp_path: Path, score: str, ok: bool) -> None:
    path = write(tmp_path, "surveys.csv", f"responded_at,score\n2026-10-05,{score}\n")
    if ok:
        assert column(load(path, "surveys"), "score") == [int(float(score))]
        return
    error = load_error(path, "surveys")
    problem = only_problem(error)
    assert (problem.row, problem.column, problem.value) == (2, "score", score)
    assert f'surveys.csv, row 2, column score: "{score}"' in str(error)


def test_survey_score_not_whole(tmp_path: Path) -> None:
    path = write(tmp_path, "surveys.csv", "responded_at,score\n2026-10-05,9.5\n")
    problem = only_problem(load_error(path, "surveys"))
    assert (problem.row, problem.column, problem.value) == (2, "score", "9.5")


def test_twenty_five_identical_problems_are_one_line_with_their_count(tmp_path: Path) -> None:
    rows = "".join(f"c{i},2026-02-30\n" for i in range(25))
    path = write(tmp_path, "customers.csv", "customer_id,created_at\n" + rows)
    error = load_error(path, "customers")
    assert error.total == 25
    assert len(error.problems) == 20  # the first examples, for programs
    assert str(error).splitlines()[:2] == [
        "customers.csv: 25 problems in customers",
        "  customers.csv, column created_at: not a date in 25 rows (2, 3, 4, 5, 6 …): "
        '"2026-02-30" (expected a date like 2026-10-05)',
    ]


@pytest.mark.parametrize("counted", [True, False])
def test_ragged_row_with_more_fields_is_named(tmp_path: Path, counted: bool) -> None:
    path = write(
        tmp_path,
        "customers.csv",
        "customer_id,created_at\nc1,2026-01-05\nc2,2026-01-06\nc3,2026-01-07,extra\n",
    )
    with pytest.raises(DataError) as info:
        load(path, "customers", counted=counted)
    assert info.value.exit_code == 3
    problem = only_problem(info.value)
    assert problem.row == 4
    assert problem.issue == "has 3 fields; the header has 2"
    assert "customers.csv, row 4" in str(info.value)


@pytest.mark.parametrize("counted", [True, False])
def test_ragged_row_with_fewer_fields_is_a_bad_row(tmp_path: Path, counted: bool) -> None:
    # SPEC.md: a row with more OR fewer fields than the header is a bad row.
    path = write(
        tmp_path,
        "customers.csv",
        "customer_id,created_at,churned_at\nc1,2026-01-05,\nc2,2026-01-06\n",
    )
    with pytest.raises(DataError) as info:
        load(path, "customers", counted=counted)
    assert info.value.exit_code == 3
    assert [(p.row, p.issue) for p in info.value.problems] == [
        (3, "has 2 fields; the header has 3")
    ]


# An uncounted file (open_table(counted=False), what a report opens) is read
# first as if every row had the header's fields; its fields are counted only
# when a row may be short (an empty last cell) or polars refuses a long row.


def _counting(path: Path) -> tuple[RawTable, list[int]]:
    """The file opened uncounted, and a list that grows at each count of its fields."""
    raw = open_table(path, counted=False)
    calls: list[int] = []
    recount = raw.recount
    assert recount is not None

    def counted() -> RawTable:
        calls.append(1)
        return recount()

    return dataclasses.replace(raw, recount=counted), calls


def _customers(raw: RawTable) -> LoadedTable:
    return load_table(raw, TABLES["customers"], SourceSpec("customers"), LoadContext())


def test_a_file_with_a_full_last_column_is_not_counted(tmp_path: Path) -> None:
    path = write(
        tmp_path, "customers.csv", "customer_id,created_at\nc1,2026-01-05\nc2,2026-01-06\n"
    )
    raw, calls = _counting(path)
    assert not raw.empty_last
    loaded = _customers(raw)
    assert column(loaded, "customer_id") == ["c1", "c2"]
    assert calls == []


def test_empty_last_cells_are_counted_once_and_kept(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "customers.csv",
        "customer_id,created_at,churned_at\nc1,2026-01-05,\nc2,2026-01-06,2026-02-01\n",
    )
    raw, calls = _counting(path)
    assert raw.empty_last  # so the count starts beside the first read
    loaded = _customers(raw)
    assert column(loaded, "churned_at") == [None, d("2026-02-01")]
    assert calls == [1]


def test_empty_last_cells_past_the_first_lines_are_counted_after_the_read(
    tmp_path: Path,
) -> None:
    """Only the first 64 KB are peeked at: a sparse last column that starts
    further down is found by the first read, and counted then."""
    full = "".join(f"c{i:06d},2026-01-05,2026-02-01\n" for i in range(3000))  # ~93 KB
    path = write(
        tmp_path, "customers.csv", "customer_id,created_at,churned_at\n" + full + "c9,2026-01-06,\n"
    )
    raw, calls = _counting(path)
    assert not raw.empty_last
    loaded = _customers(raw)
    assert column(loaded, "churned_at")[-2:] == [d("2026-02-01"), None]
    assert calls == [1]


def test_a_short_row_is_reported_as_a_counted_read_reports_it(tmp_path: Path) -> None:
    """Uncounted, a short row looks like empty cells (here a required
    created_at): the fields are counted, and the problems are the same as a
    counted read's, the field count among them."""
    path = write(tmp_path, "customers.csv", "customer_id,created_at\nc1,2026-01-05\nc2\n")
    raw, calls = _counting(path)
    with pytest.raises(DataError) as info:
        _customers(raw)
    assert [(p.row, p.issue) for p in info.value.problems] == [
        (3, "is empty"),
        (3, "has 1 field; the header has 2"),
    ]
    assert info.value.problems == load_error(path, "customers").problems
    assert calls == [1]


def test_a_report_footer_is_cut_from_an_uncounted_file(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "customers.csv",
        "customer_id,created_at\nc1,2026-01-05\n\nTotal: 1\nGenerated By: someone\n",
    )
    raw, calls = _counting(path)
    loaded = _customers(raw)
    assert column(loaded, "customer_id") == ["c1"]
    assert loaded.warnings == ("customers: cut a 2-line report footer (rows 4–5 of customers.csv)",)
    assert calls == [1]


# --- lenient ------------------------------------------------------------------


@pytest.mark.parametrize("counted", [True, False])
def test_lenient_skips_a_ragged_row(tmp_path: Path, counted: bool) -> None:
    # SPEC.md: a ragged row is "a bad row like any other", and --lenient skips bad rows.
    path = write(
        tmp_path,
        "customers.csv",
        "customer_id,created_at\nc1,2026-01-05\nc2,2026-01-06,extra\nc3,2026-01-07\n",
    )
    loaded = load(path, "customers", lenient=True, counted=counted)
    assert column(loaded, "customer_id") == ["c1", "c3"]
    assert loaded.skipped == 1
    assert loaded.skipped_by_reason == {"wrong number of fields": 1}


def test_lenient_skips_bad_rows_and_counts_reasons(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "customers.csv",
        "customer_id,created_at,churned_at\n"
        "c1,2026-01-05,\n"  # good
        "c2,2026-02-30,\n"  # bad date
        "c3,2026-01-05,\n"  # duplicate
        "c4,,\n"  # empty required
        "c3,2026-01-06,\n"  # duplicate
        "c5,2026-03-01,2026-02-01\n"  # churned before created
        "c6,2026-01-07,2026-04-01\n"  # good
        "c3,2026-01-08,\n",  # duplicate (a third copy)
    )
    loaded = load(path, "customers", lenient=True)
    assert loaded.rows == 8
    assert loaded.skipped == 6
    assert loaded.frame.height == 2
    assert column(loaded, "customer_id") == ["c1", "c6"]
    assert column(loaded, ROW) == [2, 8]
    assert loaded.skipped_by_reason == {
        "created_at is not a date": 1,
        "created_at is empty": 1,
        "duplicate customer_id": 3,
        "churned_at before created_at": 1,
    }
    assert {p.row for p in loaded.problems} == {3, 4, 5, 6, 7, 9}


def test_lenient_open_deal_closed_at_is_cleared_with_a_warning(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "deals.csv",
        DEALS_HEADER
        + "d1,2026-01-05,open,2026-12-01,\n"
        + "d2,2026-01-05,won,2026-02-01,100\n"
        + "d3,2026-01-05,open,2026-11-15,500\n"
        + "d4,2026-01-05,open,,\n"
        + "d5,2026-01-05,won,,100\n",  # bad: skipped
    )
    loaded = load(path, "deals", lenient=True)
    assert column(loaded, "deal_id") == ["d1", "d2", "d3", "d4"]
    assert column(loaded, "closed_at") == [None, d("2026-02-01"), None, None]
    assert loaded.skipped == 1
    assert loaded.skipped_by_reason == {"won/lost deal without closed_at": 1}
    assert len(loaded.warnings) == 1
    assert "2 open deals" in loaded.warnings[0]


def test_open_deal_warning_in_strict_mode_too(tmp_path: Path) -> None:
    path = write(tmp_path, "deals.csv", DEALS_HEADER + "d1,2026-01-05,open,2026-12-01,\n")
    loaded = load(path, "deals")
    assert column(loaded, "closed_at") == [None]
    assert len(loaded.warnings) == 1
    assert "1 open deal " in loaded.warnings[0]


def test_latest_is_the_latest_date_of_the_table(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "customers.csv",
        "customer_id,created_at,churned_at\n"
        "c1,2026-03-01,\n"
        "c2,2026-01-05,2026-05-01\n"
        "c3,2026-02-01,\n",
    )
    assert load(path, "customers").latest == d("2026-05-01")


def test_latest_of_datetimes_is_a_local_date(tmp_path: Path) -> None:
    # 23:30Z on Oct 31 is Nov 1 in Berlin.
    path = write(
        tmp_path,
        "tickets.csv",
        "ticket_id,created_at\nt1,2026-10-31T23:30:00Z\nt2,2026-10-30T08:00:00Z\n",
    )
    assert load(path, "tickets", timezone="Europe/Berlin").latest == d("2026-11-01")


# --- load_inputs --------------------------------------------------------------


def _config(data: Path, **changes: object) -> Config:
    return dataclasses.replace(Config(), data=data, **changes)  # type: ignore[arg-type]


def test_missing_data_folder(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(DataError) as info:
        load_inputs(_config(missing), ("customers",), False)
    assert info.value.exit_code == 3
    assert str(missing) in str(info.value)


def test_absent_table_file_is_recorded_not_an_error(tmp_path: Path) -> None:
    write(tmp_path, "customers.csv", "customer_id,created_at\nc1,2026-01-05\n")
    inputs = load_inputs(_config(tmp_path), ("customers", "deals"), False)
    assert set(inputs.loaded) == {"customers"}
    assert inputs.loaded["customers"].frame.height == 1
    assert set(inputs.absent) == {"deals"}
    assert "deals" in inputs.absent["deals"]
    assert "missing" in inputs.absent["deals"]


def test_load_inputs_uses_config_timezone_and_currency(tmp_path: Path) -> None:
    write(
        tmp_path,
        "deals.csv",
        "deal_id,created_at,status,closed_at,amount,currency\n"
        "d1,2026-10-31T23:30:00Z,won,2026-11-02,100,EUR\n",
    )
    with pytest.raises(DataError) as info:
        load_inputs(_config(tmp_path, currency="USD"), ("deals",), False)
    assert [p.column for p in info.value.problems] == ["currency"]
    inputs = load_inputs(
        _config(tmp_path, currency="EUR", timezone="Europe/Berlin"), ("deals",), False
    )
    assert inputs.loaded["deals"].frame["created_at"].to_list() == [d("2026-11-01")]


def test_two_files_for_one_table(tmp_path: Path) -> None:
    write(tmp_path, "deals.csv", DEALS_HEADER)
    _workbook(tmp_path / "deals.xlsx", [["deal_id", "created_at", "status"]])
    with pytest.raises(DataError) as info:
        load_inputs(_config(tmp_path), ("deals",), False)
    assert info.value.exit_code == 3
    assert "deals.csv" in str(info.value)
    assert "deals.xlsx" in str(info.value)
