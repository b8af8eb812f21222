"""Crisis, emergency, pain idioms and medical-advice requests.

The detector (actions/safety/detector.py) decides the category from the
message itself, so the reply does not depend on a learned classifier. A
crisis or emergency also ends an active pre-screen and forgets its answers.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.content import CONTENT_DIR, get_content
from actions.replies import latest_intent, leave_prescreen_events
from actions.safety.detector import get_detector

ENDS_PRESCREEN = {"crisis", "emergency"}
# "Should I get this?" cannot be answered here; the pre-screen is the next step.
OFFER_PRESCREEN = {"personal_recommendation"}
KIND_BY_INTENT = {
    "crisis": "crisis",
    "emergency": "emergency",
    "pain_idiom": "pain_idiom",
    "ask_medical_advice": "medical_advice",
}


def safety_detector() -> Any:
    return get_detector(CONTENT_DIR / "safety.yml")


class ActionRespondSafety(Action):
    """Sends the safety message for what the visitor wrote."""

    def name(self) -> Text:
        return "action_respond_safety"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        detector = safety_detector()
        text = (tracker.latest_message or {}).get("text") or ""
        result = detector.detect(text)
        if result is not None:
            kind, category, template = result.kind, result.category, result.message
        else:
            # The classifier recognised the request but no pattern matched:
            # answer with the first category of that kind (the general one).
            kind = KIND_BY_INTENT.get(latest_intent(tracker), "medical_advice")
            category = next(c for k, c in detector.categories if k == kind)
            template = detector.message_for(kind, category)
        content = get_content()
        buttons = []
        if category in OFFER_PRESCREEN and (tracker.active_loop or {}).get("name") != "prescreen_form":
            buttons = content.buttons(content.message("prescreen_offer").get("buttons"))
        dispatcher.utter_message(text=content.render(template), buttons=buttons)
        if kind in ENDS_PRESCREEN and (tracker.active_loop or {}).get("name") == "prescreen_form":
            return leave_prescreen_events(domain)
        return []
