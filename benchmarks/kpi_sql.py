"""Every KPI of the crmkpi library as one DuckDB query each, written from KPIS.md
and SCHEMA.md alone (never from crmkpi's code).

Shared by the benchmark's DuckDB script (benchmarks/duckdb_kpis.py) and the
cross-check test (tests/e2e/test_duckdb_crosscheck.py), so the yardstick of
`make bench` is the SQL that the test proves equal to crmkpi's values.

A query is a template: ``{s}`` and ``{e}`` are the period's DATE literals
(P = [s, e)), and the settings are filled in by ``fill``: ``{sla_hours}``,
``{gross_margin}``, ``{max_lifespan_years}``, ``{stages}`` (the stage
probabilities as VALUES rows).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Settings:
    """The config values a KPI query depends on."""

    sla_hours: float
    gross_margin: float
    max_lifespan_years: float
    stage_probability: Mapping[str, float]


def fill(sql: str, start: date, end: date, settings: Settings) -> str:
    """The runnable query for the period ``[start, end)``."""
    stages = ", ".join(f"('{k}', {v})" for k, v in settings.stage_probability.items())
    return sql.format(
        s=f"DATE '{start}'",
        e=f"DATE '{end}'",
        sla_hours=settings.sla_hours,
        gross_margin=settings.gross_margin,
        max_lifespan_years=settings.max_lifespan_years,
        stages=stages,
    )


# Fragments spelled as in KPIS.md / SCHEMA.md; {s} and {e} are DATE literals, P = [s, e).
_S = (
    "(SELECT count(*) FROM customers WHERE created_at < {s}"
    " AND (churned_at IS NULL OR churned_at >= {s}))"
)
_E = (
    "(SELECT count(*) FROM customers WHERE created_at < {e}"
    " AND (churned_at IS NULL OR churned_at >= {e}))"
)
_WON_IN_P = "status = 'won' AND closed_at >= {s} AND closed_at < {e}"
_OPEN_AT_E = "created_at < {e} AND (closed_at IS NULL OR closed_at >= {e})"
TICKET_CREATED_IN_P = "CAST(created_at AS DATE) >= {s} AND CAST(created_at AS DATE) < {e}"
TICKET_RESOLVED_IN_P = "CAST(resolved_at AS DATE) >= {s} AND CAST(resolved_at AS DATE) < {e}"
HOURS = "epoch({b} - created_at) / 3600"

_OPEN_DEALS = f"SELECT count(*) AS v FROM deals WHERE {_OPEN_AT_E}"
_WIN_RATE = """
    SELECT count(*) FILTER (WHERE status = 'won')::DOUBLE / NULLIF(count(*), 0) AS v
    FROM deals WHERE status IN ('won', 'lost') AND closed_at >= {s} AND closed_at < {e}"""
_AVG_DEAL_SIZE = f"SELECT sum(amount) / NULLIF(count(*), 0) AS v FROM deals WHERE {_WON_IN_P}"
# {agg}: avg, or median for `stat: median` (the cross-check test runs both).
SALES_CYCLE = (
    "SELECT {agg}(CAST(closed_at - created_at AS DOUBLE)) AS v FROM deals WHERE " + _WON_IN_P
)
_NEW_CUSTOMERS = "SELECT count(*) AS v FROM customers WHERE created_at >= {s} AND created_at < {e}"
_NEW_LEADS = "SELECT count(*) AS v FROM leads WHERE created_at >= {s} AND created_at < {e}"
_CAC = f"""
    SELECT (SELECT coalesce(sum(amount), 0) FROM spend WHERE date >= {{s}} AND date < {{e}})
           / NULLIF(({_NEW_CUSTOMERS}), 0) AS v"""
# W = [e − 365 days, e). Over deals won in W with a customer_id, APV × PF is
# sum(amount) / count(distinct customer_id); c is the churn of the customers
# active at e − 365 days; L = 1 / c capped (the cap also when c = 0). No such
# customers: c, hence CLV, is NULL (not least()'s NULL-skipping cap).
_CLV = """
    WITH w AS (SELECT sum(amount) AS total, count(*) AS n, count(DISTINCT customer_id) AS buyers
               FROM deals WHERE status = 'won' AND customer_id IS NOT NULL
                 AND closed_at >= {e} - 365 AND closed_at < {e}),
         base AS (SELECT count(*) AS n, count(*) FILTER (WHERE churned_at < {e}) AS churned
                  FROM customers WHERE created_at < {e} - 365
                    AND (churned_at IS NULL OR churned_at >= {e} - 365)),
         c AS (SELECT churned::DOUBLE / NULLIF(n, 0) AS c FROM base)
    SELECT (w.total / NULLIF(w.n, 0)) * (w.n::DOUBLE / NULLIF(w.buyers, 0))
           * CASE WHEN c.c = 0 OR 1 / c.c > {max_lifespan_years} THEN {max_lifespan_years}
                  ELSE 1 / c.c END
           * {gross_margin} AS v
    FROM w, c"""
_RATE_OF_TYPE = f"""
    SELECT count(DISTINCT customer_id) FILTER (WHERE type = '{{kind}}')::DOUBLE
           / NULLIF(count(DISTINCT customer_id), 0) AS v
    FROM deals WHERE {_WON_IN_P} AND customer_id IS NOT NULL"""

# One query per KPI, in KPIS.md order; each returns one row with column v.
KPI_SQL: dict[str, str] = {
    "new_customers": _NEW_CUSTOMERS,
    "active_customers": f"SELECT {_E} AS v",
    "churned_customers": (
        "SELECT count(*) AS v FROM customers WHERE churned_at >= {s} AND churned_at < {e}"
    ),
    "churn_rate": """
        SELECT count(*) FILTER (WHERE churned_at < {e})::DOUBLE / NULLIF(count(*), 0) AS v
        FROM customers WHERE created_at < {s} AND (churned_at IS NULL OR churned_at >= {s})""",
    "retention_rate": """
        SELECT (count(*) - count(*) FILTER (WHERE churned_at < {e}))::DOUBLE
               / NULLIF(count(*), 0) AS v
        FROM customers WHERE created_at < {s} AND (churned_at IS NULL OR churned_at >= {s})""",
    "net_customer_growth": f"SELECT {_E} - {_S} AS v",
    "customer_growth_rate": f"SELECT ({_E} - {_S})::DOUBLE / NULLIF({_S}, 0) AS v",
    "avg_customer_tenure": """
        SELECT avg(({e} - 1) - created_at) AS v
        FROM customers WHERE created_at < {e} AND (churned_at IS NULL OR churned_at >= {e})""",
    "won_deals": f"SELECT count(*) AS v FROM deals WHERE {_WON_IN_P}",
    "revenue": f"SELECT coalesce(sum(amount), 0) AS v FROM deals WHERE {_WON_IN_P}",
    "avg_deal_size": _AVG_DEAL_SIZE,
    "win_rate": _WIN_RATE,
    "close_rate": """
        SELECT count(*) FILTER (WHERE status = 'won')::DOUBLE / NULLIF(count(*), 0) AS v
        FROM deals WHERE created_at >= {s} AND created_at < {e}""",
    "sales_cycle_days": SALES_CYCLE.replace("{agg}", "avg"),
    # First purchase is decided on the whole table: the customer's earliest won closed_at.
    "net_new_revenue": f"""
        WITH won AS (SELECT *, min(closed_at) OVER (PARTITION BY customer_id) AS first_won
                     FROM deals WHERE status = 'won' AND customer_id IS NOT NULL)
        SELECT coalesce(sum(amount), 0) AS v FROM won
        WHERE closed_at = first_won AND {_WON_IN_P}""",
    "sales_per_customer": f"""
        SELECT sum(amount) / NULLIF(count(DISTINCT customer_id), 0) AS v
        FROM deals WHERE {_WON_IN_P} AND customer_id IS NOT NULL""",
    "upsell_rate": _RATE_OF_TYPE.replace("{kind}", "upsell"),
    "cross_sell_rate": _RATE_OF_TYPE.replace("{kind}", "cross_sell"),
    "repeat_purchase_rate": """
        WITH buyers AS (SELECT customer_id, count(*) AS n FROM deals
                        WHERE status = 'won' AND closed_at < {e} AND customer_id IS NOT NULL
                        GROUP BY customer_id)
        SELECT count(*) FILTER (WHERE n >= 2)::DOUBLE / NULLIF(count(*), 0) AS v FROM buyers""",
    "open_deals": _OPEN_DEALS,
    "open_pipeline_value": (
        f"SELECT coalesce(sum(coalesce(amount, 0)), 0) AS v FROM deals WHERE {_OPEN_AT_E}"
    ),
    "weighted_pipeline_value": f"""
        WITH p(stage, probability) AS (VALUES {{stages}})
        SELECT coalesce(sum(coalesce(amount, 0) * CASE status WHEN 'won' THEN 1.0
                                                          WHEN 'lost' THEN 0.0
                                                          ELSE probability END), 0) AS v
        FROM deals LEFT JOIN p USING (stage)
        WHERE {_OPEN_AT_E}""",
    "sales_velocity": f"""
        SELECT od.v * wr.v * ads.v / NULLIF(cyc.v, 0) AS v
        FROM ({_OPEN_DEALS}) AS od, ({_WIN_RATE}) AS wr, ({_AVG_DEAL_SIZE}) AS ads,
             ({SALES_CYCLE.replace("{agg}", "avg")}) AS cyc""",
    "customer_acquisition_cost": _CAC,
    "customer_lifetime_value": _CLV,
    "clv_to_cac": f"SELECT clv.v / NULLIF(cac.v, 0) AS v FROM ({_CLV}) AS clv, ({_CAC}) AS cac",
    "new_leads": _NEW_LEADS,
    "lead_generation_cost": f"""
        SELECT (SELECT coalesce(sum(amount), 0) FROM spend
                WHERE kind = 'marketing' AND date >= {{s}} AND date < {{e}})
               / NULLIF(({_NEW_LEADS}), 0) AS v""",
    # Converted: converted_at present, or status converted, or a won deal carries the lead_id.
    "lead_conversion_rate": """
        SELECT count(*) FILTER (WHERE converted_at IS NOT NULL OR status = 'converted'
                                OR lead_id IN (SELECT lead_id FROM deals
                                               WHERE status = 'won' AND lead_id IS NOT NULL)
                               )::DOUBLE
               / NULLIF(count(*), 0) AS v
        FROM leads WHERE created_at >= {s} AND created_at < {e}""",
    "new_tickets": f"SELECT count(*) AS v FROM tickets WHERE {TICKET_CREATED_IN_P}",
    "resolved_tickets": f"SELECT count(*) AS v FROM tickets WHERE {TICKET_RESOLVED_IN_P}",
    "open_tickets": """
        SELECT count(*) AS v FROM tickets
        WHERE CAST(created_at AS DATE) < {e}
          AND (resolved_at IS NULL OR CAST(resolved_at AS DATE) >= {e})""",
    "first_response_hours": f"""
        SELECT avg({HOURS.format(b="first_response_at")}) AS v FROM tickets
        WHERE {TICKET_CREATED_IN_P} AND first_response_at IS NOT NULL""",
    # Unanswered tickets stay in the denominator (missed); exactly at the limit is within.
    "first_response_sla_rate": f"""
        SELECT count(*) FILTER (WHERE first_response_at IS NOT NULL
                                AND {HOURS.format(b="first_response_at")} <= {{sla_hours}}
                               )::DOUBLE
               / NULLIF(count(*), 0) AS v
        FROM tickets WHERE {TICKET_CREATED_IN_P}""",
    "resolution_hours": (
        f"SELECT avg({HOURS.format(b='resolved_at')}) AS v FROM tickets"
        f" WHERE {TICKET_RESOLVED_IN_P}"
    ),
    "csat": f"""
        SELECT count(*) FILTER (WHERE csat >= 4)::DOUBLE / NULLIF(count(*), 0) AS v
        FROM tickets WHERE {TICKET_RESOLVED_IN_P} AND csat IS NOT NULL""",
    "nps": """
        SELECT (count(*) FILTER (WHERE score >= 9) - count(*) FILTER (WHERE score <= 6)) * 100.0
               / NULLIF(count(*), 0) AS v
        FROM surveys WHERE responded_at >= {s} AND responded_at < {e}""",
}
