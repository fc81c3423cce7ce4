# ruff: noqa: RUF001 - Persian digits are what some of these tests check
"""Reports that never mislead (issue 23, items 5, 6, 8 and 9): changes that
add up and say their relative size, ``±0`` for no change, compact money on
cards, whole amounts for currencies without cents, a summary of what changed
first, breakdowns and sections in the CSV, one name per definition.

Values are worked out by hand from the golden report's numbers (the
committed sample, tests/golden/report.md) or from the small worked example
of tests/conftest.py."""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import date
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from crmkpi.analyses import Measured
from crmkpi.cli import app
from crmkpi.config import load_config
from crmkpi.engine import KpiResult, Report, run_report
from crmkpi.kpis import REGISTRY
from crmkpi.render.csv import COLUMNS, render_csv
from crmkpi.render.format import compact, display, display_change, raw_number
from crmkpi.render.html import render_html
from crmkpi.render.i18n import messages
from crmkpi.render.json import report_dict
from crmkpi.render.markdown import render_markdown
from crmkpi.render.section_view import STEP_TITLES
from crmkpi.render.terminal import render_terminal
from crmkpi.render.view import ChangeView, change_view, report_view, summary_lines

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"
EN, FA = messages("en"), messages("fa")
runner = CliRunner()


@pytest.fixture(scope="module")
def golden() -> Report:
    return run_report(load_config(GOLDEN / "crmkpi.yaml", GOLDEN), date(2026, 11, 20))


def _result(report: Report, kpi: str) -> KpiResult:
    return next(r for r in report.kpis if r.spec.id == kpi)


def _with_values(r: KpiResult, current: float | None, previous: float | None) -> KpiResult:
    return dataclasses.replace(
        r, current=Measured(current), comparisons={"previous": Measured(previous)}
    )


def _previous(report: Report, r: KpiResult) -> ChangeView:
    return change_view(r, "previous", report.comparisons["previous"], report.currency, EN)


# --- item 5: numbers that add up ---------------------------------------------


def test_a_change_that_rounds_to_zero_is_plus_minus_zero_with_no_arrow_or_colour(
    golden: Report,
) -> None:
    # 3.3460% and 3.3452% both show as 3.35%: nothing changed that a reader can see.
    churn = _with_values(_result(golden, "churn_rate"), 0.033460, 0.033452)
    c = _previous(golden, churn)
    assert (c.delta, c.delta_display, c.arrow, c.tone) == (0, "±0", "", "neutral")
    # USD 100.004 and USD 100.001 are both USD 100.00.
    revenue = _with_values(_result(golden, "revenue"), 100.004, 100.001)
    c = _previous(golden, revenue)
    assert (c.delta_display, c.arrow, c.tone, c.relative_display) == ("±0", "", "neutral", "")
    report = dataclasses.replace(golden, kpis=(churn,), comparisons={"previous": golden.period})
    line = next(x for x in render_markdown(report).splitlines() if x.startswith("| Churn rate"))
    assert "| ±0 |" in line
    assert "▲" not in line
    assert "▼" not in line
    row = next(x for x in render_terminal(report).splitlines() if x.startswith(" Churn rate"))
    assert "±0" in row
    assert "▲" not in row


def test_the_change_is_the_difference_of_the_values_shown(golden: Report) -> None:
    # Average deal size: USD 13,820.63 now, USD 21,337.60 before; a reader
    # subtracts 21,337.60 from 13,820.63 and gets -7,516.97 (the raw values
    # gave -7,516.98 beside them).
    c = _previous(golden, _result(golden, "avg_deal_size"))
    assert c.display == "USD 21,337.60"
    assert display(_result(golden, "avg_deal_size").current.value, "currency", "USD") == (
        "USD 13,820.63"
    )
    assert c.delta_display == "-7,516.97"
    # CAC: USD 2,576.63 − USD 2,597.39 = −20.76 (not −20.77).
    assert _previous(golden, _result(golden, "customer_acquisition_cost")).delta_display == (
        "-20.76"
    )


def test_the_relative_change_stands_beside_the_absolute_one(golden: Report) -> None:
    # Revenue: +8,702.00 on USD 1,152,230.60 = +0.755% → +0.8%.
    c = _previous(golden, _result(golden, "revenue"))
    assert (c.delta_display, c.relative_display) == ("+8,702.00", "+0.8%")
    # Churn rate, a percent: +1.24 pp on 2.11% is +58.8% of the value (1.24 / 2.11).
    c = _previous(golden, _result(golden, "churn_rate"))
    assert (c.delta_display, c.relative_display) == ("+1.24 pp", "+58.8%")
    md = render_markdown(golden)
    assert "| ▲ +8,702.00 (+0.8%) |" in md
    assert "| ▲ +1.24 pp (+58.8%) |" in md
    assert "▲ +1.24 pp (+58.8%)" in render_terminal(golden, width=200)
    # No relative change from 0: 5 new customers after none is not "+∞%".
    c = _previous(golden, _with_values(_result(golden, "new_customers"), 5, 0))
    assert (c.delta_display, c.relative, c.relative_display) == ("+5", None, "")
    # JSON: the relative change as a fraction, null from 0.
    revenue = next(k for k in report_dict(golden)["kpis"] if k["id"] == "revenue")
    assert revenue["change_relative"] == pytest.approx(8702.0 / 1152230.6, rel=1e-9)


