"""The built-in KPI library. Importing the package registers every family."""

from crmkpi.kpis import customers, deals  # noqa: F401 - registration by import
from crmkpi.kpis.registry import REGISTRY, Kpi, KpiOptions, KpiSettings, Tables, get

__all__ = ["REGISTRY", "Kpi", "KpiOptions", "KpiSettings", "Tables", "get"]
