"""One reply in the pre-screen: what it records, and what kind of reply it is.

`read_turn(asked, text, answers, today=None, spec=None, last_answered=None) -> Turn`
is what the form validator (actions/prescreen/form.py) calls on every reply, and
what the messy-answer corpus test calls: the question on screen (`asked`, a slot,
or CONFIRM for the "Is this right?" step), the answers recorded so far, the text.

Every value recorded is traceable to what the patient said about that question:

- the answer to the question on screen is read only from the parts of the reply
  about it (`segments.py`): "I had a UTI last week" is never a "yes" to the
  nerve-test question;
- another pre-screen fact ("btw I have covid right now") is recorded under its
  own question (`facts.py`, the same reader as for the opening message);
- a question back ("what is an EMG?") records nothing;
- a hedge ("I think so", "kinda", "probably not") is recorded as "unsure", with
  what it leans to kept in `notes` for the summary; "not that I know of" is a no;
- a range ("around 9 or 10", "2 or 3 years") is kept as a range ("9-10", "2-3");
- a correction ("oops I meant 12 years not 2", "I meant no", "wait, I do have an
  infection") changes the earlier answer it is about, even after the form moved on.

Kinds (KINDS): answer, hedge, range (the question on screen was answered), correction
(an earlier answer changed), other_fact (another question's answer, newly given),
question_back, unrelated (nothing usable: re-ask with an example). Pure; nothing is
logged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from assistant.prescreen import extract, spanish
from assistant.prescreen.context import analyse
from assistant.prescreen.facts import extract_facts
from assistant.prescreen.numbers import is_range
from assistant.prescreen.parsers import PARSERS, parse_consent, parse_yes_no
from assistant.prescreen.segments import Segment, split
from assistant.prescreen.text import HEDGE_RE, looks_like_question, normalize, numberize
from assistant.prescreen.values import SLOTS, YES_NO_SLOTS

__all__ = ["CONFIRM", "KINDS", "Turn", "how_said", "read_facts", "read_turn", "wants_result"]

KINDS = ("answer", "hedge", "range", "correction", "other_fact", "question_back", "unrelated")
CONSENT = "ps_consent"
CONFIRM = "ps_confirm"  # the "Is this right?" step before the result

# The parts of a reply that can answer each question, by what they are about (segments.py).
ANSWERS_FROM: dict[str, frozenset[str]] = {
    "ps_type": frozenset({"ps_type", "ps_diabetes", "ps_chemo_active", "ps_cancer", "ps_compressive", "neuro"}),
    "ps_diagnosis": frozenset({"ps_diagnosis", "neuro"}),
    "ps_duration": frozenset({"neuro", "duration"}),
    "ps_chemo_active": frozenset({"ps_chemo_active"}),
    "ps_infection": frozenset({"ps_infection"}),
    "ps_cancer": frozenset({"ps_cancer"}),
    "ps_diabetes": frozenset({"ps_diabetes"}),
    "ps_a1c": frozenset({"ps_a1c", "ps_diabetes"}),
    "ps_a1c_plan": frozenset({"ps_a1c_plan", "ps_diabetes", "other"}),
    "ps_compressive": frozenset({"ps_compressive"}),
}
_QUESTION_ORDER = tuple(s for s in SLOTS if s != CONSENT)

# "am I eligible?", "do I qualify?": asks for the result before the end
_RESULT_QUESTION = re.compile(
    r"\b(?:am i|would i|will i|could i|do i|can i|i'?m|is it|are you saying)\b[^.?!]{0,30}"
    r"\b(?:eligible|qualif\w*|a (?:good )?candidate|a (?:good )?fit|accepted|approved|get in|get this|get it|"
    r"able to (?:get|have|do) (?:it|this|the treatment))\b|\bmy (?:chances|result|outcome)\b",
    re.I,
)
# "what does that mean", "does a cold count", "why do you ask": about the question on screen
_ABOUT_QUESTION = re.compile(
    r"\bmean\b|\bmeans\b|\bcounts?\b|\bwhy do you (?:ask|need|want)\b|\bwhat is (?:this|that|it)\b|\bdifference\b|"
    r"\b(?:where|how) (?:would|do|can|could|should) i (?:find|know|get|check|tell)\b|\bwhat kind\b|"
    r"\bwhich (?:test|one)\b|"
    r"\bthat number\b|\bwhat if\b|\bwhat happens\b|\bhow long does (?:this|it) take\b|\bsaved\b|\bprivate\b|"
    r"\bwho (?:sees|will see|reads)\b|\bwhat (?:questions|do you need)\b",
    re.I,
)
# Corrections. Strong: the reply is about an earlier answer. Weak: it may be.
_STRONG_CUE = re.compile(
    r"\b(?:i meant|meant to say|i mean\b(?! it)|typo|mistyped|typed (?:that |it )?wrong|i was wrong|answered wrong|"
    r"wrong answer|got (?:that|it) wrong|said (?:that |it )?wrong|my mistake|my bad|oops|whoops|correction|"
    r"let me correct|scratch that|i take (?:it|that) back|change (?:my|that|the) answer|misread|misclicked|"
    r"(?:pressed|tapped|clicked|hit) the wrong|i said\b[^.!?]{1,40}\b(?:before|earlier)|checked my notes)\b",
    re.I,
)
_WEAK_CUE = re.compile(
    r"\b(?:actually|wait|hold on|on second thought|come to think of it|now that i think|i forgot|"
    r"forgot to (?:say|mention)|one more thing|back up|just found out|turns? out|turned out)\b",
    re.I,
)
_HINT = re.compile(
    r"\b(?:about|to|for|on|regarding|re|with)\s+(?:the\s+|my\s+)?(?P<topic>cause|type of neuropathy|nerve tests?|"
    r"tests?|emg|ncs|diagnosis|how long|duration|chemo\w*|infections?|cancer|diabetes|diabetic|a1c|plan|"
    r"pinched nerves?|surgery)\b",
    re.I,
)
_HINT_SLOT = (
    (r"cause|type of neuropathy", "ps_type"),
    (r"nerve tests?|tests?|emg|ncs|diagnosis", "ps_diagnosis"),
    (r"how long|duration", "ps_duration"),
    (r"chemo\w*", "ps_chemo_active"),
    (r"infections?", "ps_infection"),
    (r"cancer", "ps_cancer"),
    (r"diabetes|diabetic", "ps_diabetes"),
    (r"a1c", "ps_a1c"),
    (r"plan", "ps_a1c_plan"),
    (r"pinched nerves?|surgery", "ps_compressive"),
)
# The old value a correction names: "not 2", "not under", "I said 2 or 3 years before"
_OLD_VALUE = re.compile(
    r",?\s*\bnot\s+(?:under|over|above|below|yes|no|(?:\d+(?:\.\d+)?%?(?:\s*(?:years?|yrs?|months?|%))?))\b%?"
    r"|\bi said\b[^.!?]{1,40}?\b(?:before|earlier)\b|\binstead of\b[^.!?,]{1,20}",
    re.I,
)
_CUE_WORDS = re.compile(
    r"\b(?:oops|whoops|sorry|i meant|meant to say|i mean|actually|wait|typo|my bad|my mistake|correction)\b", re.I
)
_APPROX = re.compile(
    r"\b(?:about|around|roughly|approximately|approx|almost|nearly|like|or so|ish|give or take|somewhere|maybe)\b|~",
    re.I,
)
_NEED_WORDS = re.compile(r"\b(?:might|may|could) (?:need|require|have to)\b", re.I)
_PLAN_GATE = "ps_a1c_plan"
# a part that is only "yes" / "no" / "not sure": the answer to the question on screen, no fact
_BARE_ANSWER = re.compile(
    r"^\W*(?:yes|yeah|yep|yup|yea|ya|y+e+s+|no|nope|nah|naw|not sure|unsure|maybe|sure|correct|uh huh|never|"
    r"not really|i think so|kinda|probably|probably not|dunno|idk)\W*$",
    re.I,
)


@dataclass(frozen=True)
class Turn:
    """What one reply means for the pre-screen.

    kind: one of KINDS.
    record: slot -> value to record now: new answers and changed ones only.
    notes: slot -> how to show the answer in the patient's words:
        {"hedge": "yes"|"no"|""} for a hedged "not sure", {"approx": True} for "about 4 years".
    answered: the question this reply answered (`asked`, or the one a correction was about).
    corrected: the slots whose earlier, different answer this reply changed.
    question: for question_back: "result" ("am I eligible?"), "about" (about the question on
        screen: what a word means, what counts) or "other" (anything else: an FAQ).
    reason: for unrelated: empty, unclear, other_person, out_of_range, no_number, negative, vague.
    """

    kind: str
    record: dict[str, Any] = field(default_factory=dict)
    notes: dict[str, dict[str, Any]] = field(default_factory=dict)
    answered: str | None = None
    corrected: tuple[str, ...] = ()
    question: str = ""
    reason: str = ""


def read_turn(
    asked: str | None,
    text: str | None,
    answers: Mapping[str, Any],
    today: date | None = None,
    spec: Mapping[str, Any] | None = None,
    last_answered: str | None = None,
    language: str = "en",
) -> Turn:
    """Read the reply `text` to the question for `asked` (see the module docstring).

    `answers`: what is recorded so far (slot -> value). `last_answered`: the question the
    patient answered last (what "I meant no" is about); by default the last question, in
    the pre-screen's order, that has an answer and comes before `asked`.
    """
    raw = str(text or "").strip()
    if not re.search(r"[A-Za-z0-9]", raw):
        return Turn("unrelated", reason="empty")
    today = today or date.today()
    answers = {k: v for k, v in answers.items() if v is not None}
    if asked and asked in SLOTS:
        button = extract.button_value(asked, raw, spec)
        if button is not None:
            return _finish(asked, {asked: button}, {}, answers, raw, spec)
    if language == "es":
        # a Spanish reply in the reader's English words (lexicon/es.yml), then read the same way
        raw = spanish.to_english(raw)
        if not re.search(r"[A-Za-z0-9]", raw):
            return Turn("unrelated", reason="empty")
    norm = normalize(raw)
    analysed = analyse(norm)
    segs = split(norm, analysed)
    content = [s for s in segs if not s.filler]
    if not content:
        return Turn("unrelated", reason="unclear")
    statements = [s for s in content if not s.question]
    asking = bool(content[0].question) or (not statements and any(s.question for s in content))
    if asking or (looks_like_question(raw) and not _answer_words(content[0].text)):
        return Turn("question_back", question=_question_kind(norm, asked, content))
    if asked == CONSENT:
        return _consent(norm, segs, answers, today)
    if asked == CONFIRM or asked is None:
        # at the check before the result: "it's 12 years not 2", "the infection one should be yes"
        facts = _facts(norm, segs, None, answers, today)
        target = _hinted_slot(norm) or _unit_slot(norm)
        if target and target not in facts:
            value = _corrected_value(target, norm, segs, today, answers)
            if value is not None:
                facts[target] = value
        return _finish(None, facts, {}, answers, raw, spec)

    # a correction of an earlier answer ("oops I meant 12 years not 2", "I meant no")
    strong, weak = _STRONG_CUE.search(norm), _WEAK_CUE.search(norm)
    hint = _hinted_slot(norm)
    if hint and hint != asked and (strong or weak):
        value = _corrected_value(hint, norm, segs, today, answers)
        facts = _facts(norm, segs, hint, answers, today)
        if value is not None:
            facts[hint] = value
        if facts:
            return _finish(None, facts, {}, answers, raw, spec)

    mine = _answer_segments(asked, statements)
    record: dict[str, Any] = {}
    notes: dict[str, dict[str, Any]] = {}
    reason = "unclear"
    if strong and mine and not _has_own_words(asked, mine):
        # "oops I meant 12 years not 2": about the question its value fits, or the one before
        target = hint or _unit_slot(norm) or last_answered or _previous_question(asked, answers)
        if target and target != asked:
            value = _corrected_value(target, norm, segs, today, answers)
            if value is not None:
                return _finish(
                    None, {**_facts(norm, segs, target, answers, today), target: value}, {}, answers, raw, spec
                )
        mine = [s for s in mine if not _STRONG_CUE.fullmatch(s.text)]
    if mine:
        said = _OLD_VALUE.sub(" ", ", ".join(s.text for s in mine)) if strong else ", ".join(s.text for s in mine)
        parsed = PARSERS[asked](said, normalize(said), today)
        if parsed.status == "ok":
            value = parsed.value
            if asked in YES_NO_SLOTS and value in ("yes", "no") and _hedged(said):
                value = "unsure"
            record[asked] = value
            note = _note(asked, value, said)
            if note:
                notes[asked] = note
        else:
            reason = parsed.reason or "unclear"
    facts = _facts(norm, segs, asked, answers, today, record)
    if asked not in record and not facts and weak:
        target = _unit_slot(norm) or last_answered or _previous_question(asked, answers)
        if target and target != asked:
            value = _corrected_value(target, norm, segs, today, answers)
            if value is not None:
                facts[target] = value
    if asked in record:
        return _finish(asked, {**facts, **record}, notes, answers, raw, spec)
    if facts:
        return _finish(None, facts, {}, answers, raw, spec)
    if any(s.question for s in content):
        return Turn("question_back", question=_question_kind(norm, asked, content))
    return Turn("unrelated", reason=reason)


def read_facts(
    texts: list[str], answers: Mapping[str, Any], today: date | None = None, language: str = "en"
) -> dict[str, Any]:
    """Facts volunteered in messages that answered no question (the opening, before consent):
    the same reading as the facts inside a reply. Later messages win."""
    today = today or date.today()
    found: dict[str, Any] = {}
    for text in texts:
        raw = str(text or "").strip()
        if language == "es":
            raw = spanish.to_english(raw)
        if not re.search(r"[A-Za-z]", raw):
            continue
        norm = normalize(raw)
        segs = split(norm)
        found.update(_facts(norm, segs, None, {**answers, **found}, today))
    return found


def how_said(texts: list[str], record: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Notes for numbers volunteered as a guess ("about 5 years", "A1c around 8"): {"approx": True}."""
    notes: dict[str, dict[str, Any]] = {}
    for slot in ("ps_duration", "ps_a1c"):
        value = record.get(slot)
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            continue
        number = re.escape(f"{value:g}")
        for text in texts:
            t = numberize(normalize(str(text or "")))
            if re.search(rf"{_APPROX.pattern}\W+(?:\w+\W+){{0,2}}?{number}\b", t, re.I):
                notes[slot] = {"approx": True}
    return notes


