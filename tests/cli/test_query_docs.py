"""docs/query.md's example runs through crmkpi and says what it reports.

The page's CSV and YAML blocks are written to a folder as they are; the
values asserted are worked out by hand from the five order lines."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from crmkpi.cli import app

PAGE = Path(__file__).resolve().parents[2] / "docs" / "query.md"
GOOD_QUERY = re.compile(r"      SELECT customer AS customer_id,\n.*?GROUP BY customer\n", re.DOTALL)


def _blocks(kind: str) -> list[str]:
    return re.findall(rf"^```{kind}\n(.*?)^```$", PAGE.read_text(encoding="utf-8"), re.M | re.S)


def _report(folder: Path, config: str) -> dict[str, Any]:
    (folder / "crmkpi.yaml").write_text(config, encoding="utf-8")
    args = ["-c", str(folder / "crmkpi.yaml"), "-p", "2026-10", "--as-of", "2026-11-20"]
    result = CliRunner().invoke(app, ["report", *args, "-f", "json"])
    assert result.exit_code == 0, result.stderr
    return {k["id"]: k for k in json.loads(result.stdout)["kpis"]}


def test_the_pages_example_reports_what_the_page_says(tmp_path: Path) -> None:
    (orders,), (config,) = _blocks("csv"), _blocks("yaml")
    (tmp_path / "orders.csv").write_text(orders, encoding="utf-8")
    kpis = _report(tmp_path, config)
    # Globex first ordered 14.10.2026; ACME on 20.10.2025 (the year-ago month).
    assert (kpis["new_customers"]["value"], kpis["new_customers"]["year_ago"]) == (1, 1)
    assert kpis["won_deals"]["value"] == 3  # A-2, B-1, B-2
    assert kpis["revenue"]["value"] == 1600.0  # 1,200.00 + 300.00 + 80.00 + 20.00
    assert kpis["revenue"]["year_ago"] == 99.9


def test_the_trap_the_page_shows_is_real(tmp_path: Path) -> None:
    """MIN over the text dates takes 05.10.2026 for ACME's first order."""
    (orders,), (config,), (trap,) = _blocks("csv"), _blocks("yaml"), _blocks("sql")
    (tmp_path / "orders.csv").write_text(orders, encoding="utf-8")
    assert GOOD_QUERY.search(config)
    kpis = _report(tmp_path, GOOD_QUERY.sub("      " + trap, config))
    assert (kpis["new_customers"]["value"], kpis["new_customers"]["year_ago"]) == (2, 0)
