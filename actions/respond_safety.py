"""Crisis, emergency, the check-in, pain idioms and medical-advice requests.

MessageGuard (in the Rasa process) decides, from the whole message and each
clause, and puts its decision in the parse data (``safety``: kind, source,
category). This action replies to that decision; it re-runs the patterns only
for parse data without one. A crisis or emergency also ends an active
pre-screen and forgets its answers. The check-in answers the message's FAQ
questions first, then asks its direct question (actions/checkin.py).
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.checkin import ask_checkin, section_template
from assistant.content import get_content
from actions.language import turn_content
from actions.faq import answer_topics, message_topics
from assistant import contract
from assistant.safety import languages
from actions.replies import latest_intent, leave_prescreen_events

ENDS_PRESCREEN = {"crisis", "emergency"}
# "Should I get this?" cannot be answered here; the pre-screen is the next step.
OFFER_PRESCREEN = {"personal_recommendation"}
KIND_BY_INTENT = contract.SAFETY_KIND_BY_INTENT


def safety_detector() -> Any:
    return get_content().safety_detector


def decision(tracker: Tracker) -> Tuple[str, str]:
    """(kind, category) to reply to: the guard's decision, else the patterns, else the intent."""
    latest = tracker.latest_message or {}
    kind = KIND_BY_INTENT.get(latest_intent(tracker), "medical_advice")
    safety: Dict[str, Any] = latest.get("safety") or {}
    if safety.get("kind") == kind:
        return kind, str(safety.get("category") or "")
    result = safety_detector().detect(latest.get("text") or "")
    if result is not None and result.kind == kind:
        return kind, result.category
    return kind, ""


def template_for(kind: str, category: str, content: Any) -> Optional[str]:
    detector = content.safety_detector  # the English patterns; the messages in the content's language
    if category:
        try:
            return detector.message_for(kind, category)
        except KeyError:
            pass  # staff renamed the category since the guard decided: use the section's reply
    return section_template(content, kind) or detector.message_for(
        kind, next(c for k, c in detector.categories if k == kind))


def in_their_language(kind: str, language: str, content: Any) -> str:
    """The reply in the visitor's language, then in English, then in Spanish."""
    langs = languages.load()
    parts = []
    if language in langs.replies:
        parts.append(langs.replies[language][kind])
    parts.append(content.render(section_template(content, kind)))
    if language != "es" and "es" in langs.replies:
        parts.append(langs.replies["es"][kind])
    return "\n\n".join(p for p in parts if p)


class ActionRespondSafety(Action):
    """Sends the safety message for what MessageGuard decided."""

    def name(self) -> Text:
        return "action_respond_safety"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        content = turn_content(dispatcher, tracker)
        kind, category = decision(tracker)
        if kind == "checkin":
            return ask_checkin(dispatcher, content, message_topics(tracker), answer_topics)
        buttons = []
        if category in OFFER_PRESCREEN and (tracker.active_loop or {}).get("name") != "prescreen_form":
            buttons = content.buttons(content.message("prescreen_offer").get("buttons"))
        safety = (tracker.latest_message or {}).get("safety") or {}
        if safety.get("source") == "language" and kind in ("crisis", "emergency") and category != content.language:
            dispatcher.utter_message(text=in_their_language(kind, category, content))
        else:
            dispatcher.utter_message(text=content.render(template_for(kind, category, content)), buttons=buttons)
        if kind == "medical_advice":
            # the decision is the care team's; the page's general facts still help
            answer_topics(dispatcher, content, message_topics(tracker))
        if kind in ENDS_PRESCREEN and (tracker.active_loop or {}).get("name") == "prescreen_form":
            return leave_prescreen_events(domain)
        return []
