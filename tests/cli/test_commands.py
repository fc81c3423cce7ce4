"""The other commands: kpis, validate, sample, --version, and the bug path (exit 70)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crmkpi import __version__, cli_process, cli_support
from crmkpi.cli import app
from crmkpi.kpis import REGISTRY

runner = CliRunner()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"crmkpi {__version__}\n"


def test_python_dash_m_runs_the_same_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "crmkpi", "--version"], capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stdout) == (0, f"crmkpi {__version__}\n")


_HEAVY = ("polars", "jinja2", "rich", "numpy", "yaml", "pydantic")
_LOADED = """
import json, sys
from crmkpi.cli_process import main
try:
    main()
except SystemExit:
    pass
print(json.dumps([name for name in {heavy!r} if name in sys.modules]), file=sys.stderr)
"""


@pytest.mark.parametrize(
    "argv", [["--version"], ["--help"], ["report", "--help"], ["-h"], ["report", "-h"]]
)
def test_start_up_loads_no_heavy_library(argv: list[str]) -> None:
    """--version and --help must stay instant (issue 10: <= 0.25 s): polars,
    Jinja2, rich and numpy load only in the commands that use them, and the
    CLI parser pulls in no pydantic (typer 0.29 would, on every run)."""
    done = subprocess.run(
        [sys.executable, "-c", _LOADED.format(heavy=_HEAVY), *argv],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout  # the command ran: version or help text
    assert json.loads(done.stderr.splitlines()[-1]) == []


def test_kpis_lists_the_registry() -> None:
    result = runner.invoke(app, ["kpis", "-f", "json"])
    assert result.exit_code == 0

    rows = json.loads(result.stdout)
    assert [r["id"] for r in rows] == list(REGISTRY)
    churn = next(r for r in rows if r["id"] == "churn_rate")
    assert churn == {
        "id": "churn_rate",
        "label": "Churn rate",
        "unit": "percent",
        "better": "lower",
        "tables": "customers",
        "definition": "Customers active at s whose churned_at is in P, divided by S.",
    }


def test_kpis_table_shows_definitions() -> None:
    result = runner.invoke(app, ["kpis"])
    assert result.exit_code == 0
    assert "net_new_revenue" in result.stdout
    assert "first purchase" in result.stdout


def test_validate_ok(data_dir: Path) -> None:
    result = runner.invoke(app, ["validate", "-d", str(data_dir)])
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    block = out[out.index("customers: customers.csv") : out.index("deals:")]
    # Canonical headers are the generic preset; every column says where it came from.
    assert "preset: generic (detected: matched 4 of 8 columns)" in block
    assert "rows: 4 read, 4 kept" in block
    assert 'customer_id  <- "customer_id"' in block
    assert "not in the file: name, region, channel, owner" in block
    assert "leads table missing (no leads.csv/.tsv/.xlsx/.xls/.parquet in data)" in result.stdout
    assert result.stdout.rstrip().endswith("all inputs valid")


def test_validate_reports_problems_with_exit_3(data_dir: Path) -> None:
    (data_dir / "customers.csv").write_text(
        "customer_id,created_at,churned_at\nC1,2026-01-10,2025-01-01\nC1,2026-01-11,\n"
    )
    result = runner.invoke(app, ["validate", "-d", str(data_dir)])
    assert result.exit_code == 3
    err = result.stderr
    assert "customers.csv: 3 problems in customers" in err
    assert 'row 2, column churned_at: "2025-01-01" is before created_at 2026-01-10' in err
    assert 'column customer_id: duplicate customer_id in 2 rows (2, 3): "C1"' in err


def test_sample_writes_every_table(tmp_path: Path) -> None:
    out = tmp_path / "s"
    result = runner.invoke(
        app, ["sample", str(out), "--customers", "50", "--seed", "3", "--as-of", "2026-11-20"]
    )
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{t}.csv"
        for t in ("customers", "leads", "deals", "tickets", "surveys", "spend", "deal_stages")
    )
    check = runner.invoke(app, ["validate", "-d", str(out)])
    assert check.exit_code == 0, check.stderr


def test_internal_error_is_exit_70_without_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("crmkpi.engine.run_report", broken)
    monkeypatch.setattr(
        sys, "argv", ["crmkpi", "report", "-d", str(data_dir), "--as-of", "2026-11-20"]
    )
    with pytest.raises(SystemExit) as exit_info:
        cli_process.main()
    assert exit_info.value.code == 70
    err = capsys.readouterr().err
    assert "internal error (a bug)" in err
    assert "Traceback" not in err


def test_internal_error_traceback_with_verbose(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    monkeypatch.setattr("crmkpi.engine.run_report", lambda *a, **k: 1 / 0)
    monkeypatch.setattr(sys, "argv", ["crmkpi", "report", "-d", str(data_dir), "--verbose"])
    with pytest.raises(SystemExit) as exit_info:
        cli_process.main()
    assert exit_info.value.code == 70
    assert "ZeroDivisionError" in capsys.readouterr().err


def test_console_script_runs_as_a_process(data_dir: Path) -> None:
    """The installed entry point, end to end, as cron would run it."""
    exe = Path(sys.executable).with_name("crmkpi")
    run = subprocess.run(
        [str(exe), "report", "-d", str(data_dir), "-p", "2026-10", "--as-of", "2026-11-20", "-f", "json"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["period"]["label"] == "2026-10"  # all of it, flushed


def test_console_script_exits_with_the_error_code_and_its_message(data_dir: Path) -> None:
    """console() ends the process with os._exit: the code and stderr must survive it."""
    (data_dir / "deals.csv").write_text(
        "deal_id,created_at,status\nD1,someday,open\n", encoding="utf-8"
    )
    run = subprocess.run(
        [sys.executable, "-m", "crmkpi", "report", "-d", str(data_dir), "--as-of", "2026-11-20"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert run.returncode == 3, run.stderr
    assert 'deals.csv, row 2, column created_at: "someday" is not a date' in run.stderr


def _report_args(data_dir: Path, command: str = "report") -> list[str]:
    config = data_dir / "crmkpi.yaml"  # check needs a rule
    config.write_text("kpis:\n  - churn_rate: {fail: '> 50%'}\n  - revenue\n", encoding="utf-8")
    args = [command, "-c", str(config), "-d", str(data_dir)]
    return [*args, "-p", "2026-10", "--as-of", "2026-11-20"]


@pytest.mark.parametrize(
    "args",
    [["--version"], ["--help"], ["kpis", "-f", "json"], "report", "check"],
)
def test_closed_stdout_is_a_usage_error(data_dir: Path, args: list[str] | str) -> None:
    """Started with standard output closed (``>&-``): Python's sys.stdout is
    None. An output that cannot be written is a usage error (SPEC: 2), said
    in one line, not an "internal error" or a traceback."""
    argv = _report_args(data_dir, args) if isinstance(args, str) else args
    run = subprocess.run(
        [sys.executable, "-m", "crmkpi", *argv],
        stderr=subprocess.PIPE,
        text=True,
        check=False,
        preexec_fn=lambda: os.close(1),  # the child starts without fd 1
    )
    assert (run.returncode, run.stderr) == (2, f"crmkpi: {cli_support.STDOUT_CLOSED}\n")


@pytest.mark.parametrize("args", [["--version"], ["kpis", "-f", "md"], "report", "check"])
def test_a_pipe_closed_by_its_reader_is_said_once(data_dir: Path, args: list[str] | str) -> None:
    """``crmkpi check | head`` where head has gone: exit 2 with one line, not
    click's silent 1, which ``check`` uses for "a KPI failed", and no
    "Exception ignored … BrokenPipeError" at exit."""
    argv = _report_args(data_dir, args) if isinstance(args, str) else args
    reader, writer = os.pipe()
    os.close(reader)  # nobody will read: the first write fails with EPIPE
    try:
        run = subprocess.run(
            [sys.executable, "-m", "crmkpi", *argv],
            stdout=writer,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    finally:
        os.close(writer)
    assert (run.returncode, run.stderr) == (2, f"crmkpi: {cli_support.STDOUT_LOST}\n")


@pytest.mark.parametrize(
    ("raised", "status", "stderr"),
    [(None, 0, ""), (3, 3, ""), ("crmkpi: stopped", 1, "crmkpi: stopped\n")],
)
def test_console_exits_as_sys_exit_would(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    raised: object,
    status: int,
    stderr: str,
) -> None:
    def stop() -> None:
        raise SystemExit(raised)

    def exit_now(code: int) -> None:
        raise RuntimeError(code)  # os._exit would end pytest itself

    monkeypatch.setattr(cli_process, "main", stop)
    monkeypatch.setattr(cli_process.os, "_exit", exit_now)
    monkeypatch.setattr(cli_process.gc, "disable", lambda: None)
    with pytest.raises(RuntimeError) as ended:
        cli_process.console()
    assert ended.value.args == (status,)
    assert capsys.readouterr().err == stderr


def test_kpis_markdown_is_the_docs_page() -> None:
    result = runner.invoke(app, ["kpis", "-f", "md"])
    assert result.exit_code == 0
    docs = Path(__file__).resolve().parents[2] / "docs" / "kpis.md"
    assert result.stdout == docs.read_text(encoding="utf-8")


def _stages_of_unknown_deal(data_dir: Path) -> None:
    (data_dir / "deal_stages.csv").write_text(
        "deal_id,stage,entered_at\nD1,Qualified,2026-09-01\nD9,Proposal,2026-09-05\n"
    )


def test_stage_rows_of_unknown_deals_are_problems(data_dir: Path) -> None:
    _stages_of_unknown_deal(data_dir)
    result = runner.invoke(app, ["validate", "-d", str(data_dir)])
    assert result.exit_code == 3
    assert (
        'deal_stages.csv, row 3, column deal_id: "D9" is not a deal_id of deals.csv'
        in result.stderr
    )


def test_stage_rows_of_unknown_deals_are_skipped_when_lenient(data_dir: Path) -> None:
    _stages_of_unknown_deal(data_dir)
    result = runner.invoke(app, ["validate", "-d", str(data_dir), "--max-skipped", "50%"])
    assert result.exit_code == 0, result.stderr
    assert "  skipped 1 row, 50% (deal_id not in deals: 1)" in result.stdout
