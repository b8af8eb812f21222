"""The detector: compiles the spec's patterns once and matches messages.

``SafetyDetector(spec).detect(text)`` normalises the text (assistant.normalise)
and returns the highest-priority finding as a ``SafetyResult``, or None.
Priority when several kinds match one message:
crisis > emergency > pain_idiom > medical_advice; within a kind the first
matching category (in file order) wins.

Each pattern runs behind its prefilter (prefilter.py), which never changes a
result; ``explain`` is the plain full scan the tests compare it with.
Message text is never logged here.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from assistant.normalise import normalise
from assistant.safety import prefilter
from assistant.safety.pattern_rules import analyse
from assistant.safety.spec import INTENT_BY_KIND, KINDS, SafetySpecError, expand, structure_errors


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
    matches: tuple[tuple[str, str], ...] = ()

    @property
    def intent(self) -> str:
        """The NLU intent MessageGuard should set for this result."""
        return INTENT_BY_KIND[self.kind]


@dataclass(frozen=True)
class _Pattern:
    regex: re.Pattern[str]
    pre: prefilter.Prefilter


@functools.lru_cache(maxsize=4096)
def _pattern(expanded: str) -> _Pattern:
    """Compile one (word-list-expanded, already checked) pattern with its prefilter."""
    problem, parsed, regex = analyse(expanded)
    if regex is None:  # validation refuses such a spec before a detector is built
        raise SafetySpecError([("", problem or "pattern does not compile")])
    return _Pattern(regex, prefilter.build(parsed))


@dataclass(frozen=True)
class _Rule:
    kind: str
    category: str
    message: str
    patterns: tuple[_Pattern, ...]


class SafetyDetector:
    """Matches normalised text against the compiled safety patterns.

    Build it from a spec dict (``load_spec()``); it raises ``SafetySpecError``
    when the spec is invalid (the same checks as ``validate_spec``). Patterns
    are compiled once, here; ``detect`` is thread-safe.
    """

    def __init__(self, spec: dict[str, Any]) -> None:
        errors, lists = structure_errors(spec)
        if errors:
            raise SafetySpecError(errors)
        self._build(spec, lists)
        errors = self.example_errors(spec)
        if errors:
            raise SafetySpecError(errors)

    @classmethod
    def _unchecked(cls, spec: dict[str, Any], lists: dict[str, str]) -> SafetyDetector:
        """A detector from a spec whose structure is known to be valid (examples unchecked)."""
        self = cls.__new__(cls)
        self._build(spec, lists)
        return self

    def _build(self, spec: dict[str, Any], lists: dict[str, str]) -> None:
        rules: list[_Rule] = []
        for kind in KINDS:
            section = spec[kind]
            for cat in section["categories"]:
                pats = [_pattern(expand(p, lists)[0]) for p in cat["patterns"]]
                rules.append(
                    _Rule(
                        kind=kind,
                        category=cat["id"],
                        message=cat.get("message", section.get("message", "")),
                        patterns=tuple(pats),
                    )
                )
        self._rules: tuple[_Rule, ...] = tuple(rules)
        self.version = spec.get("version")
        # Which patterns a message's words can wake: each pattern is filed under the words of its
        # smallest words-only prefilter need (a message with none of them cannot meet that need, so
        # the pattern is not even called); the few without such a need are always tried.
        self._by_word: dict[str, list[int]] = {}
        always = set()
        for index, pat in enumerate(p for r in self._rules for p in r.patterns):
            keyed = [n for n in pat.pre.needs if not n.others]
            if not keyed:
                always.add(index)
                continue
            for word in min(keyed, key=lambda n: len(n.words)).words:
                self._by_word.setdefault(word, []).append(index)
        self._always = frozenset(always)

    def example_errors(self, spec: dict[str, Any]) -> list[tuple[str, str]]:
        """Each category's ``examples`` must be detected as that very category."""
        errors: list[tuple[str, str]] = []
        for kind in KINDS:
            for ci, cat in enumerate(spec[kind]["categories"]):
                for ei, example in enumerate(cat.get("examples", []) or []):
                    res = self.detect(example)
                    path = f"{kind}.categories[{ci}].examples[{ei}]"
                    if res is None:
                        errors.append((path, "example is not detected by any pattern"))
                    elif (res.kind, res.category) != (kind, cat["id"]):
                        errors.append(
                            (path, f"example is detected as {res.kind}/{res.category}, expected {kind}/{cat['id']}")
                        )
        return errors

    @property
    def categories(self) -> list[tuple[str, str]]:
        """All (kind, category) pairs, in priority order."""
        return [(r.kind, r.category) for r in self._rules]

    @property
    def pattern_count(self) -> int:
        """How many compiled patterns the detector runs (for reports and benchmarks)."""
        return sum(len(r.patterns) for r in self._rules)

    def message_for(self, kind: str, category: str) -> str:
        """The reply template of one category."""
        for r in self._rules:
            if r.kind == kind and r.category == category:
                return r.message
        raise KeyError(f"{kind}/{category}")

    def compiled_patterns(self, kind: str, category: str) -> tuple[re.Pattern[str], ...]:
        """The compiled patterns of one category, word lists expanded (for tests and reviews)."""
        for r in self._rules:
            if r.kind == kind and r.category == category:
                return tuple(p.regex for p in r.patterns)
        raise KeyError(f"{kind}/{category}")

    def detect(self, text: Any, *, use_prefilter: bool = True) -> SafetyResult | None:
        """Return the highest-priority finding in ``text``, or None.

        ``use_prefilter=False`` runs each pattern's plain ``regex.search`` over
        the whole normalised text instead (same result, slower on long text;
        for benchmarks and tests).
        """
        norm = normalise(text)
        if not norm:
            return None
        if use_prefilter:
            scan = prefilter.Scan(norm)
            woken = set(self._always)
            for word in scan.words:
                woken.update(self._by_word.get(word, ()))
            matches = lambda i, pat: i in woken and scan.matches(pat.regex, pat.pre)  # noqa: E731
        else:
            matches = lambda i, pat: pat.regex.search(norm) is not None  # noqa: E731
        hits: list[_Rule] = []
        kinds_hit = set()
        start = 0
        for rule in self._rules:
            offset, start = start, start + len(rule.patterns)
            if rule.kind in kinds_hit:
                continue  # first matching category of a kind wins
            if any(matches(offset + j, pat) for j, pat in enumerate(rule.patterns)):
                hits.append(rule)
                kinds_hit.add(rule.kind)
        if not hits:
            return None
        first = hits[0]
        return SafetyResult(first.kind, first.category, first.message, tuple((h.kind, h.category) for h in hits))

    def explain(self, text: Any) -> list[tuple[str, str, int]]:
        """Every (kind, category, pattern index) that matches, by a plain full
        scan with no prefilter; for tests and reviews."""
        norm = normalise(text)
        return [
            (rule.kind, rule.category, i)
            for rule in self._rules
            for i, pat in enumerate(rule.patterns)
            if pat.regex.search(norm)
        ]
