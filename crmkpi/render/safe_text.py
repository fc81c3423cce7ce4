"""Text from exports and configs, made safe where it leaves crmkpi.

A segment, an owner name or a KPI label is data: written raw, its control
characters would drive the terminal (``ESC [2J`` clears it, ``ESC ]0;`` sets
its title), break a JUnit file (XML 1.0 has no ``\\x01``) or a CSV row, and
its bidi overrides would show text in another order than it is read.
``visible`` writes each as an escape a person can read (``\\x1B``,
``\\u202E``). ZWNJ and RLM (U+200C, U+200F), which Persian text needs, and
every other format character are kept.
"""

from __future__ import annotations

import re

# Unicode Cc (C0, DEL, C1) and the bidi embeddings, overrides and isolates.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def escape(char: str) -> str:
    """``\\x1B`` for a control character, ``\\u202E`` for a bidi override."""
    code = ord(char)
    return f"\\x{code:02X}" if code < 0x100 else f"\\u{code:04X}"


def visible(text: str, keep: str = "") -> str:
    """``text`` with every control character and bidi override escaped,
    except the characters in ``keep`` (``"\\n"`` for a message of several
    lines)."""
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(lambda m: m[0] if m[0] in keep else escape(m[0]), text)


def xml_text(text: str) -> str:
    """For XML 1.0 (JUnit): tab and line feed kept; every other control
    character, which XML cannot hold, and the bidi overrides escaped."""
    return visible(text, keep="\t\n")


def csv_text(text: str) -> str:
    """For a CSV cell: tab and line breaks kept (the cell is quoted when it
    holds one); every other control character and the bidi overrides escaped."""
    return visible(text, keep="\t\n\r")
