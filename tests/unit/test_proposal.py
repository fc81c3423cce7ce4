"""What `init` guesses for a file no preset fits (crmkpi/proposal.py)."""

from __future__ import annotations

from pathlib import Path

from crmkpi.proposal import header_score, propose


def _file(tmp_path: Path, text: str, name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_columns_are_guessed_by_header_and_content(tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        "Ref,Opened,Outcome,Finished,Value,Type\n"
        "A1,2026-09-01,Closed Won,2026-10-03,1000,Renewal\n"
        "A2,2026-09-20,Closed Lost,2026-10-10,,Partner deal\n"
        "A3,2026-10-02,Negotiation,,500,Renewal\n"
        "A4,2026-10-05,Negotiation,,700,Renewal\n",
    )
    proposal = propose(path)
    assert proposal.table == "deals"
    columns = {g.column: g.header for g in proposal.columns}
    # Ref: unique and named like an id; Opened: the earliest dates no header
    # claims for another column; Finished has no hint, so it stays unmapped.
    assert columns["deal_id"] == "Ref"
    assert columns["created_at"] == "Opened"
    assert columns["status"] == "Outcome"
    assert columns["amount"] == "Value"
    assert {w.value: w.target for w in proposal.values["status"]} == {
        "Closed Won": "won",
        "Closed Lost": "lost",
        "Negotiation": "open",  # neither won nor lost: a stage
    }
    assert {w.value: w.target for w in proposal.values["type"]} == {"Partner deal": ""}


def test_an_event_log_needs_a_query(tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        "Ticket Number,State,Updated\nT1,New,2026-10-01\nT1,Closed,2026-10-02\nT2,New,2026-10-03\n",
    )
    proposal = propose(path)
    assert proposal.table == "tickets"
    assert proposal.reshape is not None
    assert proposal.reshape.startswith('an event log: "Ticket Number" repeats (2 distinct values')


def test_header_similarity() -> None:
    assert header_score("customerID", ("customer id",)) == 1.0
    assert header_score("close_value", ("amount", "value")) > 0.6
    assert header_score("region", ("amount",)) == 0.0