def wants_result(text: str | None) -> bool:
    """ "so am I eligible?": a question about the result before the end."""
    return bool(_RESULT_QUESTION.search(str(text or "")))


# --------------------------------------------------------------------------
# Parts of the reading


def _answer_words(text: str) -> bool:
    return bool(re.match(r"^\W*(?:yes|yeah|yep|no|nope|nah|not sure|maybe|i think so|kinda)\b", text, re.I))


def _question_kind(norm: str, asked: str | None, content: list[Segment]) -> str:
    if _RESULT_QUESTION.search(norm):
        return "result"
    own = ANSWERS_FROM.get(asked or "", frozenset()) - {"neuro", "duration", "other"}
    if _ABOUT_QUESTION.search(norm) or any(s.subjects & own for s in content):
        return "about"
    return "other"


def _has_own_words(asked: str, segs: list[Segment]) -> bool:
    own = ANSWERS_FROM[asked] - {"neuro", "duration"}
    return any(s.subjects & own for s in segs)


def _answer_segments(asked: str, statements: list[Segment]) -> list[Segment]:
    """The parts of the reply about the question on screen.

    A part with words of its own belongs to what they name; a part without (no word
    of any question, or only a time when the question is not how long) goes on
    about what the part before it was about, or about the question on screen when
    it comes first ("no, finished in 2023": both parts answer the chemo question).
    """
    wanted = ANSWERS_FROM[asked]
    mine: list[Segment] = []
    owner = "asked"
    for seg in statements:
        subjects = set(seg.subjects)
        if asked != "ps_duration":
            subjects.discard("duration")
        elif subjects & (set(ANSWERS_FROM) - {"ps_duration"}) - {"neuro"} and not re.search(
            r"\b(?:since|after|from|when|started|began|start)\b", seg.text, re.I
        ):
            subjects.discard("duration")  # "EMG in 2021": the date of the test, not how long
        if not subjects:
            pass  # goes on about the part before
        elif subjects & wanted:
            owner = "asked"
        elif subjects == {"other_person"}:
            owner = "asked"  # "my husband has the flu but I'm fine": what follows is about the patient
            continue
        else:
            owner = "other"
        if owner == "asked":
            mine.append(seg)
    return mine


