"""Every FAQ topic answers through the running servers, from content/faq.yml."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, List

import pytest
import yaml

from tests.e2e.conftest import Visitor

ROOT = Path(__file__).resolve().parents[2]


def holdout_phrasings() -> Dict[str, List[str]]:
    data = yaml.safe_load((ROOT / "tests" / "nlu" / "holdout.yml").read_text())
    out: Dict[str, List[str]] = {}
    for block in data.get("nlu", []):
        if "intent" in block:
            out[block["intent"]] = [
                line[2:].strip() for line in block["examples"].splitlines() if line.strip().startswith("- ")
            ]
    return out


TOPIC_IDS = [t["id"] for t in yaml.safe_load((ROOT / "content" / "faq.yml").read_text())["topics"]]
HOLDOUT = holdout_phrasings()


@pytest.mark.parametrize("topic_id", TOPIC_IDS)
def test_topic_button_gives_exactly_the_content_answer(visitor: Visitor, content, topic_id: str) -> None:
    topic = content.topic(topic_id)
    messages = visitor.say(f"/faq_{topic_id}")
    assert messages[0]["text"] == content.render(topic["answer"])
    follow_up_payloads = {b["payload"] for b in visitor.buttons()}
    for follow_up in topic.get("follow_ups") or []:
        assert f"/faq_{follow_up}" in follow_up_payloads


@pytest.mark.parametrize("topic_id", TOPIC_IDS)
def test_topic_answers_held_out_phrasings(server: str, content, topic_id: str) -> None:
    phrasings = HOLDOUT.get(f"faq_{topic_id}", [])[:3]
    assert phrasings, f"tests/nlu/holdout.yml has no phrasings for faq_{topic_id}"
    expected = content.render(content.topic(topic_id)["answer"])
    # the answer comes first; a note may follow (the team decides; a gentle 988 line)
    hits = [p for p in phrasings if (Visitor().say(p)[0].get("text") or "").startswith(expected)]
    assert len(hits) >= 2, f"only {len(hits)}/{len(phrasings)} held-out phrasings reached '{topic_id}'"


@pytest.mark.parametrize(
    "question, patterns",
    [
        ("when would I start seeing results?", [r"4\s*(–|-|to)\s*8\s*weeks", r"3\s*(–|-|to)\s*6\s*months"]),
        ("how many treatments are needed", [r"(2|two)\s*(–|-|to|or)\s*(3|three)"]),
        ("what type of neuropathy does this work best for?", [r"diabet", r"chemo|cipn"]),
        ("is this a cure? is it guaranteed?", [r"guarantee|vary"]),
        ("is the treatment fda approved", [r"FDA"]),
    ],
)
def test_key_facts_survive_in_plain_words(visitor: Visitor, question: str, patterns: List[str]) -> None:
    reply = visitor.said(question)
    for pattern in patterns:
        assert re.search(pattern, reply, re.I), (pattern, reply)


def test_fda_answer_links_to_the_fda(visitor: Visitor) -> None:
    visitor.say("is it FDA approved?")
    urls = [b.get("url", "") for b in visitor.buttons()]
    assert any(u.startswith("https://www.fda.gov/") for u in urls)
    text = visitor.text(visitor.last)
    assert re.search(r"\bno\b[^.]{0,60}\bfda.approved", text, re.I)
    assert not re.search(r"\b(it|this|msc|the (treatment|therapy)) is fda.approved", text, re.I)
