"""Answers FAQ topics from content/faq.yml (intent `faq_<topic id>`)."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.content import Content, get_content, reply
from actions.replies import latest_intent

FAQ_PREFIX = "faq_"


def answer_topic(dispatcher: CollectingDispatcher, content: Content, topic_id: str) -> bool:
    """Send one topic's answer with its links and follow-up buttons."""
    topic = content.topic(topic_id)
    if topic is None:
        return False
    buttons = content.buttons(topic.get("links")) + content.topic_buttons(topic.get("follow_ups") or [])
    dispatcher.utter_message(text=content.render(topic.get("answer")), buttons=buttons)
    return True


class ActionAnswerFaq(Action):
    """One action for every topic: the intent name says which topic."""

    def name(self) -> Text:
        return "action_answer_faq"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        content = get_content()
        intent = latest_intent(tracker)
        topic_id = intent[len(FAQ_PREFIX):] if intent.startswith(FAQ_PREFIX) else ""
        if not answer_topic(dispatcher, content, topic_id):
            # A trained topic that staff removed from faq.yml: be honest, offer the menu.
            reply(dispatcher, content, "fallback")
        return []
