"""Deterministic safety detector shared by the NLU guard and the action server.

Patterns and wording live in ``content/safety.yml`` so staff can review them;
this module only validates them, compiles them once and matches them. There
is one reload path: the content store (actions/content.py) checks the whole
content directory, this file included, and only then swaps in a snapshot;
``Content.safety_detector`` is built from that snapshot.
It imports nothing from Rasa.

Interface:
    SafetyDetector(spec).detect(text) -> SafetyResult | None
    SafetyResult: kind, category, message (template), matches, intent
    load_spec(path=None) -> dict;  validate_spec(spec) -> [(field path, problem)]
    normalise(text) -> str

Priority when several kinds match one message:
crisis > emergency > pain_idiom > medical_advice.

Message text is never logged here: only file paths, field paths and counts.
"""
from __future__ import annotations

import functools
import logging
import os
import re
import string
import warnings
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import yaml

try:  # Python >= 3.11
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
    from re import _constants as _sre_c  # type: ignore[attr-defined]
except ImportError:  # Python 3.10
    import sre_constants as _sre_c  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

logger = logging.getLogger(__name__)

DEFAULT_SPEC_PATH = Path(__file__).resolve().parents[2] / "content" / "safety.yml"

#: Kinds in priority order (first wins).
KINDS: Tuple[str, ...] = ("crisis", "emergency", "pain_idiom", "medical_advice")

#: NLU intent that MessageGuard sets for each kind (see docs/ARCHITECTURE.md).
INTENT_BY_KIND: Dict[str, str] = {
    "crisis": "crisis",
    "emergency": "emergency",
    "pain_idiom": "pain_idiom",
    "medical_advice": "ask_medical_advice",
}

PLACEHOLDERS = frozenset({"clinic_name", "team_name", "phone", "email", "hours", "intake_url"})

# A hotline must never be edited out of the message that needs it. Matched on
# the lowercased text with runs of spaces folded; "988lifeline.org" alone does
# not count as "988" (a word edge is required).
REQUIRED_IN_MESSAGE: Dict[str, Tuple[str, ...]] = {
    "crisis": ("call or text 988", "911"),
    "emergency": ("911",),
    "pain_idiom": ("988",),
}

#: Corpora every edit of the patterns is checked against (``check_corpora``):
#: ordinary messages no crisis/emergency pattern may fire on, and messages that
#: must stay detected as their kind. They ship with the app, not with the tests.
CORPUS_DIR = Path(__file__).resolve().parents[2] / "data" / "safety"
ORDINARY_CORPUS = CORPUS_DIR / "ordinary.yml"
MUST_DETECT_CORPUS = CORPUS_DIR / "must_detect.yml"
ALARM_KINDS = ("crisis", "emergency")

TOP_KEYS: Tuple[str, ...] = ("version", "words") + KINDS
SECTION_KEYS: Tuple[str, ...] = ("description", "message", "categories")
CATEGORY_KEYS: Tuple[str, ...] = ("id", "description", "patterns", "message", "examples")

_ID_RE = re.compile(r"^[a-z0-9_]+$")
_WORD_LIST_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_WORD_LIST_REF_RE = re.compile(r"\{([a-z][a-z0-9_]*)\}")
_MAX_BOUNDED_REPEAT = 100

PathLike = Union[str, "os.PathLike[str]"]


class SafetySpecError(ValueError):
    """The safety spec failed validation; ``errors`` holds (field path, message)."""

    def __init__(self, errors: Sequence[Tuple[str, str]]) -> None:
        self.errors = list(errors)
        shown = "; ".join(f"{p or '<file>'}: {m}" for p, m in self.errors[:5])
        more = f" (+{len(self.errors) - 5} more)" if len(self.errors) > 5 else ""
        super().__init__(f"invalid safety spec: {shown}{more}")


@dataclass(frozen=True)
class SafetyResult:
    """What the detector found in one message.

    Attributes:
        kind: "crisis", "emergency", "pain_idiom" or "medical_advice".
        category: the category id from safety.yml, e.g. "poisoning", "medication".
        message: the reply template for this category; placeholders such as
            ``{phone}`` are not filled in here.
        matches: every (kind, category) that matched, in priority order; the
            first one is (kind, category). Lets a caller add, say, the emergency
            line to a crisis reply when both matched.
    """

    kind: str
    category: str
    message: str
    matches: Tuple[Tuple[str, str], ...] = ()

    @property
    def intent(self) -> str:
        """The NLU intent MessageGuard should set for this result."""
        return INTENT_BY_KIND[self.kind]


from assistant.normalise import normalise  # noqa: E402,F401  (re-exported: one normaliser for patterns and models)


# --------------------------------------------------------------------------- #
# Loading and validation
# --------------------------------------------------------------------------- #
def load_spec(path: Optional[PathLike] = None) -> Dict[str, Any]:
    """Read safety.yml (or ``path``) and return its data. Does not validate."""
    p = Path(path) if path is not None else DEFAULT_SPEC_PATH
    with open(p, encoding="utf-8") as fh:
        data = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return data if data is not None else {}


