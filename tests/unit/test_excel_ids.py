"""Ids that Excel turned into numbers (EXPORTS.md §5: ``1.03006E+13``).

Files are written in ``tmp_path`` and read through ``open_table`` +
``load_table``, as the CLI does.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crmkpi.canonical import TABLES
from crmkpi.config import SourceSpec
from crmkpi.errors import DataError
from crmkpi.schema import LoadContext, LoadedTable, load_table
from crmkpi.sources.loaders import ROW, open_table

ISSUE = "looks like an id Excel turned into a number: its digits are lost"
EXPECTED = "the id as text: export the file again, or import it into Excel with this column as Text"


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def load(path: Path, table: str, *, lenient: bool = False) -> LoadedTable:
    ctx = LoadContext(lenient=lenient)
    return load_table(open_table(path), TABLES[table], SourceSpec(table), ctx)


def load_error(path: Path, table: str) -> DataError:
    with pytest.raises(DataError) as info:
        load(path, table)
    assert info.value.exit_code == 3
    return info.value


def test_zendesk_ticket_id_resaved_in_excel(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "tickets.csv",
        "ticket_id,created_at\n10300612345678,2026-10-05\n1.03006E+13,2026-10-06\n",
    )
    error = load_error(path, "tickets")
    assert len(error.problems) == 1
    problem = error.problems[0]
    assert (problem.row, problem.column, problem.value) == (3, "ticket_id", "1.03006E+13")
    assert (problem.issue, problem.expected) == (ISSUE, EXPECTED)
    assert (
        f'tickets.csv, row 3, column ticket_id: "1.03006E+13" {ISSUE} (expected {EXPECTED})'
        in str(error)
    )


def test_matched_header_is_named_as_the_file_writes_it(tmp_path: Path) -> None:
    path = write(tmp_path, "tickets.csv", "Ticket ID,Created At\n1.03006E+13,2026-10-05\n")
    error = load_error(path, "tickets")
    assert [(p.row, p.column, p.value) for p in error.problems] == [
        (2, "Ticket ID (ticket_id)", "1.03006E+13")
    ]


def test_every_id_column_is_checked_not_only_the_key(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "deals.csv",
        "deal_id,created_at,status,customer_id,lead_id\n"
        "d1,2026-01-05,open,4.5E+11,l1\n"
        "d2,2026-01-05,open,c2,7e+05\n",
    )
    error = load_error(path, "deals")
    assert [(p.row, p.column, p.value) for p in error.problems] == [
        (2, "customer_id", "4.5E+11"),
        (3, "lead_id", "7e+05"),
    ]


def test_lenient_skips_mangled_ids_with_a_reason(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "customers.csv",
        "customer_id,created_at\n00123,2026-01-05\n1.23457E+11,2026-01-06\n00125,2026-01-07\n",
    )
    loaded = load(path, "customers", lenient=True)
    assert sorted(loaded.frame.select(ROW, "customer_id").rows()) == [(2, "00123"), (4, "00125")]
    assert loaded.skipped == 1
    assert loaded.skipped_by_reason == {"customer_id mangled by Excel": 1}
    assert [(p.row, p.value) for p in loaded.problems] == [(3, "1.23457E+11")]


@pytest.mark.parametrize(
    ("value", "mangled"),
    [
        ("1.03006E+13", True),
        ("1E+13", True),
        ("-2.5e-03", True),
        ("10300612345678", False),  # the digits themselves are fine
        ("00630000001E234", False),  # a 15-character Salesforce id: no exponent sign
        ("1.03006E+13x", False),
        ("E+13", False),
        ("12.5", False),
    ],
)
def test_which_ids_look_mangled(tmp_path: Path, value: str, mangled: bool) -> None:
    path = write(tmp_path, "surveys.csv", f"responded_at,score,survey_id\n2026-10-05,9,{value}\n")
    if not mangled:
        assert load(path, "surveys").frame["survey_id"].to_list() == [value]
        return
    error = load_error(path, "surveys")
    assert [(p.row, p.column, p.value, p.issue) for p in error.problems] == [
        (2, "survey_id", value, ISSUE)
    ]
