"""Report formats through the CLI: inferred from --output, user templates,
template errors as config errors naming the file and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from crmkpi.cli import app

runner = CliRunner()
OCT = ["-p", "2026-10", "--as-of", "2026-11-20"]


def _report(*args: str) -> object:
    return runner.invoke(app, ["report", *args])


@pytest.mark.parametrize(
    ("name", "starts"),
    [
        ("r.md", "## CRM KPIs"),
        ("r.markdown", "## CRM KPIs"),
        ("r.csv", "kpi,label,unit,better,role"),
        ("r.html", "<!DOCTYPE html>"),
        ("r.HTM", "<!DOCTYPE html>"),
        ("r.json", "{"),
    ],
)
def test_format_follows_the_output_extension(
    data_dir: Path, tmp_path: Path, name: str, starts: str
) -> None:
    result = _report("-d", str(data_dir), *OCT, "-o", str(tmp_path / "deep" / name), "-q")
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    written = (tmp_path / "deep" / name).read_text(encoding="utf-8")
    assert written.lstrip().upper().startswith(starts.upper())
    assert result.stdout == ""  # type: ignore[attr-defined]


def test_format_option_wins_over_the_extension(data_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "r.txt"
    result = _report("-d", str(data_dir), *OCT, "-o", str(target), "-f", "csv", "-q")
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    assert target.read_text(encoding="utf-8").startswith("kpi,label")


def test_dash_writes_to_stdout(data_dir: Path) -> None:
    result = _report("-d", str(data_dir), *OCT, "-o", "-", "-f", "md")
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    assert result.stdout.startswith("## CRM KPIs")  # type: ignore[attr-defined]


def _template(tmp_path: Path, text: str, name: str = "my.md.j2") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_user_template_replaces_the_shipped_one(data_dir: Path, tmp_path: Path) -> None:
    template = _template(
        tmp_path,
        "{{ report.title }}: {% for k in report.kpis %}{{ k.id }}={{ k.display }} {% endfor %}\n",
    )
    result = _report("-d", str(data_dir), *OCT, "-f", "md", "--template", str(template))
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    assert "revenue=1,500.00 " in result.stdout  # type: ignore[attr-defined]


def test_templates_key_in_the_config(data_dir: Path, tmp_path: Path) -> None:
    _template(tmp_path, "custom {{ report.period.label }}\n")
    config = tmp_path / "crmkpi.yaml"
    config.write_text(f"data: {data_dir}\ntemplates: {{md: my.md.j2}}\n", encoding="utf-8")
    result = _report("-c", str(config), *OCT, "-f", "md")
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    assert result.stdout == "custom 2026-10\n"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("line one\n{% for k in report.kpis %}\nno end\n", ["my.md.j2, line 3", "endfor"]),
        ("ok\n{{ report.nope }}\n", ["my.md.j2, line 2", "nope"]),
        ("{{ nobody }}\n", ["my.md.j2, line 1", "'nobody' is undefined"]),
        ("{{ ''.__class__.__mro__[1].__subclasses__() }}\n", ["my.md.j2", "unsafe"]),
        ("{{ cycler.__init__.__globals__ }}\n", ["my.md.j2", "unsafe"]),
        ("{{ 1 / 0 }}\n", ["my.md.j2, line 1", "division by zero"]),
    ],
)
def test_template_errors_are_config_errors_naming_file_and_line(
    data_dir: Path, tmp_path: Path, text: str, words: list[str]
) -> None:
    template = _template(tmp_path, text)
    result = _report("-d", str(data_dir), *OCT, "-f", "md", "--template", str(template))
    assert result.exit_code == 2, result.stdout  # type: ignore[attr-defined]
    message = result.stderr  # type: ignore[attr-defined]
    for word in words:
        assert word in message
    assert "Traceback" not in message


def test_missing_template_file(data_dir: Path, tmp_path: Path) -> None:
    result = _report("-d", str(data_dir), *OCT, "-f", "md", "--template", str(tmp_path / "x.j2"))
    assert result.exit_code == 2
    assert "x.j2: file not found" in result.stderr  # type: ignore[attr-defined]


def test_template_with_a_format_that_has_none(data_dir: Path, tmp_path: Path) -> None:
    template = _template(tmp_path, "x")
    result = _report("-d", str(data_dir), *OCT, "-f", "json", "--template", str(template))
    assert result.exit_code == 2
    assert "--template applies to the html and md formats, not json" in result.stderr  # type: ignore[attr-defined]
