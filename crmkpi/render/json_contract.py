"""Every key of ``crmkpi report -f json`` (``render/json.py``), as data: its
JSON types and what it means.

docs/json.md is generated from this table (``render/reference.py``, ``make
docs``), and a test renders a real report and checks, recursively, that each
of its keys is here with one of these types and that each key here is in
the report. A new key in the JSON is a row here, then ``make docs``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

JsonType = Literal["string", "number", "integer", "boolean", "null", "object", "array"]


@dataclass(frozen=True, slots=True)
class JsonKey:
    """One key. ``path`` joins keys with ``.``; ``[]`` is every item of a
    list and ``<name>`` any key of an object (a table, a KPI id …).
    ``number`` includes whole numbers."""

    path: str
    types: tuple[JsonType, ...]
    meaning: str


def _period(path: str, what: str) -> tuple[JsonKey, ...]:
    return (
        JsonKey(f"{path}.label", ("string",), f"The {what}'s name: `2026-10`, `2026-Q3`, "
                "`2026-W14`, `1405-07`, `2026-01-01..2026-03-31`."),
        JsonKey(f"{path}.start", ("string",), "Its first day, ISO (Gregorian under any calendar)."),
        JsonKey(f"{path}.end", ("string",), "Its last day, inclusive, ISO."),
    )  # fmt: skip


_GROUP_VALUES = "KPI id → its value in the group (raw, like `kpis[].value`), or null."
_GROUP_REASONS = "KPI id → why its value is null; only the null ones."

JSON_KEYS: tuple[JsonKey, ...] = (
    JsonKey("crmkpi_version", ("string",), "The version of crmkpi that wrote the report."),
    JsonKey("title", ("string",), "The config's `title`."),
    JsonKey("as_of", ("string",), "What today was for the report (`--as-of`), ISO."),
    JsonKey("currency", ("string", "null"), "The config's `currency`; null when none is set."),
    JsonKey("period", ("object",), "The reported period."),
    *_period("period", "period"),
    JsonKey("period.grain", ("string",), "`year`, `quarter`, `month`, `week`, `day` or `range`."),
    JsonKey("period.calendar", ("string",), "`gregorian` or `jalali`: the calendar of the label."),
    JsonKey("period.partial", ("boolean",), "True when the as-of day cut the period short "
            "(`mtd`, `this-month`); comparisons then cover as many days."),
    JsonKey("compare", ("object",), "The comparison periods, by name; empty with `--compare none`."),
    JsonKey("compare.<comparison>", ("object",), "`previous` (the period just before) or "
            "`year_ago` (the same period a year earlier)."),
    *_period("compare.<comparison>", "comparison period"),
    JsonKey("kpis", ("array",), "One object per KPI of the config, in its order."),
    JsonKey("kpis[]", ("object",), "One KPI."),
    JsonKey("kpis[].id", ("string",), "The KPI id (built-in or custom)."),
    JsonKey("kpis[].label", ("string",), "The label shown in reports."),
    JsonKey("kpis[].unit", ("string",), "`count`, `percent`, `currency`, `days`, `hours`, "
            "`score` or `ratio`."),
    JsonKey("kpis[].better", ("string", "null"), "`higher` or `lower`; null when neither is better."),
    JsonKey("kpis[].value", ("number", "null"), "The value: a percent as a fraction (0.0335 is "
            "3.35%), currency without a symbol, days and hours as decimals, counts as whole "
            "numbers; null when unavailable."),
    JsonKey("kpis[].display", ("string",), "The value as reports show it (`3.35%`, `USD 1,200.00`, "
            "`—`)."),
    JsonKey("kpis[].reason", ("string", "null"), "Why the value is null; null when there is a value."),
    JsonKey("kpis[].previous", ("number", "null"), "The value in `compare.previous`."),
    JsonKey("kpis[].change", ("number", "null"), "value − previous (for percents in fraction "
            "points: 0.0124 is +1.24 pp)."),
    JsonKey("kpis[].year_ago", ("number", "null"), "The value in `compare.year_ago`."),
    JsonKey("kpis[].change_year_ago", ("number", "null"), "value − year_ago."),
    JsonKey("kpis[].change_relative", ("number", "null"), "change / |previous| as a fraction "
            "(0.008 is +0.8%; for a percent KPI, of the value, not of 100 points); null when "
            "previous is null or 0."),
    JsonKey("kpis[].change_year_ago_relative", ("number", "null"), "change_year_ago / "
            "|year_ago|, like `change_relative`."),
    JsonKey("kpis[].target", ("number", "null"), "The target for this period's grain, in the "
            "unit of value; null when none."),
    JsonKey("kpis[].status", ("string", "null"), "`pass`, `warn`, `fail` or `error` (unavailable); "
            "null when the KPI has no fail, warn or target."),
    JsonKey("kpis[].condition", ("string", "null"), "The condition that decided the status "
            "(`> 3%`), or null."),
    JsonKey("kpis[].pacing", ("object", "null"), "In a partial period, for KPIs that add up over "
            "days (new_customers, revenue …): the projection to the whole period; else null."),
    JsonKey("kpis[].pacing.projected", ("number",), "The value projected to the whole period "
            "(value × its days ÷ the days so far)."),
    JsonKey("kpis[].pacing.of_target", ("number", "null"), "projected ÷ target (0.94: on track "
            "for 94% of the target); null without a target."),
    JsonKey("kpis[].trend", ("array",), "The KPI in the last `trend` periods of the grain, oldest "
            "first; the last is the reported period."),
    JsonKey("kpis[].trend[]", ("object",), "One period of the trend."),
    JsonKey("kpis[].trend[].period", ("string",), "The period's label."),
    JsonKey("kpis[].trend[].value", ("number", "null"), "The value then, or null."),
    JsonKey("kpis[].trend[].reason", ("string", "null"), "Why that value is null, or null."),
    JsonKey("kpis[].trend[].partial", ("boolean",), "True for a period cut short at the as-of "
            "day (only the last point can be): drawn apart, as it is not comparable with the "
            "whole periods before it."),
    JsonKey("kpis[].maturing", ("boolean",), "Only on cohort KPIs (close_rate, "
            "lead_conversion_rate and custom KPIs based on them): true while 5% or more of the "
            "period's cohort (deals, leads created in it) is still open, so the value will "
            "still move; their comparisons and trend points are at equal age "
            "([kpis.md](kpis.md))."),
    JsonKey("kpis[].open_share", ("number", "integer", "null"), "Only on cohort KPIs: the share "
            "of the period's cohort still open, 0 to 1; null when the cohort is empty."),
    JsonKey("breakdowns", ("object",), "By dimension (`--by`, `breakdowns:`); empty when none."),
    JsonKey("breakdowns.<dimension>", ("object",), "Every KPI within each value of the "
            "dimension (`owner`, `segment` …)."),
    JsonKey("breakdowns.<dimension>.groups", ("array",), "Every group (`--top` only shortens "
            "tables), best first by the first KPI."),
    JsonKey("breakdowns.<dimension>.groups[]", ("object",), "One group."),
    JsonKey("breakdowns.<dimension>.groups[].key", ("string", "null"), "The dimension's value; "
            "null for the rows without one (`(none)` in reports)."),
    JsonKey("breakdowns.<dimension>.groups[].kpis", ("object",), "The group's values."),
    JsonKey("breakdowns.<dimension>.groups[].kpis.<kpi>", ("number", "null"), _GROUP_VALUES),
    JsonKey("breakdowns.<dimension>.groups[].reasons", ("object",), "Why values are null."),
    JsonKey("breakdowns.<dimension>.groups[].reasons.<kpi>", ("string",), _GROUP_REASONS),
    JsonKey("breakdowns.<dimension>.total", ("object",), "The values over all groups: equal to "
            "the KPIs themselves."),
    JsonKey("breakdowns.<dimension>.total.<kpi>", ("number", "null"), _GROUP_VALUES),
    JsonKey("breakdowns.<dimension>.total_reasons", ("object",), "Why total values are null."),
    JsonKey("breakdowns.<dimension>.total_reasons.<kpi>", ("string",), _GROUP_REASONS),
    JsonKey("breakdowns.<dimension>.notes", ("array",), "What a reader must know of the "
            "groups; empty when nothing."),
    JsonKey("breakdowns.<dimension>.notes[]", ("string",), "One note: a KPI whose `(none)` "
            "group (rows without the dimension) holds 10% or more of the rows its value "
            "stands on (a ratio's denominator, a count's or a sum's rows), with the share."),
    JsonKey("sections", ("object",), "By name, the sections asked for (`sections:`); empty when none."),
    JsonKey("sections.<section>", ("object",), "`pipeline`, `funnel` or `cohorts`. Its rows key "
            "(`stages`, `steps`, `rows`) is null when the section cannot be computed."),
    JsonKey("sections.<section>.reason", ("string", "null"), "Why the section could not be "
            "computed; null when it was."),
    JsonKey("sections.<section>.notes", ("array",), "Remarks on how it was computed."),
    JsonKey("sections.<section>.notes[]", ("string",), "One remark."),
    JsonKey("sections.pipeline.stages", ("array", "null"), "Deals open at the period end, per stage."),
    JsonKey("sections.pipeline.stages[]", ("object",), "One stage."),
    JsonKey("sections.pipeline.stages[].stage", ("string", "null"), "The stage; null for deals "
            "without one."),
    JsonKey("sections.pipeline.stages[].deals", ("integer",), "Deals open in the stage at the "
            "period end."),
    JsonKey("sections.pipeline.stages[].value", ("number",), "Their amounts, summed."),
    JsonKey("sections.pipeline.stages[].weighted_value", ("number", "null"), "value × the "
            "stage's `stage_probability`; null without one."),
    JsonKey("sections.pipeline.stages[].left", ("integer",), "Visits of the stage that ended "
            "in the period (from deal_stages)."),
    JsonKey("sections.pipeline.stages[].mean_days", ("number", "null"), "Mean days those "
            "visits lasted."),
    JsonKey("sections.pipeline.stages[].median_days", ("number", "null"), "Median days those "
            "visits lasted."),
    JsonKey("sections.pipeline.stages[].moved_on", ("number", "null"), "The share of those "
            "visits that moved on to another stage (a fraction)."),
    JsonKey("sections.pipeline.stages[].bottleneck", ("boolean",), "True for the stage with "
            "the longest mean."),
    JsonKey("sections.pipeline.weighted_reason", ("string", "null"), "Why weighted_value is "
            "null (no stage_probability map), or null."),
    JsonKey("sections.pipeline.stage_time_reason", ("string", "null"), "Why there are no visit "
            "statistics (no deal_stages), or null."),
    JsonKey("sections.funnel.steps", ("array", "null"), "Leads created in the period → "
            "converted → won a deal."),
    JsonKey("sections.funnel.steps[]", ("object",), "One step."),
    JsonKey("sections.funnel.steps[].step", ("string",), "`leads`, `converted` or `won`."),
    JsonKey("sections.funnel.steps[].count", ("integer",), "Leads at this step."),
    JsonKey("sections.funnel.steps[].step_rate", ("number", "null"), "count ÷ the previous "
            "step's count; null for the first step or a 0 denominator."),
    JsonKey("sections.funnel.steps[].overall_rate", ("number", "null"), "count ÷ the first "
            "step's count."),
    JsonKey("sections.cohorts.grain", ("string",), "The grain of the cohorts (the period's)."),
    JsonKey("sections.cohorts.rows", ("array", "null"), "One row per acquisition period."),
    JsonKey("sections.cohorts.rows[]", ("object",), "One cohort."),
    JsonKey("sections.cohorts.rows[].cohort", ("string",), "The acquisition period's label."),
    JsonKey("sections.cohorts.rows[].size", ("integer",), "Customers acquired in it."),
    JsonKey("sections.cohorts.rows[].cells", ("array",), "The share still active at the end of "
            "the cohort's period + 0, 1, 2 … periods."),
    JsonKey("sections.cohorts.rows[].cells[]", ("number", "null"), "One share (a fraction); "
            "null where it cannot be known yet."),
    JsonKey("inputs", ("object",), "By table, each input file the KPIs read."),
    JsonKey("inputs.<table>", ("object",), "One table (`customers`, `deals` …)."),
    JsonKey("inputs.<table>.path", ("string",), "The file, relative to the data folder when in it."),
    JsonKey("inputs.<table>.preset", ("string",), "The preset that read it (`generic`, `hubspot` …)."),
    JsonKey("inputs.<table>.rows", ("integer",), "Data rows read (skipped rows included)."),
    JsonKey("inputs.<table>.skipped", ("integer",), "Bad rows skipped (`--lenient`)."),
    JsonKey("inputs.<table>.skipped_share", ("number", "integer"), "Skipped rows / data rows "
            "read, 0 to 1 (0 when nothing was skipped); past `max_skipped` the run stops."),
    JsonKey("inputs.<table>.skipped_by_reason", ("object",), "Skipped rows by why."),
    JsonKey("inputs.<table>.skipped_by_reason.<reason>", ("integer",), "How many rows were "
            "skipped for this reason (`won deal without amount`)."),
    JsonKey("inputs.<table>.latest", ("string", "null"), "The latest date in the table (how "
            "fresh it is), ISO; null when it has none."),
    JsonKey("inputs.<table>.stale", ("boolean",), "True when `latest` lies more than "
            "`freshness.warn_after` before the last day the report needs (the period's last "
            "day, or the day before the as-of day in a partial period); `warnings` then says "
            "so. False for a table without dates."),
    JsonKey("warnings", ("array",), "What the reader should know about the inputs or the numbers."),
    JsonKey("warnings[]", ("string",), "One warning."),
)  # fmt: skip
