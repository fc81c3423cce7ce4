"""`make bench`: how fast crmkpi's full report is, against DuckDB and against the floor.

Issue 10 asks whether crmkpi is as fast as the obvious alternative (a short
DuckDB script, benchmarks/duckdb_kpis.py) and how far it is from the cost of
merely reading the files with polars (benchmarks/floor.py), at 10k, 100k and
1M customers of `crmkpi sample` data. Issue 25 asks it of the files users
feed it: the same data in every `crmkpi sample --style` (Zendesk, HubSpot,
Salesforce, US, Didar exports, each read through its crmkpi.yaml), at 100k
for every style and at 1M for iso, zendesk and us; the DuckDB script and the
floor read the same files with that style's formats (Jalali, which neither
parses, is measured against the iso files). Every measured thing is a separate
process, so times include the interpreter and imports, as a user sees them;
peak RSS comes per child from os.wait4. Runs are interleaved, each round in a
rotated order, so a burst of load from elsewhere hits every measure alike;
the table shows the median time (and min–max) and the largest RSS.

Usage: python benchmarks/run.py [--sizes 10k,100k,1m] [--styles iso,us] [--repeat N] [--quick]
       python benchmarks/run.py --check          (values only: crmkpi vs DuckDB at 10k, every style)
       python benchmarks/run.py --write-configs  (regenerate the YAML configs)
"""

from __future__ import annotations

import argparse
import compileall
import itertools
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DATA = HERE / "data"  # git-ignored (.gitignore: benchmarks/data/)
RESULTS = HERE / "results.md"
CRMKPI = str(Path(sys.executable).parent / "crmkpi")
PYTHON = sys.executable

SEED = 1
AS_OF = "2026-11-20"
PERIOD = "2026-10"
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
TARGET_SIZE = "100k"  # where the issue sets the speed targets
QUICK_SIZES = ("100k",)
STYLES = ("iso", "zendesk", "hubspot", "salesforce", "us", "didar")  # crmkpi sample --style
# The styles measured at each size (issue 25: every style at 100k; iso, zendesk and us at 1M).
SIZE_STYLES = {"10k": ("iso",), "100k": STYLES, "1m": ("iso", "zendesk", "us")}
# DuckDB and polars cannot parse Jalali dates: these styles' yardsticks read the iso files.
YARDSTICK_STYLE = {"didar": "iso"}
# Issue 25's targets per size: crmkpi / DuckDB, crmkpi / floor, RSS crmkpi / DuckDB, and
# the slowest style / the fastest.
STYLE_TARGETS = {"100k": (1.0, 1.3, 1.5), "1m": (1.0, 1.2, None)}
STYLE_SPREAD = 1.3
ROUNDS = 5
# The tables the library's KPIs read (deal_stages feeds only the pipeline section).
TABLES = ("customers", "leads", "deals", "tickets", "surveys", "spend")
REL_TOL = 1e-6

# weighted_pipeline_value is unavailable without a map; the stages of the sample's open deals.
STAGE_PROBABILITY = {"Prospecting": 0.1, "Qualified": 0.3, "Proposal": 0.6, "Negotiation": 0.8}
FIVE_KPIS = ("won_deals", "revenue", "avg_deal_size", "win_rate", "open_deals")

CONFIG_ALL = HERE / "all-kpis.yaml"
CONFIG_TREND = HERE / "all-kpis-trend6.yaml"
CONFIG_FIVE = HERE / "five-kpis.yaml"
CONFIG_DEALS = HERE / "deals-kpis.yaml"


