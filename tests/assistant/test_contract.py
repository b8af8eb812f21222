"""domain.yml, the rules and content/ agree with the names in assistant/contract.py."""

from __future__ import annotations

from pathlib import Path

import yaml

from assistant import contract

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
FAQ = yaml.safe_load((ROOT / "content" / "faq.yml").read_text(encoding="utf-8"))


def _rule_intents(name: str) -> set[str]:
    rules = yaml.safe_load((ROOT / "data" / "rules" / name).read_text(encoding="utf-8"))["rules"]
    found = set()
    for rule in rules:
        for step in rule.get("steps", []):
            for option in step.get("or", [step]):
                if "intent" in option:
                    found.add(option["intent"])
    return found


def test_every_safety_intent_is_in_the_domain_and_answered_by_the_safety_rule() -> None:
    intents = set(DOMAIN["intents"])
    assert set(contract.SAFETY_INTENT_BY_KIND.values()) <= intents
    assert set(contract.SAFETY_INTENT_BY_KIND.values()) <= _rule_intents("safety.yml")
    assert contract.GUARD_ONLY_INTENTS <= intents
    assert contract.CHITCHAT_INTENTS <= intents


def test_every_topic_has_its_intent_in_the_domain_and_the_faq_rule() -> None:
    topics = {contract.FAQ_INTENT_PREFIX + t["id"] for t in FAQ["topics"]}
    assert topics <= set(DOMAIN["intents"])
    assert topics <= _rule_intents("faq.yml")


def test_slots_and_form_match() -> None:
    slots = set(DOMAIN["slots"])
    assert {contract.CHECKIN_SLOT, contract.ERASE_SLOT} <= slots
    assert set(contract.PRESCREEN_SLOTS) <= slots
    form = DOMAIN["forms"][contract.PRESCREEN_FORM]["required_slots"]
    assert set(form) == set(contract.PRESCREEN_SLOTS)


def test_the_kind_maps_are_inverse() -> None:
    for kind, intent in contract.SAFETY_INTENT_BY_KIND.items():
        assert contract.SAFETY_KIND_BY_INTENT[intent] == kind
