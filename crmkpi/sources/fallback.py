"""Cleaning text cells, and the ways parsing them is made fast.

Every cell is cleaned once (``clean_cells``: trimmed, missing tokens null)
before it is parsed (``cells.py``). Exports write one format in nearly every
cell, so each type's parser is a strict fast path for that format and a
general parser for the cells it leaves (``with_fallback``, ``Parser``); a
fast path's cells need no cleaning (``cleaned_and_parsed``); and a general
parser that is slow per cell runs once per distinct cell (``each_distinct``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import polars as pl

from crmkpi.canonical import MISSING_TOKENS


def _spellings(token: str) -> set[str]:
    """Every upper/lower-case spelling of an ASCII token (``na``: na Na nA NA)."""
    return {"".join(p) for p in itertools.product(*({c.lower(), c.upper()} for c in token))}


# Compared as written: no lower-cased copy of every cell (measured 0.14 s → 0.08 s
# on 400k rows × 10 columns). Exact: no other character lower-cases to these letters.
_MISSING_SPELLINGS = sorted(set().union(*(_spellings(t) for t in MISSING_TOKENS)))


def clean_text(column: str) -> pl.Expr:
    """Trimmed text; empty cells and the missing-value tokens (any case) become null."""
    text = pl.col(column).str.strip_chars()
    return pl.when(text.is_in(_MISSING_SPELLINGS)).then(None).otherwise(text)


def clean_cells(frame: pl.LazyFrame, columns: Iterable[str]) -> pl.LazyFrame:
    """``frame`` with ``columns`` cleaned once (``clean_text``), for every later
    step to read as they are."""
    columns = list(columns)
    # Two steps, not clean_text: its when/otherwise strips every cell twice
    # (measured on 400k rows × 10 columns: 0.135 s → 0.097 s with the read).
    stripped = frame.with_columns(pl.col(c).str.strip_chars() for c in columns)
    return stripped.with_columns(
        pl.when(pl.col(c).is_in(_MISSING_SPELLINGS)).then(None).otherwise(pl.col(c)).alias(c)
        for c in columns
    )


def each_distinct(
    text: pl.Expr, parse: Callable[[pl.Expr], pl.Expr], dtype: pl.DataType
) -> pl.Expr:
    """``parse(text)``, computed once per distinct cell and mapped back.

    Jalali text needs digit conversion, several patterns and a calendar
    lookup (about 1.5 µs a cell), but a date column holds few distinct days
    (a three-year export: ~1,100), so a mapping table of those is ~20× faster
    on a big file. Vectorised all the same: polars parses the distinct
    cells together and ``replace_strict`` maps the column back. Not for
    date-times: ticket times are nearly all distinct, and there the table
    costs more than it saves (measured: 2.5 s against 0.8 s on 400k cells)."""

    def run(cells: pl.Series) -> pl.Series:
        keys = cells.drop_nulls().unique()
        values = pl.DataFrame({"cell": keys}).select(parse(pl.col("cell"))).to_series()
        return cells.replace_strict(keys, values, default=None, return_dtype=dtype)

    return text.map_batches(run, return_dtype=dtype)


Shape = Callable[[pl.Expr], pl.Expr]
"""A strict parse of one way of writing a type (``2026-10-05 14:30``,
``$1,234.50``): the general parser's value for the cells written that way,
null for every other cell."""
Shapes = Callable[[pl.Series], Sequence[Shape]]
"""The shapes a column's cells may have, given a sample of them (fixed ones
ignore it; an amount's currency sign is found in it)."""

_SAMPLE = 100
"""Cells a shape is chosen on: evenly spread over the column's cells left."""
_ROUNDS = 3
"""Shapes tried on one column at most (one per way of writing it: a column
mixing more sends the rest to the general parser)."""


def always(*shapes: Shape) -> Shapes:
    """``Shapes`` that are the same whatever the sample."""
    return lambda _sample: shapes


def with_fallback(
    text: pl.Expr, shapes: Shapes, full: Shape, dtype: pl.DataType, whole: bool = False
) -> pl.Expr:
    """``full(text)``, computed by the shape the cells have where one reads
    them, and by ``full`` only for the cells they leave.

    Exports write one format in nearly every cell, so a strict parse of that
    one format (``2026-10-05T14:30:00``) does nearly all the work, and the
    general parser (regexes for every accepted form) runs on the rest, often
    none. Which shape a column has is decided on a sample (``_shaped``).
    Correct only when no shape gives a value ``full`` would not: a property
    test checks this for every shape. ``whole``: the column is read in one
    call, not batch by batch (``Parser.whole``)."""
    read = cells_reader(shapes, full, dtype)
    # Each cell's value depends on that cell alone: the streaming engine may
    # pass batches (1M customers: 1.74 -> 1.65 GB peak).
    return text.map_batches(read, return_dtype=dtype, is_elementwise=not whole)


def cells_reader(
    shapes: Shapes, full: Shape, dtype: pl.DataType
) -> Callable[[pl.Series], pl.Series]:
    """``with_fallback`` as a function of Series (for another ``map_batches``),
    one per column: its batches share the shapes chosen (``_Chosen``)."""
    chosen = _Chosen()
    return lambda cells: _fast_then_full(cells, shapes, full, dtype, chosen, clean=False)[1]


@dataclass(slots=True)
class _Chosen:
    """The shapes a column's earlier batches chose, in order, and whether a
    sample of the cells they left had none (``done``). polars passes a
    column in batches (a CSV's chunks: a dozen for 400k rows), and choosing
    again in each cost more than the parse (2 ms a batch). A column whose
    later batches are written otherwise still reads right: the general
    parser takes what the shapes leave."""

    shapes: list[Shape] = field(default_factory=list)
    done: bool = False


