"""The YAML config (SPEC.md "Config") as a frozen ``Config``.

Forgiving to read (every key optional, defaults from SPEC.md), strict to
validate: an unknown key or KPI id is an error that names the file and line
and suggests the closest valid name. The keys, their defaults and examples
are listed in ``configkeys.py`` (and docs/config.md, generated from it).
"""

from __future__ import annotations

import contextlib
import math
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import polars as pl

from crmkpi.calendars import CALENDARS as CALENDAR_RULES
from crmkpi.calendars import GREGORIAN_YEARS
from crmkpi.canonical import DIMENSIONS, ENCODING_EXAMPLES, TABLES, encoding_name
from crmkpi.configkeys import children
from crmkpi.currencies import CODES, Fx, fixed_rate
from crmkpi.errors import ConfigError, DataError, suggest
from crmkpi.kpis.registry import KpiSettings
from crmkpi.kpispec import KpiSpec, parse_kpis
from crmkpi.leniency import DEFAULT_MAX_SKIPPED, parse_share
from crmkpi.presets import (
    ColumnSource,
    load_preset,
    parse_columns,
    parse_decimal,
    parse_keep,
    parse_values,
    text_list,
)
from crmkpi.yamlfile import KeyPath, YamlDoc, expect, known_keys, parse_yaml, read_yaml, shown


@cache
def locale_codes() -> tuple[str, ...]:
    """``en`` and every language with a message catalogue, ``crmkpi/locales/<code>.yaml``:
    adding a language is adding its file (the renderers read it, see render/i18n.py)."""
    folder = resources.files("crmkpi") / "locales"
    found = sorted(
        p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml")
    )
    return ("en", *found)


DEFAULT_CONFIG = Path(__file__).with_name("default.yaml")
CONFIG_FILENAME = "crmkpi.yaml"

# The keys accepted at each level are those of configkeys.CONFIG_KEYS, which
# docs/config.md is generated from: a new key is a row there.
TOP_LEVEL_KEYS = children("")
SOURCE_OPTIONS = children("sources.<table>")
COMPARISONS = ("previous", "year_ago")


DATE_RANGE = (date(GREGORIAN_YEARS[0], 1, 1), date(GREGORIAN_YEARS[1], 12, 31))
"""The dates an input may hold unless the config's ``dates`` widens the range:
the Gregorian years a user may type. A date outside is a typo (0201 for 2021)
or another calendar's year, and would make cohorts and trends span millennia."""


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """Where a table comes from and how its file is written (``sources.<table>``).

    A relative ``path`` (and ``files``) is relative to the data folder, so one
    config serves ``--data exports/2026-10`` and ``--data exports/2026-11``."""

    table: str
    path: Path | None = None
    sheet: str | None = None
    preset: str | None = None  # None: detected from the headers
    columns: dict[str, ColumnSource] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    date_format: tuple[str, ...] = ()
    decimal: str | None = None
    calendar: str | None = None
    timezone: str | None = None
    encoding: str | None = None  # None: UTF-8 (or UTF-16 with a BOM)
    separator: str | None = None
    amount_factor: float = 1.0
    files: dict[str, Path] = field(default_factory=dict)
    query: str | None = None
    keep: dict[str, tuple[str, ...]] = field(default_factory=dict)
    allow_outside: bool = False  # path and files may lie outside the data and config folders


SPEND_WARN_AFTER = 35
"""Days spend may lie behind before it is stale: it is written once a month."""


@dataclass(frozen=True, slots=True)
class TableFreshness:
    """``freshness.tables.<table>``: limits in days; None takes the general one."""

    warn_after: int | None = None
    error_after: int | None = None


@dataclass(frozen=True, slots=True)
class Freshness:
    """``freshness:``, in days: a table whose latest date lies more than
    ``warn_after`` before the last day a report needs is stale (a warning);
    more than ``error_after``, the KPIs that read it are errors in ``check``."""

    warn_after: int = 1
    error_after: int | None = None
    tables: dict[str, TableFreshness] = field(default_factory=dict)

    def limits(self, table: str) -> tuple[int, int | None]:
        """``(warn_after, error_after)`` of ``table``: its own, else the general
        ones (spend: 35 days unless its own is given)."""
        own = self.tables.get(table, TableFreshness())
        usual = SPEND_WARN_AFTER if table == "spend" else self.warn_after
        warn = own.warn_after if own.warn_after is not None else usual
        error = own.error_after if own.error_after is not None else self.error_after
        return warn, error


