"""Vocabulary columns (issue 21, item 1): a value crmkpi does not know is
missing, never a bad row; the report warns once per column with the words,
their counts and the ``values:`` line; the KPIs that read the column are
unavailable naming the words, every other KPI is computed as usual.
Every test writes real files and runs them as a report does."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from crmkpi.cli import app
from crmkpi.config import config_from_text
from crmkpi.engine import Report, run_report
from crmkpi.errors import ConfigError, DataError
from crmkpi.inputs import load_inputs
from crmkpi.kpis import REGISTRY, KpiOptions, Tables
from crmkpi.periods import parse_period
from crmkpi.sample import generate_sample, write_sample

AS_OF = date(2026, 11, 1)


def _write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


def _report(folder: Path, config: str = "", by: tuple[str, ...] = ()) -> Report:
    # These exports end before the period does; freshness is tested elsewhere.
    stale_ok = "freshness: {warn_after: 365d}\n"
    cfg = config_from_text(f"data: {folder}\ncompare: []\n{stale_ok}{config}", folder)
    return run_report(cfg, AS_OF, period_text="2026-10", by=by)


def _current(report: Report) -> dict[str, tuple[float | None, str | None]]:
    return {r.spec.id: (r.current.value, r.current.reason) for r in report.kpis}


def test_unknown_spend_kind_is_missing_and_only_lead_cost_reads_it(tmp_path: Path) -> None:
    # SCHEMA.md's "any other kind is a data error" is superseded: "brand" is
    # no row to reject; CAC counts every row, lead_generation_cost only marketing.
    _write(tmp_path, "customers.csv", "customer_id,created_at\nC1,2026-10-02\nC2,2026-10-20\n")
    _write(
        tmp_path, "leads.csv", "lead_id,created_at\nL1,2026-10-01\nL2,2026-10-05\nL3,2026-10-09\n"
    )
    _write(
        tmp_path,
        "spend.csv",
        "date,amount,kind\n2026-10-01,100,Marketing\n2026-10-01,50,brand\n2026-10-15,30,sales\n"
        "2026-09-15,70,brand\n",
    )
    kpis = "kpis: [customer_acquisition_cost, lead_generation_cost, new_leads]\n"
    report = _report(tmp_path, kpis)
    assert _current(report) == {
        "customer_acquisition_cost": ((100 + 50 + 30) / 2, None),
        "lead_generation_cost": (
            None,
            'spend.kind has a value crmkpi does not know: "brand" (2 rows); '
            "map it in sources.spend.values",
        ),
        "new_leads": (3, None),
    }
    assert report.warnings == (
        'spend: kind has a value crmkpi does not know, read as missing: "brand" (2 rows); '
        "say what it means in the config's sources.spend: "
        'values: {kind: {"brand": <marketing|sales>}}',
    )
    confirmed = _report(tmp_path, kpis + "sources: {spend: {values: {kind: {brand: marketing}}}}\n")
    assert _current(confirmed)["lead_generation_cost"] == ((100 + 50) / 3, None)


def test_csat_labels_are_words_and_a_number_that_is_no_score_is_still_an_error(
    tmp_path: Path,
) -> None:
    # Freshdesk's newer survey labels: the preset knows the classic three only.
    _write(
        tmp_path,
        "tickets.csv",
        "Ticket ID,Created time,Resolved time,Survey results\n"
        "1,2026-10-01 09:00,2026-10-01 12:00,Awesome\n"
        "2,2026-10-02 09:00,2026-10-02 10:00,Extremely happy\n"
        "3,2026-10-03 09:00,2026-10-04 09:00,Not Good\n"
        "4,2026-10-04 09:00,2026-10-04 11:00,Extremely happy\n"
        "5,2026-10-05 09:00,2026-10-05 11:00,Neutral\n",
    )
    kpis = "kpis: [csat, new_tickets, resolution_hours]\n"
    values = _current(_report(tmp_path, kpis + "sources: {tickets: {preset: freshdesk}}\n"))
    assert values["new_tickets"] == (5, None)
    assert values["resolution_hours"] == pytest.approx(((3 + 1 + 24 + 2 + 2) / 5, None))
    assert values["csat"] == (
        None,
        'tickets.csat has values crmkpi does not know: "Extremely happy" (2 rows), '
        '"Neutral" (1 row); map them in sources.tickets.values',
    )
    mapped = "sources: {tickets: {preset: freshdesk, values: {csat: {Extremely happy: 5, Neutral: 3}}}}\n"
    # Rated 5, 5, 1, 5, 3: satisfied (4 or 5) 3 of 5.
    assert _current(_report(tmp_path, kpis + mapped))["csat"] == (3 / 5, None)

    _write(tmp_path, "tickets.csv", "ticket_id,created_at,csat\nT1,2026-10-01 09:00,4.5\n")
    with pytest.raises(DataError) as caught:
        _report(tmp_path, kpis)
    assert [(p.column, p.value, p.issue) for p in caught.value.problems] == [
        ("csat", "4.5", "is not a whole number")
    ]


def test_unknown_lead_status_makes_lead_conversion_unavailable(tmp_path: Path) -> None:
    # An org's own status may mean converted: the rate is not guessed.
    _write(
        tmp_path,
        "leads.csv",
        "lead_id,created_at,status,converted_at\n"
        "L1,2026-10-01,converted,2026-10-09\nL2,2026-10-02,open,\nL3,2026-10-03,Nurturing,\n",
    )
    values = _current(_report(tmp_path, "kpis: [lead_conversion_rate, new_leads]\n"))
    assert values == {
        "lead_conversion_rate": (
            None,
            'leads.status has a value crmkpi does not know: "Nurturing" (1 row); '
            "map it in sources.leads.values",
        ),
        "new_leads": (3, None),
    }


def test_a_value_map_on_a_text_column_renames_and_keeps_the_rest(tmp_path: Path) -> None:
    # A text column (a dimension) has no vocabulary: its map fixes the values
    # it names (a typo, a vendor's label) and every other value stays.
    _write(
        tmp_path,
        "tickets.csv",
        "ticket_id,created_at,channel\n"
        "T1,2026-10-01 09:00,Mail\nT2,2026-10-02 09:00,Web Form\nT3,2026-10-03 09:00,Chat\n",
    )
    config = "kpis: [new_tickets]\nsources: {tickets: {values: {channel: {mail: email}}}}\n"
    report = _report(tmp_path, config, by=("channel",))
    assert report.warnings == ()
    (breakdown,) = report.breakdowns
    assert {g.key: g.values["new_tickets"].value for g in breakdown.groups} == {
        "email": 1,
        "Web Form": 1,
        "Chat": 1,
    }


def test_breakdowns_give_each_group_the_overall_reason(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "deals.csv",
        "deal_id,created_at,status,closed_at,amount,customer_id,type,owner\n"
        "D1,2026-10-01,won,2026-10-05,100,C1,new,Ana\n"
        "D2,2026-10-01,won,2026-10-06,200,C2,Existing Business,Ben\n"
        "D3,2026-10-01,lost,2026-10-07,,C3,new,Ben\n",
    )
    report = _report(tmp_path, "kpis: [upsell_rate, win_rate]\n", by=("owner",))
    (breakdown,) = report.breakdowns
    reasons = {g.key: g.values["upsell_rate"].reason for g in breakdown.groups}
    expected = (
        'deals.type has a value crmkpi does not know: "Existing Business" (1 row); '
        "map it in sources.deals.values"
    )
    assert reasons == {"Ana": expected, "Ben": expected}
    assert {g.key: g.values["win_rate"].value for g in breakdown.groups} == {"Ana": 1.0, "Ben": 0.5}


def test_lenient_drops_no_row_for_a_word_and_counts_only_kept_rows(tmp_path: Path) -> None:
    # D2's word is in a row skipped for its date: no unknown value is left.
    _write(
        tmp_path,
        "deals.csv",
        "deal_id,created_at,status,closed_at,amount,customer_id,type\n"
        "D1,2026-10-01,won,2026-10-05,100,C1,new\n"
        "D2,not a date,won,2026-10-06,200,C2,Partner\n"
        "D3,2026-10-02,won,2026-10-07,300,C3,Partner\n",
    )
    cfg = config_from_text(f"data: {tmp_path}\nlenient: {{max_skipped: 50%}}\n", tmp_path)
    deals = load_inputs(cfg, ("deals",), lenient=True).loaded["deals"]
    assert deals.frame["deal_id"].to_list() == ["D1", "D3"]
    assert [(u.column, u.values) for u in deals.unknown] == [("type", (("Partner", 1),))]


def test_an_unknown_deal_status_is_still_a_data_error(tmp_path: Path) -> None:
    _write(tmp_path, "deals.csv", "deal_id,created_at,status\nD1,2026-10-01,Signed\n")
    with pytest.raises(DataError) as caught:
        _report(tmp_path, "kpis: [won_deals]\n")
    assert [(p.column, p.value) for p in caught.value.problems] == [("status", "Signed")]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ("{deals: {values: {type: {Existing Business: upsel}}}}", '"upsel" is not a value of type'),
        ("{tickets: {values: {csat: {Awesome: 6}}}}", '"6" is not a value of csat'),
    ],
)
def test_a_value_map_target_must_be_a_value_of_its_column(
    tmp_path: Path, values: str, message: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        config_from_text(f"data: {tmp_path}\nsources: {values}\n", tmp_path)
    assert message in str(caught.value)


def test_convert_keeps_the_words_unknown(tmp_path: Path) -> None:
    data, out = tmp_path / "data", tmp_path / "out"
    data.mkdir()
    _write(
        data,
        "deals.csv",
        "deal_id,created_at,status,closed_at,amount,customer_id,type\n"
        "D1,2026-10-01,won,2026-10-05,100,C1,new\nD2,2026-10-02,won,2026-10-07,300,C2,Partner\n",
    )
    result = CliRunner().invoke(app, ["convert", str(data), "--to", "parquet", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    report = _report(out, "kpis: [upsell_rate, revenue]\n")
    assert _current(report) == {
        "upsell_rate": (
            None,
            'deals.type has a value crmkpi does not know: "Partner" (1 row); '
            "map it in sources.deals.values",
        ),
        "revenue": (400, None),
    }
    assert any('"Partner" (1 row)' in w for w in report.warnings)


VOCABULARY = {
    "deals.type": ["new", "upsell", "cross_sell", "renewal"],
    "leads.status": ["open", "qualified", "converted", "lost"],
    "spend.kind": ["marketing", "sales"],
    "tickets.csat": [1, 5],
}


def test_every_kpi_that_reads_a_vocabulary_column_declares_it(tmp_path: Path) -> None:
    # A KPI whose value changes when only the column's words change reads
    # it: it must list it (columns= or reads=), or an unknown word would
    # silently change it.
    write_sample(tmp_path, generate_sample(120, 5, AS_OF))
    cfg = config_from_text(f"data: {tmp_path}\n", tmp_path)
    inputs = load_inputs(cfg, ("customers", "leads", "deals", "tickets", "surveys", "spend"), False)
    frames = inputs.frames()
    period = parse_period("2026-10", AS_OF)
    for read, words in VOCABULARY.items():
        table, column = read.split(".")
        results: dict[str, set[tuple[object, ...]]] = {}
        for word in words:
            dtype = frames[table].collect_schema()[column]
            tables = Tables(
                **{**frames, table: frames[table].with_columns(pl.lit(word, dtype).alias(column))}
            )
            for kpi in REGISTRY.values():
                out = kpi.compute(tables, period, KpiOptions()).collect()
                row = (round(v, 6) if isinstance(v, float) else v for v in out.row(0))
                results.setdefault(kpi.id, set()).add(tuple(row))  # sums in join order
        readers = {k for k, seen in results.items() if len(seen) > 1}
        declared = {k for k, kpi in REGISTRY.items() if read in (*kpi.columns, *kpi.reads)}
        assert readers <= declared, read
        assert readers, read  # the sample exercises the column
