"""Conversation basics: greeting, help, contact, fallback, privacy requests."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, AllSlotsReset, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from assistant import contract
from assistant.content import Content, get_content
from actions.language import turn_content

# Which messages.yml entry answers which intent. Wording lives in content/.
INTENT_MESSAGES: Dict[str, str] = {
    "greet": "greeting",
    "ask_help": "help",
    "affirm": "help",
    "deny": "help",
    "not_sure": "help",
    "thank": "thanks",
    "goodbye": "goodbye",
    "bot_challenge": "bot_challenge",
    "ask_human": "contact",
    "out_of_scope": "out_of_scope",
    "nlu_fallback": "fallback",
    "non_english": "non_english",
    "empty_message": "empty_message",
    "message_too_long": "message_too_long",
    "ask_recall": "recall_refusal",
}
ERASE_SLOT = contract.ERASE_SLOT


def reply(dispatcher: CollectingDispatcher, content: Content, message_id: str) -> None:
    """Send a message from messages.yml with its buttons."""
    msg = content.message(message_id)
    dispatcher.utter_message(text=content.render(msg.get("text")), buttons=content.buttons(msg.get("buttons")))


def latest_intent(tracker: Tracker) -> str:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name") or ""


class ActionReply(Action):
    """Answers the conversation-basics intents from messages.yml."""

    def name(self) -> Text:
        return "action_reply"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        from actions.checkin import answer_checkin, checkin_answer  # deferred: actions.faq imports this module
        from actions.faq import answer_topics

        content = turn_content(dispatcher, tracker)
        answer = checkin_answer(tracker, latest_intent(tracker))
        if answer is not None:
            events = answer_checkin(dispatcher, content, tracker, answer, answer_topics)
            if answer == "yes" and (tracker.active_loop or {}).get("name") == "prescreen_form":
                # the slots come from the tracker: this hot-path action is not sent the domain
                events += leave_prescreen_events({"slots": dict(tracker.slots)})
            return events
        if latest_intent(tracker) == "affirm" and (tracker.active_loop or {}).get("name") != "prescreen_form":
            from actions.prescreen.offer import accept_offer  # "yes please" does what the bot offered

            accepted = accept_offer(dispatcher, content, tracker)
            if accepted is not None:
                return accepted
        if latest_intent(tracker) == "switch_language":
            # the slot is already set from the message; confirm in the new language
            reply(dispatcher, content, "language_switched")
            if (tracker.active_loop or {}).get("name") != "prescreen_form":
                reply(dispatcher, content, "greeting")
            return []
        reply(dispatcher, content, INTENT_MESSAGES.get(latest_intent(tracker), "fallback"))
        return []


class ActionDefaultFallback(Action):
    """Low-confidence dialogue prediction: an honest 'I can help with…' reply."""

    def name(self) -> Text:
        return "action_default_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        reply(dispatcher, turn_content(dispatcher, tracker), "fallback")
        return []


def prescreen_slots(domain: Dict[Text, Any]) -> List[str]:
    """The pre-screen's answer slots (named ps_*)."""
    return [slot for slot in domain.get("slots", {}) if slot.startswith("ps_")]


def prescreen_reset_events(domain: Dict[Text, Any]) -> List[EventType]:
    """Clear every pre-screen answer (health data is not kept longer than needed)."""
    return [SlotSet(slot, None) for slot in prescreen_slots(domain)]


def leave_prescreen_events(domain: Dict[Text, Any]) -> List[EventType]:
    """End an active pre-screen and forget its answers."""
    return [ActiveLoop(None), SlotSet("requested_slot", None)] + prescreen_reset_events(domain)


class ActionStartOver(Action):
    """'Start over' outside a form: forget the answers and show the menu again."""

    def name(self) -> Text:
        return "action_start_over"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        content = turn_content(dispatcher, tracker)
        reply(dispatcher, content, "start_over_done")
        reply(dispatcher, content, "greeting")
        return [ActiveLoop(None), AllSlotsReset()]


class ActionForgetMe(Action):
    """Erase this visitor's stored conversation.

    The action only marks the request; the tracker store (stores/erasable.py)
    deletes every stored event of this conversation when it saves the turn and
    verifies it. The confirmation ("forget_me_done") or the failure note
    ("forget_me_failed") is sent by the channel (channels/door.py) only after
    that, so the visitor is never told "erased" before it is true.
    """

    def name(self) -> Text:
        return "action_forget_me"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        return [ActiveLoop(None), AllSlotsReset(), SlotSet(ERASE_SLOT, True)]
