"""Imports point down the stages of STYLE.md §1 (checked with ast, not by running)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "crmkpi"

# Lower layers never import higher ones. Same layer is allowed.
LAYERS = {
    "errors": 0, "canonical": 0, "configkeys": 0, "atomic": 0, "calendars": 0, "currencies": 0, "yamlfile": 1, "periods": 1, "conditions": 1, "kpis": 2,
    "config": 3, "kpispec": 3, "custom": 3, "presets": 3, "leniency": 1,
    "sources": 4, "sample": 4, "analyses": 5, "validation": 5, "money": 5, "problems": 5, "schema": 5, "inputs": 6, "converted": 6, "breakdowns": 6, "sections": 6, "engine": 6, "validate": 7, "convert": 7,
    "targets": 7, "starter": 7, "proposal": 7, "render": 8, "output": 8, "progress": 8, "options": 9, "cli": 9, "cli_support": 9, "cli_setup": 9, "cli_process": 9, "__main__": 9,
}  # fmt: skip
STDLIB_ONLY = {"errors", "canonical", "configkeys"}


def _modules() -> list[Path]:
    return sorted(
        p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py" or p.parent != PACKAGE
    )


def _stage(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down(path: Path) -> None:
    stage = _stage(path)
    assert stage in LAYERS, f"{stage} has no layer in this test"
    for name in _imports(path):
        if name.startswith("crmkpi.") and name != "crmkpi":
            target = name.split(".")[1]
            assert LAYERS[target] <= LAYERS[stage], f"{stage} imports {name}"


@pytest.mark.parametrize("stage", sorted(STDLIB_ONLY))
def test_stdlib_only_modules(stage: str) -> None:
    for name in _imports(PACKAGE / f"{stage}.py"):
        top = name.split(".")[0]
        allowed = {
            "__future__",
            "codecs",
            "dataclasses",
            "enum",
            "difflib",
            "collections",
            "typing",
        }
        assert top in allowed, name


@pytest.mark.parametrize("module", ["periods.py", "calendars.py"])
def test_periods_do_not_import_polars(module: str) -> None:
    assert not [n for n in _imports(PACKAGE / module) if n.startswith("polars")]


def test_core_never_prints_or_exits() -> None:
    for path in _modules():
        if _stage(path) in ("cli", "cli_support", "cli_setup", "cli_process"):
            continue
        source = path.read_text(encoding="utf-8")
        assert "sys.exit" not in source, path
        assert not re.search(r"(?<![.\w])print\(", source), path
