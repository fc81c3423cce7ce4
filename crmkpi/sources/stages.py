"""HubSpot's wide stage columns to deal_stages rows (EXPORTS.md "Wide → long").

A HubSpot deals export has one ``Date entered "<stage> (<pipeline>)"`` column
per exported stage; each non-empty cell is one deal_stages row. The stage is
the bare stage label: that is what the deals table's ``stage`` column (HubSpot
``Deal Stage``) and the ``stage_probability`` map hold, and the pipeline
section matches history rows, current stages and closing stages by that name.
The pipeline stays a dimension of the deals table.

What the wide form cannot tell: HubSpot keeps the *latest* entry of a stage
that was re-entered, so a history rebuilt from it has one row per stage column
and loses earlier visits. Rows are ordered by date, then time of day when the
cell has one, then the export's column order (same-day ties); a repeat of the
previous stage (one label in two pipelines) is dropped.
"""

from __future__ import annotations

import re
from dataclasses import replace

import polars as pl

from crmkpi.presets import ColumnSource
from crmkpi.sources.cells import CellRules, parse_date, parse_datetime
from crmkpi.sources.fallback import clean_text
from crmkpi.sources.loaders import ROW, SOURCE_COLUMN, SOURCE_ROW, RawTable
from crmkpi.sources.mapping import Mapping

PRESET = "hubspot wide stages"
HEADERS = ("deal_id", "stage", "entered_at")

_OPEN = '"\u201c\u201d\u201e'  # " “ ” „
_CLOSE = '"\u201c\u201d'
STAGE_ENTERED = re.compile(
    rf"^\s*date\s+entered\s*[{_OPEN}]\s*(?P<stage>[^\s{_CLOSE}][^{_CLOSE}]*?)\s*"
    rf"(?:\(\s*(?P<inner>[^()]+?)\s*\)\s*)?[{_CLOSE}]\s*"
    r"(?:\(\s*(?P<outer>[^()]+?)\s*\)\s*)?$",
    re.IGNORECASE,
)
"""``Date entered "Closed Won (Sales Pipeline)"`` (EXPORTS.md), also
``Date entered "Qualified" (Sales Pipeline)`` (SCHEMA.md's spelling) and
``Date entered "Qualified"``. The last parenthesised part is the pipeline.
No API-name form (``hs_date_entered_…``): EXPORTS.md documents none."""

_ORDER = "__order"
_DAY = "__day"
_INSTANT = "__instant"


def stage_columns(headers: list[str] | tuple[str, ...]) -> dict[str, tuple[str, str | None]]:
    """header -> (stage, pipeline or None) for each ``Date entered`` header, in file order."""
    found: dict[str, tuple[str, str | None]] = {}
    for header in headers:
        match = STAGE_ENTERED.match(shown_header(header))
        if match is not None:
            found[header] = (match["stage"], match["inner"] or match["outer"])
    return found


def shown_header(header: str) -> str:
    """The header as the file means it: polars 2.1 keeps the doubled quotes
    of a quoted CSV header (pola-rs/polars#20294, #22943), and HubSpot quotes
    every ``Date entered`` header, so ``Date entered "Won (Sales)"`` arrives
    with each of its quotes doubled."""
    return header.replace('""', '"')


