"""Shared fixtures: small canonical exports written to a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

CUSTOMERS_CSV = """customer_id,created_at,churned_at,segment
C1,2026-01-10,,SMB
C2,2026-09-15,2026-10-01,SMB
C3,2026-10-05,2026-10-20,Enterprise
C4,2026-08-01,,Enterprise
"""

DEALS_CSV = """deal_id,created_at,status,closed_at,amount,customer_id,type
D1,2026-09-01,won,2026-10-03,"1,000.00",C1,new
D2,2026-10-01,won,2026-10-10,500,C1,upsell
D3,2026-10-02,lost,2026-10-12,,C2,new
D4,2026-10-05,open,2026-12-01,2000,C4,new
"""


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """customers.csv and deals.csv as in the worked example of tests/cli."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "customers.csv").write_text(CUSTOMERS_CSV, encoding="utf-8")
    (folder / "deals.csv").write_text(DEALS_CSV, encoding="utf-8")
    return folder


@pytest.fixture
def shared_dir() -> Path:
    """../shared (spec, data sets); tests that need it skip cleanly without it."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present")
    return SHARED
