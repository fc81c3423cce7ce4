"""What ``crmkpi init`` proposes for a file, from its headers and a sample of its rows.

For a file no preset fits, a mapping guessed by header similarity *and* by
content, read from its first ``SAMPLE_ROWS`` rows only: an id is unique,
dates parse, amounts are numbers, a status holds a few distinct words. For
a file a preset fits, what its cells say the config still needs: Jalali
dates under a Gregorian preset, another date order, words of a vocabulary
column no value map knows. Every guess says why it was made, so ``init``
can mark it for the user to confirm. A file no table fits as it is (an
event log, a wide sheet, no dates) gets the reason, for a ``query``.
Nothing here writes or prints: ``starter.py`` renders it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher
from pathlib import Path

import polars as pl

from crmkpi.canonical import (
    MISSING_TOKENS,
    TABLE_NAMES,
    TABLES,
    Column,
    ColumnType,
    Table,
    normalise_header,
)
from crmkpi.errors import DataError
from crmkpi.presets import GENERIC, OTHER_VALUES, load_preset, preset_names
from crmkpi.problems import date_orders
from crmkpi.sources.cells import CellRules, parse_amount, parse_date, value_key
from crmkpi.sources.discovery import KEYS
from crmkpi.sources.loaders import open_table
from crmkpi.sources.mapping import Mapping

SAMPLE_ROWS = 5_000
"""Rows read from the top of a file to guess its columns: enough to see a
status column's words, bounded so ``init`` stays fast on a big export."""
SHARE = 0.9  # of a column's filled cells that must parse for it to be dates or numbers
WORDS_MAX = 24  # distinct values of a column read as a vocabulary ("few words")
GOOD = 0.6  # a header this similar to a column's names is evidence on its own
_MISSING = {*MISSING_TOKENS, "?"}  # ServiceNow writes "?"


# --- a sample's columns ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Profile:
    """One column of a file's sample: how many cells are filled and distinct,
    which share read as dates (``dates``, in the best ``date_format``; or
    only as Jalali dates, ``jalali``) or as numbers, its distinct values with
    their counts when it has few (``words``), and its median day."""

    header: str
    rows: int
    filled: int
    distinct: int
    dates: float = 0.0
    date_format: str | None = None
    jalali: float = 0.0
    numbers: float = 0.0
    words: tuple[tuple[str, int], ...] = ()
    middle: date | None = None

    @property
    def unique(self) -> bool:
        return self.filled == self.rows > 0 and self.distinct == self.filled

    @property
    def is_date(self) -> bool:
        return self.filled > 0 and (self.dates >= SHARE or self.jalali >= SHARE)

    @property
    def calendar(self) -> str:
        return "gregorian" if self.dates >= SHARE else "jalali"

    @property
    def is_number(self) -> bool:
        return self.filled > 0 and self.numbers >= SHARE and not self.is_date

    @property
    def is_words(self) -> bool:
        repeated = self.distinct * 2 <= self.filled or self.distinct < self.filled < 50
        few = self.distinct <= WORDS_MAX and repeated  # a short sample: any repeat
        return self.filled > 0 and few and not self.is_date and not self.is_number


def sample_profiles(path: Path) -> tuple[Profile, ...]:
    """Each column of the file's first ``SAMPLE_ROWS`` rows, profiled."""
    raw = open_table(path, counted=False)
    headers = [h for h in raw.headers if h]
    try:
        frame = raw.frame.head(SAMPLE_ROWS).select(headers).collect()
    except pl.exceptions.PolarsError as exc:
        raise DataError(f"{path}: cannot read its first rows ({exc})") from exc
    missing = [m for m in _MISSING if m]
    cells = frame.select(
        pl.when(pl.col(h).str.strip_chars().str.to_lowercase().is_in(missing))
        .then(None)
        .otherwise(pl.col(h).str.strip_chars().replace("", None))
        .alias(h)
        for h in headers
    )
    return tuple(_profile(cells[h]) for h in headers)