@dataclass(frozen=True, slots=True)
class Config:
    title: str = "CRM KPIs"
    data: Path = Path()
    currency: str | None = None
    timezone: str = "UTC"
    calendar: str = "gregorian"
    locale: str = "en"
    fiscal_year_start: int = 1
    period: str = "last-month"
    compare: tuple[str, ...] = COMPARISONS
    trend: int = 6
    settings: KpiSettings = field(default_factory=KpiSettings)
    sources: dict[str, SourceSpec] = field(default_factory=dict)
    kpis: tuple[KpiSpec, ...] = ()
    breakdowns: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    engine: str = "auto"  # --engine only: auto, in-memory or streaming
    templates: dict[str, Path] = field(default_factory=dict)
    source_file: Path | None = None
    fx: Fx = field(default_factory=Fx)  # rates into ``currency``
    lenient: bool = False  # skip bad rows (``lenient:``, --lenient, --max-skipped)
    max_skipped: float = DEFAULT_MAX_SKIPPED  # the share of a table's rows it may skip
    dates: tuple[date, date] = DATE_RANGE  # the dates an input may hold (``dates:``)
    freshness: Freshness = field(default_factory=Freshness)

    def source(self, table: str) -> SourceSpec:
        return self.sources.get(table) or SourceSpec(table)

    def with_overrides(self, **changes: Any) -> Config:
        """Command-line options win over the file; ``None`` means "not given"."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def resolved(path: Path) -> Path:
    """``path`` made absolute with its links followed; a loop of symbolic links
    (``a -> b -> a``) is a DataError naming it, not a crash."""
    try:
        return path.resolve()
    except (RuntimeError, OSError) as exc:  # Python 3.11 says RuntimeError, 3.13 OSError
        raise DataError(
            f"{path}: cannot be followed: it is a loop of symbolic links (or one too long); "
            "point at the real folder or file"
        ) from exc


def find_config(explicit: Path | None, cwd: Path) -> Path:
    """``--config``, else ``crmkpi.yaml`` in the current folder, else the built-in set."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"{explicit}: config file not found")
        return explicit
    local = cwd / CONFIG_FILENAME
    return local if local.is_file() else DEFAULT_CONFIG


def load_config(path: Path, cwd: Path) -> Config:
    """Read and validate a config file. Relative paths are relative to the file;
    the built-in default's data folder is the current folder."""
    doc = read_yaml(path)
    base = cwd if path == DEFAULT_CONFIG else path.resolve().parent
    return config_from_doc(doc, base, source_file=path)


def config_from_text(text: str, base: Path, name: str = CONFIG_FILENAME) -> Config:
    return config_from_doc(parse_yaml(text, name), base)


def config_from_doc(doc: YamlDoc, base: Path, source_file: Path | None = None) -> Config:
    data = doc.data if doc.data is not None else {}
    expect(doc, (), data, dict, "a mapping of settings")
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            raise ConfigError(
                f'{doc.where((key,))}: unknown key "{key}"{suggest(str(key), TOP_LEVEL_KEYS)}'
            )
    return Config(
        title=_text(doc, data, "title", "CRM KPIs"),
        data=resolved(base / _text(doc, data, "data", ".")),
        currency=_optional_text(doc, data, "currency"),
        fx=_fx(doc, data.get("fx"), base, _optional_text(doc, data, "currency")),
        timezone=_zone(doc, ("timezone",), _text(doc, data, "timezone", "UTC")),
        calendar=_choice(doc, data, "calendar", CALENDARS, "gregorian"),
        locale=_choice(doc, data, "locale", locale_codes(), "en"),
        fiscal_year_start=_fiscal_year_start(doc, data),
        period=_text(doc, data, "period", "last-month"),
        compare=_compare(doc, data.get("compare", list(COMPARISONS))),
        trend=_trend(doc, data),
        settings=_settings(doc, data),
        sources=_sources(doc, data.get("sources") or {}),
        breakdowns=_names(doc, "breakdowns", data.get("breakdowns"), DIMENSIONS),
        sections=_names(doc, "sections", data.get("sections"), SECTIONS),
        templates=_templates(doc, data.get("templates"), base),
        kpis=parse_kpis(doc, data["kpis"]) if "kpis" in data else default_kpis(),
        source_file=source_file,
        dates=_dates(doc, data.get("dates")),
        freshness=_freshness(doc, data.get("freshness")),
        **_lenient(doc, data.get("lenient")),
    )


