"""normalise(): the text form every safety pattern is written for."""
from __future__ import annotations

import pytest

from assistant.safety import normalise


@pytest.mark.parametrize("raw, expected", [
    ("I don’t want to be here", "i dont want to be here"),        # curly apostrophe
    ("I don't want to be here", "i dont want to be here"),        # straight apostrophe
    ("“Help”", "help"),                                           # curly quotes
    ("KILL MYSELF", "kill myself"),
    ("Ｋｉｌｌ ｍｙｓｅｌｆ", "kill myself"),                         # full-width letters
    ("quiero morír", "quiero morir"),                              # accents
    ("niño", "nino"),
    ("sooo tired", "so tired"),                                    # 3+ repeats squeezed
    ("dieeee", "die"),
    ("killllll", "kil"),
    ("kill", "kill"),                                              # doubles kept
    ("su\u200bicide", "suicide"),                                  # zero-width space
    ("a\x00b\x1fc\x7fd", "a b c d"),                               # control characters
    ("<b>hi</b> &amp; you", "hi you"),                             # markup and entities
    ("😀wow😀", "wow"),
    ("no. honestly, i...", "no honestly i"),
    ("  spaced \n\t out  ", "spaced out"),
    ("A1c 11%", "a1c 11"),
    ("", ""),
])
def test_normalise(raw, expected):
    assert normalise(raw) == expected


def test_normalise_accepts_anything():
    assert normalise(None) == ""
    assert normalise(12345) == "12345"
    assert normalise("I want to die".encode()) == "i want to die"
    assert normalise(b"\xff\xfe bad bytes") == "bad bytes"
