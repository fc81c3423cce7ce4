"""``--lenient`` with a limit through the real CLI (issue 21, item 5):
``--max-skipped`` on every command that reads inputs, the config's
``lenient``, exit 3 past the limit, and the skipped share in every format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crmkpi.cli import app

runner = CliRunner()
JAN = ["-p", "2026-01", "--as-of", "2026-02-20"]
HEADER = "deal_id,created_at,status,closed_at,amount\n"


def _deals(folder: Path, good: int, bad: int) -> Path:
    """``good`` won deals of 100 closed in January, then ``bad`` with an
    amount of -5 (rows good+2 …)."""
    folder.mkdir(exist_ok=True)
    ok = "".join(f"d{i},2026-01-05,won,2026-01-20,100\n" for i in range(good))
    wrong = "".join(f"b{i},2026-01-05,won,2026-01-20,-5\n" for i in range(bad))
    (folder / "deals.csv").write_text(HEADER + ok + wrong)
    return folder


def _run(*args: str) -> object:
    return runner.invoke(app, list(args))


OVER = (
    "crmkpi: deals: --lenient skipped 49% of rows (245 of 500), over the limit of 10%; "
    "fix the rows or raise --max-skipped"
)


def test_lenient_over_the_default_limit_is_exit_3(tmp_path: Path) -> None:
    data = _deals(tmp_path / "data", 255, 245)
    result = _run("report", "-d", str(data), *JAN, "--lenient", "-f", "json")
    assert result.exit_code == 3
    assert result.stderr.splitlines()[0] == OVER
    assert result.stdout == ""
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["check", "validate", "convert"])
def test_every_command_that_reads_inputs_has_the_limit(tmp_path: Path, command: str) -> None:
    data = _deals(tmp_path / "data", 255, 245)
    where = [str(data), "--to", "parquet"] if command == "convert" else ["-d", str(data)]
    if command == "check":  # check needs a rule to judge (else exit 2 before any data is read)
        rules = tmp_path / "rules.yaml"
        rules.write_text(f"data: {data}\nkpis:\n  - won_deals: {{fail: '< 1'}}\n")
        where = ["-c", str(rules)]
    over = _run(command, *where, "--lenient")
    assert (over.exit_code, over.stderr.splitlines()[0]) == (3, OVER)
    within = _run(command, *where, "--max-skipped", "50%")  # implies --lenient
    assert within.exit_code in (0, 1), within.stderr  # check: 1 only when a KPI fails
    assert "deals: --lenient skipped" not in within.stderr


@pytest.mark.parametrize("limit", ["50%", "0.5"])
def test_max_skipped_raises_the_limit_and_implies_lenient(tmp_path: Path, limit: str) -> None:
    data = _deals(tmp_path / "data", 255, 245)
    result = _run("report", "-d", str(data), *JAN, "--max-skipped", limit, "-f", "json")
    assert result.exit_code == 0, result.stderr
    deals = json.loads(result.stdout)["inputs"]["deals"]
    assert (deals["rows"], deals["skipped"], deals["skipped_share"]) == (500, 245, 0.49)
    revenue = {k["id"]: k["value"] for k in json.loads(result.stdout)["kpis"]}["revenue"]
    assert revenue == 255 * 100  # the 245 skipped deals are not counted


def test_max_skipped_lower_than_the_default(tmp_path: Path) -> None:
    data = _deals(tmp_path / "data", 96, 4)  # 4%: within 10%, over 3%
    assert _run("report", "-d", str(data), *JAN, "--lenient").exit_code == 0
    result = _run("report", "-d", str(data), *JAN, "--max-skipped", "3%")
    assert result.exit_code == 3
    assert result.stderr.startswith(
        "crmkpi: deals: --lenient skipped 4% of rows (4 of 100), over the limit of 3%"
    )


@pytest.mark.parametrize(
    ("limit", "words"),
    [
        ("5", "--max-skipped '5': 5 is more than 1; write 5% for a percentage"),
        ("lots", "--max-skipped 'lots': expected a share like 5% or 0.05"),
        ("150%", "--max-skipped '150%': 150% is not between 0% and 100%"),
    ],
)
def test_a_bad_limit_is_a_usage_error(tmp_path: Path, limit: str, words: str) -> None:
    data = _deals(tmp_path / "data", 10, 0)
    result = _run("report", "-d", str(data), *JAN, "--max-skipped", limit)
    assert result.exit_code == 2
    assert words in result.stderr


def test_config_lenient_turns_it_on_with_its_limit(tmp_path: Path) -> None:
    data = _deals(tmp_path / "data", 255, 245)
    config = tmp_path / "crmkpi.yaml"
    config.write_text(f"data: {data}\nlenient: {{max_skipped: 0.5}}\n")
    result = _run("report", "-c", str(config), *JAN, "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["inputs"]["deals"]["skipped"] == 245
    # The command line's limit wins over the file's.
    tighter = _run("report", "-c", str(config), *JAN, "--max-skipped", "40%")
    assert tighter.exit_code == 3
    config.write_text(f"data: {data}\nlenient: true\n")  # on, with the default 10%
    assert _run("report", "-c", str(config), *JAN).exit_code == 3


def test_strict_run_groups_problems_and_says_the_fix(tmp_path: Path) -> None:
    data = _deals(tmp_path / "data", 475, 25)
    result = _run("report", "-d", str(data), *JAN)
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        "crmkpi: deals.csv: 25 problems in deals",
        '  deals.csv, column amount: negative in 25 rows (477, 478, 479, 480, 481 …): "-5" '
        "(expected an amount of 0 or more)",
        "  fix: correct the rows in deals.csv, or skip them and report the rest with "
        "--lenient (25 of 500 rows, 5%)",
    ]


def _lenient_report(tmp_path: Path, fmt: str) -> str:
    data = _deals(tmp_path / "data", 95, 5)  # 5 of 100 skipped: 5%
    result = _run("report", "-d", str(data), *JAN, "--lenient", "-f", fmt)
    assert result.exit_code == 0, result.stderr
    return str(result.stdout)


def test_json_skipped_share(tmp_path: Path) -> None:
    deals = json.loads(_lenient_report(tmp_path, "json"))["inputs"]["deals"]
    assert (deals["skipped"], deals["skipped_share"]) == (5, 0.05)
    assert list(deals) == [
        "path", "preset", "rows", "skipped", "skipped_share", "skipped_by_reason", "latest",
        "stale",
    ]  # fmt: skip


def test_json_skipped_share_is_zero_when_nothing_was_skipped(tmp_path: Path) -> None:
    data = _deals(tmp_path / "data", 10, 0)
    result = _run("report", "-d", str(data), *JAN, "-f", "json")
    assert json.loads(result.stdout)["inputs"]["deals"]["skipped_share"] == 0


def test_terminal_shows_the_share(tmp_path: Path) -> None:
    text = _lenient_report(tmp_path, "table")
    assert "deals: deals.csv, 100 rows, 5 skipped (5%), latest 2026-01-20" in text
    assert (
        'deals: skipped deals.csv, column amount: negative in 5 rows (97, 98, 99, 100, 101): "-5"'
        in text
    )


def test_markdown_shows_the_share(tmp_path: Path) -> None:
    assert "| deals | deals.csv | generic | 100 | 5 (5%) | 2026-01-20 |" in _lenient_report(
        tmp_path, "md"
    )


def test_html_shows_the_share(tmp_path: Path) -> None:
    text = _lenient_report(tmp_path, "html")
    assert '<td class="num">5 (5%)</td>' in text
    assert "deals.csv · skipped 5 (5%)" in text


def test_warning_shows_the_share(tmp_path: Path) -> None:
    data = _deals(tmp_path / "data", 95, 5)
    result = _run("report", "-d", str(data), *JAN, "--lenient", "-f", "json")
    assert (
        "deals: skipped 5 rows of 100, 5% (amount is negative: 5)"
        in json.loads(result.stdout)["warnings"]
    )


def test_validate_shows_the_share_and_the_groups(tmp_path: Path) -> None:
    data = _deals(tmp_path / "data", 95, 5)
    result = _run("validate", "-d", str(data), "--lenient")
    assert result.exit_code == 0, result.stderr
    assert "  skipped 5 rows, 5% (amount is negative: 5)" in result.stdout
    assert (
        '    deals.csv, column amount: negative in 5 rows (97, 98, 99, 100, 101): "-5"'
        in result.stdout
    )