def _unknown_keys(data: Dict[str, Any], allowed: Sequence[str], path: str) -> List[Tuple[str, str]]:
    out = []
    for key in data:
        if key not in allowed:
            where = f"{path}.{key}" if path else str(key)
            out.append((where, f"unknown key '{key}'; allowed keys: {', '.join(allowed)}"))
    return out


def _space_in_set(items: Any) -> bool:
    """True when a parsed [...] set (sre IN items) can match a space."""
    negate = False
    hit = False
    for op, av in items:
        if op is _sre_c.NEGATE:
            negate = True
        elif op is _sre_c.LITERAL:
            hit = hit or av == 32
        elif op is _sre_c.RANGE:
            hit = hit or av[0] <= 32 <= av[1]
        elif op is _sre_c.CATEGORY:
            hit = hit or av in (_sre_c.CATEGORY_SPACE, _sre_c.CATEGORY_NOT_WORD,
                                _sre_c.CATEGORY_NOT_DIGIT, _sre_c.CATEGORY_UNI_SPACE,
                                _sre_c.CATEGORY_UNI_NOT_WORD, _sre_c.CATEGORY_UNI_NOT_DIGIT)
        else:  # unknown construct: be conservative
            hit = True
    return hit != negate


def _simple_non_space(sub: Any) -> bool:
    """True when ``sub`` is one character (or set) that cannot match a space."""
    if len(sub) != 1:
        return False
    op, av = sub[0]
    if op is _sre_c.LITERAL:
        return av != 32
    if op is _sre_c.IN:
        return not _space_in_set(av)
    return False


_REPEATS = {_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT}
if hasattr(_sre_c, "POSSESSIVE_REPEAT"):
    _REPEATS.add(_sre_c.POSSESSIVE_REPEAT)


def _shape_problems(items: Any, outer_max: int = 1) -> List[str]:
    """Find constructs that can backtrack badly on long input."""
    problems: List[str] = []
    for op, av in items:
        if op in _REPEATS:
            lo, hi, sub = av
            unbounded = hi == _sre_c.MAXREPEAT
            if unbounded and not _simple_non_space(sub):
                problems.append("'+', '*' or '{n,}' may only follow one letter or a [set] without "
                                "a space; for a gap between words use a bounded one such as .{0,40}")
            elif not unbounded and hi > _MAX_BOUNDED_REPEAT:
                problems.append(f"a repeat may allow at most {_MAX_BOUNDED_REPEAT} characters")
            if outer_max > 1 and hi > 1:
                problems.append("a repeat inside another repeat can be very slow; rewrite it")
            problems += _shape_problems(sub, hi if hi > 1 else outer_max)
        elif op is _sre_c.SUBPATTERN:
            problems += _shape_problems(av[-1], outer_max)
        elif op is _sre_c.BRANCH:
            for branch in av[1]:
                problems += _shape_problems(branch, outer_max)
        elif op in (_sre_c.ASSERT, _sre_c.ASSERT_NOT):
            problems += _shape_problems(av[1], outer_max)
        elif op in (_sre_c.GROUPREF, _sre_c.GROUPREF_EXISTS) or str(op).startswith("GROUPREF"):
            problems.append("back-references (\\1, (?P=name)) are not supported")
    return problems


def _has_capital(items: Any) -> bool:
    for op, av in items:
        if op is _sre_c.LITERAL and chr(av) != chr(av).lower():
            return True
        if op is _sre_c.RANGE and any(chr(c) != chr(c).lower() for c in av):
            return True
        if op is _sre_c.IN and _has_capital(av):
            return True
        if op in _REPEATS and _has_capital(av[2]):
            return True
        if op is _sre_c.SUBPATTERN and _has_capital(av[-1]):
            return True
        if op is _sre_c.BRANCH and any(_has_capital(b) for b in av[1]):
            return True
        if op in (_sre_c.ASSERT, _sre_c.ASSERT_NOT) and _has_capital(av[1]):
            return True
    return False


# --------------------------------------------------------------------------- #
# Prefilter: words a pattern cannot match without
# --------------------------------------------------------------------------- #
# Python's regex engine tries every pattern at every position of a message, so
# a few hundred patterns over a 20,000-character paste would take tens of
# milliseconds.
# Once per pattern we therefore work out, from its parsed form, sets of whole
# words such that any match contains a word from EVERY set ("anchors"), and
# how far a match can reach. A message lacking a set's words is skipped; in a
# long message the pattern only runs in windows around its rarest anchor
# words, and each window hit is confirmed on the full text. None of this can
# change a result (tests/safety check it against a plain full scan); a pattern
# whose anchors cannot be worked out simply always runs on the full text.
_EXACT_MAX_STRINGS = 64
_EXACT_MAX_LEN = 60
_EDGE = "\x01"  # stands for a word edge (\b, ^, $) inside spelled-out strings
_SOME = "\x02"  # stands for "some letters or digits" (\w+, [a-z]*, ...) inside them
_COMMON_WORDS = frozenset(
    """i me my a an the to is it do does did can could would will should of and in on at for
    with you your what this that be been am are was were have has had not no so just
    or if but how when why all any some get got go going want like know feel really
    pain feet foot treatment nerve nerves neuropathy doctor therapy stem cells burning
    numbness tingling""".split())
