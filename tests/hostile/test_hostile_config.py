"""Hostile configs and templates through the real CLI.

Protects SPEC.md "Config": a config or template can never run code (no
Python tags, formulas and filters never reach ``eval`` or SQL statements,
templates run in Jinja's sandbox), and every limit (1 MiB, aliases, nesting)
is a clear config error (exit 2) naming the file, in well under a second,
never a hang, a traceback or a message the size of the attack.
"""

from __future__ import annotations

import pytest
from _hostile import PERIOD, Outcome, Scene

PWNED = "pwned"


def _bomb(levels: int, key: str = "title") -> str:
    """ "Billion laughs": each level is a list of nine aliases of the one before,
    so ``levels`` levels expand to 9 ** levels strings from 8 * (levels - 1) aliases."""
    lists = [f"&l0 [{', '.join(['lol'] * 9)}]"]
    lists += [f"&l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, levels)]
    return f"{key}: [{', '.join(lists)}]\n"


def _report_with(scene: Scene, config: str, *args: str) -> Outcome:
    path = scene.config(config)
    return scene.report("-c", str(path), *args)


@pytest.mark.parametrize(
    ("line", "text"),
    [
        (1, 'title: !!python/object/apply:os.system ["touch pwned"]\n'),
        (3, "title: x\nkpis:\n  - !!python/object/new:subprocess.Popen [[touch, pwned]]\n"),
        (2, "title: x\ncurrency: !!python/name:os.system\n"),
    ],
)
def test_yaml_python_tags_are_refused(scene: Scene, line: int, text: str) -> None:
    outcome = _report_with(scene, text)
    scene.assert_refused(outcome, 2, f"crmkpi.yaml, line {line}:", "python/")
    assert not (scene.root / PWNED).exists()


def test_yaml_over_one_mebibyte(scene: Scene) -> None:
    outcome = _report_with(scene, "title: x\n# " + "x" * (1 << 20) + "\n")
    scene.assert_refused(outcome, 2, "crmkpi.yaml", "the limit is 1 MiB")


def test_yaml_with_too_many_aliases_names_the_file(scene: Scene) -> None:
    outcome = _report_with(scene, "title: &t x\nbreakdowns: [" + ", ".join(["*t"] * 500) + "]\n")
    scene.assert_refused(outcome, 2, "crmkpi.yaml", "more than 100 YAML aliases")


def test_small_alias_bomb_gives_a_short_message(scene: Scene) -> None:
    outcome = _report_with(scene, _bomb(6))
    scene.assert_refused(outcome, 2, "crmkpi.yaml")
    assert len(outcome.stderr) < 500, len(outcome.stderr)


@pytest.mark.parametrize("key", ["kpis", "breakdowns", "sections", "compare"])
def test_alias_bomb_under_a_list_key_is_refused_quickly(scene: Scene, key: str) -> None:
    outcome = _report_with(scene, _bomb(9, key))
    scene.assert_refused(outcome, 2, "crmkpi.yaml: its aliases expand to more than 100,000 values")
    assert len(outcome.stderr) < 500, len(outcome.stderr)


# 200,000 deep (400 KB, under the size limit) crashed libyaml's composer with
# SIGSEGV: a user's config is read by PyYAML's Python parser only.
@pytest.mark.parametrize(
    "nested",
    [
        "[" * 20_000 + "]" * 20_000,
        "{a: " * 5_000 + "1" + "}" * 5_000,
        "[" * 200_000 + "]" * 200_000,
    ],
)
def test_yaml_nested_too_deep(scene: Scene, nested: str) -> None:
    outcome = _report_with(scene, f"title: {nested}\n")
    scene.assert_refused(outcome, 2, "crmkpi.yaml", "deep")


CODE_FILTERS = [
    "__import__('os').system('touch pwned')",
    "1; DROP TABLE deals",
    "amount > 0; COPY deals TO 'pwned'",
    "amount > (SELECT max(amount) FROM deals)",
    "amount > 0 UNION SELECT 1",
    "pipeline IN (SELECT pipeline FROM read_csv('/etc/passwd'))",
    "owner IN (SELECT owner FROM read_csv('secret.csv'))",
]


@pytest.mark.parametrize("sql", CODE_FILTERS)
def test_filter_cannot_run_code_or_statements(scene: Scene, sql: str) -> None:
    (scene.root / "secret.csv").write_text("owner\nroot:x:0:0\n", encoding="utf-8")
    quoted = sql.replace('"', '\\"')
    config = f'kpis:\n  - id: x\n    base: revenue\n    filter: "{quoted}"\n'
    outcome = _report_with(scene, config)
    scene.assert_refused(
        outcome,
        2,
        "crmkpi.yaml, line 4: filter",
        "is not a valid SQL condition",
    )
    assert not (scene.root / PWNED).exists()
    assert "root:" not in outcome.stderr  # nothing read from another file is shown


@pytest.mark.parametrize(
    ("formula", "words"),
    [
        ("__import__('os').system('touch pwned')", "unexpected"),
        ("revenue.__class__.__mro__", "unexpected '.__class__"),
        ("revenue; import os", "unexpected ';"),
        ("(" * 100 + "revenue" + ")" * 100, "nested more than 32 levels"),
        ("revenue+" * 600 + "revenue", "longer than 1000 characters"),
    ],
)
def test_formula_cannot_run_code_and_has_limits(scene: Scene, formula: str, words: str) -> None:
    config = f'kpis:\n  - revenue\n  - id: x\n    unit: currency\n    formula: "{formula}"\n'
    outcome = _report_with(scene, config)
    scene.assert_refused(outcome, 2, "crmkpi.yaml, line 5: formula", words)
    assert not (scene.root / PWNED).exists()


def test_filter_nested_too_deep_gives_a_short_message(scene: Scene) -> None:
    config = (
        f'kpis:\n  - id: x\n    base: revenue\n    filter: "{"(" * 5000}amount > 0{")" * 5000}"\n'
    )
    outcome = _report_with(scene, config)
    scene.assert_refused(outcome, 2, "crmkpi.yaml, line 4: filter")
    assert len(outcome.stderr) < 1000, len(outcome.stderr)


TEMPLATES = [
    ("html", "{{ cycler.__init__.__globals__.os.system('touch pwned') }}", "unsafe"),
    ("md", "{{ lipsum.__globals__['os'].popen('touch pwned').read() }}", "unsafe"),
    ("md", "{% for c in ().__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}", "unsafe"),
    ("md", "{{ self._TemplateReference__context }}", "unsafe"),
    ("html", "{% for i in range(10**9) %}x{% endfor %}", "Range too big"),
    ("md", "{% include '/etc/passwd' %}", "/etc/passwd"),
]


@pytest.mark.parametrize(("fmt", "text", "words"), TEMPLATES)
def test_template_cannot_reach_python_internals(
    scene: Scene, fmt: str, text: str, words: str
) -> None:
    template = scene.root / f"evil.{fmt}.j2"
    template.write_text(text + "\n", encoding="utf-8")
    target = scene.out.with_name(f"report.{fmt}")
    outcome = scene.run(
        "report", "-d", str(scene.data), *PERIOD, "-o", str(target), "--template", str(template)
    )
    scene.assert_refused(outcome, 2, f"template {template}, line 1:", words)
    assert not target.exists()
    assert not (scene.root / PWNED).exists()