@cache
def default_kpis() -> tuple[KpiSpec, ...]:
    """The built-in KPI set, for a config that names no ``kpis`` (one written
    for its ``sources`` or ``title`` alone still reports what the default would)."""
    doc = read_yaml(DEFAULT_CONFIG, ours=True)
    return parse_kpis(doc, doc.data["kpis"])


LENIENT_OPTIONS = children("lenient")


def _lenient(doc: YamlDoc, value: Any) -> dict[str, Any]:
    """``lenient: true`` (skip bad rows, at most 10% of a table's) or
    ``lenient: {max_skipped: 0.05}`` (either turns it on); ``false`` or
    nothing leaves it off."""
    if value is None:
        return {}
    if isinstance(value, bool):
        return {"lenient": value}
    expect(doc, ("lenient",), value, dict, "true, false or a mapping like {max_skipped: 0.05}")
    known_keys(doc, ("lenient",), value, LENIENT_OPTIONS)
    limit = value.get("max_skipped", DEFAULT_MAX_SKIPPED)
    path = ("lenient", "max_skipped")
    expect(doc, path, limit, (int, float, str), "a share like 5% or 0.05")
    try:
        share = parse_share(limit)
    except ValueError as exc:
        raise ConfigError(f"{doc.where(path)}: max_skipped {shown(limit)}: {exc}") from None
    return {"lenient": True, "max_skipped": share}


DATES_OPTIONS = children("dates")


def _dates(doc: YamlDoc, value: Any) -> tuple[date, date]:
    """``dates: {min: 1800-01-01, max: 2999-12-31}``: the range of input dates
    (either end may be left out). Python's dates run from year 1 to 9999."""
    if value is None:
        return DATE_RANGE
    expect(doc, ("dates",), value, dict, "a mapping like {min: 1800-01-01, max: 2999-12-31}")
    known_keys(doc, ("dates",), value, DATES_OPTIONS)
    ends = []
    for key, default in zip(DATES_OPTIONS, DATE_RANGE, strict=True):
        day = value.get(key, default)
        if isinstance(day, datetime):
            day = day.date()
        if isinstance(day, str):
            with contextlib.suppress(ValueError):
                day = date.fromisoformat(day)
        if not isinstance(day, date):
            raise ConfigError(
                f"{doc.where(('dates', key))}: dates.{key} {shown(day)} is not a date "
                "(expected YYYY-MM-DD, like 1800-01-01)"
            )
        ends.append(day)
    low, high = ends
    if low > high:
        raise ConfigError(f"{doc.where(('dates',))}: dates.min {low} is after dates.max {high}")
    return low, high


def _fx(doc: YamlDoc, value: Any, base: Path, currency: str | None) -> Fx:
    """``fx: {EUR: 1.08}`` (1 EUR = 1.08 of ``currency``, every day) or
    ``fx: {table: rates.csv}`` (dated rates, relative to the config file)."""
    if value is None:
        return Fx()
    expect(doc, ("fx",), value, dict, "a mapping like {EUR: 1.08} or {table: rates.csv}")
    if currency is None:
        raise ConfigError(
            f"{doc.where(('fx',))}: fx converts amounts into the report's currency: set "
            "currency: too (currency: USD)"
        )
    if "table" in value:
        return _fx_table(doc, value, base)
    rates = {str(key).upper(): _fx_rate(doc, key, rate, currency) for key, rate in value.items()}
    return Fx(rates=rates)


def _fx_table(doc: YamlDoc, value: dict[str, Any], base: Path) -> Fx:
    for key in value:
        if str(key).upper() in CODES:
            raise ConfigError(
                f"{doc.where(('fx', key))}: fx is either {{table: rates.csv}} or rates "
                "like {EUR: 1.08}, not both"
            )
    known_keys(doc, ("fx",), value, ("table",))
    expect(doc, ("fx", "table"), value["table"], str, "a file path like rates.csv")
    return Fx(table=(base / Path(value["table"]).expanduser()).resolve())


def _fx_rate(doc: YamlDoc, key: Any, rate: Any, currency: str) -> float:
    """One fixed rate: 1 of ``key`` in ``currency``."""
    code, path = str(key).upper(), ("fx", key)
    if code not in CODES:
        raise ConfigError(
            f'{doc.where(path)}: "{key}" is not a currency code (an ISO code like EUR, '
            "or table: for a file of rates)"
        )
    if fixed_rate(code, currency.upper()) is not None:
        raise ConfigError(
            f"{doc.where(path)}: {code} needs no rate in a {currency} report "
            "(its own currency; a Toman is 10 Rials)"
        )
    return _above_zero(doc, path, rate)


