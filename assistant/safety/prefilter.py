"""Prefilter: skip patterns a message cannot match, and run the rest on less text.

Python's regex engine tries every pattern at every position of a message, so
the ~265 safety patterns over a long paste cost milliseconds per thousand
characters. Once per pattern we therefore work out, from its parsed form
(anchors.py), sets of whole words such that any match contains a word from
EVERY set ("anchors"), and how far a match can reach. A message lacking a
set's words is skipped; in a long message the pattern only runs in windows
around its rarest anchor words, and each window hit is confirmed on the full
text. None of this can change a result (tests/assistant/safety check it
against a plain full scan, ``SafetyDetector.explain``); a pattern whose
anchors cannot be worked out simply always runs on the full text.

Why it is kept: measured with scripts/bench_safety.py (CPU ms, best of 7;
Python 3.10, 265 patterns, 851 corpus messages; shared 2-CPU machine under
load, November 2026). "plain" is ``regex.search`` of every compiled pattern
over the normalised text, nothing else (``detect(text, use_prefilter=False)``).

    input                               plain    prefilter
    corpus messages, median              0.22       0.24
    corpus messages, 99th percentile     0.5        0.5
    1,000 chars of ordinary text         6.5-6.9    1.5-1.8
    1,000 chars of near-miss text        6.9        2.0-2.3
    40,000 chars of ordinary text        224-228    34-37
    40,000 chars of near-miss text       216-244    43-45

The plain scan keeps a typical message under 1 ms but not a 1,000-character
message (the guard's limit) under 5 ms, so the prefilter stays. Joining each
category's patterns into one alternation (no parse tree needed) gives 4.2-4.6
ms at 1,000 characters, too close to the bound, and 147-159 ms at 40,000.
Besides pattern_rules.py, this module and anchors.py are the only users of
CPython's private regex parser (``sre_parse``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, cast

from assistant.safety.anchors import COMMON_WORDS, EDGE, anchor_sets, exact_item, product, reach
from assistant.safety.pattern_rules import sre_c

_SHORT_TEXT = 1500  # below this many characters, windows are not worth it
_MAX_WINDOWS = 40  # above this many anchor words, one pass is cheaper than windows


@dataclass(frozen=True)
class _Need:
    words: frozenset  # whole words: checked against the message's set of words
    others: tuple[str, ...]  # other needles: checked with a substring search
    needles: tuple[str, ...]  # all of them as they appear in " " + text + " "


@dataclass(frozen=True)
class Prefilter:
    """What one pattern needs before it is worth running, and where."""

    needs: tuple[_Need, ...]  # each must be met; () = no check
    fixed: int  # reach of a match: fixed + unbounded * (longest word)
    unbounded: int
    at_start: bool  # pattern begins with ^: it can only match at the start
    at_end: bool  # pattern ends with $: every match ends at the end of the text
    finder: re.Pattern[str] | None = None  # see _finder


def build(parsed: Any) -> Prefilter:
    """The prefilter of one pattern, from its parse tree (pattern_rules.analyse)."""
    try:
        sets = set(anchor_sets(parsed))
        fixed, unbounded = reach(parsed)
        items = list(parsed)
        at_start = bool(items) and items[0] == (sre_c.AT, sre_c.AT_BEGINNING)
        at_end = bool(items) and items[-1][0] is sre_c.AT and items[-1][1] in (sre_c.AT_END, sre_c.AT_END_STRING)
    except Exception:
        return Prefilter((), 0, 0, False, False, _finder(parsed))
    needs = []
    for needles in sets:
        words = frozenset(nd.strip() for nd in needles if nd.startswith(" ") and nd.endswith(" ") and len(nd) > 2)
        others = tuple(sorted(nd for nd in needles if not (nd.startswith(" ") and nd.endswith(" ") and len(nd) > 2)))
        needs.append(_Need(words, others, tuple(f" {w} " for w in sorted(words)) + others))
    needs.sort(key=lambda nd: (len(nd.others), len(nd.words)))  # set checks are the cheapest
    return Prefilter(tuple(needs), fixed, unbounded, at_start, at_end, _finder(parsed))


def _finder(parsed: Any) -> re.Pattern[str] | None:
    """A regex for the literal words a match must start with, or None.

    For ``\\b(?:should|can) i\\b...`` it is ``should i|can i``, each checked to
    start a word. Python's engine jumps straight to such words, and every hit is
    confirmed with the full pattern, so a finder never changes a result.
    Openings that are short or very common words are not worth a finder.
    """
    if not parsed or parsed[0] != (sre_c.AT, sre_c.AT_BOUNDARY):
        return None
    run = frozenset({""})
    for op, av in parsed[1:]:
        e = exact_item(op, av)
        if e is None:
            break
        joined = product(run, e)
        if joined is None:
            break
        run = joined
    starts = {x.split(EDGE, 1)[0] for x in run}
    if not starts or not all(re.fullmatch("[a-z0-9][a-z0-9 ]*", x) for x in starts):
        return None
    if any(len(x) < 4 or x in COMMON_WORDS for x in starts):
        return None  # too frequent: the engine's own scan is faster
    alts = [f"{re.escape(x)}(?<![a-z0-9]{re.escape(x)})" for x in sorted(starts, key=len, reverse=True)]
    return re.compile("|".join(alts))


def search(regex: re.Pattern[str], pre: Prefilter, text: str, lo: int = 0, hi: int | None = None) -> bool:
    """True if ``regex`` matches ``text`` (the full text) starting in [lo, hi]."""
    hi = len(text) if hi is None else hi
    finder = pre.finder
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


class Scan:
    """One normalised message, with what the prefilter needs to know about it."""

    __slots__ = ("_counter", "_counts", "_longest", "long", "norm", "padded", "words")

    def __init__(self, norm: str) -> None:
        self.norm = norm
        self.padded = f" {norm} "
        self.words = frozenset(norm.split(" "))
        self.long = len(norm) > _SHORT_TEXT
        self._counter: Counter | None = None
        self._counts: dict[str, int] = {}
        self._longest = 0

    def _met(self, need: _Need) -> bool:
        if not need.words.isdisjoint(self.words):
            return True
        padded = self.padded
        return any(nd in padded for nd in need.others)

    def matches(self, regex: re.Pattern[str], pre: Prefilter) -> bool:
        """True if ``regex`` (whose prefilter is ``pre``) matches this message."""
        for need in pre.needs:
            if not self._met(need):
                return False
        if pre.at_start:
            return regex.match(self.norm) is not None
        if not self.long:
            return search(regex, pre, self.norm)
        if not self._longest:
            self._longest = max(map(len, self.words))
        span = pre.fixed + pre.unbounded * self._longest + 2
        if pre.at_end:
            return search(regex, pre, self.norm, max(0, len(self.norm) - span))
        if not pre.needs:
            return search(regex, pre, self.norm)
        return self._search_windows(regex, pre, span)

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

    def _search_windows(self, regex: re.Pattern[str], pre: Prefilter, span: int) -> bool:
        norm, n, padded = self.norm, len(self.norm), self.padded
        # Search around the needed set that is rarest in this message.
        best_total, best = -1, cast(tuple[str, ...], ())
        for need in pre.needs:
            total = sum(self._count(nd) for nd in need.needles)
            if best_total < 0 or total < best_total:
                best_total, best = total, need.needles
        if best_total > _MAX_WINDOWS or 2 * best_total * (span + self._longest) >= n:
            return search(regex, pre, norm)  # windows would cost more than one pass
        starts: list[int] = []
        nd: str
        for nd in best:
            if self._count(nd):
                i = padded.find(nd)
                while i >= 0:
                    starts.append(i)  # norm index of the needle, give or take one
                    i = padded.find(nd, i + 1)
        starts.sort()
        windows: list[list[int]] = []
        for pos in starts:
            lo, hi = max(0, pos - span), min(n, pos + self._longest + span)
            if windows and lo <= windows[-1][1]:
                windows[-1][1] = max(windows[-1][1], hi)
            else:
                windows.append([lo, hi])
        return any(search(regex, pre, norm, lo, hi) for lo, hi in windows)
