"""HubSpot ``Date entered "<stage> (<pipeline>)"`` columns to deal_stages rows.

No real HubSpot deals export is in ../shared/datasets (README: "no public
opportunity stage history was found"), so the header shapes come from
EXPORTS.md / SCHEMA.md and from public code that reads such exports
(``Date entered "Retorno Concluído"``: a stage without a pipeline).
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest

from crmkpi.canonical import TABLES
from crmkpi.config import SourceSpec
from crmkpi.presets import ColumnSource
from crmkpi.schema import LoadContext, load_table
from crmkpi.sources.cells import CellRules
from crmkpi.sources.loaders import ROW, open_table
from crmkpi.sources.mapping import Mapping, resolve_mapping
from crmkpi.sources.stages import (
    HEADERS,
    PRESET,
    SOURCE_COLUMN,
    SOURCE_ROW,
    stage_columns,
    wide_stage_mapping,
    wide_stage_rows,
    wide_stage_table,
)

QUALIFIED = 'Date entered "Qualified (Sales Pipeline)"'
PROPOSAL = 'Date entered "Proposal (Sales Pipeline)"'
WON = 'Date entered "Closed Won (Sales Pipeline)"'
RENEWAL_QUALIFIED = 'Date entered "Qualified (Renewals)"'


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (WON, ("Closed Won", "Sales Pipeline")),
        (
            'date ENTERED "Qualified To Buy (Sales Pipeline)"',
            ("Qualified To Buy", "Sales Pipeline"),
        ),
        (
            "Date entered \u201cContract Sent (Sales Pipeline)\u201d",
            ("Contract Sent", "Sales Pipeline"),
        ),
        ("Date entered \u201eAngebot (Vertrieb)\u201c", ("Angebot", "Vertrieb")),
        ('Date entered "Retorno Concluído"', ("Retorno Concluído", None)),
        ('  Date  entered  " Qualified  ( Sales Pipeline ) " ', ("Qualified", "Sales Pipeline")),
        ('Date entered "Qualified" (Sales Pipeline)', ("Qualified", "Sales Pipeline")),
        ('Date entered "Demo (online) (Sales Pipeline)"', ("Demo (online)", "Sales Pipeline")),
        # polars 2.1 reads the CSV header "Date entered ""Won (Sales)""" with doubled quotes
        ('Date entered ""Closed Won (Sales Pipeline)""', ("Closed Won", "Sales Pipeline")),
    ],
)
def test_stage_headers_are_recognised(header: str, expected: tuple[str, str | None]) -> None:
    assert stage_columns([header]) == {header: expected}


@pytest.mark.parametrize(
    "header",
    [
        'Date exited "Closed Won (Sales Pipeline)"',
        'Latest time in "Qualified (Sales Pipeline)"',
        'Cumulative time in "Qualified (Sales Pipeline)"',
        'Last date entered "Qualified (Sales Pipeline)"',
        'Date entered "Qualified (Sales Pipeline)" copy',
        'Date entered "Qualified (Sales Pipeline)',
        "Date entered Qualified (Sales Pipeline)",
        'Date entered ""',
        'Date entered " "',
        "Date entered",
        "Create Date",
        "Deal Stage",
        "hs_date_entered_appointmentscheduled",  # API names: not in EXPORTS.md
        "hs_v2_date_entered_qualifiedtobuy",
    ],
)
def test_other_headers_are_not_stage_columns(header: str) -> None:
    assert stage_columns([header]) == {}


def test_stage_columns_keep_file_order() -> None:
    headers = ["Record ID", WON, "Amount", QUALIFIED, RENEWAL_QUALIFIED]
    assert list(stage_columns(headers).items()) == [
        (WON, ("Closed Won", "Sales Pipeline")),
        (QUALIFIED, ("Qualified", "Sales Pipeline")),
        (RENEWAL_QUALIFIED, ("Qualified", "Renewals")),
    ]


