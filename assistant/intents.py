"""Read a message clause by clause: the intent to act on and the FAQ topics it asks.

The intent classifier (``TextModel``) is run once on the whole message and on
each clause. Rules for combining them, in plain words:

- Chit-chat intents (greet, thanks, goodbye, yes/no/not sure) count only when
  the whole message is that ("thanks!"), never when they come from one clause
  of a message that carries content ("hi, how much is it?" is a cost question).
- A clause that asks an FAQ question beats a statement ("I have diabetic
  neuropathy, does this work for me?" is a question about diabetic neuropathy,
  not a pre-screen answer).
- A clause that asks to be checked beats the facts told beside it ("Would my
  mom qualify? She's 78, chemo neuropathy" starts the pre-screen; the facts
  are offered to it).
- Up to ``MAX_TOPICS`` distinct FAQ topics are kept, in the order asked, so
  "how many sessions and how soon will I feel it?" gets both answers.
- A question that sits between two sections (the second reading at least
  ``CLOSE_RATIO`` as likely as the first: "I've had numb feet for 9 years, will
  it take longer?" is about duration and the timeline) gets both answers rather
  than a guess at one. On the dev sets this is about 3 messages in 100.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from assistant import contract
from assistant.clauses import is_question, parts, split_clauses
from assistant.normalise import normalise
from assistant.textmodel import TextModel

FAQ_PREFIX = contract.FAQ_INTENT_PREFIX
MAX_TOPICS = 2
#: A second FAQ reading at least this share of the first's probability is answered too.
CLOSE_RATIO = 0.5
#: Intents that only stand for the whole message, never for one clause of it.
CHITCHAT = contract.CHITCHAT_INTENTS
#: Asking to be checked for the therapy: it starts the pre-screen.
PRESCREEN = "start_prescreen"
#: The confidence given to a reading decided by ELIGIBILITY (above the fallback thresholds).
ELIGIBILITY_CONFIDENCE = 0.5
#: A question whether this person (the writer or someone they name) can have the therapy ("Am I
#: eligible if ...", "Is my papa suitable?", "¿Él es candidato?", "¿Mi caso entra?"): the
#: pre-screen answers it (after consent), whatever topic the facts beside it sound like. General
#: questions ("who is a good candidate?") name no one and keep their FAQ answer.
ELIGIBILITY = re.compile(
    r"\b(?:(?:am i|is (?:he|she|my \w+(?: \w+)?)|would (?:i|he|she|my \w+)|could (?:i|he|she|my \w+)|"
    r"can (?:i|he|she|my \w+)) (?:\w+ )?(?:be )?(?:eligible|a (?:good |strong )?candidate|suitable|"
    r"qualif(?:y|ied)|accepted|able to (?:do|have|get) (?:it|this|the (?:stem cells|treatment|therapy)))|"
    r"(?:soy|es|sere|seria|sera) (?:yo |el |ella |usted )?(?:un |una |buen |buena )?candidat[oa]|"
    r"(?:me|la|lo|le|nos) (?:aceptan|aceptarian|aceptaran|cogerian)|mi caso (?:entra|califica|aplica)|"
    r"(?:califico|califica|calificaria) (?:yo|el|ella|mi \w+)?|"
    r"(?:would|could|can|is|am) (?:i|he|she|my \w+) (?:even )?(?:be )?(?:considered|approved|accepted)|"
    r"(?:type|kind) of (?:person|patient) (?:you(?:d| would)? (?:accept|take|treat)|who qualifies)|"
    r"can (?:i|we) sign (?:up|him up|her up)|^sign (?:me|him|her|us|my \w+) up\b|"
    r"can (?:she|he) have (?:this|it)|is (?:he|she) (?:a )?candidate|"
    r"(?:ella|el|yo) puede o no|no califica|me pueden hacer (?:las celulas|el tratamiento|la terapia)|"
    r"puede aplicar|(?:la|lo|me) rechazan|entro en los que)\b"
)


def _eligibility_first(text: str, ranking: list[tuple[str, float]]) -> list[tuple[str, float]] | None:
    """``ranking`` with the pre-screen first when ``text`` asks whether someone can have the therapy."""
    if not ELIGIBILITY.search(normalise(text)):
        return None
    conf = max(ranking[0][1], ELIGIBILITY_CONFIDENCE)
    return [(PRESCREEN, conf)] + [r for r in ranking if r[0] != PRESCREEN]


@dataclass
class Reading:
    intent: str
    confidence: float
    ranking: list[tuple[str, float]]
    topics: list[str] = field(default_factory=list)
    clause: int = -1  # which clause decided the intent (-1: the whole message)

    def with_close_second(self, ratio: float = CLOSE_RATIO) -> Reading:
        """An FAQ reading of one topic, with the runner-up topic added when it is nearly as likely."""
        if len(self.topics) != 1 or not self.intent.startswith(FAQ_PREFIX) or len(self.ranking) < 2:
            return self
        (_, first), (second, p) = self.ranking[0], self.ranking[1]
        name = second[len(FAQ_PREFIX) :]
        if second.startswith(FAQ_PREFIX) and p >= ratio * first and name not in self.topics:
            self.topics = self.topics + [name]
        return self


def _ranked(model: TextModel, row: np.ndarray) -> list[tuple[str, float]]:
    order = row.argsort()[::-1]
    return [(model.classes[i], float(row[i])) for i in order]


def read(
    model: TextModel,
    text: str,
    clauses: Sequence[str] | None = None,
    clause_min: float = 0.45,
    second_min: float = 0.4,
    ranking_length: int = 10,
    features: sp.csr_matrix | None = None,
) -> Reading:
    """The intent, its confidence and ranking, and the FAQ topics of ``text``.

    ``features``: ``featurize(parts(text, clauses))``, when the caller shares it with the risk model.
    """
    if clauses is None:
        clauses = split_clauses(text)
    multi = len(clauses) > 1
    probs = model.predict_proba(parts(text, list(clauses)), features)
    whole = _ranked(model, probs[0])
    if not multi:
        if whole[0][0] != PRESCREEN:
            whole = _eligibility_first(text, whole) or whole
        intent, conf = whole[0]
        only = [intent[len(FAQ_PREFIX) :]] if intent.startswith(FAQ_PREFIX) else []
        return Reading(intent, conf, whole[:ranking_length], only).with_close_second()

    # the best content reading of each clause
    picks: list[tuple[float, float, int, list[tuple[str, float]]]] = []  # (priority, confidence, clause, ranking)
    for i, row in enumerate(probs[1:]):
        ranking = _ranked(model, row)
        eligible = _eligibility_first(clauses[i], ranking)
        eligibility = eligible is not None
        ranking = eligible or ranking
        intent, conf = ranking[0]
        if intent in CHITCHAT or conf < clause_min:
            continue
        faq = intent.startswith(FAQ_PREFIX)
        if eligibility:
            priority: float = 3  # "am I eligible?" names the person: the pre-screen, over any reading
        elif intent == PRESCREEN:
            # asking to be checked ("would my mom qualify?", "screen me please") beats the facts told
            # beside it ("she's 78, chemo neuropathy"), which only sound like a topic
            priority = 2 if is_question(clauses[i]) else 1.5
        else:
            priority = 2 if (faq and is_question(clauses[i])) else 1 if faq else 0
        picks.append((priority, conf, i, ranking))

    # candidate topics in the order asked; a topic beyond the first is answered
    # only when its clause asks a question and reads clearly (a story clause
    # that merely sounds like a topic adds an answer nobody asked for)
    topics: list[str] = []
    extra: list[str] = []
    for p_priority, p_conf, _, ranking in sorted(picks, key=lambda p: p[2]):
        intent = ranking[0][0]
        if intent.startswith(FAQ_PREFIX) and intent[len(FAQ_PREFIX) :] not in topics:
            topics.append(intent[len(FAQ_PREFIX) :])
            if p_priority == 2 and p_conf >= second_min:
                extra.append(intent[len(FAQ_PREFIX) :])

    w_intent, w_conf = whole[0]
    if not picks:
        topics = [w_intent[len(FAQ_PREFIX) :]] if w_intent.startswith(FAQ_PREFIX) else []
        return Reading(w_intent, w_conf, whole[:ranking_length], topics).with_close_second()

    priority, conf, index, ranking = max(picks, key=lambda p: (p[0], p[1]))
    # the whole message may read better than any one clause (a question split in two)
    if (
        priority < 3
        and w_intent not in CHITCHAT
        and w_conf > conf
        and (w_intent.startswith(FAQ_PREFIX) or priority < 2)
    ):
        intent, conf, ranking, index = w_intent, w_conf, whole, -1
    else:
        intent = ranking[0][0]
    if intent.startswith(FAQ_PREFIX):
        name = intent[len(FAQ_PREFIX) :]
        topics = [name] + [t for t in extra if t != name]
    else:
        topics = extra
    return Reading(intent, conf, ranking[:ranking_length], topics[:MAX_TOPICS], index).with_close_second()