_SHORT_TEXT = 1500  # below this many characters, windows are not worth it
_MAX_WINDOWS = 40  # above this many anchor words, one pass is cheaper than windows
_Exact = Optional[frozenset]


def _product(a: frozenset, b: frozenset) -> _Exact:
    if len(a) * len(b) > _EXACT_MAX_STRINGS:
        return None
    out = frozenset(x + y for x in a for y in b)
    return out if all(len(x) <= _EXACT_MAX_LEN for x in out) else None


def _exact_item(op: Any, av: Any) -> _Exact:
    """Every string one parsed item can match, if that is a small finite set."""
    if op is _sre_c.LITERAL:
        return frozenset({chr(av)})
    if op is _sre_c.AT:
        edge = av in (_sre_c.AT_BOUNDARY, _sre_c.AT_BEGINNING, _sre_c.AT_BEGINNING_STRING,
                      _sre_c.AT_END, _sre_c.AT_END_STRING)
        return frozenset({_EDGE if edge else ""})
    if op in (_sre_c.ASSERT, _sre_c.ASSERT_NOT):
        return frozenset({""})
    if op is _sre_c.IN and not _space_in_set(av) and not _charset_small(av):
        return frozenset({_SOME})
    if op is _sre_c.IN:
        chars = set()
        for iop, iav in av:
            if iop is _sre_c.LITERAL:
                chars.add(chr(iav))
            elif iop is _sre_c.RANGE and iav[1] - iav[0] < 10:
                chars.update(chr(c) for c in range(iav[0], iav[1] + 1))
            else:
                return None
        return frozenset(chars) if len(chars) <= 10 else None
    if op is _sre_c.SUBPATTERN:
        return _exact_seq(av[-1])
    if op is _sre_c.BRANCH:
        out: set = set()
        for branch in av[1]:
            e = _exact_seq(branch)
            if e is None:
                return None
            out |= e
            if len(out) > _EXACT_MAX_STRINGS:
                return None
        return frozenset(out)
    if op in _REPEATS:
        lo, hi, sub = av
        if hi == _sre_c.MAXREPEAT and _simple_non_space(sub):
            return frozenset({_SOME} | ({""} if lo == 0 else set()))
        if hi > 3:
            return None
        body = _exact_seq(sub)
        if body is None:
            return None
        out, cur = (set([""]) if lo == 0 else set()), frozenset({""})
        for k in range(1, hi + 1):
            cur = _product(cur, body)
            if cur is None:
                return None
            if k >= lo:
                out |= cur
        return frozenset(out) if len(out) <= _EXACT_MAX_STRINGS else None
    return None


def _charset_small(items: Any) -> bool:
    n = 0
    for op, av in items:
        if op is _sre_c.LITERAL:
            n += 1
        elif op is _sre_c.RANGE and av[1] - av[0] < 10:
            n += av[1] - av[0] + 1
        else:
            return False
    return n <= 10


def _exact_seq(items: Any) -> _Exact:
    out = frozenset({""})
    for op, av in items:
        e = _exact_item(op, av)
        if e is None:
            return None
        out = _product(out, e)
        if out is None:
            return None
    return out


_PIECE = re.compile("[a-z0-9]+")
_DELIMS = (" ", _EDGE)


def _needles(x: str) -> List[str]:
    """Substrings any text matched by spelled-out string ``x`` must contain, in
    the form they take in " " + text + " ": " word " for a whole word, " pre"
    for the start of a word, "end " for its end, "mid" for a piece of one."""
    out = []
    for m in _PIECE.finditer(x):
        piece = m.group()
        left = m.start() > 0 and x[m.start() - 1] in _DELIMS
        right = m.end() < len(x) and x[m.end()] in _DELIMS
        if left and right:
            out.append(f" {piece} ")
        elif left:  # the start of a word: any of its first letters will do
            out += [f" {piece[:k]}" for k in range(2, len(piece) + 1)]
        elif right:
            out += [f"{piece[-k:]} " for k in range(2, len(piece) + 1)]
        elif len(piece) >= 3:
            out.append(piece)
    return out


def _needle_rank(needle: str) -> Tuple[int, int, int]:
    whole = needle.startswith(" ") and needle.endswith(" ") and len(needle) > 2
    common = whole and needle.strip() in _COMMON_WORDS
    return (0 if common else 1, 1 if whole else 0, len(needle.strip()))


def _needle_set(strings: frozenset) -> Optional[frozenset]:
    """A small set of needles such that each spelled-out string contains one
    of them (greedy cover, preferring rare whole words); None if one has none."""
    per_string = [set(_needles(x)) for x in strings]
    if not all(per_string):
        return None
    chosen: set = set()
    left = per_string
    while left:
        counts: Dict[str, int] = {}
        for needles in left:
            for nd in needles:
                counts[nd] = counts.get(nd, 0) + 1
        best = max(counts, key=lambda nd: (_needle_rank(nd)[0], counts[nd], _needle_rank(nd)[1], nd))
        chosen.add(best)
        left = [needles for needles in left if best not in needles]
    return frozenset(chosen)


