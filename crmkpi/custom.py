"""Custom KPIs: a built-in narrowed by an SQL filter, or a formula over KPI ids.

Neither ever reaches Python ``eval``. A filter is an SQL boolean expression
that polars parses (``pl.sql_expr``) and that must type-check as one Boolean
column on an empty frame of the canonical schema before any data is read. A
formula is parsed by the small recursive-descent parser below: numbers, KPI
ids, ``+ - * /`` and parentheses, nothing else.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from crmkpi.canonical import TABLES, ColumnType
from crmkpi.errors import ConfigError, first_line, shorten, suggest
from crmkpi.yamlfile import MAX_SHOWN

MAX_FORMULA_LENGTH = 1_000
MAX_FILTER_LENGTH = 2_000
# A subquery (SELECT …) or a table function could read other files while polars
# checks the filter; a filter is a condition on the KPI's own rows only.
_QUERY_WORD = re.compile(r"\b(select|read_\w+|scan_\w+)\b", re.IGNORECASE)
_STRING = re.compile(r"'(?:[^']|'')*'")
# Functions that build a string longer than their input: REPEAT(name, 10^9) is
# gigabytes per row from one config value. A filter or query may call them
# only with a length that is a number up to MAX_BUILT (LPAD(month, 2, '0')),
# and not inside one another (whose lengths multiply).
STRING_BUILDERS = re.compile(r"\b(repeat|lpad|rpad)\s*\(", re.IGNORECASE)
MAX_BUILT = 1_000


def string_builder(sql: str) -> str | None:
    """The first call in ``sql`` (outside quoted text) that could build a
    string too long, as ``REPEAT(…)`` with why, or None."""
    text = _STRING.sub("''", sql)
    for found in STRING_BUILDERS.finditer(text):
        args = _arguments(text, found.end())
        name = found[1].upper()
        length = args[1].strip() if len(args) > 1 else ""
        if not length.isdigit() or int(length) > MAX_BUILT:
            return f"{name} with a length that is not a number up to {MAX_BUILT:,}"
        if STRING_BUILDERS.search(args[0]):
            return f"{name} of another such call"
    return None


def _arguments(text: str, start: int) -> list[str]:
    """The top-level arguments of the call whose ``(`` ends just before ``start``."""
    args, depth, begin = [], 0, start
    for at in range(start, len(text)):
        ch = text[at]
        if ch == "(":
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
        elif ch in ",)" and not depth:
            args.append(text[begin:at])
            begin = at + 1
            if ch == ")":
                return args
    return [*args, text[begin:]]


MAX_FORMULA_DEPTH = 32
_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d*)?|\.\d+)|([A-Za-z_][A-Za-z0-9_]*)|([-+*/()]))")

_DTYPES: dict[ColumnType, pl.DataType] = {
    ColumnType.ID: pl.String(),
    ColumnType.TEXT: pl.String(),
    ColumnType.DATE: pl.Date(),
    ColumnType.DATETIME: pl.Datetime("us", "UTC"),
    ColumnType.AMOUNT: pl.Float64(),
    ColumnType.SCORE: pl.Int64(),
}


def canonical_schema(table: str) -> pl.Schema:
    """The typed columns of a canonical table, as the loader produces them."""
    return pl.Schema({c.name: _DTYPES[c.type] for c in TABLES[table].columns})


def compile_filter(sql: str, table: str, where: str) -> pl.Expr:
    """The filter as a polars expression, checked against the canonical schema."""
    if not isinstance(sql, str) or not sql.strip():
        raise ConfigError(
            f"{where}: filter must be an SQL condition like \"pipeline = 'Enterprise'\""
        )
    shown = shorten(repr(sql), MAX_SHOWN)  # a deep filter is not quoted whole
    if len(sql) > MAX_FILTER_LENGTH:
        raise ConfigError(f"{where}: filter is longer than {MAX_FILTER_LENGTH:,} characters")
    if word := _QUERY_WORD.search(_STRING.sub("''", sql)):
        raise ConfigError(
            f"{where}: filter {shown} is not a valid SQL condition "
            f"({word[0]!r}: a filter is a condition on the KPI's rows, not a query)"
        )
    if builder := string_builder(sql):
        raise ConfigError(
            f"{where}: filter {shown} calls {builder}, which could build strings "
            "long enough to fill the memory"
        )
    try:
        expr = pl.sql_expr(sql)
        dtype = (
            pl.LazyFrame(schema=canonical_schema(table))
            .select(expr.alias("f"))
            .collect_schema()["f"]
        )
    except pl.exceptions.ColumnNotFoundError as exc:
        raise ConfigError(
            f"{where}: filter {shown} names a column that {table} does not have"
            + _closest(exc, table)
        ) from exc
    except (pl.exceptions.PolarsError, ValueError, TypeError) as exc:
        raise ConfigError(
            f"{where}: filter {shown} is not a valid SQL condition ({shorten(first_line(exc), 120)})"
        ) from exc
    if dtype != pl.Boolean:
        raise ConfigError(
            f"{where}: filter {shown} gives {dtype}, not true/false; write a condition"
        )
    return expr


def filter_columns(expr: pl.Expr) -> tuple[str, ...]:
    """The canonical columns a compiled filter reads."""
    return tuple(dict.fromkeys(expr.meta.root_names()))


def _closest(exc: Exception, table: str) -> str:
    """("pipline"; did you mean "pipeline"?) from polars' 'unable to find column "pipline"'."""
    match = re.search(r'"([^"]+)"', str(exc))
    if match is None:
        return ""
    name = match[1]
    return f' ("{name}"{suggest(name, TABLES[table].column_names)})'


# --- formulas -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Number:
    value: float


@dataclass(frozen=True, slots=True)
class Ref:
    id: str


@dataclass(frozen=True, slots=True)
class Negate:
    operand: Node


@dataclass(frozen=True, slots=True)
class Binary:
    op: str
    left: Node
    right: Node


Node = Number | Ref | Negate | Binary


def _tokens(text: str, where: str) -> list[str]:
    tokens: list[str] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            if text[position:].strip() == "":
                break
            raise ConfigError(
                f"{where}: formula {text!r}: unexpected {text[position:].strip()[:20]!r} (allowed: numbers, KPI ids, + - * / and parentheses)"
            )
        tokens.append(next(g for g in match.groups() if g is not None))
        position = match.end()
    return tokens


class _Parser:
    """expr := term (('+'|'-') term)* ; term := factor (('*'|'/') factor)* ;
    factor := NUMBER | ID | '-' factor | '(' expr ')'"""

    def __init__(self, text: str, where: str) -> None:
        if len(text) > MAX_FORMULA_LENGTH:
            raise ConfigError(f"{where}: formula is longer than {MAX_FORMULA_LENGTH} characters")
        self.text, self.where = text, where
        self.tokens = _tokens(text, where)
        self.position = 0

    def fail(self, what: str) -> ConfigError:
        return ConfigError(f"{self.where}: formula {self.text!r}: {what}")

    def peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise self.fail("ends too early")
        self.position += 1
        return token

    def parse(self) -> Node:
        node = self.expr(0)
        if self.peek() is not None:
            raise self.fail(f"unexpected {self.peek()!r}")
        return node

    def expr(self, depth: int) -> Node:
        node = self.term(depth)
        while self.peek() in ("+", "-"):
            node = Binary(self.take(), node, self.term(depth))
        return node

    def term(self, depth: int) -> Node:
        node = self.factor(depth)
        while self.peek() in ("*", "/"):
            node = Binary(self.take(), node, self.factor(depth))
        return node

    def factor(self, depth: int) -> Node:
        if depth > MAX_FORMULA_DEPTH:
            raise self.fail(f"is nested more than {MAX_FORMULA_DEPTH} levels deep")
        token = self.take()
        if token == "-":
            return Negate(self.factor(depth + 1))
        if token == "(":
            node = self.expr(depth + 1)
            if self.take() != ")":
                raise self.fail("has a '(' without its ')'")
            return node
        if token[0].isdigit() or token[0] == ".":
            if not math.isfinite(number := float(token)):
                raise self.fail(f"the number {shorten(token, 20)} is too large")
            return Number(number)
        if token[0].isalpha() or token[0] == "_":
            return Ref(token)
        raise self.fail(f"unexpected {token!r}")


def parse_formula(text: object, where: str) -> Node:
    if not isinstance(text, str) or not text.strip():
        raise ConfigError(f'{where}: formula must be text like "revenue / active_customers"')
    return _Parser(text, where).parse()


def formula_refs(node: Node) -> tuple[str, ...]:
    """KPI ids a formula reads, in order of appearance."""
    match node:
        case Ref(id=kpi_id):
            return (kpi_id,)
        case Negate(operand=operand):
            return formula_refs(operand)
        case Binary(left=left, right=right):
            return tuple(dict.fromkeys(formula_refs(left) + formula_refs(right)))
        case _:
            return ()


Operand = tuple[float | None, str | None]


def evaluate(node: Node, values: Mapping[str, Operand]) -> Operand:
    """(value, None), or (None, reason): an unavailable operand or a division by zero."""
    match node:
        case Number(value=number):
            return number, None
        case Ref(id=kpi_id):
            value, reason = values[kpi_id]
            return (
                (value, None)
                if value is not None
                else (None, f"{kpi_id}: {reason or 'unavailable'}")
            )
        case Negate(operand=operand):
            value, reason = evaluate(operand, values)
            return (-value, None) if value is not None else (None, reason)
        case Binary():
            return _binary(node, values)
    raise TypeError(node)  # unreachable: Node is closed


def _binary(node: Binary, values: Mapping[str, Operand]) -> Operand:
    left, why = evaluate(node.left, values)
    if left is None:
        return None, why
    right, why = evaluate(node.right, values)
    if right is None:
        return None, why
    if node.op == "/" and right == 0:
        return None, "division by zero in the formula"
    result = {"+": left + right, "-": left - right, "*": left * right}.get(node.op)
    result = left / right if result is None else result
    if not math.isfinite(result):  # never NaN or infinity: unavailable, as a KPI would be
        return None, f"the formula's {_OPERATIONS[node.op]} is too large for a number"
    return result, None


_OPERATIONS = {"+": "sum", "-": "difference", "*": "product", "/": "quotient"}
