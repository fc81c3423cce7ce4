"""What users read points only at files in the repository.

The product spec (SPEC.md, SCHEMA.md, KPIS.md, EXPORTS.md, STYLE.md) and the
shared data sets live outside it: README, docs/, help texts, messages and
the shipped config, templates, locales and preset values link to docs/
instead. Docstrings and comments, which developers read beside the spec,
may keep naming it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "crmkpi"
OUTSIDE = re.compile(
    r"\b(SPEC|SCHEMA|KPIS|EXPORTS|STYLE)\.md\b|\.\./shared\b|\bshared/(spec|datasets)"
)
# Commands' docstrings are their --help text.
HELP_MODULES = {"cli.py", "cli_setup.py", "cli_support.py", "cli_process.py", "options.py"}


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the strings that are statements of their own: docstrings of
    modules, classes, functions and attributes, which no one but a reader of
    the code sees."""
    return {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }


def _python_strings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = set() if path.name in HELP_MODULES else _docstrings(tree)
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
    ]


def _yaml_strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_yaml_strings(k), *_yaml_strings(v))]
    if isinstance(value, list):
        return [s for item in value for s in _yaml_strings(item)]
    return [value] if isinstance(value, str) else []


def _texts() -> list[tuple[str, str]]:
    """(where, text) of everything a user reads."""
    files = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    files += [PACKAGE / "default.yaml", *sorted((PACKAGE / "locales").glob("*.yaml"))]
    files += sorted((ROOT / "configs").glob("*.yaml"))
    files += sorted((PACKAGE / "templates").iterdir())
    texts = [(str(f.relative_to(ROOT)), f.read_text(encoding="utf-8")) for f in files]
    for preset in sorted((PACKAGE / "presets").glob("*.yaml")):  # its values; comments are notes
        data = yaml.safe_load(preset.read_text(encoding="utf-8"))
        texts += [(str(preset.relative_to(ROOT)), s) for s in _yaml_strings(data)]
    for module in sorted(PACKAGE.rglob("*.py")):
        texts += [(str(module.relative_to(ROOT)), s) for s in _python_strings(module)]
    return texts


def test_user_visible_text_names_no_file_outside_the_repository() -> None:
    found = [
        f"{where}: {m.group(0)!r} in {text[max(0, m.start() - 40) : m.end() + 20]!r}"
        for where, text in _texts()
        for m in OUTSIDE.finditer(text)
    ]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("page", sorted((ROOT / "docs").glob("*.md")), ids=lambda p: p.name)
def test_relative_links_in_docs_lead_to_files(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", text):
        assert (page.parent / target).exists(), f"{page.name} links to missing {target}"


def test_readme_links_lead_to_files() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", text):
        assert (ROOT / target).exists(), f"README links to missing {target}"
