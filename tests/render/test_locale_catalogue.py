"""The message catalogues (``crmkpi/locales/*.yaml``): every message the
templates, the renderers and the KPI registry show is translated, with its
``{fields}``, and nothing stale is kept. Every file there gets these tests,
so a new language is checked as Persian is."""

from __future__ import annotations

import ast
import re
import string
from importlib import resources
from pathlib import Path

import pytest
import yaml

from crmkpi.calendars import month_names
from crmkpi.canonical import DIMENSIONS
from crmkpi.config import locale_codes
from crmkpi.errors import ConfigError
from crmkpi.kpis import REGISTRY
from crmkpi.render.i18n import ENGLISH, messages

PACKAGE = Path(__file__).resolve().parents[2] / "crmkpi"

_TEMPLATE_CALL = re.compile(r"""\b_\(\s*(?:"([^"]*)"|'([^']*)')\s*\)""")


def template_messages() -> set[str]:
    """Every ``_("…")`` with a literal in the shipped templates."""
    found: set[str] = set()
    for path in (PACKAGE / "templates").glob("*.j2"):
        for m in _TEMPLATE_CALL.finditer(path.read_text(encoding="utf-8")):
            found.add(m[1] if m[1] is not None else m[2])
    return found


def _is_translator(func: ast.expr) -> bool:
    """``tr(…)``, ``N_(…)``, ``self.tr(…)``, ``notes.tr(…)``: i18n's conventions."""
    if isinstance(func, ast.Name):
        return func.id in {"tr", "N_"}
    return isinstance(func, ast.Attribute) and func.attr == "tr"


def python_messages() -> set[str]:
    """Every literal the renderers give the translator or mark with ``N_``."""
    found: set[str] = set()
    for path in (PACKAGE / "render").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _is_translator(node.func) and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.add(first.value)
    return found


def all_messages() -> set[str]:
    """What a catalogue must translate: the templates' and renderers'
    messages, the built-in KPI labels, month names and dimensions."""
    data = {k.label for k in REGISTRY.values()} | set(DIMENSIONS)
    data |= set(month_names("gregorian")) | set(month_names("jalali"))
    return template_messages() | python_messages() | data


def test_the_scan_finds_messages_of_each_kind() -> None:
    """The completeness test is only as good as its scan: it sees the
    templates, ``tr`` calls, ``N_`` marks and attribute calls."""
    assert {"Data sources", "Definition", "better"} <= template_messages()
    python = python_messages()
    assert "(too narrow for {columns}: widen the terminal or use -f md)" in python  # tr(…)
    assert {"Previous", "bottleneck", "days", "Q3"} <= python  # N_(…)
    assert "no visit of this stage ended in the period" in python  # notes.tr(…)
    assert "not computed for this group" in python  # ctx.tr(…)
    assert len(all_messages()) > 150


def _catalogue(code: str) -> dict[str, str]:
    text = (resources.files("crmkpi") / "locales" / f"{code}.yaml").read_text(encoding="utf-8")
    catalogue: dict[str, str] = yaml.safe_load(text)["messages"]
    return catalogue


LANGUAGES = [code for code in locale_codes() if code != "en"]


def test_persian_is_shipped() -> None:
    assert "fa" in LANGUAGES


@pytest.mark.parametrize("code", LANGUAGES)
def test_catalogue_translates_every_message(code: str) -> None:
    missing = sorted(all_messages() - set(_catalogue(code)))
    assert missing == [], f"crmkpi/locales/{code}.yaml lacks {missing}"


@pytest.mark.parametrize("code", LANGUAGES)
def test_catalogue_has_no_stale_message(code: str) -> None:
    """A message the code no longer uses is a translation nobody sees."""
    stale = sorted(set(_catalogue(code)) - all_messages())
    assert stale == [], f"crmkpi/locales/{code}.yaml: unused {stale}"


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("code", LANGUAGES)
def test_translations_keep_their_fields(code: str) -> None:
    for english, translated in _catalogue(code).items():
        assert _fields(translated) == _fields(english), english
        assert translated.strip(), english


def test_english_needs_no_file_and_an_unknown_language_is_a_config_error() -> None:
    assert messages("en") is ENGLISH
    assert ENGLISH("Previous") == "Previous"
    assert ENGLISH.number("-1,234.5%") == "-1,234.5%"
    with pytest.raises(ConfigError, match=r'locale "xx": no message catalogue'):
        messages("xx")