def _rarity(needles: frozenset) -> Tuple[int, int, int]:
    common = sum(_needle_rank(nd)[0] == 0 for nd in needles)
    short = sum(len(nd.strip()) < 4 for nd in needles)
    return (common, short, len(needles))


def _tails(run: frozenset) -> frozenset:
    """Each string cut down to its last (unfinished) word; " " marks a word start."""
    out = set()
    for x in run:
        cut = max(x.rfind(" "), x.rfind(_EDGE))
        out.add(x if cut < 0 else " " + x[cut + 1:])
    return frozenset(out)


def _is_edge(item: Any) -> bool:
    op, av = item
    return (op is _sre_c.AT and av in (_sre_c.AT_BOUNDARY, _sre_c.AT_END, _sre_c.AT_END_STRING)) or \
        (op is _sre_c.LITERAL and av == 32)


def _anchor_sets(items: Any, left_edge: bool = False, right_edge: bool = False) -> List[frozenset]:
    """Word sets every match of ``items`` needs: one word from EACH set.

    Consecutive items with few spellings are spelled out together ("want to
    die") so that words split over several items are still found.
    ``left_edge`` / ``right_edge``: the text just before / after ``items`` is
    known to be a word edge, so a word touching that side is a whole word.
    """
    sets: List[frozenset] = []
    blank = frozenset({""})
    start = frozenset({" " if left_edge else ""})
    run = start

    def close(r: frozenset, s: frozenset, right: bool = False) -> None:
        if r != s:
            if right:
                r = _product(r, frozenset({" "})) or r
            ws = _needle_set(r)
            if ws:
                sets.append(ws)

    items = list(items)
    for i, (op, av) in enumerate(items):
        e = _exact_item(op, av)
        if e is not None:
            joined = _product(run, e)
            if joined is None:
                # Too many spellings: report the words so far, then keep only
                # the word each spelling is in the middle of.
                close(run, start)
                run = start = _tails(run)
                joined = _product(run, e)
                if joined is None:
                    edge = all(x.endswith((" ", _EDGE)) for x in run)
                    start = frozenset({" " if edge else ""})
                    joined = _product(start, e) or e
            run = joined
            continue
        close(run, start)
        edge = all(x.endswith((" ", _EDGE)) for x in run) if run != blank else (i == 0 and left_edge)
        right = _is_edge(items[i + 1]) if i + 1 < len(items) else right_edge
        if op is _sre_c.SUBPATTERN:
            sets += _anchor_sets(av[-1], edge, right)
        elif op is _sre_c.BRANCH:
            union: set = set()
            for branch in av[1]:
                options = _anchor_sets(branch, edge, right)
                if not options:
                    union = set()
                    break
                union |= min(options, key=_rarity)
            if union:
                sets.append(frozenset(union))
        elif op in _REPEATS and av[0] >= 1 and av[1] == 1:
            sets += _anchor_sets(av[2], edge, right)
        elif op in _REPEATS and av[0] >= 1:
            sets += _anchor_sets(av[2])
        start = blank
        run = start
    close(run, start, right_edge)
    return sets


def _reach(items: Any) -> Tuple[int, int]:
    """Upper bound on the characters a match (with its look-arounds) spans:
    (fixed part, number of unbounded repeats). Each unbounded repeat stays
    inside one word (see _shape_problems), so it spans at most the longest word."""
    fixed = unbounded = 0
    for op, av in items:
        if op in (_sre_c.SUBPATTERN,):
            f, u = _reach(av[-1])
        elif op is _sre_c.BRANCH:
            parts = [_reach(b) for b in av[1]]
            f, u = max(p[0] for p in parts), max(p[1] for p in parts)
        elif op in _REPEATS:
            lo, hi, sub = av
            bf, bu = _reach(sub)
            if hi == _sre_c.MAXREPEAT:
                f, u = 0, 1 + bu
            else:
                f, u = hi * bf, hi * bu
        elif op in (_sre_c.ASSERT, _sre_c.ASSERT_NOT):
            f, u = _reach(av[1])
        elif op is _sre_c.AT:
            f, u = 0, 0
        else:
            f, u = 1, 0
        fixed += f
        unbounded += u
    return fixed, unbounded


@dataclass(frozen=True)
class _Need:
    words: frozenset  # whole words: checked against the message's set of words
    others: Tuple[str, ...]  # other needles: checked with a substring search
    needles: Tuple[str, ...]  # all of them as they appear in " " + text + " "


@dataclass(frozen=True)
class _Prefilter:
    needs: Tuple[_Need, ...]  # each must be met; () = no check
    fixed: int  # reach of a match: fixed + unbounded * (longest word)
    unbounded: int
    at_start: bool  # pattern begins with ^: it can only match at the start
    at_end: bool  # pattern ends with $: every match ends at the end of the text


