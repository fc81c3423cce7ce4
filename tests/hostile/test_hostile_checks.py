"""Every input is checked, and exit codes stay meaningful (issue 24, items 7 and 8).

Protects SPEC.md "Errors and exit codes" against inputs that used to pass
unchecked with exit 0 (a CR-only file read as zero rows, two headers for one
column, an impossible UTC offset, a converted Parquet edited afterwards) or
that ended in exit 70, exit 1 or a Rust backtrace (year 0, a symlink loop,
bad converted metadata, ``POLARS_MAX_THREADS=0``, a polars panic).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import polars as pl
import pytest
from _hostile import PERIOD, YESTERDAY, Scene, invoke, run_process, snapshot, write_rows

from crmkpi.cli_process import main


def _json(scene: Scene) -> dict[str, object]:
    return json.loads(scene.out.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


# --- item 7: every input is checked -------------------------------------------


def test_cr_only_line_ends_read_like_newlines(scene: Scene, baseline: dict[str, object]) -> None:
    """An old Mac file: every line ends with a bare CR. Today: zero rows."""
    path = scene.data / "customers.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r"))
    outcome = scene.report()
    assert outcome.code == 0, outcome
    report = _json(scene)
    assert report["inputs"]["customers"]["rows"] == 200  # type: ignore[index]
    assert report["kpis"] == baseline["kpis"]


def test_cr_only_line_ends_keep_row_numbers_in_errors(scene: Scene) -> None:
    row = scene.find_row("customers.csv", lambda r: True) + 4  # the 5th data row: row 6
    scene.edit("customers.csv", row, "created_at", "someday")
    path = scene.data / "customers.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r"))
    outcome = scene.report()
    scene.assert_refused(outcome, 3, "customers.csv", "row 6", '"someday"', "not a date")


def test_two_headers_for_one_column_are_an_error_naming_both(scene: Scene) -> None:
    """``Created At`` and ``created_at`` both name created_at: the first won silently."""
    rows = scene.rows("customers.csv")
    rows[0][rows[0].index("created_at")] = "Created At"
    rows = [[*cells, "2020-01-01" if n else "created_at"] for n, cells in enumerate(rows)]
    write_rows(scene.data / "customers.csv", rows)
    outcome = scene.report()
    scene.assert_refused(
        outcome, 3, "customers.csv", '"Created At"', '"created_at"', "created_at",
        "sources.customers.columns",
    )  # fmt: skip


def test_two_headers_for_one_column_mapped_in_the_config_read_the_one_named(
    scene: Scene, baseline: dict[str, object]
) -> None:
    rows = scene.rows("customers.csv")
    rows[0][rows[0].index("created_at")] = "Created At"
    rows = [[*cells, "2020-01-01" if n else "created_at"] for n, cells in enumerate(rows)]
    write_rows(scene.data / "customers.csv", rows)
    config = scene.config('sources: {customers: {columns: {created_at: "Created At"}}}\n')
    outcome = scene.report("-c", str(config))
    assert outcome.code == 0, outcome
    assert _json(scene)["kpis"] == baseline["kpis"]  # "Created At" read, not 2020-01-01


def test_exact_duplicate_headers_are_an_error(scene: Scene) -> None:
    rows = scene.rows("deals.csv")
    rows = [[*cells, cells[rows[0].index("amount")]] for cells in rows]
    write_rows(scene.data / "deals.csv", rows)
    outcome = scene.report()
    scene.assert_refused(outcome, 3, "deals.csv", '"amount"', "twice")


def test_a_presets_alternative_headers_are_not_duplicates(tmp_path: Path) -> None:
    """HubSpot's deals list Amount and Amount in company currency for amount:
    a file with both takes the first non-empty one, as before."""
    from crmkpi.canonical import TABLES
    from crmkpi.config import SourceSpec
    from crmkpi.presets import load_preset
    from crmkpi.sources.mapping import resolve_mapping

    preset = load_preset("hubspot").tables["deals"]
    alternatives = preset.columns["amount"].inputs
    assert len(alternatives) == 2
    others = [h for c, s in preset.columns.items() if c != "amount" for h in s.inputs[:1]]
    headers = tuple(dict.fromkeys((*alternatives, *others)))
    mapping = resolve_mapping(headers, TABLES["deals"], SourceSpec("deals", preset="hubspot"), "d")
    assert mapping.columns["amount"].inputs == alternatives


@pytest.mark.parametrize("offset", ["+99:99", "+24:00", "-14:01", "+05:60", "+1500"])
def test_utc_offsets_outside_14_hours_are_errors(scene: Scene, offset: str) -> None:
    row = scene.find_row("tickets.csv", lambda r: bool(r["first_response_at"]))
    value = scene.cell("tickets.csv", row, "first_response_at") + offset
    scene.edit("tickets.csv", row, "first_response_at", value)
    outcome = scene.report()
    scene.assert_refused(
        outcome, 3, "tickets.csv", f"row {row}", "first_response_at", f'"{value}"', "date-time"
    )


@pytest.mark.parametrize("offset", ["+14:00", "-12:00", "+05:45", "-0930"])
def test_utc_offsets_within_14_hours_are_read(scene: Scene, offset: str) -> None:
    row = scene.find_row("tickets.csv", lambda r: bool(r["resolved_at"]))
    scene.edit("tickets.csv", row, "resolved_at", "2099-01-01T00:00:00" + offset)
    outcome = scene.report()
    assert outcome.code == 0, outcome


def _converted(scene: Scene) -> Path:
    """``crmkpi convert`` of the scene's data into ``scene.root / "conv"``."""
    target = scene.root / "conv"
    outcome = invoke("convert", str(scene.data), "--to", "parquet", "-o", str(target))
    assert outcome.code == 0, outcome
    return target


