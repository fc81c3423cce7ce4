"""The HTML report: self-contained, escaped, accessible charts; and the
sparkline geometry worked by hand."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import lxml.html
import pytest
from lxml.html import HtmlElement

from crmkpi import __version__
from crmkpi.config import load_config
from crmkpi.engine import Report, run_report
from crmkpi.render.charts import sparkline, text_width
from crmkpi.render.html import render_html
from crmkpi.render.view import ReportView, report_view

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "crmkpi.yaml"
HOSTILE = "<script>alert(1)</script> & co"
SMALL_CONFIG = f"""\
title: "{HOSTILE}"
data: data
period: 2026-10
compare: [previous, year_ago]
trend: 4
lenient: {{max_skipped: 20%}}  # the unreadable deal is 1 of 5
kpis:
  - new_customers: {{target: 1}}
  - churn_rate: {{fail: "> 50%", warn: "> 20%"}}
  - win_rate
  - csat
"""
BAD_DEAL = "D5,not-a-date,won,2026-10-11,10,C1,new\n"


@pytest.fixture(scope="module")
def golden() -> tuple[ReportView, str]:
    report = run_report(load_config(GOLDEN, GOLDEN.parent), date(2026, 11, 20))
    return report_view(report), render_html(report)


def _small(data_dir: Path, as_of: date = date(2026, 11, 20)) -> Report:
    """Four KPIs over the conftest export, one deal row unreadable, no tickets."""
    with (data_dir / "deals.csv").open("a", encoding="utf-8") as f:
        f.write(BAD_DEAL)
    config = data_dir.parent / "crmkpi.yaml"
    config.write_text(SMALL_CONFIG, encoding="utf-8")
    return run_report(load_config(config, data_dir.parent), as_of, lenient=True)


def _doc(html: str) -> HtmlElement:
    return lxml.html.document_fromstring(html)


def _card(doc: HtmlElement, kpi_id: str) -> HtmlElement:
    (card,) = doc.xpath(f'//article[@id="kpi-{kpi_id}"]')
    return card


def _text(el: HtmlElement) -> str:
    return " ".join(el.text_content().split())


# --- self-containment -----------------------------------------------------------

_FETCHING_TAGS = {"script", "link", "iframe", "frame", "object", "embed", "img", "base", "audio"}
_FETCHING_TAGS |= {"video", "source", "track", "image", "use", "feimage", "form", "portal"}
_URL_ATTRS = {"src", "href", "xlink:href", "srcset", "action", "formaction", "poster", "data"}
_URL_ATTRS |= {"background", "ping", "manifest", "codebase", "cite", "longdesc", "lowsrc"}
_CSS_FETCH = re.compile(r"url\s*\(|@import|image-set\s*\(|@font-face|expression\s*\(", re.I)


def _element_references(el: HtmlElement) -> list[str]:
    tag = el.tag.lower().rsplit("}", 1)[-1]
    found = [f"<{tag}>"] if tag in _FETCHING_TAGS else []
    if tag == "meta" and (el.get("http-equiv") or "").lower() == "refresh":
        found.append("meta refresh")
    if tag == "style" and _CSS_FETCH.search(el.text_content()):
        found.append(f"<style> {el.text_content()!r}")
    for name, value in el.attrib.items():
        attr = name.lower().rsplit("}", 1)[-1]
        in_page = attr == "href" and value.startswith("#")  # a link to a part of the page
        if (attr in _URL_ATTRS or name.lower() in _URL_ATTRS) and not in_page:
            found.append(f"{tag} {name}={value!r}")
        if attr.startswith("on"):
            found.append(f"{tag} {name} (event handler)")
        if attr == "style" and _CSS_FETCH.search(value):
            found.append(f"{tag} style={value!r}")
    return found


def external_references(html: str) -> list[str]:
    """Everything in ``html`` that could load something or run a script.

    Stricter than "no http": an element that fetches, any URL-valued
    attribute (a relative path breaks a forwarded file as surely as a URL),
    event handlers, a meta refresh, and url()/@import in any CSS.
    """
    found: list[str] = []
    for el in _doc(html).iter():
        if isinstance(el.tag, str):  # not a comment or processing instruction
            found += _element_references(el)
    # Whatever the parser made of it, the raw text must not even mention these.
    found += [m.group(0) for m in re.finditer(r"(?i)<script|<link|javascript:|@import", html)]
    return found


@pytest.mark.parametrize(
    "snippet",
    [
        '<img src="https://example.com/logo.png">',
        '<link rel="stylesheet" href="//cdn.example.com/a.css">',
        "<style>@import 'theme.css';</style>",
        "<style>body { background: URL ( 'x.png') }</style>",
        "<style>@font-face { font-family: x; src: local(x) }</style>",
        "<script>1</script>",
        '<svg><image xlink:href="http://example.com/x.png"/></svg>',
        '<svg><use href="sprites.svg#a"/></svg>',
        '<p style="background:url(x.png)">x</p>',
        '<a href="https://example.com">x</a>',
        '<p onclick="go()">x</p>',
        '<meta http-equiv="refresh" content="0; url=http://example.com">',
        '<iframe srcdoc="x"></iframe>',
    ],
)
def test_the_self_containment_check_catches(snippet: str) -> None:
    html = f"<!DOCTYPE html><html><head></head><body>{snippet}</body></html>"
    assert external_references(html), snippet


def test_report_is_self_contained(golden: tuple[ReportView, str], data_dir: Path) -> None:
    assert external_references(golden[1]) == []
    assert external_references(render_html(_small(data_dir))) == []
    assert not re.search(r"(?i)https?:|[\"'(]//", golden[1])


# --- escaping -------------------------------------------------------------------


def test_title_is_escaped_text(data_dir: Path) -> None:
    html = render_html(_small(data_dir))
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html
    doc = _doc(html)
    assert doc.xpath("//script") == []
    assert _text(doc.xpath("//h1")[0]) == HOSTILE
    assert doc.xpath("//title")[0].text_content().startswith(HOSTILE)


# --- cards ----------------------------------------------------------------------


def test_cards_in_config_order(golden: tuple[ReportView, str]) -> None:
    view, html = golden
    ids = [a.get("id") for a in _doc(html).xpath('//section[@class="kpis"]/article')]
    assert ids == [f"kpi-{k.id}" for k in view.kpis]
    assert len(ids) > 10


def test_one_titled_sparkline_per_kpi_with_a_trend(golden: tuple[ReportView, str]) -> None:
    view, html = golden
    doc = _doc(html)
    drawn = [k for k in view.kpis if len(k.trend) > 1 and any(p.value is not None for p in k.trend)]
    assert len(doc.xpath("//svg")) == len(drawn) > 10
    for k in drawn:
        (svg,) = _card(doc, k.id).xpath(".//svg")
        assert svg.get("role") == "img"
        (title,) = doc.xpath(f'//*[@id="{svg.get("aria-labelledby")}"]')
        assert title.tag == "title"
        assert title.getparent() is svg
        text = title.text_content()
        assert k.label in text
        assert all(f"{p.period} {p.display}" in text for p in k.trend), text
        labels = [t.text_content() for t in svg.xpath(".//text")]
        assert {k.trend[0].period, k.trend[-1].period} <= set(labels)
        values = [p.value for p in k.trend if p.value is not None]
        shown = {p.display for p in k.trend if p.value in (min(values), max(values))}
        assert shown <= set(labels)
        assert svg.xpath('.//path[@class="line"]/@d')[0].startswith("M")


def test_unavailable_values_show_their_reason(data_dir: Path) -> None:
    doc = _doc(render_html(_small(data_dir)))
    csat = _card(doc, "csat")
    assert csat.xpath('.//p[contains(@class, "value")]')[0].text_content() == "—"
    assert "tickets table missing" in _text(csat)
    assert "No trend" in _text(csat)  # no period has a value: said, not an empty box
    assert csat.xpath(".//svg") == []
    # churn a year ago: no customers yet; said under that comparison.
    churn = _card(doc, "churn_rate")
    assert "no customers at period start" in _text(churn)
    # win rate: only the last month has a value; the lone point is still drawn.
    win = _card(doc, "win_rate")
    assert len(win.xpath('.//svg//circle[contains(@class, "dot")]')) == 1
    assert "no deals won or lost in period" in win.xpath(".//svg/title")[0].text_content()


def test_status_pills_say_the_status_in_words(golden: tuple[ReportView, str]) -> None:
    view, html = golden
    doc = _doc(html)
    statuses = {k.id: k.status for k in view.kpis}
    assert {"pass", "warn", "fail"} <= set(statuses.values())
    for kpi_id, status in statuses.items():
        pills = _card(doc, kpi_id).xpath('.//*[contains(@class, "pill")]')
        if status is None:
            assert pills == []
        else:
            assert [_text(p) for p in pills] == [status]
            assert f"pill-{status}" in pills[0].get("class")


def test_change_arrows_are_toned_by_better(golden: tuple[ReportView, str]) -> None:
    view, html = golden
    doc = _doc(html)
    churn = next(k for k in view.kpis if k.id == "churn_rate")
    rows = _card(doc, "churn_rate").xpath('.//dl[@class="changes"]/div')
    assert [r.get("class") for r in rows] == [f"tone-{c.tone}" for c in churn.changes]
    # churn went up and lower is better: bad, and said in words for screen readers.
    assert (churn.changes[0].arrow, churn.changes[0].tone) == ("up", "bad")
    assert "▲ +1.24 pp +58.8% (worse)" in _text(rows[0])


def test_definition_target_rules_and_pacing(data_dir: Path) -> None:
    doc = _doc(render_html(_small(data_dir, as_of=date(2026, 10, 20))))
    new = _card(doc, "new_customers")
    assert "Customers with created_at in P" in _text(new.xpath(".//details")[0])
    assert "Target 1" in _text(new)
    assert "on track for" in _text(new.xpath('.//p[@class="pacing"]')[0])
    assert "fail if > 50%, warn if > 20%" in _text(_card(doc, "churn_rate"))


# --- header and footer ----------------------------------------------------------


def test_header_periods_and_freshness(data_dir: Path) -> None:
    doc = _doc(render_html(_small(data_dir, as_of=date(2026, 10, 20))))
    header = _text(doc.xpath("//header")[0])
    assert "2026-10 2026-10-01 – 2026-10-20 partial" in header
    assert "Compared with Previous 2026-09 · Year ago 2025-10" in header
    assert "As of 2026-10-20" in header
    fresh = [_text(li) for li in doc.xpath('//ul[@class="fresh"]/li')][1:]
    # The partial period needs 2026-10-19 (the as-of day is not over): deals,
    # last seen on 2026-10-12, are 7 days behind, more than the 1 day allowed.
    assert fresh == ["customers 2026-10-20", "deals 2026-10-12 stale"]


def test_footer_inputs_skipped_rows_and_warnings(data_dir: Path) -> None:
    doc = _doc(render_html(_small(data_dir)))
    footer = doc.xpath("//footer")[0]
    rows = [[_text(c) for c in tr] for tr in footer.xpath(".//tbody/tr")]
    assert rows == [
        ["customers", "customers.csv", "generic", "4", "0", "2026-10-20"],
        ["deals", "deals.csv", "generic", "5", "1 (20%)", "2026-10-12"],
    ]
    assert "created_at is not a date: 1" in _text(footer.xpath(".//details")[0])
    warnings = [_text(li) for li in footer.xpath('.//ul[@class="warnings"]/li')]
    assert any(w.startswith("deals: skipped 1 row of 5, 20%") for w in warnings)
    assert f"Generated by crmkpi {__version__}" in _text(footer)


def test_page_is_responsive_printable_and_dark(golden: tuple[ReportView, str]) -> None:
    html = golden[1]
    doc = _doc(html)
    assert doc.get("lang") == "en"
    assert doc.xpath('//meta[@name="viewport"]/@content') == ["width=device-width, initial-scale=1"]
    css = doc.xpath("//style")[0].text_content()
    assert "grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr))" in css
    assert "@media (prefers-color-scheme: dark)" in css
    print_css = css[css.index("@media print") :]
    assert "break-inside: avoid" in print_css
    assert "--bg: #fff" in print_css  # no background ink wasted


def test_user_template_can_reuse_the_chart_macros(
    golden: tuple[ReportView, str], tmp_path: Path
) -> None:
    template = tmp_path / "mine.html.j2"
    template.write_text(
        '{% import "_charts.html.j2" as charts %}'
        "{% for k in report.kpis[:1] %}<h1>{{ _(k.label) }}</h1>"
        '{{ charts.sparkline_svg("x", k.label, k.trend) }}{% endfor %}',
        encoding="utf-8",
    )
    report = run_report(load_config(GOLDEN, GOLDEN.parent), date(2026, 11, 20))
    doc = _doc(render_html(report, template=template))
    assert _text(doc.xpath("//h1")[0]) == golden[0].kpis[0].label
    assert len(doc.xpath("//svg/title")) == 1


# --- sparkline geometry, worked by hand -------------------------------------------


@dataclass(frozen=True)
class P:
    period: str
    value: float | None
    display: str = ""


def test_sparkline_breaks_at_gaps_and_scales_negative_values() -> None:
    # 100 × 40 box, inset 3: x from 3 to 97 in steps of 94 / 4 = 23.5; values
    # -1..3 map to y 37..3, so y = 3 + (3 - v) / 4 × 34.
    points = [P("a", 1), P("b", None), P("c", 3, "3"), P("d", -1, "-1"), P("e", 3)]
    s = sparkline(points, 100, 40)
    assert [(p.x, p.y) for p in s.points] == [
        (3, 20), (26.5, None), (50, 3), (73.5, 37), (97, 3)
    ]  # fmt: skip
    assert s.d == "M3 20 M50 3 L73.5 37 L97 3"  # "a" stands alone: a gap, not a slope
    assert s.area == "M50 3 L73.5 37 L97 3 L97 40 L50 40 Z"
    assert (s.low and s.low.display, s.high and s.high.display) == ("-1", "3")
    assert s.high is s.points[2]  # the first of two equal maxima
    assert s.zero == 28.5  # 3 + 3 / 4 × 34
    assert (s.first, s.last) == ("a", "e")
    assert not s.empty
    assert len(s.drawn) == 4


def test_sparkline_of_nothing() -> None:
    s = sparkline([P("a", None), P("b", None)], 100, 40)
    assert s.empty
    assert (s.d, s.area, s.drawn) == ("", "", ())
    assert (s.low, s.high, s.zero) == (None, None, None)
    assert [(p.x, p.y) for p in s.points] == [(3, None), (97, None)]
    assert sparkline([], 100, 40).empty


def test_sparkline_of_one_point_sits_in_the_middle() -> None:
    s = sparkline([P("2026-10", 7, "7")], 100, 40)
    assert [(p.x, p.y) for p in s.points] == [(50, 20)]
    assert (s.d, s.area) == ("M50 20", "")
    assert s.low is s.high is s.points[0]
    assert (s.first, s.last) == ("2026-10", "2026-10")


def test_sparkline_of_equal_values_is_flat_halfway_up() -> None:
    s = sparkline([P("a", 5), P("b", 5), P("c", 5)], 100, 40)
    assert s.d == "M3 20 L50 20 L97 20"
    assert s.low is s.high is s.points[0]
    assert s.zero is None


def test_sparkline_keeps_room_for_its_labels() -> None:
    # "USD 10.00" at size 10: 9 × 10 × 0.6 = 54 wide, + 5 of gap = a 59 gutter;
    # the last point is at 100 - 59 - 3 = 38 and labels start at 38 + 3 + 5.
    points = [P("a", 10, "USD 10.00"), P("b", 2, "USD 2.00")]
    s = sparkline(points, 100, 40, label_size=10)
    assert text_width("USD 10.00", 10) == 54
    assert [p.x for p in s.points] == [3, 38]
    assert s.label_x == 46
