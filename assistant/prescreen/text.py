"""Clean-up of a visitor's text before it is read, and cues every question shares.

`normalize` straightens quotes, writes every spelling of HbA1c as "a1c" and
fixes typos (lexicon/spelling.yml); `numberize` lower-cases and writes number
words as digits ("two and a half years" -> "2.5 years", lexicon/numbers.yml).
`UNSURE_RE` and `looks_like_question` tell "I don't know" and a question back
from an answer. Pure; nothing is logged.
"""

from __future__ import annotations

import functools
import re
from re import Pattern

from assistant.prescreen import lexicon

__all__ = ["HEDGE_RE", "UNSURE_RE", "fix_word", "looks_like_question", "normalize", "numberize", "voice_marks"]

# Replies that mean "I don't know".
UNSURE_RE = re.compile(
    r"\b(not sure|unsure|no idea|dunno|idk|i don'?t know|i do not know|don'?t know|do not know|not certain|"
    r"can'?t remember|cannot remember|don'?t remember|do not remember|can'?t recall|don'?t recall|no clue|"
    r"uncertain|who knows|hard to say|not a clue|never (been )?(checked|tested)|haven'?t (been )?"
    r"(checked|tested)|(never|not|haven'?t) (had|gotten|got) (it|one|that|them) (checked|tested|done)|"
    r"not known|unknown|forgot|forget|waiting (?:on|for) (?:the |my |more )?(?:tests?|results?|answers?)|"
    r"figure (?:it|that) out)\b|^\s*\?+\s*$",
    re.I,
)
# Words that hedge an answer ("I think so", "probably", "kinda"): kept as "not sure", said so.
HEDGE_RE = re.compile(
    r"\b(?:i (?:think|believe|guess|suppose|reckon)(?! not\b)|(?<!don't )(?<!do not )think so|probably|prob|"
    r"prolly|maybe|might|possibly|perhaps|kinda|kind of|sorta|sort of|likely|could be|i suspect|seems? like|"
    r"not (?:100|one hundred) ?(?:%|percent)|not (?:entirely|completely|totally|really) sure|fairly sure|"
    r"pretty sure|not positive)(?!\w)",
    re.I,
)
_QUESTION_START = re.compile(
    r"^\s*(?:(?:so|and|but|ok|okay|oh|um|hmm|well|wait|sorry)[,\s]+)*(?:"
    # a wh-word followed by a verb or "if": "what is", "how would", "what if" ("when I was 50" is an answer)
    r"(?:what|why|how|who|where|when|which|whats|what's|hows|how's|wheres|where's|whys|why's)\s+"
    r"(?:is|are|was|were|does|do|did|can|could|would|will|should|if|about|kind|type|sort|counts?|happens?|"
    r"exactly|long|much|many|often|i|you|it|this|that|a|an|the|s|'s)\b"
    r"|(?:whats|what's|hows|how's|why)\b"
    # "is it", "does a cold count", "can I": a verb, then who or what it is about
    r"|(?:is|are|was|were|can|could|would|will|should|do|does|did|may|has|have|am)\s+"
    r"(?:i|you|it|this|that|a|an|the|my|we|they|there|he|she|these|those|immunotherapy|radiation|\w+ing)\b"
    # asking without a question word: "tell me ...", "I was wondering ..."
    r"|tell me\b|explain\b|i (?:was )?wonder(?:ing)?\b|i'?d like to know\b|i want to know\b|"
    r"can you (?:tell|explain)\b|what do you mean\b"
    r")",
    re.I,
)
# A question anywhere in the message about what a word means or what counts.
_META_QUESTION = re.compile(
    r"\bwhat (?:do|does) (?:you|that|this|it|\w+) mean\b|\bmean by\b|\bwhat counts\b|"
    r"\b(?:does|do|would|will|is|are)\b[^.?!]{0,40}\bcount\b(?! down)",
    re.I,
)
_ASKS = re.compile(
    r"^\W*(?:is|are|was|were|do|does|did|can|could|will|would|should|what|whats|what's|why|how|who|where|when|which)\b",
    re.I,
)
_VOICE_MARKS = (
    (re.compile(r"\s+(?:question mark)\b", re.I), "?"),
    (re.compile(r"\s+(?:exclamation (?:point|mark))\b", re.I), "!"),
    (re.compile(r"\s+(?:full stop|period)(?=\s*$|\s+[A-Za-z])", re.I), "."),
    (re.compile(r"\s+comma\b(?=\s)", re.I), ","),
)
_A1C_RE = re.compile(
    r"\b(?:(?:h(?:a?e)?moglobin|hb|hgb)\s*-?\s*)?a\s*-?\s*1\s*-?\s*c(?:'?s)?\b|\bglyc(?:at|osylat)ed\s+h(?:a?e)?"
    r"moglobin\b|\bhba1c\b",
    re.I,
)
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z']*")


def _edit_distance_at_most(a: str, b: str, limit: int) -> bool:
    """Optimal string alignment distance (typos incl. swapped letters) <= limit."""
    if abs(len(a) - len(b)) > limit:
        return False
    prev2: list[int] = []
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
def fix_word(word: str) -> str:
    """The word with a known typo fixed (spelling.yml), else the word as it was."""
    words = lexicon.get()
    low = word.lower()
    if low in words.typos:
        return words.typos[low]
    if len(low) < 7 or low in words.fuzzy_keep or low in words.fuzzy_vocab:
        return word
    limit = 1 if len(low) <= 10 else 2
    for target in words.fuzzy_vocab:
        if target[0] == low[0] and _edit_distance_at_most(low, target, limit):
            return target
    return word


