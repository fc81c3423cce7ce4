"""Problems people can act on (issue 21, item 5): identical problems said once
per file, column and kind with their true count, first rows and a few
distinct values; the fix (a date format, --lenient or --max-skipped, the
columns: line with every header); and the limit on what --lenient skips.

Every test writes a real file and reads it as a report does; the expected
lines are worked out from how the file was written.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crmkpi.canonical import TABLES
from crmkpi.config import Config, SourceSpec, config_from_text
from crmkpi.errors import ConfigError, DataError, Problem, ProblemGroup
from crmkpi.inputs import load_inputs
from crmkpi.leniency import parse_share, share_text
from crmkpi.problems import date_orders, looks_jalali
from crmkpi.schema import LoadContext, LoadedTable, load_table
from crmkpi.sources.loaders import open_table

HEADER = "deal_id,created_at,status,closed_at,amount\n"
GOOD = "2026-01-05,won,2026-02-01,100"


def _deals_500() -> str:
    """500 deals (rows 2-501). Deal i's created_at is empty when i is even
    (250 rows: 2, 4, 6 …). Its closed_at is not a date when i % 10 == 1
    (50 rows: 3, 13, 23 …): "x" for i < 250 (the first 25, so the first 20
    examples are all "x"), then "31/01/2026" when i % 20 == 11, else "15/02/2026"."""
    lines = []
    for i in range(500):
        created = "" if i % 2 == 0 else "2026-01-05"
        closed = "2026-02-01"
        if i % 10 == 1:
            closed = "x" if i < 250 else ("31/01/2026" if i % 20 == 11 else "15/02/2026")
        lines.append(f"d{i},{created},won,{closed},100\n")
    return HEADER + "".join(lines)


def _load(path: Path, table: str = "deals", *, lenient: bool = False) -> LoadedTable:
    ctx = LoadContext(lenient=lenient)
    return load_table(open_table(path), TABLES[table], SourceSpec(table), ctx)


def _error(path: Path, table: str = "deals") -> DataError:
    with pytest.raises(DataError) as info:
        _load(path, table)
    assert info.value.exit_code == 3
    return info.value


def test_identical_problems_are_one_line_each_with_count_rows_values_and_fix(
    tmp_path: Path,
) -> None:
    path = tmp_path / "deals.csv"
    path.write_text(_deals_500())
    error = _error(path)
    assert str(error).splitlines() == [
        "deals.csv: 300 problems in deals",
        "  deals.csv, column created_at: empty in 250 rows: 2, 4, 6, 8, 10 … "
        "(expected a value (the column is required))",
        '  deals.csv, column closed_at: not a date in 50 rows (3, 13, 23, 33, 43 …): "x", '
        '"31/01/2026", "15/02/2026" (expected a date like 2026-10-05)',
        '    fix: the dates are written day first: add date_format: "%d/%m/%Y" '
        "to sources.deals in the config",
        # 250 + 50 rows, none with both problems: 300 of 500.
        "  fix: correct the rows in deals.csv; --lenient would skip 300 of 500 rows, 60%, "
        "over its limit of 10% (--max-skipped 60% allows that)",
    ]
    # The groups carry the true counts, not the 20 examples a check keeps.
    assert [(g.first.column, g.count) for g in error.groups] == [
        ("created_at", 250),
        ("closed_at", 50),
    ]
    assert error.total == 300
    assert len(error.problems) == 40  # the first 20 examples of each check, for programs


def test_a_fourth_distinct_value_is_an_ellipsis(tmp_path: Path) -> None:
    rows = "".join(f"c{i},someday {i % 4}\n" for i in range(8))  # 4 distinct values, 8 rows
    path = tmp_path / "customers.csv"
    path.write_text("customer_id,created_at\n" + rows)
    (line,) = [line for line in str(_error(path, "customers")).splitlines() if "column" in line]
    assert line == (
        "  customers.csv, column created_at: not a date in 8 rows (2, 3, 4, 5, 6 …): "
        '"someday 0", "someday 1", "someday 2" … (expected a date like 2026-10-05)'
    )


def test_a_lone_problem_is_said_as_before(tmp_path: Path) -> None:
    path = tmp_path / "deals.csv"
    path.write_text(HEADER + f"d1,{GOOD}\nd2,2026-01-05,won,2026-02-01,-5\n")
    lines = str(_error(path)).splitlines()
    assert lines[1] == (
        '  deals.csv, row 3, column amount: "-5" is negative (expected an amount of 0 or more)'
    )
    assert lines[2] == (
        "  fix: correct the rows in deals.csv; --lenient would skip 1 of 2 rows, 50%, "
        "over its limit of 10% (--max-skipped 50% allows that)"
    )


def test_within_the_limit_the_fix_is_lenient(tmp_path: Path) -> None:
    rows = "".join(f"d{i},{GOOD}\n" for i in range(99)) + "d99,2026-01-05,won,2026-02-01,-5\n"
    path = tmp_path / "deals.csv"
    path.write_text(HEADER + rows)
    assert str(_error(path)).splitlines()[-1] == (
        "  fix: correct the rows in deals.csv, or skip them and report the rest with "
        "--lenient (1 of 100 rows, 1%)"
    )


def test_month_first_dates_get_their_format(tmp_path: Path) -> None:
    rows = "c1,01/31/2026\nc2,02/15/2026 14:30\nc3,2026-01-05\n"
    path = tmp_path / "customers.csv"
    path.write_text("customer_id,created_at\n" + rows)
    text = str(_error(path, "customers"))
    # 01/31/2026 reads only month first; the format comes from the first cell.
    assert '    fix: the dates are written month first: add date_format: "%m/%d/%Y" ' in text


def test_dates_no_cell_tells_apart_get_both_formats(tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_text("customer_id,created_at\nc1,05/10/2026\nc2,11-03-2026\n")
    text = str(_error(path, "customers"))
    assert (
        '    fix: the dates could be day first or month first: add date_format: "%d/%m/%Y" '
        '(day first) or "%m/%d/%Y" (month first) to sources.customers in the config'
    ) in text


@pytest.mark.parametrize(
    ("values", "orders"),
    [
        (["31/01/2026", "x"], {"day first": "%d/%m/%Y"}),
        (["01/31/2026"], {"month first": "%m/%d/%Y"}),
        (["05/10/2026"], {"day first": "%d/%m/%Y", "month first": "%m/%d/%Y"}),
        (["31.01.2026 14:30"], {"day first": "%d.%m.%Y %H:%M"}),
        (["31-01-26"], {"day first": "%d-%m-%y"}),
        (["2026/01/31"], {"year first": "%Y/%m/%d"}),
        (["31/01/2026", "01/31/2026"], {}),  # a mix of orders is no format
        (["31/02/2026", "13/13/2026"], {}),  # no date in either order
        (["someday", "N/A"], {}),
    ],
)
def test_date_orders(values: list[str], orders: dict[str, str]) -> None:
    assert date_orders(values) == orders


def test_no_date_fix_for_other_columns(tmp_path: Path) -> None:
    path = tmp_path / "deals.csv"
    path.write_text(HEADER + "d1,2026-01-05,won,2026-02-01,05/10/2026\n")
    assert "date_format" not in str(_error(path))


def test_a_missing_column_lists_every_header(tmp_path: Path) -> None:
    headers = [f"Field {n}" for n in range(1, 16)]  # 15 headers, no created_at or status
    path = tmp_path / "deals.csv"
    path.write_text("deal_id," + ",".join(headers) + "\n" + "d1" + ",x" * 15 + "\n")
    text = str(_error(path))
    listed = ", ".join(f'"{h}"' for h in ["deal_id", *headers])
    assert text.splitlines()[-1] == f"  the headers of deals.csv: {listed}"
    assert text.count('"Field 15"') == 1  # said once, not once per missing column
    assert "sources.deals.columns: {created_at:" in text


# --- the limit on --lenient -------------------------------------------------


def _folder(tmp_path: Path, deals: str, *, stages: str | None = None) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "deals.csv").write_text(deals)
    if stages is not None:
        (folder / "deal_stages.csv").write_text(stages)
    return folder


def _rows(good: int, bad: int) -> str:
    """``good`` deals, then ``bad`` with a negative amount."""
    ok = "".join(f"d{i},{GOOD}\n" for i in range(good))
    return HEADER + ok + "".join(f"b{i},2026-01-05,won,2026-02-01,-5\n" for i in range(bad))


def test_lenient_past_the_default_limit_is_a_data_error(tmp_path: Path) -> None:
    cfg = Config(data=_folder(tmp_path, _rows(255, 245)))
    with pytest.raises(DataError) as info:
        load_inputs(cfg, ("deals",), lenient=True)
    lines = str(info.value).splitlines()
    assert lines[0] == (
        "deals: --lenient skipped 49% of rows (245 of 500), over the limit of 10%; "
        "fix the rows or raise --max-skipped"
    )
    assert lines[1] == (
        "  deals.csv, column amount: negative in 245 rows (257, 258, 259, 260, 261 …): "
        '"-5" (expected an amount of 0 or more)'
    )


def test_lenient_within_the_limit_keeps_the_rest(tmp_path: Path) -> None:
    cfg = Config(data=_folder(tmp_path, _rows(90, 10)))  # 10 of 100: at the limit, not over
    deals = load_inputs(cfg, ("deals",), lenient=True).loaded["deals"]
    assert (deals.rows, deals.skipped) == (100, 10)
    assert [(g.first.column, g.count) for g in deals.groups] == [("amount", 10)]


def test_a_raised_limit_lets_more_through(tmp_path: Path) -> None:
    cfg = Config(data=_folder(tmp_path, _rows(255, 245)), lenient=True, max_skipped=0.5)
    deals = load_inputs(cfg, ("deals",), lenient=False).loaded["deals"]  # the config's lenient
    assert (deals.rows, deals.skipped) == (500, 245)


@pytest.mark.parametrize("limit", [0.99, 1.0])
def test_a_table_that_lost_every_row_is_over_any_limit(tmp_path: Path, limit: float) -> None:
    """Even --max-skipped 100%: a table with no rows left would report zeros (issue 24)."""
    cfg = Config(data=_folder(tmp_path, _rows(0, 1)), max_skipped=limit)
    with pytest.raises(DataError) as info:
        load_inputs(cfg, ("deals",), lenient=True)
    assert str(info.value).startswith("deals: --lenient skipped every row (1 of 1)")


def test_stage_rows_of_unknown_deals_count_toward_the_limit(tmp_path: Path) -> None:
    # 10 good stage rows, 2 of deals deals.csv lacks: 2 of 12 = 16.7% > 10%.
    stages = "deal_id,stage,entered_at\n"
    stages += "".join(f"d{i},Qualified,2026-01-06\n" for i in range(10))
    stages += "zz,Qualified,2026-01-06\nzy,Proposal,2026-01-07\n"
    cfg = Config(data=_folder(tmp_path, _rows(10, 0), stages=stages))
    with pytest.raises(DataError) as info:
        load_inputs(cfg, ("deals", "deal_stages"), lenient=True)
    lines = str(info.value).splitlines()
    assert lines[0].startswith("deal_stages: --lenient skipped 17% of rows (2 of 12)")
    assert lines[1] == (
        "  deal_stages.csv, column deal_id: not a deal_id of deals.csv in 2 rows (12, 13): "
        '"zz", "zy" (expected an id that deals.csv has)'
    )


# --- how the limit is written -----------------------------------------------


@pytest.mark.parametrize(
    ("text", "share"), [("5%", 0.05), ("0.05", 0.05), (" 12.5 % ", 0.125), ("100%", 1.0), ("0", 0)]
)
def test_parse_share(text: str, share: float) -> None:
    assert parse_share(text) == pytest.approx(share)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("5", "5 is more than 1; write 5% for a percentage"),
        ("101%", "101% is not between 0% and 100%"),
        ("lots", "expected a share like 5% or 0.05"),
        ("-1%", "expected a share like 5% or 0.05"),
    ],
)
def test_parse_share_refuses(text: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        parse_share(text)


@pytest.mark.parametrize(
    ("share", "unlike", "text"),
    [(0.49, None, "49%"), (0.006, None, "0.6%"), (1 / 6, None, "17%"), (0.1004, 0.1, "10.04%")],
)
def test_share_text(share: float, unlike: float | None, text: str) -> None:
    assert share_text(share, unlike) == text


@pytest.mark.parametrize(
    ("yaml_text", "lenient", "limit"),
    [
        ("", False, 0.10),
        ("lenient: true\n", True, 0.10),
        ("lenient: false\n", False, 0.10),
        ("lenient: {max_skipped: 0.05}\n", True, 0.05),
        ("lenient:\n  max_skipped: 2%\n", True, 0.02),
    ],
)
def test_config_lenient(yaml_text: str, lenient: bool, limit: float) -> None:
    cfg = config_from_text(yaml_text, Path("/base"))
    assert (cfg.lenient, cfg.max_skipped) == (lenient, pytest.approx(limit))


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        (
            "title: t\nlenient:\n  max_skiped: 0.05\n",
            'crmkpi.yaml, line 3: unknown key "max_skiped"; did you mean "max_skipped"?',
        ),
        (
            "lenient:\n  max_skipped: 5\n",
            "crmkpi.yaml, line 2: max_skipped 5: 5 is more than 1; write 5% for a percentage",
        ),
        (
            "lenient: yes please\n",
            "crmkpi.yaml, line 1: lenient is 'yes please'; expected true, false or a mapping "
            "like {max_skipped: 0.05}",
        ),
    ],
)
def test_config_lenient_mistakes(yaml_text: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        config_from_text(yaml_text, Path("/base"))
    assert str(info.value) == message


def test_more_than_twenty_kinds_are_counted_after_twenty() -> None:
    groups = [
        ProblemGroup(
            Problem("f.csv", 2, f"c{n}", None, "is empty"), "empty", count=3, rows=(2, 3, 4)
        )
        for n in range(23)
    ]
    lines = str(DataError("f.csv: 69 problems in deals", groups=groups)).splitlines()
    assert len(lines) == 1 + 20 + 1
    assert lines[20] == "  f.csv, column c19: empty in 3 rows: 2, 3, 4"
    assert lines[-1] == "  … and 3 more kinds of problem in 9 rows"


def _persian(text: str) -> str:
    return text.translate({ord(str(d)): chr(0x06F0 + d) for d in range(10)})


def test_jalali_dates_in_a_gregorian_source_point_at_calendar_jalali(tmp_path: Path) -> None:
    # A Didar-style file with canonical headers: Jalali days, Persian digits and
    # ASCII ones (what `crmkpi sample --calendar jalali` writes for leads.csv).
    path = tmp_path / "leads.csv"
    path.write_text(
        "lead_id,created_at\nL1," + _persian("1402/07/11") + "\nL2,1403/7/5\nL3,1403-07-15 14:30\n",
        encoding="utf-8",
    )
    text = str(_error(path, "leads"))
    assert (
        "    fix: the dates look Jalali (Solar Hijri): add calendar: jalali "
        "to sources.leads in the config"
    ) in text


@pytest.mark.parametrize(
    ("values", "jalali"),
    [
        ([_persian("1402/07/11")], True),
        (["1403/07/15 14:30", "1399-12-30"], True),
        (["1403/07/15", "2024/10/06"], False),  # a Gregorian cell: not a Jalali export
        (["31/01/2026"], False),
        ([], False),
    ],
)
def test_looks_jalali(values: list[str], jalali: bool) -> None:
    assert looks_jalali(values) is jalali