def _shaped(
    cells: pl.Series, shapes: Shapes, dtype: pl.DataType, chosen: _Chosen
) -> tuple[pl.Series, pl.Series]:
    """Each cell's value in the shape it is written in, or null, and which
    cells no shape read (``missed``; never a null cell).

    A round runs a shape on the cells no shape has read yet: the one an
    earlier batch chose for that round, else the candidate that reads most
    of a sample of those cells (a hundred: a millisecond). A column written
    one way takes one round, a column with no known shape no pass at all."""
    value: pl.Series | None = None
    missed = cells.is_not_null()
    for round_ in range(_ROUNDS):
        if not missed.any():
            break
        best = _next_shape(cells, missed, shapes, chosen, round_)
        if best is None:
            break
        if value is None:  # every cell, without copying those left
            value = cells.to_frame("cell").select(best(pl.col("cell"))).to_series()
        else:
            read = cells.filter(missed).to_frame("cell").select(best(pl.col("cell")))
            value = value.scatter(missed.arg_true(), read.to_series())
        missed = missed & value.is_null()
    if value is None:
        value = pl.repeat(None, cells.len(), dtype=dtype, eager=True)
    return value.alias(cells.name), missed


def _next_shape(
    cells: pl.Series, missed: pl.Series, shapes: Shapes, chosen: _Chosen, round_: int
) -> Shape | None:
    """The shape for ``round_`` on the ``missed`` cells: an earlier batch's
    choice, else the best on a sample of them (recorded for later batches)."""
    if round_ < len(chosen.shapes):
        return chosen.shapes[round_]
    if chosen.done:
        return None
    where = missed.arg_true()
    sample = cells.gather(where.gather_every(max(1, where.len() // _SAMPLE)))
    best = _best_shape(sample, shapes(sample))
    if best is None:
        chosen.done = True
    else:
        chosen.shapes.append(best)
    return best


def _best_shape(sample: pl.Series, shapes: Sequence[Shape]) -> Shape | None:
    """The shape that reads most cells of ``sample`` (None: no cell). The
    first (the commonest) is tried alone first: when it reads every cell, as
    in most columns, the others are not tried (a column's first batches
    choose side by side, so this is paid several times: 4 columns of 400k
    deals, 0.02 s)."""
    if not shapes:
        return None
    frame = sample.to_frame("cell")
    if frame.select(shapes[0](pl.col("cell")).is_not_null().all()).item():
        return shapes[0]
    hits = frame.select(
        shape(pl.col("cell")).is_not_null().sum().alias(str(i)) for i, shape in enumerate(shapes)
    ).row(0)
    most = max(range(len(shapes)), key=lambda i: hits[i])
    return shapes[most] if hits[most] else None


def _fast_then_full(
    cells: pl.Series,
    shapes: Shapes,
    full: Shape,
    dtype: pl.DataType,
    chosen: _Chosen,
    clean: bool,
) -> tuple[pl.Series, pl.Series]:
    """(text, value) of ``cells``: the shapes' values, ``full`` on the cells
    they leave null, after ``clean_text`` when ``clean`` (the text is then the
    cleaned cells; a shape's cells are their own cleaned text)."""
    value, missed = _shaped(cells, shapes, dtype, chosen)
    if not missed.any():
        return cells, value
    where = missed.arg_true()
    rest = cells.filter(missed).to_frame("cell")
    if clean:
        rest = rest.select(clean_text("cell").alias("cell"))
    redo = rest.select(full(pl.col("cell")).alias("cell")).to_series()
    text = cells.clone().scatter(where, rest.to_series()) if clean else cells
    return text, value.scatter(where, redo)


@dataclass(frozen=True, slots=True)
class Parser:
    """A type's parser as ``with_fallback`` runs it: the ``shapes`` cells of
    the type are commonly written in, each a strict fast path, the general
    parser ``full`` for the rest, and a ``factor`` for amounts. No shape
    reads a cell with whitespace at either end or a missing token, so a cell
    a shape reads is its own cleaned text (``cleaned_and_parsed``)."""

    shapes: Shapes
    full: Shape
    dtype: pl.DataType
    factor: float = 1.0
    # Read in one call, not batch by batch: a parser with a large cost per
    # call (a Jalali table of distinct days: 12 chunks of a 400k-row CSV
    # parsed each their ~1,000 days, 0.1 s → 0.3 s a column).
    whole: bool = False

    def __call__(self, text: pl.Expr) -> pl.Expr:
        """The value of each cleaned cell."""
        value = with_fallback(text, self.shapes, self.full, self.dtype, self.whole)
        return value * self.factor if self.factor != 1.0 else value


TEXT = "text"
VALUE = "value"


def cleaned_and_parsed(raw: pl.Expr, parser: Parser) -> pl.Expr:
    """A struct of each raw cell's cleaned text (``clean_text``) and its value,
    the same as ``parser`` over the cleaned column, with cleaning only where
    the fast path gives nothing.

    Cleaning (strip, null the missing tokens) copies every cell, and a typed
    column's cells are nearly all in its fast path's format, which needs no
    cleaning (see ``Parser``): at 100k customers this saved 0.055 s of CPU
    over the five tables' date, time, amount and score columns."""
    dtype = pl.Struct({TEXT: pl.String(), VALUE: parser.dtype})
    chosen = _Chosen()

    def run(cells: pl.Series) -> pl.Series:
        text, value = _fast_then_full(
            cells, parser.shapes, parser.full, parser.dtype, chosen, clean=True
        )
        if parser.factor != 1.0:
            value = value * parser.factor
        return pl.DataFrame({TEXT: text, VALUE: value}).to_struct("cell")

    return raw.map_batches(run, return_dtype=dtype, is_elementwise=True)  # as with_fallback
