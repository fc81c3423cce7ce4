"""The mapping layer: column sources, value maps, detection, queries, and the
stage history cleaned on load. Every test writes a real file and reads it as
the CLI does (``load_inputs`` over a config written as YAML)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest

from crmkpi.canonical import TABLES, normalise_header
from crmkpi.config import config_from_text
from crmkpi.errors import ConfigError, DataError
from crmkpi.inputs import Inputs, load_inputs


def inputs(folder: Path, yaml_text: str, *tables: str, lenient: bool = False) -> Inputs:
    cfg = config_from_text(f"data: {folder}\n{yaml_text}", folder)
    return load_inputs(cfg, tables, lenient)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Deal - ID", "deal_id"),
        ("Created At", "created_at"),
        ("\ufeffRecord ID", "record id"),
        ("Account Name.id", "accountnameid"),
        (
            "\u0643\u062f \u0645\u0634\u062a\u0631\u064a",
            "\u06a9\u062f\u200c\u0645\u0634\u062a\u0631\u06cc",
        ),
    ],
)
def test_headers_match_ignoring_case_punctuation_and_persian_letter_forms(
    left: str, right: str
) -> None:
    assert normalise_header(left) == normalise_header(right)


def test_header_keys_keep_distinct_headers_apart() -> None:
    assert normalise_header("Account Name") != normalise_header("Account Name.id")
    assert normalise_header("First reply time in minutes") != normalise_header(
        "First reply time in minutes within business hours"
    )


def test_every_column_form(tmp_path: Path) -> None:
    # Coalesced headers (Won time, else Lost time), a constant, Salesforce-style
    # flags, and minutes added to created_at.
    write(
        tmp_path,
        "deals.csv",
        "Id,Opened,IsClosed,IsWon,Won time,Lost time,Value\n"
        "D1,2026-10-01,true,true,2026-10-05,,100\n"
        "D2,2026-10-02,TRUE,FALSE,,2026-10-07,\n"
        "D3,2026-10-03,false,false,,,50\n",
    )
    write(
        tmp_path,
        "tickets.csv",
        "Id,Created at,First reply time in minutes,"
        "First reply time in minutes within business hours\n"
        "T1,2026-10-01 10:00,90,5\nT2,2026-10-01 11:00,,\n",
    )
    loaded = inputs(
        tmp_path,
        """
sources:
  deals:
    preset: generic
    columns:
      deal_id: Id
      created_at: Opened
      status: {flags: {closed: IsClosed, won: IsWon}}
      closed_at: [Won time, Lost time]
      amount: Value
      pipeline: {value: Main}
  tickets:
    preset: generic
    columns:
      ticket_id: Id
      created_at: Created at
      first_response_at: {minutes: First reply time in minutes, after: created_at}
