"""Files that are not UTF-8: read when a BOM or the config says what they
are, refused with the line and the encoding to declare when nothing does."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from crmkpi.errors import DataError
from crmkpi.sources.encodings import NotUtf8Error, guess_encoding, not_utf8
from crmkpi.sources.loaders import MAX_HEADER_BYTES, open_table

# "customer Tehran", with the Arabic yeh (U+064A) that Windows' Persian code page spells
PERSIAN = "\u0645\u0634\u062a\u0631\u064a \u062a\u0647\u0631\u0627\u0646"
WESTERN = "Caf\u00e9 M\u00fcller"


def rows(raw_path: Path, **options: str) -> list[dict[str, object]]:
    return open_table(raw_path, **options).frame.drop("__row").collect().to_dicts()


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-16-le"])
def test_a_utf16_file_with_a_bom_is_read_without_a_declaration(tmp_path: Path, codec: str) -> None:
    bom = {"utf-16-be": codecs.BOM_UTF16_BE, "utf-16-le": codecs.BOM_UTF16_LE}.get(codec, b"")
    text = f"id\tname\r\nc1\t{WESTERN}\r\nc2\t{PERSIAN}\r\n"
    path = write(tmp_path, "customers.tsv", bom + text.encode(codec))  # "utf-16" adds its own
    assert rows(path) == [{"id": "c1", "name": WESTERN}, {"id": "c2", "name": PERSIAN}]


@pytest.mark.parametrize(("codec", "name"), [("cp1252", WESTERN), ("cp1256", PERSIAN)])
def test_a_declared_encoding_is_read(tmp_path: Path, codec: str, name: str) -> None:
    path = write(tmp_path, "customers.csv", f"id,name\nc1,{name}\n".encode(codec))
    assert rows(path, encoding=codec) == [{"id": "c1", "name": name}]


def test_bytes_that_are_not_the_declared_encoding_name_their_line(tmp_path: Path) -> None:
    # 0x81 has no character in cp1252.
    path = write(tmp_path, "customers.csv", b"id,name\nc1,ok\nc2,Caf\x81\n")
    with pytest.raises(DataError) as info:
        open_table(path, encoding="cp1252")
    assert str(info.value).startswith(f"{path}, line 3: byte 0x81 in “c2,Caf\\x81”")
    assert "is not cp1252 text" in str(info.value)


def test_an_encoding_on_a_workbook_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "deals.parquet", b"PAR1")
    with pytest.raises(DataError, match="only a text file has one"):
        open_table(path, encoding="cp1252")


@pytest.mark.parametrize(
    ("text", "codec", "guess"),
    [
        (f"id,name\nc1,{WESTERN}\n", "cp1252", "cp1252"),
        (f"id,name\nc1,{PERSIAN}\n", "cp1256", "cp1256"),
        (f"id,name\nc1,{WESTERN}\n", "utf-16-le", "utf-16-le"),  # no BOM
        (f"id,name\nc1,{WESTERN}\n", "utf-16-be", "utf-16-be"),
    ],
)
def test_the_encoding_to_declare_is_guessed(text: str, codec: str, guess: str) -> None:
    assert guess_encoding(text.encode(codec)) == guess


def test_binary_data_is_no_encoding() -> None:
    assert guess_encoding(b"PK\x03\x04\x14\x00\x06\x00\x08\x00" * 10) is None  # a zip, say
    assert guess_encoding(bytes(range(256))) is None


def test_the_first_foreign_byte_is_found_past_the_first_megabyte(tmp_path: Path) -> None:
    # 120,000 lines of 10 bytes: the file's bytes are read in 1 MB pieces cut at
    # line breaks, so the line number must survive the cut.
    lines = [b"c%07d,x" % n for n in range(120_000)]
    lines[110_000] = b"c0110000,\xe9"
    path = write(tmp_path, "customers.csv", b"id,name\n" + b"\n".join(lines) + b"\n")
    found = not_utf8(path)
    assert isinstance(found, NotUtf8Error)
    assert str(found).startswith(f"{path}, line 110002: byte 0xE9 in “c0110000,\\xE9”")
    assert "it looks like cp1252" in str(found)
    assert "(sources: <table>: encoding: cp1252)" in str(found)
    assert "(sources: customers: encoding: cp1252)" in str(found.for_table("customers"))


def test_a_utf8_file_has_no_foreign_byte(tmp_path: Path) -> None:
    assert not_utf8(write(tmp_path, "c.csv", f"id,name\nc1,{PERSIAN}\n".encode())) is None


def test_an_undeclared_cp1252_file_is_refused_when_read(tmp_path: Path) -> None:
    path = write(tmp_path, "customers.csv", f"id,name\nc1,ok\nc2,{WESTERN}\n".encode("cp1252"))
    with pytest.raises(NotUtf8Error, match=r"line 3: byte 0xE9 in “c2,Caf\\xE9 M\\xFCller”"):
        open_table(path).frame.collect()


def test_a_first_line_over_one_megabyte_is_no_header(tmp_path: Path) -> None:
    path = write(tmp_path, "deals.csv", b"a" * MAX_HEADER_BYTES + b"b\nc\n")
    with pytest.raises(DataError, match="the first line is longer than 1 MB"):
        open_table(path)
    path.write_bytes(b"a" * (MAX_HEADER_BYTES - 1) + b"\nc\n")  # 1 MB with its line break
    assert open_table(path).headers == ("a" * (MAX_HEADER_BYTES - 1),)
