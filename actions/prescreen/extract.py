"""Read pre-screen answers and volunteered facts from a visitor's own words.

A blank English spaCy pipeline with rules only (no trained model): a
sentencizer, medspaCy's TargetMatcher for the things the pre-screen cares
about (chemo, cancer, infection, diabetes, A1c, nerve tests, ...) and
medspaCy's ConText, which marks each mention as negated, historical,
hypothetical, about a family member or uncertain. Numbers, durations and
dates are read with regular expressions.

Two entry points (see docs/ARCHITECTURE.md):
    parse_answer(slot, text)  the reply to the question for `slot`
    extract_facts(text)       facts volunteered in any message

The pipeline is built on first use (not at import) and shared. Nothing here
logs, prints or stores text: visitors' answers are health information.
No Rasa import.
"""
from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass
from datetime import date
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

__all__ = ["Answer", "parse_answer", "extract_facts", "get_nlp"]


@dataclass(frozen=True)
class Answer:
    """How a reply answers one question.

    status: "ok" (value holds the slot value), "invalid" (the reply tried to
        answer but could not be read; re-ask), or "none" (the reply is not an
        answer at all: empty, or a question back).
    reason: a short code for "invalid"/"none", for the caller, never shown:
        empty, question, unclear, conflict, unsure, no_number, out_of_range,
        negative, vague, other_person.
    """

    status: str
    value: Any = None
    reason: str = ""


def _ok(value: Any) -> Answer:
    return Answer("ok", value)


def _invalid(reason: str) -> Answer:
    return Answer("invalid", None, reason)


# ---------------------------------------------------------------------------
# Rule tables. Phrases are matched on spaCy's NORM, so "dont", "don't" and
# "do not" are the same phrase. A phrase may be a string or a token pattern.

# Target labels -> what they are about.
_TARGETS: Dict[str, Sequence[Any]] = {
    "CHEMO": [
        "chemo", "chemotherapy", "chemo therapy", "chemo treatment", "chemo treatments", "chemo infusion",
        "chemo infusions", "kemo", "cancer treatment", "cancer treatments", "cancer drugs", "cancer medicine",
        "cisplatin", "carboplatin", "oxaliplatin", "paclitaxel", "taxol", "docetaxel", "taxotere", "vincristine",
        "vinblastine", "bortezomib", "velcade", "thalidomide", "folfox", "folfirinox", "platinum",
        [{"NORM": {"REGEX": r"^chemo\w*$"}}],
    ],
    "CIPN": ["cipn", "chemo induced", "chemotherapy induced", "chemo - induced", "chemotherapy - induced",
             "chemo related", "chemo - related"],
    "CANCER": [
        "cancer", "cancers", "tumor", "tumors", "tumour", "tumours", "malignancy", "malignant", "lymphoma",
        "leukemia", "leukaemia", "myeloma", "carcinoma", "sarcoma", "melanoma", "metastatic", "metastasis",
        "hodgkin", "hodgkins", "non hodgkin",
    ],
    "INFECTION": [
        "infection", "infections", "infected", "sepsis", "septic", "cellulitis", "abscess", "osteomyelitis",
        "pneumonia", "uti", "utis", "bladder infection", "urinary tract infection", "covid", "flu", "strep",
        "bacterial", "viral", "fungal", "mrsa",
    ],
    "DIABETES": [
        "diabetes", "diabetic", "diabetics", "sugar diabetes",
        [{"NORM": "type"}, {"NORM": {"IN": ["1", "2", "one", "two", "ii"]}}],
        "t1d", "t2d", "t2dm", "t1dm", "dm2", "dm1", "t2 dm", "iddm", "niddm",
    ],
    # names diabetes as a cause ("from high blood sugar"), but is not a diagnosis of diabetes
    "SUGAR": ["sugar", "sugars", "blood sugar", "high sugar", "high blood sugar", "glucose", "high glucose"],
    "PREDIABETES": ["prediabetes", "prediabetic", "pre diabetes", "pre diabetic", "pre - diabetes",
                    "pre - diabetic", "borderline diabetic", "borderline diabetes"],
    "A1C": ["a1c", "a1c level", "a1c result", "a1c test"],
    "NEURO": [
        "neuropathy", "neuropathies", "polyneuropathy", "peripheral neuropathy", "nerve pain", "nerve damage",
        "nerve problem", "nerve problems", "nerve issues", "nerve issue", "numbness", "numb", "tingling",
        "burning", "pins and needles", "symptoms", "symptom",
    ],
    "AUTOIMMUNE": [
        "autoimmune", "auto immune", "auto - immune", "inflammatory", "cidp", "guillain barre",
        "guillain - barre", "guillain barré", "gbs", "lupus", "sjogren", "sjogrens", "sjögren", "vasculitis",
        "rheumatoid", "sarcoidosis", "sarcoid", "immune system", "immune", "chronic inflammatory demyelinating",
        "demyelinating",
    ],
    "IDIOPATHIC": [
        "idiopathic", "cryptogenic", "no known cause", "unknown cause", "cause unknown", "cause is unknown",
        "no cause", "no clear cause", "no obvious cause", "no reason", "unexplained", "no known reason",
        "never found a cause", "never found the cause", "never found out why", "could not find a cause",
        "could not find the cause", "can not find a cause", "no one knows why", "nobody knows why",
        "no one knows", "nobody knows", "unknown origin", "unknown reason", "unknown",
    ],
    "COMPRESSIVE": [
        "carpal tunnel", "tarsal tunnel", "cubital tunnel", "pinched nerve", "pinched nerves", "pinched",
        "compressed nerve", "compressed", "nerve compression", "compression", "compressive", "squeezed nerve",
        "squeezed", "entrapment", "entrapped", "stenosis", "spinal stenosis", "herniated disc", "herniated disk",
        "slipped disc", "bulging disc", "sciatica", "structural", "decompression", "pressure on the nerve",
        "pressure on a nerve", "pressure on my nerve",
    ],
    "SURGERY": ["surgery", "surgeries", "operation", "operate", "release surgery", "surgical"],
    "OTHER_CAUSE": [
        "alcohol", "alcoholic", "drinking", "hereditary", "genetic", "inherited", "cmt", "charcot marie tooth",
        "charcot - marie - tooth", "b12", "vitamin", "deficiency", "kidney", "kidneys", "hiv", "thyroid", "lyme",
        "toxin", "toxins", "toxic", "injury", "trauma", "accident", "shingles", "statin", "statins",
        "something else", "other",
    ],
    "TEST": [
        "nerve conduction", "nerve conduction study", "nerve conduction test", "ncs", "ncv", "emg", "emgs",
        "electromyography", "electromyogram", "nerve test", "nerve tests", "nerve testing", "nerve study",
        "nerve studies", "skin biopsy", "punch biopsy", "biopsy", "qst", "quantitative sensory testing",
        "sensory test", "sensory testing",
    ],
    "DIAGNOSED": ["diagnosed", "diagnosis", "diagnose", "confirmed", "dx", "dxd", "neurologist confirmed"],
    "PLAN_STRONG": [
        "plan", "plans", "management plan", "treatment plan", "diabetes plan", "endocrinologist", "endo",
        "metformin", "insulin", "ozempic", "mounjaro", "jardiance", "trulicity", "glipizide", "januvia",
        "farxiga", "victoza", "diabetes educator", "cgm", "glucose monitor", "under control", "well controlled",
        "controlled", "managed", "managing", "manage", "management", "monitoring", "monitor",
    ],
    # care that is not for diabetes ("pain management")
    "OTHER_CARE": ["pain management", "pain clinic", "pain doctor", "pain specialist", "pain medicine",
                   "pain meds", "pain medication"],
    "PLAN_WEAK": [
        "diet", "exercise", "check ups", "check - ups", "checkups", "check up", "check - up", "doctor",
        "my doctor", "medication", "medications", "medicine", "medicines", "meds", "pills", "nutritionist",
        "dietitian", "dietician", "primary care", "pcp", "regular visits", "watch what i eat",
        "watching what i eat", "eat better", "eating better", "eat healthy", "eating healthy", "low carb",
        "cut out sugar", "cutting out sugar", "cut back on sugar", "walking", "lose weight", "losing weight",
    ],
}

