"""docs/json.md (from render/json_contract.py) against real reports.

Two reports through the CLI cover every key: the committed sample with a
bad row skipped, a partial period (pacing), a breakdown, every section and
a KPI that is unavailable; and a folder without deals, where sections lose
their rows and the funnel says why its won step is left out. Every key the
JSON holds must be documented with its type, and every documented key must
be in one of them.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from crmkpi.cli import app
from crmkpi.render.json_contract import JSON_KEYS, JsonKey

ROOT = Path(__file__).resolve().parents[2]
CONFIG = """\
title: Every key
currency: USD
compare: [previous, year_ago]
trend: 3
breakdowns: [owner, segment]     # by segment, (none) holds many deals: a note
sections: [pipeline, funnel, cohorts]
kpis:
  - revenue: {target: 1200000}
  - win_rate: {fail: "< 20%"}
  - new_customers
  - close_rate                    # a cohort KPI: maturing and open_share
  - weighted_pipeline_value       # no stage_probability: null, with its reason
"""
# A won deal without an amount: skipped under --lenient, and counted by reason.
BAD_DEAL = (
    "D9999999,2026-11-02,won,2026-11-03,,C000574,,Closed Won,new,Ben Carter,Renewals,CRM Suite\n"
)


def _report(folder: Path) -> dict[str, Any]:
    (folder / "crmkpi.yaml").write_text(CONFIG, encoding="utf-8")
    args = ["report", "-c", str(folder / "crmkpi.yaml"), "-p", "2026-11", "--as-of", "2026-11-20"]
    result = CliRunner().invoke(app, [*args, "-f", "json", "--lenient"])
    assert result.exit_code == 0, result.stderr
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    full = tmp_path_factory.mktemp("json") / "sample"
    shutil.copytree(ROOT / "sample_data", full)
    with (full / "deals.csv").open("a", encoding="utf-8") as deals:
        deals.write(BAD_DEAL)
    no_deals = full.parent / "no-deals"
    no_deals.mkdir()
    for name in ("customers.csv", "leads.csv"):
        shutil.copy(full / name, no_deals / name)
    return [_report(full), _report(no_deals)]


def _type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _walk(value: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """Every (path, value) below ``value``: a list item adds ``[]`` to its key."""
    found: list[tuple[tuple[str, ...], Any]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            found += [((*path, key), item), *_walk(item, (*path, key))]
    elif isinstance(value, list):
        items = (*path[:-1], f"{path[-1]}[]")
        for item in value:
            found += [(items, item), *_walk(item, items)]
    return found


def _matches(key: JsonKey, path: tuple[str, ...]) -> bool:
    pattern = key.path.split(".")
    if len(pattern) != len(path):
        return False
    for want, got in zip(pattern, path, strict=True):
        name, items = want.removesuffix("[]"), want.endswith("[]")
        if items != got.endswith("[]"):
            return False
        if not (name.startswith("<") or name == got.removesuffix("[]")):
            return False
    return True


def _documented(path: tuple[str, ...]) -> JsonKey | None:
    """The documented key for ``path``: a fixed name wins over ``<name>``."""
    found = [k for k in JSON_KEYS if _matches(k, path)]
    found.sort(key=lambda k: k.path.count("<"))
    return found[0] if found else None


def test_every_key_of_a_real_report_is_documented_with_its_type(
    reports: list[dict[str, Any]],
) -> None:
    for report in reports:
        for path, value in _walk(report):
            key = _documented(path)
            assert key is not None, f"{'.'.join(path)} is not in json_contract.JSON_KEYS"
            kind = _type(value)
            allowed = set(key.types) | ({"integer"} if "number" in key.types else set())
            assert kind in allowed, f"{'.'.join(path)} is {kind}, documented {key.types}"


def test_every_documented_key_is_in_a_real_report(reports: list[dict[str, Any]]) -> None:
    seen = {_documented(path) for report in reports for path, _ in _walk(report)}
    missing = [k.path for k in JSON_KEYS if k not in seen]
    assert not missing, f"documented but in no report: {missing}"


def test_the_reports_cover_what_the_contract_promises(reports: list[dict[str, Any]]) -> None:
    """The fixture is what makes the two tests above mean something."""
    full, no_deals = reports
    kpis = {k["id"]: k for k in full["kpis"]}
    assert full["period"]["partial"] is True
    assert kpis["revenue"]["pacing"]["of_target"] is not None
    assert kpis["weighted_pipeline_value"]["value"] is None
    assert full["inputs"]["deals"]["skipped_by_reason"] == {"won deal without amount": 1}
    assert no_deals["sections"]["pipeline"]["stages"] is None
    assert no_deals["sections"]["funnel"]["notes"]


def test_the_json_keys_are_listed_once_under_their_parents() -> None:
    paths = [k.path for k in JSON_KEYS]
    assert len(set(paths)) == len(paths)
    for path in paths:
        parent = re.sub(r"(\[\])?\.[^.]+$|\[\]$", "", path)
        if parent != path:
            assert _documented(tuple(parent.split("."))) is not None, path


def test_docs_json_md_is_current() -> None:
    from crmkpi.render.reference import json_markdown

    assert (ROOT / "docs" / "json.md").read_text(encoding="utf-8") == json_markdown(), (
        "docs/json.md is stale: run make docs"
    )