def _prefilter(parsed: Any) -> _Prefilter:
    try:
        sets = set(_anchor_sets(parsed))
        fixed, unbounded = _reach(parsed)
        items = list(parsed)
        at_start = bool(items) and items[0] == (_sre_c.AT, _sre_c.AT_BEGINNING)
        at_end = bool(items) and items[-1][0] is _sre_c.AT and items[-1][1] in (
            _sre_c.AT_END, _sre_c.AT_END_STRING)
    except Exception:  # noqa: BLE001 - a prefilter must never break detection
        return _Prefilter((), 0, 0, False, False)
    needs = []
    for needles in sets:
        words = frozenset(nd.strip() for nd in needles
                          if nd.startswith(" ") and nd.endswith(" ") and len(nd) > 2)
        others = tuple(sorted(nd for nd in needles if not (
            nd.startswith(" ") and nd.endswith(" ") and len(nd) > 2)))
        needs.append(_Need(words, others, tuple(f" {w} " for w in sorted(words)) + others))
    needs.sort(key=lambda nd: (len(nd.others), len(nd.words)))  # set checks are the cheapest
    return _Prefilter(tuple(needs), fixed, unbounded, at_start, at_end)


def _compile_problem(pattern: str) -> Optional[str]:
    """Return a plain description of what is wrong with ``pattern`` (or None)."""
    return _analyse(pattern)[0]


@functools.lru_cache(maxsize=4096)
def _analyse(pattern: str) -> Tuple[Optional[str], Any, Optional["re.Pattern[str]"]]:
    """(problem or None, parse tree, compiled), cached: a reload after a small
    edit then only recompiles the patterns that changed."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            parsed = _sre_parse.parse(pattern)
            compiled = re.compile(pattern)
    except (re.error, Warning, RecursionError, OverflowError) as exc:
        return f"bad regex: {exc}", None, None
    if _has_capital(parsed):
        return "write patterns in small letters: text is lowercased before matching", None, None
    problems = _shape_problems(parsed)
    if problems:
        return problems[0], None, None
    if parsed.getwidth()[0] == 0:
        return "pattern can match empty text, so it would flag every message", None, None
    return None, parsed, compiled


def _expand(pattern: str, word_lists: Dict[str, str]) -> Tuple[str, List[str]]:
    """Replace {name} with the word list's alternatives; return unknown names."""
    missing: List[str] = []

    def sub(m: "re.Match[str]") -> str:
        name = m.group(1)
        if name in word_lists:
            return word_lists[name]
        missing.append(name)
        return m.group(0)

    return _WORD_LIST_REF_RE.sub(sub, pattern), missing


def _check_message(msg: Any, path: str, kind: str) -> List[Tuple[str, str]]:
    if not isinstance(msg, str) or not msg.strip():
        return [(path, "message must be non-empty text")]
    errors = []
    try:
        names = [f for _, f, _, _ in string.Formatter().parse(msg) if f is not None]
    except ValueError as exc:
        return [(path, f"bad placeholder syntax: {exc} (write {{phone}}, not {{ phone }})")]
    for name in names:
        if name not in PLACEHOLDERS:
            errors.append((path, f"unknown placeholder '{{{name}}}'; allowed: "
                                 + ", ".join("{" + p + "}" for p in sorted(PLACEHOLDERS))))
    folded = " ".join(msg.lower().split())
    for needed in REQUIRED_IN_MESSAGE.get(kind, ()):
        if not re.search(r"(?<![\w.])" + re.escape(needed) + r"(?![\w])", folded):
            errors.append((path, f"a {kind} message must say '{needed}'"))
    return errors


def _word_lists(spec: Dict[str, Any], errors: List[Tuple[str, str]]) -> Dict[str, str]:
    """Expand ``words:`` into one regex alternation per list; lists may use other lists."""
    raw = spec.get("words", {}) or {}
    if not isinstance(raw, dict):
        errors.append(("words", "must be a mapping of list name -> list of words"))
        return {}
    entries: Dict[str, List[Tuple[int, str]]] = {}
    for name, items in raw.items():
        path = f"words.{name}"
        if not isinstance(name, str) or not _WORD_LIST_NAME_RE.match(name):
            errors.append((path, "list names use a-z, 0-9 and _ and start with a letter"))
            continue
        if not isinstance(items, list) or not items:
            errors.append((path, "must be a non-empty list of words"))
            continue
        good = []
        for i, entry in enumerate(items):
            if not isinstance(entry, str) or not entry.strip():
                errors.append((f"{path}[{i}]", "must be non-empty text"))
            else:
                good.append((i, entry))
        entries[name] = good

    resolved: Dict[str, Optional[str]] = {}

    def resolve(name: str, stack: Tuple[str, ...]) -> Optional[str]:
        if name in resolved:
            return resolved[name]
        if name in stack:
            errors.append((f"words.{name}", "a word list cannot include itself"))
            return None
        parts = []
        for i, entry in entries[name]:
            missing: List[str] = []

            def sub(m: "re.Match[str]") -> str:
                ref = m.group(1)
                if ref not in entries:
                    missing.append(ref)
                    return m.group(0)
                return resolve(ref, stack + (name,)) or m.group(0)

            expanded = _WORD_LIST_REF_RE.sub(sub, entry)
            if missing:
                errors.append((f"words.{name}[{i}]", f"unknown word list {{{missing[0]}}}; defined: "
                                                     + ", ".join(sorted(entries))))
                continue
            problem = _compile_problem(expanded)
            if problem:
                errors.append((f"words.{name}[{i}]", problem))
                continue
            parts.append(expanded)
        resolved[name] = "(?:" + "|".join(parts) + ")" if parts else None
        return resolved[name]

    for name in entries:
        resolve(name, ())
    return {k: v for k, v in resolved.items() if v}


