"""Writing sample tables as files: canonical CSV, or an Iranian (Jalali) folder."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from pathlib import Path

import polars as pl

from crmkpi.canonical import TABLES
from crmkpi.config import CALENDARS, CONFIG_FILENAME, DEFAULT_CONFIG
from crmkpi.errors import UsageError
from crmkpi.sample._persian import jalali_config, persian_files
from crmkpi.yamlfile import read_yaml


def write_sample(
    directory: Path, tables: dict[str, pl.DataFrame], calendar: str = "gregorian"
) -> list[Path]:
    """Write each table to ``<directory>``; return the paths written.

    ``gregorian``: ``<table>.csv`` with canonical headers in ``canonical.TABLES``
    order (a table may leave columns out); dates are ``YYYY-MM-DD``, datetimes
    ``YYYY-MM-DDTHH:MM:SS``, amounts carry two decimals, missing values are
    empty cells. ``jalali``: the same rows as an Iranian business has them
    (``_persian``): Didar exports for customers, deals and tickets, Jalali
    canonical files for the rest, and a ``crmkpi.yaml`` that reads them all;
    with it, every KPI has the Gregorian folder's value.

    Each file is written to a temporary name in the same directory and then
    renamed over the target, so a reader never sees half a file.
    ``directory`` is created if needed.
    """
    if calendar not in CALENDARS:
        raise UsageError(f'calendar "{calendar}" is not one of {", ".join(CALENDARS)}')
    unknown = sorted(set(tables) - set(TABLES))
    if unknown:
        raise ValueError(f"not a canonical table: {unknown[0]}")
    frames = {name: _canonical(name, tables[name]) for name in TABLES if name in tables}
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"{directory}: cannot create the folder ({exc.strerror})") from exc
    if calendar == "jalali":
        return _write_jalali(directory, frames)
    return [_write_csv(frame, directory / f"{name}.csv") for name, frame in frames.items()]


def _write_jalali(directory: Path, frames: dict[str, pl.DataFrame]) -> list[Path]:
    """The Persian files (with a BOM, so that Excel shows Persian text, as
    Iranian exports do) and their config."""
    files = persian_files(frames)
    paths = [_write_csv(frame, directory / name, bom=True) for name, frame in files.items()]
    config = jalali_config(frames, _default_kpis())
    return [*paths, _write_text(config, directory / CONFIG_FILENAME)]


def _default_kpis() -> list[str]:
    """The built-in KPI set (``default.yaml``), which the Gregorian folder reports."""
    kpis = read_yaml(DEFAULT_CONFIG).data["kpis"]
    return [str(kpi) for kpi in kpis]


def _canonical(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    names = TABLES[name].column_names
    extra = [c for c in frame.columns if c not in names]
    if extra:
        raise ValueError(f"{name}: not a canonical column: {extra[0]}")
    return frame.select(c for c in names if c in frame.columns)


def _write_csv(frame: pl.DataFrame, path: Path, bom: bool = False) -> Path:
    def write(temporary: Path) -> None:
        frame.write_csv(
            temporary,
            include_bom=bom,
            date_format="%Y-%m-%d",
            datetime_format="%Y-%m-%dT%H:%M:%S",
            float_precision=2,
            float_scientific=False,
            null_value="",
        )

    return _replace(path, write)


def _write_text(text: str, path: Path) -> Path:
    # Bytes, not write_text: "\n" on every platform, so files are byte-identical.
    return _replace(path, lambda temporary: temporary.write_bytes(text.encode("utf-8")))


def _replace(path: Path, write: Callable[[Path], object]) -> Path:
    """Write through a temporary file renamed over ``path``: never half a file."""
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        write(temporary)
        os.replace(temporary, path)
    except OSError as exc:
        raise UsageError(f"{path}: cannot write the file ({exc.strerror or exc})") from exc
    finally:
        temporary.unlink(missing_ok=True)
    return path
