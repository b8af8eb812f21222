"""The pre-screen's word tables, read from the YAML files in this folder.

    targets.yml   what a visitor mentions: labels ("CHEMO") and their phrases
    context.yml   the words around a mention (medspaCy ConText rules)
    yes_no.yml    what that context means for each yes / no question
    spelling.yml  typos fixed before a reply is read
    numbers.yml   number words, months, seasons and time units

Each file is commented for the staff who edit it. `get()` reads and checks
them once, at first use (thread-safe), and returns a `Lexicon`; treat it as
read-only, it is shared. Like medspaCy's rule files, every record is checked
against its allowed keys, and a mistake raises ValueError naming the file, the
record, the bad key and the allowed ones. `load(folder)` reads another folder
without caching (tests). No Rasa import; nothing is logged.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, NoReturn

import yaml

from assistant.prescreen.values import SLOTS, UNSURE, YES_NO_SLOTS

FOLDER = Path(__file__).resolve().parent

# A phrase is a string matched on spaCy's NORM ("dont" = "don't" = "do not"),
# or a spaCy token pattern (a list of token dicts).
Phrase = str | list[dict[str, Any]]
ContextRule = tuple[str, str, tuple[Phrase, ...], Mapping[str, Any]]

# Allowed keys: of each file, and of each record in it.
FILE_KEYS: dict[str, tuple[str, ...]] = {
    "targets.yml": ("targets", "self_naming_phrases", "diabetes_care_phrases"),
    "context.yml": ("context",),
    "yes_no.yml": ("yes_no",),
    "spelling.yml": ("typos", "fuzzy_vocab", "fuzzy_keep"),
    "numbers.yml": ("word_numbers", "months", "seasons", "units"),
}
TARGET_KEYS = ("label", "cause", "names_itself", "phrases")
PATTERN_KEYS = ("pattern",)
CONTEXT_KEYS = ("category", "direction", "phrases", "max_scope", "max_targets", "terminated_by", "allowed_types")
CONTEXT_OPTIONS = CONTEXT_KEYS[3:]
DIRECTIONS = ("FORWARD", "BACKWARD", "BIDIRECTIONAL", "TERMINATE", "PSEUDO")  # medspaCy's
YES_NO_KEYS = ("slot", "labels", "resolved", "future", "historical", "need")
YES_NO_VALUES = ("yes", "no", UNSURE)
CAUSES = tuple(v for v in SLOTS["ps_type"]["values"] if v != UNSURE)

_NAME_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")
_FRACTION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)\s*$")


@dataclass(frozen=True)
class Lexicon:
    """Every word table of the pre-screen's reader (see the YAML files for what each means)."""

    targets: Mapping[str, tuple[Phrase, ...]]  # label -> phrases, in file order
    causes: Mapping[str, str]  # label -> the ps_type it names
    self_naming_labels: frozenset[str]  # labels that name a neuropathy type on their own
    self_naming_phrases: frozenset[str]
    diabetes_care_phrases: frozenset[str]
    yes_no: Mapping[str, Mapping[str, Any]]  # slot -> {"labels": (...), "RESOLVED": "no", ...}
    context: tuple[ContextRule, ...]  # (category, direction, phrases, options), in file order
    typos: Mapping[str, str]
    fuzzy_vocab: tuple[str, ...]
    fuzzy_keep: frozenset[str]
    word_numbers: Mapping[str, int]
    months: Mapping[str, int]
    seasons: Mapping[str, int]
    unit_years: Mapping[str, float]


_lock = threading.Lock()
_cached: Lexicon | None = None


def get() -> Lexicon:
    """The shipped tables, read and checked on the first call."""
    global _cached
    lexicon = _cached
    if lexicon is None:
        with _lock:
            if _cached is None:
                _cached = load(FOLDER)
            lexicon = _cached
    return lexicon