def _profile(column: pl.Series) -> Profile:
    """A column's profile, each distinct cell parsed once (weighted by its count)."""
    filled = column.drop_nulls()
    counts = filled.value_counts(sort=True, name="__n")
    base = Profile(column.name, len(column), len(filled), len(counts))
    if not len(filled):
        return base
    text, weight = pl.col(column.name), pl.col("__n")

    def share(parsed: pl.Expr) -> float:
        return float(counts.select((parsed.is_not_null() * weight).sum()).item()) / len(filled)

    gregorian, fmt = share(parse_date(text, CellRules())), None
    if gregorian < SHARE:
        for candidate in date_orders([str(v) for v in counts[column.name].head(200)]).values():
            found = share(parse_date(text, CellRules(date_format=(candidate,))))
            if found > gregorian:
                gregorian, fmt = found, candidate
    jalali_rules = CellRules(calendar="jalali")
    jalali = share(
        pl.when(parse_date(text, CellRules()).is_null()).then(parse_date(text, jalali_rules))
    )
    numbers = max(share(parse_amount(text, CellRules())), share(parse_amount(text, jalali_rules)))
    rules = (
        jalali_rules
        if gregorian < SHARE <= jalali
        else CellRules(date_format=(fmt,) if fmt else ())
    )
    days = counts.select(parse_date(text, rules).alias("day"), weight).drop_nulls().sort("day")
    middle = None
    if len(days):
        half = days.filter(weight.cum_sum() * 2 >= weight.sum())
        middle = half["day"][0]
    words = tuple(zip(counts[column.name].to_list(), counts["__n"].to_list(), strict=True))
    return Profile(
        column.name,
        len(column),
        len(filled),
        len(counts),
        dates=gregorian,
        date_format=fmt,
        jalali=jalali,
        numbers=numbers,
        words=words if len(words) <= WORDS_MAX else (),
        middle=middle,
    )


# --- guessing a mapping ------------------------------------------------------------