# The label(s) each yes/no slot reads, and what each kind of context means
# for it. Order of precedence (first wins): uncertain, resolved, negated,
# current/affirmed, future, historical; no modifier at all = "bare".
_YES_NO: Dict[str, Dict[str, Any]] = {
    "ps_chemo_active": {"labels": ("CHEMO",), "RESOLVED": "no", "FUTURE": "yes", "HISTORICAL": "no"},
    "ps_infection": {"labels": ("INFECTION",), "RESOLVED": "no", "FUTURE": "unsure", "HISTORICAL": "no"},
    "ps_cancer": {"labels": ("CANCER",), "RESOLVED": "no", "FUTURE": "yes", "HISTORICAL": "no"},
    "ps_diagnosis": {"labels": ("TEST", "DIAGNOSED"), "RESOLVED": "yes", "FUTURE": "no", "HISTORICAL": "yes"},
    "ps_diabetes": {"labels": ("DIABETES", "PREDIABETES"), "RESOLVED": "unsure", "FUTURE": "unsure",
                    "HISTORICAL": "yes"},
    "ps_a1c_plan": {"labels": ("PLAN_STRONG", "PLAN_WEAK"), "RESOLVED": "no", "FUTURE": "unsure",
                    "HISTORICAL": "no"},
    "ps_compressive": {"labels": ("COMPRESSIVE", "SURGERY"), "RESOLVED": "no", "FUTURE": "yes",
                       "HISTORICAL": "no", "NEED": "yes"},
}

# Which ps_type a target label names.
_TYPE_OF_LABEL = {
    "DIABETES": "diabetic", "SUGAR": "diabetic", "CHEMO": "chemo", "CIPN": "chemo", "AUTOIMMUNE": "autoimmune",
    "IDIOPATHIC": "idiopathic", "COMPRESSIVE": "compressive", "OTHER_CAUSE": "other",
}
# Names that are a neuropathy type in themselves (no "neuropathy" word needed).
_SELF_NAMING = {"CIPN", "IDIOPATHIC"}
_SELF_NAMING_PHRASES = {"cidp", "gbs", "guillain barre", "guillain - barre", "guillain barré",
                        "chronic inflammatory demyelinating", "carpal tunnel", "tarsal tunnel", "cubital tunnel"}

_NUMBERISH = {"NORM": {"REGEX": r"^(\d+(\.\d+)?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|"
                                r"eleven|twelve|fifteen|twenty|thirty|forty|fifty|few|several|many|couple)$"}}
_TIME_UNIT = {"NORM": {"REGEX": r"^(years?|yrs?|months?|weeks?|days?|decades?)$"}}