def test_cards_show_compact_money_with_the_exact_amount_in_the_title(golden: Report) -> None:
    assert compact(1_160_932.60, "currency", "USD") == "USD 1.16 M"
    assert compact(23_400_000_000, "currency", "USD") == "USD 23.4 B"
    assert compact(999_700_000, "currency", "USD") == "USD 1.00 B"  # not "1000 M"
    assert compact(-2_500_000, "currency", "EUR") == "EUR -2.50 M"
    assert compact(950_000, "currency", "USD") == "USD 950,000.00"  # under a million: exact
    assert compact(1_160_932.60, "currency", "IRT", FA) == "IRT ۱٫۱۶ میلیون"
    html = render_html(golden)
    assert '<p class="value" title="USD 1,160,932.60">USD 1.16 M</p>' in html
    assert 'title="USD 1,152,230.60">USD 1.15 M</span>' in html  # "was", last month


def test_currencies_without_cents_show_whole_amounts() -> None:
    assert display(1234.4, "currency", "JPY") == "JPY 1,234"
    assert display(1_234_567.4, "currency", "KRW") == "KRW 1,234,567"
    assert display(12_345_678.9, "currency", "IRT") == "IRT 12,345,679"
    assert display(12_345_678.9, "currency", "IRR", FA) == "IRR ۱۲٬۳۴۵٬۶۷۹"
    assert display(1.2345, "currency", "KWD") == "KWD 1.234"  # fils: three digits
    assert display(1234.5, "currency", "USD") == "USD 1,234.50"
    assert display_change(-1500.4, "currency", "JPY") == "-1,500"
    assert display_change(0.4, "currency", "JPY") == "±0"


def test_no_target_is_an_empty_cell_and_a_dash_means_unavailable(golden: Report) -> None:
    # Win rate has rules (status pass) but no target: its Target cell is empty.
    text = render_terminal(golden, width=200)
    win = next(x for x in text.splitlines() if x.lstrip().startswith("Win rate"))
    assert "pass" in win
    assert "—" not in win
    weighted = next(x for x in text.splitlines() if "Weighted pipeline" in x)
    assert "—" in weighted  # unavailable: the dash, with its note


def test_json_and_csv_numbers_carry_no_float_noise() -> None:
    assert raw_number(3325354.1999999993, "currency") == 3325354.2
    assert raw_number(117116425.01000002, "currency") == 117116425.01


# --- item 6: what changed, first -----------------------------------------------


def test_the_summary_names_failing_and_warning_kpis_then_the_three_largest_movers(
    golden: Report,
) -> None:
    lines = [(x.kind, x.label, x.value, x.detail) for x in summary_lines(golden, EN)]
    assert lines == [
        ("fail", "Revenue", "USD 1,160,932.60", "target USD 1,200,000.00"),
        ("fail", "Customer satisfaction (CSAT)", "73.27%", "target 85.00%"),
        ("warn", "Churn rate", "3.35%", "fail if > 5%, warn if > 3%, target 2.00%"),
        ("warn", "Customer acquisition cost (CAC)", "USD 2,576.63", "warn if > 2000"),
        ("warn", "Average first response time", "10.0 h", "fail if > 24, warn if > 8"),
        # NPS +33.3 from +17.9: +15.4 / 17.9 = +86.0%; churn 1.24 / 2.11 = +58.8%;
        # new customers 21 / 36 = +58.3% (then net customer growth 12 / 22 = +54.5%).
        ("up", "Net Promoter Score", "+33.3", "+15.4 (+86.0%) vs 2026-09"),
        ("up", "Churn rate", "3.35%", "+1.24 pp (+58.8%) vs 2026-09"),
        ("up", "New customers", "57", "+21 (+58.3%) vs 2026-09"),
    ]


def test_every_format_opens_with_the_summary(golden: Report) -> None:
    md = render_markdown(golden)
    assert md.index("**Summary**") < md.index("| KPI |")
    assert "- ❌ **Revenue** USD 1,160,932.60 · fail: target USD 1,200,000.00" in md
    assert "- ▲ **Net Promoter Score** +33.3 · +15.4 (+86.0%) vs 2026-09" in md
    text = render_terminal(golden, width=120)
    assert text.index("✗ Revenue USD 1,160,932.60 · fail: target USD 1,200,000.00") < (
        text.index(" KPI ")
    )
    html = render_html(golden)
    assert html.index('id="summary-title"') < html.index('class="kpis"')
    assert '<a href="#kpi-nps">Net Promoter Score</a>' in html


