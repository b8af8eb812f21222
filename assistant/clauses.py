"""Split a visitor message into clauses that can be judged one by one.

People write long messages: a story, a worry, then a question ("I've had
numb toes for ten years. Some nights I hope I don't wake up. Anyway how much
does it cost?"). Judged as one bag of words, the crisis sentence is outvoted
by the rest. Split into sentences and clauses, each part is judged on its own.

The split is deliberately simple and linear in the input: sentence ends,
line breaks, semicolons, and a few discourse markers that start a new thought
("anyway", "also", "btw", "but", "and how/what/does ..."). Over-splitting is
harmless (every clause is judged, and the whole message is judged too);
under-splitting is what we avoid.
"""

from __future__ import annotations

import re

#: Clauses judged per message at most (a message is at most a few thousand characters).
MAX_CLAUSES = 16

# Spanish opens a question with "¿": a new clause starts there ("tengo diabetes ¿funciona para mí?")
_SENTENCE_END = re.compile(
    r"((?:[.!?;:]+|\u2026)(?=\s|$|[\"')\]])|\n+|\s[-\u2013\u2014]{1,2}\s|\s*\|\s*|,?\s+(?=\u00bf))"
)
_QUESTION_WORDS = (
    r"how|what|whats|when|where|why|who|which|is|are|does|do|did|can|could|will|would|should|"
    r"has|have|any|anything|isnt|doesnt|cant|wont"
)
_SPANISH_QUESTION_WORDS = (
    r"qu[eé]|c[oó]mo|cu[aá]nt[oa]s?|cu[aá]ndo|d[oó]nde|cu[aá]l(?:es)?|qui[eé]n(?:es)?|por qu[eé]|"
    r"hay|puedo|puede|se puede|tiene|tienen|es|son|est[aá]|funciona|sirve|necesito|debo|duele|cubre"
)
# a new thought inside one sentence: "..., anyway how much", "... but is it safe", "..., and does it hurt"
_MARKER = re.compile(
    r"(?:,\s*|\s+)(?=(?:anyway|anyways|any way|btw|by the way|also|oh and|and also|plus|besides|"
    r"but|however|otherwise|meanwhile|on another note|another question|one more thing|"
    r"and if|if so|if not|if yes|if it does|and second|secondly|and then|"
    r"and\s+(?:" + _QUESTION_WORDS + r")|"
    # Spanish: "y cuántas sesiones", "también", "otra pregunta", "por cierto"
    r"y\s+(?:" + _SPANISH_QUESTION_WORDS + r")|tambi[eé]n|adem[aá]s|otra pregunta|por cierto|pero)\b)",
    re.IGNORECASE,
)
_COMMA_QUESTION = re.compile(r",\s*(?=(?:" + _QUESTION_WORDS + r")\b)", re.IGNORECASE)
_HAS_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)


def split_clauses(text: str) -> list[str]:
    """Return the message's clauses, in order (at most ``MAX_CLAUSES``).

    A message with one clause comes back as ``[text.strip()]``. Fragments
    without a word of two letters are dropped; if nothing is left, the whole
    stripped text is returned so the caller always has something to judge.
    """
    if not isinstance(text, str):
        return []
    stripped = text.strip()
    if not stripped:
        return []
    parts: list[str] = []
    pieces = _SENTENCE_END.split(stripped)  # text, delimiter, text, delimiter, ...
    for k in range(0, len(pieces), 2):
        split = [p for piece in _MARKER.split(pieces[k]) for p in _COMMA_QUESTION.split(piece)]
        if split and k + 1 < len(pieces) and "?" in pieces[k + 1]:
            split[-1] = split[-1].rstrip() + "?"  # keep the question mark: it says a question was asked
        parts.extend(split)
    clauses = [p.strip(" ,") for p in parts if p and _HAS_WORD.search(p)]
    if not clauses:
        return [stripped]
    if len(clauses) > MAX_CLAUSES:
        # keep the first ones and fold the rest into the last, so nothing is lost
        clauses = clauses[: MAX_CLAUSES - 1] + [" ".join(clauses[MAX_CLAUSES - 1 :])]
    return clauses


def parts(text: str, clauses: list[str]) -> list[str]:
    """What the models judge: the whole message, then each clause if there is more than one."""
    return [text] + list(clauses) if len(clauses) > 1 else [text]


_LEAD_IN = re.compile(
    r"^(?:(?:and|also|anyway|anyways|but|plus|so|oh|btw|well|ok|okay|and then|if so|if not|and if|"
    r"second|secondly|and second|first|firstly|my question is|question|another question|one more thing)\b[\s,:]*)+"
)


# a question asked inside a longer clause: "for autoimmune neuropathy how does this help",
# "if I want to move forward what do I do", "I was wondering whether it hurts"
_EMBEDDED_QUESTION = re.compile(
    r"\b(?:(?:how|what|whats|when|where|why|which)\s+(?:\w+\s+)?"
    r"(?:do|does|did|is|are|was|were|can|could|would|will|should|much|many|long|soon|often|kind|type|happens)"
    r"|wonder(?:ing)?\s+(?:if|whether|how|what|when)|(?:tell|explain to|"
    r"let)\s+me\s+(?:know\s+)?(?:how|what|if|whether|when))\b"
)


# a Spanish clause that asks (accented interrogatives, or "y"/"pero" then one); "¿" anywhere also counts
_SPANISH_QUESTION = re.compile(
    r"(?:(?:y|pero|tambi[eé]n|adem[aá]s|otra pregunta|por cierto)[\s,:]+)?"
    r"(?:qu[eé]|c[oó]mo|cu[aá]nt[oa]s?|cu[aá]ndo|d[oó]nde|cu[aá]l(?:es)?|qui[eé]n(?:es)?|por qu[eé]|hay|"
    r"se puede|puedo|puede|funciona|sirve|cubre|duele)\b"
)


_SPANISH_EMBEDDED = re.compile(
    r"\b(?:quiero|quisiera|queremos|me gustar[ií]a|necesito|necesitamos) saber\b|\bme pregunto\b"
)


def is_question(clause: str) -> bool:
    """A clause that asks something: ends with '?', opens with a question word (after "and", "so", ...),
    or asks one inside it ("for autoimmune neuropathy how does this help")."""
    c = clause.strip().lower()
    if c.endswith("?"):
        return True
    if re.match(r"(?:" + _QUESTION_WORDS + r")\b", _LEAD_IN.sub("", c)):
        return True
    if "\u00bf" in c or _SPANISH_QUESTION.match(c) or _SPANISH_EMBEDDED.search(c):
        return True
    return bool(_EMBEDDED_QUESTION.search(c))
