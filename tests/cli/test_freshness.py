"""Freshness (issue 23, item 3): a table whose latest date lies more than
``warn_after`` before the last day the report needs is stale, a warning in
every format and in ``check``; past ``error_after`` the KPIs that read it are
errors in ``check``.

The committed sample's exports end on 2026-11-20 (spend, written monthly, on
2026-11-01). Checked for the whole of November on 2026-12-01, the report needs
2026-11-30: the tables are 10 days behind (more than 1d), spend 29 (not more
than its 35d).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from crmkpi.cli import app
from crmkpi.config import Freshness, TableFreshness, config_from_text
from crmkpi.errors import ConfigError
from crmkpi.inputs import needed_day
from crmkpi.periods import parse_period

ROOT = Path(__file__).resolve().parents[2]
CONFIG = """\
data: {data}
currency: USD
{extra}
kpis:
  - revenue: {{target: 1200000}}
  - new_tickets
  - customer_acquisition_cost
"""
DEALS_BEHIND = (
    "deals is stale: latest date 2026-11-20, 10 days before 2026-11-30, the last day this "
    "report needs (more than warn_after 1d)"
)


def _run(tmp_path: Path, command: str, *args: str, extra: str = "") -> Result:
    config = tmp_path / "crmkpi.yaml"
    text = CONFIG.format(data=ROOT / "sample_data", extra=extra)
    config.write_text(text, encoding="utf-8")
    return CliRunner().invoke(app, [command, "-c", str(config), *args])


def _json(tmp_path: Path, *args: str, extra: str = "") -> dict[str, Any]:
    result = _run(tmp_path, "report", "-f", "json", *args, extra=extra)
    assert result.exit_code == 0, result.stderr
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


WHOLE_NOVEMBER = ("-p", "2026-11", "--as-of", "2026-12-01")


def test_tables_behind_the_whole_period_are_stale(tmp_path: Path) -> None:
    doc = _json(tmp_path, *WHOLE_NOVEMBER)
    stale = {t: i["stale"] for t, i in doc["inputs"].items()}
    assert stale == {"customers": True, "deals": True, "tickets": True, "spend": False}
    warnings = " ".join(doc["warnings"])
    assert "customers, deals, tickets are stale: latest date 2026-11-20, 10 days before" in warnings
    assert "spend" not in warnings


def test_a_partial_period_needs_the_day_before_the_as_of_day(tmp_path: Path) -> None:
    # mtd on 2026-11-20 needs 2026-11-19: every table reaches it (spend, on
    # 2026-11-01, is 18 days behind, within its 35).
    doc = _json(tmp_path, "-p", "mtd", "--as-of", "2026-11-20")
    assert {i["stale"] for i in doc["inputs"].values()} == {False}
    assert not [w for w in doc["warnings"] if "stale" in w]


def test_a_stale_table_is_a_warning_in_every_format(tmp_path: Path) -> None:
    extra = "freshness: {tables: {customers: {warn_after: 30d}, tickets: {warn_after: 30d}}}"
    text = _run(tmp_path, "report", *WHOLE_NOVEMBER, extra=extra).stdout
    assert f"warning: {DEALS_BEHIND}" in " ".join(text.split())
    md = _run(tmp_path, "report", "-f", "md", *WHOLE_NOVEMBER, extra=extra).stdout
    assert "- ⚠️ " + DEALS_BEHIND.replace("_", "\\_") in md  # Markdown-escaped
    page = _run(tmp_path, "report", "-f", "html", *WHOLE_NOVEMBER, extra=extra).stdout
    assert DEALS_BEHIND in page
    assert '<li class="stale"><span class="faint">deals</span>' in page
    assert '<li><span class="faint">customers</span>' in page  # 10 days: within 30d
    csv = _run(tmp_path, "report", "-f", "csv", *WHOLE_NOVEMBER, extra=extra)
    assert DEALS_BEHIND in " ".join(csv.stderr.split())


def test_check_warns_of_a_stale_table(tmp_path: Path) -> None:
    result = _run(tmp_path, "check", *WHOLE_NOVEMBER)
    assert result.exit_code == 1  # revenue misses its target, as before
    assert "FAIL  Revenue: USD 768,145.09 (target USD 1,200,000.00)" in result.stdout
    assert "customers, deals, tickets are stale" in " ".join(result.stderr.split())


def test_past_error_after_the_kpis_that_read_the_table_are_errors(tmp_path: Path) -> None:
    extra = "freshness: {tables: {deals: {error_after: 7d}}}"
    result = _run(tmp_path, "check", *WHOLE_NOVEMBER, extra=extra)
    assert result.exit_code == 1
    assert (
        "ERROR Revenue: USD 768,145.09 (target USD 1,200,000.00; deals is past "
        "freshness.error_after)" in result.stdout
    )
    assert "check: 0 pass, 0 warn, 0 fail, 1 error" in result.stdout
    said = " ".join(result.stderr.split())
    assert "deals is stale: latest date 2026-11-20, 10 days before 2026-11-30" in said
    assert "(more than error_after 7d); the KPIs that read it are errors in check" in said
    # 10 days behind is within 14 days: only the warning
    within = _run(tmp_path, "check", *WHOLE_NOVEMBER, extra=extra.replace("7d", "14d"))
    assert "FAIL  Revenue" in within.stdout


def test_needed_day() -> None:
    whole = parse_period("2026-10", date(2026, 11, 20))
    assert needed_day(whole, date(2026, 11, 20)) == date(2026, 10, 31)
    cut = parse_period("mtd", date(2026, 11, 20))
    assert needed_day(cut, date(2026, 11, 20)) == date(2026, 11, 19)


def test_freshness_config(tmp_path: Path) -> None:
    assert config_from_text("kpis: [revenue]", tmp_path).freshness == Freshness()
    assert Freshness().limits("deals") == (1, None)
    assert Freshness().limits("spend") == (35, None)
    cfg = config_from_text(
        "freshness: {warn_after: 3d, error_after: 10d, tables: {spend: {warn_after: 40d}, "
        "deals: {error_after: 5d}}}",
        tmp_path,
    )
    assert cfg.freshness == Freshness(
        3, 10, {"spend": TableFreshness(40, None), "deals": TableFreshness(None, 5)}
    )
    assert cfg.freshness.limits("spend") == (40, 10)
    assert cfg.freshness.limits("deals") == (3, 5)
    assert cfg.freshness.limits("tickets") == (3, 10)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("freshness: {warn_after: 2w}", "freshness.warn_after is '2w'; expected a number of days"),
        ("freshness: {warn_after: 3}", "freshness.warn_after is 3; expected a number of days"),
        ("freshness: {tables: {deal: {warn_after: 3d}}}", 'unknown table "deal"'),
        ("freshness: {warn_afer: 3d}", 'unknown key "warn_afer"'),
    ],
)
def test_bad_freshness_is_a_config_error(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=r"crmkpi\.yaml, line 1") as error:
        config_from_text(text, tmp_path)
    assert message in str(error.value)
