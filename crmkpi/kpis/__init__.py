"""The built-in KPI library. Importing the package registers every family."""

# Registration by import, in KPIS.md order (the registry lists KPIs as the docs do).
from crmkpi.kpis import customers, deals, value  # noqa: F401, I001
from crmkpi.kpis import leads, support  # noqa: F401
from crmkpi.kpis.registry import REGISTRY, Kpi, KpiOptions, KpiSettings, Tables, get

__all__ = ["REGISTRY", "Kpi", "KpiOptions", "KpiSettings", "Tables", "get"]
