"""Every key of the YAML config, as data: its type, default, an example and
what it means.

One table serves two readers. The config loader (``config.py``,
``kpispec.py``, ``presets``) takes the keys it accepts at each level from
here (``children``), so an unknown key is refused by the same list that
``docs/config.md`` is generated from (``render/reference.py``, ``make
docs``); a test loads every example and checks every default against the
loader. A new key is one row here, then ``make docs``.

Stdlib only, like ``canonical.py``: it is read before anything is parsed.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ConfigKey:
    """One key. ``path`` joins keys with ``.``; ``<name>`` stands for a name
    the user chooses from a list (a table, a column, a KPI id) and ``[]`` for
    an item of a list (``kpis[].<kpi>.fail``). ``example`` is a whole config,
    one line of YAML, that the loader accepts. ``default`` is YAML that
    means the same as leaving the key out (a test checks it); ``absent`` says
    in words what leaving it out means when no value can say it."""

    path: str
    type: str
    meaning: str
    example: str
    default: str = ""
    absent: str = ""

    @property
    def parent(self) -> str:
        return self.path.rpartition(".")[0]

    @property
    def name(self) -> str:
        return self.path.rpartition(".")[2]


def is_placeholder(name: str) -> bool:
    """``<table>``: any name from a list the key's meaning gives."""
    return name.startswith("<") and name.endswith(">")


_TABLE_NAMES = "customers, leads, deals, tickets, surveys, spend or deal_stages"

