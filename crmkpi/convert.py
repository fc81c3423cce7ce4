"""``crmkpi convert``: validate a folder of exports once and write typed Parquet.

Every table found is read through its preset and mapping and validated as a
report would (``--lenient`` skips bad rows and says so); nothing is written
unless every table passes. Reports over the written folder then skip CSV
parsing and validation (``converted.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from crmkpi.canonical import TABLE_NAMES
from crmkpi.config import Config
from crmkpi.converted import Written, write_converted
from crmkpi.errors import DataError, UsageError
from crmkpi.inputs import Inputs, load_inputs, no_step

FORMATS = ("parquet",)


def convert_exports(
    cfg: Config, out: Path, *, lenient: bool, on_step: Callable[[str], None] = no_step
) -> tuple[Inputs, list[Written]]:
    """Load and validate every table of ``cfg.data``, then write each to ``out``."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"--output {out}: is a file; expected a folder for the Parquet tables")
    if out.resolve() == cfg.data.resolve():
        raise UsageError(
            f"--output {out}: is the data folder; write the Parquet tables to a folder of their own"
        )
    inputs = load_inputs(cfg, TABLE_NAMES, lenient, on_step)
    if not inputs.loaded:
        raise DataError(f"{cfg.data}: no table to convert ({'; '.join(inputs.absent.values())})")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--output {out}: cannot write there ({exc.strerror or exc})") from exc
    written = []
    for table in inputs.loaded.values():
        on_step(f"writing {table.name}.parquet")
        written.append(write_converted(table, out, cfg.timezone))
    return inputs, written
