# ruff: noqa: RUF002 - Persian examples in docstrings are the point
"""The report in its reader's language: messages, digits and separators.

Every language but English is one file, ``crmkpi/locales/<code>.yaml``::

    direction: rtl                # or ltr: the HTML page and Markdown body
    numbers:                      # how a number is written
      digits: "۰۱۲۳۴۵۶۷۸۹"
      group: "٬"                  # thousands
      decimal: "٫"
      percent: "٪"
      minus: "−"
      sign_mark: "\\u200e"        # before a sign, so right to left it stays left of the digits
    dates: {separator: "/"}       # 1405/07/01
    comma: "، "                   # between items of a list
    messages:                     # English message → translation
      Previous: "دورهٔ قبل"
      "{count} rows": "{count} ردیف"

English needs no file: a message is its own translation and numbers are
written as Python writes them, so the English report is the same text it
was before there were languages.

A message is a string literal given to ``tr(...)`` (a ``Messages``) or marked
``N_(...)`` where it is defined apart from its use; the templates write
``_("...")``. Fields use ``str.format`` names. Built-in KPI labels, month
names, dimension names and statistics are messages too.
``tests/render/test_locale_catalogue.py`` reads the source for all of them and fails
for any that a catalogue lacks, so adding a language is adding one file: copy
``fa.yaml`` to ``<code>.yaml`` and translate it; ``locale:`` in the config and
``--locale`` accept every code that has a file (``config.locale_codes``).

Text that the engine makes (why a value is unavailable, warnings, section
notes) and what users write (titles, custom KPI labels, group names) is
shown as it comes: it is not a fixed message.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml

from crmkpi.errors import ConfigError

LATIN_DIGITS = "0123456789"


def N_(text: str) -> str:  # noqa: N802 - gettext's name for "a message, translated later"
    """Mark ``text`` as a message where it is defined; ``tr(text)`` translates
    it where it is shown (the catalogue test finds the mark)."""
    return text


@dataclass(frozen=True, slots=True)
class Messages:
    """One language: ``tr("Previous")`` translates, ``tr.number("1,234.5")``
    writes a number made by Python in the language's digits and separators.

    A message missing from the catalogue is shown in English rather than
    failing a report; the catalogue test keeps that from happening.
    """

    code: str = "en"
    direction: str = "ltr"
    catalogue: Mapping[str, str] = field(default_factory=dict)
    digits: str = LATIN_DIGITS
    group: str = ","
    decimal: str = "."
    percent: str = "%"
    minus: str = "-"
    sign_mark: str = ""
    date_separator: str = "-"
    comma: str = ", "

    def __call__(self, text: str, /, **fields: object) -> str:
        """``text`` translated, its ``{fields}`` filled in."""
        message = self.catalogue.get(text, text)
        return message.format(**fields) if fields else message

    @property
    def english(self) -> bool:
        return self.code == "en"

    @property
    def rtl(self) -> bool:
        return self.direction == "rtl"

    def number(self, text: object) -> str:
        """``"+1,234.5%"`` as the language writes it; a leading sign gets the
        sign mark and the language's minus. Anything but digits, ``,``, ``.``,
        ``%`` and a leading sign is kept (``-`` inside a date stays)."""
        out = str(text)
        if self.english:
            return out
        sign = out[:1] if out[:1] in ("+", "-", "±") else ""
        body = out[len(sign) :].translate(self._table)
        if sign:
            sign = self.sign_mark + (self.minus if sign == "-" else sign)
        return sign + body

    def sign(self, text: str) -> str:
        """A lone sign (``+``, ``-``, ``±``) as :meth:`number` writes it."""
        return self.number(text + "0")[:-1]

    def latin(self) -> Messages:
        """The same language with Python's digits and separators (``--ascii``)."""
        return dataclasses.replace(
            self, digits=LATIN_DIGITS, group=",", decimal=".", percent="%", minus="-"
        )

    def without_marks(self) -> Messages:
        """No invisible direction marks: for a terminal, which lays text out as it comes."""
        return dataclasses.replace(self, sign_mark="")

    def join(self, items: list[str]) -> str:
        return self.comma.join(items)

    @property
    def _table(self) -> dict[int, str]:
        latin = LATIN_DIGITS + ",.%"
        local = self.digits + self.group + self.decimal + self.percent
        return {ord(a): b for a, b in zip(latin, local, strict=True)}


ENGLISH = Messages()


@functools.cache
def messages(code: str) -> Messages:
    """The language ``code`` (``en``, ``fa``), its file read once per process."""
    if code == "en":
        return ENGLISH
    source = resources.files("crmkpi") / "locales" / f"{code}.yaml"
    if not source.is_file():
        raise ConfigError(f'locale "{code}": no message catalogue (crmkpi/locales/{code}.yaml)')
    return _from_document(code, yaml.safe_load(source.read_text(encoding="utf-8")))


def _texts(doc: Mapping[str, Any], key: str) -> dict[str, str]:
    """A mapping of text to text, or an error naming the key: a catalogue is
    shipped with the package, so a malformed one is a bug, said plainly."""
    value = doc.get(key) or {}
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise ValueError(f"locale catalogue: {key} must map text to text")
    return dict(value)


def _from_document(code: str, doc: object) -> Messages:
    if not isinstance(doc, Mapping):
        raise ValueError(f"locale catalogue {code}.yaml: not a mapping")
    numbers = _texts(doc, "numbers")
    if len(numbers.get("digits", LATIN_DIGITS)) != len(LATIN_DIGITS):
        raise ValueError(f"locale catalogue {code}.yaml: numbers.digits must be ten characters")
    dates = _texts(doc, "dates")
    return Messages(
        code=code,
        direction=str(doc.get("direction", "ltr")),
        catalogue=_texts(doc, "messages"),
        digits=numbers.get("digits", LATIN_DIGITS),
        group=numbers.get("group", ","),
        decimal=numbers.get("decimal", "."),
        percent=numbers.get("percent", "%"),
        minus=numbers.get("minus", "-"),
        sign_mark=numbers.get("sign_mark", ""),
        date_separator=dates.get("separator", "-"),
        comma=str(doc.get("comma", ", ")),
    )