def test_cards_follow_the_config_order_with_the_headline_kpis_first() -> None:
    for config in (ROOT / "crmkpi" / "default.yaml", ROOT / "configs" / "default.yaml"):
        kpis = yaml.safe_load(config.read_text(encoding="utf-8"))["kpis"]
        assert kpis[:4] == ["revenue", "new_customers", "churn_rate", "win_rate"], config


# --- item 8: complete CSV --------------------------------------------------------


def _csv(report: Report) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(render_csv(report))))


def test_csv_has_breakdown_and_section_rows(tmp_path: Path, data_dir: Path) -> None:
    config = tmp_path / "crmkpi.yaml"
    config.write_text(
        f"data: {data_dir}\ncurrency: USD\nkpis: [revenue, won_deals, win_rate]\n"
        "breakdowns: [segment]\nsections: [pipeline]\ncompare: []\ntrend: 1\n",
        encoding="utf-8",
    )
    report = run_report(load_config(config, tmp_path), date(2026, 11, 20), period_text="2026-10")
    rows = _csv(report)
    assert list(rows[0]) == list(COLUMNS)
    assert list(COLUMNS[-6:]) == ["dimension", "group", "section", "row", "field", "note"]
    groups = {
        (r["kpi"], r["group"]): (r["value"], r["reason"]) for r in rows if r["role"] == "breakdown"
    }
    # October: D1 (1,000.00) and D2 (500) won, both of C1 (SMB); D3 lost (C2, SMB);
    # D4 open (C4, Enterprise).
    assert groups == {
        ("revenue", "SMB"): ("1500.0", ""),
        ("won_deals", "SMB"): ("2", ""),
        ("win_rate", "SMB"): ("0.666666666667", ""),  # 2 of 3 closed
        ("revenue", "Enterprise"): ("0.0", ""),
        ("won_deals", "Enterprise"): ("0", ""),
        ("win_rate", "Enterprise"): ("", "no deals won or lost in period"),
    }
    assert {r["dimension"] for r in rows if r["role"] == "breakdown"} == {"segment"}
    # No stage column: the pipeline is one row that says why, never a blank.
    (pipeline,) = [r for r in rows if r["role"] == "section"]
    assert (pipeline["section"], pipeline["value"], pipeline["reason"]) == (
        "pipeline",
        "",
        "deals has no stage column",
    )


def test_csv_section_rows_one_per_row_and_field() -> None:
    report = run_report(load_config(GOLDEN / "analyses.yaml", GOLDEN), date(2026, 11, 20))
    rows = [r for r in _csv(report) if r["role"] == "section"]
    funnel = {(r["row"], r["field"]): r["value"] for r in rows if r["section"] == "funnel"}
    steps = next(s for s in report.sections if s.name == "funnel").data
    leads, converted, won = steps.steps  # type: ignore[union-attr]
    assert funnel[("leads", "count")] == str(leads.count)
    assert ("leads", "step_rate") not in funnel  # the first step has no step before it
    assert float(funnel[("won", "step_rate")]) == pytest.approx(won.count / converted.count)
    assert float(funnel[("won", "overall_rate")]) == pytest.approx(won.count / leads.count)
    cohort = [r for r in rows if r["section"] == "cohorts" and r["row"] == "2026-10"]
    assert [r["field"] for r in cohort] == ["size", "k0"]  # October's cohort: only k = 0 is over
    assert {r["section"] for r in rows} == {"pipeline", "funnel", "cohorts"}


# --- item 9: one word, one meaning -------------------------------------------------


def test_the_funnels_last_step_is_not_named_like_a_kpi() -> None:
    won = STEP_TITLES["won"]
    assert "any time" in won
    labels = {k.label.casefold() for k in REGISTRY.values()}
    assert all(t.casefold() not in labels for t in STEP_TITLES.values())
    assert won.casefold() not in {"won a deal", "deals won", "leads won"}


def test_the_olist_example_does_not_call_deals_won_leads_won() -> None:
    config = yaml.safe_load((ROOT / "examples/datasets/olist.yaml").read_text(encoding="utf-8"))
    won = next(k["won_deals"] for k in config["kpis"] if isinstance(k, dict) and "won_deals" in k)
    assert "lead" not in won["label"].casefold()
    assert "deals won" in won["label"].casefold()


def test_a_page_names_each_definition_once() -> None:
    report = run_report(load_config(GOLDEN / "analyses.yaml", GOLDEN), date(2026, 11, 20))
    view = report_view(report)
    funnel = next(s for s in view.sections if s.name == "funnel")
    assert funnel.table is not None
    steps = {r.label.casefold() for r in funnel.table.rows}
    kpis = {k.label.casefold() for k in view.kpis}
    assert not steps & kpis
    result = runner.invoke(
        app, ["report", "-c", str(GOLDEN / "analyses.yaml"), "--as-of", "2026-11-20", "-f", "md"]
    )
    assert "Won a deal" not in result.stdout
