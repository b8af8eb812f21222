"""Facts a visitor volunteers in any message: `extract_facts(text, today=None)`.

"I've had diabetic neuropathy for five years and I'm on metformin" fills
ps_type, ps_diabetes, ps_duration and ps_a1c_plan before they are asked, so
nothing is asked twice. Conservative on purpose: a fact is set only when it is
stated plainly about the visitor and about now (`context.py` reads the
mentions; lexicon/targets.yml names the causes and the care that counts as a
diabetes plan). Pure; nothing is logged.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from assistant.prescreen import lexicon
from assistant.prescreen.answer import ok
from assistant.prescreen.context import IGNORED, Mention, analyse, combine, status
from assistant.prescreen.numbers import A1C_HIGH, A1C_LOW, NUM, duration_value, find_duration
from assistant.prescreen.text import normalize, numberize

__all__ = ["extract_facts"]

# The "right now" questions, each read from its own label ("I had cancer" alone sets nothing:
# the question is still asked).
_STRICT_STATUS = {"ps_chemo_active": "CHEMO", "ps_cancer": "CANCER", "ps_infection": "INFECTION"}
_NOW_WORDS = {"RESOLVED", "NEGATED_EXISTENCE"}
_SQUEEZE = re.compile(r"\b(pinch\w*|squeez\w*|compress\w*|trapped|tunnel|stenosis|disc|disk|release)\b", re.I)
_REMISSION = re.compile(r"\b(?<!not )(?<!not in )(?:in remission|in full remission|no evidence of disease|ned)\b", re.I)
_CAUSE_BEFORE = re.compile(r"^\s*(?:-\s*)?(?:induced|related|caused|associated)?\s*$")
_CAUSE_AFTER_LINK = re.compile(
    r"\b(from|by|due to|because of|caused by|related to|after|result of|secondary to|brought on by|with)\b"
)
_CAUSE_VERB = re.compile(r"\b(caused|cause|causes|gave|led to|triggered|brought on|damaged)\b")
_NEURO_WORDS = re.compile(
    r"\b(neuropath\w*|polyneuropathy|nerve (pain|damage|problems?|issues?)|numbness|numb|tingling|burning|"
    r"pins and needles|symptoms?|cidp|cipn)\b",
    re.I,
)


def extract_facts(text: str | None, today: date | None = None) -> dict[str, Any]:
    """Facts a visitor volunteers about themselves, for slots not yet asked.

    Conservative: a fact is set only when it is stated plainly about the
    visitor. Family members, "if ..." questions and hedged statements ("I
    might have an infection") set nothing, so the question is still asked.
    The neuropathy type is set only when its cause is stated ("diabetic
    neuropathy", "neuropathy from chemo"), not when a treatment is mentioned.
    """
    raw = str(text or "").strip()
    if not raw or not re.search(r"[A-Za-z]", raw):
        return {}
    today = today or date.today()
    words = lexicon.get()
    yes_no = words.yes_no
    norm = normalize(raw)
    doc, mentions, free = analyse(norm)
    facts: dict[str, Any] = {}

    def put(slot: str, values: list[str | None]) -> None:
        value = combine([v for v in values if v])
        if value is not None and value != "unsure":
            facts[slot] = value

    usable = [m for m in mentions if not m.categories & (IGNORED | {"POSSIBLE_EXISTENCE"})]

    for slot, label in _STRICT_STATUS.items():
        cfg = yes_no[slot]
        values = []
        for m in usable:
            if m.label != label:
                continue
            cats = set(m.categories)
            alone = sum(1 for n in usable if n.label == label and n.sent == m.sent) == 1
            if alone and not cats - {"HISTORICAL"} and m.sent < len(free):
                # "I had lymphoma but I'm in remission now": the words saying it is over, in the
                # same sentence, say what it is now
                cats |= free[m.sent] & _NOW_WORDS
            if slot == "ps_cancer" and cats <= {"HISTORICAL"}:
                continue  # "I had cancer": still ask whether it is active now
            if slot == "ps_chemo_active" and cats == {"HISTORICAL"} and not _far_past(doc, m):
                continue  # "I had chemo": could be mid-course; ask
            values.append(status(cats, cfg, None))
        put(slot, values)

    if (
        "ps_cancer" not in facts
        and _REMISSION.search(norm)
        and not any(m.label in ("CANCER", "DIABETES") for m in mentions)
    ):
        facts["ps_cancer"] = "no"  # "finished in 2023 and I'm in remission": the cancer is over

    diabetes = [
        ("no" if m.label == "PREDIABETES" else status(m.categories, yes_no["ps_diabetes"], "yes"))
        for m in usable
        if m.label in ("DIABETES", "PREDIABETES")
    ]
    put("ps_diabetes", diabetes)

    neuro_sents = {m.sent for m in usable if m.label in ("NEURO", "CIPN", "IDIOPATHIC")}
    neuro_sents |= {m.sent for m in usable if m.text in words.self_naming_phrases}
    diagnosis = []
    for m in usable:
        if m.label == "TEST":
            st = status(m.categories, yes_no["ps_diagnosis"], None if "FUTURE" in m.categories else "yes")
            diagnosis.append(None if "FUTURE" in m.categories else st)
        elif m.label == "DIAGNOSED" and m.sent in neuro_sents:
            diagnosis.append(status(m.categories, yes_no["ps_diagnosis"], "yes"))
    put("ps_diagnosis", diagnosis)

    plan = [status(m.categories, yes_no["ps_a1c_plan"], "yes") for m in usable if m.text in words.diabetes_care_phrases]
    put("ps_a1c_plan", plan)

    # "my surgeon says I need carpal tunnel release": a pinched nerve that needs surgery, said
    # plainly; a surgery in the past ("had carpal tunnel surgery in 2019") says nothing about now
    squeeze = [m for m in usable if m.label in ("COMPRESSIVE", "SURGERY")]
    if any(m.label == "COMPRESSIVE" for m in squeeze) or (
        any(m.label == "SURGERY" for m in squeeze) and _SQUEEZE.search(norm)
    ):
        needs = [
            m
            for m in squeeze
            if m.categories & {"NEED", "FUTURE"} and not m.categories & {"HISTORICAL", "NEGATED_EXISTENCE", "RESOLVED"}
        ]
        if needs:
            facts["ps_compressive"] = "yes"

    kind = _stated_type(doc, mentions)
    if kind:
        facts["ps_type"] = kind
        if kind == "diabetic":
            facts["ps_diabetes"] = "yes"

    a1c = _stated_a1c(norm, mentions)
    if a1c is not None:
        facts["ps_a1c"] = a1c  # an A1c alone does not say the visitor has diabetes

    spans = [(doc[m.start].idx, doc[m.end - 1].idx + len(doc[m.end - 1]), m.label) for m in mentions]
    duration = _stated_duration(norm, today, spans)
    if duration is not None:
        facts["ps_duration"] = duration
    return facts


def _far_past(doc: Any, m: Mention) -> bool:
    """ "had chemo years ago / in 2019 / last year": clearly over."""
    sent = doc[m.start].sent.text.lower()
    return bool(re.search(r"\b(ago|last year|in (19|20)\d\d|years back|back in|long time ago|as a child)\b", sent))


def _stated_type(doc: Any, mentions: list[Mention]) -> str | None:
    """The cause of the neuropathy, when the visitor says it caused it."""
    words = lexicon.get()
    for m in sorted(mentions, key=lambda m: m.start):
        kind = words.causes.get(m.label)
        if kind is None or (kind == "other" and m.text in ("other", "something else")):
            continue
        if m.categories & (IGNORED | {"NEGATED_EXISTENCE", "POSSIBLE_EXISTENCE"}):
            continue
        if m.label in words.self_naming_labels or m.text in words.self_naming_phrases:
            if m.label == "IDIOPATHIC" and not _NEURO_WORDS.search(doc[m.start].sent.text):
                continue  # "unknown" alone is not a neuropathy cause
            if m.label == "COMPRESSIVE" and m.categories & {"HISTORICAL", "RESOLVED"}:
                continue  # "I had carpal tunnel surgery in 2019" is not the cause now
            return kind
        for n in mentions:
            if n.label != "NEURO" or n.sent != m.sent or n.categories & (IGNORED | {"NEGATED_EXISTENCE"}):
                continue
            if m.end <= n.start:  # "diabetic neuropathy", "chemo caused my neuropathy"
                between = doc[m.end : n.start].text.lower()
                if _CAUSE_BEFORE.match(between) or (_CAUSE_VERB.search(between) and n.start - m.end <= 5):
                    return kind
            elif n.end <= m.start and m.start - n.end <= 6:  # "neuropathy from chemo"
                between = doc[n.end : m.start].text.lower()
                if _CAUSE_AFTER_LINK.search(between):
                    return kind
    return None


def _stated_a1c(norm: str, mentions: list[Mention]) -> float | None:
    """An A1c result stated plainly ("my A1c was 7.2"), about the visitor."""
    a1c = [m for m in mentions if m.label == "A1C"]
    if not a1c or all(m.categories & (IGNORED | {"POSSIBLE_EXISTENCE"}) for m in a1c):
        return None
    t = numberize(norm)
    m = re.search(r"\ba1c\b[^.?!\d-]{0,30}?(-?\d+(?:\.\d+)?)(?!\s*(?:years?|months?|weeks?|days?|mg))", t)
    if not m or m.group(1).startswith("-"):
        return None
    v = float(m.group(1))
    return round(v, 1) if A1C_LOW <= v <= A1C_HIGH else None


_ONSET_WORDS = re.compile(
    r"\b(start\w*|began|begin\w*|onset|first|came on|develop\w*|had|got|diagnosed|"
    r"noticed|appeared)\b",
    re.I,
)
# A part that says how long and nothing else ("about 5 years now", "it's been 4 years"), or
# says when "it" began ("it started 2 years ago"): in a pre-screen reply, that is the neuropathy.
_PURE_DURATION = re.compile(
    r"^(?:(?:about|around|roughly|approximately|approx|almost|nearly|over|like|maybe|probably|for|it'?s|it is|its|"
    r"more like|closer to|actually|oh|and|"
    r"it'?s been|it has been|been|that'?s|so|now|just|only|i think)\s+)*"
    r"(?:\d+(?:\.\d+)?\+?|a few|a couple of|a couple|several|many)\s*(?:years?|yrs?|months?|mos?|decades?)"
    r"(?:\s+(?:now|ago|or so|ish|already|so far|give or take))*\W*$",
    re.I,
)
_IT_STARTED = re.compile(
    r"^\W*(?:well\W+)?(?:it|this|they|the symptoms|symptoms|mine)\s+(?:all\s+)?(?:started|began|came on|kicked in|"
    r"showed up)\b|^\W*(?:i'?ve had (?:it|this|them)|i have had (?:it|this|them))\b",
    re.I,
)
_CLAUSE_CUT = re.compile(r",|;|\band\b|\bbut\b", re.I)


def _clauses(norm: str) -> list[tuple[int, int]]:
    out = []
    for sentence in re.finditer(r"[^.!?]+[.!?]*", norm):
        at = sentence.start()
        for cut in _CLAUSE_CUT.finditer(sentence.group(0)):
            out.append((at, sentence.start() + cut.start()))
            at = sentence.start() + cut.end()
        out.append((at, sentence.end()))
    return [(a, b) for a, b in out if norm[a:b].strip()]


def _stated_duration(norm: str, today: date, spans: list[tuple[int, int, str]] | None = None) -> Any:
    """How long the neuropathy has lasted, when a clause about it says so.

    A clause about the neuropathy ("tingling for 3 years", "neuropathy since 2019"), or a
    clause with no other subject that only says how long or when it started ("about 5
    years now", "it started 4 years ago"). A time beside something else ("diabetic for 20
    years", "EMG in 2021", "sober 4 years", "every 3 months") is not the neuropathy's.
    """
    for a, b in _clauses(norm):
        clause = norm[a:b]
        if re.search(r"\b(if|would|could i|can i)\b", clause, re.I):
            continue
        labels = {label for s, e, label in spans or [] if s < b and e > a}
        if _NEURO_WORDS.search(clause):
            if not re.search(r"\b(for|since)\b", clause, re.I) and not (
                re.search(r"\bago\b", clause, re.I) and _ONSET_WORDS.search(clause)
            ):
                continue  # "my EMG showed it last year" dates the test, not the neuropathy
        elif labels - {"NEURO"} or not (_PURE_DURATION.match(clause.strip()) or _IT_STARTED.search(clause)):
            continue
        t = numberize(clause)
        found = find_duration(t, today, bare_number=False)
        if found is None:
            m = re.search(
                rf"\b(?:for|it'?s|it is|been)\s+(?:about|around|almost|nearly|over|like)?\s*{NUM}\s*$", t.rstrip(" .!")
            )
            found = ok(duration_value(float(m.group(1)))) if m else None
        if found is not None and found.status == "ok" and not (isinstance(found.value, float) and found.value > 90):
            return found.value
    return None