def say(text: str = "") -> None:
    """Progress and results go to stdout (T201 forbids print in this repository)."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


# ---------------------------------------------------------------- configs


def library() -> list[dict[str, Any]]:
    """The built-in KPIs as crmkpi lists them: the benchmark must cover every one."""
    out = subprocess.run(
        [CRMKPI, "kpis", "-f", "json"], capture_output=True, text=True, check=True, cwd=REPO
    ).stdout
    kpis: list[dict[str, Any]] = json.loads(out)
    return kpis


def wanted_configs(kpis: list[dict[str, Any]]) -> dict[Path, dict[str, Any]]:
    """The four configs; trend 1 means the period alone (trend must be >= 1, default 6)."""
    ids = [k["id"] for k in kpis]
    deals = [k["id"] for k in kpis if k["tables"] == "deals"]

    def config(title: str, chosen: Sequence[str], trend: int) -> dict[str, Any]:
        return {
            "title": title,
            "currency": "USD",
            "trend": trend,
            "stage_probability": STAGE_PROBABILITY,
            "kpis": list(chosen),
        }

    return {
        CONFIG_ALL: config("Benchmark: every KPI of the library", ids, 1),
        CONFIG_TREND: config("Benchmark: every KPI, 6-period trend", ids, 6),
        CONFIG_FIVE: config("Benchmark: five KPIs of the deals table", FIVE_KPIS, 1),
        CONFIG_DEALS: config("Benchmark: every KPI of the deals table alone", deals, 1),
    }


def write_configs() -> None:
    """Regenerate the committed configs from `crmkpi kpis -f json`."""
    header = "# Generated by `python benchmarks/run.py --write-configs`; do not edit by hand.\n"
    for path, doc in wanted_configs(library()).items():
        path.write_text(header + yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
        say(f"wrote {path.relative_to(REPO)}")


def check_configs() -> int:
    """Stop when a committed config no longer matches the library (a KPI was added)."""
    kpis = library()
    for path, doc in wanted_configs(kpis).items():
        have = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
        if have != doc:
            sys.exit(
                f"{path.relative_to(REPO)} is missing or out of date with `crmkpi kpis`; "
                "run: python benchmarks/run.py --write-configs"
            )
    return len(kpis)


# ---------------------------------------------------------------- data


def size_label(text: str) -> str:
    """Validate a size name from --sizes against the known ones."""
    if text not in SIZES:
        sys.exit(f"unknown size {text!r}; choose from {', '.join(SIZES)}")
    return text


def style_label(text: str) -> str:
    """Validate a style name from --styles."""
    if text not in STYLES:
        sys.exit(f"unknown style {text!r}; choose from {', '.join(STYLES)}")
    return text


def ensure_data(size: str, style: str = "iso") -> Path:
    """The cached sample for a size and style, generated on first use (into a temporary
    folder, then renamed, so an interrupted generation is never taken for a complete one)."""
    name = f"{size}-{style}"
    folder = DATA / name
    if folder.is_dir():
        return folder
    DATA.mkdir(parents=True, exist_ok=True)
    partial = DATA / f"{name}.partial"
    argv = [CRMKPI, "sample", str(partial), "--customers", str(SIZES[size]), "--style", style]
    argv += ["--seed", str(SEED), "--as-of", AS_OF, "--quiet", "--force"]  # over a crashed try
    say(f"generating {size} customers, {style}: {' '.join(argv[1:])}")
    t0 = time.perf_counter()
    subprocess.run(argv, check=True, cwd=REPO, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - t0
    partial.rename(folder)
    info = {"seconds": round(seconds, 2), "command": " ".join(argv[1:])}
    (DATA / f"{name}.generated.json").write_text(json.dumps(info), encoding="utf-8")
    return folder


def data_note(size: str, style: str = "iso") -> str:
    """Size on disk and, when known, how long `crmkpi sample` took to write it."""
    folder = DATA / f"{size}-{style}"
    files = [p for p in folder.iterdir() if p.is_file() and p.suffix == ".csv"]
    note = f"{sum(p.stat().st_size for p in files) / 1e6:,.0f} MB on disk ({len(files)} files)"
    info_file = DATA / f"{size}-{style}.generated.json"
    if info_file.exists():
        info = json.loads(info_file.read_text(encoding="utf-8"))
        note += f", generated in {info['seconds']:.1f} s"
    return note


# The config keys of a style's crmkpi.yaml the benchmark configs take over: how its files
# are read. Not its KPIs, periods or the calendar that names them (-p 2026-10 stays
# Gregorian for every style).
STYLE_KEYS = ("sources", "currency", "timezone")


def styled_config(base: Path, style: str, size: str) -> Path:
    """A benchmark config for one style: ``base`` plus the style's crmkpi.yaml (its sources,
    currency and time zone) and, for Didar's Persian stage names, their probabilities.
    The iso style has no crmkpi.yaml and uses ``base`` as it is."""
    if style == "iso":
        return base
    written = yaml.safe_load((DATA / f"{size}-{style}" / "crmkpi.yaml").read_text("utf-8"))
    doc = yaml.safe_load(base.read_text(encoding="utf-8"))
    doc.update({key: written[key] for key in STYLE_KEYS if key in written})
    if style == "didar":
        from crmkpi.sample._persian_vocab import STAGES as PERSIAN  # the sample's own words

        doc["stage_probability"] |= {PERSIAN[s]: p for s, p in STAGE_PROBABILITY.items()}
    folder = DATA / "configs"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{style}-{base.name}"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# ---------------------------------------------------------------- measuring


@dataclass(frozen=True)
class Measure:
    """One thing timed as a whole process; argv gets the data folder of its style."""

    name: str  # crmkpi-all, crmkpi-trend, crmkpi-5, crmkpi-deals, duckdb, floor
    what: str
    argv: Callable[[Path], list[str]]
    style: str = "iso"

    @property
    def key(self) -> str:
        """Unique at one size: ``duckdb`` for iso, ``zendesk duckdb`` for a style."""
        return self.name if self.style == "iso" else f"{self.style} {self.name}"

    @property
    def data_style(self) -> str:
        """The style whose files it reads: a yardstick of a Jalali style reads iso's."""
        if self.name in ("duckdb", "floor"):
            return YARDSTICK_STYLE.get(self.style, self.style)
        return self.style