# What each canonical column is called in exports, most telling first: the
# header-similarity half of a guess (the content half is the column's type).
HINTS: dict[str, dict[str, tuple[str, ...]]] = {
    "customers": {
        "customer_id": ("customer id", "customer", "account id", "account", "company id",
                        "company", "client id", "client", "organization"),
        "created_at": ("created at", "customer since", "became a customer date", "create date",
                       "created", "signup date", "start date", "first order date"),
        "churned_at": ("churned at", "churn date", "churned", "cancelled at", "end date"),
        "name": ("name", "customer name", "company name", "account name"),
        "segment": ("segment", "sector", "industry", "tier", "plan", "contract"),
        "region": ("region", "country", "office location", "location", "state", "city"),
        "channel": ("channel", "acquisition channel", "source", "origin"),
        "owner": ("owner", "account owner", "manager", "sales rep"),
    },
    "leads": {
        "lead_id": ("lead id", "lead", "mql id", "mql", "prospect id", "contact id"),
        "created_at": ("created at", "create date", "created", "first contact date",
                       "first contact"),
        "status": ("status", "lead status", "lifecycle stage", "stage"),
        "converted_at": ("converted at", "conversion date", "converted", "became a customer date"),
        "customer_id": ("customer id", "customer", "account id", "account", "company"),
        "source": ("source", "lead source", "origin", "channel"),
        "owner": ("owner", "lead owner", "sales rep", "sdr"),
    },
    "deals": {
        "deal_id": ("deal id", "deal", "opportunity id", "opportunity", "record id"),
        "created_at": ("created at", "create date", "created date", "created", "opened at",
                       "open date", "engage date", "start date"),
        "status": ("status", "deal status", "outcome", "result", "deal stage", "stage", "state"),
        "closed_at": ("closed at", "close date", "closed date", "closed", "won date", "close"),
        "amount": ("amount", "deal value", "close value", "value", "revenue", "price", "total"),
        "customer_id": ("customer id", "customer", "account id", "account", "company id",
                        "company", "client", "organization"),
        "lead_id": ("lead id", "lead", "mql id"),
        "stage": ("stage", "pipeline stage"),
        "type": ("deal type", "type", "business type"),
        "owner": ("owner", "deal owner", "sales agent", "agent", "sales rep", "rep",
                  "salesperson"),
        "pipeline": ("pipeline", "team", "regional office"),
        "product": ("product", "product name", "item"),
        "currency": ("currency",),
    },
    "tickets": {
        "ticket_id": ("ticket id", "ticket", "incident id", "incident", "case number", "case id",
                      "case", "number"),
        "created_at": ("created at", "create date", "created", "opened at", "opened",
                       "submitted at"),
        "first_response_at": ("first response at", "first response time", "first response",
                              "first reply"),
        "resolved_at": ("resolved at", "resolved", "resolution date", "time to resolution",
                        "closed at", "closed", "close date"),
        "customer_id": ("customer id", "customer", "caller id", "caller", "requester",
                        "account", "company"),
        "status": ("status", "ticket status", "incident state", "state"),
        "priority": ("priority", "ticket priority", "urgency", "severity"),
        "channel": ("channel", "ticket channel", "contact type", "source", "via"),
        "agent": ("agent", "assigned to", "assignee", "owner"),
        "csat": ("csat", "customer satisfaction rating", "satisfaction", "rating"),
    },
    "surveys": {
        "responded_at": ("responded at", "response date", "submitted at", "date"),
        "score": ("score", "nps", "likelihood to recommend", "rating"),
        "customer_id": ("customer id", "customer", "account"),
        "survey_id": ("survey id", "response id"),
    },
    "spend": {
        "date": ("date", "day", "week", "month"),
        "amount": ("amount", "spend", "cost", "spent", "budget"),
        "channel": ("channel", "source", "campaign"),
        "kind": ("kind", "type", "category"),
    },
    "deal_stages": {
        "deal_id": ("deal id", "opportunity id", "deal"),
        "stage": ("stage", "to stage", "new stage"),
        "entered_at": ("entered at", "date entered", "changed at", "date"),
    },
}  # fmt: skip
# Words in a file's name that say which table it holds.
NAME_WORDS: dict[str, tuple[str, ...]] = {
    "customers": ("customer", "account", "compan", "client", "churn"),
    "leads": ("lead", "mql", "contact", "prospect"),
    "deals": ("deal", "opportunit", "pipeline"),
    "tickets": ("ticket", "incident", "case", "support"),
    "surveys": ("survey", "nps"),
    "spend": ("spend", "cost", "budget", "marketing"),
    "deal_stages": ("stage", "history"),
}
WON = ("won", "closed won", "win", "موفق")
LOST = ("lost", "closed lost", "loss", "ناموفق")
# Words of vocabulary columns in exports, beyond the presets' value maps.
WORDS: dict[tuple[str, str], dict[str, tuple[str, ...]]] = {
    ("deals", "status"): {"won": WON, "lost": LOST, "open": ("open", "جاری", "باز")},
    ("leads", "status"): {
        "open": ("open", "new", "lead", "subscriber", "جدید", "باز"),
        "qualified": ("qualified", "mql", "sql", "واجد شرایط"),
        "converted": ("converted", "customer", "won", "تبدیل شده"),
        "lost": ("lost", "disqualified", "unqualified", "junk", "از دست رفته"),
    },
    ("deals", "type"): {
        "new": ("new", "new business", "جدید"),
        "upsell": ("upsell", "upgrade", "ارتقا"),
        "cross_sell": ("cross sell", "cross-sell", "فروش مکمل"),
        "renewal": ("renewal", "تمدید"),
    },
    ("spend", "kind"): {
        "marketing": ("marketing", "advertising", "ads", "بازاریابی", "تبلیغات"),
        "sales": ("sales", "فروش"),
    },
}


@dataclass(frozen=True, slots=True)
class Guess:
    """A canonical column read from ``header``, and why it was chosen."""

    column: str
    header: str
    why: str
    score: float = 0.0


@dataclass(frozen=True, slots=True)
class Word:
    """A value of a vocabulary column, the canonical one proposed (``""``:
    missing) and why."""

    value: str
    target: str
    why: str
    rows: int


@dataclass(frozen=True, slots=True)
class Proposal:
    """What ``init`` writes for one file: the table, the columns guessed (for
    a file no preset fits), the ``values`` to confirm, the calendar or date
    format its dates need; or, with ``reshape``, why a query must build the
    table (``table`` then the one it most looks like, or None)."""

    path: Path
    table: str | None
    columns: tuple[Guess, ...] = ()
    values: dict[str, tuple[Word, ...]] = field(default_factory=dict)
    calendar: str | None = None
    date_format: str | None = None
    reshape: str | None = None
    preset: str = GENERIC

    @property
    def needs_config(self) -> bool:
        return bool(self.columns or self.values or self.calendar or self.date_format)


