"""crmkpi: trustworthy KPI reports from CRM exports."""

__version__ = "0.1.0"
