"""A broken or over-broad safety.yml edit is refused by the running assistant.

The Rasa server (MessageGuard) and the action server both read the safety
patterns only from the checked content snapshot: an edit that fails the
check never reaches a visitor, and the last good version keeps serving.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import yaml

from assistant.content.store import CONTENT_DIR
from tests.e2e.conftest import Visitor

ORDINARY = "my feet burn so I can't sleep"
CRISIS = "I want to end my life"


@pytest.fixture
def safety_file(server: str):
    path = Path(CONTENT_DIR) / "safety.yml"
    if Path(CONTENT_DIR).resolve() == (Path(__file__).resolve().parents[2] / "content").resolve() \
            and not os.environ.get("ALLOW_LIVE_EDIT_OF_REAL_CONTENT"):
        pytest.skip("this test edits a copy of content/ (CONTENT_DIR); `make test-e2e` sets it")
    original = path.read_text()
    yield path
    path.write_text(original)
    time.sleep(1.2)


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    time.sleep(1.5)  # both servers look for changes at most every 0.5 s


def test_an_over_broad_pattern_is_refused(safety_file: Path) -> None:
    _edit(safety_file, lambda d: d["crisis"]["categories"][0]["patterns"].append(r"\bcant sleep\b"))
    reply = Visitor().said(ORDINARY)
    assert "988" not in reply, "the over-broad crisis pattern went live"


def test_an_http_link_in_the_crisis_reply_is_refused(safety_file: Path) -> None:
    before = Visitor().said(CRISIS)
    _edit(safety_file, lambda d: d["crisis"].update(message=d["crisis"]["message"] + " More: http://example.com/x"))
    after = Visitor().said(CRISIS)
    assert "http://" not in after and after == before


def test_a_crisis_reply_without_call_or_text_988_is_refused(safety_file: Path) -> None:
    _edit(safety_file, lambda d: d["crisis"].update(
        message="Please visit 988lifeline.org. In danger now, call 911."))
    reply = Visitor().said(CRISIS)
    assert "call or text 988" in reply


def test_a_good_edit_goes_live_in_both_servers(safety_file: Path) -> None:
    _edit(safety_file, lambda d: d["emergency"]["categories"][-1]["patterns"].append(r"\bzebra alarm\b"))
    assert "911" in Visitor().said("zebra alarm")
