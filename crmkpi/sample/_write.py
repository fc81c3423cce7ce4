"""Writing sample tables as CSV files with canonical headers."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import polars as pl

from crmkpi.canonical import TABLES
from crmkpi.errors import UsageError


def write_sample(directory: Path, tables: dict[str, pl.DataFrame]) -> list[Path]:
    """Write each table to ``<directory>/<table>.csv``; return the paths written.

    Columns follow ``canonical.TABLES`` order (a table may leave columns out);
    dates are ``YYYY-MM-DD``, datetimes ``YYYY-MM-DDTHH:MM:SS``, amounts carry
    two decimals and missing values are empty cells. Each file is written to a
    temporary name in the same directory and then renamed over the target, so
    a reader never sees half a file. ``directory`` is created if needed.
    """
    unknown = sorted(set(tables) - set(TABLES))
    if unknown:
        raise ValueError(f"not a canonical table: {unknown[0]}")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"{directory}: cannot create the folder ({exc.strerror})") from exc
    return [
        _write_csv(_canonical(name, tables[name]), directory / f"{name}.csv")
        for name in TABLES
        if name in tables
    ]


def _canonical(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    names = TABLES[name].column_names
    extra = [c for c in frame.columns if c not in names]
    if extra:
        raise ValueError(f"{name}: not a canonical column: {extra[0]}")
    return frame.select(c for c in names if c in frame.columns)


def _write_csv(frame: pl.DataFrame, path: Path) -> Path:
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        frame.write_csv(
            temporary,
            date_format="%Y-%m-%d",
            datetime_format="%Y-%m-%dT%H:%M:%S",
            float_precision=2,
            float_scientific=False,
            null_value="",
        )
        os.replace(temporary, path)
    except OSError as exc:
        raise UsageError(f"{path}: cannot write the file ({exc.strerror or exc})") from exc
    finally:
        temporary.unlink(missing_ok=True)
    return path