def _raw(columns: dict[str, list[str | None]]) -> pl.LazyFrame:
    """A loader frame: text cells, ``ROW`` = spreadsheet row (header is row 1)."""
    return pl.LazyFrame(columns, schema=dict.fromkeys(columns, pl.String)).with_row_index(
        ROW, offset=2
    )


def _rows(raw: pl.LazyFrame, headers: list[str], rules: CellRules | None = None) -> pl.DataFrame:
    return wide_stage_rows(raw, "Record ID", stage_columns(headers), rules).collect()


def _history(frame: pl.DataFrame) -> list[tuple[str, str, str]]:
    return frame.select("deal_id", "stage", "entered_at").rows()


def test_blank_cells_are_not_rows() -> None:
    # Deal 1 entered only Qualified; "", spaces, N/A and null all mean "never entered".
    raw = _raw(
        {
            "Record ID": ["1", "2"],
            QUALIFIED: ["2026-01-05", "  "],
            PROPOSAL: ["", "N/A"],
            WON: [None, None],
        }
    )
    assert _history(_rows(raw, ["Record ID", QUALIFIED, PROPOSAL, WON])) == [
        ("1", "Qualified", "2026-01-05")
    ]


def test_rows_sorted_by_date_then_column_order() -> None:
    # Columns in the order Won, Qualified, Proposal. Deal 1: Qualified and
    # Proposal on Jan 5 (a tie: column order, Qualified first), Won on Jan 9;
    # Won comes first in the file but last by date.
    # Deal 2: same day, and the time of day decides (Proposal 09:00 before
    # Qualified 14:30), although Qualified's column comes first.
    headers = ["Record ID", WON, QUALIFIED, PROPOSAL]
    raw = _raw(
        {
            "Record ID": ["1", "2"],
            WON: ["2026-01-09", None],
            QUALIFIED: ["2026-01-05", "2026-02-01 14:30"],
            PROPOSAL: ["2026-01-05", "2026-02-01 09:00"],
        }
    )
    frame = _rows(raw, headers)
    assert _history(frame) == [
        ("1", "Qualified", "2026-01-05"),
        ("1", "Proposal", "2026-01-05"),
        ("1", "Closed Won", "2026-01-09"),
        ("2", "Proposal", "2026-02-01 09:00"),
        ("2", "Qualified", "2026-02-01 14:30"),
    ]
    # ROW numbers the history in this order: what the pipeline section sorts ties by.
    assert frame[ROW].to_list() == [2, 3, 4, 5, 6]


def test_dates_are_compared_as_dates_not_text() -> None:
    # With date_format %d/%m/%Y, "02/01/2026" (Jan 2) is after "10/12/2025"
    # (Dec 10) although it sorts first as text.
    raw = _raw({"Record ID": ["1"], QUALIFIED: ["10/12/2025"], PROPOSAL: ["02/01/2026"]})
    rules = CellRules(date_format=("%d/%m/%Y",))
    history = _history(_rows(raw, ["Record ID", PROPOSAL, QUALIFIED], rules))
    assert [stage for _, stage, _ in history] == ["Qualified", "Proposal"]


def test_consecutive_duplicate_stages_are_dropped() -> None:
    # One label in two pipelines. Deal 1 entered Qualified in both on Jan 5:
    # one row (the first by column order). Deal 2 went Qualified (Sales),
    # Proposal, Qualified (Renewals): not consecutive, all three kept.
    headers = ["Record ID", QUALIFIED, PROPOSAL, RENEWAL_QUALIFIED]
    raw = _raw(
        {
            "Record ID": ["1", "2"],
            QUALIFIED: ["2026-01-05", "2026-01-02"],
            PROPOSAL: [None, "2026-01-03"],
            RENEWAL_QUALIFIED: ["2026-01-05", "2026-01-04"],
        }
    )
    frame = _rows(raw, headers)
    assert _history(frame) == [
        ("1", "Qualified", "2026-01-05"),
        ("2", "Qualified", "2026-01-02"),
        ("2", "Proposal", "2026-01-03"),
        ("2", "Qualified", "2026-01-04"),
    ]
    assert frame[SOURCE_COLUMN][0] == QUALIFIED