def propose(path: Path) -> Proposal:
    """A mapping for a file no preset fits, or why it needs a query."""
    profiles = sample_profiles(path)
    tried = [_assign(TABLES[t], profiles, path) for t in TABLE_NAMES]
    valid = [a for a in tried if a.valid]
    if valid:
        best = max(valid, key=lambda a: a.score)
        return _proposal(path, best, profiles)
    telling = [a for a in tried if a.keyed or a.named]
    closest = max(telling or tried, key=lambda a: a.score)
    table = closest.table.name if telling else None
    return Proposal(path, table, reshape=_reshape_reason(closest, profiles, table))


@dataclass(frozen=True, slots=True)
class _Assignment:
    table: Table
    guesses: tuple[Guess, ...]
    score: float
    key_repeats: Profile | None = None  # the id column, when its values repeat
    named: bool = False  # the file's name has a word of the table's

    @property
    def keyed(self) -> bool:
        """Its id column is named by a header (repeating or not)."""
        key = KEYS.get(self.table.name)
        named = any(g.column == key and g.score >= GOOD for g in self.guesses)
        return named or self.key_repeats is not None

    @property
    def valid(self) -> bool:
        found = {g.column for g in self.guesses}
        required = all(c.name in found for c in self.table.columns if c.required)
        return required and self.key_repeats is None


def _assign(table: Table, profiles: tuple[Profile, ...], path: Path) -> _Assignment:
    """Canonical columns to headers: the most similar header whose content
    fits, each header once; then content alone for required columns."""
    hints = HINTS[table.name]
    pairs = sorted(
        (
            (score, column.name, p.header)
            for column in table.columns
            for p in profiles
            if (score := header_score(p.header, hints[column.name])) > 0 and _fits(column, p, table)
        ),
        reverse=True,
    )
    taken: dict[str, Guess] = {}
    used: set[str] = set()
    for score, name, header in pairs:
        if name in taken or header in used:
            continue
        taken[name] = Guess(name, header, _why(profiles, header, score), score)
        used.add(header)
    for column in table.columns:
        if column.required and column.name not in taken:
            guess = _by_content(table, column, profiles, used)
            if guess is not None:
                taken[column.name] = guess
                used.add(guess.header)
    key = KEYS.get(table.name)
    repeats = None
    if key is None or key not in taken:
        repeats = _repeating_key(table, profiles)
    elif not _profile_of(profiles, taken[key].header).unique:
        repeats = _profile_of(profiles, taken[key].header)
    named = any(w in path.stem.lower() for w in NAME_WORDS[table.name])
    score = sum(g.score for g in taken.values()) + (0.5 if named else 0)
    ordered = tuple(taken[c] for c in table.column_names if c in taken)
    return _Assignment(table, ordered, score, repeats, named)


def _repeating_key(table: Table, profiles: tuple[Profile, ...]) -> Profile | None:
    """The table's id column by its header, when its values repeat (an event log)."""
    key = KEYS.get(table.name)
    if key is None:
        return None
    hints = HINTS[table.name][key]
    close = [p for p in profiles if header_score(p.header, hints) >= GOOD and not p.unique]
    return close[0] if close and close[0].filled > close[0].distinct else None


def _fits(column: Column, p: Profile, table: Table) -> bool:
    """Whether a column's content can be this canonical column's."""
    match column.type:
        case ColumnType.ID:  # not a date, nor a yes/no flag
            flag = p.is_words and p.distinct <= 2
            return not p.is_date and not flag and (column.name != KEYS.get(table.name) or p.unique)
        case ColumnType.DATE | ColumnType.DATETIME:
            return p.is_date
        case ColumnType.AMOUNT:
            return p.is_number
        case ColumnType.SCORE:
            return p.is_number or p.is_words
        case ColumnType.TEXT:
            if column.vocabulary:
                return p.is_words
            return not p.is_date and not p.is_number


