"""Writing sample tables as files: canonical CSV, or as a vendor's exports (``--style``)."""

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
from crmkpi.sample._styles import STYLES, VENDOR_STYLES, Styled
from crmkpi.yamlfile import read_yaml


def write_sample(
    directory: Path,
    tables: dict[str, pl.DataFrame],
    calendar: str = "gregorian",
    *,
    style: str = "iso",
    force: bool = False,
) -> list[Path]:
    """Write each table to ``<directory>``; return the paths written.

    ``gregorian``: ``<table>.csv`` with canonical headers in ``canonical.TABLES``
    order (a table may leave columns out); dates are ``YYYY-MM-DD``, datetimes
    ``YYYY-MM-DDTHH:MM:SS``, amounts carry two decimals, missing values are
    empty cells. ``jalali``: the same rows as an Iranian business has them
    (``_persian``): Didar exports for customers, deals and tickets, Jalali
    canonical files for the rest, and a ``crmkpi.yaml`` that reads them all;
    with it, every KPI has the Gregorian folder's value. ``style`` writes the
    same rows as real exports do (``_styles``: ``zendesk``, ``hubspot``,
    ``salesforce``, ``us``; ``didar`` is the Jalali folder), each with the
    ``crmkpi.yaml`` a user would write for it.

    Each file is written to a temporary name in the same directory and then
    renamed over the target, so a reader never sees half a file.
    ``directory`` is created if needed. A file of the same name that is
    already there (a user's own ``customers.csv``) is a ``UsageError`` that
    names them all, and nothing is written, unless ``force``.
    """
    style = _style(calendar, style)
    unknown = sorted(set(tables) - set(TABLES))
    if unknown:
        raise ValueError(f"not a canonical table: {unknown[0]}")
    frames = {name: _canonical(name, tables[name]) for name in TABLES if name in tables}
    if style == "didar":
        writes = _jalali_writes(frames)
    elif style in VENDOR_STYLES:
        writes = _styled_writes(VENDOR_STYLES[style](frames))
    else:
        writes = _csv_writes(frames)
    existing = [name for name in writes if (directory / name).exists()]
    if existing and not force:
        raise UsageError(
            f"{directory}: sample would overwrite {', '.join(existing)}; "
            "add --force to replace them, or choose an empty folder"
        )
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"{directory}: cannot create the folder ({exc.strerror})") from exc
    return [_replace(directory / name, write) for name, write in writes.items()]


Writer = Callable[[Path], object]


def _style(calendar: str, style: str) -> str:
    """The style to write: ``--calendar jalali`` is the ``didar`` style."""
    if calendar not in CALENDARS:
        raise UsageError(f'calendar "{calendar}" is not one of {", ".join(CALENDARS)}')
    if style not in STYLES:
        raise UsageError(f'style "{style}" is not one of {", ".join(STYLES)}')
    if calendar == "jalali" and style not in ("iso", "didar"):
        raise UsageError(
            f"--calendar jalali writes the didar style, not {style}: leave out one of the two"
        )
    return "didar" if calendar == "jalali" else style


def _csv_writes(frames: dict[str, pl.DataFrame]) -> dict[str, Writer]:
    """``<table>.csv`` for each table: file name → what writes it."""
    return {f"{name}.csv": _csv_writer(frame) for name, frame in frames.items()}


def _jalali_writes(frames: dict[str, pl.DataFrame]) -> dict[str, Writer]:
    """The Persian files (with a BOM, so that Excel shows Persian text, as
    Iranian exports do) and their config."""
    files = persian_files(frames)
    writes = {name: _csv_writer(frame, bom=True) for name, frame in files.items()}
    config = jalali_config(frames, _default_kpis())
    # Bytes, not write_text: "\n" on every platform, so files are byte-identical.
    writes[CONFIG_FILENAME] = lambda temporary: temporary.write_bytes(config.encode("utf-8"))
    return writes


def _styled_writes(styled: Styled) -> dict[str, Writer]:
    """A vendor style's exports (text as they are), its canonical tables and its config."""
    writes = _csv_writes(styled.canonical)
    writes.update({name: _csv_writer(frame) for name, frame in styled.exports.items()})
    config = styled.config
    writes[CONFIG_FILENAME] = lambda temporary: temporary.write_bytes(config.encode("utf-8"))
    return writes


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


def _csv_writer(frame: pl.DataFrame, bom: bool = False) -> Writer:
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

    return write


def _replace(path: Path, write: Writer) -> Path:
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