def crmkpi_report(config: Path, compare: str) -> Callable[[Path], list[str]]:
    """A `crmkpi report` command line: JSON to stdout, one month."""

    def argv(data: Path) -> list[str]:
        return [
            CRMKPI, "report", "-c", str(config), "-d", str(data), "-p", PERIOD,
            "--as-of", AS_OF, "--compare", compare, "-f", "json", "-o", "-",
        ]  # fmt: skip

    return argv


def yardsticks(style: str, n_kpis: int, size: str) -> list[Measure]:
    """The full report of one style, the DuckDB script and the floor on the same files."""
    data_style = YARDSTICK_STYLE.get(style, style)
    files = "" if data_style == style else f" ({data_style} files)"
    duckdb = [PYTHON, str(HERE / "duckdb_kpis.py")]
    floor = [PYTHON, str(HERE / "floor.py")]
    return [
        Measure(
            "crmkpi-all",
            f"crmkpi report, all {n_kpis} KPIs, --compare none, trend 1",
            crmkpi_report(styled_config(CONFIG_ALL, style, size), "none"),
            style,
        ),
        Measure(
            "duckdb",
            f"benchmarks/duckdb_kpis.py: load 6 tables, {n_kpis} queries{files}",
            lambda data: [*duckdb, str(data), "--month", PERIOD, "--style", data_style],
            style,
        ),
        Measure(
            "floor",
            f"benchmarks/floor.py: polars reads the 6 tables, typed{files}",
            lambda data: [*floor, str(data), "--style", data_style],
            style,
        ),
    ]


def measures(n_kpis: int, size: str, styles: Sequence[str]) -> list[Measure]:
    """Everything measured at one size: each style against its yardsticks, and on the
    iso files the trend and the smaller KPI sets."""
    n_deals = len(yaml.safe_load(CONFIG_DEALS.read_text(encoding="utf-8"))["kpis"])
    iso_only = [
        Measure(
            "crmkpi-trend",
            f"the same {n_kpis} KPIs, --compare both, trend 6",
            crmkpi_report(CONFIG_TREND, "both"),
        ),
        Measure(
            "crmkpi-5",
            "5 KPIs of the deals table (five-kpis.yaml)",
            crmkpi_report(CONFIG_FIVE, "none"),
        ),
        Measure(
            "crmkpi-deals",
            f"all {n_deals} KPIs of the deals table alone (deals-kpis.yaml)",
            crmkpi_report(CONFIG_DEALS, "none"),
        ),
    ]
    todo = [m for style in styles for m in yardsticks(style, n_kpis, size)]
    return todo + (iso_only if "iso" in styles else [])


@dataclass
class Samples:
    """Every timed run of one measure at one size."""

    seconds: list[float] = field(default_factory=list)
    rss_kb: list[int] = field(default_factory=list)

    @property
    def median(self) -> float:
        """Median wall time: robust to the odd run slowed by other processes."""
        return statistics.median(self.seconds)

    @property
    def rss_mb(self) -> float:
        """Peak RSS over the runs, MB (ru_maxrss is KB on Linux)."""
        return max(self.rss_kb) / 1024


