"""Safe YAML reading that remembers the line of every node.

Values are built by PyYAML's SafeLoader only (no Python tags, no code). Lines
are kept in a side table keyed by the path of keys/indexes, so an error about
``kpis[2].churn_rate`` can say ``crmkpi.yaml, line 12``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from crmkpi.errors import ConfigError, shorten, suggest

MAX_CONFIG_BYTES = 1 << 20
MAX_NODES = 100_000
MAX_ALIAS_USES = 100
MAX_EXPANDED = 100_000  # nodes once every alias is expanded (what a reader of the data sees)
MAX_SHOWN = 80  # characters of a value quoted in a message

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class YamlDoc:
    """A parsed document: ``data`` as plain Python, ``lines`` 1-based per path."""

    name: str
    data: Any
    lines: dict[KeyPath, int] = field(default_factory=dict)

    def where(self, path: KeyPath) -> str:
        """``crmkpi.yaml, line 4`` for the closest known ancestor of ``path``."""
        for cut in range(len(path), -1, -1):
            line = self.lines.get(path[:cut])
            if line is not None:
                return f"{self.name}, line {line}"
        return self.name


def read_yaml(path: Path, *, ours: bool = False) -> YamlDoc:
    """Read a config file safely; every failure is a ConfigError naming the file.
    ``ours``: a file shipped in the package (see ``parse_yaml``)."""
    try:
        size = path.stat().st_size
        if size > MAX_CONFIG_BYTES:
            raise ConfigError(f"{path}: config is {size} bytes; the limit is 1 MiB")
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: the config is not UTF-8 text") from exc
    return parse_yaml(text, path.name, ours=ours)


# libyaml's parser, when PyYAML has it, for the package's own files (presets,
# the default config): the same safe constructor, 10× faster on the presets read
# at every run. Never for a user's file: its C composer recurses without limit,
# and a config nested 200,000 deep crashes the process (measured: SIGSEGV).
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str, name: str, *, ours: bool = False) -> YamlDoc:
    """``text`` as a YamlDoc; ``ours`` marks a file shipped in the package.

    YAML means one thing (see ``_record_lines``): a key given twice, a
    number with a leading zero (YAML 1.1 reads ``010`` as octal 8) and a lone
    surrogate are errors; mapping keys are the text written (``yes:`` is
    the key "yes", not True)."""
    loader = _loader(text, name, ours)
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlDoc(name, None, {})
        lines: dict[KeyPath, int] = {}
        _record_lines(node, (), lines, _Walk(name))
        if _expanded_size(node, {}) > MAX_EXPANDED:
            raise _refused("its aliases expand to more than 100,000 values")
        data = loader.construct_document(node)
    except _RefusedError as exc:
        raise ConfigError(f"{name}: {exc}; refusing to read it") from None
    except RecursionError:
        raise ConfigError(f"{name}: the YAML is nested too deeply; refusing to read it") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f", line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{name}{line}: {exc.problem or exc.context}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{name}: not valid YAML ({exc})") from exc
    except (ValueError, OverflowError) as exc:  # a date YAML reads but Python has not: 0000-01-01
        raise ConfigError(
            f"{name}: a value cannot be read ({exc}); quote it to have it read as text"
        ) from exc
    finally:
        loader.dispose()
    return YamlDoc(name, data, lines)


def _loader(text: str, name: str, ours: bool) -> yaml.SafeLoader:
    """PyYAML's loader of ``text``; its reader refuses control characters at
    once, and a NUL byte is said with its line."""
    if "\0" in text:  # PyYAML would say "special characters", not where
        line = text.count("\n", 0, text.index("\0")) + 1
        raise ConfigError(
            f"{name}, line {line}: a NUL byte (\\0) is not allowed in a config; "
            "save the file as plain UTF-8 text"
        )
    try:
        return (_FAST_LOADER if ours else yaml.SafeLoader)(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{name}: not valid YAML ({exc})") from exc


@dataclass(slots=True)
class _Walk:
    """The state of one walk over a document's nodes."""

    name: str
    seen: set[int] = field(default_factory=set)
    aliases: int = 0