def test_duplicates_are_per_deal() -> None:
    # Deal 1 ends in Proposal and deal 2 starts in it: two deals, two rows.
    headers = ["Record ID", QUALIFIED, PROPOSAL]
    raw = _raw(
        {"Record ID": ["1", "2"], QUALIFIED: ["2026-01-01", None], PROPOSAL: ["2026-01-02"] * 2}
    )
    assert _history(_rows(raw, headers)) == [
        ("1", "Qualified", "2026-01-01"),
        ("1", "Proposal", "2026-01-02"),
        ("2", "Proposal", "2026-01-02"),
    ]


def test_bad_dates_are_kept_last_with_their_origin() -> None:
    # Row 3 (deal 2): Proposal "31/02/2026" is not a date. It is kept for
    # load_table to report, after the deal's good rows, never merged into a
    # duplicate; it carries the deals row (3) and its header.
    # Row 4 has no deal id: its cells are not rows (the deals table reports it).
    # Row 5 (deal 3): a bad Qualified (Renewals) after a good Qualified is not
    # a duplicate to drop silently.
    headers = ["Record ID", QUALIFIED, PROPOSAL, RENEWAL_QUALIFIED]
    raw = _raw(
        {
            "Record ID": ["1", "2", "", "3"],
            QUALIFIED: ["2026-01-02", "2026-01-05", "2026-01-01", "2026-01-01"],
            PROPOSAL: [None, "31/02/2026", None, None],
            RENEWAL_QUALIFIED: [None, "2026-01-06", None, "soon"],
        }
    )
    frame = _rows(raw, headers)
    assert _history(frame) == [
        ("1", "Qualified", "2026-01-02"),
        ("2", "Qualified", "2026-01-05"),
        ("2", "Proposal", "31/02/2026"),
        ("3", "Qualified", "2026-01-01"),
        ("3", "Qualified", "soon"),
    ]
    assert frame.row(2, named=True) == {
        ROW: 4,
        "deal_id": "2",
        "stage": "Proposal",
        "entered_at": "31/02/2026",
        SOURCE_ROW: 3,
        SOURCE_COLUMN: PROPOSAL,
    }


def test_output_is_text_with_canonical_headers() -> None:
    raw = _raw({"Record ID": ["1"], QUALIFIED: ["2026-01-02"]})
    frame = _rows(raw, ["Record ID", QUALIFIED])
    assert frame.schema == pl.Schema(
        {
            ROW: pl.UInt32,
            "deal_id": pl.String,
            "stage": pl.String,
            "entered_at": pl.String,
            SOURCE_ROW: pl.UInt32,
            SOURCE_COLUMN: pl.String,
        }
    )
    empty = _rows(raw, ["Record ID"])
    assert (empty.height, empty.schema) == (0, frame.schema)


DEALS_CSV = f"""Record ID,Create Date,Status,Close Date,Amount,Deal Stage,"{QUALIFIED.replace('"', '""')}","{PROPOSAL.replace('"', '""')}","{WON.replace('"', '""')}"
D1,2026-01-01,won,2026-01-20,100,Closed Won,2026-01-02 09:00,2026-01-05,2026-01-20
D2,2026-01-01,open,,,Appointment Scheduled,2026-01-03,,
D3,2026-01-01,nonsense,,,Qualified,2026-01-04,,
"""
DEALS_SOURCE = SourceSpec(
    "deals",
    preset="generic",
    columns={
        "deal_id": ColumnSource(("Record ID",)),
        "created_at": ColumnSource(("Create Date",)),
        "closed_at": ColumnSource(("Close Date",)),
        "stage": ColumnSource(("Deal Stage",)),
    },
    values={"stage": {"Qualified": "Qualifying"}, "status": {"nonsense": "open"}},
)