_DAYS = re.compile(r"([0-9]+)d")


def _freshness(doc: YamlDoc, value: Any) -> Freshness:
    """``freshness: {warn_after: 1d, error_after: 7d, tables: {spend: {warn_after: 35d}}}``."""
    if value is None:
        return Freshness()
    path: KeyPath = ("freshness",)
    expect(doc, path, value, dict, "a mapping like {warn_after: 1d, error_after: 7d}")
    known_keys(doc, path, value, children("freshness"))
    tables = value.get("tables") or {}
    expect(doc, (*path, "tables"), tables, dict, "a mapping of table to its limits")
    limits: dict[str, TableFreshness] = {}
    for table, options in tables.items():
        here: KeyPath = (*path, "tables", table)
        if table not in TABLES:
            raise ConfigError(
                f'{doc.where(here)}: unknown table "{table}"{suggest(str(table), TABLES)}'
            )
        expect(doc, here, options, dict, "a mapping like {warn_after: 2d}")
        known_keys(doc, here, options, children("freshness.tables.<table>"))
        limits[str(table)] = TableFreshness(
            _days(doc, (*here, "warn_after"), options.get("warn_after")),
            _days(doc, (*here, "error_after"), options.get("error_after")),
        )
    warn = _days(doc, (*path, "warn_after"), value.get("warn_after"))
    return Freshness(
        warn_after=1 if warn is None else warn,
        error_after=_days(doc, (*path, "error_after"), value.get("error_after")),
        tables=limits,
    )


def _days(doc: YamlDoc, path: KeyPath, value: Any) -> int | None:
    """A duration in days, written ``Nd`` (``1d``, ``35d``); None when not given."""
    if value is None:
        return None
    match = _DAYS.fullmatch(str(value).strip()) if isinstance(value, str) else None
    if match is None:
        raise ConfigError(
            f"{doc.where(path)}: {'.'.join(map(str, path))} is {shown(value)}; expected a "
            "number of days like 1d or 35d"
        )
    return int(match[1])


def _text(doc: YamlDoc, data: dict[str, Any], key: str, default: str) -> str:
    value = data.get(key, default)
    expect(doc, (key,), value, (str, int, float), "text")
    return str(value)


def _optional_text(doc: YamlDoc, data: dict[str, Any], key: str) -> str | None:
    return None if data.get(key) is None else _text(doc, data, key, "")


def _choice(
    doc: YamlDoc, data: dict[str, Any], key: str, choices: tuple[str, ...], default: str
) -> str:
    value = _text(doc, data, key, default)
    if value not in choices:
        raise ConfigError(
            f'{doc.where((key,))}: {key} "{value}" is not one of {", ".join(choices)}{suggest(value, choices)}'
        )
    return value


def _positive_int(doc: YamlDoc, data: dict[str, Any], key: str, default: int) -> int:
    value = data.get(key, default)
    expect(doc, (key,), value, int, "a whole number")
    if value < 1:
        raise ConfigError(f"{doc.where((key,))}: {key} must be at least 1, not {value}")
    return int(value)


MAX_TREND = 60
"""The most periods a trend shows: each is a query of every KPI (100 periods
took 450 MB on a sample of 200 customers), and a sparkline of 60 points
already holds five years of months or a year of weeks."""


def _trend(doc: YamlDoc, data: dict[str, Any]) -> int:
    value = _positive_int(doc, data, "trend", 6)
    if value > MAX_TREND:
        raise ConfigError(
            f"{doc.where(('trend',))}: trend is {value} periods; the most a trend shows is "
            f"{MAX_TREND} (for a longer view, report a longer period: a month or a year)"
        )
    return value


def _fiscal_year_start(doc: YamlDoc, data: dict[str, Any]) -> int:
    value = _positive_int(doc, data, "fiscal_year_start", 1)
    if value > 12:
        raise ConfigError(
            f"{doc.where(('fiscal_year_start',))}: fiscal_year_start is a month, 1 to 12, not {value}"
        )
    return value


def _compare(doc: YamlDoc, value: Any) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    expect(doc, ("compare",), items, list, "a list of previous, year_ago")
    mapped: list[str] = []
    for index, item in enumerate(items):
        if item in ("both",):
            mapped.extend(COMPARISONS)
        elif item == "none":
            continue
        elif item in COMPARISONS:
            mapped.append(item)
        else:
            raise ConfigError(
                f'{doc.where(("compare", index))}: unknown comparison "{item}"{suggest(str(item), COMPARISONS)}'
            )
    return tuple(dict.fromkeys(mapped))


