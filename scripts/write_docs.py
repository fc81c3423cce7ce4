"""Write the reference docs generated from the code (``make docs``).

    .venv/bin/python scripts/write_docs.py

docs/config.md, docs/schema.md and docs/json.md (see crmkpi/render/reference.py);
tests fail when the committed files differ from what this writes.
"""

from __future__ import annotations

from pathlib import Path

from crmkpi.render.reference import config_markdown, json_markdown, schema_markdown

DOCS = Path(__file__).resolve().parents[1] / "docs"


def main() -> None:
    for name, text in (
        ("config.md", config_markdown()),
        ("schema.md", schema_markdown()),
        ("json.md", json_markdown()),
    ):
        (DOCS / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