def _facts(
    norm: str,
    segs: list[Segment],
    asked: str | None,
    answers: Mapping[str, Any],
    today: date,
    record: Mapping[str, Any] | None = None,
    blank_all: bool = False,
) -> dict[str, Any]:
    """Other questions' answers stated in the reply (never the question on screen's own).

    Fillers and questions in `segs` are left out (`blank_all`: every part in `segs`)."""
    chars = list(norm)
    for seg in segs:
        if seg.filler or seg.question or blank_all or _BARE_ANSWER.match(seg.text):
            chars[seg.start : seg.end] = " " * (seg.end - seg.start)
    said = "".join(chars).strip()
    if not re.search(r"[A-Za-z]", said):
        return {}
    found = {k: v for k, v in extract_facts(said, today=today).items() if k not in (asked, CONSENT)}
    if answers.get("ps_type") not in (None, "unsure") and found.get("ps_type") not in (None, answers.get("ps_type")):
        # a cause named in passing does not replace the cause given to that question
        # (a correction says which question it is about: "about the cause, it's my diabetes")
        found.pop("ps_type")
    known = {**answers, **(record or {}), **found}
    diabetes = known.get("ps_diabetes")
    if _PLAN_GATE in found and (
        diabetes == "no" or (diabetes != "yes" and known.get("ps_type") not in (None, "diabetic", "unsure"))
    ):
        found.pop(_PLAN_GATE)  # "I see my endo every 3 months" says nothing when there is no diabetes
    return found


