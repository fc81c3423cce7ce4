"""How many bad rows ``--lenient`` may skip: the limit as a user writes it
(``5%`` or ``0.05``), shares as a message says them, and the advice a
strict run gives about skipping. Only the standard library: the config, the
loaders and the command line all read it."""

from __future__ import annotations

import math
import re

DEFAULT_MAX_SKIPPED = 0.10
SHARE_GRAMMAR = "a share like 5% or 0.05 (from 0 to 1, or 0% to 100%)"
_SHARE = re.compile(r"^\s*(\d+(?:\.\d+)?|\.\d+)\s*(%?)\s*$")


def parse_share(value: object) -> float:
    """``5%``, ``"0.05"`` or ``0.05`` as 0.05; ValueError (saying what is
    expected) for anything else, or a share outside 0..1. A bare ``5`` is
    refused rather than read as 500% or as 5%."""
    if isinstance(value, bool):
        raise ValueError(f"expected {SHARE_GRAMMAR}")
    percent = False
    if isinstance(value, int | float):
        share = float(value)
    elif match := _SHARE.match(str(value)):
        share, percent = float(match[1]) / (100 if match[2] else 1), bool(match[2])
    else:
        raise ValueError(f"expected {SHARE_GRAMMAR}")
    if not percent and 1 < share <= 100:
        raise ValueError(f"{share:g} is more than 1; write {share:g}% for a percentage")
    if not 0 <= share <= 1:
        raise ValueError(
            f"{share_text(share)} is not between 0% and 100%; expected {SHARE_GRAMMAR}"
        )
    return share


def share_of(part: int, whole: int) -> float:
    """``part / whole``, 0 for no rows at all (nothing read, nothing skipped)."""
    return part / whole if whole else 0.0


def share_text(share: float, unlike: float | None = None) -> str:
    """``49%``, ``0.6%``, ``10.04%``: whole percents from 10%, one decimal
    below, more when the share would read as 0% or as ``unlike`` (10.04%
    skipped over a limit of 10% is not "10%, over the limit of 10%")."""
    percent = share * 100
    decimals = 0 if percent >= 10 else 1
    while True:
        text = f"{percent:.{decimals}f}"
        text = text.rstrip("0").rstrip(".") if "." in text else text
        zero = float(text) == 0 and share != 0
        alike = unlike is not None and share != unlike and float(text) == round(unlike * 100, 6)
        if decimals >= 6 or not (zero or alike):
            return f"{text}%"
        decimals += 1


def skip_advice(file: str, bad: int, rows: int, limit: float) -> str:
    """What a strict run says about skipping ``bad`` of ``rows`` rows: that
    ``--lenient`` would (within the limit), or which ``--max-skipped`` would."""
    share = share_of(bad, rows)
    said = f"{bad:,} of {rows:,} rows, {share_text(share, limit)}"
    if share <= limit:
        return f"fix: correct the rows in {file}, or skip them and report the rest with --lenient ({said})"
    if bad >= rows:
        return f"fix: correct the rows in {file}; every row has a problem, so --lenient would keep none"
    needed = math.ceil(round(share * 100, 6)) / 100  # 0.6 * 100 is 60.00000000000001
    return (
        f"fix: correct the rows in {file}; --lenient would skip {said}, over its limit of "
        f"{share_text(limit)} (--max-skipped {share_text(needed)} allows that)"
    )


def over_limit_message(table: str, skipped: int, rows: int, limit: float) -> str | None:
    """The error a lenient run gives when ``table`` lost more than ``limit``
    of its rows, or every row (whatever the limit, even 100%: its KPIs would
    be zeros, not a report), or None."""
    share = share_of(skipped, rows)
    if skipped and skipped >= rows:
        return (
            f"{table}: --lenient skipped every row ({skipped:,} of {rows:,}), so nothing "
            "is left to report; fix the rows (--max-skipped cannot allow losing them all)"
        )
    if not skipped or share <= limit:
        return None
    return (
        f"{table}: --lenient skipped {share_text(share, limit)} of rows ({skipped:,} of {rows:,}), "
        f"over the limit of {share_text(limit)}; fix the rows or raise --max-skipped"
    )
