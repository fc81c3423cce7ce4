"""Markdown and CSV: golden files (reviewed by a person; `make golden` rewrites
them after a deliberate change) and the escaping rules behind them."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crmkpi.cli import app
from crmkpi.render.csv import COLUMNS, neutralise
from crmkpi.render.templating import md_escape

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
runner = CliRunner()


def _report(*args: str) -> str:
    result = runner.invoke(app, ["report", "--as-of", "2026-11-20", *args])
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize(
    ("config", "golden"),
    [
        ("crmkpi.yaml", "report.md"),
        ("crmkpi.yaml", "report.csv"),
        ("analyses.yaml", "analyses.md"),
        ("analyses.yaml", "analyses.csv"),  # breakdown and section rows
    ],
)
def test_golden_report_is_unchanged(config: str, golden: str) -> None:
    """If this fails after a deliberate change: run `make golden` and review the diff."""
    text = _report("-c", str(GOLDEN / config), "-f", golden.rsplit(".", 1)[1])
    assert text == (GOLDEN / golden).read_text(encoding="utf-8")


def _config(tmp_path: Path, data_dir: Path, body: str) -> str:
    path = tmp_path / "crmkpi.yaml"
    path.write_text(f"data: {data_dir}\n{body}", encoding="utf-8")
    return str(path)


HOSTILE = "<script>alert(1)</script> & co"


def test_markdown_escapes_a_hostile_title_and_label(tmp_path: Path, data_dir: Path) -> None:
    config = _config(
        tmp_path,
        data_dir,
        f'title: "{HOSTILE}"\nkpis:\n  - revenue: {{label: "a | b *bold*"}}\n',
    )
    text = _report("-c", config, "-p", "2026-10", "-f", "md")
    assert "<script>" not in text
    assert "## &lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in text
    # A pipe would split the table cell, asterisks would make bold text.
    assert "| a \\| b \\*bold\\* |" in text


def test_markdown_table_shape_and_notes_for_unavailable_values(
    tmp_path: Path, data_dir: Path
) -> None:
    config = _config(
        tmp_path, data_dir, "kpis:\n  - revenue\n  - churn_rate: {fail: '> 5%'}\n  - nps\n"
    )
    lines = _report("-c", config, "-p", "2026-10", "-f", "md").splitlines()
    header = next(line for line in lines if line.startswith("| KPI |"))
    cells = [c.strip() for c in header.strip("|").split("|")]
    assert cells == [
        "KPI", "Value", "Previous", "Change", "Year ago", "vs year ago", "Target", "Status",
        "Trend 2026-05…2026-10",
    ]  # fmt: skip
    churn = next(line for line in lines if line.startswith("| Churn rate |"))
    # 1/3 churned in October (the worked example of tests/cli) > 5%: fail, with the word.
    assert "| 33.33% |" in churn
    assert "❌ fail" in churn
    # No surveys table: NPS is unavailable in every column, and the note says why, once.
    notes = lines[lines.index("**Unavailable values**") + 1 :]
    assert any(
        n.startswith("- surveys table missing") and n.endswith(": Net Promoter Score")
        for n in notes
    )


def test_csv_columns_and_one_row_per_kpi_and_period(data_dir: Path) -> None:
    text = _report("-d", str(data_dir), "-p", "2026-10", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == COLUMNS
    revenue = [r for r in rows if r["kpi"] == "revenue"]
    # current, previous, year_ago, then six trend months.
    assert [(r["role"], r["period"]) for r in revenue[:4]] == [
        ("current", "2026-10"), ("previous", "2026-09"), ("year_ago", "2025-10"),
        ("trend", "2026-05"),
    ]  # fmt: skip
    assert len(revenue) == 3 + 6
    assert revenue[0]["value"] == "1500.0"  # D1 1,000 + D2 500, as a plain number
    assert (revenue[0]["start"], revenue[0]["end"]) == ("2026-10-01", "2026-10-31")
    churn = next(r for r in rows if r["kpi"] == "churn_rate" and r["role"] == "year_ago")
    assert churn["value"] == ""
    assert churn["reason"]  # unavailable, and the CSV says why


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Revenue", "Revenue"),
        (-0.0037, -0.0037),  # numbers stay numbers
        (-5, -5),
        (None, None),
    ],
)
def test_neutralise(cell: object, expected: object) -> None:
    assert neutralise(cell) == expected  # type: ignore[arg-type]


def test_csv_neutralises_a_formula_label_but_not_negative_numbers(
    tmp_path: Path, data_dir: Path
) -> None:
    config = _config(
        tmp_path,
        data_dir,
        "kpis:\n  - net_customer_growth: {label: \"=cmd|' /C calc'!A0\"}\n",
    )
    text = _report("-c", config, "-p", "2026-10", "-f", "csv")
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["label"] == "'=cmd|' /C calc'!A0"
    assert row["value"] == "-1"  # E = {C1, C4}, S = {C1, C2, C4}: a number, not neutralised


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<b>&</b>", "&lt;b&gt;&amp;&lt;/b&gt;"),
        ("a|b", "a\\|b"),
        ("*x* _y_ `z` [l](u) ~s~ #h", "\\*x\\* \\_y\\_ \\`z\\` \\[l\\](u) \\~s\\~ \\#h"),
        ("two\nlines", "two lines"),
        ("C:\\path", "C:\\\\path"),
    ],
)
def test_md_escape(text: str, expected: str) -> None:
    assert md_escape(text) == expected