def _finish(
    asked: str | None,
    found: Mapping[str, Any],
    notes: Mapping[str, dict[str, Any]],
    answers: Mapping[str, Any],
    raw: str,
    spec: Mapping[str, Any] | None,
) -> Turn:
    record = dict(found)
    if record.get("ps_type") == "diabetic" and answers.get("ps_diabetes") != "yes":
        record.setdefault("ps_diabetes", "yes")
    record = {k: v for k, v in record.items() if k == asked or not _same(answers.get(k), v)}
    corrected = tuple(k for k, v in record.items() if k in answers and not _same(answers[k], v) and k != asked)
    notes = {**how_said([raw], {k: v for k, v in record.items() if k != asked}), **notes}
    if asked is not None and asked in record:
        value = record[asked]
        if value == "unsure" and asked in notes and "hedge" in notes[asked]:
            kind = "hedge"
        elif is_range(value):
            kind = "range"
        else:
            kind = "answer"
        return Turn(kind, record, dict(notes), asked, corrected)
    if not record:
        return Turn("unrelated", reason="unclear")
    if corrected:
        return Turn("correction", record, dict(notes), corrected[0], corrected)
    return Turn("other_fact", record, dict(notes), None, ())


def _same(old: Any, new: Any) -> bool:
    if old is None:
        return False
    if isinstance(old, (int, float)) and isinstance(new, (int, float)) and not isinstance(old, bool):
        return abs(float(old) - float(new)) < 1e-9
    return bool(old == new)


