"""Synthetic CRM exports for ``crmkpi sample``: demos, golden tests, benchmarks.

``generate_sample`` builds every canonical table of one consistent made-up
business (customers acquired through converted leads and won first deals,
expansion and renewals, churn, support tickets, NPS surveys, spend);
``write_sample`` writes them as canonical CSV files.
"""

from __future__ import annotations

from crmkpi.sample._generate import generate_sample
from crmkpi.sample._write import write_sample

__all__ = ["generate_sample", "write_sample"]
