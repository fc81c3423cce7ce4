"""The reference docs, written from the code that they describe.

docs/config.md from ``configkeys.CONFIG_KEYS`` (the table the config loader
checks keys against), docs/schema.md from ``canonical`` (the tables the
loader validates) and docs/json.md from ``render/json_contract.JSON_KEYS``
(checked against a real report by a test). ``make docs`` writes them
(``scripts/write_docs.py``); a test fails when a committed file is stale.
"""

from __future__ import annotations

from collections.abc import Iterable

from crmkpi.canonical import (
    COLUMN_MEANINGS,
    EXTENSIONS,
    MISSING_TOKENS,
    TABLE_MEANINGS,
    TABLE_RULES,
    TABLES,
    TYPE_MEANINGS,
    Column,
)
from crmkpi.configkeys import CONFIG_KEYS, ConfigKey
from crmkpi.render.json_contract import JSON_KEYS, JsonKey

_GENERATED = "Generated from `{source}` by `make docs`; a test fails when this file is stale."


def config_markdown() -> str:
    """Every config key: a table of the top level, then one per key with keys below it."""
    lines = [
        "# Config reference",
        "",
        _GENERATED.format(source="crmkpi/configkeys.py"),
        "The config loader accepts exactly these keys, so this list is complete.",
        "",
        "crmkpi reads `--config FILE`, else `crmkpi.yaml` in the current folder, else its "
        "built-in KPI set (`crmkpi/default.yaml`); `crmkpi init DIR` writes a starter file. "
        "Every key is optional, and command-line options win over the file. An unknown key "
        "is an error that names the line and suggests the closest key.",
        "",
        "In a key, `a.b` is key `b` inside `a`, `<table>` stands for a name you choose (a "
        "table, a column, a KPI id …) and `[]` for an item of a list: "
        '`kpis[].<kpi>.fail` is the `fail` of `- churn_rate: {fail: "> 5%"}`. A *default* '
        "means the same as leaving the key out. Each example is a whole config that crmkpi "
        "accepts (a test loads every one). The canonical tables and columns are in "
        "[schema.md](schema.md), KPI ids in [kpis.md](kpis.md), presets in "
        "[presets.md](presets.md), and SQL `query` sources in [query.md](query.md).",
        "",
        "## Top level",
        "",
        *_key_table(k for k in CONFIG_KEYS if "." not in k.path and not k.path.endswith("[]")),
    ]
    for top in dict.fromkeys(k.path.split(".")[0].removesuffix("[]") for k in CONFIG_KEYS):
        below = [k for k in CONFIG_KEYS if k.path.startswith((f"{top}.", f"{top}[]"))]
        if below:
            lines += ["", f"## `{top}`", "", *_key_table(below)]
    return "\n".join(lines) + "\n"


def _key_table(keys: Iterable[ConfigKey]) -> list[str]:
    rows = [
        f"| `{k.path}` | {_cell(k.type)} | {_default(k)} | `{_cell(k.example)}` | "
        f"{_cell(k.meaning)} |"
        for k in keys
    ]
    return ["| key | type | default | example | meaning |", "|:--|:--|:--|:--|:--|", *rows]


def _default(key: ConfigKey) -> str:
    if key.default:
        return f"`{_cell(key.default)}`"
    return _cell(key.absent) if key.absent else "—"


def schema_markdown() -> str:
    """The canonical tables: types, then per table its columns and rules."""
    lines = [
        "# Canonical tables",
        "",
        _GENERATED.format(source="crmkpi/canonical.py"),
        "",
        "Every KPI is defined over these tables and nothing else. A CRM export becomes one "
        "by a preset ([presets.md](presets.md)) and the config's `sources` "
        "([config.md](config.md)). In a data folder a table is a file named after it "
        f"(`deals.csv`), as {', '.join(f'`{e}`' for e in EXTENSIONS)}, or a CRM's own "
        "export name. Only the tables the requested KPIs read need to exist: a missing "
        "table, or a missing optional column, makes those KPIs unavailable with the reason, "
        "never 0. An optional column the file lacks is not a column of empty cells: "
        "empty cells keep their meaning (not churned, not answered).",
        "",
        "Headers are matched ignoring case, spaces and punctuation (`Created At` = "
        "`created_at` = `CreatedAt`). A cell that is empty or "
        + ", ".join(f"`{t}`" for t in MISSING_TOKENS if t)
        + " (any case) is missing.",
        "",
        "## Types",
        "",
        "| type | accepted input |",
        "|:--|:--|",
        *(f"| {t.value} | {_cell(text)} |" for t, text in TYPE_MEANINGS.items()),
        "",
        "A column with a *vocabulary* holds one of its words, compared ignoring case; a "
        "source's `values:` map turns the export's words into them. A word the map does not "
        "know becomes missing, and the report warns once per column with the words, their "
        "counts and the `values:` line to add; the KPIs that read the column are unavailable "
        "for that reason. Only deals.status is different: a deal whose status is unknown "
        "is a data error.",
    ]
    for name, table in TABLES.items():
        lines += [
            "",
            f"## {name}",
            "",
            TABLE_MEANINGS[name],
            "",
            "| column | type | required | vocabulary or range | meaning |",
            "|:--|:--|:--|:--|:--|",
            *(_column_row(c, COLUMN_MEANINGS[name][c.name]) for c in table.columns),
        ]
        if TABLE_RULES[name]:
            lines += ["", *(f"- {rule}" for rule in TABLE_RULES[name])]
    return "\n".join(lines) + "\n"


def _column_row(column: Column, meaning: str) -> str:
    required = ("yes, unique" if column.unique else "yes") if column.required else "no"
    if column.vocabulary:
        words = ", ".join(f"`{w}`" for w in column.vocabulary)
    elif column.score_range:
        words = f"{column.score_range[0]} to {column.score_range[1]}"
    else:
        words = ""
    return f"| {column.name} | {column.type.value} | {required} | {words} | {_cell(meaning)} |"


def json_markdown() -> str:
    """Every key of ``report -f json``, in the order a report writes them."""
    return (
        "\n".join(
            [
                "# JSON report",
                "",
                _GENERATED.format(source="crmkpi/render/json_contract.py"),
                "A test renders a real report and checks that it has every key below, with these "
                "types, and no other.",
                "",
                "`crmkpi report -f json` (or `-o report.json`) writes one object. Numbers are "
                "raw: a percent is a fraction (`0.0335` = 3.35%), currency has no symbol, days "
                "and hours are decimals, counts are whole numbers; an unavailable value is "
                "`null` with a reason, never 0 or NaN. Dates are ISO days, inclusive, "
                "Gregorian under either calendar. The other formats are described in "
                "[outputs.md](outputs.md).",
                "",
                "In a key, `a.b` is key `b` inside `a`, `[]` every item of a list, and `<name>` "
                "any key of an object (a table, a KPI id …).",
                "",
                "| key | type | meaning |",
                "|:--|:--|:--|",
                *(_json_row(k) for k in JSON_KEYS),
            ]
        )
        + "\n"
    )


def _json_row(key: JsonKey) -> str:
    return f"| `{key.path}` | {' or '.join(key.types)} | {_cell(key.meaning)} |"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")