def load(folder: str | Path = FOLDER) -> Lexicon:
    """Read and check every file in `folder` (no caching).

    Raises:
        ValueError: a file is missing, is not valid YAML, or has a record that
            does not pass the checks; the message names the file and the field.
    """
    folder = Path(folder)
    docs = {name: _read(folder / name, keys) for name, keys in FILE_KEYS.items()}

    f = _File("targets.yml")
    doc = docs[f.name]
    targets: dict[str, tuple[Phrase, ...]] = {}
    causes: dict[str, str] = {}
    self_naming = set()
    for i, record in enumerate(f.records(doc, "targets")):
        where = f"targets[{i}]"
        f.check_keys(where, record, TARGET_KEYS, ("label", "phrases"))
        label = f.name_field(f"{where}.label", record["label"])
        if label in targets:
            f.fail(f"{where}.label", f"label {label} is listed twice")
        targets[label] = f.phrases(f"{where}.phrases", record["phrases"])
        if "cause" in record:
            if record["cause"] not in CAUSES:
                f.fail(f"{where}.cause", f"unknown cause {record['cause']!r} (allowed: {_allowed(CAUSES)})")
            causes[label] = record["cause"]
        if "names_itself" in record:
            if not isinstance(record["names_itself"], bool):
                f.fail(f"{where}.names_itself", "should be true or false")
            if record["names_itself"]:
                self_naming.add(label)
    known_phrases = {p for phrases in targets.values() for p in phrases if isinstance(p, str)}
    picked = {}
    for key in ("self_naming_phrases", "diabetes_care_phrases"):
        words = f.words(key, doc.get(key) or [])
        for j, word in enumerate(words):
            if word not in known_phrases:
                f.fail(f"{key}[{j}]", f"'{word}' is not a phrase of any target, so it can never match")
        picked[key] = frozenset(words)

    f = _File("context.yml")
    context: list[ContextRule] = []
    records = list(f.records(docs[f.name], "context"))
    categories = {r.get("category") for r in records if isinstance(r, Mapping)}
    for i, record in enumerate(records):
        where = f"context[{i}]"
        f.check_keys(where, record, CONTEXT_KEYS, ("category", "direction", "phrases"))
        category = f.name_field(f"{where}.category", record["category"])
        direction = record["direction"]
        if direction not in DIRECTIONS:
            f.fail(f"{where}.direction", f"unknown direction {direction!r} (allowed: {_allowed(DIRECTIONS)})")
        options: dict[str, Any] = {}
        for key in CONTEXT_OPTIONS:
            if key not in record:
                continue
            value = record[key]
            if key in ("max_scope", "max_targets"):
                if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                    f.fail(f"{where}.{key}", "should be a whole number, 1 or more")
                options[key] = value
            else:
                allowed = (
                    sorted(c for c in categories if isinstance(c, str)) if key == "terminated_by" else list(targets)
                )
                names = f.words(f"{where}.{key}", value)
                for name in names:
                    if name not in allowed:
                        f.fail(f"{where}.{key}", f"unknown name '{name}' (allowed: {_allowed(allowed)})")
                options[key] = frozenset(names)
        context.append(
            (category, direction, f.phrases(f"{where}.phrases", record["phrases"]), MappingProxyType(options))
        )

    f = _File("yes_no.yml")
    yes_no: dict[str, Mapping[str, Any]] = {}
    for i, record in enumerate(f.records(docs[f.name], "yes_no")):
        where = f"yes_no[{i}]"
        f.check_keys(where, record, YES_NO_KEYS, ("slot", "labels"))
        slot = record["slot"]
        if slot not in YES_NO_SLOTS:
            f.fail(f"{where}.slot", f"unknown yes / no question {slot!r} (allowed: {_allowed(YES_NO_SLOTS)})")
        if slot in yes_no:
            f.fail(f"{where}.slot", f"{slot} is listed twice")
        labels = f.words(f"{where}.labels", record["labels"])
        for label in labels:
            if label not in targets:
                f.fail(f"{where}.labels", f"unknown label '{label}' (allowed: {_allowed(targets)})")
        meaning: dict[str, Any] = {"labels": tuple(labels)}
        for key in YES_NO_KEYS[2:]:
            if key in record:
                if record[key] not in YES_NO_VALUES:
                    f.fail(f"{where}.{key}", f'should be "yes", "no" or "unsure" in quotes, found {record[key]!r}')
                meaning[key.upper()] = record[key]
        yes_no[slot] = MappingProxyType(meaning)
    for slot in YES_NO_SLOTS:
        if slot not in yes_no:
            f.fail("yes_no", f"no entry for {slot}")

    f = _File("spelling.yml")
    doc = docs[f.name]
    typos = f.mapping("typos", doc.get("typos"), lambda v: isinstance(v, str) and v.strip() != "", "a word")
    for typo in typos:
        if typo != typo.lower():
            f.fail(f"typos.{typo}", "write the misspelling in lower case (replies are compared in lower case)")
    fuzzy_vocab = tuple(f.words("fuzzy_vocab", doc.get("fuzzy_vocab") or []))
    fuzzy_keep = frozenset(f.words("fuzzy_keep", doc.get("fuzzy_keep") or []))

    f = _File("numbers.yml")
    doc = docs[f.name]
    whole = lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0  # noqa: E731
    month = lambda v: whole(v) and 1 <= v <= 12  # noqa: E731
    word_numbers = f.mapping("word_numbers", doc.get("word_numbers"), whole, "a whole number")
    months = f.mapping("months", doc.get("months"), month, "a month number, 1 to 12")
    seasons = f.mapping("seasons", doc.get("seasons"), month, "a month number, 1 to 12")
    units = f.mapping(
        "units",
        doc.get("units"),
        lambda v: _years(v) is not None,
        "a length in years: a number or a fraction like 1/12",
    )

    return Lexicon(
        targets=MappingProxyType(targets),
        causes=MappingProxyType(causes),
        self_naming_labels=frozenset(self_naming),
        self_naming_phrases=picked["self_naming_phrases"],
        diabetes_care_phrases=picked["diabetes_care_phrases"],
        yes_no=MappingProxyType(yes_no),
        context=tuple(context),
        typos=MappingProxyType(typos),
        fuzzy_vocab=fuzzy_vocab,
        fuzzy_keep=fuzzy_keep,
        word_numbers=MappingProxyType(word_numbers),
        months=MappingProxyType(months),
        seasons=MappingProxyType(seasons),
        unit_years=MappingProxyType({k: float(_years(v)) for k, v in units.items()}),  # type: ignore[arg-type]
    )


