"""Money is one currency (issue 24, item 2).

An amount cell that names a currency (``EUR 5000``, ``£5000``, ``5000 JPY``,
``5000 ریال``) is read in that currency: the report's, one with a rate in the
config (``fx:``), or Rial against Toman; anything else is a data error naming
the cell. Unit words and stray letters (``5 mln``, ``10 TSD``, ``abc5``) are
never stripped. Before, every one of these was summed as the report's
currency, exit 0.

Worked values: the sample's revenue in October is ``R``; one won October
deal of amount ``a`` rewritten as ``EUR 5000`` with ``fx: {EUR: 1.08}``
gives ``R - a + 5400``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from _hostile import Scene, kpi_values, write_rows


def _october_won(scene: Scene) -> tuple[int, float]:
    """The row and amount of the first deal won in October 2026."""
    row = scene.find_row(
        "deals.csv", lambda d: d["status"] == "won" and d["closed_at"].startswith("2026-10")
    )
    return row, float(scene.cell("deals.csv", row, "amount"))


def _revenue(scene: Scene) -> float:
    report = json.loads(scene.out.read_text(encoding="utf-8"))
    value: float = kpi_values(report)["revenue"][0]
    return value


def _report_with(scene: Scene, config: str) -> Any:
    return scene.report("-c", str(scene.config(config)))


@pytest.mark.parametrize("cell", ["EUR 5000", "£5000", "5000 JPY", "IRR 5000", "5000 €", "¥5000"])
def test_an_amount_in_another_currency_is_refused(scene: Scene, cell: str) -> None:
    row, _ = _october_won(scene)
    scene.edit("deals.csv", row, "amount", cell)
    outcome = _report_with(scene, "currency: USD\n")
    words = (
        "is in another currency than the report's"
        if "¥" not in cell
        else "has a sign that several currencies use"
    )
    scene.assert_refused(
        outcome, 3, f'deals.csv, row {row}, column amount: "{cell}" {words}', "USD"
    )


@pytest.mark.parametrize("cell", ["5 mln", "1.5 Mio", "10 TSD", "5 pcs", "abc5", "5k", "EUR 5 USD"])
def test_unit_words_and_stray_letters_are_not_amounts(scene: Scene, cell: str) -> None:
    row, _ = _october_won(scene)
    scene.edit("deals.csv", row, "amount", cell)
    outcome = scene.report()
    scene.assert_refused(
        outcome, 3, f'deals.csv, row {row}, column amount: "{cell}" is not an amount'
    )


def test_a_sign_without_a_report_currency_asks_to_set_one(scene: Scene) -> None:
    row, _ = _october_won(scene)
    scene.edit("deals.csv", row, "amount", "$4,200.00")
    outcome = scene.report()
    scene.assert_refused(
        outcome,
        3,
        f'row {row}, column amount: "$4,200.00" names a currency, but the config sets none',
        "currency: EUR",
    )


@pytest.mark.parametrize("cell", ["$4,200.50", "USD 4200.50", "4,200.50 usd", "4200.50"])
def test_the_reports_own_currency_is_read(
    scene: Scene, baseline: dict[str, Any], cell: str
) -> None:
    row, amount = _october_won(scene)
    scene.edit("deals.csv", row, "amount", cell)
    outcome = _report_with(scene, "currency: USD\n")
    assert outcome.code == 0, outcome
    expected = kpi_values(baseline)["revenue"][0] - amount + 4200.50
    assert _revenue(scene) == pytest.approx(expected)


def test_a_fixed_rate_converts(scene: Scene, baseline: dict[str, Any]) -> None:
    row, amount = _october_won(scene)
    scene.edit("deals.csv", row, "amount", "EUR 5000")
    outcome = _report_with(scene, "currency: USD\nfx: {EUR: 1.08}\n")
    assert outcome.code == 0, outcome
    assert _revenue(scene) == pytest.approx(kpi_values(baseline)["revenue"][0] - amount + 5400)


def test_dated_rates_take_the_latest_on_or_before_the_close(
    scene: Scene, baseline: dict[str, Any]
) -> None:
    row, amount = _october_won(scene)
    closed = scene.cell("deals.csv", row, "closed_at")
    scene.edit("deals.csv", row, "amount", "£1000")
    (scene.root / "rates.csv").write_text(
        f"date,currency,rate\n2026-01-01,GBP,1.20\n{closed},GBP,1.25\n2026-12-01,GBP,1.40\n",
        encoding="utf-8",
    )
    outcome = _report_with(scene, "currency: USD\nfx: {table: rates.csv}\n")
    assert outcome.code == 0, outcome
    assert _revenue(scene) == pytest.approx(kpi_values(baseline)["revenue"][0] - amount + 1250)


def test_no_dated_rate_before_the_close_is_refused(scene: Scene) -> None:
    row, _ = _october_won(scene)
    closed = scene.cell("deals.csv", row, "closed_at")
    scene.edit("deals.csv", row, "amount", "£1000")
    (scene.root / "rates.csv").write_text(
        "date,currency,rate\n2026-12-01,GBP,1.40\n", encoding="utf-8"
    )
    outcome = _report_with(scene, "currency: USD\nfx: {table: rates.csv}\n")
    scene.assert_refused(
        outcome, 3, f'row {row}, column amount: "£1000" has no rate on or before its day in '
        f"rates.csv (GBP on {closed})",
    )  # fmt: skip


def test_a_bad_rates_file_names_its_row(scene: Scene) -> None:
    (scene.root / "rates.csv").write_text(
        "date,currency,rate\n2026-01-01,GBP,1.20\n2026-02-01,GBP,-1\n", encoding="utf-8"
    )
    outcome = _report_with(scene, "currency: USD\nfx: {table: rates.csv}\n")
    scene.assert_refused(outcome, 3, 'rates.csv, row 3, column rate: "-1" is not a rate')


@pytest.mark.parametrize(
    ("report", "cells", "factor", "expected"),
    [
        # Toman report: a Rial cell is a tenth, a Toman cell as it is, an unnamed one × factor.
        ("IRT", ("50000 ریال", "5000 تومان", "IRR 50000"), "", (5000, 5000, 5000)),
        ("IRR", ("5000 تومان", "IRT 5000", "50000 ریال"), "", (50000, 50000, 50000)),
        ("IRT", ("50000 ریال", "50000"), "amount_factor: 0.1", (5000, 5000)),
    ],
)
def test_rial_and_toman_convert_and_skip_the_factor(
    scene: Scene,
    baseline: dict[str, Any],
    report: str,
    cells: tuple[str, ...],
    factor: str,
    expected: tuple[float, ...],
) -> None:
    """ریال and تومان (a factor of 10 apart) gave the same value."""
    header, *body = scene.rows("deals.csv")
    won = [
        i + 2
        for i, d in enumerate(dict(zip(header, r, strict=True)) for r in body)
        if d["status"] == "won" and d["closed_at"].startswith("2026-10")
    ][: len(cells)]
    removed = sum(float(scene.cell("deals.csv", row, "amount")) for row in won)
    for row, cell in zip(won, cells, strict=True):
        scene.edit("deals.csv", row, "amount", cell)
    config = f"currency: {report}\n" + (f"sources:\n  deals: {{{factor}}}\n" if factor else "")
    if factor:  # every other amount is read × 0.1 too
        outcome = _report_with(scene, config)
        assert outcome.code == 0, outcome
        rest = (kpi_values(baseline)["revenue"][0] - removed) * 0.1
        assert _revenue(scene) == pytest.approx(rest + sum(expected))
        return
    outcome = _report_with(scene, config)
    assert outcome.code == 0, outcome
    assert _revenue(scene) == pytest.approx(
        kpi_values(baseline)["revenue"][0] - removed + sum(expected)
    )


def _with_currency_column(scene: Scene, row: int, currency: str) -> None:
    rows = scene.rows("deals.csv")
    rows[0].append("currency")
    for number, cells in enumerate(rows[1:], start=2):
        cells.append(currency if number == row else "USD")

    write_rows(scene.data / "deals.csv", rows)


def test_the_rows_currency_column_converts_with_a_rate(
    scene: Scene, baseline: dict[str, Any]
) -> None:
    row, amount = _october_won(scene)
    _with_currency_column(scene, row, "EUR")
    outcome = _report_with(scene, "currency: USD\nfx: {EUR: 1.10}\n")
    assert outcome.code == 0, outcome
    expected = kpi_values(baseline)["revenue"][0] - amount + amount * 1.10
    assert _revenue(scene) == pytest.approx(expected)


def test_a_sign_against_the_rows_currency_is_refused(scene: Scene) -> None:
    row, _ = _october_won(scene)
    _with_currency_column(scene, row, "EUR")
    scene.edit("deals.csv", row, "amount", "£1000")
    outcome = _report_with(scene, "currency: USD\nfx: {EUR: 1.10, GBP: 1.27}\n")
    scene.assert_refused(
        outcome, 3, f'row {row}, column amount: "£1000" names another currency than its '
        "row's (currency EUR)",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("config", "words"),
    [
        ("fx: {EUR: 1.08}\n", "line 1: fx converts amounts into the report's currency"),
        ("currency: USD\nfx: {EURO: 1.08}\n", 'line 2: "EURO" is not a currency code'),
        ("currency: USD\nfx: {EUR: 0}\n", "fx.EUR is 0; expected a number above 0"),
        ("currency: USD\nfx: {USD: 1}\n", "USD needs no rate in a USD report"),
        ("currency: IRT\nfx: {IRR: 0.1}\n", "IRR needs no rate in a IRT report"),
        ("currency: USD\nfx: {table: r.csv, EUR: 1}\n", "not both"),
    ],
)
def test_bad_rates_in_the_config(scene: Scene, config: str, words: str) -> None:
    outcome = _report_with(scene, config)
    scene.assert_refused(outcome, 2, "crmkpi.yaml", words)