def _by_content(
    table: Table, column: Column, profiles: tuple[Profile, ...], used: set[str]
) -> Guess | None:
    """A required column no header names, found by what the cells hold: the
    id (a unique column named like an id), the earliest dates no header
    claims for another date column, a status with won and lost words."""
    free = [p for p in profiles if p.header not in used]
    if column.name == KEYS.get(table.name):
        ids = [p for p in free if p.unique and not p.is_date and _id_like(p.header)]
        return Guess(column.name, ids[0].header, "unique in the sample", 0.3) if ids else None
    if column.type in (ColumnType.DATE, ColumnType.DATETIME):
        dates = [p for p in free if p.is_date and not _names_other_date(p.header)]
        if not dates:
            return None
        first = min(dates, key=lambda p: (p.middle or date.max, -p.filled))
        return Guess(column.name, first.header, "dates, the earliest of the file's", 0.3)
    if table.name == "deals" and column.name == "status":
        for p in free:
            keys = {value_key(w) for w, _ in p.words}
            if p.is_words and keys & set(WON) and keys & set(LOST):
                return Guess(column.name, p.header, "won and lost among its words", 0.5)
    return None


def _names_other_date(header: str) -> bool:
    """A header that names a date column other than a creation date (close, won …)."""
    others = {
        hint
        for hints in HINTS.values()
        for column, names in hints.items()
        if column not in ("created_at", "date", "responded_at", "entered_at")
        for hint in names
    }
    return any(header_score(header, (hint,)) >= GOOD for hint in others)


def _id_like(header: str) -> bool:
    return bool({"id", "key", "code", "number", "no", "ref"} & set(tokens(header)))


def _profile_of(profiles: tuple[Profile, ...], header: str) -> Profile:
    return next(p for p in profiles if p.header == header)


def _why(profiles: tuple[Profile, ...], header: str, score: float) -> str:
    p = _profile_of(profiles, header)
    what = (
        "unique"
        if p.unique
        else "dates"
        if p.is_date
        else "numbers"
        if p.is_number
        else f"{p.distinct} distinct words"
        if p.is_words
        else "text"
    )
    return f"its header, and {what} in the sample" if score >= GOOD else f"{what}; header alike"