# --------------------------------------------------------------------------
# Reading and checking


def _allowed(names: Any) -> str:
    return ", ".join(str(n) for n in names)


def _years(value: Any) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value) if value > 0 else None
    m = _FRACTION_RE.match(value) if isinstance(value, str) else None
    if m and float(m.group(1)) > 0 and float(m.group(2)) > 0:
        return float(m.group(1)) / float(m.group(2))
    return None


def _read(path: Path, allowed: Sequence[str]) -> Mapping[str, Any]:
    f = _File(path.name)
    try:
        with open(path, encoding="utf-8") as fh:
            doc = yaml.safe_load(fh)
    except FileNotFoundError:
        f.fail("", "file is missing")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        f.fail("", f"not valid YAML{f' (line {mark.line + 1})' if mark else ''}: {getattr(exc, 'problem', exc)}")
    f.check_keys("", doc, allowed, allowed[:1])
    return doc


class _File:
    """Checks of one file; every failure names it."""

    def __init__(self, name: str) -> None:
        self.name = name

    def fail(self, where: str, message: str) -> NoReturn:
        raise ValueError(f"lexicon/{self.name}: {where + ': ' if where else ''}{message}")

    def check_keys(self, where: str, record: Any, allowed: Sequence[str], required: Sequence[str] = ()) -> None:
        if not isinstance(record, Mapping):
            self.fail(where, f"should be a group of fields ({_allowed(allowed)}), found {type(record).__name__}")
        for key in record:
            if key not in allowed:
                self.fail(where, f"unknown key '{key}' (allowed: {_allowed(allowed)})")
        for key in required:
            if key not in record:
                self.fail(where, f"missing '{key}'")

    def records(self, doc: Mapping[str, Any], key: str) -> list[Any]:
        records = doc.get(key)
        if not isinstance(records, list) or not records:
            self.fail(key, "should be a non-empty list")
        return records

    def name_field(self, where: str, value: Any) -> str:
        if not isinstance(value, str) or not _NAME_RE.match(value):
            self.fail(where, f"should be a name in capitals, digits and _ (like CHEMO), found {value!r}")
        return value

    def words(self, where: str, value: Any) -> list[str]:
        if not isinstance(value, list):
            self.fail(where, f"should be a list, found {type(value).__name__}")
        for j, word in enumerate(value):
            if not isinstance(word, str) or not word.strip():
                self.fail(
                    f"{where}[{j}]",
                    f"should be a word or phrase, found {word!r} (put yes, no, on, off and numbers in quotes)",
                )
        return list(value)

    def phrases(self, where: str, value: Any) -> tuple[Phrase, ...]:
        if not isinstance(value, list) or not value:
            self.fail(where, "should be a non-empty list of phrases")
        out: list[Phrase] = []
        for j, phrase in enumerate(value):
            here = f"{where}[{j}]"
            if isinstance(phrase, Mapping):
                self.check_keys(here, phrase, PATTERN_KEYS, PATTERN_KEYS)
                pattern = phrase["pattern"]
                if (
                    not isinstance(pattern, list)
                    or not pattern
                    or not all(isinstance(t, Mapping) and t for t in pattern)
                ):
                    self.fail(
                        f"{here}.pattern",
                        "should be a spaCy token pattern: a list of {ATTR: value} "
                        "(see spacy.io/usage/rule-based-matching)",
                    )
                out.append(pattern)
            elif isinstance(phrase, str) and phrase.strip():
                if phrase != phrase.lower() or phrase != phrase.strip():
                    self.fail(here, f"write phrases in lower case without spaces around: {phrase!r}")
                out.append(phrase)
            else:
                self.fail(
                    here,
                    f"should be a phrase or {{pattern: [...]}}, found {phrase!r} "
                    "(put yes, no, on, off and numbers in quotes)",
                )
        return tuple(out)

    def mapping(self, where: str, value: Any, ok: Any, what: str) -> dict[str, Any]:
        if not isinstance(value, Mapping) or not value:
            self.fail(where, "should be a non-empty group of `word: value` lines")
        for key, item in value.items():
            if not isinstance(key, str) or not key.strip():
                self.fail(where, f"unknown key {key!r}: keys are words (put yes, no, on, off and numbers in quotes)")
            if not ok(item):
                self.fail(f"{where}.{key}", f"should be {what}, found {item!r}")
        return dict(value)
