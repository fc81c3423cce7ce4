# ruff: noqa: RUF001 - Persian headers and digits are what is tested
"""One clock: every date-time is converted to the report's zone before its
day is taken (issue 21, item 2).

Four tickets on the Tehran wall clock (+03:30 all year since 2022), written
three ways: with ``+03:30`` offsets, naive with ``sources.tickets.timezone``,
and as a Didar export (Jalali text, Persian digits). Each way must put each
ticket on the same day, in every report zone, and keep its response time.
Worked out by hand:

    ticket  created (Tehran)    = UTC               first response  hours
    k1      2026-10-05 00:42    2026-10-04 21:12    10-05 02:12     1.5
    k2      2026-10-05 10:00    2026-10-05 06:30    10-05 10:30     0.5
    k3      2026-10-04 23:00    2026-10-04 19:30    10-05 01:00     2
    k4      2026-10-04 02:00    2026-10-03 22:30    10-04 06:00     4

    reported in UTC:         10-04: k1 k3 (2; 1.75 h)  10-05: k2 (1; 0.5 h)
    reported in Asia/Tehran: 10-04: k3 k4 (2; 3 h)     10-05: k1 k2 (2; 1 h)

Jalali: 2026-10-03 = 1405/07/11, 10-04 = 1405/07/12, 10-05 = 1405/07/13.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from crmkpi.cli import app

runner = CliRunner()
TEHRAN = "Asia/Tehran"
PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")

# (id, created, first response) on the Tehran wall clock, Gregorian and Jalali.
TICKETS = (
    ("k1", "2026-10-05 00:42", "2026-10-05 02:12", "1405/07/13 00:42", "1405/07/13 02:12"),
    ("k2", "2026-10-05 10:00", "2026-10-05 10:30", "1405/07/13 10:00", "1405/07/13 10:30"),
    ("k3", "2026-10-04 23:00", "2026-10-05 01:00", "1405/07/12 23:00", "1405/07/13 01:00"),
    ("k4", "2026-10-04 02:00", "2026-10-04 06:00", "1405/07/12 02:00", "1405/07/12 06:00"),
)
DAY_4, DAY_5 = "2026-10-04", "2026-10-05"
# (report zone, day) -> (new_tickets, first_response_hours)
EXPECTED = {
    ("UTC", DAY_4): (2, (1.5 + 2) / 2),
    ("UTC", DAY_5): (1, 0.5),
    (TEHRAN, DAY_4): (2, (2 + 4) / 2),
    (TEHRAN, DAY_5): (2, (1.5 + 0.5) / 2),
}
KPIS = "kpis: [new_tickets, first_response_hours]\n"


def _offsets(folder: Path) -> str:
    """Canonical tickets with ``+03:30``: the instants say themselves."""
    lines = ["ticket_id,created_at,first_response_at"]
    lines += [
        f"{t},{c.replace(' ', 'T')}:00+03:30,{f.replace(' ', 'T')}:00+03:30"
        for t, c, f, _, _ in TICKETS
    ]
    (folder / "tickets.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ""


def _naive(folder: Path) -> str:
    """Canonical tickets with naive times, the source's zone in the config."""
    lines = ["ticket_id,created_at,first_response_at"]
    lines += [f"{t},{c},{f}" for t, c, f, _, _ in TICKETS]
    (folder / "tickets.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return f"sources:\n  tickets: {{timezone: {TEHRAN}}}\n"


def _didar(folder: Path) -> str:
    """A Didar tickets export: Persian headers, Jalali dates, Persian digits;
    the preset says the times are Tehran's."""
    lines = ["شماره تیکت,تاریخ ایجاد,تاریخ اولین پاسخ"]
    lines += [f"{t},{c.translate(PERSIAN)},{f.translate(PERSIAN)}" for t, _, _, c, f in TICKETS]
    name = "تیکت\u200cها.csv"
    (folder / name).write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
    return f"sources:\n  tickets: {{path: {name}, preset: didar}}\n"


WAYS = {"+03:30 offsets": _offsets, "naive, sources.tickets.timezone": _naive, "didar": _didar}


def _folder(root: Path, way: str) -> tuple[Path, str]:
    folder = root / "data"
    folder.mkdir(parents=True)
    return folder, WAYS[way](folder)


def _report(folder: Path, config: str, zone: str, day: str, data: Path | None = None) -> Any:
    path = folder.parent / f"crmkpi-{zone.replace('/', '-')}.yaml"
    path.write_text(f"timezone: {zone}\n{config}{KPIS}", encoding="utf-8")
    result = runner.invoke(
        app,
        ["report", "-c", str(path), "-d", str(data or folder), "-p", day, "--as-of", "2026-10-31",
         "-f", "json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _values(report: Any) -> tuple[float, float]:
    kpis = {k["id"]: k for k in report["kpis"]}
    for kpi in kpis.values():
        assert kpi["reason"] is None, kpi
    return kpis["new_tickets"]["value"], kpis["first_response_hours"]["value"]


@pytest.mark.parametrize("way", list(WAYS))
@pytest.mark.parametrize(("zone", "day"), list(EXPECTED))
def test_each_way_of_writing_a_time_gives_the_same_day_in_every_zone(
    tmp_path: Path, way: str, zone: str, day: str
) -> None:
    folder, config = _folder(tmp_path, way)
    tickets, hours = _values(_report(folder, config, zone, day))
    want_tickets, want_hours = EXPECTED[(zone, day)]
    assert tickets == want_tickets
    assert hours == pytest.approx(want_hours)


def test_a_ticket_at_0042_in_tehran_is_on_the_previous_utc_day(tmp_path: Path) -> None:
    folder, config = _folder(tmp_path, "didar")
    only_k1 = "\n".join((folder / "تیکت\u200cها.csv").read_text(encoding="utf-8").splitlines()[:2])
    (folder / "تیکت\u200cها.csv").write_text(only_k1 + "\n", encoding="utf-8")
    assert _values(_report(folder, config, "UTC", "2026-10-04")) == (1, 1.5)
    next_day = {k["id"]: k for k in _report(folder, config, "UTC", "2026-10-05")["kpis"]}
    assert next_day["new_tickets"]["value"] == 0
    assert _values(_report(folder, config, TEHRAN, "2026-10-05")) == (1, 1.5)


@pytest.mark.parametrize("way", list(WAYS))
@pytest.mark.parametrize("convert_zone", ["UTC", TEHRAN])
def test_a_converted_folder_gives_the_csv_report_in_every_zone(
    tmp_path: Path, way: str, convert_zone: str
) -> None:
    """``convert`` stores instants (UTC); the report takes their days in its zone,
    whatever zone the conversion ran in."""
    folder, config = _folder(tmp_path, way)
    converting = tmp_path / "convert.yaml"
    converting.write_text(f"timezone: {convert_zone}\n{config}{KPIS}", encoding="utf-8")
    parquet = tmp_path / "parquet"
    result = runner.invoke(
        app, ["convert", str(folder), "--to", "parquet", "-c", str(converting), "-o", str(parquet)]
    )
    assert result.exit_code == 0, result.stderr
    for zone, day in EXPECTED:
        want_tickets, want_hours = EXPECTED[(zone, day)]
        tickets, hours = _values(_report(folder, "", zone, day, data=parquet))
        assert tickets == want_tickets, (zone, day)
        assert hours == pytest.approx(want_hours), (zone, day)
    shutil.rmtree(parquet)