def tokens(header: str) -> tuple[str, ...]:
    """``customerID`` → (customer, id); ``Deal - Stage`` → (deal, stage)."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", header)
    return tuple(t.lower() for t in re.findall(r"[^\W_]+", spaced))


def header_score(header: str, hints: tuple[str, ...]) -> float:
    """How much ``header`` looks like one of ``hints`` (0 to 1): the same
    name, every word of a name, or a close spelling; earlier hints weigh more."""
    key, words = normalise_header(header), set(tokens(header))
    best = 0.0
    for rank, hint in enumerate(hints):
        hint_words = hint.split()
        if key == normalise_header(hint):
            score = 1.0
        elif set(hint_words) <= words:
            score = 0.6 + 0.3 * len(hint_words) / max(len(words), 1)
        elif SequenceMatcher(None, key, normalise_header(hint)).ratio() >= 0.85:
            score = 0.5
        else:
            continue
        best = max(best, score - 0.01 * rank)
    return best


def _reshape_reason(closest: _Assignment, profiles: tuple[Profile, ...], table: str | None) -> str:
    """Why no table fits the file as it is, and what a query would do."""
    if closest.key_repeats is not None and table is not None:
        p = closest.key_repeats
        return (
            f'an event log: "{p.header}" repeats ({p.distinct:,} distinct values in '
            f"{p.filled:,} sampled rows), and {table} needs one row per {KEYS[table]}; "
            "a query can keep each one's last row"
        )
    dated = any(p.is_date for p in profiles)
    if table is None:
        numbers = [p.header for p in profiles if p.is_number]
        if dated and len(numbers) >= 3:
            shown = ", ".join(numbers[:4]) + (", …" if len(numbers) > 4 else "")
            return (
                f"a wide sheet: a number per column ({shown}) next to a date; spend needs "
                "one row per date and channel, which a query can make (UNION ALL, one "
                "SELECT per column)"
            )
        return (
            "no table's id column (a lookup list?): a query can join it to the file of a "
            "table by a column both hold"
        )
    if not dated:
        return (
            f"no column holds dates, and {table} need created_at: a query can compute it "
            "from other columns or take it from another file"
        )
    found = {g.column for g in closest.guesses}
    missing = [c.name for c in closest.table.columns if c.required and c.name not in found]
    them = "it" if len(missing) == 1 else "them"
    return (
        f"{table} need {', '.join(missing)}, which no column holds: a query can take "
        f"{them} from another file (a join) or set {them}"
    )


def _proposal(path: Path, best: _Assignment, profiles: tuple[Profile, ...]) -> Proposal:
    guesses = {g.column: g for g in best.guesses}
    dated = [_profile_of(profiles, g.header) for g in best.guesses]
    dated = [p for p in dated if p.is_date]
    calendar = "jalali" if dated and all(p.calendar == "jalali" for p in dated) else None
    formats = {p.date_format for p in dated if p.date_format}
    values = {
        column.name: words
        for column in best.table.columns
        if column.vocabulary and column.name in guesses
        if (words := vocabulary_words(best.table.name, column, _words(profiles, guesses, column)))
    }
    return Proposal(
        path,
        best.table.name,
        best.guesses,
        values,
        calendar,
        formats.pop() if len(formats) == 1 else None,
    )


def _words(
    profiles: tuple[Profile, ...], guesses: dict[str, Guess], column: Column
) -> tuple[tuple[str, int], ...]:
    return _profile_of(profiles, guesses[column.name].header).words


def vocabulary_words(
    table: str,
    column: Column,
    words: tuple[tuple[str, int], ...],
    known: dict[str, str] | None = None,
) -> tuple[Word, ...]:
    """The ``values:`` entries for a vocabulary column's words that neither
    its vocabulary nor ``known`` (a preset's map) reads: a guess from the
    words exports use, else missing (deals.status: open, as a stage is)."""
    known = known or {}
    if OTHER_VALUES in known:
        return ()
    seen = {value_key(k) for k in known}
    synonyms = _synonyms(table, column.name)
    entries = []
    for value, rows in words:
        key = value_key(value)
        if key in seen or re.sub(r"[\s\-]+", "_", key) in column.vocabulary:
            continue
        target = synonyms.get(_word_key(value))
        if target is not None:
            entries.append(Word(value, target, "guess: the word's usual meaning", rows))
        elif table == "deals" and column.name == "status":
            entries.append(Word(value, "open", "guess: neither won nor lost", rows))
        else:
            choices = ", ".join(column.vocabulary)
            entries.append(Word(value, "", f"unknown: one of {choices}, or empty", rows))
    return tuple(entries)


def _word_key(text: str) -> str:
    return normalise_header(text)


def _synonyms(table: str, column: str) -> dict[str, str]:
    """Words → canonical value: the presets' value maps and ``WORDS``."""
    found: dict[str, str] = {}
    for target, words in WORDS.get((table, column), {}).items():
        found.update({_word_key(w): target for w in words})
    for name in preset_names():
        mapping = load_preset(name).tables.get(table)
        for word, target in (mapping.values.get(column, {}) if mapping else {}).items():
            if word != OTHER_VALUES and target:
                found.setdefault(_word_key(word), target)
    return found


# --- a file a preset fits ----------------------------------------------------------


def check_mapped(path: Path, table: str, mapping: Mapping) -> Proposal:
    """What a file a preset reads still needs, by its sample: a calendar or
    date format its dates are in, and the words of its vocabulary columns
    that no map reads."""
    profiles = {p.header: p for p in sample_profiles(path)}
    columns = TABLES[table].columns
    dated = [
        profiles[source.headers[0]]
        for column in columns
        if column.type in (ColumnType.DATE, ColumnType.DATETIME)
        and (source := mapping.columns.get(column.name)) is not None
        and source.headers
        and source.headers[0] in profiles
    ]
    calendar = date_format = None
    jalali = dated and all(p.is_date and p.calendar == "jalali" for p in dated)
    if mapping.calendar != "jalali" and jalali:
        calendar = "jalali"
    if not mapping.date_format and calendar is None:
        formats = {p.date_format for p in dated if p.date_format and p.is_date}
        date_format = formats.pop() if len(formats) == 1 else None
    values = {}
    for column in columns:
        source = mapping.columns.get(column.name)
        if not column.vocabulary or source is None or not source.headers:
            continue
        p = profiles.get(source.headers[0])
        if p is None:
            continue
        words = vocabulary_words(table, column, p.words, mapping.values.get(column.name))
        if words:
            values[column.name] = words
    return Proposal(path, table, (), values, calendar, date_format, preset=mapping.preset)
