"""A reply in parts, and what each part is about.

"actually wait, I had a UTI last week, I'm still on antibiotics" is three parts:
a filler ("actually wait"), one about an infection, and one that goes on about
it (no word of its own, so it is about what the part before was about). The
reader (`turn.py`) takes the answer to the question on screen only from the
parts about that question, and reads the other parts as facts for their own
questions, so an infection never becomes a "yes" to the nerve-test question.

`split(norm)` -> [Segment]: the parts of normalized text (text.normalize), each
with its `subjects`: the pre-screen questions its words name (slots), and
"neuro" (the neuropathy or its symptoms), "duration" (a time or a date),
"other_person" (only about someone else), "other" (care that is not for
diabetes). Pure; nothing is logged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.prescreen.context import IGNORED, Mention, analyse
from assistant.prescreen.text import looks_like_question

__all__ = ["LABEL_SUBJECT", "Segment", "is_filler", "split", "time_words"]

# What a mention's label (lexicon/targets.yml) is about.
LABEL_SUBJECT = {
    "CHEMO": "ps_chemo_active",
    "CIPN": "ps_type",
    "CANCER": "ps_cancer",
    "INFECTION": "ps_infection",
    "INFECTIOUS_CAUSE": "ps_infection",
    "DIABETES": "ps_diabetes",
    "PREDIABETES": "ps_diabetes",
    "SUGAR": "ps_diabetes",
    "A1C": "ps_a1c",
    "NEURO": "neuro",
    "AUTOIMMUNE": "ps_type",
    "IDIOPATHIC": "ps_type",
    "OTHER_CAUSE": "ps_type",
    "COMPRESSIVE": "ps_compressive",
    "SURGERY": "ps_compressive",
    "TEST": "ps_diagnosis",
    "DIAGNOSED": "ps_diagnosis",
    "PLAN_STRONG": "ps_a1c_plan",
    "PLAN_WEAK": "ps_a1c_plan",
    "OTHER_CARE": "other",
}

# Where a reply is cut: the end of a sentence, a comma (not a decimal comma), and
# before words that start a new thought ("but", "btw", "and I ...").
_CUT = re.compile(
    r"(?<=[.!?;:])\s+|(?<!\d)\s*,\s*|\s*,\s*(?!\d)|\s*[;:(]\s*|\s*\)\s*"
    r"|\s+(?=(?:but|though|although|however|btw|plus|also|except)\b)"
    r"|\s+(?=and\s+(?:i|i'm|i've|i'll|my|no|not|it|it's|its|we|they|he|she|then|now|also|still|that|the|am|have|had|"
    r"was|is|never|yes)\b)",
    re.I,
)
_FILLER_WORD = (
    r"oh|ah|uh|um+|hmm+|well|so|ok|okay|actually|wait|no wait|hold on|hang on|one sec|wait a (?:sec|second|minute)|"
    r"sorry|oops|whoops|my bad|btw|by the way|fyi|also|and|plus|one more thing|before that|before i forget|i forgot|"
    r"oh and|lol|haha|honestly|to be honest|anyway|i should (?:say|mention|add)(?: that)?|"
    r"i forgot to (?:say|mention|tell you)(?: that)?|let me correct(?: that)?|correction|back up|let me think|"
    r"quick question|first|also i should mention|oh yeah|right"
)
_FILLER = re.compile(rf"^\W*(?:(?:{_FILLER_WORD})\W*)+$", re.I)
# "no wait", "no no, hold on": a "no" that starts a correction, not an answer
_NO_WAIT = re.compile(r"^\W*(?:no\W+)+(?:wait|hold on|hang on|back up|sorry)\b", re.I)
_TIME = re.compile(
    r"\b\d+(?:\.\d+)?\s*\+?\s*(?:years?|yrs?|months?|mos?|weeks?|wks?|days?|decades?)\b|\b(?:19|20)\d\d\b|\bago\b"
    r"|\bsince\b|\b(?:a|one|two|few|couple|several|many)\s+(?:years?|months?|decades?)\b|\bdecades?\b",
    re.I,
)


@dataclass(frozen=True)
class Segment:
    """One part of a reply: its text, where it is in the normalized text, and what it is about."""

    text: str
    start: int
    end: int
    subjects: frozenset[str]
    question: bool
    filler: bool
    mentions: tuple[Mention, ...] = ()


def is_filler(text: str) -> bool:
    return bool(_FILLER.match(text)) or bool(_NO_WAIT.match(text) and len(text.split()) <= 4)


def time_words(text: str) -> bool:
    return bool(_TIME.search(text))


def _pieces(norm: str) -> list[tuple[int, int]]:
    spans, at = [], 0
    for cut in _CUT.finditer(norm):
        if cut.start() > at:
            spans.append((at, cut.start()))
        at = max(at, cut.end())
    if at < len(norm):
        spans.append((at, len(norm)))
    return [(a, b) for a, b in spans if norm[a:b].strip()]


def split(norm: str, analysed: tuple | None = None) -> list[Segment]:
    """The parts of `norm` (normalized text) with what each is about."""
    doc, mentions, _free = analysed or analyse(norm)
    placed = []
    for m in mentions:
        start = doc[m.start].idx
        end = doc[m.end - 1].idx + len(doc[m.end - 1])
        placed.append((start, end, m))
    out = []
    for a, b in _pieces(norm):
        text = norm[a:b].strip(" ,;:")
        own = tuple(m for s, e, m in placed if s < b and e > a)
        subjects = set()
        for m in own:
            if m.categories & IGNORED:
                continue
            subjects.add(LABEL_SUBJECT.get(m.label, "other"))
        if own and not subjects:
            subjects.add("other_person")
        if time_words(text):
            subjects.add("duration")
        if re.search(r"\d\s*%", text) and not re.search(r"\b100\s*%", text):
            subjects.add("ps_a1c")
        question = looks_like_question(text) and not re.fullmatch(r"\W*\w+\W*\?\W*", text)
        out.append(Segment(text, a, b, frozenset(subjects), question, is_filler(text), own))
    return out