def _edit_parquet(
    path: Path, edit: pl.Expr | None = None, rows: pl.DataFrame | None = None
) -> None:
    """Change a converted file's rows and keep its metadata, as a user could."""
    meta = pl.read_parquet_metadata(path)
    frame = pl.read_parquet(path)
    if edit is not None:
        frame = frame.with_columns(edit)
    if rows is not None:
        frame = pl.concat([frame, rows])
    frame.write_parquet(path, metadata=meta)


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (
            pl.when(pl.col("status") == "won")
            .then(-pl.col("amount"))
            .otherwise("amount")
            .alias("amount"),
            ("amount", "negative", "an amount of 0 or more"),
        ),
        (
            pl.when(pl.col("status") == "won")
            .then(pl.lit("WON"))
            .otherwise("status")
            .alias("status"),
            ("status", '"WON"', "not a known value"),
        ),
    ],
    ids=["negative-amount", "WON"],
)
def test_an_edited_converted_parquet_is_checked(
    scene: Scene, edit: pl.Expr, words: tuple[str, ...]
) -> None:
    folder = _converted(scene)
    _edit_parquet(folder / "deals.parquet", edit)
    before = snapshot(folder)
    outcome = invoke("report", "-d", str(folder), *PERIOD, "-o", str(scene.out))
    assert outcome.code == 3, outcome
    for word in ("deals.parquet", *words, "crmkpi convert"):
        assert word in outcome.stderr, (word, outcome.stderr)
    assert "Traceback" not in outcome.output
    assert snapshot(folder) == before
    assert scene.out.read_bytes() == YESTERDAY


def test_duplicated_rows_in_a_converted_parquet_are_refused(scene: Scene) -> None:
    folder = _converted(scene)
    path = folder / "spend.parquet"  # no id column: the source rows repeat
    _edit_parquet(path, rows=pl.read_parquet(path).head(3))
    outcome = invoke("report", "-d", str(folder), *PERIOD, "-o", str(scene.out))
    assert outcome.code == 3, outcome
    assert "spend.parquet" in outcome.stderr
    assert "more than once in 6 rows" in outcome.stderr, outcome.stderr
    assert "Traceback" not in outcome.output