def _hedged(said: str) -> bool:
    return bool(HEDGE_RE.search(_NEED_WORDS.sub(" ", said)))


def _note(slot: str, value: Any, said: str) -> dict[str, Any]:
    """How the answer was said: a hedge and what it leans to, or "about" a number."""
    if value == "unsure" and _hedged(said):
        lean = ""
        if slot in YES_NO_SLOTS:
            leaning = parse_yes_no(slot, said, normalize(said), ignore=frozenset({"POSSIBLE_EXISTENCE"}))
            lean = leaning.value if leaning.status == "ok" and leaning.value in ("yes", "no") else ""
            if not lean and re.search(
                r"\b(?:think|believe|guess|suppose) so\b|\bprobably\b|\bkind ?a\b|\bkinda\b|"
                r"\bsort of\b|\bsorta\b|\blikely\b",
                said,
                re.I,
            ):
                lean = "no" if re.search(r"\b(?:probably|likely) not\b", said, re.I) else "yes"
        return {"hedge": lean}
    if slot in ("ps_duration", "ps_a1c") and isinstance(value, (int, float)) and _APPROX.search(said):
        return {"approx": True}
    return {}


def _hinted_slot(norm: str) -> str | None:
    m = _HINT.search(norm)
    if not m:
        return None
    topic = m.group("topic").lower()
    return next((slot for rx, slot in _HINT_SLOT if re.fullmatch(rx, topic)), None)


