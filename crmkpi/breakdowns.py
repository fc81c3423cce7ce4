"""Breakdowns (KPIS.md "Sections", breakdown): every KPI within each value of
a dimension, from the same KPI definitions grouped by one extra column.

Each table gets a ``__group`` column: its own column for the dimension, else
its customer's through ``customer_id`` (an unknown customer gives null, the
``(none)`` group); ``channel`` reads ``leads.source`` on leads. The KPI
functions then aggregate per group (``KpiOptions.by``) in the same lazy plan
as the overall value, after their row facts were decided on the whole table.
Pure helpers: the engine runs the plan.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import polars as pl

from crmkpi.analyses import BreakdownGroup, Measured, checked_value
from crmkpi.kpis import Kpi
from crmkpi.kpis._expr import REASON, ROWS, VALUE
from crmkpi.leniency import share_text

GROUP = "__group"

# A dimension whose column has another name on some table.
_ALIASES = {("leads", "channel"): "source"}


def own_column(table: str, dimension: str) -> str:
    """The column of ``table`` that holds ``dimension`` (``leads.source`` for channel)."""
    return _ALIASES.get((table, dimension), dimension)


def grouped_tables(
    frames: Mapping[str, pl.LazyFrame], columns: Mapping[str, tuple[str, ...]], dimension: str
) -> tuple[dict[str, pl.LazyFrame], dict[str, str]]:
    """Each table with a ``__group`` column for ``dimension``, and, for the
    tables that cannot reach it, why."""
    customers = frames.get("customers")
    grouped: dict[str, pl.LazyFrame] = {}
    unreachable: dict[str, str] = {}
    for table, frame in frames.items():
        own = own_column(table, dimension)
        if own in columns[table]:
            grouped[table] = frame.with_columns(pl.col(own).cast(pl.String).alias(GROUP))
        elif customers is not None and joins_customers(table, dimension, columns):
            keys = customers.select("customer_id", pl.col(dimension).cast(pl.String).alias(GROUP))
            grouped[table] = frame.join(keys, on="customer_id", how="left", maintain_order="left")
        else:
            unreachable[table] = _why_unreachable(table, own, dimension, columns[table])
    return grouped, unreachable


def joins_customers(table: str, dimension: str, columns: Mapping[str, tuple[str, ...]]) -> bool:
    """Whether ``table`` reaches ``dimension`` through its customer (it has no
    column of its own for it; customers has one; it has ``customer_id``)."""
    return (
        table != "customers"
        and own_column(table, dimension) not in columns[table]
        and dimension in columns.get("customers", ())
        and "customer_id" in columns[table]
    )


MIN_FOUND = 0.9
"""The share of a table's keyed rows that must find their customer before a
breakdown through customers is trusted without a warning."""


def key_matches(
    frames: Mapping[str, pl.LazyFrame],
    columns: Mapping[str, tuple[str, ...]],
    dimensions: tuple[str, ...],
) -> pl.LazyFrame | None:
    """One row per table that reaches a dimension through its customer:
    ``table``, ``dimensions`` (those it reaches so), ``keyed`` (rows with a
    customer_id), ``found`` (of them, rows whose customer_id customers has),
    ``lost`` (a key that finds no customer) and ``known`` (a customers key).
    None when no table joins customers."""
    customers = frames.get("customers")
    if customers is None:
        return None
    keys = customers.select(
        pl.col("customer_id").drop_nulls().unique(), pl.lit(True).alias("__found")
    )
    known = customers.select(pl.col("customer_id").drop_nulls().first().alias("known"))
    rows = []
    for table, frame in frames.items():
        reached = [d for d in dimensions if joins_customers(table, d, columns)]
        if not reached:
            continue
        ids = frame.select(pl.col("customer_id").cast(pl.String)).drop_nulls()
        found = pl.col("__found").is_not_null()
        match = ids.join(keys, on="customer_id", how="left").select(
            pl.lit(table).alias("table"),
            pl.lit(", ".join(reached)).alias("dimensions"),
            pl.len().alias("keyed"),
            found.sum().alias("found"),
            pl.col("customer_id").filter(~found).first().alias("lost"),
        )
        rows.append(match.join(known, how="cross"))
    return pl.concat(rows) if rows else None


def key_warnings(matches: pl.DataFrame, customers_file: str) -> tuple[str, ...]:
    """A warning per table of ``key_matches`` fewer than ``MIN_FOUND`` of whose
    keyed rows find their customer: the share, an example key from each side,
    and what it does to the breakdowns (SPEC: nothing is lost silently)."""
    warnings = []
    for row in matches.iter_rows(named=True):
        keyed, found = row["keyed"], row["found"]
        if not keyed or found >= MIN_FOUND * keyed:
            continue
        share = 100 * found // keyed  # floored: "only 89%" is never a rounded 90%
        known = f', customers has "{row["known"]}"' if row["known"] is not None else ""
        dims = " and ".join(row["dimensions"].split(", "))
        warnings.append(
            f"{row['table']}: only {share}% of rows with a customer_id ({found} of {keyed}) "
            f"find their customer in {customers_file} "
            f'({row["table"]} has "{row["lost"]}"{known}); '
            f"breakdowns by {dims} put the rest in (none)"
        )
    return tuple(warnings)


def _why_unreachable(table: str, own: str, dimension: str, columns: tuple[str, ...]) -> str:
    if table == "customers":
        return f"customers has no {dimension} column"
    if "customer_id" not in columns:
        return f"{table} has no {own} or customer_id column"
    return f"neither {table} nor customers have a {dimension} column"


def unreachable_reason(kpi: Kpi, unreachable: Mapping[str, str]) -> str | None:
    """A KPI is unavailable in a breakdown when one of its tables cannot be grouped."""
    return next((unreachable[t] for t in kpi.tables if t in unreachable), None)


def group_values(frame: pl.DataFrame) -> dict[str | None, Measured]:
    """A KPI frame of ``__group, value, reason`` (and ``rows`` when the KPI
    knows them) as a mapping (small: one row per group)."""
    keys = frame[GROUP].to_list()
    values = frame[VALUE].to_list()
    reasons = frame[REASON].to_list()
    rows = frame[ROWS].to_list() if ROWS in frame.columns else [None] * len(keys)
    return {
        k: replace(checked_value(v, r), rows=n)
        for k, v, r, n in zip(keys, values, reasons, rows, strict=True)
    }


NONE_SHARE = 0.10
"""The share of a KPI's rows in the ``(none)`` group from which a breakdown says so."""