""",
        "deals",
        "tickets",
    )
    deals = loaded.loaded["deals"].frame
    assert deals["status"].to_list() == ["won", "lost", "open"]
    assert deals["closed_at"].to_list() == [date(2026, 10, 5), date(2026, 10, 7), None]
    assert deals["pipeline"].to_list() == ["Main"] * 3
    tickets = loaded.loaded["tickets"].frame
    assert tickets["first_response_at"].to_list() == [
        datetime(2026, 10, 1, 11, 30, tzinfo=UTC),  # 10:00 + 90 calendar minutes, not 5
        None,
    ]


def test_flags_that_are_not_booleans_are_reported_with_both_cells(tmp_path: Path) -> None:
    write(tmp_path, "deals.csv", "Id,Opened,IsClosed,IsWon\nD1,2026-10-01,maybe,true\n")
    with pytest.raises(DataError) as info:
        inputs(
            tmp_path,
            "sources:\n  deals:\n    columns: {deal_id: Id, created_at: Opened, "
            "status: {flags: {closed: IsClosed, won: IsWon}}}\n",
            "deals",
        )
    assert '"IsClosed=maybe, IsWon=true" is not a known value' in str(info.value)


def test_value_maps_are_case_insensitive_with_a_default_and_empty_means_missing(
    tmp_path: Path,
) -> None:
    write(
        tmp_path,
        "tickets.csv",
        "ticket_id,created_at,csat,status\n"
        "T1,2026-10-01,good,Solved\nT2,2026-10-01,Offered,Open\nT3,2026-10-01,BAD,weird\n",
    )
    loaded = inputs(
        tmp_path,
        "sources:\n  tickets:\n    values:\n"
        '      csat: {Good: 5, Bad: 1, Offered: ""}\n'
        '      status: {solved: closed, "*": open}\n',
        "tickets",
    )
    frame = loaded.loaded["tickets"].frame
    assert frame["csat"].to_list() == [5, None, 1]
    assert frame["status"].to_list() == ["closed", "open", "open"]


def test_an_unmapped_value_names_the_value_map_to_write(tmp_path: Path) -> None:
    write(tmp_path, "deals.csv", "deal_id,created_at,status\nD1,2026-10-01,Signed\n")
    with pytest.raises(DataError) as info:
        inputs(tmp_path, "", "deals")
    text = str(info.value)
    assert '"Signed" is not a known value' in text
    assert 'values: {status: {"your value": open}}' in text


def test_detection_says_which_preset_and_how_many_columns(tmp_path: Path) -> None:
    write(
        tmp_path,
        "hubspot-crm-exports-all-deals-2026-11-20.csv",
        "Record ID,Deal Name,Deal Stage,Amount,Create Date,Close Date,Pipeline\n"
        "1,A,Closed Won,100,2026-10-01,2026-10-05,Sales Pipeline\n"
        "2,B,Appointment Scheduled,50,2026-10-02,2026-12-31,Sales Pipeline\n",
    )
    deals = inputs(tmp_path, "", "deals").loaded["deals"]
    assert deals.preset == "hubspot"
    mapping = deals.mapping
    assert mapping.detected
    assert mapping.describe() == (
        f"hubspot (detected: matched {mapping.matched} of {mapping.listed} columns)"
    )
    # Record ID, Deal Stage (status and stage), Amount, Create Date, Close Date, Pipeline
    assert mapping.matched == 7
    assert deals.frame["status"].to_list() == ["won", "open"]
    assert deals.frame["closed_at"].to_list() == [date(2026, 10, 5), None]  # expected date ignored


def test_a_file_no_preset_fits_names_missing_columns_and_closest_headers(tmp_path: Path) -> None:
    write(tmp_path, "deals.csv", "Deal Number,Opened On,State\nD1,2026-10-01,won\n")
    with pytest.raises(DataError) as info:
        inputs(tmp_path, "", "deals")
    error = info.value
    assert "deals.csv: no preset finds the required deals columns" in error.message
    by_column = {p.column: p for p in error.problems}
    assert set(by_column) == {"deal_id", "created_at", "status"}
    assert by_column["deal_id"].file == "deals.csv"
    assert 'the closest header is "Deal Number"' in by_column["deal_id"].issue


def test_a_named_preset_that_misses_a_column_says_so(tmp_path: Path) -> None:
    write(tmp_path, "deals.csv", "Record ID,Deal Stage,Creat Date\n1,Closed Won,2026-10-01\n")
    with pytest.raises(DataError) as info:
        inputs(tmp_path, "sources:\n  deals: {preset: hubspot}\n", "deals")
    (problem,) = info.value.problems
    assert problem.column == "created_at"
    assert '"Create Date"' in problem.issue
    assert 'the closest header is "Creat Date"' in problem.issue


def test_a_config_override_wins_over_the_preset(tmp_path: Path) -> None:
    write(
        tmp_path,
        "deals.csv",
        "Record ID,Deal Stage,Create Date,Close Date,Amount,My Amount\n"
        "1,Signed,2026-10-01,2026-10-03,100,80\n",
    )
    deals = inputs(
        tmp_path,
        "sources:\n  deals:\n    preset: hubspot\n    columns: {amount: My Amount}\n"
        "    values: {status: {Signed: won}}\n",
        "deals",
    ).loaded["deals"]
    assert deals.frame["amount"].to_list() == [80.0]
    assert deals.frame["status"].to_list() == ["won"]


def test_an_unknown_preset_is_a_config_error_with_a_suggestion() -> None:
    with pytest.raises(ConfigError, match='unknown preset "hubsopt"; did you mean "hubspot"'):
        config_from_text("sources:\n  deals: {preset: hubsopt}\n", Path())


def test_two_files_that_could_hold_a_table_are_an_error(tmp_path: Path) -> None:
    header = "deal_id,created_at,status\nD1,2026-10-01,open\n"
    write(tmp_path, "deals-2026-10.csv", header)
    write(tmp_path, "deals-2026-11.csv", header)
    with pytest.raises(DataError, match=r"several files could hold deals \(deals-2026-10.csv"):
        inputs(tmp_path, "", "deals")


def test_source_paths_are_relative_to_the_data_folder(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    write(folder, "opps.csv", "deal_id,created_at,status\nD1,2026-10-01,open\n")
    cfg = config_from_text("sources:\n  deals: {path: opps.csv}\n", tmp_path)
    from dataclasses import replace

    loaded = load_inputs(replace(cfg, data=folder), ("deals",), False)
    assert loaded.loaded["deals"].path == folder / "opps.csv"


def test_query_joins_files_and_keeps_file_rows(tmp_path: Path) -> None:
    write(tmp_path, "won.csv", "lead,won,value\nL1,2026-10-05,10\nL2,2026-10-09,20\n")
    write(tmp_path, "mqls.csv", "id,first\nL1,2026-09-01\nL2,not a date\n")
    query = (
        'SELECT w."__row", w.lead AS deal_id, m.first AS created_at, '
        "'won' AS status, w.won AS closed_at, value AS amount FROM self w JOIN mqls m ON w.lead = m.id"
    )
    yaml_text = f"sources:\n  deals:\n    path: won.csv\n    files: {{mqls: mqls.csv}}\n    query: |\n      {query}\n"
    with pytest.raises(DataError) as info:
        inputs(tmp_path, yaml_text, "deals")
    (problem,) = info.value.problems
    # The bad date came through the join; it is reported at won.csv's row of L2.
    assert (problem.file, problem.row, problem.value) == ("won.csv", 3, "not a date")
    lenient = yaml_text + "lenient: {max_skipped: 50%}\n"  # 1 of 2 rows
    deals = inputs(tmp_path, lenient, "deals", lenient=True).loaded["deals"]
    assert deals.frame["deal_id"].to_list() == ["L1"]
    assert deals.frame["created_at"].to_list() == [date(2026, 9, 1)]


def test_query_may_not_read_other_files(tmp_path: Path) -> None:
    write(tmp_path, "deals.csv", "deal_id,created_at,status\nD1,2026-10-01,open\n")
    with pytest.raises(ConfigError, match="reads a file itself"):
        inputs(
            tmp_path,
            "sources:\n  deals:\n    path: deals.csv\n"
            "    query: SELECT * FROM read_csv('/etc/passwd')\n",
            "deals",
        )


def test_a_bad_query_is_a_config_error_naming_the_tables(tmp_path: Path) -> None:
    write(tmp_path, "deals.csv", "deal_id,created_at,status\nD1,2026-10-01,open\n")
    with pytest.raises(ConfigError, match=r"sources.deals.query: .*\(tables: self\)"):
        inputs(
            tmp_path,
            "sources:\n  deals:\n    path: deals.csv\n    query: SELECT * FROM nope\n",
            "deals",
        )


def test_files_without_a_query_are_refused() -> None:
    with pytest.raises(ConfigError, match="files are read by a query"):
        config_from_text("sources:\n  deals: {files: {a: a.csv}}\n", Path())


def test_repeated_history_rows_are_dropped_with_a_warning(tmp_path: Path) -> None:
    write(
        tmp_path,
        "deals.csv",
        "deal_id,created_at,status\nD1,2026-10-01,open\nD2,2026-10-01,open\n",
    )
    # OpportunityHistory style: D1 logs Prospecting three times (amount edits).
    write(
        tmp_path,
        "OpportunityHistory.csv",
        "OpportunityId,StageName,CreatedDate\n"
        "D1,Prospecting,2026-10-01T09:00:00.000Z\n"
        "D1,Prospecting,2026-10-02T09:00:00.000Z\n"
        "D1,Prospecting,2026-10-03T09:00:00.000Z\n"
        "D1,Proposal,2026-10-04T09:00:00.000Z\n"
        "D2,Prospecting,2026-10-02T09:00:00.000Z\n",
    )
    loaded = inputs(tmp_path, "", "deals", "deal_stages")
    stages = loaded.loaded["deal_stages"]
    assert stages.preset == "salesforce"
    rows = stages.frame.select("deal_id", "stage").rows()
    assert rows == [("D1", "Prospecting"), ("D1", "Proposal"), ("D2", "Prospecting")]
    assert any("dropped 2 rows that repeat the deal's previous stage" in w for w in stages.warnings)


def test_generic_tables_cover_every_canonical_table() -> None:
    # The generic preset is the schema itself, so a canonical file never needs a config.
    from crmkpi.presets import load_preset

    generic = load_preset("generic")
    assert set(generic.tables) == set(TABLES)
    for name, table in TABLES.items():
        assert list(generic.tables[name].columns) == list(table.column_names)


def test_query_results_are_text_like_a_file(tmp_path: Path) -> None:
    write(tmp_path, "orders.txt", " customer  date  value\n 001 19970101 1.5\n 001 19970105 2\n")
    loaded = inputs(
        tmp_path,
        "sources:\n  customers:\n    path: orders.txt\n    date_format: '%Y%m%d'\n"
        "    query: SELECT customer AS customer_id, MIN(date) AS created_at FROM self "
        "GROUP BY customer\n",
        "customers",
    )
    frame = loaded.loaded["customers"].frame
    assert frame.select("customer_id", "created_at").rows() == [("001", date(1997, 1, 1))]
    assert frame.schema["customer_id"] == pl.String


def test_keep_leaves_out_rows_that_are_not_the_tables_and_counts_them(tmp_path: Path) -> None:
    # Salesforce accounts include prospects; only customer types are customers.
    write(
        tmp_path,
        "customers.csv",
        "customer_id,created_at,Type\n"
        "A1,2026-10-01,Customer - Direct\nA2,,Prospect\nA1,,prospect\nA3,2026-10-02,customer - channel\n",
    )
    loaded = inputs(
        tmp_path,
        "sources:\n  customers:\n    keep: {Type: [Customer - Direct, Customer - Channel]}\n",
        "customers",
    ).loaded["customers"]
    # The prospects' empty dates and the repeated id A1 are not problems: not customers.
    assert loaded.frame["customer_id"].to_list() == ["A1", "A3"]
    assert (loaded.rows, loaded.left_out, loaded.skipped) == (2, 2, 0)


def test_a_missing_column_is_looked_for_under_this_tables_headers(tmp_path: Path) -> None:
    # HubSpot's deals take created_at from "Create Date", its companies from
    # "Became a Customer Date": the error names the companies' header.
    write(tmp_path, "customers.csv", "Record ID,Create Date,Company name\n1,2026-10-01,Acme\n")
    with pytest.raises(DataError) as info:
        inputs(tmp_path, "sources:\n  customers: {preset: hubspot}\n", "customers")
    (problem,) = info.value.problems
    assert problem.column == "created_at"
    assert 'no header "Became a Customer Date"' in problem.issue