_STR = "tag:yaml.org,2002:str"
_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
_PLAIN_TAGS = ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", *_NUMBER_TAGS)
# YAML 1.1 reads 010 as octal 8, 1:30 as 90 (base 60): neither is what a person means.
_AMBIGUOUS_NUMBER = re.compile(r"^[-+]?(0[0-9_]|[0-9_]+:)")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _record_lines(node: yaml.Node, path: KeyPath, lines: dict[KeyPath, int], walk: _Walk) -> None:
    """Walk the node graph once; an alias is not walked again, and there may be
    only so many of them ("billion laughs" documents are refused). Keys are
    made the text written, and a repeated key, an ambiguous number or a lone
    surrogate is a ConfigError at its line."""
    if id(node) in walk.seen:
        walk.aliases += 1
        if walk.aliases > MAX_ALIAS_USES:
            raise _refused(f"it uses more than {MAX_ALIAS_USES} YAML aliases")
        return
    walk.seen.add(id(node))
    if len(walk.seen) > MAX_NODES:
        raise _refused(f"it has more than {MAX_NODES:,} YAML nodes")
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        _record_mapping(node, path, lines, walk)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, (*path, index), lines, walk)
    elif isinstance(node, yaml.ScalarNode):
        _scalar(node, walk.name)


def _record_mapping(
    node: yaml.MappingNode, path: KeyPath, lines: dict[KeyPath, int], walk: _Walk
) -> None:
    first: dict[str, int] = {}
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
        line = key_node.start_mark.line + 1
        if isinstance(key_node, yaml.ScalarNode):
            _plain_key(key_node, walk.name)
            if key in first:
                raise ConfigError(
                    f'{walk.name}, line {line}: key "{shorten(key, MAX_SHOWN)}" is given '
                    f"twice (first on line {first[key]}); YAML would keep only the last: "
                    "remove one"
                )
            first[key] = line
        lines[(*path, key)] = line
        _record_lines(value_node, (*path, key), lines, walk)


def _plain_key(node: yaml.ScalarNode, name: str) -> None:
    """A key is the text written: ``yes:`` is "yes" (YAML 1.1: True), ``010:``
    is "010" (octal 8), ``~:`` is "~" (None); a value map compares text."""
    _surrogate(node, name)
    if node.tag in _PLAIN_TAGS and node.style is None:
        node.tag = _STR


def _scalar(node: yaml.ScalarNode, name: str) -> None:
    _surrogate(node, name)
    if node.tag in _NUMBER_TAGS and node.style is None and _AMBIGUOUS_NUMBER.match(node.value):
        line = node.start_mark.line + 1
        octal = ":" not in node.value
        why = "a leading zero makes it octal" if octal else "a colon makes it base 60"
        plain = node.value.lstrip("+-0") or "0" if octal else "one number"
        raise ConfigError(
            f"{name}, line {line}: {node.value} is ambiguous ({why} in YAML); write "
            f'{plain}, or "{node.value}" in quotes for text'
        )


def _surrogate(node: yaml.ScalarNode, name: str) -> None:
    """A lone surrogate (``"\\ud800"`` in double quotes) is not a character:
    it cannot be written to any output."""
    if found := _SURROGATE.search(node.value):
        line = node.start_mark.line + 1
        raise ConfigError(
            f"{name}, line {line}: the text holds \\u{ord(found[0]):04x}, half of a "
            "surrogate pair, which is not a character; remove it or write the character meant"
        )


class _RefusedError(Exception):
    """A document too big to read; ``parse_yaml`` names the file."""


def _refused(why: str) -> _RefusedError:
    return _RefusedError(why)


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    """How many nodes the document has once aliases are expanded ("billion
    laughs": 9 levels of 9 aliases are a billion strings to anyone who prints
    or walks the value). Each distinct node is sized once, so this is linear."""
    key = id(node)
    if key not in memo:
        memo[key] = MAX_EXPANDED + 1  # a node inside itself (a recursive alias) is refused
        children: list[yaml.Node] = []
        if isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        memo[key] = min(1 + sum(_expanded_size(c, memo) for c in children), MAX_EXPANDED + 1)
    return memo[key]


def shown(value: Any) -> str:
    """A value as a message quotes it: ``repr``, cut to ``MAX_SHOWN`` characters."""
    return shorten(repr(value), MAX_SHOWN)


def expect(
    doc: YamlDoc, path: KeyPath, value: Any, kind: type | tuple[type, ...], what: str
) -> None:
    """A ConfigError at ``path``'s line unless ``value`` is a ``kind`` (a bool is no number)."""
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        text = "nothing" if value is None else shown(value)
        name = ".".join(map(str, path)) or "config"
        raise ConfigError(f"{doc.where(path)}: {name} is {text}; expected {what}")


def known_keys(
    doc: YamlDoc, path: KeyPath, mapping: dict[str, Any], known: tuple[str, ...]
) -> None:
    """A ConfigError for the first key of ``mapping`` not in ``known``, with a suggestion."""
    for key in mapping:
        if key not in known:
            raise ConfigError(
                f'{doc.where((*path, key))}: unknown key "{key}"{suggest(str(key), known)}'
            )
