"""Source headers to canonical columns.

A header matches a canonical column when both normalise to the same key
(case, spaces, ``_`` and ``-`` ignored: ``Created At`` = ``created_at``);
``sources.<table>.columns`` names a header explicitly and wins.
"""

from __future__ import annotations

import difflib

from crmkpi.canonical import Table, normalise_header
from crmkpi.errors import DataError, Problem


def map_headers(
    headers: tuple[str, ...], table: Table, overrides: dict[str, str], file: str
) -> dict[str, str]:
    """canonical column -> source header, for every canonical column the file has."""
    by_key: dict[str, str] = {}
    for header in headers:
        by_key.setdefault(normalise_header(header), header)
    mapping: dict[str, str] = {}
    problems: list[Problem] = []
    for column in table.columns:
        wanted = overrides.get(column.name)
        found = by_key.get(normalise_header(wanted or column.name))
        if found is not None:
            mapping[column.name] = found
        elif wanted is not None:
            problems.append(
                _missing(file, column.name, wanted, headers, "named in sources.columns")
            )
        elif column.required:
            problems.append(_missing(file, column.name, column.name, headers, "required"))
    if problems:
        raise DataError(f"{file}: required columns are missing", problems)
    return mapping


def _missing(file: str, column: str, wanted: str, headers: tuple[str, ...], why: str) -> Problem:
    close = difflib.get_close_matches(
        wanted, list(headers), n=1, cutoff=0.5
    ) or difflib.get_close_matches(
        normalise_header(wanted), [normalise_header(h) for h in headers], n=1, cutoff=0.5
    )
    hint = f'; the closest header is "{_original(close[0], headers)}"' if close else ""
    shown = ", ".join(f'"{h}"' for h in headers[:12]) or "none"
    return Problem(
        file,
        1,
        column,
        None,
        f"column {wanted!r} ({why}) is not in the header{hint}",
        f"one of the headers; found {shown}",
    )


def _original(match: str, headers: tuple[str, ...]) -> str:
    return next((h for h in headers if h == match or normalise_header(h) == match), match)
