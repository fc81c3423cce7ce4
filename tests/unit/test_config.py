"""The YAML config: defaults, overrides, and errors that point at file and line."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from crmkpi.config import DEFAULT_CONFIG, config_from_text, find_config, load_config
from crmkpi.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]


def _error(text: str) -> str:
    with pytest.raises(ConfigError) as info:
        config_from_text(text, Path("/base"))
    assert info.value.exit_code == 2
    return str(info.value)


def test_defaults_follow_spec() -> None:
    cfg = config_from_text("", Path("/base"))
    assert cfg.kpis == load_config(DEFAULT_CONFIG, Path("/base")).kpis  # no kpis: the default set
    assert len(cfg.kpis) == 26
    assert config_from_text("kpis: []\n", Path("/base")).kpis == ()
    assert cfg.period == "last-month"
    assert cfg.compare == ("previous", "year_ago")
    assert cfg.timezone == "UTC"
    assert cfg.currency is None
    assert cfg.trend == 6
    assert cfg.settings.sla_first_response_hours == 24
    assert cfg.settings.clv_gross_margin == 1.0
    assert cfg.data == Path("/base")


def test_values_are_read() -> None:
    cfg = config_from_text(
        "title: T\ndata: ../exports\ncurrency: EUR\ncompare: previous\nkpis: [churn_rate, {sales_cycle_days: {stat: median}}]\n",
        Path("/base/conf"),
    )
    assert (cfg.title, cfg.currency, cfg.compare) == ("T", "EUR", ("previous",))
    assert cfg.data == Path("/base/exports")
    assert [k.id for k in cfg.kpis] == ["churn_rate", "sales_cycle_days"]
    assert cfg.kpis[1].stat == "median"


def test_unknown_top_level_key_names_line_and_suggests() -> None:
    message = _error("title: x\n\nperiodd: last-month\n")
    assert message == 'crmkpi.yaml, line 3: unknown key "periodd"; did you mean "period"?'


def test_unknown_kpi_names_line_and_suggests() -> None:
    message = _error("kpis:\n  - new_customers\n  - churn_rat\n")
    assert message.startswith(
        'crmkpi.yaml, line 3: unknown KPI "churn_rat"; did you mean "churn_rate"?'
    )


def test_unknown_kpi_option_suggests() -> None:
    message = _error("kpis:\n  - churn_rate: {fial: '> 5%'}\n")
    assert 'unknown key "fial"; did you mean "fail"?' in message
    assert "line 2" in message


def test_median_only_on_mean_based_kpis() -> None:
    message = _error("kpis:\n  - avg_deal_size: {stat: median}\n")
    assert 'stat "median" is not available for avg_deal_size' in message
    assert "sales_cycle_days" in message


def test_duplicate_kpi_is_an_error() -> None:
    assert 'KPI "revenue" is listed twice' in _error("kpis: [revenue, revenue]\n")


def test_wrong_type_is_explained() -> None:
    assert (
        _error("trend: many\n") == "crmkpi.yaml, line 1: trend is 'many'; expected a whole number"
    )


def test_unknown_source_column_suggests() -> None:
    message = _error("sources:\n  deals:\n    columns: {amout: Amount}\n")
    assert 'deals has no column "amout"; did you mean "amount"?' in message


def test_python_tags_are_refused() -> None:
    message = _error("title: !!python/object/apply:os.system ['echo hi']\n")
    assert "crmkpi.yaml, line 1" in message


def test_alias_bomb_is_refused() -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 12):
        prev = chr(ord("a") + i - 1)
        name = chr(ord("a") + i)
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 10)}]")
    message = _error("\n".join(lines) + "\n")
    assert "aliases" in message


def test_invalid_yaml_gives_line() -> None:
    assert _error("kpis: [a, b\ntitle: x\n").startswith("crmkpi.yaml, line")


def test_find_config_prefers_explicit_then_local_then_builtin(tmp_path: Path) -> None:
    assert find_config(None, tmp_path) == DEFAULT_CONFIG
    (tmp_path / "crmkpi.yaml").write_text("title: local\n")
    assert find_config(None, tmp_path) == tmp_path / "crmkpi.yaml"
    with pytest.raises(ConfigError, match="config file not found"):
        find_config(tmp_path / "missing.yaml", tmp_path)


def test_builtin_default_reads_data_from_cwd(tmp_path: Path) -> None:
    cfg = load_config(DEFAULT_CONFIG, tmp_path)
    assert cfg.data == tmp_path
    assert "churn_rate" in [k.id for k in cfg.kpis]


def test_demo_config_is_the_builtin_set_plus_data() -> None:
    builtin = yaml.safe_load(DEFAULT_CONFIG.read_text())
    demo = yaml.safe_load((ROOT / "configs" / "default.yaml").read_text())
    assert demo["kpis"] == builtin["kpis"]
    assert demo["data"] == "../sample_data"
    cfg = load_config(ROOT / "configs" / "default.yaml", tmp_path := ROOT)
    assert cfg.data == (tmp_path / "sample_data").resolve()


def test_thresholds_are_parsed_in_the_kpis_unit() -> None:
    cfg = config_from_text(
        "kpis:\n"
        "  - churn_rate: {fail: '> 5%', warn: '> 0.03', target: '2%'}\n"
        "  - win_rate: {target: {month: '30%', quarter: 0.32}, allow_missing: true}\n"
        "  - revenue: {fail: '< 10000'}\n",
        Path("/base"),
    )
    churn, win, revenue = cfg.kpis
    assert churn.fail is not None
    assert churn.fail.holds(0.0501)
    assert not churn.fail.holds(0.05)
    assert churn.warn is not None
    assert churn.warn.low == pytest.approx(0.03)
    assert churn.target_for("month") == pytest.approx(0.02)
    assert win.target_for("quarter") == pytest.approx(0.32)
    assert win.target_for("week") is None
    assert win.allow_missing is True
    assert revenue.fail is not None
    assert revenue.fail.holds(9999.99)
    assert [k.checked for k in cfg.kpis] == [True, True, True]


def test_bad_condition_points_at_its_line() -> None:
    message = _error("kpis:\n  - new_customers\n  - churn_rate:\n      fail: '>> 5%'\n")
    assert message.startswith("crmkpi.yaml, line 4: '>> 5%' is not a condition like")


def test_percent_sign_on_a_count_is_a_config_error() -> None:
    assert "'%' is only for percent KPIs" in _error("kpis:\n  - new_customers: {fail: '< 5%'}\n")


def test_target_needs_a_better_direction() -> None:
    message = _error("kpis:\n  - open_deals: {target: 40}\n")
    assert message.startswith("crmkpi.yaml, line 2: open_deals has no better direction")
    cfg = config_from_text("kpis:\n  - open_deals: {target: 40, better: higher}\n", Path("/b"))
    assert cfg.kpis[0].target_for("month") == 40


def test_unknown_target_grain_suggests() -> None:
    message = _error("kpis:\n  - win_rate: {target: {montth: '30%'}}\n")
    assert 'unknown key "montth"; did you mean "month"?' in message


def test_allow_missing_must_be_a_flag() -> None:
    message = _error("kpis:\n  - win_rate: {allow_missing: sometimes}\n")
    assert "allow_missing is 'sometimes'; expected true or false" in message


def test_label_override() -> None:
    cfg = config_from_text("kpis:\n  - revenue: {label: Bookings}\n", Path("/b"))
    assert cfg.kpis[0].label == "Bookings"


def test_breakdowns_and_sections_are_checked() -> None:
    cfg = config_from_text("breakdowns: [owner, segment]\nsections: [pipeline]\n", Path("/b"))
    assert (cfg.breakdowns, cfg.sections) == (("owner", "segment"), ("pipeline",))
    message = _error("breakdowns:\n  - owner\n  - segmnt\n")
    assert message.startswith(
        'crmkpi.yaml, line 3: unknown dimension "segmnt"; did you mean "segment"?'
    )
    assert 'unknown section "funel"; did you mean "funnel"?' in _error("sections: [funel]\n")


def test_templates_map_formats_to_files() -> None:
    cfg = config_from_text("templates: {html: t/report.html.j2}\n", Path("/base"))
    assert cfg.templates == {"html": Path("/base/t/report.html.j2")}
    assert 'unknown key "pdf"' in _error("templates: {pdf: x}\n")


def test_source_values_name_canonical_columns() -> None:
    cfg = config_from_text(
        "sources:\n  deals:\n    values: {status: {'Closed Won': won}}\n", Path("/b")
    )
    assert cfg.source("deals").values == {"status": {"Closed Won": "won"}}
    assert 'deals has no column "stauts"; did you mean "status"?' in _error(
        "sources:\n  deals:\n    values: {stauts: {a: b}}\n"
    )


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("preset: hubspt", 'unknown preset "hubspt"; did you mean "hubspot"? (one of generic,'),
        ("encoding: ansi", "unknown encoding 'ansi' (use one of utf-8, utf-16, cp1252"),
        ("calendar: persian", 'calendar "persian" is not one of gregorian, jalali'),
    ],
)
def test_unknown_or_unsupported_source_options_are_refused(option: str, message: str) -> None:
    assert message in _error(f"sources:\n  deals:\n    {option}\n")
    assert "line 3" in _error(f"sources:\n  deals:\n    {option}\n")


def test_supported_values_of_those_options_are_fine() -> None:
    cfg = config_from_text(
        "sources:\n  deals: {preset: generic, encoding: CP-1252, calendar: gregorian}\n", Path("/b")
    )
    assert cfg.source("deals").preset == "generic"
    assert cfg.source("deals").encoding == "CP-1252"  # any name Python's codecs know


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        (
            "kpis:\n  - id: x\n    formula: revenue / won_deal\n",
            'formula of x reads unknown KPI "won_deal"; did you mean "won_deals"?',
        ),
        (
            "kpis:\n  - id: a\n    formula: b * 2\n  - id: b\n    formula: a / 2\n",
            "formulas refer to each other in a circle: a → b → a",
        ),
        (
            "kpis:\n  - id: revenue\n    base: won_deals\n",
            '"revenue" is a built-in KPI; give the custom KPI another id',
        ),
        (
            "kpis:\n  - id: x\n    base: revenue\n    formula: revenue\n",
            "needs base: (a built-in id, with an optional filter:) or formula:, not both",
        ),
        (
            'kpis:\n  - id: x\n    formula: revenue\n    filter: "a = 1"\n',
            "filter goes with base:, not with formula:",
        ),
        (
            "kpis:\n  - id: x\n    formula: revenue\n    unit: dollars\n",
            'unit "dollars" is not one of',
        ),
        ("kpis:\n  - id: x\n    base: revenu\n", 'unknown KPI "revenu"; did you mean "revenue"?'),
        (
            "kpis:\n  - id: x\n    base: revenue\n    unit: count\n",
            "a KPI with base: has the unit of revenue",
        ),
        ("kpis:\n  - id: Bad-Id\n    base: revenue\n", "must be lowercase letters, digits and _"),
        ('kpis:\n  - revenue: {filter: "a = 1"}\n', "filter is for custom KPIs"),
    ],
)
def test_custom_kpi_mistakes(yaml_text: str, message: str) -> None:
    error = _error(yaml_text)
    assert error.startswith("crmkpi.yaml, line ")
    assert message in error


def test_custom_kpis_are_parsed() -> None:
    cfg = config_from_text(
        "kpis:\n"
        "  - id: enterprise_revenue\n    base: revenue\n    filter: \"pipeline = 'Enterprise'\"\n"
        "    target: 1000\n"
        "  - id: per_customer\n    formula: enterprise_revenue / active_customers\n"
        "    unit: currency\n    better: higher\n",
        Path("/b"),
    )
    filtered, formula = cfg.kpis
    assert (filtered.base, filtered.filter_columns, filtered.target_for("month")) == (
        "revenue",
        ("pipeline",),
        1000,
    )
    assert (formula.base, formula.unit, formula.formula_text) == (
        "",
        "currency",
        "enterprise_revenue / active_customers",
    )


def test_time_zones_are_checked() -> None:
    assert config_from_text("timezone: Asia/Tehran\n", Path("/b")).timezone == "Asia/Tehran"
    assert _error("title: x\ntimezone: Europe/Berln\n") == (
        "crmkpi.yaml, line 2: unknown time zone 'Europe/Berln' (use an IANA name like Europe/Berlin)"
    )
    assert "line 3: unknown time zone" in _error("sources:\n  tickets:\n    timezone: Mars/Base\n")