# ConText modifiers: (category, direction, phrases, options). Categories:
# NEGATED_EXISTENCE, POSSIBLE_EXISTENCE (uncertain), HISTORICAL, HYPOTHETICAL,
# FAMILY are medspaCy's; RESOLVED (finished, in remission, cleared),
# CURRENT (still, right now), AFFIRM (yes), FUTURE (will, next week) are ours.
# "Over now" words, and which mentions each one can close: finishing chemo
# says nothing about the cancer, "in remission" nothing about the chemo.
_CHEMO_LIKE = frozenset({"CHEMO", "CIPN", "PLAN_STRONG", "PLAN_WEAK", "TEST", "SURGERY"})
_RESOLVED: Dict[str, frozenset] = {
    **{p: _CHEMO_LIKE for p in ("finish", "complete", "ended", "end of", "stopped", "quit", "last round",
                                "last dose", "last treatment", "wrapped up", "post", "all done")},
    **{p: _CHEMO_LIKE | {"INFECTION"} for p in ("finished", "completed")},
    **{p: _CHEMO_LIKE | {"INFECTION", "CANCER"} for p in ("done", "over", "behind me", "no longer")},
    **{p: frozenset({"CANCER"}) for p in ("beat", "beat it", "survivor",
                                          "all clear", "ned", "no evidence of disease", "clean scan",
                                          "clean scans", "clean", "treated", "removed", "got rid of")},
    **{p: frozenset({"CANCER", "DIABETES"}) for p in ("remission", "in remission", "cured")},
    **{p: frozenset({"INFECTION", "CANCER"}) for p in ("clear", "went away", "gone away")},
    **{p: frozenset({"INFECTION", "CANCER", "DIABETES"}) for p in ("gone",)},
    **{p: frozenset({"INFECTION"}) for p in ("cleared", "cleared up", "healed", "resolved", "got better",
                                              "better now")},
    **{p: frozenset({"DIABETES"}) for p in ("reversed",)},
}
_SELF = ["i", "me", "my", "myself", "it", "its", "mine"]  # single words: a longer phrase would hide others
_CONTEXT: List[Tuple[str, str, Sequence[Any], Dict[str, Any]]] = [
    ("NEGATED_EXISTENCE", "FORWARD", [
        "no", "not", "never", "none", "nope", "nah", "naw", "without", "negative for", "free of", "deny",
        "denies", "zero", "neither", "nor", "not any", "never had", "have not had", "has not had",
        "do not have", "does not have", "did not have", "no more", "not on",
        "not currently", "not right now", "not at the moment", "not anymore", "not really", "do not think",
        "do not believe", "not that i know of", "not to my knowledge", "n", "i am fine", "all good",
        "i am good", "i am healthy", "healthy", "i am ok", "i am okay", "nobody", "no one", "no - one",
        "nothing", "nothing like that",
    ], {"max_scope": 6, "terminated_by": {"SELF", "COMMA"}}),
    ("NEGATED_EXISTENCE", "BACKWARD", [
        "free", "negative", "normal", "came back normal", "were normal", "was normal", "anymore", "any more",
    ], {"max_scope": 5}),
    ("POSSIBLE_EXISTENCE", "BIDIRECTIONAL", [
        "not sure", "unsure", "uncertain", "not certain", "do not know", "dunno", "no idea", "idk", "maybe",
        "might", "perhaps", "possibly", "possible", "probably", "likely", "could be", "think", "i think",
        "i guess", "guess", "suspect", "wondering", "worried", "concerned", "not 100 %", "can not remember",
        "do not remember", "can not recall", "do not recall", "hard to say", "who knows", "unclear",
        "kind of", "sort of", "waiting for", "waiting on", "pending", "working on it", "inconclusive", "borderline", "not positive", "no clue",
        [{"NORM": "may"}, {"NORM": {"IN": ["be", "have", "not", "still", "get"]}}],
    ], {}),
    ("AFFIRM", "BIDIRECTIONAL", [
        "yes", "yeah", "yep", "yup", "ya", "yea", "yah", "yess", "yesss", "ye", "sure", "correct", "affirmative",
        "definitely", "absolutely", "of course", "indeed", "i think so", "i believe so", "uh huh", "true",
        "y", "positive", "that is right", "right", "yes please", "diagnosed with", "showed", "shows",
        "confirmed it", "found",
        [{"NORM": {"REGEX": r"^y+e+[sa]+h*$"}}],
    ], {}),
    ("CURRENT", "BIDIRECTIONAL", [
        "still", "currently", "right now", "at the moment", "at present", "presently", "ongoing", "active",
        "actively", "getting", "receiving", "undergoing", "going through", "in the middle of", "middle of",
        "halfway through", "half way through", "cycles", "cycle", "rounds", "weekly", "every week",
        "being treated", "being treated for", "treating", "taking antibiotics", "on antibiotics", "antibiotics",
        "not finished", "not done", "have not finished", "has not finished", "not yet finished", "not over",
        "not in remission", "out of remission", "came back", "come back", "returned", "recurrence", "relapse",
        "relapsed", "spread", "spreading", "have it", "has it", "these days", "nowadays", "battling", "fighting",
        "now on", "on it", "in treatment", "almost gone", "nearly gone", "almost over", "nearly over",
        "almost done", "nearly done", "almost finished", "nearly finished", "clearing up", "getting better",
        "not gone", "not cleared", "not healed",
        [{"NORM": "every"}, {"LIKE_NUM": True, "OP": "?"}, {"NORM": {"REGEX": r"^(weeks?|days?|months?)$"}}],
        [{"NORM": "every"}, {"NORM": {"IN": ["two", "three", "four", "other"]}}],
    ], {"max_targets": 1}),
    ("CURRENT", "FORWARD", ["on", "am on", "i am on", "i still have"], {"max_scope": 3, "max_targets": 1}),
    # plain possession: weaker than a date ("I have an EMG next week")
    ("POSSESS", "FORWARD", ["i have", "i have got", "i got", "have got", "i do have"],
     {"max_scope": 3, "max_targets": 1}),
    # "may need surgery": exactly what the pinched-nerve question asks; elsewhere a maybe
    ("NEED", "BIDIRECTIONAL", [
        "may need", "might need", "could need", "may require", "might require", "recommended", "recommend",
        "suggested", "want to operate", "wants to operate", "talking about surgery", "needs", "need",
    ], {}),
    ("FUTURE", "BIDIRECTIONAL", [
        "going to", "gonna", "will", "scheduled", "next week", "next month", "next year", "soon", "about to",
        "start", "starting", "begin", "beginning", "planned", "planning", "upcoming", "due to start",
        "waiting to start", "booked", "set up for",
    ], {}),
    *[("RESOLVED", "BIDIRECTIONAL", [phrase], {"allowed_types": types})
      for phrase, types in _RESOLVED.items()],
    ("HISTORICAL", "BIDIRECTIONAL", [
        "had", "was", "were", "used to", "history of", "hx of", "past", "former", "formerly", "prior",
        "previous", "previously", "in the past", "back in", "years back", "long ago", "a while ago",
        "as a child", "last year", "last month", "last spring", "last summer", "last fall",
        "last autumn", "last winter", "earlier this year",
        [_NUMBERISH, _TIME_UNIT, {"NORM": "ago"}],
        [{"NORM": "ago"}],
        [{"NORM": "in"}, {"SHAPE": "dddd"}],
        [{"NORM": {"IN": ["in", "since"]}},
         {"NORM": {"IN": ["january", "february", "march", "april", "june", "july", "august", "september",
                          "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
                          "sep", "sept", "oct", "nov", "dec", "spring", "summer", "fall", "autumn", "winter"]}}],
    ], {}),
    # Present perfect ("I've had neuropathy for years") is not the past: swallow "had".
    ("PSEUDO_PERFECT", "PSEUDO", ["have had", "has had", "have been", "has been", "been having"], {}),
    # not a relative: "my family doctor"
    ("PSEUDO_FAMILY", "PSEUDO", ["family doctor", "family physician", "family practitioner", "family medicine",
                                 "family practice", "family dr"], {}),
    ("HYPOTHETICAL", "FORWARD", [
        "if", "what if", "in case", "would", "could i", "can i", "should i", "will i", "do i", "whether",
        "suppose", "supposing", "assuming", "does this", "does it", "do you", "is it", "is this", "can it",
        "will this", "will it", "for people with", "what about", "how about", "people with", "someone with",
        "patients with", "anyone with", "those with", "work for", "help with", "risk of", "chance of",
    ], {"terminated_by": {"COMMA"}, "max_scope": 10}),
    ("FAMILY", "BIDIRECTIONAL", [
        "mother", "mom", "mum", "mommy", "mama", "father", "dad", "daddy", "papa", "sister", "brother",
        "sibling", "siblings", "aunt", "uncle", "grandmother", "grandma", "granny", "grandfather", "grandpa",
        "cousin", "wife", "husband", "spouse", "partner", "son", "daughter", "child", "children", "kids", "kid",
        "family", "parents", "parent", "friend", "friends", "neighbor", "neighbour", "niece", "nephew",
        "relative", "relatives", "in my family", "runs in my family", "runs in the family", "family history",
        "boyfriend", "girlfriend", "fiance", "fiancee", "coworker", "colleague",
    ], {"terminated_by": {"SELF", "COMMA"}}),
    ("SELF", "PSEUDO", _SELF, {}),
    ("COMMA", "PSEUDO", [",", "and i", "and my"], {}),
    ("TERMINATE", "TERMINATE", [
        "but", "however", "although", "though", "except", "whereas", "yet", ";", "because", "other than",
        "apart from", "aside from",
    ], {}),
]