def voice_marks(text: str) -> str:
    """Punctuation said aloud by dictation ("no comma I finished", "... period") written as marks."""
    for pattern, mark in _VOICE_MARKS:
        text = pattern.sub(mark, text)
    return text


def normalize(text: str) -> str:
    """Straight quotes, one spelling of A1c, dictated punctuation, common typos fixed."""
    text = voice_marks(text)
    t = (
        text.replace("\u2019", "'")
        .replace("\u2018", "'")
        .replace("\u201c", '"')
        .replace("\u201d", '"')
        .replace("\u2013", "-")
        .replace("\u2014", "-")
        .replace("\u00a0", " ")
    )
    t = _A1C_RE.sub("a1c", t)
    t = _WORD_RE.sub(lambda m: fix_word(m.group(0)), t)
    return re.sub(r"\s+", " ", t).strip()


@functools.lru_cache(maxsize=1)
def _number_word_res() -> tuple[Pattern[str], Pattern[str]]:
    """("twenty five": tens then ones, any number word), from lexicon/numbers.yml."""
    numbers = lexicon.get().word_numbers
    tens = "|".join(w for w, n in numbers.items() if n in range(20, 100, 10))
    ones = "|".join(w for w, n in numbers.items() if n in range(1, 10))
    return (re.compile(rf"\b({tens})[\s-]+({ones})\b"), re.compile(r"\b(" + "|".join(numbers) + r")\b"))


_TEENS = {
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_ONES = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
_SPOKEN_YEAR = re.compile(
    r"\b(nineteen|twenty)[\s-]+(?:(oh)[\s-]+(one|two|three|four|five|six|seven|eight|nine)|"
    r"(ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)|"
    r"(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-]+(one|two|three|four|five|six|seven|eight|nine))?)\b"
    r"|\btwo thousand(?:[\s-]+and)?(?:[\s-]+(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen))?\b"
)


def _spoken_years(t: str) -> str:
    """ "twenty nineteen" -> 2019, "two thousand and eight" -> 2008, "nineteen ninety one" -> 1991."""

    def year(m: re.Match[str]) -> str:
        if m.group(1):
            century = 1900 if m.group(1) == "nineteen" else 2000
            if m.group(2):
                return str(century + _ONES[m.group(3)])
            if m.group(4):
                return str(century + _TEENS[m.group(4)])
            return str(century + _TENS[m.group(5)] + (_ONES[m.group(6)] if m.group(6) else 0))
        small = m.group(7)
        return str(2000 + (_ONES.get(small or "", 0) or _TEENS.get(small or "", 0)))

    return _SPOKEN_YEAR.sub(year, t)


def numberize(text: str) -> str:
    """Lower-case text with number words as digits: "two and a half years" -> "2.5 years"."""
    t = " " + text.lower() + " "
    t = re.sub(r"(\d),(\d)(?!\d)", r"\1.\2", t)  # 9,8 -> 9.8 (decimal comma)
    t = re.sub(r"(\d),(\d{3})\b", r"\1\2", t)  # 1,000 -> 1000
    numbers = lexicon.get().word_numbers
    t = _spoken_years(t)
    tens_ones, any_word = _number_word_res()
    t = tens_ones.sub(lambda m: str(numbers[m.group(1)] + numbers[m.group(2)]), t)
    t = any_word.sub(lambda m: str(numbers[m.group(1)]), t)
    t = re.sub(r"\b(\d+)\s+point\s+(\d+)\b", r"\1.\2", t)
    t = re.sub(r"\b(?:a|an|1)\s+(year|month|decade)\s+and\s+a\s+half\b", r"1.5 \1s", t)
    t = re.sub(
        r"\b(\d+)\s+(years?|months?|decades?)\s+and\s+a\s+half\b",
        lambda m: f"{int(m.group(1)) + 0.5:g} {m.group(2)}",
        t,
    )
    t = re.sub(r"\b(\d+)\s+and\s+an?\s+half\b", lambda m: f"{int(m.group(1)) + 0.5:g}", t)
    t = re.sub(r"\b(\d+)\s+1/2\b", lambda m: f"{int(m.group(1)) + 0.5:g}", t)
    t = re.sub(r"\bhalf\s+an?\s+(year|decade)\b", r"0.5 \1", t)
    t = re.sub(r"\ban?\s+half\s+(year|decade)\b", r"0.5 \1", t)
    t = re.sub(r"\b(?:a|an)\s+(year|month|week|day|decade)\b", r"1 \1", t)
    t = re.sub(r"\ba\s+couple(?:\s+of)?\b", "2", t)
    return re.sub(r"\s+", " ", t).strip()


def looks_like_question(text: str) -> bool:
    """A question back ("why do you ask?"), not a hesitant answer ("not sure?", "kinda?")."""
    if _QUESTION_START.match(text) or _META_QUESTION.search(text):
        return True
    return text.rstrip().endswith("?") and (len(re.findall(r"\w+", text)) >= 4 or bool(_ASKS.match(text)))
