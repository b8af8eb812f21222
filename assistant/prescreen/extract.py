"""Read pre-screen answers and volunteered facts from a visitor's own words.

Two entry points (see docs/ARCHITECTURE.md):
    parse_answer(slot, text, today=None, spec=None)  the reply to the question for `slot`
    extract_facts(text, today=None)                  facts volunteered in any message

The reading is rules only, in modules of one concern each:
    text.py      clean-up: quotes, A1c spellings, typos, number words as digits
    context.py   the spaCy + medspaCy pipeline (TargetMatcher + ConText) and
                 what the context of a mention says (negated, over, planned, ...)
    numbers.py   durations, dates and A1c numbers
    parsers.py   one reader per question
    facts.py     extract_facts
    lexicon/     the word tables, as commented YAML files

The pipeline and the word tables are loaded on first use (not at import) and
shared; `get_nlp()` builds the pipeline ahead of time (the action server's
warm-up). Nothing here logs, prints or stores text: visitors' answers are
health information. No Rasa import.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from assistant.prescreen.answer import Answer, ok
from assistant.prescreen.context import get_nlp
from assistant.prescreen.facts import extract_facts
from assistant.prescreen.parsers import PARSERS
from assistant.prescreen.text import looks_like_question, normalize

__all__ = ["Answer", "button_value", "extract_facts", "get_nlp", "parse_answer"]


def parse_answer(
    slot: str, text: str | None, today: date | None = None, spec: Mapping[str, Any] | None = None
) -> Answer:
    """Read the visitor's reply to the question for `slot`.

    Args:
        slot: a pre-screen slot (docs/ARCHITECTURE.md).
        text: the reply as typed (or a button title).
        today: the date "since 2019" is counted to; defaults to today.
        spec: the prescreen spec (content/prescreen.yml as served by the
            content store, `get_content().prescreen`), for its button titles:
            a title reads as its button's value. The app always passes it;
            without it the reply is read as free text only (every shipped
            button title also reads right that way).

    Raises:
        ValueError: `slot` is not a pre-screen slot (a programming error).
    """
    if slot not in PARSERS:
        raise ValueError(f"unknown pre-screen slot {slot!r}")
    raw = str(text or "").strip()
    if not re.search(r"[A-Za-z0-9]", raw):
        return Answer("none", None, "empty")
    button = button_value(slot, raw, spec)
    if button is not None:
        return ok(button)
    norm = normalize(raw)
    answer = PARSERS[slot](raw, norm, today or date.today())
    if answer.status == "invalid" and answer.reason in ("unclear", "no_number", "vague") and looks_like_question(raw):
        return Answer("none", None, "question")
    return answer


def button_value(slot: str, text: str, spec: Mapping[str, Any] | None) -> Any:
    """The value of the button of `slot`'s question whose title is `text` (case and spaces aside)."""
    if not spec:
        return None
    wanted = re.sub(r"\s+", " ", text).strip().lower()
    for q in spec.get("questions") or []:
        if isinstance(q, Mapping) and q.get("slot") == slot:
            for b in q.get("buttons") or []:
                if (
                    isinstance(b, Mapping)
                    and "value" in b
                    and re.sub(r"\s+", " ", str(b.get("title", ""))).strip().lower() == wanted
                ):
                    return b["value"]
    return None
