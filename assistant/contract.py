"""Names shared by the NLU components, the actions, the domain and the tests.

Each name is defined here once; ``tests/assistant/test_contract.py`` checks
domain.yml, the rules and content/ against it, so a renamed intent or slot
fails a test instead of a conversation.
"""

from __future__ import annotations

from assistant.prescreen.values import SLOTS as PRESCREEN_SLOT_SPECS

#: Intent of an FAQ topic: ``faq_<topic id>`` (content/faq.yml ``id``).
FAQ_INTENT_PREFIX = "faq_"

#: The intent MessageGuard sets for each safety decision (assistant/risk.py kinds).
SAFETY_INTENT_BY_KIND: dict[str, str] = {
    "crisis": "crisis",
    "emergency": "emergency",
    "checkin": "safety_checkin",
    "pain_idiom": "pain_idiom",
    "medical_advice": "ask_medical_advice",
}
SAFETY_KIND_BY_INTENT: dict[str, str] = {intent: kind for kind, intent in SAFETY_INTENT_BY_KIND.items()}

#: Intents only MessageGuard may set: a classifier guess of one is replaced.
GUARD_ONLY_INTENTS = frozenset({"crisis", "emergency", "safety_checkin", "empty_message", "message_too_long"})

#: Intents that stand for the whole message only, never for one clause of it.
CHITCHAT_INTENTS = frozenset({"greet", "goodbye", "thank", "affirm", "deny", "not_sure"})

#: Keys MessageGuard and the intent classifier add to the parse data.
PARSE_TOPICS = "topics"  # FAQ topics asked, in order (at most two)
PARSE_SAFETY = "safety"  # the safety decision: kind, source, category, clause, scores (never text)

#: Slots.
CHECKIN_SLOT = "checkin_topics"
ERASE_SLOT = "erase_conversation"
PRESCREEN_FORM = "prescreen_form"
PRESCREEN_SLOTS: tuple[str, ...] = tuple(PRESCREEN_SLOT_SPECS)
