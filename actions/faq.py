"""Answers FAQ topics from content/faq.yml.

The intent classifier reads a message clause by clause and lists the topics
it asks (``topics`` in the parse data, at most two, in the order asked); all
of them are answered in one reply. Older parse data without ``topics`` falls
back to the intent name (``faq_<topic id>``).
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Sequence, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import latest_intent, reply
from assistant import contract
from assistant.content import Content, get_content
from actions.language import turn_content

FAQ_PREFIX = contract.FAQ_INTENT_PREFIX
# "will it help MY feet?", "I'm diabetic, does it work for me?"
_PERSONAL = re.compile(r"\b(?:i|im|i'm|i’m|me|my|mine|myself|we|our|us)\b", re.IGNORECASE)


def personal_frame(text: str) -> bool:
    """True when the visitor asks about their own case (the answer adds that the team decides)."""
    return bool(_PERSONAL.search(text or ""))


def message_topics(tracker: Tracker) -> List[str]:
    """The FAQ topics the latest message asks, in order."""
    latest = tracker.latest_message or {}
    topics = [t for t in latest.get("topics") or [] if isinstance(t, str)]
    intent = latest_intent(tracker)
    if not topics and intent.startswith(FAQ_PREFIX):
        topics = [intent[len(FAQ_PREFIX):]]
    return topics


# A question beside a request to read the visitor's own results or say what they have: the answer
# adds that only their doctor can (the facts stay general).
RESULTS_CATEGORIES = {"test_results", "diagnosis"}


def answer_topics(dispatcher: CollectingDispatcher, content: Content, topic_ids: Sequence[str],
                  personal: bool = False, pain: bool = False, results: bool = False) -> bool:
    """Send the answers of ``topic_ids`` as one reply, with links and follow-up buttons.

    ``personal`` adds the line that the team decides for them; ``results`` the line
    that only their doctor can read their results or say what they have (instead);
    ``pain`` adds a gentle line with 988 after a pain figure of speech. False if no
    topic exists.
    """
    topics = [t for t in (content.topic(i) for i in topic_ids) if t is not None]
    if not topics:
        return False
    parts = [content.render(t.get("answer")) for t in topics]
    for note, wanted in (("personal_note", personal and not results), ("results_note", results),
                         ("pain_note", pain)):
        if wanted:
            parts.append(content.render(content.message(note).get("text")))
    asked = {t["id"] for t in topics}
    follow_ups: List[str] = []
    for t in topics:
        follow_ups += [f for f in t.get("follow_ups") or [] if f not in asked and f not in follow_ups]
    links = [link for t in topics for link in t.get("links") or []]
    buttons = content.buttons(links) + content.topic_buttons(follow_ups[:3])
    dispatcher.utter_message(text="\n\n".join(p for p in parts if p), buttons=buttons)
    return True


class ActionAnswerFaq(Action):
    """One action for every topic: the parse data says which topics were asked."""

    def name(self) -> Text:
        return "action_answer_faq"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        content = turn_content(dispatcher, tracker)
        latest = tracker.latest_message or {}
        safety = latest.get("safety") or {}
        text = latest.get("text") or ""
        personal = (personal_frame(text) and not text.startswith("/")) or safety.get("kind") == "medical_advice"
        results = safety.get("kind") == "medical_advice" and safety.get("category") in RESULTS_CATEGORIES
        if not answer_topics(dispatcher, content, message_topics(tracker), personal=personal,
                             pain=safety.get("kind") == "pain_idiom", results=results):
            # A trained topic that staff removed from faq.yml: be honest, offer the menu.
            reply(dispatcher, content, "fallback")
        return []