def _number(doc: YamlDoc, path: KeyPath, value: Any) -> float:
    expect(doc, path, value, (int, float), "a number")
    if not math.isfinite(value):  # YAML's .nan and .inf
        raise ConfigError(
            f"{doc.where(path)}: {'.'.join(map(str, path))} is {value}; expected a number"
        )
    return float(value)


def _settings(doc: YamlDoc, data: dict[str, Any]) -> KpiSettings:
    sla = data.get("sla") or {}
    clv = data.get("clv") or {}
    probability = data.get("stage_probability")
    expect(doc, ("sla",), sla, dict, "a mapping like {first_response_hours: 8}")
    expect(doc, ("clv",), clv, dict, "a mapping like {gross_margin: 0.7}")
    known_keys(doc, ("sla",), sla, children("sla"))
    known_keys(doc, ("clv",), clv, children("clv"))
    stages: dict[str, float] | None = None
    if probability is not None:
        expect(doc, ("stage_probability",), probability, dict, "a mapping of stage to probability")
        stages = {
            str(k): _share(doc, ("stage_probability", k), v, "a probability")
            for k, v in probability.items()
        }
    hours = ("sla", "first_response_hours")
    lifespan = ("clv", "max_lifespan_years")
    return KpiSettings(
        sla_first_response_hours=_above_zero(doc, hours, sla.get("first_response_hours", 24)),
        clv_gross_margin=_share(
            doc, ("clv", "gross_margin"), clv.get("gross_margin", 1.0), "a margin"
        ),
        clv_max_lifespan_years=_above_zero(doc, lifespan, clv.get("max_lifespan_years", 10)),
        stage_probability=stages,
    )


def _above_zero(doc: YamlDoc, path: KeyPath, value: Any) -> float:
    """A number above 0 (an SLA of 0 hours is missed by every ticket)."""
    number = _number(doc, path, value)
    if not 0 < number < math.inf:
        raise ConfigError(
            f"{doc.where(path)}: {'.'.join(map(str, path))} is {shown(value)}; "
            "expected a number above 0"
        )
    return number


def _share(doc: YamlDoc, path: KeyPath, value: Any, what: str) -> float:
    """A fraction from 0 to 1 (0.7, not 70: a percent is written as a fraction)."""
    number = _number(doc, path, value)
    if not 0 <= number <= 1:
        hint = f" (write {number / 100:g} for {number:g}%)" if 1 < number <= 100 else ""
        raise ConfigError(
            f"{doc.where(path)}: {'.'.join(map(str, path))} is {shown(value)}; "
            f"expected {what} from 0 to 1{hint}"
        )
    return number


def _sources(doc: YamlDoc, sources: Any) -> dict[str, SourceSpec]:
    expect(doc, ("sources",), sources, dict, "a mapping of table to source options")
    specs: dict[str, SourceSpec] = {}
    for table, options in sources.items():
        if table not in TABLES:
            raise ConfigError(
                f'{doc.where(("sources", table))}: unknown table "{table}"{suggest(str(table), TABLES)}'
            )
        path = ("sources", table)
        expect(doc, path, options, dict, "a mapping of source options")
        known_keys(doc, path, options, SOURCE_OPTIONS)
        specs[table] = _source(doc, table, options)
    return specs


def _source(doc: YamlDoc, table: str, options: dict[str, Any]) -> SourceSpec:
    path = ("sources", table)
    preset = options.get("preset")
    if preset is not None:
        try:
            load_preset(str(preset))
        except ConfigError as exc:
            raise ConfigError(f"{doc.where((*path, 'preset'))}: {exc.message}") from None
    calendar = options.get("calendar")
    if calendar is not None and calendar not in CALENDARS:
        raise ConfigError(
            f'{doc.where((*path, "calendar"))}: calendar "{calendar}" is not one of '
            f"{', '.join(CALENDARS)}"
        )
    raw_path = options.get("path")
    return SourceSpec(
        table=table,
        path=Path(str(raw_path)).expanduser() if raw_path else None,
        sheet=options.get("sheet"),
        preset=None if preset is None else str(preset),
        columns=parse_columns(doc, (*path, "columns"), table, options.get("columns")),
        values=parse_values(doc, (*path, "values"), table, options.get("values")),
        date_format=text_list(doc, (*path, "date_format"), options.get("date_format")),
        decimal=parse_decimal(doc, (*path, "decimal"), options.get("decimal")),
        calendar=None if calendar is None else str(calendar),
        timezone=_zone(doc, (*path, "timezone"), options.get("timezone")),
        encoding=_encoding(doc, (*path, "encoding"), options.get("encoding")),
        separator=options.get("separator"),
        amount_factor=_number(doc, (*path, "amount_factor"), options.get("amount_factor", 1.0)),
        files=_files(doc, (*path, "files"), options.get("files")),
        query=_query(doc, path, options),
        keep=parse_keep(doc, (*path, "keep"), options.get("keep")),
        allow_outside=_allow_outside(doc, (*path, "allow_outside"), options),
    )