def _unit_slot(norm: str) -> str | None:
    """The question a bare corrected value belongs to, by its unit: years -> how long, % -> A1c."""
    if re.search(r"\d\s*(?:\+\s*)?(?:years?|yrs?|months?|decades?)\b|\b(?:a|one|two|few)\s+years?\b", norm, re.I):
        return "ps_duration"
    if re.search(r"\d\s*%|\ba1c\b", norm, re.I):
        return "ps_a1c"
    return None


def _previous_question(asked: str, answers: Mapping[str, Any]) -> str | None:
    """The last question, in the pre-screen's order, answered before `asked`."""
    if asked not in _QUESTION_ORDER:
        return None
    before = _QUESTION_ORDER[: _QUESTION_ORDER.index(asked)]
    return next((s for s in reversed(before) if s in answers), None)


def _corrected_value(target: str, norm: str, segs: list[Segment], today: date, answers: Mapping[str, Any]) -> Any:
    """The new value for `target` in a correction, leaving out the old value it names."""
    cleaned = _CUE_WORDS.sub(" ", _OLD_VALUE.sub(" ", norm))
    cleaned = _HINT.sub(" ", cleaned) if target != "ps_type" else cleaned
    tries = [cleaned] + [_OLD_VALUE.sub(" ", s.text) for s in reversed(segs) if not s.filler and not s.question]
    for text in tries:
        text = re.sub(r"\s+", " ", text).strip(" ,.;:")
        if not re.search(r"[A-Za-z0-9]", text):
            continue
        parsed = PARSERS[target](text, normalize(text), today)
        if parsed.status == "ok" and not _same(answers.get(target), parsed.value):
            return parsed.value
    return None


def _consent(norm: str, segs: list[Segment], answers: Mapping[str, Any], today: date) -> Turn:
    """Yes or no to starting; facts said with a yes are kept (the patient has just agreed)."""
    lead: list[Segment] = []
    for seg in segs:
        if seg.subjects - {"duration"}:
            break
        lead.append(seg)
    content = [s for s in segs if not s.filler]
    said = ", ".join(s.text for s in lead) or content[0].text
    parsed = parse_consent(said, said, today)
    if parsed.status != "ok":
        return Turn("unrelated", reason=parsed.reason or "unclear")
    if parsed.value != "yes":
        return Turn("answer", {CONSENT: parsed.value}, answered=CONSENT)
    rest = [s for s in segs if s not in lead]
    facts = _facts(norm, lead, CONSENT, answers, today, blank_all=True) if rest else {}
    record = {CONSENT: "yes", **facts}
    if record.get("ps_type") == "diabetic":
        record.setdefault("ps_diabetes", "yes")
    return Turn("answer", record, answered=CONSENT)