def test_derived_table_loads_as_deal_stages(tmp_path: Path) -> None:
    # D3's status is bad without its value map, so a lenient deals load skips
    # row 4, and D3's stage rows go with it. The deals' stage map applies to
    # history stages too ("Qualified" -> "Qualifying").
    path = tmp_path / "deals.csv"
    path.write_text(DEALS_CSV, encoding="utf-8")
    raw = open_table(path)
    strict_deals = SourceSpec("deals", preset="generic", columns=DEALS_SOURCE.columns)
    deals = load_table(raw, TABLES["deals"], strict_deals, LoadContext(lenient=True))
    assert deals.frame[ROW].to_list() == [2, 3]

    mapping = resolve_mapping(raw.headers, TABLES["deals"], DEALS_SOURCE, path.name)
    table = wide_stage_table(raw, mapping, "UTC", kept_rows=deals.frame[ROW])
    assert table is not None
    assert (table.path, table.headers) == (path, HEADERS)
    # The CSV quotes these headers ("Date entered ""Qualified …"""); problems
    # name them as the file means them.
    assert table.frame.select(SOURCE_ROW, SOURCE_COLUMN).collect().rows() == [
        (2, QUALIFIED),
        (2, PROPOSAL),
        (2, WON),
        (3, QUALIFIED),
    ]
    stages = load_table(
        table, TABLES["deal_stages"], DEALS_SOURCE, LoadContext(), wide_stage_mapping(mapping)
    )
    assert (stages.name, stages.path, stages.preset) == ("deal_stages", path, PRESET)
    assert stages.frame.select("deal_id", "stage", pl.col("entered_at").cast(pl.String)).rows() == [
        ("D1", "Qualifying", "2026-01-02"),
        ("D1", "Proposal", "2026-01-05"),
        ("D1", "Closed Won", "2026-01-20"),
        ("D2", "Qualifying", "2026-01-03"),
    ]
    assert str(stages.latest) == "2026-01-20"


def test_a_deals_file_without_stage_columns_gives_nothing(tmp_path: Path) -> None:
    path = tmp_path / "deals.csv"
    path.write_text("Record ID,Create Date,Status\nD1,2026-01-01,open\n", encoding="utf-8")
    raw = open_table(path)
    mapping = resolve_mapping(raw.headers, TABLES["deals"], DEALS_SOURCE, path.name)
    assert wide_stage_table(raw, mapping, "UTC") is None


def test_stage_mapping_keeps_date_rules_and_only_the_stage_map() -> None:
    deals = Mapping(
        "hubspot",
        {"deal_id": ColumnSource(("Record ID",))},
        values={"stage": {"a": "b"}, "status": {"x": "won"}},
        date_format=("%d/%m/%Y",),
        timezone="Europe/Berlin",
    )
    stages = wide_stage_mapping(deals)
    assert (stages.preset, list(stages.columns), stages.values) == (
        PRESET,
        ["deal_id", "stage", "entered_at"],
        {"stage": {"a": "b"}},
    )
    assert (stages.date_format, stages.timezone) == (("%d/%m/%Y",), "Europe/Berlin")


def test_spec_examples_are_recognised(shared_dir: Path) -> None:
    # The header examples EXPORTS.md and SCHEMA.md give, as they spell them.
    spec = " ".join(
        (shared_dir / "spec" / name).read_text(encoding="utf-8").replace("\n", " ")
        for name in ("EXPORTS.md", "SCHEMA.md")
    )
    examples = {
        re.sub(r"\s+", " ", m)
        for m in re.findall(r'`(Date entered\s*"[^`]*)`', spec, re.IGNORECASE)
    }
    assert examples == {
        'Date entered "<stage> (<pipeline>)"',
        'Date entered "Closed Won (Sales Pipeline)"',
        'Date entered "Qualified" (Sales Pipeline)',
    }
    found = stage_columns(sorted(examples))
    assert found == {
        'Date entered "<stage> (<pipeline>)"': ("<stage>", "<pipeline>"),
        'Date entered "Closed Won (Sales Pipeline)"': ("Closed Won", "Sales Pipeline"),
        'Date entered "Qualified" (Sales Pipeline)': ("Qualified", "Sales Pipeline"),
    }