def _structure_errors(spec: Any) -> Tuple[List[Tuple[str, str]], Dict[str, str]]:
    """Check everything except the examples; return errors and expanded word lists."""
    errors: List[Tuple[str, str]] = []
    if not isinstance(spec, dict):
        return [("", "the file must be a mapping with the sections " + ", ".join(KINDS))], {}
    errors += _unknown_keys(spec, TOP_KEYS, "")
    lists = _word_lists(spec, errors)
    seen_ids: Dict[str, str] = {}
    for kind in KINDS:
        section = spec.get(kind)
        if section is None:
            errors.append((kind, "missing section"))
            continue
        if not isinstance(section, dict):
            errors.append((kind, "must be a mapping with: " + ", ".join(SECTION_KEYS)))
            continue
        errors += _unknown_keys(section, SECTION_KEYS, kind)
        if not isinstance(section.get("description", ""), str):
            errors.append((f"{kind}.description", "must be text"))
        default_msg = section.get("message")
        if default_msg is not None:
            errors += _check_message(default_msg, f"{kind}.message", kind)
        cats = section.get("categories")
        if not isinstance(cats, list) or not cats:
            errors.append((f"{kind}.categories", "must be a non-empty list"))
            continue
        for ci, cat in enumerate(cats):
            cpath = f"{kind}.categories[{ci}]"
            if not isinstance(cat, dict):
                errors.append((cpath, "must be a mapping with: " + ", ".join(CATEGORY_KEYS)))
                continue
            errors += _unknown_keys(cat, CATEGORY_KEYS, cpath)
            cid = cat.get("id")
            if not isinstance(cid, str) or not _ID_RE.match(cid):
                errors.append((f"{cpath}.id", "missing or invalid id (use a-z, 0-9 and _)"))
            elif cid in seen_ids:
                errors.append((f"{cpath}.id", f"duplicate id '{cid}' (also at {seen_ids[cid]})"))
            else:
                seen_ids[cid] = cpath
            if "message" in cat:
                errors += _check_message(cat["message"], f"{cpath}.message", kind)
            elif default_msg is None:
                errors.append((f"{cpath}.message",
                               f"missing message (give this category one, or give {kind} a message)"))
            pats = cat.get("patterns")
            if not isinstance(pats, list) or not pats:
                errors.append((f"{cpath}.patterns", "must be a non-empty list of patterns"))
            else:
                seen_pats: Dict[str, int] = {}
                for pi, pat in enumerate(pats):
                    ppath = f"{cpath}.patterns[{pi}]"
                    if not isinstance(pat, str) or not pat.strip():
                        errors.append((ppath, "must be non-empty text"))
                        continue
                    if pat in seen_pats:
                        errors.append((ppath, f"duplicate of patterns[{seen_pats[pat]}]"))
                        continue
                    seen_pats[pat] = pi
                    expanded, missing = _expand(pat, lists)
                    if missing:
                        errors.append((ppath, f"unknown word list {{{missing[0]}}}; defined: "
                                              + (", ".join(sorted(lists)) or "none")))
                        continue
                    problem = _compile_problem(expanded)
                    if problem:
                        errors.append((ppath, problem))
            examples = cat.get("examples", [])
            if not isinstance(examples, list) or not all(isinstance(e, str) for e in examples):
                errors.append((f"{cpath}.examples", "must be a list of example messages"))
            if not isinstance(cat.get("description", ""), str):
                errors.append((f"{cpath}.description", "must be text"))
    return errors, lists


def validate_spec(spec: Any) -> List[Tuple[str, str]]:
    """Check a loaded safety spec; return (field path, problem) pairs, empty if fine.

    Besides structure, keys, ids, messages and placeholders, every pattern must
    compile, must not match empty text and must avoid shapes that backtrack
    badly; and every category's ``examples`` must be detected as that category.
    """
    errors, lists = _structure_errors(spec)
    if errors:
        return errors
    detector = SafetyDetector._unchecked(spec, lists)
    return detector.example_errors(spec) + check_corpora(detector, spec)


@functools.lru_cache(maxsize=1)
def _corpora() -> Tuple[Tuple[str, ...], Tuple[Tuple[str, str], ...]]:
    ordinary = yaml.safe_load(ORDINARY_CORPUS.read_text(encoding="utf-8")) or {}
    must = yaml.safe_load(MUST_DETECT_CORPUS.read_text(encoding="utf-8")) or {}
    texts = tuple(ordinary.get("messages") or ()) + tuple(ordinary.get("medical_advice_questions") or ())
    needed = [(t, "crisis") for t in must.get("crisis") or ()]
    needed += [(t, "emergency") for texts_ in (must.get("emergency") or {}).values() for t in texts_]
    needed += [(t, "pain_idiom") for t in must.get("pain_idiom") or ()]
    return texts, tuple(needed)