def run_once(argv: list[str]) -> tuple[float, int, str]:
    """Run a child; wall seconds, its own peak RSS (KB) via os.wait4, and its stdout."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, cwd=REPO)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            sys.exit(f"{' '.join(argv)} exited {proc.returncode}:\n{err.read().decode()}")
        out.seek(0)
        return seconds, usage.ru_maxrss, out.read().decode()


def measure_size(
    todo: list[Measure], size: str, repeat: int
) -> tuple[dict[str, Samples], dict[str, str]]:
    """One untimed warm-up round (its outputs are kept for the value check), then `repeat`
    rounds, each starting one measure later than the previous round: every style and
    yardstick of a size interleaved, so a burst of load elsewhere hits them alike."""
    folders = {m.key: DATA / f"{size}-{m.data_style}" for m in todo}
    outputs = {m.key: run_once(m.argv(folders[m.key]))[2] for m in todo}
    samples = {m.key: Samples() for m in todo}
    for round_no in range(repeat):
        shift = round_no % len(todo)
        for m in todo[shift:] + todo[:shift]:
            seconds, rss, _ = run_once(m.argv(folders[m.key]))
            samples[m.key].seconds.append(seconds)
            samples[m.key].rss_kb.append(rss)
        say(f"  round {round_no + 1}/{repeat}: " + ", ".join(
            f"{name} {s.seconds[-1]:.2f}s" for name, s in samples.items()
        ))  # fmt: skip
    return samples, outputs


# ---------------------------------------------------------------- value check


def same(a: float | None, b: float | None) -> bool:
    """Both unavailable, or equal within REL_TOL (an absolute 1e-9 for values near 0)."""
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=1e-9)


def compare_values(crmkpi_json: str, duckdb_json: str) -> tuple[list[str], list[str]]:
    """Mismatching KPIs (as readable lines) and the KPIs the DuckDB script leaves out."""
    ours = {k["id"]: k["value"] for k in json.loads(crmkpi_json)["kpis"]}
    theirs: dict[str, float | None] = json.loads(duckdb_json)["kpis"]
    missing = [kpi for kpi in ours if kpi not in theirs]
    bad = [
        f"{kpi}: crmkpi {value!r}, duckdb {theirs[kpi]!r}"
        for kpi, value in ours.items()
        if kpi in theirs and not same(value, theirs[kpi])
    ]
    return bad, missing


def check_only(n_kpis: int, styles: Sequence[str]) -> int:
    """--check: the values of crmkpi's full report and of the DuckDB script at 10k, per style."""
    failed = False
    for style in styles:
        for data_style in {style, YARDSTICK_STYLE.get(style, style)}:
            ensure_data("10k", data_style)
        by_name = {m.name: m for m in yardsticks(style, n_kpis, "10k")}
        outputs = {
            name: run_once(by_name[name].argv(DATA / f"10k-{by_name[name].data_style}"))[2]
            for name in ("crmkpi-all", "duckdb")
        }
        bad, missing = compare_values(outputs["crmkpi-all"], outputs["duckdb"])
        n = len(json.loads(outputs["crmkpi-all"])["kpis"])
        agree = n - len(bad) - len(missing)
        say(f"10k {style}, {PERIOD}: {agree}/{n} KPIs agree (rel {REL_TOL:g})")
        for line in bad:
            say(f"  MISMATCH {line}")
        for kpi in missing:
            say(f"  not in the DuckDB script: {kpi}")
        failed = failed or bool(bad)
    return 1 if failed else 0


# ---------------------------------------------------------------- start-up

STARTUP_LIMIT = 0.25  # seconds: `crmkpi --version` and `--help` (issue 10)
STARTUP_ROUNDS = 9


def startup_section() -> list[str]:
    """`crmkpi --version` and `crmkpi --help` as whole processes: what a user
    waits for before any data is read (polars, Jinja2 and rich load only in
    the commands that need them)."""
    commands = {"crmkpi --version": [CRMKPI, "--version"], "crmkpi --help": [CRMKPI, "--help"]}
    for argv in commands.values():
        run_once(argv)  # warm-up
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(STARTUP_ROUNDS):
        for name, argv in commands.items():
            times[name].append(run_once(argv)[0])
    lines = ["## Start-up", "", f"Median of {STARTUP_ROUNDS} runs, interleaved.", ""]
    lines += ["| command | time (s), median | min–max | target |", "|---|---|---|---|"]
    for name, seconds in times.items():
        median = statistics.median(seconds)
        mark = "✓" if median <= STARTUP_LIMIT else "✗"
        spread = f"{min(seconds):.3f}–{max(seconds):.3f}"
        lines.append(f"| `{name}` | {median:.3f} {mark} | {spread} | ≤ {STARTUP_LIMIT} s |")
    return [*lines, ""]


