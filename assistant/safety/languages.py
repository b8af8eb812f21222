"""Crisis and emergency words in the languages most spoken at home in the US.

Whatever language a visitor writes in, a message about suicide or a medical
emergency gets help: the phrases of ``data/safety/multilingual.yml`` (ten
languages after English, plus Spanish) are matched as substrings of the
folded text (lowercased, NFKD, combining marks dropped — for scripts written
without spaces a substring is the only workable unit). The reply is that
language's line (988 with an interpreter, 911) followed by English and Spanish.

The file also carries, per language, ordinary messages that must not match
and test messages that must (``check_file``, run by the tests).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant import yamlload

LANGUAGES_FILE = Path(__file__).resolve().parents[2] / "data" / "safety" / "multilingual.yml"
NLU_DIR = Path(__file__).resolve().parents[2] / "data" / "nlu"
KINDS = ("crisis", "emergency")
#: A message whose words are mostly English ones is English: its "overdose" or
#: "suicide" is an English word, not a French or Portuguese phrase.
ENGLISH_SHARE = 0.6
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@functools.lru_cache(maxsize=1)
def english_words(nlu_dir: Path = NLU_DIR) -> frozenset[str]:
    """Words of the English training phrasings (data/nlu, without the Spanish and other-language files)."""
    words: set[str] = set()
    for path in sorted(nlu_dir.glob("*.yml")):
        if path.stem.startswith(("es", "guard", "language")):  # Spanish, the other-language examples, language requests
            continue
        for item in (yamlload.load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            words.update(w.lower() for w in _WORD.findall(str(item.get("examples") or "")))
    return frozenset(words)


def mostly_english(text: str) -> bool:
    words = [w.lower() for w in _WORD.findall(text)]
    if not words:
        return False
    vocab = english_words()
    return sum(1 for w in words if w in vocab) / len(words) >= ENGLISH_SHARE


def fold(text: str) -> str:
    """Lowercase, NFKD, without combining marks (the same on phrases and messages)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class LanguageAlarm:
    kind: str  # "crisis" or "emergency"
    language: str  # e.g. "fr"
    name: str  # the language's own name, e.g. "Français"
    reply: str  # the reply in that language


@dataclass(frozen=True)
class Languages:
    phrases: tuple[tuple[str, str, str], ...]  # (folded phrase, kind, language), crisis first
    names: Mapping[str, str]
    replies: Mapping[str, Mapping[str, str]]

    def detect(self, text: str, clearly_spanish: bool | None = None) -> LanguageAlarm | None:
        """The first crisis (then emergency) phrase of any language found in ``text``
        (not in text that is mostly English: the English layers judge that).

        ``clearly_spanish``: the caller's language detection, when it has one (else detected here).
        """
        if not isinstance(text, str) or not text or mostly_english(text):
            return None
        folded = fold(text)
        # A message clearly in Spanish (served, with its own risk model) is matched against the
        # Spanish phrases only: Portuguese "infarto" or "derrame" in "hace 10 años me dio un
        # infarto" is the visitor's history, not an alarm in another language.
        has_spanish = any(lang == "es" for _p, _k, lang in self.phrases)
        spanish = has_spanish and (_clearly_spanish(text) if clearly_spanish is None else clearly_spanish)
        for phrase, kind, lang in self.phrases:
            if spanish and lang != "es":
                continue
            if phrase in folded and not _only_as_idiom(folded, phrase):
                return LanguageAlarm(kind, lang, self.names[lang], self.replies[lang][kind])
        return None


# "me quiero morir de la pena", "me voy a morir de aburrimiento": a Spanish figure of speech
_IDIOM_AFTER = re.compile(
    r"\s+de (?:la |el |tanto |puro |pura )?(?:aburrimiento|pena|verguenza|risa|hambre|sed|frio|calor|sueno|ganas|"
    r"envidia|curiosidad|nervios|miedo|cansancio|vieja|viejo|amor|preguntar|esperar|gusto|tristeza de ver|"
    r"informacion|info|datos|noticias|trabajo|cafe|azucar)\b|"
    # "me voy a matar en la escalera un día de estos": a fall, said of clumsy feet
    r"\s+(?:en (?:la |las )?escaleras?|de una caida|cayendome|tropezando)\b"
)


def _only_as_idiom(folded: str, phrase: str) -> bool:
    """True when every occurrence of ``phrase`` is followed by "de <aburrimiento, pena, risa, ...>"."""
    start = folded.find(phrase)
    while start >= 0:
        if not _IDIOM_AFTER.match(folded, start + len(phrase)):
            return False
        start = folded.find(phrase, start + 1)
    return True


def _clearly_spanish(text: str) -> bool:
    from assistant.language import detect as detect_language  # deferred: builds lingua once

    found = detect_language(text)
    return found.language == "es" and found.confident


def parse(data: Mapping[str, Any]) -> Languages:
    """Build the matcher; raises ValueError naming the language and key when the file is malformed."""
    langs = data.get("languages")
    if not isinstance(langs, Mapping) or not langs:
        raise ValueError("multilingual.yml: 'languages' must map language codes to their phrases")
    phrases: list[tuple[str, str, str]] = []
    names: dict[str, str] = {}
    replies: dict[str, dict[str, str]] = {}
    for lang, spec in langs.items():
        if not isinstance(spec, Mapping):
            raise ValueError(f"multilingual.yml: {lang}: must be a mapping")
        names[lang] = str(spec.get("name") or lang)
        reply = spec.get("reply") or {}
        for kind in KINDS:
            items = spec.get(kind)
            if not isinstance(items, list) or not all(isinstance(p, str) and p.strip() for p in items):
                raise ValueError(f"multilingual.yml: {lang}.{kind}: must be a list of phrases")
            if not isinstance(reply.get(kind), str) or not reply[kind].strip():
                raise ValueError(f"multilingual.yml: {lang}.reply.{kind}: missing")
        replies[lang] = {kind: str(reply[kind]).strip() for kind in KINDS}
    for kind in KINDS:  # every crisis phrase before any emergency phrase
        for lang, spec in langs.items():
            phrases += [(fold(p.strip()), kind, lang) for p in spec[kind]]
    return Languages(tuple(phrases), names, replies)


@functools.lru_cache(maxsize=1)
def load(path: Path = LANGUAGES_FILE) -> Languages:
    return parse(yamlload.load(path.read_text(encoding="utf-8")) or {})


def check_file(path: Path = LANGUAGES_FILE) -> list[str]:
    """Problems with the file: ordinary messages that match, test messages that do not, replies
    without 988 / 911."""
    data = yamlload.load(path.read_text(encoding="utf-8")) or {}
    langs = parse(data)
    problems = []
    for lang, spec in data["languages"].items():
        for text in spec.get("ordinary") or []:
            found = langs.detect(text)
            if found is not None:
                problems.append(f"{lang}: ordinary message raises {found.kind} ({found.language}): {text!r}")
        for kind in KINDS:
            for text in spec.get(f"{kind}_tests") or []:
                found = langs.detect(text)
                if found is None or found.kind != kind:
                    problems.append(f"{lang}: {kind} test not recognised: {text!r}")
        if "988" not in langs.replies[lang]["crisis"] or "911" not in langs.replies[lang]["crisis"]:
            problems.append(f"{lang}: the crisis reply must give 988 and 911")
        if "911" not in langs.replies[lang]["emergency"]:
            problems.append(f"{lang}: the emergency reply must give 911")
    return problems
