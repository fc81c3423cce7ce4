"""Jinja2 templates: the shipped ones in ``crmkpi/templates/``, or a user's.

A user template replaces the shipped one for its format and can still
``{% import %}`` the shipped helpers (``_charts.html.j2``). Templates run in
Jinja's sandbox, so a template copied from a wiki cannot reach Python
internals; HTML is autoescaped whatever the file is called; an undefined name
is an error, not a silent blank. Any problem in a user's template is a
``ConfigError`` naming the file and line; one in a shipped template is a bug.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from crmkpi.errors import ConfigError
from crmkpi.render.format import display
from crmkpi.render.i18n import ENGLISH, Messages

TEMPLATE_NAMES = {"html": "report.html.j2", "md": "report.md.j2"}

_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|~])")


def md_escape(text: object) -> str:
    """Text as literal Markdown: HTML-significant characters become entities
    and Markdown punctuation is backslash-escaped, so a title like
    ``<script>`` or ``a | b`` stays text in a table cell and in a heading."""
    value = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    value = _MD_SPECIAL.sub(r"\\\1", value)
    return " ".join(value.splitlines())


def _language(tr: Messages) -> dict[str, Any]:
    """The globals that put a template in the report's language, in every
    format: ``_`` translates, ``count(3984)`` is ``3,984`` or ``۳٬۹۸۴``,
    ``digits(n)`` writes any number, ``rtl`` says which way the page runs
    (for the macros, which see no context)."""

    def count(n: int) -> str:
        return display(n, "count", tr=tr)

    return {"_": tr, "count": count, "digits": tr.number, "rtl": tr.rtl}


def _environment(fmt: str, user_dir: Path | None, tr: Messages) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = [jinja2.PackageLoader("crmkpi", "templates")]
    if user_dir is not None:
        loaders.insert(0, jinja2.FileSystemLoader(user_dir))
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=fmt == "html",
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_escape
    env.globals.update(_language(tr))
    return env


def render_template(
    fmt: str,
    context: Mapping[str, Any],
    *,
    user_template: Path | None = None,
    functions: Mapping[str, Any] | None = None,
    tr: Messages = ENGLISH,
) -> str:
    """Render the template of ``fmt`` (``html`` or ``md``) with ``context``, in
    the language ``tr`` (so ``{{ _("Previous") }}`` is in the report's language);
    ``functions`` become globals, which imported macros see too."""
    env = _environment(fmt, user_template.parent if user_template else None, tr)
    env.globals.update(functions or {})
    if user_template is None:
        return env.get_template(TEMPLATE_NAMES[fmt]).render(context)
    if not user_template.is_file():
        raise ConfigError(f"template {user_template}: file not found")
    try:
        return env.get_template(user_template.name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        where = exc.filename or exc.name or str(user_template)
        raise ConfigError(f"template {where}, line {exc.lineno}: {exc.message}") from None
    except Exception as exc:  # noqa: BLE001 - anything a user's template does wrong
        raise ConfigError(_runtime_message(exc, user_template)) from None


def _runtime_message(exc: Exception, template: Path) -> str:
    """``template my.html.j2, line 12: 'kpi' is undefined``: Jinja rewrites
    tracebacks so that template frames carry the template's file and line."""
    where = f"template {template}"
    line = _template_line(exc.__traceback__, template.parent)
    if line is not None:
        where = f"template {line[0]}, line {line[1]}"
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return f"{where}: {message}"


def _template_line(tb: TracebackType | None, folder: Path) -> tuple[str, int] | None:
    """The innermost traceback frame inside one of the user's template files."""
    found = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2") or Path(filename).parent == folder:
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found