def test_duplicated_ids_in_a_converted_parquet_are_refused(scene: Scene) -> None:
    folder = _converted(scene)
    path = folder / "customers.parquet"
    first = pl.read_parquet(path).head(1).with_columns(pl.col("__row") + 10_000)
    _edit_parquet(path, rows=first)
    outcome = invoke("report", "-d", str(folder), *PERIOD, "-o", str(scene.out))
    assert outcome.code == 3, outcome
    assert "customers.parquet" in outcome.stderr
    assert "duplicate" in outcome.stderr, outcome.stderr


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("crmkpi.rows", "many"),
        ("crmkpi.skipped", "{not json"),
        ("crmkpi.skipped", '["a list"]'),
        ("crmkpi.latest", "yesterday"),
        ("crmkpi.unknown", "{broken"),
    ],
)
def test_bad_metadata_in_a_converted_parquet_is_a_data_error(
    scene: Scene, key: str, value: str
) -> None:
    folder = _converted(scene)
    path = folder / "customers.parquet"
    meta = {**pl.read_parquet_metadata(path), key: value}
    pl.read_parquet(path).write_parquet(path, metadata=meta)
    outcome = invoke("report", "-d", str(folder), *PERIOD, "-o", str(scene.out))
    assert outcome.code == 3, outcome
    assert "customers.parquet" in outcome.stderr
    assert f"metadata {key}" in outcome.stderr, outcome.stderr
    assert "crmkpi convert" in outcome.stderr
    assert "Traceback" not in outcome.output


# --- item 8: exit codes stay meaningful ----------------------------------------


@pytest.mark.parametrize(
    ("file", "column", "value"),
    [
        ("customers.csv", "created_at", "0000-12-11"),
        ("deals.csv", "created_at", "0000-10-30"),
        ("tickets.csv", "created_at", "0000-01-01T14:02:41"),
    ],
)
def test_year_0_is_a_data_error(scene: Scene, file: str, column: str, value: str) -> None:
    config = scene.config("sections: [cohorts]\n")  # exit 70 here before
    scene.edit(file, 2, column, value)
    outcome = scene.report("-c", str(config))
    scene.assert_refused(outcome, 3, file, "row 2", column, f'"{value}"', "1900-01-01")


def test_a_symlink_loop_as_the_data_folder(scene: Scene) -> None:
    loop = scene.root / "loop"
    loop.symlink_to(scene.root / "loop2")
    (scene.root / "loop2").symlink_to(loop)
    outcome = scene.run("report", "-d", str(loop), *PERIOD, "-o", str(scene.out))
    assert outcome.code == 3, outcome
    assert str(loop) in outcome.stderr
    assert "loop of symbolic links" in outcome.stderr, outcome.stderr
    assert "Traceback" not in outcome.output


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file whatever its mode")
def test_an_unreadable_data_file(scene: Scene) -> None:
    path = scene.data / "customers.csv"
    path.chmod(0)
    try:
        outcome = scene.report()
    finally:
        path.chmod(0o644)
    scene.assert_refused(outcome, 3, "customers.csv", "permission")


@pytest.mark.parametrize("value", ["0", "00"])
def test_a_bad_polars_max_threads_is_a_usage_error(
    scene: Scene, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    """``POLARS_MAX_THREADS=0`` was a Rust panic and exit 1, which CI reads as a failed KPI."""
    monkeypatch.setenv("POLARS_MAX_THREADS", value)
    args = ["report", "-d", str(scene.data), *PERIOD, "-o", str(scene.out)]
    outcome = run_process(args, scene.root, 60, scene.root / "stderr.txt")
    assert outcome.code == 2, outcome
    assert f"POLARS_MAX_THREADS={value}" in outcome.stderr
    assert "panicked" not in outcome.stderr
    assert "backtrace" not in outcome.stderr
    assert outcome.stderr.count("\n") == 1, outcome.stderr
    assert scene.out.read_bytes() == YESTERDAY


def test_a_polars_panic_is_exit_70_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bug inside polars (a panic is a BaseException, not an Exception) is
    a bug like any other: exit 70 and one line, never exit 1 and a traceback."""

    def panic() -> None:
        raise pl.exceptions.PanicException("index out of bounds")

    monkeypatch.setattr("crmkpi.cli_process.app", panic)
    monkeypatch.setattr("sys.argv", ["crmkpi", "report"])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 70
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "internal error" in err
    assert "Traceback" not in err
