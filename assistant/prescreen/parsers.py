"""Per-question readers: the reply to the question for one slot -> `Answer`.

`PARSERS[slot](raw, normalized, today)` for every pre-screen slot: consent
and the cause (ps_type) by their own rules, the duration and A1c by the
number readers in `numbers.py`, and every yes / no / not sure question by
its mentions in context (`context.py`, lexicon/yes_no.yml). The regular
expressions here are the fixed phrasings of those replies. Pure; nothing is
logged.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from assistant.prescreen import lexicon
from assistant.prescreen.answer import Answer, invalid, ok
from assistant.prescreen.context import IGNORED, analyse, combine, hedged, status
from assistant.prescreen.numbers import find_a1c_number, find_duration
from assistant.prescreen.text import UNSURE_RE, looks_like_question, numberize
from assistant.prescreen.values import YES_NO_SLOTS

__all__ = ["PARSERS", "parse_a1c", "parse_consent", "parse_duration", "parse_type", "parse_yes_no"]

_DOCTORS_DONT_KNOW = re.compile(
    r"\b(doctors?|drs?|they|neurologists?|specialists?|nobody|no one|no-one|physicians?)\b[^.?!]{0,25}?"
    r"\b(don'?t|do not|doesn'?t|does not|didn'?t|did not|couldn'?t|could not|can'?t|cannot|never|haven'?t|"
    r"have not|hasn'?t|has not|aren'?t|"
    r"are not|weren'?t|were not)\b[^.?!]{0,20}?\b(know|find|found|figure[sd]?|sure|determine[sd]?|explain)"
    r"|\b(?:doctors?|drs?|they|neurologists?)\b[^.?!]{0,60}?\b(?:couldn'?t|could not|can'?t|cannot|never|didn'?t|"
    r"did not)\s+(?:find|found|figure)\b[^.?!]{0,15}\b(?:reason|cause|why|anything)\b",
    re.I,
)

_CONSENT_YES = re.compile(
    r"\b(yes|yeah|yep|yup|yea|sure|ok|okay|alright|all right|go ahead|go for it|let'?s (go|start|begin|do)|"
    r"start|begin|of course|absolutely|definitely|sounds good|why not|i agree|agree|ready|proceed|continue|"
    r"i consent|happy to|fine by me|don'?t mind|do not mind|no problem|not a problem|uh[ -]?huh|ask away|"
    r"y+e+[sa]+h*|ye+p+|ya+|okk+|k+|alrighty?|yup+|sure thing|let'?s do (it|this)|shoot|fire away|go on)\b"
    r"|^\s*(y|ya|k|fine|please|go|good|great|i do|do it)\s*[.!]*\s*$",
    re.I,
)
_CONSENT_NO = re.compile(
    r"\b(no|nope|nah|not|later|skip|stop|cancel|rather not|don'?t|do not|never ?mind|no thanks?|"
    r"not interested|i'?ll pass|pass|another time)\b",
    re.I,
)
_CONSENT_NEUTRAL = re.compile(
    r"\b(no problem|not a problem|no worries|why not|no time like the present|"
    r"don'?t mind|do not mind|not at all)\b",
    re.I,
)


def parse_consent(raw: str, norm: str, today: date) -> Answer:
    """Yes or no to starting; "not sure" and a mix of both are re-asked."""
    low = norm.lower()
    t = _CONSENT_NEUTRAL.sub(" ", low)  # "no problem" is not a no
    if UNSURE_RE.search(t) or re.search(r"\b(maybe|perhaps|not sure)\b", t):
        return invalid("unsure")
    no = bool(_CONSENT_NO.search(t))
    yes = bool(_CONSENT_YES.search(low))
    if no and not yes:
        return ok("no")
    if yes and not no:
        return ok("yes")
    return invalid("conflict" if yes and no else "unclear")


# Replies that mean no for one question only.
_EXTRA_NO = {
    # diagnosed from symptoms or an exam, with no nerve test
    "ps_diagnosis": re.compile(
        r"\b(based on|from|just|only)\s+(my\s+|the\s+)?(symptoms|an? (physical )?exam|"
        r"exam)\b|\bno (nerve )?tests?\b|\bwithout (a |any )?(nerve )?tests?\b|"
        r"\b(?:went|go|going|goes|based it|judged)\s+(?:by|on|off)\s+(?:my\s+|the\s+)?"
        r"(?:symptoms|an? exam|how i feel)\b|"
        r"\b(just|only)\b[^.?!]{0,20}\b(gp|pcp|family doctor|doctor|physician)\b",
        re.I,
    ),
}
_LEAD_WORD = re.compile(
    r"^\W*(?:(?P<yes>yes|yeah|yep|yup|yea|ya|y+e+s+|sure|correct|uh huh|definitely|absolutely|affirmative)"
    r"|(?P<no>no|nope|nah|naw|negative|never))\b(?!\s+(?:idea|clue|wait|way|sure|doubt))",
    re.I,
)
_SHORT_YES = re.compile(r"^\W*(yes\W*)?(i|we) (do|am|have|did|does)( (so|indeed|yes))?\W*$", re.I)
_SHORT_NO = re.compile(r"^\W*(no\W*)?(i|we) (do not|am not|have not|did not|don'?t|haven'?t|didn'?t|'?m not)\W*$", re.I)


_FREE_NO_NOW = re.compile(
    r"\b(?:but )?not (?:right )?now\b|\bnot (?:currently|at the moment|anymore|these days)\b", re.I
)


def parse_yes_no(slot: str, raw: str, norm: str, ignore: frozenset[str] = frozenset()) -> Answer:
    """A yes / no / not sure question: the mentions of its labels, read in context.

    `ignore`: ConText categories to leave out (POSSIBLE_EXISTENCE: what a hedged
    reply leans to, shown in the summary beside "not sure").
    """
    cfg = lexicon.get().yes_no[slot]
    if _SHORT_NO.match(norm) or (slot in _EXTRA_NO and _EXTRA_NO[slot].search(norm)):
        return ok("no")
    if _SHORT_YES.match(norm):
        return ok("yes")
    doc, mentions, free = analyse(norm)
    asking = looks_like_question(raw)
    # a bare mention in a question ("what counts as an infection?") says nothing
    bare = None if asking else "yes"
    own = [m for m in mentions if m.label in cfg["labels"]]
    values, explicit = [], []
    family_only = bool(own)
    for m in own:
        if m.categories & IGNORED:
            continue
        family_only = False
        cats = set(m.categories) - ignore
        value = status(cats, cfg, bare)
        if m.label == "PREDIABETES" and value == "yes":
            value = "no"
        values.append(value)
        if cats:
            explicit.append(value)
    free_cats = (set().union(*free) - IGNORED - ignore) if free else set()
    free_value = status(free_cats, cfg, None)
    value = combine(values)
    if value is not None and not explicit and free_value is not None and free_value != value:
        # "I get UTIs a lot but not right now": the words about now outweigh a bare mention
        value = free_value if _FREE_NO_NOW.search(norm) or free_value == "unsure" else value
    if value is None and asking:
        return Answer("none", None, "question")
    if value is None:
        value = free_value
    if value is None and "POSSIBLE_EXISTENCE" not in ignore and hedged(doc, mentions):
        value = "unsure"
    if value is None and UNSURE_RE.search(norm):
        value = "unsure"
    if value is None and not family_only:
        # "no, my doctor just went by my symptoms": the first word answers
        lead = _LEAD_WORD.match(norm)
        value = ("no" if lead.group("no") else "yes") if lead else None
    if value is not None:
        return ok(value)
    return invalid("other_person" if family_only else "unclear")


def parse_type(raw: str, norm: str, today: date) -> Answer:
    """The cause of the neuropathy: the first cause named (and not denied)."""
    if _DOCTORS_DONT_KNOW.search(norm):
        return ok("idiopathic")
    _, mentions, _free = analyse(norm)
    causes = lexicon.get().causes
    hesitant = bool(re.search(r"\b(not sure|unsure|no idea|don'?t know|do not know|dunno|not certain)\b", norm, re.I))
    for m in sorted(mentions, key=lambda m: m.start):
        kind = causes.get(m.label)
        if hesitant and "POSSIBLE_EXISTENCE" in m.categories:
            continue  # "not sure, maybe diabetes"
        if kind is None or m.categories & (IGNORED | {"NEGATED_EXISTENCE"}):
            continue
        if (
            kind == "idiopathic"
            and m.text == "unknown"
            and UNSURE_RE.search(norm)
            and not re.search(r"\bcause\b", norm, re.I)
        ):
            continue
        return ok(kind)
    if re.search(r"\b(cancer|tumou?rs?|lymphoma|leuka?emia|myeloma)\b", norm, re.I):
        return ok("chemo") if re.search(r"\b(treatment|drugs?|medicines?|meds)\b", norm, re.I) else ok("other")
    if UNSURE_RE.search(norm) or re.search(r"\b(maybe|not sure)\b", norm, re.I):
        return ok("unsure")
    return invalid("unclear")


def parse_duration(raw: str, norm: str, today: date) -> Answer:
    """How long: years as a number, or lt1 / 1to7 / gt7 / unsure."""
    t = numberize(norm)
    found = find_duration(t, today, bare_number=True)
    if found is not None:
        if found.status == "ok" and isinstance(found.value, float) and found.value > 90:
            return invalid("out_of_range")
        return found
    if UNSURE_RE.search(t) or re.search(r"\b(maybe|not sure)\b", t):
        return ok("unsure")
    if re.search(r"\b(long time|many years|ages|forever|a while|years)\b", t):
        return invalid("vague")
    if re.search(r"\d", t):
        return invalid("out_of_range")
    return invalid("unclear")


def parse_a1c(raw: str, norm: str, today: date) -> Answer:
    """The latest A1c: a percent, a bound ("under 7" -> lt7), or unsure."""
    t = numberize(norm)
    found = find_a1c_number(t)
    if found is not None:
        kind, value = found
        return ok(value) if kind in ("ok", "bound", "range") else invalid(kind)
    if UNSURE_RE.search(t) or re.search(r"\b(maybe|not sure|no idea)\b", t):
        return ok("unsure")
    return invalid("no_number")


def _yes_no_parser(slot: str) -> Callable[[str, str, date], Answer]:
    def parse(raw: str, norm: str, today: date) -> Answer:
        return parse_yes_no(slot, raw, norm)

    return parse


# slot -> parse(raw, normalized, today) -> Answer
PARSERS: dict[str, Callable[[str, str, date], Answer]] = {
    "ps_consent": parse_consent,
    "ps_type": parse_type,
    "ps_duration": parse_duration,
    "ps_a1c": parse_a1c,
    **{slot: _yes_no_parser(slot) for slot in YES_NO_SLOTS},
}