# Words fixed before matching (common misspellings seen in chat).
_TYPOS = {
    "therpy": "therapy", "theraphy": "therapy", "thearpy": "therapy", "therapie": "therapy",
    "diabetis": "diabetes", "diabeties": "diabetes", "diabetus": "diabetes", "diabets": "diabetes",
    "diabites": "diabetes", "diebetes": "diabetes", "diabeetus": "diabetes", "diabettes": "diabetes",
    "diabetas": "diabetes", "diabeetes": "diabetes", "diebetic": "diabetic", "diabetc": "diabetic",
    "kemo": "chemo", "chemmo": "chemo", "chem0": "chemo", "canser": "cancer", "cancor": "cancer",
    "cancr": "cancer", "cancir": "cancer", "tumer": "tumor", "infecton": "infection", "infektion": "infection",
    "remision": "remission", "remmission": "remission", "remmision": "remission", "nueropathy": "neuropathy", "neuropahty": "neuropathy",
    "neropathy": "neuropathy", "nuropathy": "neuropathy", "neuropaty": "neuropathy", "yrs": "years",
    "yr": "year", "mos": "months", "mths": "months", "wks": "weeks", "prolly": "probably", "dunno": "dunno",
    "nope": "nope", "ya": "ya", "yeh": "yeah", "shure": "sure", "biopsie": "biopsy", "bioposy": "biopsy",
    "emgs": "emg", "insuline": "insulin", "metphormin": "metformin", "endo's": "endo",
}
# Long words worth fixing by spelling distance, and real words that are close
# to them but must stay as they are.
_FUZZY_VOCAB = (
    "chemotherapy", "therapy", "diabetes", "diabetic", "infection", "infections", "remission", "neuropathy",
    "metformin", "insulin", "lymphoma", "leukemia", "oncologist", "endocrinologist", "idiopathic",
    "autoimmune", "inflammatory", "compression", "decompression", "diagnosed", "diagnosis", "conduction",
    "tingling", "numbness", "sciatica", "stenosis", "electromyography", "polyneuropathy", "prediabetes",
    "prediabetic", "antibiotics", "malignancy", "carcinoma", "myeloma", "melanoma",
)
_FUZZY_KEEP = frozenset({
    "injection", "injections", "inflation", "inflection", "condition", "conditions", "infusion", "infusions",
    "permission", "admission", "emission", "omission", "diabolic", "therapies", "theory", "reduction",
    "induction", "deduction", "production", "insulting", "tickling", "trickling", "stenosis", "diagnoses",
    "affection", "inspection", "infectious", "inflammation", "remissions", "numbers", "remission",
})

