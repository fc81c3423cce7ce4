"""The first hour of a new user (issue 21, item 4): nothing they try by
mistake overwrites their files, reports nothing with exit 0, or reads a
Jalali year as a Gregorian one; ``init`` recognises a Didar export and
``-h`` is ``--help``."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from crmkpi.cli import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]
OCT = ["-p", "2026-10", "--as-of", "2026-11-20"]
COMMANDS = ("report", "check", "validate", "convert", "kpis", "presets", "init", "sample")


# --- -h is --help ---------------------------------------------------------------


@pytest.mark.parametrize("command", [(), *((c,) for c in COMMANDS)])
def test_dash_h_is_help(command: tuple[str, ...]) -> None:
    short = runner.invoke(app, [*command, "-h"])
    long = runner.invoke(app, [*command, "--help"])
    assert short.exit_code == 0, short.output
    assert short.stdout.startswith("\nUsage: ") or short.stdout.startswith("Usage: ")
    assert short.stdout == long.stdout
    assert "-h, --help" in short.stdout
