"""Output that carries no attack (issue 24, item 9).

A segment, an owner name or a KPI label is data: its control characters
(Unicode Cc) and bidi overrides reach the terminal, a JUnit file or a CSV
cell only as escapes (``\\x1B``, ``\\u202E``); ZWNJ and RLM, which Persian
names need, are kept; Rich markup in data or a label is shown as text.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

from _hostile import PERIOD, Scene, write_rows

from crmkpi.render.csv import COLUMNS

ESC_OWNER = "Chen\x1b[2J\u202eWei"  # clears the screen, then shows the rest reversed
ESC_SEGMENT = "SMB\x1b]0;pwned\x07"  # sets the terminal's title
RAW = ("\x1b", "\x07", "\u202e")


def _set_all(scene: Scene, name: str, column: str, old: str, new: str) -> None:
    rows = scene.rows(name)
    index = rows[0].index(column)
    hits = [row for row in rows[1:] if row[index] == old]
    assert hits, (name, column, old)
    for row in hits:
        row[index] = new
    write_rows(scene.data / name, rows)


def test_escape_codes_in_owner_and_segment_are_shown_not_run(scene: Scene) -> None:
    _set_all(scene, "deals.csv", "owner", "Chen Wei", ESC_OWNER)
    _set_all(scene, "customers.csv", "segment", "SMB", ESC_SEGMENT)
    outcome = scene.run(
        "report", "-d", str(scene.data), *PERIOD, "-f", "table", "--by", "owner", "--by", "segment"
    )
    assert outcome.code == 0, outcome
    for raw in RAW:
        assert raw not in outcome.output, repr(raw)
    assert "Chen\\x1B[2J\\u202EWei" in outcome.stdout
    assert "SMB\\x1B]0;pwned\\x07" in outcome.stdout


def test_persian_joiners_and_marks_are_kept(scene: Scene) -> None:
    name = "\u0639\u0644\u06cc\u200c\u0631\u0636\u0627\u200f"  # Ali-Reza: ZWNJ inside, RLM after
    _set_all(scene, "deals.csv", "owner", "Chen Wei", name)
    outcome = scene.run("report", "-d", str(scene.data), *PERIOD, "-f", "table", "--by", "owner")
    assert outcome.code == 0, outcome
    assert name in outcome.stdout


def test_escape_codes_in_a_bad_cell_reach_stderr_escaped(scene: Scene) -> None:
    scene.edit("deals.csv", 2, "created_at", "\x1b[2J\x1b]0;x\x07soon")
    outcome = scene.report()
    scene.assert_refused(outcome, 3, 'column created_at: "\\x1B[2J\\x1B]0;x\\x07soon"')
    for raw in RAW:
        assert raw not in outcome.output, repr(raw)


def test_escape_codes_in_lenient_warnings_are_escaped(scene: Scene) -> None:
    scene.edit("deals.csv", 2, "created_at", "\x1b[2Jsoon")
    outcome = scene.report("--lenient")
    assert outcome.code == 0, outcome
    assert '"\\x1B[2Jsoon"' in outcome.stderr
    assert "\x1b" not in outcome.output


def test_rich_markup_in_a_label_and_an_owner_is_text(scene: Scene) -> None:
    """``[/]`` closes a Rich style that was never opened: read as markup, it
    was an exception (exit 70) in the column headers of ``--by``."""
    _set_all(scene, "deals.csv", "owner", "Chen Wei", "[bold]Chen[/] [/]")
    config = scene.config("kpis:\n  - revenue: {label: 'Revenue [/] [red]net'}\n  - won_deals\n")
    outcome = scene.run(
        "report", "-c", str(config), "-d", str(scene.data), *PERIOD, "-f", "table", "--by", "owner"
    )
    assert outcome.code == 0, outcome
    assert "Revenue [/] [red]net" in outcome.stdout
    assert "[bold]Chen[/] [/]" in outcome.stdout


def test_control_characters_in_a_label_keep_junit_well_formed(scene: Scene) -> None:
    config = scene.config(
        'title: "Weekly\\x0b"\nkpis:\n  - revenue: {label: "Rev\\x01enue \\e[31m", fail: "< 0"}\n'
    )
    outcome = scene.run("check", "-c", str(config), "-d", str(scene.data), *PERIOD, "-f", "junit")
    assert outcome.code == 0, outcome
    suite = ET.fromstring(outcome.stdout.split("\n", 1)[1]).find("testsuite")
    assert suite is not None
    assert suite.get("name") == "crmkpi Weekly\\x0B"
    out = suite.find("testcase/system-out")
    assert out is not None
    assert (out.text or "").startswith("PASS  Rev\\x01enue \\x1B[31m: ")


def test_control_characters_in_check_text_are_escaped(scene: Scene) -> None:
    config = scene.config('kpis:\n  - revenue: {label: "Rev\\e[2Jenue", fail: "< 0"}\n')
    outcome = scene.run("check", "-c", str(config), "-d", str(scene.data), *PERIOD)
    assert outcome.code == 0, outcome
    assert "PASS  Rev\\x1B[2Jenue: " in outcome.stdout
    assert "\x1b" not in outcome.stdout


def test_bare_carriage_return_in_csv_is_quoted(scene: Scene) -> None:
    config = scene.config(
        'kpis:\n  - revenue: {label: "Rev\\renue"}\n  - won_deals: {label: "\\rWon\\x1b"}\n'
    )
    outcome = scene.run("report", "-c", str(config), "-d", str(scene.data), *PERIOD, "-f", "csv")
    assert outcome.code == 0, outcome
    assert '"Rev\renue"' in outcome.stdout
    assert "\x1b" not in outcome.stdout
    rows = list(csv.reader(io.StringIO(outcome.stdout, newline="")))
    labels = {row[0]: row[1] for row in rows[1:]}
    assert labels == {"revenue": "Rev\renue", "won_deals": "'\rWon\\x1B"}
    assert {len(row) for row in rows} == {len(COLUMNS)}
