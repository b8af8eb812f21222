"""Pre-screen rules: which questions apply, and what the answers add up to.

Everything here is driven by the prescreen spec (content/prescreen.yml, as
loaded and checked by the content store) so that staff can change a
threshold, a question or an exclusion without touching code. Pure: no I/O,
no Rasa import, no logging: answers are health information and must never
reach a log. The file's checks are in `spec.py`; the answer values and
numeric ranges in `values.py`.

Conditions are evaluated with three-valued logic when deciding the outcome:
an "unsure" answer (or a range that straddles the threshold) makes a leaf
*unknown*, and an exclusion that is unknown leads to "review", never to
"excluded". A question that does not apply (its `ask_if` is false) counts as a
definite "no match" for the conditions that mention its slot.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from assistant.prescreen.values import (
    BOUND_RE,
    COMPARISONS,
    SLOTS,
    UNSURE,
    compare,
    interval,
    is_valid_value,
    threshold,
)

LEAF_OPERATORS = ("equals", "in", "known") + COMPARISONS
GROUP_OPERATORS = ("all", "any", "not")

__all__ = [
    "GROUP_OPERATORS",
    "LEAF_OPERATORS",
    "SLOTS",
    "UNSURE",
    "Outcome",
    "answer_lines",
    "condition_holds",
    "display_value",
    "effective_answers",
    "evaluate",
    "is_valid_value",
    "questions_to_ask",
    "summary_lines",
]


# --------------------------------------------------------------------------
# Conditions


def _leaf(
    cond: Mapping[str, Any], answers: Mapping[str, Any], spec: Mapping[str, Any], not_applicable: set[str]
) -> bool | None:
    slot = cond.get("slot")
    op = next((k for k in LEAF_OPERATORS if k in cond), None)
    value = answers.get(slot) if isinstance(slot, str) else None
    if op == "known":
        known = value is not None and value != UNSURE
        return known == bool(cond["known"])
    if value is None:
        return False if slot in not_applicable else None
    if op == "equals":
        if value == cond["equals"]:
            return True
        return None if value == UNSURE else False
    if op == "in":
        if value in (cond["in"] or []):
            return True
        return None if value == UNSURE else False
    if op in COMPARISONS:
        t = threshold(cond[op], spec)
        iv = interval(value)
        if t is None or iv is None:
            return None
        return compare(iv, op, t)
    return None


def _eval3(cond: Any, answers: Mapping[str, Any], spec: Mapping[str, Any], not_applicable: set[str]) -> bool | None:
    """Kleene logic: True, False or None (unknown)."""
    if not isinstance(cond, Mapping):
        return None
    if "all" in cond:
        results = [_eval3(c, answers, spec, not_applicable) for c in cond["all"] or []]
        if any(r is False for r in results):
            return False
        return None if any(r is None for r in results) else True
    if "any" in cond:
        results = [_eval3(c, answers, spec, not_applicable) for c in cond["any"] or []]
        if any(r is True for r in results):
            return True
        return None if any(r is None for r in results) else False
    if "not" in cond:
        r = _eval3(cond["not"], answers, spec, not_applicable)
        return None if r is None else not r
    return _leaf(cond, answers, spec, not_applicable)


def condition_holds(cond: Any, answers: Mapping[str, Any], spec: Mapping[str, Any]) -> bool:
    """Plain (two-valued) reading of a condition, as used for `ask_if` and notes.

    A missing answer never matches, and "unsure" matches only a condition that
    names it (`equals: unsure`, `in: [.., unsure]`, `known: false`).
    """
    if not isinstance(cond, Mapping):
        return False
    if "all" in cond:
        return all(condition_holds(c, answers, spec) for c in cond["all"] or [])
    if "any" in cond:
        return any(condition_holds(c, answers, spec) for c in cond["any"] or [])
    if "not" in cond:
        return not condition_holds(cond["not"], answers, spec)
    return _leaf(cond, answers, spec, set(SLOTS)) is True


# --------------------------------------------------------------------------
# Questions


def _questions(spec: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [q for q in spec.get("questions") or [] if isinstance(q, Mapping) and q.get("slot")]


def effective_answers(answers: Mapping[str, Any], spec: Mapping[str, Any]) -> dict[str, Any]:
    """Given answers plus the ones implied by others (`implied`, e.g. diabetes
    when the neuropathy is diabetic). Given answers always win."""
    eff = {k: v for k, v in answers.items() if v is not None}
    for q in _questions(spec):
        implied = q.get("implied")
        if q["slot"] not in eff and isinstance(implied, Mapping) and condition_holds(implied.get("when"), eff, spec):
            eff[q["slot"]] = implied.get("value")
    return eff


def _applies(q: Mapping[str, Any], eff: Mapping[str, Any], spec: Mapping[str, Any]) -> bool:
    return "ask_if" not in q or condition_holds(q["ask_if"], eff, spec)


def questions_to_ask(answers: Mapping[str, Any], spec: Mapping[str, Any]) -> list[str]:
    """Slots still to ask, in order.

    Skips slots already answered (or implied), questions whose `ask_if` does
    not hold yet, and everything after a `gate` question answered other than
    "yes" (the consent question).
    """
    eff = effective_answers(answers, spec)
    out: list[str] = []
    for q in _questions(spec):
        slot = q["slot"]
        if slot in eff:
            if q.get("gate") and eff[slot] != "yes":
                return []
            continue
        if _applies(q, eff, spec):
            out.append(slot)
    return out


# --------------------------------------------------------------------------
# Outcome


@dataclass
class Outcome:
    """What the answers add up to. Never a decision: the clinic's team decides.

    kind: "excluded" (an exclusion clearly applies), "review" (an exclusion
        might apply but an answer is unknown) or "possible" (none applies).
    exclusions: the exclusion records (from prescreen.yml) that apply.
    unknowns: slots whose unknown answer could change the result, in question order.
    notes: the note records whose `when` holds.
    """

    kind: str
    exclusions: list[dict[str, Any]] = field(default_factory=list)
    unknowns: list[str] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)


def evaluate(answers: Mapping[str, Any], spec: Mapping[str, Any]) -> Outcome:
    """Check the answers against every exclusion and note in the spec."""
    eff = effective_answers(answers, spec)
    questions = _questions(spec)
    not_applicable = {q["slot"] for q in questions if not _applies(q, eff, spec)}
    order = {q["slot"]: i for i, q in enumerate(questions)}
    criteria = spec.get("criteria") or {}
    hits: list[dict[str, Any]] = []
    unknown: set[str] = set()
    undecided = False
    for exclusion in criteria.get("exclusions") or []:
        result = _eval3(exclusion.get("when"), eff, spec, not_applicable)
        if result is True:
            hits.append(exclusion)
        elif result is None:
            undecided = True
            unknown.update(_unknown_leaves(exclusion.get("when"), eff, spec, not_applicable))
    notes = [n for n in criteria.get("notes") or [] if condition_holds(n.get("when"), eff, spec)]
    kind = "excluded" if hits else ("review" if undecided else "possible")
    unknowns = sorted(unknown, key=lambda s: order.get(s, len(order)))
    return Outcome(kind=kind, exclusions=hits, unknowns=unknowns, notes=notes)


def _unknown_leaves(
    cond: Any, answers: Mapping[str, Any], spec: Mapping[str, Any], not_applicable: set[str]
) -> set[str]:
    """Slots of the leaves that cannot be settled ("unsure", unanswered, "under 10" vs 9.5)."""
    if not isinstance(cond, Mapping):
        return set()
    found: set[str] = set()
    for key in ("all", "any"):
        for sub in cond.get(key) or []:
            found |= _unknown_leaves(sub, answers, spec, not_applicable)
    if "not" in cond:
        found |= _unknown_leaves(cond["not"], answers, spec, not_applicable)
    if "slot" in cond and _leaf(cond, answers, spec, not_applicable) is None:
        found.add(cond["slot"])
    return found


# --------------------------------------------------------------------------
# Summary for the visitor (copied into the intake form by the visitor)


def _fmt_number(n: float) -> str:
    return f"{round(float(n), 1):g}"


def display_value(slot: str, value: Any, spec: Mapping[str, Any], note: Mapping[str, Any] | None = None) -> str:
    """Words for one answer, as the patient gave it.

    `value_labels`, else the matching button, else the number with its unit; a range
    stays a range ("9–10%"). `note` (from the reader, turn.py) says how it was said: a
    hedge ({"hedge": "yes"}: "I think so") shows the summary's `hedge_labels` wording,
    and {"approx": True} ("about 4 years") puts the summary's `about` word first.
    """
    summary = spec.get("summary") or {}
    if note and "hedge" in note and value == UNSURE:
        hedges = summary.get("hedge_labels") or {}
        lean = str(note.get("hedge") or "")
        if hedges.get(lean):
            return str(hedges[lean])
    text = _plain_value(slot, value, spec)
    if note and note.get("approx") and summary.get("about") and interval(value) is not None:
        text = f"{summary['about']} {text[:1].lower() + text[1:] if text[:1].isalpha() else text}"
    return text


def _plain_value(slot: str, value: Any, spec: Mapping[str, Any]) -> str:
    q = next((q for q in _questions(spec) if q["slot"] == slot), {})
    labels = q.get("value_labels") or {}
    if isinstance(value, str) and value in labels:
        return str(labels[value])
    for button in q.get("buttons") or []:
        if isinstance(button, Mapping) and button.get("value") == value and button.get("title"):
            return str(button["title"])
    iv = interval(value)
    if iv is None:
        return str(value)
    unit = str(q.get("unit") or "")
    lo, _, hi, _ = iv

    def with_unit(n: float) -> str:
        if not unit:
            return _fmt_number(n)
        word = str(q.get("unit_one") or unit) if float(n) == 1.0 else unit
        return _fmt_number(n) + (word if not word[:1].isalnum() else " " + word)

    if lo == hi:
        return with_unit(lo)
    m = BOUND_RE.match(str(value).strip().lower())
    bound_labels = (spec.get("summary") or {}).get("bound_labels") or {}
    if m and m.group(1) in bound_labels:
        return f"{bound_labels[m.group(1)]} {with_unit(float(m.group(2)))}"
    return f"{_fmt_number(lo)}–{with_unit(hi)}"


def answer_lines(
    answers: Mapping[str, Any], spec: Mapping[str, Any], notes: Mapping[str, Mapping[str, Any]] | None = None
) -> list[tuple[str, str, str]]:
    """(slot, label, answer in words) for every answered question with a `summary_label`, in order."""
    eff = effective_answers(answers, spec)
    out = []
    for q in _questions(spec):
        slot, label = q["slot"], q.get("summary_label")
        if label and eff.get(slot) is not None:
            out.append((slot, str(label), display_value(slot, eff[slot], spec, (notes or {}).get(slot))))
    return out


def summary_lines(
    answers: Mapping[str, Any], spec: Mapping[str, Any], notes: Mapping[str, Mapping[str, Any]] | None = None
) -> list[str]:
    """ "Label: answer" lines, in question order, for the visitor's own copy.

    Only questions with a `summary_label` are listed (the consent is not). `notes`:
    slot -> how the answer was said (see `display_value`).
    """
    return [f"{label}: {words}" for _slot, label, words in answer_lines(answers, spec, notes)]
