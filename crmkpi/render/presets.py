"""``crmkpi presets``: what each CRM preset reads, from the preset files themselves.

The same data the loader uses, so docs/presets.md (``make docs``) and the
terminal listing can never disagree with what a run does.
"""

from __future__ import annotations

from crmkpi.presets import GENERIC, Preset, TableMapping, load_preset, preset_names


def presets_markdown(names: tuple[str, ...] | None = None) -> str:
    """Markdown: a summary table of the presets, then each preset's mapping."""
    chosen = names or preset_names()
    presets = [load_preset(n) for n in chosen]
    lines = ["# CRM presets", ""]
    if names is None:
        lines += [
            "What `crmkpi` reads from each CRM's exports. With no `preset:` in the config, "
            "a file's preset is detected from its headers; `crmkpi validate` shows the "
            "mapping it used. Any column or value can be overridden under "
            '`sources.<table>.columns` / `values` (docs: README, "Real CRM exports"). '
            "Written by `make docs` from `crmkpi/presets/*.yaml`.",
            "",
            "| preset | CRM | tables |",
            "|:--|:--|:--|",
            *(f"| `{p.name}` | {p.about} | {', '.join(p.tables)} |" for p in presets),
            "",
        ]
    for preset in presets:
        if preset.name != GENERIC:
            lines += _preset_lines(preset)
    return "\n".join(lines).rstrip() + "\n"


def _preset_lines(preset: Preset) -> list[str]:
    lines = [f"## {preset.label} (`{preset.name}`)", "", preset.about, ""]
    for table, mapping in preset.tables.items():
        lines += [f"### {table}", "", *_settings(mapping), ""]
        lines += ["| column | from |", "|:--|:--|"]
        lines += [
            f"| {column} | {_cell(source.describe())} |"
            for column, source in mapping.columns.items()
        ]
        lines.append("")
        for column, values in mapping.values.items():
            pairs = ", ".join(f"{k} → {v or '(missing)'}" for k, v in values.items())
            lines += [f"Values of {column}: {_cell(pairs)}", ""]
    return lines


def _settings(mapping: TableMapping) -> list[str]:
    parts = []
    if mapping.files:
        parts.append("files named like " + ", ".join(f"`{f}`" for f in mapping.files))
    if mapping.date_format:
        parts.append("dates " + ", ".join(f"`{f}`" for f in mapping.date_format) + " (and ISO)")
    if mapping.calendar:
        parts.append(f"calendar {mapping.calendar}")
    if mapping.timezone:
        parts.append(f"times in {mapping.timezone}")
    for header, values in mapping.keep.items():
        parts.append(f"only rows whose {header} is {' or '.join(values)}")
    if mapping.decimal:
        parts.append(f"decimal mark `{mapping.decimal}`")
    text = "; ".join(parts)
    return [text[0].upper() + text[1:] + "."] if parts else []


def _cell(text: str) -> str:
    return text.replace("|", "\\|")