def wide_stage_rows(
    raw: pl.LazyFrame,
    id_column: str,
    columns: dict[str, tuple[str, str | None]],
    rules: CellRules | None = None,
) -> pl.LazyFrame:
    """One text row (``deal_id, stage, entered_at``) per non-empty stage cell.

    ``raw`` is a loader frame (text cells and ``ROW``); ``columns`` comes from
    ``stage_columns``, its order being the tie order. Rows of a deal whose id
    is missing are left out (the deals table reports that id). ``rules`` say
    how the deals file writes dates; they only order the rows, and a cell that
    does not parse is kept, after the deal's other rows, for ``load_table`` to
    report. ``ROW`` numbers the result 2, 3 … in history order (what the
    pipeline section sorts same-day rows by); ``SOURCE_ROW`` is the deals
    file's row and ``SOURCE_COLUMN`` its header (``shown_header``).
    """
    text = dict.fromkeys(HEADERS, pl.String())
    schema = pl.Schema(
        {ROW: pl.UInt32(), **text, SOURCE_ROW: pl.UInt32(), SOURCE_COLUMN: pl.String()}
    )
    if not columns:
        return pl.LazyFrame(schema=schema)
    headers = list(columns)
    rules = rules or CellRules()
    stages = {h: stage for h, (stage, _) in columns.items()}
    order = {h: i for i, h in enumerate(headers)}
    long = raw.select(
        pl.col(ROW).alias(SOURCE_ROW), clean_text(id_column).alias("deal_id"), *headers
    ).unpivot(headers, index=[SOURCE_ROW, "deal_id"], variable_name=SOURCE_COLUMN)
    cell = clean_text("value")
    header = pl.col(SOURCE_COLUMN)
    ordered = (
        long.filter(pl.col("deal_id").is_not_null() & cell.is_not_null())
        .with_columns(
            header.replace_strict(stages, return_dtype=pl.String).alias("stage"),
            pl.col("value").alias("entered_at"),
            header.replace_strict({h: shown_header(h) for h in headers}, return_dtype=pl.String),
            header.replace_strict(order, return_dtype=pl.Int64).alias(_ORDER),
            parse_date(cell, rules).alias(_DAY),
            parse_datetime(cell, rules).alias(_INSTANT),
        )
        .sort(SOURCE_ROW, _DAY, _INSTANT, _ORDER, nulls_last=True)
    )
    same_deal = pl.col(SOURCE_ROW) == pl.col(SOURCE_ROW).shift(1)
    repeat = same_deal & (pl.col("stage") == pl.col("stage").shift(1))
    return (
        ordered.filter(~(pl.col(_DAY).is_not_null() & repeat).fill_null(False))
        .with_row_index(ROW, offset=2)
        .select(schema.names())
        .cast(schema)
    )


def wide_stage_table(
    raw: RawTable, deals: Mapping, timezone: str, kept_rows: pl.Series | None = None
) -> RawTable | None:
    """The deal_stages table hidden in a deals file, or None when it has no
    ``Date entered`` columns. ``deals`` is the deals file's mapping (it names
    the id header; its date rules apply); ``timezone`` is the report's;
    ``kept_rows`` are the ``ROW`` numbers the deals table kept, so a deal
    skipped there (lenient runs) brings no stage rows."""
    columns = stage_columns(raw.headers)
    id_source = deals.columns.get("deal_id")
    if not columns or id_source is None or not id_source.headers:
        return None
    if raw.recount is not None:  # a row of too many fields would fail the uncounted read
        raw = raw.recount()
    rules = CellRules(
        timezone=deals.timezone or timezone,
        date_format=deals.date_format,
        excel=raw.is_excel,
        report_zone=timezone,
    )
    frame = wide_stage_rows(raw.frame, id_source.headers[0], columns, rules)
    if kept_rows is not None:
        kept = pl.LazyFrame({SOURCE_ROW: kept_rows.cast(pl.UInt32)})
        frame = frame.join(kept, on=SOURCE_ROW, how="semi")
    return RawTable(raw.path, HEADERS, frame, raw.is_excel)


def wide_stage_mapping(deals: Mapping) -> Mapping:
    """How ``load_table`` reads the derived rows: canonical headers, the deals
    file's date rules, and its ``stage`` value map (so history stages get the
    names the deals' stages get)."""
    values = {"stage": deals.values["stage"]} if "stage" in deals.values else {}
    columns = {h: ColumnSource((h,)) for h in HEADERS}
    return replace(
        deals, preset=PRESET, columns=columns, values=values, detected=False, matched=3, listed=3
    )
