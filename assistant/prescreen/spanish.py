"""Spanish pre-screen replies, read by the English reader.

`to_english(text)` rewrites a Spanish reply into the plain English words the
reader knows, with the word lists of ``lexicon/es.yml`` (staff-editable):
"terminé la quimio en marzo" -> "i finished the chemo in march",
"mi mamá tuvo cáncer" -> "my mother had cancer", "mi A1c es 9,8" ->
"my a1c it is 9.8", "desde 2019" -> "since 2019". The reader then applies the
same understanding of negation, the past, family, hedges and numbers as in
English (medspaCy ConText), so both languages give the same answers.

Why a rewrite and not a second reader: one set of rules (and of tests) for
what an answer means; the Spanish list only has to say what the words mean.
Words it does not know are kept as they are (names of medicines, "EMG").
No Rasa import; the lists are read once.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path
from typing import Any

import yaml

LEXICON = Path(__file__).resolve().parent / "lexicon" / "es.yml"


def fold(text: str) -> str:
    """Lower case without accents ("Sí" -> "si", "años" -> "anos")."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@functools.lru_cache(maxsize=2)
def _tables(path: Path = LEXICON) -> tuple[tuple[tuple[re.Pattern[str], str], ...], re.Pattern[str], dict[str, str]]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    patterns = tuple((re.compile(str(a)), str(b)) for a, b in data.get("patterns") or [])
    phrases = {fold(str(k)): str(v) for k, v in (data.get("phrases") or {}).items()}
    if not phrases:
        raise ValueError(f"{path.name}: 'phrases' is empty")
    ordered = sorted(phrases, key=len, reverse=True)
    alternation = re.compile(r"(?<![\w])(?:" + "|".join(re.escape(p) for p in ordered) + r")(?![\w])")
    return patterns, alternation, phrases


def to_english(text: str) -> str:
    """The reply in the reader's English words (unknown words kept)."""
    if not isinstance(text, str) or not text.strip():
        return ""
    patterns, alternation, phrases = _tables()
    out = fold(text)
    out = out.replace("¿", " ").replace("¡", " ")
    for pattern, replacement in patterns:
        out = pattern.sub(replacement, out)
    out = alternation.sub(lambda m: phrases[m.group(0)], out)
    return re.sub(r"\s+", " ", out).strip()
