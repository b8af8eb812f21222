"""One reload path: a safety.yml edit reaches visitors only through the checked content snapshot.

The content store checks the whole content directory and swaps in a new
snapshot only when every check passes; the detector the assistant uses is
built from that snapshot (``Content.safety_detector``). A refused edit never
goes live, whatever it breaks.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml

from assistant.content.store import ContentStore

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def store(tmp_path: Path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    return ContentStore(content, ROOT / "data", check_every=0)


def _edit(store: ContentStore, change) -> None:
    path = store.content_dir / "safety.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))


def _crisis_message(store: ContentStore) -> str:
    return store.get().safety["crisis"]["message"]


def test_a_good_edit_goes_live(store):
    before = store.get().safety_detector
    _edit(store, lambda d: d["emergency"]["categories"][-1]["patterns"].append(r"\bzebra alarm\b"))
    assert store.get().safety_detector is not before
    assert store.get().safety_detector.detect("zebra alarm").kind == "emergency"


@pytest.mark.parametrize("change, why", [
    (lambda d: d["crisis"].update(message=d["crisis"]["message"] + " See http://example.com/help."),
     "an http link"),
    (lambda d: d["crisis"].update(message=d["crisis"]["message"].replace("call or text 988", "visit 988lifeline.org")),
     "no 'call or text 988'"),
    (lambda d: d["crisis"].update(message=d["crisis"]["message"].replace("911", "the doctor")),
     "no 911"),
    (lambda d: d["emergency"].update(message="Please get help now."), "no 911 in the emergency reply"),
    (lambda d: d["crisis"]["categories"][0]["patterns"].append(r"\bcant sleep\b"),
     "a pattern that fires on ordinary messages"),
    (lambda d: d["crisis"]["categories"][0].update(patterns=d["crisis"]["categories"][0]["patterns"][1:]),
     "a removed pattern: must-detect messages are missed"),
])
def test_a_refused_edit_never_goes_live(store, change, why):
    before = store.get()
    message = _crisis_message(store)
    _edit(store, change)
    after = store.get()
    assert after is before, f"edit with {why} went live"
    assert _crisis_message(store) == message
    assert after.safety_detector.detect("my feet burn so I can't sleep") is None
