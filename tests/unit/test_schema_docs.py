"""docs/schema.md is written from crmkpi/canonical.py: every table, column and
type has its meaning there, and the committed file is what `make docs` writes."""

from __future__ import annotations

import re
from pathlib import Path

from crmkpi.canonical import (
    COLUMN_MEANINGS,
    TABLE_MEANINGS,
    TABLE_RULES,
    TABLES,
    TYPE_MEANINGS,
    ColumnType,
)

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_every_table_and_column_has_a_meaning_and_nothing_else_does() -> None:
    assert list(TABLE_MEANINGS) == list(TABLES)
    assert list(TABLE_RULES) == list(TABLES)
    for name, table in TABLES.items():
        assert list(COLUMN_MEANINGS[name]) == list(table.column_names), name
        for column, meaning in COLUMN_MEANINGS[name].items():
            assert meaning.endswith("."), (name, column)
    assert set(COLUMN_MEANINGS) == set(TABLES)
    assert set(TYPE_MEANINGS) == set(ColumnType)


def test_docs_schema_md_shows_each_column_as_the_loader_sees_it() -> None:
    text = (DOCS / "schema.md").read_text(encoding="utf-8")
    for name, table in TABLES.items():
        section = text.split(f"\n## {name}\n", 1)[1].split("\n## ", 1)[0]
        rows = re.findall(r"^\| (\w+) \| (\w+) \| ([^|]+) \| ([^|]*) \|", section, re.MULTILINE)
        rows = rows[1:]  # the header
        assert [r[0] for r in rows] == list(table.column_names), name
        for (column, kind, required, words), spec in zip(rows, table.columns, strict=True):
            assert kind == spec.type.value, column
            assert required.startswith("yes") == spec.required, column
            assert ("unique" in required) == spec.unique, column
            assert re.findall(r"`(\w+)`", words) == list(spec.vocabulary), column
    # the example the users ask about
    deals = text.split("\n## deals\n", 1)[1]
    assert "| type | text | no | `new`, `upsell`, `cross_sell`, `renewal` |" in deals


def test_docs_schema_md_is_current() -> None:
    from crmkpi.render.reference import schema_markdown

    assert (DOCS / "schema.md").read_text(encoding="utf-8") == schema_markdown(), (
        "docs/schema.md is stale: run make docs"
    )
