"""Staff edits to content/ go live on the next message; a broken edit is refused."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from assistant.content.store import CONTENT_DIR
from tests.e2e.conftest import Visitor


@pytest.fixture
def faq_file(server: str):
    path = Path(CONTENT_DIR) / "faq.yml"
    if Path(CONTENT_DIR).resolve() == (Path(__file__).resolve().parents[2] / "content").resolve() \
            and not os.environ.get("ALLOW_LIVE_EDIT_OF_REAL_CONTENT"):
        pytest.skip("the live-edit test edits a copy of content/ (CONTENT_DIR); `make test-e2e` sets it")
    original = path.read_text()
    yield path
    path.write_text(original)
    time.sleep(1.1)


def _answer(visitor: Visitor) -> str:
    return visitor.say("/faq_cost")[0]["text"]


def _wait_for(visitor: Visitor, predicate, seconds: float = 5.0) -> str:
    deadline = time.monotonic() + seconds
    text = _answer(visitor)
    while not predicate(text) and time.monotonic() < deadline:
        time.sleep(0.3)
        text = _answer(visitor)
    return text


def test_saved_answer_edit_is_served_next_and_broken_edit_keeps_last_good(faq_file: Path) -> None:
    visitor = Visitor()
    before = _answer(visitor)
    edited = "I do not have price details here. Please ask the team about cost."
    text = faq_file.read_text()
    start = text.index("- id: cost")
    answer_at = text.index("answer:", start)
    next_key = min(i for i in (text.find("\n    follow_ups:", answer_at), text.find("\n    source:", answer_at)) if i > 0)
    faq_file.write_text(text[:answer_at] + f"answer: {edited}" + text[next_key:])
    assert _wait_for(visitor, lambda t: t == edited) == edited, "edit not served"
    assert before != edited

    # a typo that breaks the YAML: refused, the last good content keeps serving
    faq_file.write_text(faq_file.read_text().replace("- id: cost", "- id: cost\n   broken: [", 1))
    time.sleep(1.2)
    assert _answer(visitor) == edited
    assert visitor.said("hello")  # and the assistant keeps working