def _allow_outside(doc: YamlDoc, path: KeyPath, options: dict[str, Any]) -> bool:
    value = options.get("allow_outside", False)
    expect(doc, path, value, bool, "true or false")
    return bool(value)


def _files(doc: YamlDoc, path: KeyPath, value: Any) -> dict[str, Path]:
    """``files:`` — more files a query reads, by the table name it uses
    (relative to the data folder, like ``path``)."""
    if value is None:
        return {}
    expect(doc, path, value, dict, "a mapping of name to file path, like {leads: leads.csv}")
    files = {}
    for name, file in value.items():
        expect(doc, (*path, name), file, str, "a file path")
        if not str(name).isidentifier() or str(name) == "self":
            raise ConfigError(
                f'{doc.where((*path, name))}: "{name}" cannot name a file in a query '
                "(letters, digits and _; not self)"
            )
        files[str(name)] = Path(file).expanduser()
    return files


def _query(doc: YamlDoc, path: KeyPath, options: dict[str, Any]) -> str | None:
    query = options.get("query")
    if query is None:
        if options.get("files"):
            raise ConfigError(
                f"{doc.where((*path, 'files'))}: files are read by a query: add query"
            )
        return None
    expect(doc, (*path, "query"), query, str, "an SQL SELECT over self and the named files")
    if options.get("path") is None and not options.get("files"):
        raise ConfigError(
            f"{doc.where((*path, 'query'))}: a query needs path (read as self) or files"
        )
    return str(query)


SECTIONS = ("pipeline", "funnel", "cohorts")
TEMPLATE_FORMATS = children("templates")
CALENDARS = tuple(CALENDAR_RULES)  # gregorian, jalali


def _encoding(doc: YamlDoc, path: KeyPath, name: Any) -> str | None:
    """A text encoding Python knows (``cp1252``, ``utf-16``), checked now rather
    than when the file is read."""
    if name is None:
        return None
    if encoding_name(str(name)) is None:
        raise ConfigError(
            f"{doc.where(path)}: unknown encoding {str(name)!r} (use one of {ENCODING_EXAMPLES})"
        )
    return str(name)


def _names(doc: YamlDoc, key: str, value: Any, known: tuple[str, ...]) -> tuple[str, ...]:
    """A list of names from ``known`` (dimensions, sections), each checked."""
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    expect(doc, (key,), items, list, f"a list of {', '.join(known)}")
    for index, item in enumerate(items):
        if item not in known:
            what = "dimension" if key == "breakdowns" else "section"
            raise ConfigError(
                f'{doc.where((key, index))}: unknown {what} "{item}"{suggest(str(item), known)} '
                f"(one of {', '.join(known)})"
            )
    return tuple(dict.fromkeys(items))


def _templates(doc: YamlDoc, value: Any, base: Path) -> dict[str, Path]:
    if value is None:
        return {}
    expect(doc, ("templates",), value, dict, "a mapping like {html: my-report.html.j2}")
    known_keys(doc, ("templates",), value, TEMPLATE_FORMATS)
    paths = {}
    for fmt, path in value.items():
        expect(doc, ("templates", fmt), path, str, "a file path")
        paths[str(fmt)] = resolved(base / path)
    return paths


def _zone(doc: YamlDoc, path: KeyPath, name: Any) -> Any:
    """An IANA time zone name (Europe/Berlin), checked now rather than mid-load."""
    if name is None:
        return None
    try:
        ZoneInfo(str(name))
        pl.Series([0]).cast(pl.Datetime("us", str(name)))  # Python knows zones polars does not
    except (ZoneInfoNotFoundError, ValueError, pl.exceptions.PolarsError):
        raise ConfigError(
            f"{doc.where(path)}: unknown time zone {name!r} (use an IANA name like Europe/Berlin)"
        ) from None
    return str(name)