def check_corpora(detector: "SafetyDetector", spec: Dict[str, Any]) -> List[Tuple[str, str]]:
    """Safety content is checked like code: no crisis or emergency pattern may fire
    on an ordinary message, and every must-detect message must keep its kind."""
    try:
        ordinary, needed = _corpora()
    except (OSError, yaml.YAMLError) as exc:
        return [("", f"the safety check corpora could not be read ({type(exc).__name__})")]
    errors: List[Tuple[str, str]] = []
    for text in ordinary:
        for kind, category, index in detector.explain(text):
            if kind in ALARM_KINDS:
                ci = next(i for i, c in enumerate(spec[kind]["categories"]) if c["id"] == category)
                errors.append((f"{kind}.categories[{ci}].patterns[{index}]",
                               f"fires on an ordinary message ({ORDINARY_CORPUS.name}): {text[:80]!r}"))
    for text, kind in needed:
        found = detector.detect(text)
        if found is None or found.kind != kind:
            errors.append((kind, f"no longer detects a message it must ({MUST_DETECT_CORPUS.name}): "
                                 f"{text[:80]!r} -> {found.kind if found else 'nothing'}"))
    return errors


# --------------------------------------------------------------------------- #
# Detector
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class _Pattern:
    regex: "re.Pattern[str]"
    pre: _Prefilter
    finder: Optional["re.Pattern[str]"]  # see _finder

    def search(self, text: str, lo: int = 0, hi: Optional[int] = None) -> bool:
        """True if ``regex`` matches ``text`` (the full text) starting in [lo, hi]."""
        hi = len(text) if hi is None else hi
        finder, regex = self.finder, self.regex
        if finder is None:
            if lo == 0 and hi == len(text):
                return regex.search(text) is not None
            finder = regex
        while lo <= hi:
            m = finder.search(text, lo, hi)
            if m is None:
                return False
            # Confirm on the full text: a window's edge can fake a $, a \b or a look-ahead.
            if regex.match(text, m.start()) is not None:
                return True
            lo = m.start() + 1
        return False


def _finder(parsed: Any) -> Optional["re.Pattern[str]"]:
    """A regex for the literal words a match must start with, or None.

    For ``\\b(?:should|can) i\\b...`` it is ``should i|can i``, each checked to
    start a word. Python's engine jumps straight to such words, and every hit is
    confirmed with the full pattern, so a finder never changes a result.
    Openings that are short or very common words are not worth a finder.
    """
    if not parsed or parsed[0] != (_sre_c.AT, _sre_c.AT_BOUNDARY):
        return None
    run = frozenset({""})
    for op, av in parsed[1:]:
        e = _exact_item(op, av)
        if e is None:
            break
        joined = _product(run, e)
        if joined is None:
            break
        run = joined
    starts = {x.split(_EDGE, 1)[0] for x in run}
    if not starts or not all(re.fullmatch("[a-z0-9][a-z0-9 ]*", x) for x in starts):
        return None
    if any(len(x) < 4 or x in _COMMON_WORDS for x in starts):
        return None  # too frequent: the engine's own scan is faster
    alts = [f"{re.escape(x)}(?<![a-z0-9]{re.escape(x)})" for x in sorted(starts, key=len, reverse=True)]
    return re.compile("|".join(alts))


@functools.lru_cache(maxsize=4096)
def _pattern(expanded: str) -> _Pattern:
    _, parsed, regex = _analyse(expanded)
    return _Pattern(regex, _prefilter(parsed), _finder(parsed))


@dataclass(frozen=True)
class _Rule:
    kind: str
    category: str
    message: str
    patterns: Tuple[_Pattern, ...]