CONFIG_KEYS: tuple[ConfigKey, ...] = (
    # Top level
    ConfigKey(
        "title", "text", "The heading of every report.", "title: Sales — monthly KPIs",
        default='"CRM KPIs"',
    ),
    ConfigKey(
        "data", "folder", "The folder of exports, relative to this config file; `--data` wins "
        "over it. The built-in KPI set reads the current folder.",
        "data: ../exports", default=".",
    ),
    ConfigKey(
        "currency", "text", "The report's currency, shown next to amounts (`USD 1,200.00`). "
        "Every amount must be in it or be converted by `fx`: an amount cell naming another "
        "currency, or a deals row whose `currency` column says another, is an error without "
        "a rate; with no currency set, an amount cell naming one is an error.",
        "currency: USD", absent="amounts without a currency",
    ),
    ConfigKey(
        "fx", "mapping", "Exchange rates into `currency`: an amount cell naming another "
        "currency (`EUR 5000`, `£5000`) is converted by its rate, and without one is an "
        "error. Rial and Toman convert to each other without a rate.",
        "{currency: USD, fx: {EUR: 1.08}}", absent="amounts in another currency are errors",
    ),
    ConfigKey(
        "fx.<currency>", "number above 0", "What 1 of the currency (an ISO code like EUR) is "
        "in the report's currency, on every day.", "{currency: USD, fx: {GBP: 1.27}}",
    ),
    ConfigKey(
        "fx.table", "file", "A CSV of `date,currency,rate` (relative to this config file), "
        "instead of fixed rates: a deal takes the rate of the latest date on or before its "
        "closed_at (created_at while open), a spend row its date's.",
        "{currency: USD, fx: {table: rates.csv}}",
    ),
    ConfigKey(
        "timezone", "IANA time zone", "The report's clock: every date-time is converted to "
        "it before its day is taken, and `--as-of` defaults to today there.",
        "timezone: Europe/Berlin", default="UTC",
    ),
    ConfigKey(
        "calendar", "`gregorian` or `jalali`", "The calendar of periods and of the dates a "
        "report shows (`1405-Q2`); input dates are Jalali only where a source says so.",
        "calendar: jalali", default="gregorian",
    ),
    ConfigKey(
        "locale", "`en`, `fa`, or any language with a catalogue in `crmkpi/locales/`",
        "The language of the report.", "locale: fa", default="en",
    ),
    ConfigKey(
        "fiscal_year_start", "whole number, 1 to 12", "The month a fiscal year starts: with 4, "
        "`FY2026` is April 2026 – March 2027 and `ytd`, `this-quarter` … follow it.",
        "fiscal_year_start: 4", default="1",
    ),
    ConfigKey(
        "period", "period", "The period reported when `--period` is not given: `2026-10`, "
        "`2026-Q3`, `2026-W14`, `2026`, `last-month`, `ytd`, `2026-01-01..2026-03-31` …",
        "period: last-quarter", default="last-month",
    ),
    ConfigKey(
        "compare", "list of `previous`, `year_ago` (or `both`, `none`)",
        "The periods each KPI is compared with.", "compare: [previous]",
        default="[previous, year_ago]",
    ),
    ConfigKey(
        "trend", "whole number, 1 to 60", "How many periods of the grain the trend "
        "(sparkline) shows, the reported one included.", "trend: 12", default="6",
    ),
    ConfigKey(
        "sla", "mapping", "Service levels the support KPIs are measured against.",
        "sla: {first_response_hours: 8}",
    ),
    ConfigKey(
        "sla.first_response_hours", "number above 0", "A ticket meets the SLA when an agent first "
        "replies at most this many hours after it was created (`first_response_sla_rate`).",
        "sla: {first_response_hours: 8}", default="24",
    ),
    ConfigKey(
        "clv", "mapping", "Settings of customer lifetime value.", "clv: {gross_margin: 0.7}",
    ),
    ConfigKey(
        "clv.gross_margin", "number from 0 to 1", "The share of revenue kept as gross "
        "margin; CLV is multiplied by it.", "clv: {gross_margin: 0.7}", default="1.0",
    ),
    ConfigKey(
        "clv.max_lifespan_years", "number above 0", "The longest customer lifespan CLV assumes "
        "(a churn rate near 0 would make it endless).", "clv: {max_lifespan_years: 5}",
        default="10",
    ),
    ConfigKey(
        "stage_probability", "mapping of stage to number",
        "The chance that an open deal in each stage is won, for the weighted pipeline.",
        "stage_probability: {Prospecting: 0.1, Proposal: 0.6}",
        absent="weighted_pipeline_value is unavailable and says why",
    ),
    ConfigKey(
        "stage_probability.<stage>", "number from 0 to 1", "The probability of one stage, "
        "named as in deals.stage.", "stage_probability: {Negotiation: 0.8}",
    ),
    ConfigKey(
        "sources", "mapping of table to source options", "Where a table comes from and how "
        "its file is written, only where it differs from the defaults.",
        "sources: {deals: {path: exports/opportunities.xlsx}}",
        absent="each table is found in the data folder by its name or its CRM's file name",
    ),
    ConfigKey(
        "kpis", "list", "The KPIs of the report, in order (`crmkpi kpis` lists the ids).",
        "kpis: [new_customers, churn_rate]", absent="the built-in KPI set (crmkpi/default.yaml)",
    ),
    ConfigKey(
        "breakdowns", "list of `owner`, `segment`, `region`, `channel`, `source`, `agent`, "
        "`pipeline`, `product`", "Dimensions every KPI is also computed within (`--by` "
        "replaces them).", "breakdowns: [owner, segment]", default="[]",
    ),
    ConfigKey(
        "sections", "list of `pipeline`, `funnel`, `cohorts`", "Tables shown after the "
        "KPIs.", "sections: [pipeline, funnel, cohorts]", default="[]",
    ),
    ConfigKey(
        "templates", "mapping", "Jinja2 templates that replace the shipped ones; "
        "`--template` wins.", "templates: {html: my-report.html.j2}",
    ),
    ConfigKey(
        "templates.html", "file path", "The HTML template, relative to this config file.",
        "templates: {html: my-report.html.j2}", absent="the shipped report.html.j2",
    ),
    ConfigKey(
        "templates.md", "file path", "The Markdown template, relative to this config file.",
        "templates: {md: my-report.md.j2}", absent="the shipped report.md.j2",
    ),
    ConfigKey(
        "lenient", "`true`, `false` or a mapping", "Skip bad rows instead of stopping (as "
        "`--lenient`), at most `max_skipped` of each table's rows; the report says how many "
        "were skipped and why. A mapping turns it on too.",
        "lenient: true", default="false",
    ),
    ConfigKey(
        "lenient.max_skipped", "share (`5%` or `0.05`)", "The largest share of a table's rows "
        "`lenient` may skip; past it the run stops with exit 3 naming the table and share "
        "(`--max-skipped` wins).", "lenient: {max_skipped: 5%}", default="10%",
    ),
    ConfigKey(
        "dates", "mapping", "The range of dates an input may hold; a date outside it is a "
        "data error (a typo like `0201` for `2021`, or another calendar's year).",
        "dates: {min: 1800-01-01}",
    ),
    ConfigKey(
        "dates.min", "date (YYYY-MM-DD)", "The earliest date an input may hold.",
        "dates: {min: 1800-01-01}", default="1900-01-01",
    ),
    ConfigKey(
        "dates.max", "date (YYYY-MM-DD)", "The latest date an input may hold.",
        "dates: {max: 2999-12-31}", default="2200-12-31",
    ),
    ConfigKey(
        "freshness", "mapping", "When a table is too old for the period: stale when its "
        "latest date lies more than `warn_after` before the last day the report needs (the "
        "period's last day, or the day before the as-of day when the period is cut short). "
        "A stale table is a warning in every format and in `check`.",
        "freshness: {warn_after: 3d}",
    ),
    ConfigKey(
        "freshness.warn_after", "days, `Nd`", "How far behind a table may lie before it is "
        "stale (spend, written monthly, has its own default: 35d).",
        "freshness: {warn_after: 3d}", default="1d",
    ),
    ConfigKey(
        "freshness.error_after", "days, `Nd`", "Past this, the KPIs that read the table are "
        "`error` in `check` (and in a report's status), whatever their value.",
        "freshness: {error_after: 7d}", absent="a stale table is only a warning",
    ),
    ConfigKey(
        "freshness.tables", "mapping of table to `warn_after` and `error_after`",
        "Limits for one table, where it differs from the others.",
        "freshness: {tables: {spend: {warn_after: 40d}}}",
    ),
    ConfigKey(
        "freshness.tables.<table>", "mapping", f"The limits of one table; the table is "
        f"{_TABLE_NAMES}.", "freshness: {tables: {tickets: {warn_after: 2d}}}",
    ),
    ConfigKey(
        "freshness.tables.<table>.warn_after", "days, `Nd`", "As `freshness.warn_after`, "
        "for this table.", "freshness: {tables: {tickets: {warn_after: 2d}}}",
        absent="`freshness.warn_after`; for spend 35d",
    ),
    ConfigKey(
        "freshness.tables.<table>.error_after", "days, `Nd`", "As `freshness.error_after`, "
        "for this table.", "freshness: {tables: {deals: {error_after: 5d}}}",
        absent="`freshness.error_after`",
    ),
    # sources.<table>
    ConfigKey(
        "sources.<table>", "mapping", f"How one table is read; the table is {_TABLE_NAMES}.",
        "sources: {customers: {path: accounts.csv}}",
    ),
    ConfigKey(
        "sources.<table>.path", "file path", "The file, relative to the data folder "
        "(outside it and the config's folder only with `allow_outside`).",
        "sources: {deals: {path: exports/opportunities.xlsx}}",
        absent="found in the data folder by the table's name, or by its CRM's file name",
    ),
    ConfigKey(
        "sources.<table>.allow_outside", "`true` or `false`", "Lets `path` and `files` name "
        "files outside the data folder and the config's folder (after links). Without it such "
        "a path is a config error, so a config copied from elsewhere cannot make crmkpi read, "
        "and quote in its messages, any file it can reach.",
        "sources: {deals: {path: /srv/exports/deals.csv, allow_outside: true}}", default="false",
    ),
    ConfigKey(
        "sources.<table>.sheet", "text", "The sheet of an Excel file.",
        "sources: {deals: {path: crm.xlsx, sheet: Deals}}", absent="the first sheet",
    ),
    ConfigKey(
        "sources.<table>.preset", "`generic` or a CRM preset (`crmkpi presets`)",
        "The CRM the file comes from: its headers, values and formats.",
        "sources: {deals: {preset: hubspot}}", absent="detected from the headers",
    ),
    ConfigKey(
        "sources.<table>.columns", "mapping of canonical column to its source",
        "Where each canonical column comes from; wins over the preset.",
        "sources: {deals: {columns: {amount: Amount in company currency}}}",
    ),
    ConfigKey(
        "sources.<table>.columns.<column>", "a header, a list of headers, or a mapping below",
        "A header, or the first non-empty cell of those headers the file has "
        "(`[Create Date, Erstelldatum]`).",
        "sources: {deals: {columns: {created_at: [Create Date, Erstelldatum]}}}",
    ),
    ConfigKey(
        "sources.<table>.columns.<column>.value", "text", "The same value on every row.",
        "sources: {deals: {columns: {status: {value: won}}}}",
    ),
    ConfigKey(
        "sources.<table>.columns.<column>.flags", "mapping", "A deal status from two "
        "true/false columns (Salesforce `IsClosed`, `IsWon`).",
        "sources: {deals: {columns: {status: {flags: {closed: IsClosed, won: IsWon}}}}}",
    ),
    ConfigKey(
        "sources.<table>.columns.<column>.flags.closed", "header", "The column that is true "
        "when the deal is closed.",
        "sources: {deals: {columns: {status: {flags: {closed: IsClosed, won: IsWon}}}}}",
    ),
    ConfigKey(
        "sources.<table>.columns.<column>.flags.won", "header", "The column that is true "
        "when the deal is won.",
        "sources: {deals: {columns: {status: {flags: {closed: IsClosed, won: IsWon}}}}}",
    ),
    ConfigKey(
        "sources.<table>.columns.<column>.minutes", "header or list of headers",
        "Minutes to add to the `after` column (Zendesk `First reply time in minutes`).",
        "sources: {tickets: {columns: {first_response_at: "
        "{minutes: First reply time in minutes, after: created_at}}}}",
    ),
    ConfigKey(
        "sources.<table>.columns.<column>.after", "canonical column",
        "The column the `minutes` are added to.",
        "sources: {tickets: {columns: {first_response_at: "
        "{minutes: First reply time in minutes, after: created_at}}}}",
    ),
    ConfigKey(
        "sources.<table>.values", "mapping of canonical column to a value map",
        "How the file's words become canonical values; wins over the preset.",
        'sources: {deals: {values: {status: {Signed: won, "*": open}}}}',
    ),
    ConfigKey(
        "sources.<table>.values.<column>", "mapping of source value to canonical value",
        'Matched ignoring case; `"*"` maps every other value; an empty target means missing.',
        'sources: {deals: {values: {type: {"Existing Business": upsell}}}}',
    ),
    ConfigKey(
        "sources.<table>.date_format", "text or list of texts (strftime)",
        "How the file writes dates that are not ISO; each cell is tried with each format.",
        'sources: {deals: {date_format: ["%d.%m.%Y", "%d.%m.%Y %H:%M"]}}',
        absent="ISO dates and date-times, and Excel dates",
    ),
    ConfigKey(
        "sources.<table>.decimal", '`"."` or `","`', 'The decimal mark of amounts: with ","'
        ' the thousands separators are ".", space and no-break space.',
        'sources: {deals: {decimal: ","}}', absent='the preset\'s, else "."',
    ),
    ConfigKey(
        "sources.<table>.calendar", "`gregorian` or `jalali`", "The calendar the file's "
        "dates are written in (Jalali: `1403/07/15`, Persian digits too).",
        "sources: {deals: {calendar: jalali}}", absent="the preset's, else gregorian",
    ),
    ConfigKey(
        "sources.<table>.timezone", "IANA time zone", "The zone of the file's date-times "
        "written without an offset; times with an offset keep their instant.",
        "sources: {tickets: {timezone: Asia/Tehran}}",
        absent="the preset's, else the report's `timezone`",
    ),
    ConfigKey(
        "sources.<table>.encoding", "text encoding (`cp1252`, `cp1256`, `utf-16` …)",
        "The encoding of a text file that is not UTF-8.", "sources: {customers: {encoding: "
        "cp1252}}", absent="UTF-8 (UTF-16 with a byte-order mark)",
    ),
    ConfigKey(
        "sources.<table>.separator", "one character, or `whitespace`", "The field "
        "separator of a text file.", 'sources: {deals: {separator: ";"}}',
        absent="sniffed from the header line (`,` `;` tab `|`)",
    ),
    ConfigKey(
        "sources.<table>.amount_factor", "number", "Every amount is multiplied by it "
        "(0.1 turns Rial into Toman).", "sources: {deals: {amount_factor: 0.1}}",
        default="1",
    ),
    ConfigKey(
        "sources.<table>.query", "SQL (polars)", "Builds the table with a SELECT over `self` "
        "(the `path` file) and the `files`; every cell is text (see docs/query.md).",
        "sources: {customers: {path: orders.csv, query: "
        '"SELECT customer AS customer_id, MIN(day) AS created_at FROM self GROUP BY customer"}}',
    ),
    ConfigKey(
        "sources.<table>.files", "mapping of name to file path", "More files a `query` "
        "reads, by the name it uses, relative to the data folder.",
        "sources: {deals: {path: won.csv, files: {mqls: mqls.csv}, query: "
        '"SELECT * FROM self JOIN mqls USING (lead_id)"}}',
    ),
    ConfigKey(
        "sources.<table>.files.<name>", "file path", "One file, read as the table `<name>` "
        "(letters, digits and _; not self).",
        "sources: {deals: {path: won.csv, files: {leads: leads.csv}, query: "
        '"SELECT * FROM self"}}',
    ),
    ConfigKey(
        "sources.<table>.keep", "mapping of header to values", "Only rows whose header holds "
        "one of the values belong to the table; the others are left out and counted.",
        "sources: {customers: {keep: {Lifecycle Stage: [Customer, Evangelist]}}}",
        absent="every row",
    ),
    ConfigKey(
        "sources.<table>.keep.<header>", "text or list of texts", "The values (ignoring "
        "case) of the rows to keep.", "sources: {customers: {keep: {Type: Customer}}}",
    ),
    # kpis
    ConfigKey(
        "kpis[]", "a KPI id, `{id: {options}}`, or a custom KPI",
        "One KPI of the report: a built-in id (`churn_rate`), an id with options, or a "
        "custom KPI (`id` with `base` or `formula`, and the same options).",
        "kpis: [churn_rate]",
    ),
    ConfigKey(
        "kpis[].<kpi>", "mapping of options", "A built-in KPI with options.",
        'kpis: [{churn_rate: {fail: "> 5%"}}]',
    ),
    ConfigKey(
        "kpis[].<kpi>.label", "text", "The label shown in reports.",
        "kpis: [{won_deals: {label: Orders}}]", absent="the KPI's own label",
    ),
    ConfigKey(
        "kpis[].<kpi>.stat", "`mean` or `median`", "The statistic of a mean-based KPI "
        "(sales_cycle_days, first_response_hours, resolution_hours, avg_customer_tenure).",
        "kpis: [{sales_cycle_days: {stat: median}}]", default="mean",
    ),
    ConfigKey(
        "kpis[].<kpi>.better", "`higher` or `lower`", "Which direction is good: colours "
        "changes and lets a target pass or fail.", "kpis: [{revenue: {better: higher}}]",
        absent="the KPI's own direction (none for some)",
    ),
    ConfigKey(
        "kpis[].<kpi>.target", "number, `30%`, or a mapping of grain to one",
        "The goal shown in reports and used for pacing; with no fail or warn, the KPI "
        "passes when it meets it.", 'kpis: [{churn_rate: {target: "2%"}}]',
    ),
    ConfigKey(
        "kpis[].<kpi>.target.<grain>", "number or `30%`", "The goal for one grain: `year`, "
        "`quarter`, `month`, `week`, `day` or `range`.",
        'kpis: [{win_rate: {target: {month: "30%", quarter: "32%"}}}]',
    ),
    ConfigKey(
        "kpis[].<kpi>.fail", "condition", "The KPI fails when it holds: `< <= > >= == !=` "
        "and a number (`5%` on percent KPIs), or `between A and B`.",
        'kpis: [{churn_rate: {fail: "> 5%"}}]',
    ),
    ConfigKey(
        "kpis[].<kpi>.warn", "condition", "The KPI warns when it holds (and fail does not).",
        'kpis: [{churn_rate: {warn: "between 3% and 5%"}}]',
    ),
    ConfigKey(
        "kpis[].<kpi>.allow_missing", "true or false", "An unavailable value passes instead "
        "of being an error in `check`.", "kpis: [{nps: {allow_missing: true}}]",
        default="false",
    ),
    ConfigKey(
        "kpis[].id", "lowercase letters, digits and _", "The id of a custom KPI (not a "
        "built-in id).", "kpis: [{id: enterprise_revenue, base: revenue}]",
    ),
    ConfigKey(
        "kpis[].base", "built-in KPI id", "The KPI a custom KPI computes, narrowed by "
        "`filter`.", "kpis: [{id: enterprise_revenue, base: revenue}]",
    ),
    ConfigKey(
        "kpis[].filter", "SQL condition", "Narrows the base KPI's first table, by canonical "
        "column names.", "kpis: [{id: enterprise_revenue, base: revenue, "
        "filter: \"pipeline = 'Enterprise'\"}]", absent="every row",
    ),
    ConfigKey(
        "kpis[].formula", "arithmetic over KPI ids", "Numbers, KPI ids, `+ - * /` and "
        "parentheses.", 'kpis: [{id: revenue_per_customer, formula: "revenue / '
        'active_customers", unit: currency}]',
    ),
    ConfigKey(
        "kpis[].unit", "`count`, `percent`, `currency`, `days`, `hours`, `score` or `ratio`",
        "The unit of a formula KPI.", 'kpis: [{id: revenue_per_customer, formula: "revenue / '
        'active_customers", unit: currency}]', default="ratio",
    ),
)  # fmt: skip

KEYS: dict[str, ConfigKey] = {key.path: key for key in CONFIG_KEYS}


def children(path: str) -> tuple[str, ...]:
    """The fixed key names one level below ``path`` (``""``: the top level),
    in table order. ``<name>`` placeholders and ``[]`` (a list's item) are
    not names and are left out."""
    return tuple(
        k.name
        for k in CONFIG_KEYS
        if k.parent == path and not is_placeholder(k.name) and not k.name.endswith("[]")
    )
