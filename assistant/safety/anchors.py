"""Part of the prefilter (see prefilter.py): what a pattern cannot match without.

Works on a pattern's parse tree (from pattern_rules.py). For each pattern it
works out sets of whole words or word pieces ("anchors") such that any match
contains one from EVERY set, and how far a match can reach. Consecutive items
with few spellings are spelled out together ("want to die") so that words
split over several items are still found. When the anchors cannot be worked
out, fewer (or no) sets are returned and the pattern simply runs on more text.

Spelled-out strings use two markers: ``EDGE`` for a word edge (\\b, ^, $) and
``_SOME`` for "some letters or digits" (\\w+, [a-z]*, ...).
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from typing import Any, Optional

from assistant.safety.pattern_rules import REPEATS, simple_non_space, space_in_set, sre_c

_EXACT_MAX_STRINGS = 64
_EXACT_MAX_LEN = 60
EDGE = "\x01"  # stands for a word edge (\b, ^, $) inside spelled-out strings
_SOME = "\x02"  # stands for "some letters or digits" (\w+, [a-z]*, ...) inside them
COMMON_WORDS = frozenset(
    [
        "i",
        "me",
        "my",
        "a",
        "an",
        "the",
        "to",
        "is",
        "it",
        "do",
        "does",
        "did",
        "can",
        "could",
        "would",
        "will",
        "should",
        "of",
        "and",
        "in",
        "on",
        "at",
        "for",
        "with",
        "you",
        "your",
        "what",
        "this",
        "that",
        "be",
        "been",
        "am",
        "are",
        "was",
        "were",
        "have",
        "has",
        "had",
        "not",
        "no",
        "so",
        "just",
        "or",
        "if",
        "but",
        "how",
        "when",
        "why",
        "all",
        "any",
        "some",
        "get",
        "got",
        "go",
        "going",
        "want",
        "like",
        "know",
        "feel",
        "really",
        "pain",
        "feet",
        "foot",
        "treatment",
        "nerve",
        "nerves",
        "neuropathy",
        "doctor",
        "therapy",
        "stem",
        "cells",
        "burning",
        "numbness",
        "tingling",
    ]
)
_Exact = Optional[frozenset]  # noqa: UP045  (a runtime alias: X | None needs 3.10 objects here)


def product(a: frozenset, b: frozenset) -> _Exact:
    """Every string of ``a`` followed by every string of ``b``; None if too many or too long."""
    if len(a) * len(b) > _EXACT_MAX_STRINGS:
        return None
    out = frozenset(x + y for x in a for y in b)
    return out if all(len(x) <= _EXACT_MAX_LEN for x in out) else None


def exact_item(op: Any, av: Any) -> _Exact:
    """Every string one parsed item can match, if that is a small finite set."""
    if op is sre_c.LITERAL:
        return frozenset({chr(av)})
    if op is sre_c.AT:
        edge = av in (
            sre_c.AT_BOUNDARY,
            sre_c.AT_BEGINNING,
            sre_c.AT_BEGINNING_STRING,
            sre_c.AT_END,
            sre_c.AT_END_STRING,
        )
        return frozenset({EDGE if edge else ""})
    if op in (sre_c.ASSERT, sre_c.ASSERT_NOT):
        return frozenset({""})
    if op is sre_c.IN and not space_in_set(av) and not _charset_small(av):
        return frozenset({_SOME})
    if op is sre_c.IN:
        chars = set()
        for iop, iav in av:
            if iop is sre_c.LITERAL:
                chars.add(chr(iav))
            elif iop is sre_c.RANGE and iav[1] - iav[0] < 10:
                chars.update(chr(c) for c in range(iav[0], iav[1] + 1))
            else:
                return None
        return frozenset(chars) if len(chars) <= 10 else None
    if op is sre_c.SUBPATTERN:
        return _exact_seq(av[-1])
    if op is sre_c.BRANCH:
        out: set = set()
        for branch in av[1]:
            e = _exact_seq(branch)
            if e is None:
                return None
            out |= e
            if len(out) > _EXACT_MAX_STRINGS:
                return None
        return frozenset(out)
    if op in REPEATS:
        lo, hi, sub = av
        if hi == sre_c.MAXREPEAT and simple_non_space(sub):
            return frozenset({_SOME} | ({""} if lo == 0 else set()))
        if hi > 3:
            return None
        body = _exact_seq(sub)
        if body is None:
            return None
        out, cur = (set([""]) if lo == 0 else set()), frozenset({""})
        for k in range(1, hi + 1):
            step = product(cur, body)
            if step is None:
                return None
            cur = step
            if k >= lo:
                out |= cur
        return frozenset(out) if len(out) <= _EXACT_MAX_STRINGS else None
    return None


def _charset_small(items: Any) -> bool:
    n = 0
    for op, av in items:
        if op is sre_c.LITERAL:
            n += 1
        elif op is sre_c.RANGE and av[1] - av[0] < 10:
            n += av[1] - av[0] + 1
        else:
            return False
    return n <= 10


def _exact_seq(items: Any) -> _Exact:
    out = frozenset({""})
    for op, av in items:
        e = exact_item(op, av)
        if e is None:
            return None
        joined = product(out, e)
        if joined is None:
            return None
        out = joined
    return out


_PIECE = re.compile("[a-z0-9]+")
_DELIMS = (" ", EDGE)


def _needles(x: str) -> list[str]:
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


def _needle_rank(needle: str) -> tuple[int, int, int]:
    whole = needle.startswith(" ") and needle.endswith(" ") and len(needle) > 2
    common = whole and needle.strip() in COMMON_WORDS
    return (0 if common else 1, 1 if whole else 0, len(needle.strip()))


def _needle_set(strings: frozenset) -> frozenset | None:
    """A small set of needles such that each spelled-out string contains one
    of them (greedy cover, preferring rare whole words); None if one has none."""
    per_string = [set(_needles(x)) for x in strings]
    if not all(per_string):
        return None
    chosen: set = set()
    left = per_string
    while left:
        counts: dict[str, int] = {}
        for needles in left:
            for nd in needles:
                counts[nd] = counts.get(nd, 0) + 1
        best = max(counts, key=lambda nd: (_needle_rank(nd)[0], counts[nd], _needle_rank(nd)[1], nd))
        chosen.add(best)
        left = [needles for needles in left if best not in needles]
    return frozenset(chosen)


def _rarity(needles: AbstractSet[str]) -> tuple[int, int, int]:
    common = sum(_needle_rank(nd)[0] == 0 for nd in needles)
    short = sum(len(nd.strip()) < 4 for nd in needles)
    return (common, short, len(needles))


def _tails(run: frozenset) -> frozenset:
    """Each string cut down to its last (unfinished) word; " " marks a word start."""
    out = set()
    for x in run:
        cut = max(x.rfind(" "), x.rfind(EDGE))
        out.add(x if cut < 0 else " " + x[cut + 1 :])
    return frozenset(out)


def _is_edge(item: Any) -> bool:
    op, av = item
    return (op is sre_c.AT and av in (sre_c.AT_BOUNDARY, sre_c.AT_END, sre_c.AT_END_STRING)) or (
        op is sre_c.LITERAL and av == 32
    )


def anchor_sets(items: Any, left_edge: bool = False, right_edge: bool = False) -> list[frozenset]:
    """Word sets every match of ``items`` needs: one word from EACH set.

    ``left_edge`` / ``right_edge``: the text just before / after ``items`` is
    known to be a word edge, so a word touching that side is a whole word.
    """
    sets: list[frozenset] = []
    blank = frozenset({""})
    start = frozenset({" " if left_edge else ""})
    run = start

    def close(r: frozenset, s: frozenset, right: bool = False) -> None:
        if r != s:
            if right:
                r = product(r, frozenset({" "})) or r
            ws = _needle_set(r)
            if ws:
                sets.append(ws)

    items = list(items)
    for i, (op, av) in enumerate(items):
        e = exact_item(op, av)
        if e is not None:
            joined = product(run, e)
            if joined is None:
                # Too many spellings: report the words so far, then keep only
                # the word each spelling is in the middle of.
                close(run, start)
                run = start = _tails(run)
                joined = product(run, e)
                if joined is None:
                    edge = all(x.endswith((" ", EDGE)) for x in run)
                    start = frozenset({" " if edge else ""})
                    joined = product(start, e) or e
            run = joined
            continue
        close(run, start)
        edge = all(x.endswith((" ", EDGE)) for x in run) if run != blank else (i == 0 and left_edge)
        right = _is_edge(items[i + 1]) if i + 1 < len(items) else right_edge
        if op is sre_c.SUBPATTERN:
            sets += anchor_sets(av[-1], edge, right)
        elif op is sre_c.BRANCH:
            union: set = set()
            for branch in av[1]:
                options = anchor_sets(branch, edge, right)
                if not options:
                    union = set()
                    break
                union |= min(options, key=_rarity)
            if union:
                sets.append(frozenset(union))
        elif op in REPEATS and av[0] >= 1 and av[1] == 1:
            sets += anchor_sets(av[2], edge, right)
        elif op in REPEATS and av[0] >= 1:
            sets += anchor_sets(av[2])
        start = blank
        run = start
    close(run, start, right_edge)
    return sets


def reach(items: Any) -> tuple[int, int]:
    """Upper bound on the characters a match (with its look-arounds) spans:
    (fixed part, number of unbounded repeats). Each unbounded repeat stays
    inside one word (see _shape_problems), so it spans at most the longest word."""
    fixed = unbounded = 0
    for op, av in items:
        if op in (sre_c.SUBPATTERN,):
            f, u = reach(av[-1])
        elif op is sre_c.BRANCH:
            parts = [reach(b) for b in av[1]]
            f, u = max(p[0] for p in parts), max(p[1] for p in parts)
        elif op in REPEATS:
            _lo, hi, sub = av
            bf, bu = reach(sub)
            if hi == sre_c.MAXREPEAT:
                f, u = 0, 1 + bu
            else:
                f, u = hi * bf, hi * bu
        elif op in (sre_c.ASSERT, sre_c.ASSERT_NOT):
            f, u = reach(av[1])
        elif op is sre_c.AT:
            f, u = 0, 0
        else:
            f, u = 1, 0
        fixed += f
        unbounded += u
    return fixed, unbounded