_WORD_NUMBERS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12,
}
_MONTHS = {m: i + 1 for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"])}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_SEASONS = {"spring": 4, "summer": 7, "fall": 10, "autumn": 10, "winter": 1}

# Replies that mean "I don't know".
_UNSURE_RE = re.compile(
    r"\b(not sure|unsure|no idea|dunno|idk|i don'?t know|i do not know|don'?t know|do not know|not certain|"
    r"can'?t remember|cannot remember|don'?t remember|do not remember|can'?t recall|don'?t recall|no clue|"
    r"uncertain|who knows|hard to say|not a clue|never (been )?(checked|tested)|haven'?t (been )?"
    r"(checked|tested)|(never|not|haven'?t) (had|gotten|got) (it|one|that|them) (checked|tested|done)|"
    r"not known|unknown|forgot|forget)\b|^\s*\?+\s*$", re.I)
_QUESTION_START = re.compile(
    r"^\s*(what|why|how|who|where|when|which|is|are|can|could|would|will|should|do|does|did|may)\b", re.I)
_DOCTORS_DONT_KNOW = re.compile(
    r"\b(doctors?|drs?|they|neurologists?|specialists?|nobody|no one|no-one|physicians?)\b[^.?!]{0,25}?"
    r"\b(don'?t|do not|doesn'?t|does not|didn'?t|did not|couldn'?t|could not|can'?t|cannot|never|haven'?t|"
    r"have not|hasn'?t|has not|aren'?t|"
    r"are not|weren'?t|were not)\b[^.?!]{0,20}?\b(know|find|found|figure[sd]?|sure|determine[sd]?|explain)",
    re.I)

_CONSENT_YES = re.compile(
    r"\b(yes|yeah|yep|yup|yea|sure|ok|okay|alright|all right|go ahead|go for it|let'?s (go|start|begin|do)|"
    r"start|begin|of course|absolutely|definitely|sounds good|why not|i agree|agree|ready|proceed|continue|"
    r"i consent|happy to|fine by me|don'?t mind|do not mind|no problem|not a problem)\b|^\s*(y|ya|k|fine|please|go|good|great|i do|do it)\s*[.!]*\s*$", re.I)
_CONSENT_NO = re.compile(
    r"\b(no|nope|nah|not|later|skip|stop|cancel|rather not|don'?t|do not|never ?mind|no thanks?|"
    r"not interested|i'?ll pass|pass|another time)\b", re.I)
_CONSENT_NEUTRAL = re.compile(r"\b(no problem|not a problem|no worries|why not|no time like the present|"
                              r"don'?t mind|do not mind|not at all)\b", re.I)


# ---------------------------------------------------------------------------
# Text clean-up


_A1C_RE = re.compile(
    r"\b(?:(?:h(?:a?e)?moglobin|hb|hgb)\s*-?\s*)?a\s*-?\s*1\s*-?\s*c(?:'?s)?\b|\bglyc(?:at|osylat)ed\s+h(?:a?e)?"
    r"moglobin\b|\bhba1c\b", re.I)
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z']*")


def _edit_distance_at_most(a: str, b: str, limit: int) -> bool:
    """Optimal string alignment distance (typos incl. swapped letters) <= limit."""
    if abs(len(a) - len(b)) > limit:
        return False
    prev2: List[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return False
        prev2, prev = prev, cur
    return prev[-1] <= limit


@functools.lru_cache(maxsize=4096)
def _fix_word(word: str) -> str:
    low = word.lower()
    if low in _TYPOS:
        return _TYPOS[low]
    if len(low) < 7 or low in _FUZZY_KEEP or low in _FUZZY_VOCAB:
        return word
    limit = 1 if len(low) <= 10 else 2
    for target in _FUZZY_VOCAB:
        if target[0] == low[0] and _edit_distance_at_most(low, target, limit):
            return target
    return word


def _normalize(text: str) -> str:
    """Straight quotes, one spelling of A1c, common typos fixed."""
    t = (text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
         .replace("\u2013", "-").replace("\u2014", "-").replace("\u00a0", " "))
    t = _A1C_RE.sub("a1c", t)
    t = _WORD_RE.sub(lambda m: _fix_word(m.group(0)), t)
    return re.sub(r"\s+", " ", t).strip()


def _numberize(text: str) -> str:
    """Lower-case text with number words as digits: "two and a half years" -> "2.5 years"."""
    t = " " + text.lower() + " "
    t = re.sub(r"(\d),(\d)(?!\d)", r"\1.\2", t)          # 9,8 -> 9.8 (decimal comma)
    t = re.sub(r"(\d),(\d{3})\b", r"\1\2", t)            # 1,000 -> 1000
    tens = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
    ones = "one|two|three|four|five|six|seven|eight|nine"
    t = re.sub(rf"\b({tens})[\s-]+({ones})\b",
               lambda m: str(_WORD_NUMBERS[m.group(1)] + _WORD_NUMBERS[m.group(2)]), t)
    t = re.sub(r"\b(" + "|".join(_WORD_NUMBERS) + r")\b", lambda m: str(_WORD_NUMBERS[m.group(1)]), t)
    t = re.sub(r"\b(\d+)\s+point\s+(\d+)\b", r"\1.\2", t)
    t = re.sub(r"\b(?:a|an|1)\s+(year|month|decade)\s+and\s+a\s+half\b", r"1.5 \1s", t)
    t = re.sub(r"\b(\d+)\s+(years?|months?|decades?)\s+and\s+a\s+half\b",
               lambda m: f"{int(m.group(1)) + 0.5:g} {m.group(2)}", t)
    t = re.sub(r"\b(\d+)\s+and\s+an?\s+half\b", lambda m: f"{int(m.group(1)) + 0.5:g}", t)
    t = re.sub(r"\b(\d+)\s+1/2\b", lambda m: f"{int(m.group(1)) + 0.5:g}", t)
    t = re.sub(r"\bhalf\s+an?\s+(year|decade)\b", r"0.5 \1", t)
    t = re.sub(r"\ban?\s+half\s+(year|decade)\b", r"0.5 \1", t)
    t = re.sub(r"\b(?:a|an)\s+(year|month|week|day|decade)\b", r"1 \1", t)
    t = re.sub(r"\ba\s+couple(?:\s+of)?\b", "2", t)
    return re.sub(r"\s+", " ", t).strip()


# ---------------------------------------------------------------------------
# The spaCy pipeline (built once, on first use)


_nlp_lock = threading.Lock()
_nlp_cache: List[Any] = []


def get_nlp() -> Any:
    """The shared rule pipeline; built on the first call (about half a second)."""
    if _nlp_cache:
        return _nlp_cache[0]
    with _nlp_lock:
        if not _nlp_cache:
            _nlp_cache.append(_build_nlp())
    return _nlp_cache[0]


def _build_nlp() -> Any:
    import spacy
    # importing these also registers the medspacy_* pipeline factories
    from medspacy.context import ConTextRule
    from medspacy.target_matcher import TargetRule

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    matcher = nlp.add_pipe("medspacy_target_matcher", config={"phrase_matcher_attr": "NORM"})
    target_rules = []
    for label, phrases in _TARGETS.items():
        for phrase in phrases:
            if isinstance(phrase, str):
                target_rules.append(TargetRule(phrase, label))
            else:
                target_rules.append(TargetRule(f"{label.lower()} pattern", label, pattern=phrase))
    matcher.add(target_rules)
    context = nlp.add_pipe("medspacy_context", config={"rules": None, "phrase_matcher_attr": "NORM"})
    context_rules = []
    for category, direction, phrases, options in _CONTEXT:
        for phrase in phrases:
            kwargs = dict(options)
            for key in ("terminated_by", "allowed_types"):
                if key in kwargs:
                    kwargs[key] = set(kwargs[key])
            if isinstance(phrase, str):
                context_rules.append(ConTextRule(phrase, category, direction=direction, **kwargs))
            else:
                context_rules.append(ConTextRule(f"{category.lower()} pattern", category, pattern=phrase,
                                                 direction=direction, **kwargs))
    context.add(context_rules)
    return nlp


# ---------------------------------------------------------------------------
# Reading mentions


@dataclass(frozen=True)
class _Mention:
    label: str
    start: int
    end: int
    text: str
    categories: frozenset
    sent: int


def _analyse(text: str) -> Tuple[Any, List[_Mention], List[set]]:
    """Mentions with their context, and the categories of free modifiers
    (those that modify no mention: "yes", "nope", "still every week") per sentence."""
    doc = get_nlp()(text)
    sent_index = {s.start: i for i, s in enumerate(doc.sents)}
    mentions = []
    for ent in doc.ents:
        cats = frozenset(m.category for m in ent._.modifiers)
        mentions.append(_Mention(ent.label_, ent.start, ent.end, ent.text.lower(), cats,
                                 sent_index.get(ent.sent.start, 0)))
    free: List[set] = [set() for _ in sent_index]
    graph = doc._.context_graph
    for modifier in getattr(graph, "modifiers", []) or []:
        if modifier.num_targets == 0 and modifier.direction not in ("PSEUDO", "TERMINATE"):
            start = modifier.modifier_span[0]
            free[sent_index.get(doc[start].sent.start, 0)].add(modifier.category)
    return doc, mentions, free


_IGNORED = {"FAMILY", "HYPOTHETICAL"}


def _status(categories: Iterable[str], meaning: Mapping[str, Any], bare: Optional[str]) -> Optional[str]:
    """yes / no / unsure from a set of ConText categories (None: nothing said)."""
    cats = set(categories)
    if cats & _IGNORED:
        return None
    if "POSSIBLE_EXISTENCE" in cats:
        return "unsure"
    if "RESOLVED" in cats:
        return meaning.get("RESOLVED", "no")
    if "NEGATED_EXISTENCE" in cats:
        return "no"
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


def _combine(values: List[str]) -> Optional[str]:
    """One answer from several mentions: agreement, else "unsure"."""
    distinct = list(dict.fromkeys(v for v in values if v))
    if not distinct:
        return None
    return distinct[0] if len(distinct) == 1 else "unsure"


def _looks_like_question(text: str) -> bool:
    """A question back ("why do you ask?"), not a hesitant answer ("not sure?")."""
    if _QUESTION_START.match(text):
        return True
    return text.rstrip().endswith("?") and len(re.findall(r"\w+", text)) >= 4


# ---------------------------------------------------------------------------
# parse_answer


def parse_answer(slot: str, text: Optional[str], today: Optional[date] = None,
                 spec: Optional[Mapping[str, Any]] = None) -> Answer:
    """Read the visitor's reply to the question for `slot`.

    Args:
        slot: a pre-screen slot (docs/ARCHITECTURE.md).
        text: the reply as typed (or a button title).
        today: the date "since 2019" is counted to; defaults to today.
        spec: prescreen.yml as a dict, for its button titles; defaults to
            content/prescreen.yml.
    """
    if slot not in _PARSERS:
        raise ValueError(f"unknown pre-screen slot {slot!r}")
    raw = str(text or "").strip()
    if not re.search(r"[A-Za-z0-9]", raw):
        return Answer("none", None, "empty")
    button = _button_value(slot, raw, spec)
    if button is not None:
        return _ok(button)
    norm = _normalize(raw)
    answer = _PARSERS[slot](raw, norm, today or date.today())
    if answer.status == "invalid" and answer.reason in ("unclear", "no_number", "vague") \
            and _looks_like_question(raw):
        return Answer("none", None, "question")
    return answer


def _button_value(slot: str, text: str, spec: Optional[Mapping[str, Any]]) -> Any:
    if spec is None:
        try:
            from actions.prescreen.criteria import load_spec
            spec = load_spec()
        except Exception:  # noqa: BLE001 - a broken file must not stop free-text reading
            return None
    wanted = re.sub(r"\s+", " ", text).strip().lower()
    for q in spec.get("questions") or []:
        if isinstance(q, Mapping) and q.get("slot") == slot:
            for b in q.get("buttons") or []:
                if isinstance(b, Mapping) and "value" in b and \
                        re.sub(r"\s+", " ", str(b.get("title", ""))).strip().lower() == wanted:
                    return b["value"]
    return None


def _parse_consent(raw: str, norm: str, today: date) -> Answer:
    low = norm.lower()
    t = _CONSENT_NEUTRAL.sub(" ", low)  # "no problem" is not a no
    if _UNSURE_RE.search(t) or re.search(r"\b(maybe|perhaps|not sure)\b", t):
        return _invalid("unsure")
    no = bool(_CONSENT_NO.search(t))
    yes = bool(_CONSENT_YES.search(low))
    if no and not yes:
        return _ok("no")
    if yes and not no:
        return _ok("yes")
    return _invalid("conflict" if yes and no else "unclear")


# Replies that mean no for one question only.
_EXTRA_NO = {
    # diagnosed from symptoms or an exam, with no nerve test
    "ps_diagnosis": re.compile(r"\b(based on|from|just|only)\s+(my\s+|the\s+)?(symptoms|an? (physical )?exam|"
                               r"exam)\b|\bno (nerve )?tests?\b|\bwithout (a |any )?(nerve )?tests?\b|"
                               r"\b(just|only)\b[^.?!]{0,20}\b(gp|pcp|family doctor|doctor|physician)\b", re.I),
}
_SHORT_YES = re.compile(r"^\W*(yes\W*)?(i|we) (do|am|have|did|does)( (so|indeed|yes))?\W*$", re.I)
_SHORT_NO = re.compile(r"^\W*(no\W*)?(i|we) (do not|am not|have not|did not|don'?t|haven'?t|didn'?t|'?m not)\W*$",
                       re.I)


def _parse_yes_no(slot: str, raw: str, norm: str) -> Answer:
    cfg = _YES_NO[slot]
    if _SHORT_NO.match(norm) or (slot in _EXTRA_NO and _EXTRA_NO[slot].search(norm)):
        return _ok("no")
    if _SHORT_YES.match(norm):
        return _ok("yes")
    doc, mentions, free = _analyse(norm)
    asking = _looks_like_question(raw)
    # a bare mention in a question ("what counts as an infection?") says nothing
    bare = None if asking else "yes"
    own = [m for m in mentions if m.label in cfg["labels"]]
    values = []
    family_only = bool(own)
    for m in own:
        if m.categories & _IGNORED:
            continue
        family_only = False
        value = _status(m.categories, cfg, bare)
        if m.label == "PREDIABETES" and value == "yes":
            value = "no"
        values.append(value)
    value = _combine(values)
    if value is None and asking:
        return Answer("none", None, "question")
    if value is None:
        value = _status(set().union(*free) - _IGNORED if free else set(), cfg, None)
    if value is None and _hedged(doc, mentions):
        value = "unsure"
    if value is None and _UNSURE_RE.search(norm):
        value = "unsure"
    if value is not None:
        return _ok(value)
    return _invalid("other_person" if family_only else "unclear")


def _hedged(doc: Any, mentions: List[_Mention]) -> bool:
    """An "I'm not sure" / "waiting on results" anywhere, not about someone else."""
    others = {(m.start, m.end) for m in mentions if m.categories & _IGNORED}
    for modifier in doc._.context_graph.modifiers:
        if modifier.category == "POSSIBLE_EXISTENCE" and not any(
                (t.start, t.end) in others for t in modifier._targets):
            return True
    return False


def _parse_type(raw: str, norm: str, today: date) -> Answer:
    if _DOCTORS_DONT_KNOW.search(norm):
        return _ok("idiopathic")
    _, mentions, _free = _analyse(norm)
    hedged = bool(re.search(r"\b(not sure|unsure|no idea|don'?t know|do not know|dunno|not certain)\b", norm, re.I))
    for m in sorted(mentions, key=lambda m: m.start):
        kind = _TYPE_OF_LABEL.get(m.label)
        if hedged and "POSSIBLE_EXISTENCE" in m.categories:
            continue  # "not sure, maybe diabetes"
        if kind is None or m.categories & (_IGNORED | {"NEGATED_EXISTENCE"}):
            continue
        if kind == "idiopathic" and m.text == "unknown" and _UNSURE_RE.search(norm) and \
                not re.search(r"\bcause\b", norm, re.I):
            continue
        return _ok(kind)
    if re.search(r"\b(cancer|tumou?rs?|lymphoma|leuka?emia|myeloma)\b", norm, re.I):
        return _ok("chemo") if re.search(r"\b(treatment|drugs?|medicines?|meds)\b", norm, re.I) else _ok("other")
    if _UNSURE_RE.search(norm) or re.search(r"\b(maybe|not sure)\b", norm, re.I):
        return _ok("unsure")
    return _invalid("unclear")


_UNIT_YEARS = {"year": 1.0, "yr": 1.0, "y": 1.0, "month": 1 / 12, "mo": 1 / 12, "week": 1 / 52,
               "wk": 1 / 52, "day": 1 / 365, "decade": 10.0}
_UNIT_RE = r"(years?|yrs?|y|months?|mos?|weeks?|wks?|days?|decades?)"
_NUM = r"(\d+(?:\.\d+)?)"


def _unit_factor(unit: str) -> float:
    u = unit.rstrip("s") if unit not in ("mos",) else "mo"
    return _UNIT_YEARS.get(u, _UNIT_YEARS.get(unit, 1.0))


def _years_since(year: int, month: Optional[int], today: date) -> float:
    if month is None:
        return float(today.year - year)
    return (today.year - year) + (today.month - month) / 12


def _duration_value(years: float) -> Any:
    """A duration answer: years as a float (2 decimals); under a month is "lt1"."""
    if years < 1 / 12:
        return "lt1"
    return round(years, 2)


def _find_duration(t: str, today: date, bare_number: bool) -> Optional[Answer]:
    """Duration in numberized text `t`, or None when none is stated."""
    # "1-7 years", "between 2 and 3 years", "5 to 6 years"
    m = re.search(rf"(?:between\s+)?{_NUM}\s*(?:-|to|or)\s*{_NUM}\s*\+?\s*{_UNIT_RE}\b", t) or \
        re.search(rf"between\s+{_NUM}\s*and\s*{_NUM}\s*{_UNIT_RE}\b", t)
    if m:
        a, b = float(m.group(1)), float(m.group(2))
        f = _unit_factor(m.group(3))
        if (a * f, b * f) == (1.0, 7.0):
            return _ok("1to7")
        return _ok(_duration_value((a + b) / 2 * f))
    m = re.search(rf"\b(more than|over|longer than|at least|upwards of|past|beyond|greater than)\s+{_NUM}"
                  rf"\s*\+?\s*{_UNIT_RE}", t)
    if m:
        years = float(m.group(2)) * _unit_factor(m.group(3))
        return _ok("gt7" if years >= 7 else _duration_value(years))
    m = re.search(rf"\b(less than|under|within|not even|below|shorter than)\s+{_NUM}\s*{_UNIT_RE}", t)
    if m:
        years = float(m.group(2)) * _unit_factor(m.group(3))
        return _ok("lt1" if years <= 1 else _duration_value(years))
    if re.search(r"\b(less than|under|not even|within)\s+(?:a|1)\s+year\b", t):
        return _ok("lt1")
    if re.search(r"-\s*\d", t) and not re.search(r"\d\s*-\s*\d", t):
        return _invalid("negative")
    # "3 years and 6 months", "18 months", "6 months ago"
    parts = re.findall(rf"{_NUM}\s*\+?\s*{_UNIT_RE}\b", t)
    if parts:
        years = sum(float(n) * _unit_factor(u) for n, u in parts)
        if re.search(rf"{_NUM}\s*\+\s*{_UNIT_RE}", t) and years >= 7:
            return _ok("gt7")
        return _ok(_duration_value(years))
    # "since March 2019", "in 2019", "since 2019", "2019"
    m = re.search(r"\b(?:(january|february|march|april|may|june|july|august|september|october|november|"
                  r"december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec|spring|summer|fall|autumn|"
                  r"winter)\s+(?:of\s+)?)?((?:19|20)\d\d)\b", t)
    if m:
        year = int(m.group(2))
        word = m.group(1)
        month = _MONTHS.get(word) if word in _MONTHS else _SEASONS.get(word) if word else None
        if year > today.year or (year == today.year and month and month > today.month):
            return _invalid("out_of_range")
        years = _years_since(year, month, today)
        return _ok("lt1" if years < 1 and month is None else _duration_value(max(years, 0.0)))
    m = re.search(r"\bsince\s+(january|february|march|april|may|june|july|august|september|october|november|"
                  r"december|spring|summer|fall|autumn|winter)\b", t)
    if m:
        word = m.group(1)
        month = _MONTHS.get(word) or _SEASONS[word]
        months = (today.month - month) % 12 or 12
        return _ok(_duration_value(months / 12))
    m = re.search(r"\b(?:since\s+)?last\s+(spring|summer|fall|autumn|winter|" + "|".join(
        k for k in _MONTHS if len(k) > 3) + r")\b", t)
    if m:  # the latest one that has passed
        month = _SEASONS.get(m.group(1)) or _MONTHS[m.group(1)]
        months = (today.month - month) % 12 or 12
        return _ok(_duration_value(months / 12))
    if re.search(r"\b(since\s+)?last\s+year\b", t):
        return _ok(1.0)
    if re.search(r"\b(this year|earlier this year|few months|several months|couple months|few weeks|"
                 r"several weeks|few days|recently|just started|last month|weeks|months)\b", t):
        return _ok("lt1")
    if re.search(r"\b(decades|most of my life|all my life|my whole life|since i was a (kid|child))\b", t):
        return _ok("gt7")
    if re.search(r"\b(few|several|couple of|couple|some)\s+years\b", t):
        return _ok("1to7")
    if re.search(r"\bsince\s+(i was|age|my)\b", t):
        return _invalid("vague")
    if bare_number:
        m = re.fullmatch(r"(?:about|around|roughly|approximately|approx|maybe|~|almost|nearly|like|for)?\s*"
                         rf"{_NUM}\s*\+?\s*[.!]?", t)
        if m:
            return _ok(_duration_value(float(m.group(1))))
    return None


def _parse_duration(raw: str, norm: str, today: date) -> Answer:
    t = _numberize(norm)
    found = _find_duration(t, today, bare_number=True)
    if found is not None:
        if found.status == "ok" and isinstance(found.value, float) and found.value > 90:
            return _invalid("out_of_range")
        return found
    if _UNSURE_RE.search(t) or re.search(r"\b(maybe|not sure)\b", t):
        return _ok("unsure")
    if re.search(r"\b(long time|many years|ages|forever|a while|years)\b", t):
        return _invalid("vague")
    if re.search(r"\d", t):
        return _invalid("out_of_range")
    return _invalid("unclear")


_A1C_LOW, _A1C_HIGH = 3.0, 20.0


def _find_a1c_number(t: str) -> Optional[Tuple[str, Any]]:
    """(kind, value) from numberized text; kind is ok | negative | out_of_range | bound."""
    t = re.sub(r"\btype\s*[12]\b|\bt[12]d?m?\b", " ", t)
    m = re.search(r"\b(not over|not above|no more than|no higher than|at most)\s*" + _NUM, t)
    if m:
        return ("bound", f"lte{float(m.group(2)):g}")
    m = re.search(r"\b(under|below|less than|lower than|<)\s*" + _NUM + r"\s*%?", t) or \
        re.search(r"(<)\s*" + _NUM, t)
    if m:
        return ("bound", f"lt{float(m.group(2)):g}")
    m = re.search(r"\b(over|above|more than|higher than|greater than|>)\s*" + _NUM + r"\s*%?", t) or \
        re.search(r"(>)\s*" + _NUM, t)
    if m:
        return ("bound", f"gt{float(m.group(2)):g}")
    m = re.search(_NUM + r"\s*%?\s*or\s*(less|lower|below|under)\b", t)
    if m:
        return ("bound", f"lte{float(m.group(1)):g}")
    m = re.search(_NUM + r"\s*%?\s*or\s*(more|higher|above|over)\b", t)
    if m:
        return ("bound", f"gte{float(m.group(1)):g}")
    numbers = []
    for mm in re.finditer(r"(?<![\w.])(-\s?)?(\d+(?:\.\d+)?)(\s*%)?", t):
        value, after = float(mm.group(2)), t[mm.end():]
        if mm.group(3) is None and ("." not in mm.group(2) and 1900 <= value <= 2100
                                    or re.match(r"\s*(years?|months?|weeks?|days?|ago|mg|units?|times|x)\b", after)):
            continue  # a year, a duration or a dose is not the result
        numbers.append((bool(mm.group(1)), value, mm.start(), bool(mm.group(3))))
    if not numbers:
        return None
    range_m = re.search(r"(?<![\w.])" + _NUM + r"\s*%?\s*(?:-|to)\s*" + _NUM, t) or \
        re.search(r"between\s+" + _NUM + r"\s*%?\s*and\s+" + _NUM, t)
    if range_m and len(numbers) == 2 and not numbers[1][0]:
        a, b = float(range_m.group(1)), float(range_m.group(2))
        return _check_a1c((a + b) / 2)
    # prefer a plausible result; with several, the one with "%" or right after "a1c"
    plausible = [n for n in numbers if not n[0] and _A1C_LOW <= n[1] <= _A1C_HIGH] or numbers
    with_pct = [n for n in plausible if n[3]]
    pick = with_pct[0] if with_pct else plausible[0]
    a1c_at = t.find("a1c")
    if not with_pct and a1c_at >= 0:
        after = [n for n in plausible if n[2] > a1c_at]
        pick = after[0] if after else pick
    if pick[0]:
        return ("negative", None)
    return _check_a1c(pick[1])


def _check_a1c(v: float) -> Tuple[str, Any]:
    if not _A1C_LOW <= v <= _A1C_HIGH:
        return ("out_of_range", None)
    return ("ok", round(v, 1))


def _parse_a1c(raw: str, norm: str, today: date) -> Answer:
    t = _numberize(norm)
    found = _find_a1c_number(t)
    if found is not None:
        kind, value = found
        return _ok(value) if kind in ("ok", "bound") else _invalid(kind)
    if _UNSURE_RE.search(t) or re.search(r"\b(maybe|not sure|no idea)\b", t):
        return _ok("unsure")
    return _invalid("no_number")


def _yes_no_parser(slot: str):
    def parse(raw: str, norm: str, today: date) -> Answer:
        return _parse_yes_no(slot, raw, norm)
    return parse


_PARSERS = {
    "ps_consent": _parse_consent,
    "ps_type": _parse_type,
    "ps_duration": _parse_duration,
    "ps_a1c": _parse_a1c,
    **{slot: _yes_no_parser(slot) for slot in _YES_NO},
}


# ---------------------------------------------------------------------------
# extract_facts


# Only these say "diabetes care" on their own ("pain management" does not).
_PLAN_FACTS = frozenset({
    "endocrinologist", "endo", "metformin", "insulin", "ozempic", "mounjaro", "jardiance", "trulicity", "glipizide",
    "januvia", "farxiga", "victoza", "diabetes educator", "cgm", "glucose monitor", "diabetes plan"})
_STRICT_STATUS = {"ps_chemo_active": "CHEMO", "ps_cancer": "CANCER", "ps_infection": "INFECTION"}
_CAUSE_BEFORE = re.compile(r"^\s*(?:-\s*)?(?:induced|related|caused|associated)?\s*$")
_CAUSE_AFTER_LINK = re.compile(
    r"\b(from|by|due to|because of|caused by|related to|after|result of|secondary to|brought on by|with)\b")
_CAUSE_VERB = re.compile(r"\b(caused|cause|causes|gave|led to|triggered|brought on|damaged)\b")
_NEURO_WORDS = re.compile(
    r"\b(neuropath\w*|polyneuropathy|nerve (pain|damage|problems?|issues?)|numbness|numb|tingling|burning|"
    r"pins and needles|symptoms?|cidp|cipn)\b", re.I)


def extract_facts(text: Optional[str], today: Optional[date] = None) -> Dict[str, Any]:
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
    norm = _normalize(raw)
    doc, mentions, _free = _analyse(norm)
    facts: Dict[str, Any] = {}

    def put(slot: str, values: List[Optional[str]]) -> None:
        value = _combine([v for v in values if v])
        if value is not None and value != "unsure":
            facts[slot] = value

    usable = [m for m in mentions if not m.categories & (_IGNORED | {"POSSIBLE_EXISTENCE"})]

    for slot, label in _STRICT_STATUS.items():
        cfg = _YES_NO[slot]
        values = []
        for m in usable:
            if m.label != label:
                continue
            cats = set(m.categories)
            if slot == "ps_cancer" and cats <= {"HISTORICAL"}:
                continue  # "I had cancer": still ask whether it is active now
            if slot == "ps_chemo_active" and cats == {"HISTORICAL"} and not _far_past(doc, m):
                continue  # "I had chemo": could be mid-course; ask
            values.append(_status(cats, cfg, None))
        put(slot, values)

    diabetes = [("no" if m.label == "PREDIABETES" else _status(m.categories, _YES_NO["ps_diabetes"], "yes"))
                for m in usable if m.label in ("DIABETES", "PREDIABETES")]
    put("ps_diabetes", diabetes)

    neuro_sents = {m.sent for m in usable if m.label in ("NEURO", "CIPN", "IDIOPATHIC")}
    neuro_sents |= {m.sent for m in usable if m.text in _SELF_NAMING_PHRASES}
    diagnosis = []
    for m in usable:
        if m.label == "TEST":
            st = _status(m.categories, _YES_NO["ps_diagnosis"], None if "FUTURE" in m.categories else "yes")
            diagnosis.append(None if "FUTURE" in m.categories else st)
        elif m.label == "DIAGNOSED" and m.sent in neuro_sents:
            diagnosis.append(_status(m.categories, _YES_NO["ps_diagnosis"], "yes"))
    put("ps_diagnosis", diagnosis)

    plan = [_status(m.categories, _YES_NO["ps_a1c_plan"], "yes") for m in usable if m.text in _PLAN_FACTS]
    put("ps_a1c_plan", plan)

    kind = _stated_type(doc, mentions)
    if kind:
        facts["ps_type"] = kind
        if kind == "diabetic":
            facts["ps_diabetes"] = "yes"

    a1c = _stated_a1c(norm, mentions)
    if a1c is not None:
        facts["ps_a1c"] = a1c  # an A1c alone does not say the visitor has diabetes

    duration = _stated_duration(norm, today)
    if duration is not None:
        facts["ps_duration"] = duration
    return facts


def _far_past(doc: Any, m: _Mention) -> bool:
    """"had chemo years ago / in 2019 / last year": clearly over."""
    sent = doc[m.start].sent.text.lower()
    return bool(re.search(r"\b(ago|last year|in (19|20)\d\d|years back|back in|long time ago|as a child)\b",
                          sent))


def _stated_type(doc: Any, mentions: List[_Mention]) -> Optional[str]:
    for m in sorted(mentions, key=lambda m: m.start):
        kind = _TYPE_OF_LABEL.get(m.label)
        if kind is None or kind == "other" and m.text in ("other", "something else"):
            continue
        if m.categories & (_IGNORED | {"NEGATED_EXISTENCE", "POSSIBLE_EXISTENCE"}):
            continue
        if m.label in _SELF_NAMING or m.text in _SELF_NAMING_PHRASES:
            if m.label == "IDIOPATHIC" and not _NEURO_WORDS.search(doc[m.start].sent.text):
                continue  # "unknown" alone is not a neuropathy cause
            return kind
        for n in mentions:
            if n.label != "NEURO" or n.sent != m.sent or n.categories & (_IGNORED | {"NEGATED_EXISTENCE"}):
                continue
            if m.end <= n.start:  # "diabetic neuropathy", "chemo caused my neuropathy"
                between = doc[m.end:n.start].text.lower()
                if _CAUSE_BEFORE.match(between) or (_CAUSE_VERB.search(between) and n.start - m.end <= 5):
                    return kind
            elif n.end <= m.start and m.start - n.end <= 6:  # "neuropathy from chemo"
                between = doc[n.end:m.start].text.lower()
                if _CAUSE_AFTER_LINK.search(between):
                    return kind
    return None


def _stated_a1c(norm: str, mentions: List[_Mention]) -> Optional[float]:
    a1c = [m for m in mentions if m.label == "A1C"]
    if not a1c or all(m.categories & (_IGNORED | {"POSSIBLE_EXISTENCE"}) for m in a1c):
        return None
    t = _numberize(norm)
    m = re.search(r"\ba1c\b[^.?!\d-]{0,30}?(-?\d+(?:\.\d+)?)(?!\s*(?:years?|months?|weeks?|days?|mg))", t)
    if not m or m.group(1).startswith("-"):
        return None
    v = float(m.group(1))
    return round(v, 1) if _A1C_LOW <= v <= _A1C_HIGH else None


_ONSET_WORDS = re.compile(r"\b(start\w*|began|begin\w*|onset|first|came on|develop\w*|had|got|diagnosed|"
                          r"noticed|appeared)\b", re.I)


def _stated_duration(norm: str, today: date) -> Any:
    """How long the neuropathy has lasted, when a clause about it says so."""
    for sentence in re.split(r"(?<=[.!?])\s+", norm):
        clauses = re.split(r",|;|\band\b|\bbut\b", sentence, flags=re.I)
        for clause in clauses:
            if not _NEURO_WORDS.search(clause) or re.search(r"\b(if|would|could i|can i)\b", clause, re.I):
                continue
            if not re.search(r"\b(for|since)\b", clause, re.I) and not (
                    re.search(r"\bago\b", clause, re.I) and _ONSET_WORDS.search(clause)):
                continue  # "my EMG showed it last year" dates the test, not the neuropathy
            t = _numberize(clause)
            found = _find_duration(t, today, bare_number=False)
            if found is None:
                m = re.search(rf"\bfor\s+(?:about|around|almost|nearly|over|like)?\s*{_NUM}\s*$", t.rstrip(" .!"))
                found = _ok(_duration_value(float(m.group(1)))) if m else None
            if found is not None and found.status == "ok" and not (isinstance(found.value, float) and
                                                                  found.value > 90):
                return found.value
    return None
