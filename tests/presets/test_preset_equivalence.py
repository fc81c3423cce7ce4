"""Each shipped preset reads its CRM's export into the same canonical tables.

Per fixture: the canonical tables as crmkpi's own CSVs in one folder, the
same tables as the CRM exports them in another (real headers, vocabularies,
date formats, file names and the pitfalls of EXPORTS.md). A report on each
folder must give the same KPI values (same available set, same values, same
reasons) for October and November 2026, each with its previous period and a
three-month trend. The export run either detects the preset or names it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from _crm_freshdesk import FRESHDESK
from _crm_hubspot import HUBSPOT
from _crm_pipedrive import PIPEDRIVE, PIPEDRIVE_LEGACY
from _crm_salesforce import SALESFORCE, SALESFORCE_REPORT
from _crm_zendesk import ZENDESK
from _crm_zoho import ZOHO
from _preset_kit import (
    PERIODS,
    Crm,
    assert_same_kpis,
    export_sources,
    kpi_values,
    plain,
    run,
    write_canonical,
)

from crmkpi.engine import Report

CRMS = [
    HUBSPOT,
    SALESFORCE,
    SALESFORCE_REPORT,
    PIPEDRIVE,
    PIPEDRIVE_LEGACY,
    ZOHO,
    ZENDESK,
    FRESHDESK,
]


def _reports(
    tmp_path: Path, crm: Crm, named: bool, period: str, confirmed: bool = True
) -> tuple[Report, Report]:
    canonical, export = tmp_path / "canonical" / "data", tmp_path / "export" / "data"
    write_canonical(crm.tables, canonical)
    crm.write(crm.tables, export)
    sources = export_sources(crm, named, confirmed)
    return run(canonical, crm, period, {}), run(export, crm, period, sources)


@pytest.mark.parametrize("named", [False, True], ids=["detected", "named"])
@pytest.mark.parametrize("crm", CRMS, ids=[c.id for c in CRMS])
def test_export_gives_the_canonical_kpis(tmp_path: Path, crm: Crm, named: bool) -> None:
    for period in PERIODS:
        ours, theirs = _reports(tmp_path / period, crm, named, period)
        assert {i.table: i.preset for i in theirs.inputs} == crm.inputs
        assert assert_same_kpis(ours, theirs) >= crm.min_available
        assert theirs.warnings == crm.warnings
        values = kpi_values(theirs)
        for (kpi, when), expected in crm.worked.items():
            if when == period:
                assert values[(kpi, "current")].value == pytest.approx(expected), kpi


@pytest.mark.parametrize("crm", CRMS, ids=[c.id for c in CRMS])
def test_export_gives_the_canonical_sections(tmp_path: Path, crm: Crm) -> None:
    for period in PERIODS:
        ours, theirs = _reports(tmp_path / period, crm, False, period)
        assert [plain(s) for s in theirs.sections] == [plain(s) for s in ours.sections]


WITH_WORDS = [c for c in CRMS if c.vocabulary]


@pytest.mark.parametrize("crm", WITH_WORDS, ids=[c.id for c in WITH_WORDS])
def test_unknown_words_leave_every_other_kpi_canonical(tmp_path: Path, crm: Crm) -> None:
    # Issue 21: the vendor's standard words no preset may guess, with no
    # values: line. Every KPI that does not read them equals the canonical
    # data's; those that do are unavailable in every period, naming the word.
    for period in PERIODS:
        ours, theirs = _reports(tmp_path / period, crm, False, period, confirmed=False)
        leave_out = frozenset(crm.unknown)
        assert assert_same_kpis(ours, theirs, leave_out) >= crm.min_available - len(leave_out)
        for (kpi, which), measured in kpi_values(theirs).items():
            if kpi in crm.unknown:
                assert measured.value is None, (kpi, which)
                assert f'"{crm.unknown[kpi]}"' in (measured.reason or ""), (kpi, which)
        words = [w for w in theirs.warnings if w not in crm.warnings]
        assert len(words) == len(crm.vocabulary), words  # one per column
        assert all(f'"{word}"' in " ".join(words) for word in crm.unknown.values())
        assert [plain(s) for s in theirs.sections] == [plain(s) for s in ours.sections]
