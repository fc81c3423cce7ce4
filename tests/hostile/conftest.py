"""Fixtures of the hostile-input suite: one small sample per session, copied
for each test so every test breaks its own files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from _hostile import PERIOD, YESTERDAY, Scene, invoke


@pytest.fixture(scope="session")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``crmkpi sample --customers 200 --seed 1 --as-of 2026-11-20``, written once."""
    folder = tmp_path_factory.mktemp("hostile") / "sample"
    outcome = invoke(
        "sample", str(folder), "--customers", "200", "--seed", "1", "--as-of", "2026-11-20", "-q"
    )
    assert outcome.code == 0, outcome
    return folder


@pytest.fixture(scope="session")
def baseline(sample: Path) -> dict[str, Any]:
    """The JSON report of the unbroken sample: what a readable copy must give."""
    outcome = invoke("report", "-d", str(sample), *PERIOD, "-f", "json")
    assert outcome.code == 0, outcome
    return json.loads(outcome.stdout)  # type: ignore[no-any-return]


@pytest.fixture
def scene(sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Scene:
    """A fresh copy of the sample and yesterday's report; the current folder
    is ``tmp_path``, so no stray ``crmkpi.yaml`` is picked up."""
    monkeypatch.chdir(tmp_path)
    data = tmp_path / "data"
    shutil.copytree(sample, data)
    out = tmp_path / "out" / "report.json"
    out.parent.mkdir()
    out.write_bytes(YESTERDAY)
    return Scene(tmp_path, data, out)
