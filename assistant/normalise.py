"""Text normalisation shared by the safety patterns and the learned models.

One function, so a pattern and a model always see the same text.
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Any

_TAG_RE = re.compile(r"<[^<>]{0,500}>")
_INVISIBLE_RE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]"
)
_COMBINING_RE = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_APOSTROPHE_RE = re.compile("['\u2018\u2019\u201a\u201b\u2032\u02bc\u02bb\u00b4`\uff07]")
_NON_ASCII_RE = re.compile("[^\x00-\x7f]+")
# ASCII only: keep a-z and 0-9 (lowercasing A-Z), drop apostrophes, all else -> space
_ASCII_TABLE: dict[int, str | None] = {i: " " for i in range(128)}
_ASCII_TABLE.update({ord(c): c for c in "abcdefghijklmnopqrstuvwxyz0123456789"})
_ASCII_TABLE.update({ord(c): c.lower() for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"})
_ASCII_TABLE.update({ord("'"): None, ord("`"): None})
_RUNS = tuple((c * 3, re.compile(c + "{3,}")) for c in "abcdefghijklmnopqrstuvwxyz")


def normalise(text: Any) -> str:
    """Return the form of ``text`` that safety patterns are matched against.

    Steps: HTML entities decoded and tags dropped; Unicode compatibility
    forms folded (NFKD) and accents removed (é -> e, ñ -> n); invisible
    characters removed; lowercased; apostrophes, straight or curly, removed
    (don't -> dont, I'm -> im); every other character that is not a-z or 0-9
    becomes one space; a letter repeated 3 or more times becomes one letter
    (sooo -> so, killll -> kil); leading/trailing spaces trimmed.
    """
    if text is None:
        return ""
    if isinstance(text, (bytes, bytearray)):
        text = bytes(text).decode("utf-8", "replace")
    elif not isinstance(text, str):
        text = str(text)
    if "&" in text:
        text = html.unescape(text)
    if "<" in text:
        text = _TAG_RE.sub(" ", text)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = _COMBINING_RE.sub("", text)
        text = _INVISIBLE_RE.sub("", text)
        text = _APOSTROPHE_RE.sub("", text)
        text = _NON_ASCII_RE.sub(" ", text)
    text = " ".join(text.translate(_ASCII_TABLE).split())
    for triple, run in _RUNS:
        if triple in text:
            text = run.sub(triple[0], text)
    return text


def for_model(text: Any) -> str:
    """The text the learned models read: ``normalise`` (same as the patterns)."""
    return normalise(text)
