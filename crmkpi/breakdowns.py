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

import polars as pl

from crmkpi.analyses import BreakdownGroup, Measured
from crmkpi.kpis import Kpi
from crmkpi.kpis._expr import REASON, VALUE

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
    has_customer_dim = customers is not None and dimension in columns.get("customers", ())
    grouped: dict[str, pl.LazyFrame] = {}
    unreachable: dict[str, str] = {}
    for table, frame in frames.items():
        own = own_column(table, dimension)
        if own in columns[table]:
            grouped[table] = frame.with_columns(pl.col(own).cast(pl.String).alias(GROUP))
        elif customers is not None and has_customer_dim and "customer_id" in columns[table]:
            keys = customers.select("customer_id", pl.col(dimension).cast(pl.String).alias(GROUP))
            grouped[table] = frame.join(keys, on="customer_id", how="left", maintain_order="left")
        else:
            unreachable[table] = _why_unreachable(table, own, dimension, columns[table])
    return grouped, unreachable


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
    """A KPI frame of ``__group, value, reason`` as a mapping (small: one row per group)."""
    keys = frame[GROUP].to_list()
    values = frame[VALUE].to_list()
    reasons = frame[REASON].to_list()
    return {k: Measured(v, r) for k, v, r in zip(keys, values, reasons, strict=True)}


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
