# ruff: noqa: RUF001, RUF002 - Persian text and digits are what these tests check
"""The Persian report (``locale: fa``): numbers, dates and periods are written
in Persian, HTML and Markdown run right to left with mirrored charts, the
terminal speaks Persian (or Latin digits on request), and English output is
untouched. (test_locale_catalogue.py checks that the catalogue is complete.)

The tiny export is worked by hand. Mehr 1405 is 2026-09-23 .. 2026-10-22.
3,000 customers created 2026-01-10 are active when Mehr starts; 64 of them
churn on 2026-10-05 (13 Mehr): churn rate 64 / 3,000 = 2.1333…% → ``۲٫۱۳٪``.
1,234 customers are created on 2026-10-01 (9 Mehr): new customers ``۱٬۲۳۴``.
Shahrivar (the previous month) has neither: 0 and 0.00%. As of 2026-11-20 is
29 Aban 1405, and the latest date in the file is 13 Mehr 1405.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from pathlib import Path

import lxml.html
import pytest
from test_html import external_references

from crmkpi.config import load_config
from crmkpi.engine import Report, run_report
from crmkpi.render.analyses_view import Cell
from crmkpi.render.charts import bars, sparkline
from crmkpi.render.charts_rtl import mirror_bars, mirror_heatmap, mirror_sparkline
from crmkpi.render.dates import period_title
from crmkpi.render.format import display, display_change
from crmkpi.render.heatmap import heatmap
from crmkpi.render.html import render_html
from crmkpi.render.i18n import messages
from crmkpi.render.markdown import render_markdown
from crmkpi.render.section_view import BarItem, HeatRow
from crmkpi.render.terminal import render_terminal

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
AS_OF = date(2026, 11, 20)
LATIN = re.compile(r"[0-9]")
PERSIAN_DIGITS = re.compile(r"[۰-۹]")
LRM = "\u200e"
NBSP = "\u00a0"
FA = messages("fa")

TINY_CONFIG = """\
title: Tiny
data: data
period: 1405-07
calendar: jalali
locale: fa
compare: [previous]
trend: 3
freshness: {warn_after: 30d}  # the export ends 17 days before Mehr does; not tested here
kpis:
  - new_customers
  - churn_rate
