"""The config keys table, the loader and docs/config.md agree.

The loader takes the keys it accepts from ``configkeys.CONFIG_KEYS``; these
tests hold the table to what the loader does: every example loads, every
default means the same as leaving the key out, an unknown key is refused at
every level, and each field the loader fills has its row.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from crmkpi.canonical import DIMENSIONS, TABLES
from crmkpi.config import SECTIONS, Config, SourceSpec, config_from_doc
from crmkpi.configkeys import CONFIG_KEYS, KEYS, ConfigKey, children, is_placeholder
from crmkpi.errors import ConfigError
from crmkpi.kpispec import GRAINS
from crmkpi.yamlfile import YamlDoc, parse_yaml

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _load(data: Any, base: Path) -> Config:
    """A config from plain data, with no line numbers (two loads compare equal)."""
    return config_from_doc(YamlDoc("example.yaml", data, {}), base)


def _locate(data: Any, path: str) -> tuple[Any, Any]:
    """The container and key (or index) of ``path`` in ``data``: ``[]`` is the
    list's first item, ``<name>`` the mapping's first key."""
    parent: Any = None
    key: Any = None
    node = data
    for segment in path.split("."):
        for step in _steps(segment, node):
            parent, key = node, step
            node = node[step]
    return parent, key


def _steps(segment: str, node: Any) -> list[Any]:
    name, list_item = segment.removesuffix("[]"), segment.endswith("[]")
    assert isinstance(node, dict), (segment, node)
    step = next(iter(node)) if is_placeholder(name) else name
    assert step in node, (segment, node)
    return [step, 0] if list_item else [step]


@pytest.mark.parametrize("key", CONFIG_KEYS, ids=lambda k: k.path)
def test_every_example_is_a_config_that_loads_and_holds_its_key(
    key: ConfigKey, tmp_path: Path
) -> None:
    doc = parse_yaml(key.example, "example.yaml")
    _locate(doc.data, key.path)  # the example shows the key it documents
    config_from_doc(doc, tmp_path)


DEFAULTED = [k for k in CONFIG_KEYS if k.default]


@pytest.mark.parametrize("key", DEFAULTED, ids=lambda k: k.path)
def test_every_default_means_the_same_as_leaving_the_key_out(
    key: ConfigKey, tmp_path: Path
) -> None:
    example = yaml.safe_load(key.example)
    with_default, without = copy.deepcopy(example), copy.deepcopy(example)
    parent, name = _locate(with_default, key.path)
    parent[name] = yaml.safe_load(key.default)
    parent, name = _locate(without, key.path)
    del parent[name]
    assert _load(with_default, tmp_path) == _load(without, tmp_path)
    # and the example's own value is not the default: the test compares something
    assert _load(example, tmp_path) != _load(without, tmp_path)


def test_a_default_and_words_for_absence_are_not_both_given() -> None:
    assert not [k.path for k in CONFIG_KEYS if k.default and k.absent]


LEVELS = sorted({k.parent for k in CONFIG_KEYS if children(k.parent)})


@pytest.mark.parametrize("level", LEVELS, ids=lambda p: p or "top level")
def test_an_unknown_key_is_refused_at_every_level(level: str, tmp_path: Path) -> None:
    first = KEYS[f"{level}.{children(level)[0]}" if level else children(level)[0]]
    data = yaml.safe_load(first.example)
    parent, _ = _locate(data, first.path)
    parent["zzz_unknown"] = 1
    with pytest.raises(ConfigError, match='unknown key "zzz_unknown"'):
        _load(data, tmp_path)


def test_the_loader_accepts_exactly_the_tables_keys(tmp_path: Path) -> None:
    """What each level accepts, checked against the loader's own fields:
    a field added to Config or SourceSpec without a row fails here."""
    settings = {"sla", "clv", "stage_probability"}  # read into Config.settings
    # command line and bookkeeping; max_skipped is lenient.max_skipped
    not_keys = {"settings", "engine", "source_file", "max_skipped"}
    config_fields = {f.name for f in dataclasses.fields(Config)} - not_keys
    assert set(children("")) == config_fields | settings
    assert set(children("sources.<table>")) == {f.name for f in dataclasses.fields(SourceSpec)} - {
        "table"
    }
    assert children("sla") == ("first_response_hours",)
    assert children("clv") == ("gross_margin", "max_lifespan_years")
    assert children("templates") == ("html", "md")
    assert children("sources.<table>.columns.<column>") == ("value", "flags", "minutes", "after")
    assert children("kpis[]") == ("id", "base", "filter", "formula", "unit")
    assert children("kpis[].<kpi>") == (
        "label", "stat", "better", "target", "fail", "warn", "allow_missing",
    )  # fmt: skip


def test_every_key_has_its_parent_row() -> None:
    for key in CONFIG_KEYS:
        if key.parent:
            assert key.parent in KEYS, key.path
    assert len(KEYS) == len(CONFIG_KEYS), "a key is listed twice"


@pytest.mark.parametrize(
    ("path", "names"),
    [
        ("breakdowns", DIMENSIONS),
        ("sections", SECTIONS),
        ("sources.<table>", tuple(TABLES)),
        ("kpis[].<kpi>.target.<grain>", GRAINS),
    ],
)
def test_the_listed_choices_are_the_loaders(path: str, names: tuple[str, ...]) -> None:
    text = KEYS[path].type + " " + KEYS[path].meaning
    for name in names:
        assert re.search(rf"\b{name}\b", text), (path, name)


def _documented_keys(markdown: str) -> list[str]:
    return re.findall(r"^\| `([^`]+)` \|", markdown, re.MULTILINE)


def test_docs_config_md_lists_every_key_the_loader_accepts_and_no_other() -> None:
    documented = _documented_keys((DOCS / "config.md").read_text(encoding="utf-8"))
    assert sorted(documented) == sorted(KEYS)
    # every fixed name the loader accepts is a documented key
    for level in LEVELS:
        for name in children(level):
            assert (f"{level}.{name}" if level else name) in documented


def test_docs_config_md_is_current() -> None:
    from crmkpi.render.reference import config_markdown

    assert (DOCS / "config.md").read_text(encoding="utf-8") == config_markdown(), (
        "docs/config.md is stale: run make docs"
    )
