"""Which language a visitor writes in: English, Spanish, or another one.

Two kinds of evidence, because neither is enough alone on chat messages
(short, no accents, Spanglish, typos):

- the lingua language detector (lingua-language-detector, its models ship in
  the wheel, nothing is downloaded at run time), restricted to English,
  Spanish and the languages most spoken at home in the US after them, in its
  low-accuracy mode (about 27 MB instead of about 250 MB; measured on the
  realistic dev sets it is as good here once the words below are counted);
- the words of the training phrasings: words only the Spanish phrasings use
  (``data/nlu/es.yml``) against words only the English ones use.

`detect(text)` says which language and whether it is sure (`confident`):
a conversation switches language only on a confident message (or when the
visitor asks, `requested_language`); a short or mixed message keeps the
conversation's language. Non-Latin scripts (Chinese, Arabic, Korean,
Russian, Hindi) are recognised by lingua alone.

No Rasa import; nothing is read until the first call.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant import yamlload

SUPPORTED = ("en", "es")
DEFAULT = "en"
NLU_DIR = Path(__file__).resolve().parents[1] / "data" / "nlu"
#: lingua's name -> ISO 639-1 code, for the languages it is asked to tell apart
#: (Haitian Creole has no lingua model: its crisis words are still matched by
#: assistant.safety.languages, and its messages read as French or "unsure").
LINGUA_LANGUAGES = {
    "ENGLISH": "en",
    "SPANISH": "es",
    "CHINESE": "zh",
    "TAGALOG": "tl",
    "VIETNAMESE": "vi",
    "ARABIC": "ar",
    "FRENCH": "fr",
    "KOREAN": "ko",
    "RUSSIAN": "ru",
    "PORTUGUESE": "pt",
    "HINDI": "hi",
}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
#: everyday Portuguese words that Spanish does not use (Spanish: mi, usted, no, estoy, con, dolor, pecho)
_PORTUGUESE = frozenset(
    [
        "meu",
        "minha",
        "meus",
        "minhas",
        "voce",
        "nao",
        "estou",
        "muito",
        "obrigado",
        "obrigada",
        "com",
        "dor",
        "peito",
        "uma",
        "isso",
        "essa",
        "esse",
        "ele",
        "ela",
        "eles",
        "elas",
        "tambem",
        "entao",
        "agora",
        "hoje",
        "ainda",
        "quero",
        "posso",
        "tenho",
        "em",
        "sou",
        "vou",
        "estava",
        "fazer",
        "sua",
        "seu",
        "mim",
    ]
)
#: letters only Vietnamese writes (with a tone or vowel mark stacked on them)
_VIETNAMESE = set("đơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")

# Explicit requests to change language ("español", "in English please", "¿habla español?").
_ASK_ES = re.compile(
    r"^\W*(?:(?:en\s+)?espa[nñ]ol(?:\s+por\s+favor)?|spanish(?:\s+please)?|in\s+spanish(?:\s+please)?"
    r"|(?:can\s+we\s+|could\s+we\s+|let'?s\s+)(?:speak|talk|chat|continue)\s+in\s+spanish(?:\s+please)?"
    r"|(?:do\s+you\s+)?speak\s+spanish|(?:¿\s*)?(?:usted\s+)?habla(?:n)?\s+(?:usted(?:es)?\s+)?espa[nñ]ol"
    r"|(?:¿\s*)?(?:podemos|puede|quiero|prefiero)\s+(?:hablar|seguir|continuar|escribir)?\s*en\s+espa[nñ]ol"
    r"|s[ií],?\s+en\s+espa[nñ]ol)\W*$",
    re.IGNORECASE,
)
_ASK_EN = re.compile(
    r"^\W*(?:english(?:\s+please)?|in\s+english(?:\s+please)?|ingl[eé]s(?:\s+por\s+favor)?|en\s+ingl[eé]s"
    r"|(?:can\s+we\s+|could\s+we\s+|let'?s\s+)?(?:speak|talk|chat|continue|stay)\s+in\s+english(?:\s+please)?"
    r"|(?:do\s+you\s+)?speak\s+english|(?:¿\s*)?(?:usted\s+)?habla(?:n)?\s+(?:usted(?:es)?\s+)?ingl[eé]s"
    r"|(?:¿\s*)?(?:podemos|puede|quiero|prefiero)\s+(?:hablar|seguir|continuar|escribir)?\s*en\s+ingl[eé]s)\W*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Detection:
    """``language``: an ISO 639-1 code, or None when it cannot tell; ``confident``: sure enough to switch."""

    language: str | None
    confident: bool
    score: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.language, "confident": self.confident, "score": round(self.score, 3)}


# written only in Spanish (Portuguese writes "quê", "como", "quanto", "também"; French "qu'est-ce")
_SPANISH_MARK = re.compile(
    r"[¿¡ñ]|\b(?:qué|cómo|cuánt[oa]s?|cuándo|dónde|cuál(?:es)?|quién(?:es)?|también|sí|está)\b|"
    r"^\s*que es (?:el|la|un|una|eso)\b"
)


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


#: A word belongs to one language's list when its phrasings use it at least this many times as
#: often (per phrasing) as the other language's do: Spanglish lines ("which types respond the best",
#: "el co-pay is how much") must not take "which", "what" or "is" off the English list, nor an
#: English "gracias" take it off the Spanish one; names both use alike ("Medicare") are on neither.
SHARE_RATIO = 8.0
#: ... and at least this many of its phrasings use it: one English message that opens with
#: "Bonjour" does not make "bonjour" an English word.
MIN_LINES = 2


def _word_lines(path: Path) -> tuple[Counter[str], int]:
    """How many phrasings of the file use each word (accents folded), and how many phrasings it has."""
    counts: Counter[str] = Counter()
    lines = 0
    for item in (yamlload.load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
        for line in str(item.get("examples") or "").splitlines():
            if line.strip().startswith("- "):
                lines += 1
                counts.update({fold(w) for w in _WORD.findall(line)})
    return counts, lines


@functools.lru_cache(maxsize=4)
def vocabularies(nlu_dir: Path = NLU_DIR) -> tuple[frozenset[str], frozenset[str]]:
    """(words only the Spanish phrasings use, words only the English ones use), accents folded."""
    spanish: Counter[str] = Counter()
    english: Counter[str] = Counter()
    n_es = n_en = 0
    for path in sorted(nlu_dir.glob("*.yml")):
        if path.stem.startswith("es"):
            counts, lines = _word_lines(path)
            spanish.update(counts)
            n_es += lines
        elif not path.stem.startswith(("guard", "language")):  # other-language examples; requests
            counts, lines = _word_lines(path)
            english.update(counts)
            n_en += lines
    # Words both languages' phrasings use alike (Spanglish "el co-pay", names like "Medicare") are
    # left out of both lists.
    es_rate = {w: c / max(n_es, 1) for w, c in spanish.items()}
    en_rate = {w: c / max(n_en, 1) for w, c in english.items()}
    only_es = {w for w, r in es_rate.items() if spanish[w] >= MIN_LINES and r >= SHARE_RATIO * en_rate.get(w, 0.0)}
    only_en = {w for w, r in en_rate.items() if english[w] >= MIN_LINES and r >= SHARE_RATIO * es_rate.get(w, 0.0)}
    return frozenset(only_es), frozenset(only_en)


@functools.lru_cache(maxsize=1)
def _lingua() -> Any:
    from lingua import Language, LanguageDetectorBuilder  # ships its models; ~27 MB in low-accuracy mode

    languages = [getattr(Language, name) for name in LINGUA_LANGUAGES]
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


def warm_up() -> None:
    """Build the detector and the word lists now (at model load, not on a visitor's message)."""
    vocabularies()
    _lingua().compute_language_confidence_values("hello")


def _script(ch: str) -> str:
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return "other"
    return "latin" if name.startswith("LATIN") else name.split(" ")[0]


def requested_language(text: str) -> str | None:
    """ "es" or "en" when the whole message asks to change language ("Español", "in English please")."""
    if not isinstance(text, str) or len(text) > 80:
        return None
    if _ASK_ES.match(text.strip()):
        return "es"
    if _ASK_EN.match(text.strip()):
        return "en"
    return None


def detect(text: str) -> Detection:
    """The language of one message, and whether it is clear enough to switch the conversation to it."""
    if not isinstance(text, str) or not text.strip():
        return Detection(None, False)
    asked = requested_language(text)
    if asked:
        return Detection(asked, True, 1.0)
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 2:
        return Detection(None, False)
    values = {LINGUA_LANGUAGES[c.language.name]: c.value for c in _lingua().compute_language_confidence_values(text)}
    non_latin = sum(1 for c in letters if _script(c) != "latin") / len(letters)
    if non_latin > 0.5:
        best = max(values, key=lambda k: values[k]) if values else None
        if best in SUPPORTED or best is None:
            return Detection(None, False)
        return Detection(best, len(letters) >= 2, values[best])
    if any(c in _VIETNAMESE for c in text.lower()):
        return Detection("vi", True, 1.0)
    words = [fold(w) for w in _WORD.findall(text)]
    only_es, only_en = vocabularies()
    # short words ("de", "la", "que") are shared with French and Portuguese: they count for
    # Spanish only when lingua does not clearly hear another language
    es_long = sum(1 for w in words if w in only_es and len(w) >= 4)
    es_n = sum(1 for w in words if w in only_es)
    en_n = sum(1 for w in words if w in only_en)
    accents = any(c in "ñ¿¡áéíóú" for c in text.lower())
    # evidence for each side: its own words, plus lingua's judgement
    es = es_n + 2 * values.get("es", 0.0) + (1 if accents else 0)
    en = en_n + 2 * values.get("en", 0.0)
    other_code = max((k for k in values if k not in SUPPORTED), key=lambda k: values[k], default=None)
    other = 2 * values.get(other_code, 0.0) if other_code else 0.0
    pt_n = sum(1 for w in words if w in _PORTUGUESE)
    if pt_n >= 2 and pt_n >= es_long and values.get("pt", 0.0) >= values.get("es", 0.0):
        return Detection("pt", True, values.get("pt", 0.0))
    if other_code and values[other_code] >= 0.6 and values.get("es", 0.0) < 0.2 and es_long <= 1 and en_n <= 1:
        es_n = es_long
    if other_code and other >= 1.2 and es_n <= 1 and en_n <= 1:
        # clearly another language (French, Portuguese, Tagalog, ...): its words are not ours
        # sure only when none of our own words is in it (a Spanish "es legal aqui en usa?" can sound Tagalog)
        # and no mark only Spanish writes ("¿", "ñ", "qué", "cómo": "Qué es un EMG?" is not Tagalog)
        sure = len(words) >= 3 and es_n == 0 and en_n == 0 and not _SPANISH_MARK.search(text.lower())
        return Detection(other_code, sure, values[other_code])
    if other_code == "pt" and values["pt"] >= 0.6 and es_n == 0 and en_n == 0:
        return Detection(None, False)
    if es > en:
        language, margin, own, their = "es", es - en, es_n, en_n
    elif en > es:
        language, margin, own, their = "en", en - es, en_n, es_n
    else:
        return Detection(None, False, 0.0)
    # Sure: several words of its own and few of the other language's, or a clear lingua verdict
    # on a message of some length. A greeting, "ok", "si", a word or two: not sure.
    confident = len(words) >= 3 and margin >= 2 and own >= 2 and their * 2 <= own
    return Detection(language, confident, margin)


def turn_language(current: str | None, detection: Detection) -> str:
    """The language to answer this message in: the detected one when sure, else the conversation's."""
    if detection.confident and detection.language in SUPPORTED:
        return detection.language
    if current in SUPPORTED:
        return current
    if detection.language in SUPPORTED:
        return detection.language
    return DEFAULT