# ---------------------------------------------------------------- report


@dataclass
class SizeResult:
    """What the report needs of one size."""

    size: str
    styles: list[str]
    notes: dict[str, str]  # style → its files on disk
    rows: dict[str, int]
    samples: dict[str, Samples]
    mismatches: dict[str, list[str]]  # style → crmkpi-all vs its DuckDB script
    missing: list[str]
    load: tuple[float, float]  # 1-minute load average before and after: how quiet it was


def _mark(value: float, limit: float | None) -> str:
    if limit is None:
        return f"{value:.2f}"
    return f"{value:.2f} {'✓' if value <= limit else '✗'}"


def style_rows(r: SizeResult) -> list[str]:
    """Each style's full report against the DuckDB script and the floor on the same
    files, and against the fastest style; verdicts where issue 25 sets targets."""
    s = r.samples
    duck, floor, rss = STYLE_TARGETS.get(r.size, (None, None, None))

    def key(style: str, name: str) -> str:
        return name if style == "iso" else f"{style} {name}"

    fastest = min(s[key(style, "crmkpi-all")].median for style in r.styles)
    spread = STYLE_SPREAD if len(r.styles) > 1 else None
    lines = [
        "| style | files | crmkpi (s) | DuckDB (s) | floor (s) | crmkpi / DuckDB "
        "| crmkpi / floor | RSS crmkpi / DuckDB | / fastest style | values vs DuckDB |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for style in r.styles:
        ours, theirs, read = (s[key(style, n)] for n in ("crmkpi-all", "duckdb", "floor"))
        bad = len(r.mismatches[style])
        values = "all agree" if bad == 0 else f"{bad} MISMATCH"
        lines.append(
            f"| {style} | {r.notes[style]} | {ours.median:.2f} | {theirs.median:.2f} "
            f"| {read.median:.2f} | {_mark(ours.median / theirs.median, duck)} "
            f"| {_mark(ours.median / read.median, floor)} "
            f"| {_mark(ours.rss_mb / theirs.rss_mb, rss)} "
            f"| {_mark(ours.median / fastest, spread)} | {values} |"
        )
    targets = [
        f"crmkpi / DuckDB ≤ {duck}" if duck else "",
        f"crmkpi / floor ≤ {floor}" if floor else "",
        f"RSS ≤ {rss}× DuckDB's" if rss else "",
        f"no style over {STYLE_SPREAD}× the fastest" if spread else "",
    ]
    said = ", ".join(t for t in targets if t)
    yard = ", ".join(f"{a} against the {b} files" for a, b in YARDSTICK_STYLE.items())
    lines += [
        "",
        f"Targets at {r.size} (issue 25): {said or 'none'}. DuckDB and the floor read each "
        f"style's own files with its formats; {yard} (Jalali dates are beyond both).",
    ]
    return lines


def ratio_rows(r: SizeResult) -> list[str]:
    """The ratios of the iso files' other measures; the speed target is set at 100k, so
    a verdict is given there only (other sizes show the ratios for growth)."""
    s = r.samples
    spec = [
        ("compare+trend / single", "crmkpi-trend", "crmkpi-all", 1.5, "≤ 1.5 at 100k"),
        ("all KPIs / 5 KPIs", "crmkpi-all", "crmkpi-5", None, "—"),
        ("deals' KPIs / 5 of them", "crmkpi-deals", "crmkpi-5", None, "small"),
    ]
    lines = ["| ratio | time | peak RSS | target (time) |", "|---|---|---|---|"]
    for label, top, bottom, limit, target in spec:
        t = s[top].median / s[bottom].median
        m = s[top].rss_mb / s[bottom].rss_mb
        verdict = ""
        if limit is not None and r.size == TARGET_SIZE:
            verdict = " ✓" if t <= limit else " ✗"
        lines.append(f"| {label} | {t:.2f}{verdict} | {m:.2f} | {target} |")
    return lines


def size_section(r: SizeResult, todo: list[Measure]) -> list[str]:
    """One size: data, the styles against their yardsticks, every measure, the value check."""
    rows = ", ".join(f"{t} {n:,}" for t, n in r.rows.items())
    busy = f"Load average (1 min) {r.load[0]:.2f} before, {r.load[1]:.2f} after"
    lines = [f"## {r.size} customers", "", f"Rows: {rows}. {busy}.", ""]
    lines += [*style_rows(r), ""]
    lines += ["| measure | style | what | time (s), median | min–max | peak RSS (MB) |"]
    lines += ["|---|---|---|---|---|---|"]
    for m in todo:
        s = r.samples[m.key]
        spread = f"{min(s.seconds):.2f}–{max(s.seconds):.2f}"
        lines.append(
            f"| {m.name} | {m.style} | {m.what} | {s.median:.2f} | {spread} | {s.rss_mb:,.0f} |"
        )
    if "iso" in r.styles:
        lines += ["", *ratio_rows(r)]
    lines.append("")
    for style, bad in r.mismatches.items():
        lines += [f"- {style} mismatch (rel {REL_TOL:g}): {line}" for line in bad]
    missing = ", ".join(r.missing) if r.missing else "none"
    return [*lines, f"Not in the DuckDB script: {missing}.", ""]


def _step(a: SizeResult, b: SizeResult, name: str) -> str:
    """Growth of one measure from size a to b: time factor, and the marginal cost in seconds
    per million more rows, which stays the same between steps when cost is linear in rows."""
    ta, tb = a.samples[name].median, b.samples[name].median
    more_rows = sum(b.rows.values()) - sum(a.rows.values())
    return f"×{tb / ta:.1f} ({(tb - ta) / more_rows * 1e6:.2f} s/M rows)"


def growth_section(results: list[SizeResult], todo: list[Measure]) -> list[str]:
    """Time and memory across sizes, with the growth of time against that of rows: the
    measures every size has (those of the iso files)."""
    todo = [m for m in todo if all(m.key in r.samples for r in results)]
    if len(results) < 2 or not todo:
        return []
    head = " | ".join(f"{r.size}: s / MB" for r in results)
    steps = " | ".join(f"{a.size}→{b.size}" for a, b in itertools.pairwise(results))
    rows = " | ".join(
        f"rows ×{sum(b.rows.values()) / sum(a.rows.values()):.1f}"
        for a, b in itertools.pairwise(results)
    )
    lines = [
        "## Growth",
        "",
        "Per step: time factor and, in brackets, the marginal seconds per million more rows "
        "(all six tables); linear growth keeps the marginal cost equal from step to step, "
        "while the fixed cost (interpreter, imports) makes small sizes look cheap per row.",
        "",
        f"| measure | {head} | {steps} |",
        "|---|" + "---|" * (2 * len(results) - 1),
        f"| rows | {' | '.join(f'{sum(r.rows.values()):,}' for r in results)} | {rows} |",
    ]
    for m in todo:
        s = [r.samples[m.key] for r in results]
        cells = [f"{x.median:.2f} / {x.rss_mb:,.0f}" for x in s]
        cells += [_step(a, b, m.key) for a, b in itertools.pairwise(results)]
        lines.append(f"| {m.key} | " + " | ".join(cells) + " |")
    return [*lines, ""]


def environment(repeat: dict[str, int], load: tuple[float, float]) -> list[str]:
    """Machine and versions: ratios are only comparable on the same kind of machine."""
    versions = ", ".join(
        f"{name} {metadata.version(name)}" for name in ("crmkpi", "polars", "duckdb")
    )
    repeats = ", ".join(f"{size}: {n}" for size, n in repeat.items())
    return [
        "# crmkpi benchmark (`make bench`)",
        "",
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- machine: {os.cpu_count()} cores (os.cpu_count()), {platform.machine()}, "
        f"{platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}, {versions}",
        f"- load average (1 min) at start {load[0]:.2f}, at end {load[1]:.2f} (above the "
        f"core count, other processes shared the cores: times are noisy)",
        f"- data: `crmkpi sample --seed {SEED} --as-of {AS_OF} --style STYLE`; period {PERIOD}",
        f"- runs per measure: one warm-up, then {repeats}, interleaved in rotated order; "
        "time = median wall time of the whole process (interpreter and imports included), "
        "RSS = largest peak over the runs (os.wait4)",
        "- crmkpi's modules are byte-compiled before the runs, as `pip install` leaves them "
        f"(PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r} here)",
        "",
    ]


# ---------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command line; --quick is 100k (every style) with 3 rounds."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", help="comma-separated, of 10k,100k,1m (default: all three)")
    p.add_argument("--styles", help=f"comma-separated, of {','.join(STYLES)} (default: "
                   "every style at 100k; iso, zendesk and us at 1m; iso at 10k)")  # fmt: skip
    p.add_argument("--repeat", type=int, help=f"timed rounds (default {ROUNDS})")
    p.add_argument("--quick", action="store_true", help="100k only, 3 rounds")
    p.add_argument("--check", action="store_true", help="only compare values at 10k")
    p.add_argument("--write-configs", action="store_true", help="regenerate the configs")
    p.add_argument("--output", type=Path, default=RESULTS, help="Markdown results file")
    return p.parse_args(argv)


def chosen_styles(args: argparse.Namespace) -> list[str] | None:
    """The styles of --styles, or None for each size's own (SIZE_STYLES)."""
    if not args.styles:
        return None
    return [style_label(s.strip()) for s in args.styles.split(",") if s.strip()]


def plan(args: argparse.Namespace) -> dict[str, tuple[int, list[str]]]:
    """Sizes to run, each with its number of timed rounds and its styles."""
    if args.sizes:
        sizes = [size_label(s.strip()) for s in args.sizes.split(",") if s.strip()]
    else:
        sizes = list(QUICK_SIZES if args.quick else SIZES)
    rounds = args.repeat or (3 if args.quick else ROUNDS)
    styles = chosen_styles(args)
    return {s: (rounds, styles or list(SIZE_STYLES[s])) for s in sizes}


def byte_compile() -> None:
    """Compile crmkpi's modules as `pip install` does for a user. The editable
    install of `make` leaves that to the first import, and where
    PYTHONDONTWRITEBYTECODE is set (this machine sets it) every run would
    compile all of crmkpi again: about 0.07 s of each report, measured."""
    compileall.compile_dir(REPO / "crmkpi", quiet=1)


def bench(n_kpis: int, runs: dict[str, tuple[int, list[str]]], output: Path) -> None:
    """Measure every size, then print the report and write it to `output`."""
    byte_compile()
    load_start = os.getloadavg()[0]
    startup = startup_section()
    results = []
    todo: list[Measure] = []
    for size, (n, styles) in runs.items():
        for style in {*styles, *(YARDSTICK_STYLE.get(s, s) for s in styles)}:
            ensure_data(size, style)
        todo = measures(n_kpis, size, styles)
        say(f"{size}: {n} rounds of {', '.join(m.key for m in todo)}")
        before = os.getloadavg()[0]
        samples, outputs = measure_size(todo, size, n)
        load = (before, os.getloadavg()[0])
        mismatches, missing = {}, set()
        for style in styles:
            key = "" if style == "iso" else f"{style} "
            bad, left_out = compare_values(outputs[f"{key}crmkpi-all"], outputs[f"{key}duckdb"])
            mismatches[style] = bad
            missing.update(left_out)
        first_floor = next(m.key for m in todo if m.name == "floor")
        rows = json.loads(outputs[first_floor])["rows"]
        notes = {style: data_note(size, style) for style in styles}
        result = SizeResult(size, styles, notes, rows, samples, mismatches, sorted(missing), load)
        results.append(result)
    repeat = {size: n for size, (n, _) in runs.items()}
    lines = environment(repeat, (load_start, os.getloadavg()[0])) + startup
    for r in results:
        lines += size_section(r, measures(n_kpis, r.size, r.styles))
    text = "\n".join(lines + growth_section(results, todo)).rstrip() + "\n"
    say()
    say(text)
    output.write_text(text, encoding="utf-8")
    say(f"written to {output}")


def main(argv: list[str] | None = None) -> int:
    """Entry point of `make bench`."""
    args = parse_args(argv)
    if args.write_configs:
        write_configs()
        return 0
    n_kpis = check_configs()
    if args.check:
        return check_only(n_kpis, chosen_styles(args) or list(STYLES))
    bench(n_kpis, plan(args), args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
