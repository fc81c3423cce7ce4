"""Random hostile input through the whole CLI (issue 24, "Done when").

hypothesis feeds random bytes as a data file, random YAML as the config and
random amounts with currency words to ``crmkpi report``, and checks the four
promises that hold for any input: no traceback, never exit 70 (a user's input
is never a bug), no NaN or infinity in the JSON (strict RFC 8259), and no
input file changed.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from _hostile import PERIOD, invoke, snapshot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmkpi.configkeys import CONFIG_KEYS

CUSTOMERS = (
    b"customer_id,created_at,churned_at,segment\nC1,2026-01-10,,SMB\nC2,2026-09-15,2026-10-01,Ent\n"
)
DEALS_HEADER = "deal_id,created_at,status,closed_at,amount,customer_id"
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="crmkpi-property-") as name:
        yield Path(name)


def _strict_json(text: str) -> object:
    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} in the JSON report")

    return json.loads(text, parse_constant=refuse)


def _report(folder: Path, *args: str) -> tuple[int, str, str]:
    """``crmkpi report`` of ``folder/data`` as JSON; the four promises checked."""
    data = folder / "data"
    before = snapshot(data)
    outcome = invoke("report", "-d", str(data), *PERIOD, "-f", "json", *args)
    assert outcome.code != 70, outcome
    assert outcome.code in (0, 1, 2, 3), outcome
    assert "Traceback" not in outcome.output, outcome
    assert snapshot(data) == before
    if outcome.code == 0:
        _strict_json(outcome.stdout)
    else:
        assert outcome.stderr.startswith("crmkpi: "), outcome
    return outcome.code, outcome.stdout, outcome.stderr


def _fresh(folder: Path) -> Path:
    data = folder / "data"
    if data.exists():
        for old in data.iterdir():
            old.unlink()
    else:
        data.mkdir()
    (data / "customers.csv").write_bytes(CUSTOMERS)
    return data


NAMES = st.sampled_from(["deals.csv", "deals.tsv", "deals.txt", "deals.xlsx", "deals.parquet"])
PREFIXES = st.sampled_from(
    [b"", b"PK\x03\x04", b"PAR1", b"\xef\xbb\xbf", b"\xff\xfe", DEALS_HEADER.encode() + b"\n"]
)


@SETTINGS
@given(name=NAMES, prefix=PREFIXES, body=st.binary(max_size=600))
def test_random_bytes_as_a_data_file(folder: Path, name: str, prefix: bytes, body: bytes) -> None:
    data = _fresh(folder)
    (data / name).write_bytes(prefix + body)
    code, _, _ = _report(folder)
    assert code in (0, 3)


# --- random YAML ----------------------------------------------------------------

KEYS = sorted({k.path.split(".")[0] for k in CONFIG_KEYS if not k.path.startswith("<")})
SCALARS = st.one_of(
    st.sampled_from(
        [
            "yes",
            "no",
            "on",
            "~",
            "null",
            "0",
            "-1",
            "010",
            "1e309",
            ".nan",
            "-.inf",
            "0000-01-01",
            "2026-13-45",
            "'\\0'",
            '"\\ud800"',
            "[]",
            "{}",
            "&a x",
            "*a",
            "!!binary AAAA",
            "|",
            "USD",
            "EUR 5",
            "Factory",
            "Europe/Berlin",
            "jalali",
            "100000",
            "99999999999999999999",
        ]
    ),
    st.integers(-(10**6), 10**6).map(str),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12).map(json.dumps),
)


@st.composite
def _yaml(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        key = draw(st.sampled_from([*KEYS, "kpis", "unknown_key"]))
        shape = draw(st.sampled_from(["scalar", "list", "map"]))
        if shape == "scalar":
            lines.append(f"{key}: {draw(SCALARS)}")
        elif shape == "list":
            items = draw(st.lists(SCALARS, max_size=3))
            lines.append(f"{key}: [{', '.join(items)}]")
        else:
            inner = draw(st.sampled_from(["min", "max", "deals", "path", "fail", "x"]))
            lines.append(f"{key}: {{{inner}: {draw(SCALARS)}}}")
    return "\n".join(lines) + "\n"


@SETTINGS
@given(text=_yaml())
def test_random_yaml_as_the_config(folder: Path, text: str) -> None:
    _fresh(folder)
    config = folder / "crmkpi.yaml"
    config.write_text(text, encoding="utf-8")
    before = config.read_bytes()
    _report(folder, "-c", str(config))
    assert config.read_bytes() == before


# --- amounts with currency words ----------------------------------------------------

WORDS = st.sampled_from(
    ["", "$", "€", "£", "¥", "USD", "EUR", "JPY", "IRR", "IRT", "ریال", "تومان", "mln", "Mio",
     "TSD", "pcs", "abc", "k", "NaN", "inf", "-", "+", "%", "1e308", "e5"]
)  # fmt: skip
NUMBERS = st.one_of(
    st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False).map(str),
    st.sampled_from(["1,234.50", "1.234,50", "0", "-5", "1e309", "NaN", "", "9" * 400]),
)


@st.composite
def _amount(draw: st.DrawFn) -> str:
    before, number, after = draw(WORDS), draw(NUMBERS), draw(WORDS)
    space = draw(st.sampled_from(["", " "]))
    return f"{before}{space}{number}{space}{after}".strip()


@SETTINGS
@given(
    amounts=st.lists(_amount(), min_size=1, max_size=4),
    currency=st.sampled_from(["", "USD", "IRR"]),
)
def test_random_amounts_with_currency_words(
    folder: Path, amounts: list[str], currency: str
) -> None:
    data = _fresh(folder)
    rows = [DEALS_HEADER] + [
        f"D{n},2026-10-01,won,2026-10-05,{json.dumps(a)},C1" for n, a in enumerate(amounts)
    ]
    (data / "deals.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    config = folder / "crmkpi.yaml"
    config.write_text(f"currency: {currency}\n" if currency else "title: x\n", encoding="utf-8")
    code, stdout, _ = _report(folder, "-c", str(config))
    assert code in (0, 3)
    if code == 0:
        revenue = next(k for k in json.loads(stdout)["kpis"] if k["id"] == "revenue")
        assert revenue["value"] is None or revenue["value"] >= 0