def none_notes(
    dimension: str, groups: list[BreakdownGroup], kpis: list[tuple[str, str, str]]
) -> dict[str, str]:
    """KPI id → a note, for each KPI (``(id, label, table)``) whose ``(none)`` group holds
    at least ``NONE_SHARE`` of the rows its value stands on (a ratio's
    denominator, a count's or a sum's rows): the named groups leave them out,
    so they may all differ from the total."""
    notes = {}
    for kpi_id, label, table in kpis:
        rows = {g.key: g.values[kpi_id].rows for g in groups if kpi_id in g.values}
        if None not in rows or any(n is None for n in rows.values()):
            continue
        none, total = rows[None] or 0, sum(n or 0 for n in rows.values())
        if total and none >= NONE_SHARE * total:
            notes[kpi_id] = (
                f"{label}: {none} of the {total} {table} it counts ({share_text(none / total)}) "
                f"have no {dimension} and are in (none); the named groups leave them out"
            )
    return notes


def sort_groups(
    groups: list[BreakdownGroup], first: str, better: str | None
) -> tuple[BreakdownGroup, ...]:
    """By the first KPI, best first (largest first when it has no direction),
    unavailable values last, then by key; the ``(none)`` group after named
    groups with the same value."""

    def order(g: BreakdownGroup) -> tuple[bool, float, bool, str]:
        value = g.values[first].value if first in g.values else None
        sign = 1.0 if better == "lower" else -1.0
        return (value is None, sign * (value or 0.0), g.key is None, g.key or "")

    return tuple(sorted(groups, key=order))
