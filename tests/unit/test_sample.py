"""The synthetic sample: deterministic, canonical, and consistent like a real business."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl
import polars.selectors as cs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmkpi.canonical import TABLES
from crmkpi.errors import UsageError
from crmkpi.sample import _vocab as v
from crmkpi.sample import generate_sample, write_sample

AS_OF = date(2026, 11, 20)
N = 2_000
OPEN_STAGES = ("Prospecting", "Qualified", "Proposal", "Negotiation")
Tables = dict[str, pl.DataFrame]


@pytest.fixture(scope="module")
def tables() -> Tables:
    return generate_sample(N, 7, AS_OF)


@pytest.fixture(scope="module")
def folder(tables: Tables, tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("sample") / "nested" / "out"
    write_sample(directory, tables)
    return directory


def _write(tmp_path: Path, name: str, seed: int, customers: int = 300) -> Path:
    directory = tmp_path / name
    write_sample(directory, generate_sample(customers, seed, AS_OF))
    return directory


# --- files -----------------------------------------------------------------


def test_same_arguments_give_byte_identical_files(tmp_path: Path) -> None:
    first, again = _write(tmp_path, "a", seed=3), _write(tmp_path, "b", seed=3)
    for name in TABLES:
        assert (first / f"{name}.csv").read_bytes() == (again / f"{name}.csv").read_bytes(), name


def test_another_seed_gives_other_files(tmp_path: Path) -> None:
    first, other = _write(tmp_path, "a", seed=3), _write(tmp_path, "b", seed=4)
    for name in TABLES:
        assert (first / f"{name}.csv").read_bytes() != (other / f"{name}.csv").read_bytes(), name


def test_writes_every_table_with_canonical_headers_in_order(folder: Path) -> None:
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{t}.csv" for t in TABLES)
    for name, table in TABLES.items():
        header = (folder / f"{name}.csv").read_text(encoding="utf-8").split("\n", 1)[0]
        # Every canonical column is filled except deals.currency (one currency).
        assert header.split(",") == [c for c in table.column_names if c != "currency"], name


def test_write_returns_the_paths_in_canonical_order(tmp_path: Path, tables: Tables) -> None:
    subset = {"deal_stages": tables["deal_stages"], "customers": tables["customers"]}
    paths = write_sample(tmp_path, subset)
    assert paths == [tmp_path / "customers.csv", tmp_path / "deal_stages.csv"]


def test_write_puts_columns_in_canonical_order_and_replaces_files(tmp_path: Path) -> None:
    (tmp_path / "spend.csv").write_text("old", encoding="utf-8")
    frame = pl.DataFrame({"kind": ["sales"], "amount": [1234.5], "date": [date(2026, 1, 1)]})
    with pytest.raises(UsageError, match=r"would overwrite spend\.csv; add --force"):
        write_sample(tmp_path, {"spend": frame})
    assert (tmp_path / "spend.csv").read_text(encoding="utf-8") == "old"
    write_sample(tmp_path, {"spend": frame}, force=True)
    assert (tmp_path / "spend.csv").read_text(encoding="utf-8") == (
        "date,amount,kind\n2026-01-01,1234.50,sales\n"
    )
    assert [p.name for p in tmp_path.iterdir()] == ["spend.csv"]  # no temporary file left


def test_write_rejects_what_is_not_canonical(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not a canonical table: orders"):
        write_sample(tmp_path, {"orders": pl.DataFrame({"x": [1]})})
    with pytest.raises(ValueError, match="spend: not a canonical column: cost"):
        write_sample(tmp_path, {"spend": pl.DataFrame({"cost": [1.0]})})


def test_write_into_a_file_is_a_usage_error(tmp_path: Path, tables: Tables) -> None:
    blocker = tmp_path / "taken"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(UsageError, match="cannot create the folder"):
        write_sample(blocker / "out", {"spend": tables["spend"]})


def test_cells_are_written_in_canonical_formats(folder: Path) -> None:
    day, moment = r"\d{4}-\d{2}-\d{2}", r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}"
    formats = {
        ("customers", "created_at"): day,
        ("customers", "churned_at"): f"({day})?",
        ("customers", "customer_id"): r"C\d{6}",
        ("leads", "lead_id"): r"L\d{7}",
        ("deals", "closed_at"): f"({day})?",
        ("deals", "amount"): r"(\d+\.\d{2})?",
        ("tickets", "created_at"): moment,
        ("tickets", "first_response_at"): f"({moment})?",
        ("tickets", "resolved_at"): f"({moment})?",
        ("tickets", "csat"): "[1-5]?",
        ("surveys", "score"): r"\d|10",
        ("spend", "date"): r"\d{4}-\d{2}-01",
        ("spend", "amount"): r"\d+\.\d{2}",
        ("deal_stages", "entered_at"): day,
    }
    for (name, column), pattern in formats.items():
        cells = pl.read_csv(folder / f"{name}.csv", infer_schema=False)[column].fill_null("")
        bad = [c for c in cells.unique().to_list() if not re.fullmatch(pattern, c)]
        assert bad == [], f"{name}.{column}: {bad[:3]}"


def test_invalid_arguments_are_usage_errors() -> None:
    with pytest.raises(UsageError, match="customers must be at least 1, not 0"):
        generate_sample(0, 1, AS_OF)
    with pytest.raises(UsageError, match="seed must be a whole number from 0 up, not -1"):
        generate_sample(10, -1, AS_OF)


# --- consistency -------------------------------------------------------------


def _check_invariants(t: Tables, as_of: date) -> None:
    """Rules that hold for any seed, size and as_of."""
    _check_nothing_after(t, as_of)
    _check_customers(t["customers"])
    _check_deals(t["deals"], as_of)
    _check_stages(t["deal_stages"], t["deals"], as_of)
    _check_tickets(t["tickets"])


def _check_nothing_after(t: Tables, as_of: date) -> None:
    midnight = datetime.combine(as_of + timedelta(days=1), datetime.min.time())
    for name, frame in t.items():
        for column in frame.select(cs.date()).columns:
            assert frame.filter(pl.col(column) > as_of).height == 0, f"{name}.{column}"
        for column in frame.select(cs.datetime()).columns:
            assert frame.filter(pl.col(column) >= midnight).height == 0, f"{name}.{column}"


def _check_customers(customers: pl.DataFrame) -> None:
    assert customers["customer_id"].is_unique().all()
    bad = customers.filter(pl.col("churned_at") <= pl.col("created_at"))
    assert bad.height == 0, bad.head()


def _check_deals(deals: pl.DataFrame, as_of: date) -> None:
    assert deals["deal_id"].is_unique().all()
    status, closed = pl.col("status"), pl.col("closed_at")
    assert deals.filter(closed < pl.col("created_at")).height == 0
    assert deals.filter((status == "open") & closed.is_not_null()).height == 0
    assert deals.filter((status != "open") & closed.is_null()).height == 0
    assert deals.filter((status == "won") & pl.col("amount").is_null()).height == 0
    stage_ok = (
        pl.when(status == "won")
        .then(pl.col("stage") == "Closed Won")
        .when(status == "lost")
        .then(pl.col("stage") == "Closed Lost")
        .otherwise(pl.col("stage").is_in(OPEN_STAGES))
    )
    assert deals.filter(~stage_ok).height == 0
    assert deals.filter(pl.col("created_at") > as_of).height == 0


def _check_stages(stages: pl.DataFrame, deals: pl.DataFrame, as_of: date) -> None:
    rows = stages.join(
        deals.select("deal_id", "created_at", "closed_at", "status", current="stage"),
        on="deal_id",
        how="left",
        maintain_order="left",
    )
    assert rows["created_at"].null_count() == 0  # every deal_id exists in deals
    assert stages["deal_id"].n_unique() == deals.height  # every deal has a history
    previous = pl.col("entered_at").shift().over("deal_id")
    assert rows.filter(previous > pl.col("entered_at")).height == 0  # non-decreasing
    end = pl.col("closed_at").fill_null(as_of)
    assert rows.filter(~pl.col("entered_at").is_between(pl.col("created_at"), end)).height == 0
    first = rows.group_by("deal_id", maintain_order=True).first()
    assert first.filter(pl.col("entered_at") != pl.col("created_at")).height == 0
    last = rows.group_by("deal_id", maintain_order=True).last()
    assert last.filter(pl.col("stage") != pl.col("current")).height == 0
    closing = last.filter(pl.col("status") != "open")
    assert closing.filter(pl.col("entered_at") != pl.col("closed_at")).height == 0
    closes = rows.filter(pl.col("stage").str.starts_with("Closed")).group_by("deal_id").len()
    assert closes["len"].max() in (1, None)  # only the final row closes a deal


def _check_tickets(tickets: pl.DataFrame) -> None:
    created = pl.col("created_at")
    assert tickets.filter(pl.col("first_response_at") < created).height == 0
    assert tickets.filter(pl.col("resolved_at") < created).height == 0
    assert (
        tickets.filter(pl.col("csat").is_not_null() & pl.col("resolved_at").is_null()).height == 0
    )
    solved = tickets.filter(pl.col("status") == "solved")
    assert solved.height == tickets["resolved_at"].drop_nulls().len()


def test_invariants_hold(tables: Tables) -> None:
    _check_invariants(tables, AS_OF)


@settings(max_examples=25, deadline=None)
@given(
    customers=st.integers(1, 60),
    seed=st.integers(0, 2**32),
    as_of=st.dates(date(1995, 1, 1), date(2045, 12, 31)),
)
def test_invariants_hold_for_any_arguments(customers: int, seed: int, as_of: date) -> None:
    t = generate_sample(customers, seed, as_of)
    assert list(t) == list(TABLES)
    assert t["customers"].height == customers
    _check_invariants(t, as_of)


def test_references_exist(tables: Tables) -> None:
    customer_ids = tables["customers"]["customer_id"]
    for name in ("leads", "deals", "tickets", "surveys"):
        ids = tables[name]["customer_id"].drop_nulls()
        assert ids.is_in(customer_ids.implode()).all(), name
    lead_ids = tables["deals"]["lead_id"].drop_nulls()
    assert lead_ids.is_in(tables["leads"]["lead_id"].implode()).all()


def test_each_customer_comes_from_exactly_one_converted_lead(tables: Tables) -> None:
    leads, customers = tables["leads"], tables["customers"]
    converted = leads.filter(pl.col("status") == "converted")
    assert converted["customer_id"].null_count() == 0
    assert converted["customer_id"].is_unique().all()
    assert converted.height == customers.height
    other = leads.filter(pl.col("status") != "converted")
    assert other["customer_id"].null_count() == other.height
    assert other["converted_at"].null_count() == other.height
    both = customers.join(converted, on="customer_id", suffix="_lead")
    assert both.filter(pl.col("converted_at") != pl.col("created_at")).height == 0
    assert both.filter(pl.col("created_at_lead") >= pl.col("created_at")).height == 0
    assert both.filter(pl.col("source") != pl.col("channel")).height == 0


def test_first_deal_is_won_on_the_acquisition_day(tables: Tables) -> None:
    customers, leads, deals = tables["customers"], tables["leads"], tables["deals"]
    new = deals.filter(pl.col("customer_id").is_not_null() & (pl.col("type") == "new"))
    assert new["customer_id"].is_unique().all()
    assert new.height == customers.height
    lead_of = leads.filter(pl.col("status") == "converted").select("customer_id", lead="lead_id")
    first = new.join(customers, on="customer_id", suffix="_c").join(lead_of, on="customer_id")
    assert (first["status"] == "won").all()
    assert (first["closed_at"] == first["created_at_c"]).all()
    assert (first["lead_id"] == first["lead"]).all()
    assert (first["created_at"] < first["created_at_c"]).sum() > 0.9 * customers.height
    # No other won deal of a customer closes before it: it is the first purchase.
    earlier = deals.join(customers, on="customer_id", suffix="_c").filter(
        (pl.col("type") != "new") & (pl.col("closed_at") <= pl.col("created_at_c"))
    )
    assert earlier.height == 0


def test_later_deals_happen_while_the_customer_is_active(tables: Tables) -> None:
    later = (
        tables["deals"]
        .filter(pl.col("type") != "new")
        .join(tables["customers"], on="customer_id", suffix="_c")
    )
    assert later.height > 0.3 * N
    assert later.filter(pl.col("created_at") < pl.col("created_at_c")).height == 0
    assert later.filter(pl.col("created_at") >= pl.col("churned_at")).height == 0
    assert later.filter(pl.col("closed_at") > pl.col("churned_at")).height == 0
    assert set(later["type"]) == {"upsell", "cross_sell", "renewal"}
    assert set(later["status"]) == {"open", "won", "lost"}


def test_tickets_and_surveys_come_from_active_customers(tables: Tables) -> None:
    customers = tables["customers"]
    tickets = tables["tickets"].join(customers, on="customer_id", suffix="_c")
    day = pl.col("created_at").dt.date()
    assert tickets.filter(day < pl.col("created_at_c")).height == 0
    assert tickets.filter(day >= pl.col("churned_at")).height == 0
    surveys = tables["surveys"].join(customers, on="customer_id")
    assert surveys.filter(pl.col("responded_at") < pl.col("created_at")).height == 0
    assert surveys.filter(pl.col("responded_at") >= pl.col("churned_at")).height == 0


def test_open_deals_are_recent_and_leads_with_them_qualified(tables: Tables) -> None:
    deals = tables["deals"]
    open_deals = deals.filter(pl.col("status") == "open")
    assert open_deals.height > 0
    assert open_deals["created_at"].min() >= AS_OF - timedelta(days=v.MAX_CYCLE_DAYS)
    leads = tables["leads"].join(deals.select("lead_id", deal="status"), on="lead_id")
    prospects = leads.filter(pl.col("status") != "converted")
    assert (prospects.filter(pl.col("deal") == "open")["status"] == "qualified").all()
    assert (prospects.filter(pl.col("deal") == "lost")["status"] == "lost").all()


def test_stage_histories_skip_and_reenter_sometimes(tables: Tables) -> None:
    per_deal = (
        tables["deal_stages"]
        .group_by("deal_id")
        .agg(pl.len().alias("rows"), pl.col("stage").n_unique().alias("stages"))
    )
    reentered = per_deal.filter(pl.col("rows") > pl.col("stages")).height
    assert 0.01 * per_deal.height < reentered < 0.1 * per_deal.height
    won = tables["deals"].filter(pl.col("status") == "won")["deal_id"].implode()
    won_rows = tables["deal_stages"].filter(pl.col("deal_id").is_in(won))
    walked = won_rows.group_by("deal_id").agg(pl.col("stage").n_unique())
    assert (walked["stage"] < 5).sum() > 0  # some won deals skipped a stage


# --- realism -------------------------------------------------------------------


def test_volumes_per_customer(tables: Tables) -> None:
    per_customer = {name: frame.height / N for name, frame in tables.items()}
    assert per_customer["customers"] == 1
    assert per_customer["leads"] == 3
    assert 1.8 <= per_customer["deals"] <= 2.6
    assert 6.0 <= per_customer["deal_stages"] <= 9.5
    assert 3.3 <= per_customer["tickets"] <= 5.0
    assert 0.35 <= per_customer["surveys"] <= 0.7
    assert tables["spend"].height == 36 * len(v.SPEND_CHANNELS)


def test_the_business_grows_with_seasons(tables: Tables) -> None:
    month = pl.col("created_at").dt.month()
    customers = tables["customers"]
    first_year = customers.filter(pl.col("created_at") < date(2024, 12, 1)).height
    last_year = customers.filter(pl.col("created_at") >= date(2025, 12, 1)).height
    assert last_year > 1.8 * first_year
    august = customers.filter(month == 8).height
    october = customers.filter(month == 10).height
    assert august < 0.8 * october


def _monthly_churn(customers: pl.DataFrame, start: date, end: date) -> float:
    active = customers.filter(
        (pl.col("created_at") < start)
        & (pl.col("churned_at").is_null() | (pl.col("churned_at") >= start))
    )
    churned = active.filter(pl.col("churned_at").is_between(start, end, closed="left"))
    return churned.height / active.height / ((end - start).days / 30.44)


def test_churn_is_around_two_percent_a_month_and_higher_for_smb(tables: Tables) -> None:
    customers = tables["customers"]
    assert 0.013 <= _monthly_churn(customers, date(2025, 11, 1), date(2026, 11, 1)) <= 0.03
    rates = {
        s: _monthly_churn(customers.filter(pl.col("segment") == s), date(2025, 5, 1), AS_OF)
        for s in ("SMB", "Enterprise")
    }
    assert rates["SMB"] > rates["Enterprise"]


def test_amounts_follow_the_segment(tables: Tables) -> None:
    new = (
        tables["deals"]
        .filter(pl.col("type") == "new", pl.col("customer_id").is_not_null())
        .join(tables["customers"], on="customer_id")
    )
    bands = {"SMB": (1_000, 5_000), "Mid-Market": (5_000, 30_000), "Enterprise": (30_000, 200_000)}
    for segment, (low, high) in bands.items():
        amounts = new.filter(pl.col("segment") == segment)["amount"]
        assert low <= amounts.min() <= amounts.max() <= high, segment


def test_support_and_nps_look_real(tables: Tables) -> None:
    tickets = tables["tickets"]
    hours = (tickets["first_response_at"] - tickets["created_at"]).dt.total_hours(fractional=True)
    assert 1.5 <= hours.median() <= 8
    assert 0.03 <= (hours > 24).sum() / hours.len() <= 0.2  # a long tail
    assert 0.015 <= hours.null_count() / hours.len() <= 0.06
    rated = tickets.filter(pl.col("resolved_at").is_not_null())["csat"]
    assert 0.3 <= 1 - rated.null_count() / rated.len() <= 0.5
    assert (rated.drop_nulls() >= 4).mean() > 0.65
    score = tables["surveys"]["score"]
    nps = ((score >= 9).mean() - (score <= 6).mean()) * 100
    assert 15 <= nps <= 45


def test_spend_is_monthly_per_paid_channel_and_grows(tables: Tables) -> None:
    spend = tables["spend"]
    assert set(spend["channel"]) == set(v.SPEND_CHANNELS)
    assert set(spend["channel"]) <= set(tables["customers"]["channel"])
    assert set(spend["channel"]) <= set(tables["leads"]["source"])
    kinds = dict(spend.select("channel", "kind").unique().iter_rows())
    assert kinds == {"Paid search": "marketing", "Events": "marketing", "Partner": "marketing",
                     "Outbound": "sales"}  # fmt: skip
    assert spend["date"].min() == date(2023, 12, 1)
    assert spend["date"].max() == date(2026, 11, 1)
    assert (spend["amount"] > 0).all()
    yearly = spend.group_by(pl.col("date").dt.year()).agg(pl.col("amount").sum()).sort("date")
    assert yearly["amount"][-1] / (325 / 365) > 1.5 * yearly["amount"][1]  # 2026 vs 2024


@pytest.mark.parametrize(
    ("vocabulary", "probabilities"),
    [
        (v.SEGMENTS, v.SEGMENT_P),
        (v.REGIONS, v.REGION_P),
        (v.CHANNELS, v.CHANNEL_P),
        (v.CHANNELS, v.PROSPECT_SOURCE_P),
        (v.SALES_REPS, v.SALES_REP_P),
        (v.AGENTS, v.AGENT_P),
        (v.PRODUCTS, v.NEW_PRODUCT_P),
        (v.PRODUCTS, v.CROSS_SELL_PRODUCT_P),
        (v.PRIORITIES, v.PRIORITY_P),
        (v.TICKET_CHANNELS, v.TICKET_CHANNEL_P),
        (OPEN_STAGES, v.LOST_REACH_P),
        *((v.LEAD_STATUSES, p) for p in v.PROSPECT_STATUS_P),
        *((range(1, 6), p) for p in v.CSAT_SCORE_P),
        *((range(11), p) for p in v.NPS_P),
    ],
)
def test_probabilities_match_their_vocabulary(
    vocabulary: tuple[str, ...], probabilities: tuple[float, ...]
) -> None:
    assert len(probabilities) == len(vocabulary)
    assert sum(probabilities) == pytest.approx(1.0)
