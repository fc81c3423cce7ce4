"""The same files give the same bytes (issue 23, item 7): JSON, CSV and
Markdown of a 100k-customer report are identical whatever the thread count
(``POLARS_MAX_THREADS`` 1 and 2) and engine (in-memory or streaming).

Before, float sums came out as ``117116425.00999999`` in one run and
``117116425.01000002`` in another, as polars splits a sum differently by
threads and streaming batches; every number is now written to 12
significant digits (``format.stable``).

Each run is a fresh Python process (the thread count is fixed when polars
starts), writing the three formats of one report: four processes, a few
seconds each. The sample is generated once per session.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

CUSTOMERS = 100_000
AS_OF = "2026-11-20"
CONFIG = """\
data: data
currency: USD
period: last-month
trend: 6
breakdowns: [owner, segment]
sections: [pipeline, funnel, cohorts]
stage_probability: {Prospecting: 0.1, Qualified: 0.3, Proposal: 0.6, Negotiation: 0.8}
"""
# One report, written as JSON, CSV and Markdown into the folder argv[3].
RUN = """\
import sys
from datetime import date
from pathlib import Path

from crmkpi.config import load_config
from crmkpi.engine import run_report
from crmkpi.render.csv import render_csv
from crmkpi.render.json import render_json
from crmkpi.render.markdown import render_markdown

config, engine, out = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
cfg = load_config(config, config.parent).with_overrides(engine=engine)
report = run_report(cfg, date.fromisoformat(sys.argv[4]))
out.mkdir(parents=True)
(out / "report.json").write_text(render_json(report, cfg.data), encoding="utf-8")
(out / "report.csv").write_text(render_csv(report), encoding="utf-8")
(out / "report.md").write_text(render_markdown(report), encoding="utf-8")
"""


@pytest.fixture(scope="session")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with ``data/`` (100k customers, the built-in sample) and crmkpi.yaml."""
    from datetime import date

    from crmkpi.sample import generate_sample, write_sample

    root = tmp_path_factory.mktemp("big")
    tables = generate_sample(CUSTOMERS, seed=1, as_of=date.fromisoformat(AS_OF))
    write_sample(root / "data", tables)
    (root / "crmkpi.yaml").write_text(CONFIG, encoding="utf-8")
    return root


def _run(big: Path, threads: int, engine: str) -> dict[str, bytes]:
    out = big / f"out-{threads}-{engine}"
    env = {**os.environ, "POLARS_MAX_THREADS": str(threads)}
    args = [sys.executable, "-c", RUN, str(big / "crmkpi.yaml"), engine, str(out), AS_OF]
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return {f.name: f.read_bytes() for f in sorted(out.iterdir())}


def test_reports_are_byte_identical_across_threads_and_engines(big: Path) -> None:
    runs = {
        (threads, engine): _run(big, threads, engine)
        for threads, engine in [
            (1, "in-memory"),
            (2, "in-memory"),
            (1, "streaming"),
            (2, "streaming"),
        ]
    }
    first = runs[(1, "in-memory")]
    assert set(first) == {"report.json", "report.csv", "report.md"}
    assert b'"breakdowns": {\n    "owner"' in first["report.json"]  # the analyses are in it
    for key, files in runs.items():
        for name, data in files.items():
            assert data == first[name], f"{name} differs with {key[0]} threads, {key[1]}"
