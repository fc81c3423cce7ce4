"""Names the renderers give to KPIs, statistics and dimensions, in the report's language.

Built-in KPI labels, the statistics and the dimensions are messages of the
catalogue (``i18n``); what a config writes (a custom KPI's label or id) is
shown as written.
"""

from __future__ import annotations

from crmkpi.engine import KpiResult
from crmkpi.render.i18n import N_, Messages

STATS = {"mean": N_("mean"), "median": N_("median")}


def kpi_label(r: KpiResult, tr: Messages) -> str:
    """``Sales cycle length (median)`` in the report's language; the label a
    config gives, or a custom KPI's id, is kept as written (KpiResult.label)."""
    if tr.english:
        return r.label
    builtin = r.spec.base == r.spec.id and r.spec.label is None
    label = tr(r.kpi.label) if builtin else r.label.removesuffix(f" ({r.spec.stat})")
    if r.spec.stat == "mean":
        return label
    return f"{label} ({tr(STATS.get(r.spec.stat, r.spec.stat))})"


def dimension_name(dimension: str, tr: Messages) -> str:
    """``lead source``: a breakdown dimension in words (``canonical.DIMENSIONS``
    are messages; another name is shown with spaces for underscores)."""
    return tr(dimension.replace("_", " "))