"""


def _tiny_export(folder: Path) -> None:
    rows = ["customer_id,created_at,churned_at,segment"]
    rows += [f"O{i},2026-01-10,{'2026-10-05' if i < 64 else ''},SMB" for i in range(3000)]
    rows += [f"N{i},2026-10-01,,Enterprise" for i in range(1234)]
    (folder / "data").mkdir()
    (folder / "data" / "customers.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (folder / "crmkpi.yaml").write_text(TINY_CONFIG, encoding="utf-8")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Report:
    folder = tmp_path_factory.mktemp("tiny")
    _tiny_export(folder)
    return run_report(load_config(folder / "crmkpi.yaml", folder), AS_OF)


@pytest.fixture(scope="module")
def doc(tiny: Report) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(render_html(tiny))


def _text(el: lxml.html.HtmlElement) -> str:
    return " ".join(el.text_content().split())


def _card(doc: lxml.html.HtmlElement, kpi_id: str) -> lxml.html.HtmlElement:
    (card,) = doc.xpath(f'//article[@id="kpi-{kpi_id}"]')
    return card


# --- numbers, dates, periods ------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (1234, "count", "۱٬۲۳۴"),
        (1234.5, "count", "۱٬۲۳۴٫۵۰"),
        (0.0213, "percent", "۲٫۱۳٪"),
        (3.5, "days", "۳٫۵ روز"),
        (10.25, "hours", "۱۰٫۲ ساعت"),  # Python rounds half to even: 10.2
        (27.8, "score", f"{LRM}+۲۷٫۸"),
        (-3, "score", f"{LRM}−۳٫۰"),
        (None, "count", "—"),
    ],
)
def test_values_in_persian(value: float | None, unit: str, expected: str) -> None:
    assert display(value, unit, tr=FA) == expected


def test_currency_keeps_its_code() -> None:
    assert display(12400, "currency", "USD", FA) == "USD ۱۲٬۴۰۰٫۰۰"
    assert display(-5, "currency", "IRR", FA) == f"IRR {LRM}−۵"  # rials: no decimals


def test_changes_in_persian_keep_the_sign_on_the_left() -> None:
    # The LEFT-TO-RIGHT MARK keeps a sign left of its digits in a right-to-left
    # line; the minus is U+2212, not a hyphen; pp in words, never split.
    assert display_change(-0.0021, "percent", tr=FA) == f"{LRM}−۰٫۲۱ واحد{NBSP}درصد"
    assert display_change(21, "count", tr=FA) == f"{LRM}+۲۱"
    assert display_change(2.8, "score", tr=FA) == f"{LRM}+۲٫۸"
    assert display_change(0, "days", tr=FA) == f"{LRM}±۰"  # no change: no unit to read
    assert display_change(-0.0021, "percent") == "-0.21 pp"  # English unchanged


@pytest.mark.parametrize(
    ("label", "calendar", "code", "expected"),
    [
        ("1405-07", "jalali", "fa", "مهر ۱۴۰۵"),
        ("2026-10", "gregorian", "fa", "اکتبر ۲۰۲۶"),
        ("1405-07", "jalali", "en", "Mehr 1405"),
        ("2026-10", "gregorian", "en", "2026-10"),  # English Gregorian labels stay ISO
        ("1405-Q2", "jalali", "en", "1405-Q2"),
        ("1405-Q2", "jalali", "fa", "سه‌ماههٔ دوم ۱۴۰۵"),
        ("FY1405-Q1", "jalali", "fa", "سه‌ماههٔ اول سال مالی ۱۴۰۵"),
        ("1405", "jalali", "fa", "۱۴۰۵"),
        ("FY1405", "jalali", "fa", "سال مالی ۱۴۰۵"),
        ("1405-W05", "jalali", "fa", "هفتهٔ ۵ سال ۱۴۰۵"),
        ("1405-07-15", "jalali", "fa", "۱۴۰۵/۰۷/۱۵"),
        ("1405-07-01..1405-07-10", "jalali", "fa", "۱۴۰۵/۰۷/۰۱ تا ۱۴۰۵/۰۷/۱۰"),
        ("2026-W14", "gregorian", "fa", "هفتهٔ ۱۴ سال ۲۰۲۶"),
    ],
)
def test_period_titles(label: str, calendar: str, code: str, expected: str) -> None:
    assert period_title(label, calendar, messages(code)) == expected


# --- HTML -------------------------------------------------------------------------


def test_html_is_persian_right_to_left(doc: lxml.html.HtmlElement) -> None:
    assert (doc.get("lang"), doc.get("dir")) == ("fa", "rtl")
    new = _card(doc, "new_customers")
    assert _text(new.xpath(".//h2")[0]) == "مشتریان جدید"
    assert _text(new.xpath('.//p[contains(@class, "value")]')[0]) == "۱٬۲۳۴"
    churn = _card(doc, "churn_rate")
    assert _text(churn.xpath(".//h2")[0]) == "نرخ ریزش"
    assert _text(churn.xpath('.//p[contains(@class, "value")]')[0]) == "۲٫۱۳٪"
    # Against Shahrivar: 0.00% before, +2.13 percentage points.
    (delta,) = churn.xpath('.//dd[contains(@class, "delta")]')
    assert f"{LRM}+۲٫۱۳ واحد{NBSP}درصد" in delta.text_content()
    assert _text(churn.xpath('.//dd[@class="was"]')[0]) == "پیش‌تر ۰٫۰۰٪"


def test_no_latin_digit_in_a_value_or_change(doc: lxml.html.HtmlElement) -> None:
    cells = doc.xpath('//article//p[contains(@class, "value")] | //article//dl[@class="changes"]')
    assert len(cells) == 4
    for cell in cells:
        assert not LATIN.search(cell.text_content()), _text(cell)


def test_html_periods_and_dates_are_jalali(doc: lxml.html.HtmlElement) -> None:
    header = _text(doc.xpath("//header")[0])
    assert "دوره مهر ۱۴۰۵ ۱۴۰۵/۰۷/۰۱ تا ۱۴۰۵/۰۷/۳۰" in header
    assert "در مقایسه با دورهٔ قبل شهریور ۱۴۰۵" in header
    assert "تا تاریخ ۱۴۰۵/۰۸/۲۹" in header
    assert "داده تا ۱۴۰۵/۰۷/۱۳" in header
    assert doc.xpath("//title")[0].text_content() == "Tiny · مهر ۱۴۰۵"
    svg = _card(doc, "new_customers").xpath(".//svg")[0]
    labels = [t.text_content() for t in svg.xpath(".//text")]
    assert {"مرداد ۱۴۰۵", "مهر ۱۴۰۵", "۱٬۲۳۴", "۰"} <= set(labels)
    footer = [[_text(c) for c in tr] for tr in doc.xpath("//footer//tbody/tr")]
    assert footer == [["مشتریان", "customers.csv", "generic", "۴٬۲۳۴", "۰", "۱۴۰۵/۰۷/۱۳"]]
    assert not LATIN.search(_text(doc.xpath("//header")[0]).replace("Tiny", ""))


def test_html_fonts_are_local_persian_ones(tiny: Report) -> None:
    html = render_html(tiny)
    css = lxml.html.document_fromstring(html).xpath("//style")[0].text_content()
    assert '"Vazirmatn", "Vazir", "Sahel", "Noto Naskh Arabic"' in css
    assert external_references(html) == []  # no url(), @import, @font-face, link


def test_html_sparkline_runs_from_right_to_left(doc: lxml.html.HtmlElement) -> None:
    # Three months, Mordad → Mehr: the oldest on the right of the 280-wide box.
    svg = _card(doc, "new_customers").xpath(".//svg")[0]
    xs = [float(c.get("cx")) for c in svg.xpath(".//circle")]
    assert len(xs) == 3
    assert xs == sorted(xs, reverse=True)
    assert xs[0] > 200 > 100 > xs[-1]
    assert svg.get("preserveaspectratio") == "xMaxYMin meet"  # lxml lowercases names


def test_english_html_is_left_to_right(tiny: Report) -> None:
    doc = lxml.html.document_fromstring(render_html(dataclasses.replace(tiny, locale="en")))
    assert (doc.get("lang"), doc.get("dir")) == ("en", "ltr")
    # Jalali in English: the month is named, days stay Jalali, digits Latin.
    header = _text(doc.xpath("//header")[0])
    assert "Period Mehr 1405 1405-07-01 – 1405-07-30" in header
    assert "As of 1405-08-29" in header
    xs = [float(c.get("cx")) for c in _card(doc, "new_customers").xpath(".//svg//circle")]
    assert xs == sorted(xs)


# --- chart geometry mirrored, worked by hand ----------------------------------------


@dataclasses.dataclass(frozen=True)
class P:
    period: str
    value: float | None
    display: str = ""


def test_mirrored_sparkline() -> None:
    # Left to right (100 wide, inset 3, labels at size 10): the labels "1".."3"
    # are 6 wide, so a gutter of 6 + 5 = 11 and the points at x = 3, 44.5, 86;
    # y = 3 + (3 - v) / 2 × 34 = 37, 20, 3; labels at 86 + 3 + 5 = 94, grid
    # lines to 94 - 5 = 89. Mirrored: x = 97, 55.5, 14, the same y, labels at
    # 6, grid lines from 11 to 100.
    points = [P("a", 1, "1"), P("b", 2, "2"), P("c", 3, "3")]
    ltr = sparkline(points, 100, 40, label_size=10)
    rtl = mirror_sparkline(sparkline(points, 100, 40, label_size=10))
    assert [p.x for p in ltr.points] == [3, 44.5, 86]
    assert [p.x for p in rtl.points] == [97, 55.5, 14]
    assert [p.y for p in rtl.points] == [p.y for p in ltr.points] == [37, 20, 3]
    assert rtl.d == "M97 37 L55.5 20 L14 3"
    assert rtl.area == "M97 37 L55.5 20 L14 3 L14 40 L97 40 Z"
    assert rtl.high is not None
    assert (rtl.high.x, rtl.high.display) == (14, "3")
    assert (ltr.label_x, rtl.label_x) == (94, 6)
    assert (ltr.grid, rtl.grid) == ((0, 89), (11, 100))
    assert (ltr.rtl, rtl.rtl) == (False, True)


def test_mirrored_bars_grow_from_the_right() -> None:
    # 200 wide, size 10: labels "a"/"bb" take 12 → left = 17; value texts "4"
    # and "2" a gutter of 6 + 5 = 11; the longest bar 200 - 17 - 11 = 172.
    items = [BarItem("a", 4, "4"), BarItem("bb", 2, "2")]
    ltr, rtl = bars(items, 200, size=10), mirror_bars(bars(items, 200, size=10))
    assert (ltr.left, [b.width for b in ltr.bars]) == (17, [172, 86])
    assert rtl.left == 183  # the zero axis, 17 from the right edge
    assert [b.x + b.width for b in rtl.bars] == [183, 183]  # every bar ends at the axis
    assert [b.x for b in rtl.bars] == [11, 97]
    assert [b.text_x for b in rtl.bars] == [6, 92]  # values past each bar's end
    assert rtl.label_x == 188  # category labels right of the axis


def test_mirrored_heatmap_runs_from_right_to_left() -> None:
    rows = [HeatRow("c1", "9", (Cell("50%", 0.5), Cell("25%", 0.25)))]
    ltr, rtl = heatmap(rows, ["0", "1"]), mirror_heatmap(heatmap(rows, ["0", "1"]))
    assert rtl.width == ltr.width
    assert [c.cx for c in rtl.cells] == [ltr.width - c.cx for c in ltr.cells]
    assert rtl.cells[0].cx > rtl.cells[1].cx  # age 0 on the right
    # A cell's box is mirrored whole: its right edge where the left one was.
    assert rtl.cells[0].x + ltr.cell_width - 2 == ltr.width - ltr.cells[0].x
    assert (rtl.start, rtl.rows[0].x) == (ltr.width, ltr.width)


# --- Markdown ----------------------------------------------------------------------


def test_markdown_in_persian(tiny: Report) -> None:
    md = render_markdown(tiny)
    assert md.startswith('<div dir="rtl">\n\n## Tiny\n')
    assert md.endswith("\n</div>\n")
    assert "**دوره** مهر ۱۴۰۵ (۱۴۰۵/۰۷/۰۱ تا ۱۴۰۵/۰۷/۳۰)" in md
    rows = [line for line in md.splitlines() if line.startswith("| مشتریان جدید")]
    assert rows == [f"| مشتریان جدید | ۱٬۲۳۴ | ۰ | ▲ {LRM}+۱٬۲۳۴ | ▁▁█ |"]
    assert f"| نرخ ریزش | ۲٫۱۳٪ | ۰٫۰۰٪ | ▲ {LRM}+۲٫۱۳ واحد{NBSP}درصد | ▁▁█ |" in md
    # Mirrored alignment: the label column at the start (right), numbers at the end.
    assert "\n|--:|:--|:--|:--|--:|\n" in md
    table = md[md.index("| شاخص") : md.index("<details>")]
    assert not LATIN.search(table)


# --- terminal ---------------------------------------------------------------------


def test_terminal_in_persian(tiny: Report) -> None:
    text = render_terminal(tiny, width=100)
    assert "دوره مهر ۱۴۰۵ (۱۴۰۵/۰۷/۰۱ تا ۱۴۰۵/۰۷/۳۰) · تا تاریخ ۱۴۰۵/۰۸/۲۹" in text
    lines = text.splitlines()
    header = next(line for line in lines if "شاخص" in line)
    assert header.split()[:2] == ["شاخص", "مقدار"]
    new = next(line for line in lines if "مشتریان جدید" in line)
    churn = next(line for line in lines if "نرخ ریزش" in line)
    # Numbers right-aligned: both values end in the same column.
    assert new.index("۱٬۲۳۴") + len("۱٬۲۳۴") == churn.index("۲٫۱۳٪") + len("۲٫۱۳٪")
    assert "+۲٫۱۳ واحد" in churn
    assert LRM not in text  # a terminal lays text out as it comes: no invisible marks
    assert "مشتریان: customers.csv، ۴٬۲۳۴ ردیف، آخرین تاریخ ۱۴۰۵/۰۷/۱۳" in text
    assert not LATIN.search(text.replace("customers.csv", ""))


def test_terminal_ascii_digits(tiny: Report) -> None:
    text = render_terminal(tiny, width=100, ascii_digits=True)
    assert not PERSIAN_DIGITS.search(text)
    assert "مشتریان جدید" in text  # labels stay Persian
    assert "1,234" in text
    assert "2.13%" in text
    assert "+2.13 واحد" in text
    assert "1405/07/01 تا 1405/07/30" in text


# --- English unchanged -------------------------------------------------------------


def test_english_locale_is_the_golden_report() -> None:
    """The golden files are English and Gregorian; asking for English
    explicitly changes nothing (tests/render/test_markdown_csv.py checks the
    files themselves)."""
    report = run_report(load_config(GOLDEN / "crmkpi.yaml", GOLDEN), AS_OF)
    assert report.locale == "en"
    english = dataclasses.replace(report, locale="en")
    assert render_markdown(english) == (GOLDEN / "report.md").read_text(encoding="utf-8")
    persian = render_markdown(dataclasses.replace(report, locale="fa"))
    assert persian != render_markdown(english)
    assert "2026-10" not in persian  # Gregorian periods named in Persian: اکتبر ۲۰۲۶
    assert "اکتبر ۲۰۲۶" in persian
