"""Synthetic CRM exports for ``crmkpi sample``: demos, golden tests, benchmarks.

``generate_sample`` builds every canonical table of one consistent made-up
business (customers acquired through converted leads and won first deals,
expansion and renewals, churn, support tickets, NPS surveys, spend);
``write_sample`` writes them as canonical CSV files, or with
``calendar="jalali"`` as an Iranian business has them (Didar exports with
Persian headers, Jalali dates and Persian digits, plus a ``crmkpi.yaml``
that reads them): the same rows, so the same KPI values.
"""

from __future__ import annotations

from crmkpi.sample._generate import generate_sample
from crmkpi.sample._write import write_sample

__all__ = ["generate_sample", "write_sample"]