class SafetyDetector:
    """Matches normalised text against the compiled safety patterns.

    Build it from a spec dict (``load_spec()``); it raises ``SafetySpecError``
    when the spec is invalid (the same checks as ``validate_spec``). Patterns
    are compiled once, here; ``detect`` is thread-safe.
    """

    def __init__(self, spec: Dict[str, Any]) -> None:
        errors, lists = _structure_errors(spec)
        if errors:
            raise SafetySpecError(errors)
        self._build(spec, lists)
        errors = self.example_errors(spec)
        if errors:
            raise SafetySpecError(errors)

    @classmethod
    def _unchecked(cls, spec: Dict[str, Any], lists: Dict[str, str]) -> "SafetyDetector":
        """A detector from a spec whose structure is known to be valid (examples unchecked)."""
        self = cls.__new__(cls)
        self._build(spec, lists)
        return self

    def _build(self, spec: Dict[str, Any], lists: Dict[str, str]) -> None:
        rules: List[_Rule] = []
        for kind in KINDS:
            section = spec[kind]
            for cat in section["categories"]:
                pats = [_pattern(_expand(p, lists)[0]) for p in cat["patterns"]]
                rules.append(_Rule(
                    kind=kind,
                    category=cat["id"],
                    message=cat.get("message", section.get("message", "")),
                    patterns=tuple(pats),
                ))
        self._rules: Tuple[_Rule, ...] = tuple(rules)
        self.version = spec.get("version")

    def example_errors(self, spec: Dict[str, Any]) -> List[Tuple[str, str]]:
        """Each category's ``examples`` must be detected as that very category."""
        errors: List[Tuple[str, str]] = []
        for kind in KINDS:
            for ci, cat in enumerate(spec[kind]["categories"]):
                for ei, example in enumerate(cat.get("examples", []) or []):
                    res = self.detect(example)
                    path = f"{kind}.categories[{ci}].examples[{ei}]"
                    if res is None:
                        errors.append((path, "example is not detected by any pattern"))
                    elif (res.kind, res.category) != (kind, cat["id"]):
                        errors.append((path, f"example is detected as {res.kind}/{res.category}, "
                                             f"expected {kind}/{cat['id']}"))
        return errors

    @property
    def categories(self) -> List[Tuple[str, str]]:
        """All (kind, category) pairs, in priority order."""
        return [(r.kind, r.category) for r in self._rules]

    def message_for(self, kind: str, category: str) -> str:
        """The reply template of one category."""
        for r in self._rules:
            if r.kind == kind and r.category == category:
                return r.message
        raise KeyError(f"{kind}/{category}")

    def detect(self, text: Any) -> Optional[SafetyResult]:
        """Return the highest-priority finding in ``text``, or None."""
        norm = normalise(text)
        if not norm:
            return None
        scan = _Scan(norm)
        hits: List[_Rule] = []
        kinds_hit = set()
        for rule in self._rules:
            if rule.kind in kinds_hit:
                continue  # first matching category of a kind wins
            if any(scan.matches(pat) for pat in rule.patterns):
                hits.append(rule)
                kinds_hit.add(rule.kind)
        if not hits:
            return None
        first = hits[0]
        return SafetyResult(first.kind, first.category, first.message,
                            tuple((h.kind, h.category) for h in hits))

    def explain(self, text: Any) -> List[Tuple[str, str, int]]:
        """Every (kind, category, pattern index) that matches, by a plain full
        scan with no prefilter; for tests and reviews."""
        norm = normalise(text)
        return [(rule.kind, rule.category, i)
                for rule in self._rules
                for i, pat in enumerate(rule.patterns) if pat.regex.search(norm)]


class _Scan:
    """One normalised message, with what the prefilter needs to know about it."""

    __slots__ = ("norm", "padded", "words", "long", "_counter", "_counts", "_longest")

    def __init__(self, norm: str) -> None:
        self.norm = norm
        self.padded = f" {norm} "
        self.words = frozenset(norm.split(" "))
        self.long = len(norm) > _SHORT_TEXT
        self._counter: Optional[Counter] = None
        self._counts: Dict[str, int] = {}
        self._longest = 0

    def _met(self, need: _Need) -> bool:
        if not need.words.isdisjoint(self.words):
            return True
        padded = self.padded
        return any(nd in padded for nd in need.others)

    def matches(self, pat: _Pattern) -> bool:
        pre = pat.pre
        for need in pre.needs:
            if not self._met(need):
                return False
        if pre.at_start:
            return pat.regex.match(self.norm) is not None
        if not self.long:
            return pat.search(self.norm)
        if not self._longest:
            self._longest = max(map(len, self.words))
        reach = pre.fixed + pre.unbounded * self._longest + 2
        if pre.at_end:
            return pat.search(self.norm, max(0, len(self.norm) - reach))
        if not pre.needs:
            return pat.search(self.norm)
        return self._search_windows(pat, reach)

    def _count(self, needle: str) -> int:
        n = self._counts.get(needle)
        if n is None:
            if needle.startswith(" ") and needle.endswith(" ") and " " not in needle[1:-1]:
                if self._counter is None:
                    self._counter = Counter(self.norm.split(" "))
                n = self._counter.get(needle[1:-1], 0)
            else:
                n = self.padded.count(needle)
            self._counts[needle] = n
        return n

    def _search_windows(self, pat: _Pattern, reach: int) -> bool:
        norm, n, padded = self.norm, len(self.norm), self.padded
        # Search around the needed set that is rarest in this message.
        best_total, best = -1, ()
        for need in pat.pre.needs:
            total = sum(self._count(nd) for nd in need.needles)
            if best_total < 0 or total < best_total:
                best_total, best = total, need.needles
        if best_total > _MAX_WINDOWS or 2 * best_total * (reach + self._longest) >= n:
            return pat.search(norm)  # windows would cost more than one pass
        starts: List[int] = []
        for nd in best:
            if self._count(nd):
                i = padded.find(nd)
                while i >= 0:
                    starts.append(i)  # norm index of the needle, give or take one
                    i = padded.find(nd, i + 1)
        starts.sort()
        windows: List[List[int]] = []
        for pos in starts:
            lo, hi = max(0, pos - reach), min(n, pos + self._longest + reach)
            if windows and lo <= windows[-1][1]:
                windows[-1][1] = max(windows[-1][1], hi)
            else:
                windows.append([lo, hi])
        return any(pat.search(norm, lo, hi) for lo, hi in windows)
