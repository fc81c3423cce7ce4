"""Breakdowns and sections (pipeline, funnel, cohorts) in every format, over
the golden report with hand-made values: top-N folding into (other), the
(none) group, totals, notes for unavailable values, charts and escaping."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import date
from pathlib import Path

import pytest

from crmkpi.analyses import (
    Breakdown,
    BreakdownGroup,
    CohortRow,
    CohortSection,
    FunnelSection,
    FunnelStep,
    Measured,
    PipelineSection,
    PipelineStage,
    Section,
)
from crmkpi.config import load_config
from crmkpi.engine import Report, run_report
from crmkpi.render.analyses_view import NOT_ADDITIVE, breakdown_view
from crmkpi.render.html import render_html
from crmkpi.render.json import report_dict
from crmkpi.render.markdown import render_markdown
from crmkpi.render.section_view import section_view
from crmkpi.render.terminal import render_terminal

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "crmkpi.yaml"
HOSTILE = "<script>x</script>"
NO_DEALS = "no deals won or lost in period"

# Owner: revenue (additive, sorted best first), win rate (not additive), new customers.
OWNERS: list[tuple[str | None, float, float | None, int]] = [
    ("Dana", 182_000.50, 0.71, 9),
    ("Eli", 151_250.00, 0.66, 7),
    ("Farah", 140_000.00, 0.58, 6),
    ("Gus", 120_500.25, 0.74, 5),
    ("Hana", 110_000.00, 0.61, 6),
    (None, 95_000.00, 0.40, 3),
    ("Ivo", 90_500.00, 0.52, 4),
    ("Jun", 85_000.00, 0.69, 5),
    ("Kemal", 70_000.00, 0.55, 3),
    (HOSTILE, 60_000.00, 0.50, 2),
    # Folded into (other): revenue 24,000 + 18,000 + 10,000 = 52,000; new 2 + 2 + 1 = 5.
    ("Mo", 24_000.00, 0.45, 2),
    ("Pia", 18_000.00, 0.80, 2),
    ("Nils", 10_000.00, None, 1),
]


def _owner_breakdown() -> Breakdown:
    groups = tuple(
        BreakdownGroup(
            key,
            {
                "revenue": Measured(rev),
                "win_rate": Measured(win, None if win is not None else NO_DEALS),
                "new_customers": Measured(float(new)),
            },
        )
        for key, rev, win, new in OWNERS
    )
    total = {
        "revenue": Measured(sum(o[1] for o in OWNERS)),
        "win_rate": Measured(0.6123),
        "new_customers": Measured(float(sum(o[3] for o in OWNERS))),
    }
    return Breakdown("owner", groups, total)


SEGMENTS = (("Enterprise", 0.6), ("SMB", 0.3), ("Mid-market", 0.1))


def _segment_breakdown(report: Report) -> Breakdown:
    """Every KPI of the report by segment (a wide table): additive KPIs split
    60/30/10, the others a little off the overall value; weighted pipeline
    unavailable everywhere, as in the report."""
    groups = []
    for key, share in SEGMENTS:
        values = {}
        for r in report.kpis:
            v = r.current.value
            if v is not None:
                v *= share if r.kpi.additive else 0.85 + share / 2
                v = round(v) if r.kpi.unit == "count" else v
            values[r.spec.id] = Measured(v, r.current.reason)
        groups.append(BreakdownGroup(key, values))
    total = {r.spec.id: Measured(r.current.value, r.current.reason) for r in report.kpis}
    return Breakdown("segment", tuple(groups), total)


PIPELINE = PipelineSection(
    stages=(
        PipelineStage("Qualification", 41, 512_300.0, None, 38, 6.25, 5.0, 0.82),
        PipelineStage("Discovery", 33, 604_150.5, None, 29, 9.5, 8.0, 0.76),
        PipelineStage("Proposal", 21, 455_000.0, None, 17, 12.75, 11.0, 0.65),
        PipelineStage("Negotiation", 12, 340_227.77, None, 9, 21.4, 19.0, 0.56, bottleneck=True),
        PipelineStage("Legal review", 2, 0.0, None, 0, None, None, None),
    ),
    weighted_reason="no stage_probability map in the config",
)
FUNNEL = FunnelSection(
    steps=(
        FunnelStep("leads", 250, None, 1.0),
        FunnelStep("converted", 70, 0.28, 0.28),
        FunnelStep("won", 41, 41 / 70, 0.164),
    )
)


def _cohorts() -> CohortSection:
    """14 monthly cohorts 2025-09 … 2026-10 (e = 2026-11-01): cohort i has
    14 - i cells with a value, the rest null (their period ends after e)."""
    rows = []
    for i in range(14):
        year, month = divmod(2025 * 12 + 8 + i, 12)
        known = 14 - i
        cells = tuple(
            round(0.97 - 0.045 * k - 0.004 * i, 4) if k < known else None for k in range(14)
        )
        rows.append(CohortRow(f"{year}-{month + 1:02d}", 40 + 3 * i, cells))
    return CohortSection("month", tuple(rows))


def analyses_report() -> Report:
    report = run_report(load_config(GOLDEN, GOLDEN.parent), date(2026, 11, 20))
    return dataclasses.replace(
        report,
        breakdowns=(_owner_breakdown(), _segment_breakdown(report)),
        sections=(
            Section("pipeline", PIPELINE),
            Section("funnel", FUNNEL, notes=("leads converted in the period count once",)),
            Section("cohorts", _cohorts()),
        ),
    )


@pytest.fixture(scope="module")
def report() -> Report:
    return analyses_report()


LEADS_MISSING = "leads table missing (no leads.csv/.xlsx/.parquet in data)"


def without_funnel(report: Report) -> Report:
    sections = tuple(
        Section("funnel", None, LEADS_MISSING) if s.name == "funnel" else s for s in report.sections
    )
    return dataclasses.replace(report, sections=sections)


# --- breakdowns: folding, (none), totals -------------------------------------------


def test_top_ten_then_other_with_the_additive_sums(report: Report) -> None:
    view = breakdown_view(report.breakdowns[0], report)
    t = view.table
    assert [r.label for r in t.rows] == [
        "Dana", "Eli", "Farah", "Gus", "Hana", "(none)", "Ivo", "Jun", "Kemal", HOSTILE,
    ]  # fmt: skip
    assert [c.title for c in t.columns] == ["Revenue", "Win rate", "New customers"]
    assert (view.hidden_count, view.group_count) == (3, 13)
    assert t.other is not None
    # Mo, Pia, Nils: revenue 24,000 + 18,000 + 10,000; new customers 2 + 2 + 1.
    assert [c.display for c in t.other.cells] == ["USD 52,000.00", "—", "5"]
    win = t.other.cells[1]
    assert (win.reason, win.note) == (NOT_ADDITIVE, 1)
    assert t.notes == (NOT_ADDITIVE,)  # Nils' own reason is folded away with him
    assert t.total is not None
    assert [c.display for c in t.total.cells] == ["USD 1,156,250.75", "61.23%", "55"]
    assert t.caption == "Top 10 of 13 groups by Revenue; the other 3 are folded into (other)."


def test_top_is_a_parameter_and_one_group_is_never_folded(report: Report) -> None:
    b = report.breakdowns[0]
    assert breakdown_view(b, report, top=12).table.other is None  # 13 groups: all shown
    assert len(breakdown_view(b, report, top=12).table.rows) == 13
    assert len(breakdown_view(b, report, top=0).table.rows) == 13
    eleven = breakdown_view(b, report, top=11).table
    assert [r.label for r in eleven.rows][-1] == "Mo"
    assert eleven.other is not None
    # Pia and Nils: Nils has no win rate, but win rate is not additive anyway.
    assert [c.display for c in eleven.other.cells] == ["USD 28,000.00", "—", "3"]
    # The unavailable cell shows with its reason once Nils is shown.
    nils = breakdown_view(b, report, top=0).table.rows[-1]
    assert (nils.label, nils.cells[1].display, nils.cells[1].reason) == ("Nils", "—", NO_DEALS)


def test_an_additive_sum_with_a_missing_part_is_not_shown(report: Report) -> None:
    b = report.breakdowns[0]
    groups = list(b.groups)
    groups[-1] = BreakdownGroup("Nils", {**groups[-1].values, "revenue": Measured(None, "x")})
    other = breakdown_view(dataclasses.replace(b, groups=tuple(groups)), report).table.other
    assert other is not None
    assert other.cells[0].display == "—"
    assert other.cells[0].reason == "1 of the folded groups have no value"


def test_segment_total_is_the_kpi_value_and_nothing_is_folded(report: Report) -> None:
    t = breakdown_view(report.breakdowns[1], report).table
    assert t.other is None
    assert t.caption == ""
    assert [r.label for r in t.rows] == ["Enterprise", "SMB", "Mid-market"]
    assert t.total is not None
    shown = {c.title: cell.display for c, cell in zip(t.columns, t.total.cells, strict=True)}
    assert shown["Revenue"] == "USD 1,160,932.60"  # the report's revenue for 2026-10
    assert shown["Weighted pipeline"] == "—"
    assert t.notes == ("no stage_probability map in the config",)


# --- sections --------------------------------------------------------------------


def test_pipeline_table_formats_and_flags_the_bottleneck(report: Report) -> None:
    s = section_view(report.sections[0], report.currency)
    assert s.table is not None
    # No stage_probability map: no weighted column, and the reason is said.
    assert [c.title for c in s.table.columns] == [
        "Deals", "Value", "Left", "Mean time", "Median time", "Moved on",
    ]  # fmt: skip
    assert s.table.remarks == ("Weighted value: no stage_probability map in the config",)
    neg = s.table.rows[3]
    assert (neg.label, neg.flag) == ("Negotiation", "bottleneck")
    assert [c.display for c in neg.cells] == [
        "12", "USD 340,227.77", "9", "21.4 days", "19.0 days", "56.00%",
    ]  # fmt: skip
    assert [r.flag for r in s.table.rows].count("bottleneck") == 1
    legal = s.table.rows[4]
    assert [c.display for c in legal.cells][-3:] == ["—", "—", "—"]
    assert s.table.notes == ("no visit of this stage ended in the period",)
    assert [c.id for c in s.charts] == ["section-pipeline-value", "section-pipeline-days"]


def test_funnel_rates_are_percents(report: Report) -> None:
    s = section_view(report.sections[1], report.currency)
    assert s.table is not None
    rows = [(r.label, *(c.display for c in r.cells)) for r in s.table.rows]
    assert rows == [
        ("Leads created", "250", "", "100.00%"),
        ("Converted", "70", "28.00%", "28.00%"),
        ("Converted and won a deal (any time)", "41", "58.57%", "16.40%"),
    ]
    assert s.notes == ("leads converted in the period count once",)


def test_cohorts_show_the_last_twelve_with_blank_null_cells(report: Report) -> None:
    s = section_view(report.sections[2], report.currency)
    assert s.table is not None
    assert [h.label for h in s.heat_rows] == [f"2025-{m}" for m in (11, 12)] + [
        f"2026-{m:02d}" for m in range(1, 11)
    ]
    assert s.heat_columns == tuple(str(k) for k in range(12))
    last = s.heat_rows[-1]  # 2026-10: only k = 0 is over
    assert (last.size, last.cells[0].display) == ("79", "92%")
    assert all(c.display == "" and c.value is None for c in last.cells[1:])
    assert "The last 12 of 14 cohorts" in s.table.caption


def test_an_unavailable_section_has_its_reason(report: Report) -> None:
    s = section_view(Section("funnel", None, LEADS_MISSING), report.currency)
    assert (s.table, s.reason, s.title) == (None, LEADS_MISSING, "Funnel")


# --- JSON --------------------------------------------------------------------------


def test_json_has_every_group_unfolded_with_reasons(report: Report) -> None:
    owner = report_dict(report)["breakdowns"]["owner"]
    assert [g["key"] for g in owner["groups"]] == [o[0] for o in OWNERS]
    dana, none, nils = owner["groups"][0], owner["groups"][5], owner["groups"][-1]
    assert dana == {
        "key": "Dana",
        "kpis": {"revenue": 182_000.5, "win_rate": 0.71, "new_customers": 9},
        "reasons": {},
    }
    assert none["key"] is None
    assert nils["kpis"]["win_rate"] is None
    assert nils["reasons"] == {"win_rate": NO_DEALS}
    assert isinstance(nils["kpis"]["new_customers"], int)
    assert owner["total"] == {"revenue": 1_156_250.75, "win_rate": 0.6123, "new_customers": 55}
    assert owner["total_reasons"] == {}
    seg = report_dict(report)["breakdowns"]["segment"]
    assert seg["total_reasons"] == {
        "weighted_pipeline_value": "no stage_probability map in the config"
    }


def test_json_sections(report: Report) -> None:
    out = json.loads(json.dumps(report_dict(without_funnel(report))))["sections"]
    pipe = out["pipeline"]
    assert pipe["stages"][3] == {
        "stage": "Negotiation", "deals": 12, "value": 340_227.77, "weighted_value": None,
        "left": 9, "mean_days": 21.4, "median_days": 19.0, "moved_on": 0.56, "bottleneck": True,
    }  # fmt: skip
    assert pipe["weighted_reason"] == "no stage_probability map in the config"
    assert (pipe["stage_time_reason"], pipe["reason"], pipe["notes"]) == (None, None, [])
    assert out["funnel"] == {"steps": None, "reason": LEADS_MISSING, "notes": []}
    cohorts = out["cohorts"]
    assert cohorts["grain"] == "month"
    assert len(cohorts["rows"]) == 14  # all of them; tables show the last 12
    assert cohorts["rows"][-1]["cells"][:2] == [0.918, None]
    steps = report_dict(report)["sections"]["funnel"]["steps"]
    assert steps[0] == {"step": "leads", "count": 250, "step_rate": None, "overall_rate": 1.0}


# --- terminal ----------------------------------------------------------------------


def _block(text: str, title: str, end: str) -> list[str]:
    lines = text.splitlines()
    start = lines.index(title)
    return lines[start : lines.index(end, start)]


@pytest.mark.parametrize("width", [80, 200])
def test_terminal_tables_fit_and_never_wrap(report: Report, width: int) -> None:
    text = render_terminal(report, width=width)
    assert all(len(line) <= width for line in text.splitlines())
    owner = _block(text, "By owner", "By segment")
    for label in ["Dana", "(none)", HOSTILE, "(other)", "Total"]:
        assert len([line for line in owner if line.lstrip().startswith(label)]) == 1, label
    other = next(line for line in owner if line.lstrip().startswith("(other)"))
    assert other.split() == ["(other)", "USD", "52,000.00", "—", "[1]", "5"]
    assert any("[1] not additive" in line for line in owner)
    seg = _block(text, "By segment", "Pipeline")
    rows = [line for line in seg if line.lstrip().startswith(("Enterprise", "SMB", "Mid-", "Tot"))]
    assert len(rows) == 4
    # 17 KPIs fit neither width: columns go from the right, and the reader is told.
    header = re.split(r"\s{2,}", next(line for line in seg if "Segment" in line).strip())
    assert header[:3] == ["Segment", "Revenue", "New customers"]
    assert len(header) == (5 if width == 80 else 10)
    assert f"too narrow for {17 - len(header) + 1} columns" in " ".join(" ".join(seg).split())
    assert not any("too narrow" in line for line in owner)
    pipeline = _block(text, "Pipeline", "Funnel")
    assert any(line.lstrip().startswith("Negotiation ◀ bottleneck") for line in pipeline)
    cohorts = _block(text, "Cohorts", "customers: customers.csv, 1,000 rows, latest 2026-11-20")
    last = next(line for line in cohorts if line.lstrip().startswith("2026-10"))
    assert last.split() == ["2026-10", "79", "92%"]


def test_terminal_unavailable_section_and_top(report: Report) -> None:
    text = render_terminal(without_funnel(report), width=120, top=5)
    assert f"Funnel unavailable: {LEADS_MISSING}" in text
    assert "Top 5 of 13 groups by Revenue; the other 8 are folded into (other)." in text


# --- Markdown ----------------------------------------------------------------------


def test_markdown_tables_escaped_and_folded(report: Report) -> None:
    md = render_markdown(without_funnel(report))
    assert "<script>" not in md
    assert "| &lt;script&gt;x&lt;/script&gt; | USD 60,000.00 | 50.00% | 2 |" in md
    assert "| (none) | USD 95,000.00 | 40.00% | 3 |" in md
    assert "| _(other)_ | USD 52,000.00 | — [1] | 5 |" in md
    assert "| **Total** | **USD 1,156,250.75** | **61.23%** | **55** |" in md
    assert f"- [1] {NOT_ADDITIVE}" in md
    assert "| Negotiation **◀ bottleneck** | 12 | USD 340,227.77 | 9 | 21.4 days |" in md
    assert f"_Unavailable: {LEADS_MISSING}_" in md
    assert "| 2026-10 | 79 | 92% |" + "  |" * 11 + "\n" in md
    assert md.index("### By owner") < md.index("### Pipeline") < md.index("### Cohorts")
    assert md.index("| New customers | 57") < md.index("### By owner")  # after the KPI table


def test_nothing_is_added_without_breakdowns_or_sections(report: Report) -> None:
    plain = dataclasses.replace(report, breakdowns=(), sections=())
    assert 'class="analyses"' not in render_html(plain)
    assert "###" not in render_markdown(plain)
    assert report_dict(plain)["breakdowns"] == {} == report_dict(plain)["sections"]
