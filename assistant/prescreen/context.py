"""The spaCy + medspaCy pipeline, and what the context of each mention says.

A blank English spaCy pipeline with rules only (no trained model): a
sentencizer, medspaCy's TargetMatcher for the things the pre-screen cares
about (lexicon/targets.yml) and medspaCy's ConText (lexicon/context.yml),
which marks each mention as negated, historical, hypothetical, about a family
member, uncertain, over, going on or planned. `status` turns those marks into
yes / no / unsure for one question (lexicon/yes_no.yml says what each means).

The pipeline is built on first use (not at import: spaCy is imported only
then) and shared. Nothing here logs or stores text.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from assistant.prescreen import lexicon

__all__ = ["IGNORED", "Mention", "analyse", "build_nlp", "combine", "get_nlp", "hedged", "status"]


_nlp_lock = threading.Lock()
_nlp_cache: list[Any] = []


def get_nlp() -> Any:
    """The shared rule pipeline; built on the first call (about half a second)."""
    if _nlp_cache:
        return _nlp_cache[0]
    with _nlp_lock:
        if not _nlp_cache:
            _nlp_cache.append(build_nlp())
    return _nlp_cache[0]


def build_nlp() -> Any:
    """A new pipeline from lexicon/targets.yml and lexicon/context.yml."""
    import spacy

    # importing these also registers the medspacy_* pipeline factories
    from medspacy.context import ConTextRule
    from medspacy.target_matcher import TargetRule

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    matcher = nlp.add_pipe("medspacy_target_matcher", config={"phrase_matcher_attr": "NORM"})
    words = lexicon.get()
    target_rules = []
    for label, phrases in words.targets.items():
        for phrase in phrases:
            if isinstance(phrase, str):
                target_rules.append(TargetRule(phrase, label))
            else:
                target_rules.append(TargetRule(f"{label.lower()} pattern", label, pattern=copy.deepcopy(phrase)))
    matcher.add(target_rules)  # type: ignore[attr-defined]  # spaCy types add_pipe() as a bare Pipe
    context = nlp.add_pipe("medspacy_context", config={"rules": None, "phrase_matcher_attr": "NORM"})
    context_rules = []
    for category, direction, phrases, options in words.context:
        for phrase in phrases:
            kwargs = dict(options)
            for key in ("terminated_by", "allowed_types"):
                if key in kwargs:
                    kwargs[key] = set(kwargs[key])
            if isinstance(phrase, str):
                context_rules.append(ConTextRule(phrase, category, direction=direction, **kwargs))
            else:
                context_rules.append(
                    ConTextRule(
                        f"{category.lower()} pattern",
                        category,
                        pattern=copy.deepcopy(phrase),
                        direction=direction,
                        **kwargs,
                    )
                )
    context.add(context_rules)  # type: ignore[attr-defined]  # spaCy types add_pipe() as a bare Pipe
    return nlp


# ---------------------------------------------------------------------------
# Reading mentions


@dataclass(frozen=True)
class Mention:
    """One target found in the text: its label, token span, lower-cased text,
    ConText categories and sentence number."""

    label: str
    start: int
    end: int
    text: str
    categories: frozenset
    sent: int


def analyse(text: str) -> tuple[Any, list[Mention], list[set]]:
    """Mentions with their context, and the categories of free modifiers
    (those that modify no mention: "yes", "nope", "still every week") per sentence."""
    doc = get_nlp()(text)
    sent_index = {s.start: i for i, s in enumerate(doc.sents)}
    mentions = []
    for ent in doc.ents:
        cats = frozenset(m.category for m in ent._.modifiers)
        mentions.append(
            Mention(ent.label_, ent.start, ent.end, ent.text.lower(), cats, sent_index.get(ent.sent.start, 0))
        )
    free: list[set] = [set() for _ in sent_index]
    graph = doc._.context_graph
    # "gluten free", "came back normal": words that look back only answer on their own ("Negative.")
    short = sum(1 for t in doc if t.is_alpha) <= 2
    for modifier in getattr(graph, "modifiers", []) or []:
        if modifier.direction == "BACKWARD" and not short:
            continue
        if modifier.category in ("CURRENT", "POSSESS") and modifier.direction == "FORWARD":
            continue  # a dangling "on" / "I have" ("they're on fire") says nothing on its own
        if modifier.num_targets == 0 and modifier.direction not in ("PSEUDO", "TERMINATE"):
            start = modifier.modifier_span[0]
            free[sent_index.get(doc[start].sent.start, 0)].add(modifier.category)
    return doc, mentions, free


# Mentions about someone else, or in a question: they say nothing about the visitor.
IGNORED = frozenset({"FAMILY", "HYPOTHETICAL"})


def status(categories: Iterable[str], meaning: Mapping[str, Any], bare: str | None) -> str | None:
    """yes / no / unsure from a set of ConText categories (None: nothing said)."""
    cats = set(categories)
    if cats & IGNORED:
        return None
    if "POSSIBLE_EXISTENCE" in cats:
        return "unsure"
    if "NEGATED_EXISTENCE" in cats:
        return "no"  # "never had one done": the "never" decides, not the "done"
    if "RESOLVED" in cats:
        return meaning.get("RESOLVED", "no")
    if cats & {"CURRENT", "AFFIRM"}:
        return "yes"
    if "NEED" in cats:
        return meaning.get("NEED", "unsure")
    if "FUTURE" in cats:
        return meaning.get("FUTURE", "yes")
    if "HISTORICAL" in cats:
        return meaning.get("HISTORICAL", "no")
    if "POSSESS" in cats:
        return "yes"
    return bare


def combine(values: list[str | None]) -> str | None:
    """One answer from several mentions: agreement, else "unsure"."""
    distinct = list(dict.fromkeys(v for v in values if v))
    if not distinct:
        return None
    return distinct[0] if len(distinct) == 1 else "unsure"


def hedged(doc: Any, mentions: list[Mention]) -> bool:
    """An "I'm not sure" / "waiting on results" anywhere, not about someone else."""
    others = {(m.start, m.end) for m in mentions if m.categories & IGNORED}
    for modifier in doc._.context_graph.modifiers:
        if modifier.category == "POSSIBLE_EXISTENCE" and not any((t.start, t.end) in others for t in modifier._targets):
            return True
    return False
