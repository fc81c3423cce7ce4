"""Jinja2 templates: the shipped ones in ``crmkpi/templates/``, or a user's.

A user template replaces the shipped one for its format and can still
``{% import %}`` the shipped helpers (``_charts.html.j2``). Templates run in
Jinja's sandbox, so a template copied from a wiki cannot reach Python
internals; HTML is autoescaped whatever the file is called; an undefined name
is an error, not a silent blank. Any problem in a user's template is a
``ConfigError`` naming the file and line; one in a shipped template is a bug.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
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


MAX_OUTPUT = 64 << 20
"""The most characters a template may write (a report is a few MB at most)."""
_MAX_WIDTH = 1_000_000  # the widest padding or repetition one operation may build
_WIDE_FORMAT = re.compile(r"\d{7,}")  # "%1000000000s", "{:>1000000000}"
_PADDING_FILTERS = frozenset({"center", "indent", "wordwrap", "truncate", "format"})


class _BoundedSandbox(ImmutableSandboxedEnvironment):
    """The sandbox, with a bound on what one expression can build: ``"x" *
    10**9``, ``10 ** 10**9``, ``"x".ljust(10**9)``, ``"x"|center(10**9)`` and
    ``"%1000000000s"`` are refused before they allocate (the sandbox already
    limits ``range``); ``render_template`` caps the whole output."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*" and _repeated_size(left, right) > _MAX_WIDTH:
            raise SecurityError(f"repeating a value {_count(left, right)} times builds too much")
        if operator == "**" and _huge_power(left, right):
            raise SecurityError(f"{left} ** {right} is too large a number")
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        method = getattr(__obj, "__wrapped__", __obj)  # the sandbox wraps str.format
        if isinstance(getattr(method, "__self__", None), str):  # a str method: "x".ljust(n)
            _not_wide(method.__self__, args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)


def _bounded_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """A padding filter (``center``, ``format`` …) that refuses a huge width."""

    @functools.wraps(func)
    def bounded(value: Any, *args: Any, **kwargs: Any) -> Any:
        _not_wide(value, args, kwargs)
        return func(value, *args, **kwargs)

    return bounded


def _count(left: Any, right: Any) -> int:
    return right if isinstance(right, int) else left if isinstance(left, int) else 0


def _repeated_size(left: Any, right: Any) -> int:
    """The length of ``left * right`` when it repeats a sequence, else 0."""
    for seq, times in ((left, right), (right, left)):
        if isinstance(seq, str | list | tuple) and isinstance(times, int):
            return max(len(seq), 1) * times
    return 0


def _huge_power(base: Any, exponent: Any) -> bool:
    if not (isinstance(base, int) and isinstance(exponent, int)) or abs(base) < 2:
        return False
    return exponent * base.bit_length() > 4096  # more than about 1,200 digits


def _not_wide(text: Any, args: Any, kwargs: Any) -> None:
    """A SecurityError when a padding call would build a huge string: a width
    argument over a million, or a format string with such a width."""
    numbers = [a for a in (*args, *kwargs.values()) if isinstance(a, int)]
    if any(n > _MAX_WIDTH for n in numbers) or (
        isinstance(text, str) and _WIDE_FORMAT.search(text)
    ):
        raise SecurityError(f"a width over {_MAX_WIDTH:,} characters builds too much")


def _bounded(pieces: Iterator[str]) -> str:
    """A template's output, refused once it passes ``MAX_OUTPUT`` characters."""
    out: list[str] = []
    size = 0
    for piece in pieces:
        size += len(piece)
        if size > MAX_OUTPUT:
            raise SecurityError(f"the output is over {MAX_OUTPUT >> 20} MiB; a report is far less")
        out.append(piece)
    return "".join(out)


def _environment(fmt: str, user_dir: Path | None, tr: Messages) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = [jinja2.PackageLoader("crmkpi", "templates")]
    if user_dir is not None:
        loaders.insert(0, jinja2.FileSystemLoader(user_dir))
    env = _BoundedSandbox(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=fmt == "html",
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    for name in _PADDING_FILTERS:
        env.filters[name] = _bounded_filter(name, env.filters[name])
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
        return _bounded(env.get_template(user_template.name).generate(context))
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
