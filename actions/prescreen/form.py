"""Rasa glue for the pre-screen: validation, questions, outcome and hand-off.

All decisions live in pure modules of `assistant.prescreen`: `extract` reads
answers from free text, `criteria` decides which questions apply and evaluates
the answers against content/prescreen.yml. This module only moves values
between them and the tracker. It never logs answers or message text.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.checkin import checkin_answer
from actions.content import Content, get_content, reply
from actions.replies import latest_intent, leave_prescreen_events, prescreen_reset_events, prescreen_slots
from assistant.prescreen import criteria, extract

FORM = "prescreen_form"
REQUESTED_SLOT = "requested_slot"
CONSENT = "ps_consent"

# Messages that leave the form: the rules for these intents take over.
EXIT_INTENTS = {"crisis", "emergency", "stop", "start_over", "forget_me", "goodbye"}
# Safety is always handed to its rules at once (crisis and emergency end the
# pre-screen; the check-in asks its question and the form resumes); a learned
# "stop" or "forget me" must be fairly sure, or a stray answer could end the
# pre-screen (or erase the conversation).
ALWAYS_EXIT = {"crisis", "emergency", "safety_checkin"}
EXIT_MIN_CONFIDENCE = 0.5
# Questions and remarks that are answered, after which the form asks again.
INTERRUPT_INTENTS = {
    "greet", "thank", "bot_challenge", "ask_human", "ask_help", "ask_recall", "out_of_scope",
    "pain_idiom", "ask_medical_advice", "non_english", "empty_message", "message_too_long",
}


def answers_from(tracker: Tracker, slots: List[str]) -> Dict[str, Any]:
    return {s: tracker.get_slot(s) for s in slots if tracker.get_slot(s) is not None}


def question_spec(spec: Dict[str, Any], slot: str) -> Dict[str, Any]:
    return next((q for q in spec.get("questions") or [] if q.get("slot") == slot), {})


def next_slot(answers: Dict[str, Any], spec: Dict[str, Any]) -> Optional[str]:
    if answers.get(CONSENT) == "no":
        return None
    remaining = criteria.questions_to_ask(answers, spec)
    return remaining[0] if remaining else None


def _events_since_last_user(tracker: Tracker) -> List[Dict[str, Any]]:
    events = tracker.events or []
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
    return events[last_user + 1:]


def returning_from_interruption(tracker: Tracker) -> bool:
    """True when another action answered the latest message (the form resumes)."""
    own = {FORM, f"validate_{FORM}", "action_listen", "action_extract_slots", None}
    return any(e.get("event") == "action" and e.get("name") not in own for e in _events_since_last_user(tracker))


def opening_texts(tracker: Tracker, lookback: int = 3) -> List[str]:
    """Visitor messages that may hold facts volunteered before consent.

    The last few messages before the pre-screen started (the one that started
    it, and e.g. "I've had diabetic neuropathy for five years" just before),
    but nothing from an earlier pre-screen, plus those since it started.
    """
    events = tracker.events or []
    start = max(
        (i for i, e in enumerate(events) if e.get("event") == "active_loop" and e.get("name") == FORM),
        default=len(events),
    )
    since = max(
        (i for i, e in enumerate(events[:start])
         if (e.get("event") == "active_loop" and not e.get("name")) or e.get("event") == "session_started"),
        default=-1,
    )
    before = [e for e in events[since + 1:start] if e.get("event") == "user"][-lookback:]
    texts = [e.get("text") for e in before + [e for e in events[start:] if e.get("event") == "user"]]
    return [t for t in texts if isinstance(t, str) and not t.startswith("/")]


class ValidatePrescreenForm(FormValidationAction):
    """Reads each answer, fills volunteered facts, and picks the next question."""

    def name(self) -> Text:
        return f"validate_{FORM}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        content = get_content()
        spec = content.prescreen
        slots = prescreen_slots(domain)
        answers = answers_from(tracker, slots)
        requested = tracker.get_slot(REQUESTED_SLOT)
        activating = (tracker.active_loop or {}).get("name") != FORM

        if activating or requested is None or returning_from_interruption(tracker):
            return [SlotSet(REQUESTED_SLOT, requested or next_slot(answers, spec))]

        intent = latest_intent(tracker)
        confidence = ((tracker.latest_message or {}).get("intent") or {}).get("confidence") or 0.0
        if intent in ALWAYS_EXIT or (intent in EXIT_INTENTS and confidence >= EXIT_MIN_CONFIDENCE):
            return []  # reject: the rules for crisis, stop, start over, ... take over
        if checkin_answer(tracker, intent) is not None:
            return []  # the answer to the safety check-in, not to the form's question

        text = (tracker.latest_message or {}).get("text") or ""
        today = date.today()
        parsed = extract.parse_answer(requested, text, today=today, spec=spec)
        updates: Dict[str, Any] = {}
        if parsed.status == "ok":
            updates[requested] = parsed.value
        elif parsed.status == "invalid":
            self._reask(dispatcher, content, spec, requested)
            return [SlotSet(requested, None), SlotSet(REQUESTED_SLOT, requested)]

        consented = updates.get(CONSENT, answers.get(CONSENT)) == "yes"
        if requested == CONSENT and updates.get(CONSENT) == "unsure":
            updates.pop(CONSENT)
        if updates.get("ps_type") == "diabetic":
            updates.setdefault("ps_diabetes", "yes")
        if consented:
            sources = opening_texts(tracker) if requested == CONSENT else [text]
            for source in sources:
                for slot, value in extract.extract_facts(source, today=today).items():
                    if slot in slots and slot not in answers and slot not in updates:
                        updates[slot] = value

        if not updates:
            if intent.startswith("faq_") or intent in INTERRUPT_INTENTS:
                return []  # reject: answer the question, then the form asks again
            self._reask(dispatcher, content, spec, requested)
            return [SlotSet(requested, None), SlotSet(REQUESTED_SLOT, requested)]

        answers.update(updates)
        events: List[EventType] = [SlotSet(slot, value) for slot, value in updates.items()]
        return events + [SlotSet(REQUESTED_SLOT, next_slot(answers, spec))]

    @staticmethod
    def _reask(dispatcher: CollectingDispatcher, content: Content, spec: Dict[str, Any], slot: str) -> None:
        text = question_spec(spec, slot).get("reask")
        if text:
            dispatcher.utter_message(text=content.render(text))


class AskPrescreenQuestion(Action):
    """Asks one pre-screen question (subclassed per slot below)."""

    slot: str = ""

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        content = get_content()
        spec = content.prescreen
        if self.slot == CONSENT:
            self._mention_exclusions(dispatcher, content, spec, tracker)
        question = question_spec(spec, self.slot)
        dispatcher.utter_message(text=content.render(question.get("text")), buttons=content.buttons(question.get("buttons")))
        return []

    @staticmethod
    def _mention_exclusions(dispatcher: CollectingDispatcher, content: Content, spec: Dict[str, Any], tracker: Tracker) -> None:
        """If the opening message names an exclusion, explain it before asking consent.

        This is general information about what the visitor said, not a verdict:
        the pre-screen and the clinic's team still decide nothing here.
        """
        if tracker.get_slot(CONSENT) is not None or latest_intent(tracker) not in ("start_prescreen", "inform"):
            return
        text = (tracker.latest_message or {}).get("text") or ""
        facts = extract.extract_facts(text, today=date.today())
        if not facts:
            return
        outcome = criteria.evaluate(facts, spec)
        wording = spec.get("mentioned") or {}
        for exclusion in outcome.exclusions:
            parts = [wording.get("intro"), exclusion.get("explanation"), exclusion.get("what_could_change")]
            dispatcher.utter_message(text=content.render(" ".join(p for p in parts if p)))


def _ask_action(slot: str) -> type:
    return type(f"Ask_{slot}", (AskPrescreenQuestion,), {"slot": slot, "__module__": __name__})


ASK_ACTIONS = [
    _ask_action(s)
    for s in (
        "ps_consent", "ps_type", "ps_diagnosis", "ps_duration", "ps_chemo_active", "ps_infection",
        "ps_cancer", "ps_diabetes", "ps_a1c", "ps_a1c_plan", "ps_compressive",
    )
]


class ActionSubmitPrescreen(Action):
    """Explains the outcome and hands off to the intake form, then forgets the answers."""

    def name(self) -> Text:
        return "action_submit_prescreen"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        content = get_content()
        spec = content.prescreen
        answers = answers_from(tracker, prescreen_slots(domain))
        if answers.get(CONSENT) != "yes":
            dispatcher.utter_message(text=content.render((spec.get("declined") or {}).get("text")))
            reply(dispatcher, content, "help")
            return prescreen_reset_events(domain)
        outcome = criteria.evaluate(answers, spec)
        outcomes = spec.get("outcomes") or {}
        lines = [content.render((outcomes.get(outcome.kind) or {}).get("text"))]
        if outcome.kind == "excluded":
            for exclusion in outcome.exclusions:
                lines.append(content.render(" ".join(
                    p for p in (exclusion.get("name") and f"{exclusion['name']}:", exclusion.get("explanation"),
                                exclusion.get("what_could_change")) if p)))
        for note in outcome.notes:
            lines.append(content.render(note.get("text")))
        dispatcher.utter_message(text="\n\n".join(line for line in lines if line))
        self._handoff(dispatcher, content, spec, answers)
        # The summary was shown once; the answers are not kept for later turns.
        return prescreen_reset_events(domain)

    @staticmethod
    def _handoff(dispatcher: CollectingDispatcher, content: Content, spec: Dict[str, Any], answers: Dict[str, Any]) -> None:
        handoff = spec.get("handoff") or {}
        summary = criteria.summary_lines(answers, spec)
        parts = [content.render(handoff.get("text")), content.render(handoff.get("what_to_bring"))]
        if summary:
            parts.append(content.render(handoff.get("summary_intro")) + "\n" + "\n".join(f"- {s}" for s in summary))
        button = {"title": handoff.get("button_title") or "", "url": "{intake_url}"}
        dispatcher.utter_message(text="\n\n".join(p for p in parts if p.strip()), buttons=content.buttons([button]))


class ActionStop(Action):
    """'Stop' / 'cancel': leaves the pre-screen (forgetting its answers) or just acknowledges."""

    def name(self) -> Text:
        return "action_stop"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        content = get_content()
        if (tracker.active_loop or {}).get("name") == FORM:
            dispatcher.utter_message(text=content.render((content.prescreen.get("cancelled") or {}).get("text")))
            return leave_prescreen_events(domain)
        reply(dispatcher, content, "help")
        return []


class ActionRestartPrescreen(Action):
    """'Start over' inside the pre-screen: forget the answers, keep the consent, ask again."""

    def name(self) -> Text:
        return "action_restart_prescreen"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        content = get_content()
        dispatcher.utter_message(text=content.render((content.prescreen.get("restarted") or {}).get("text")))
        consent = tracker.get_slot(CONSENT)
        return prescreen_reset_events(domain) + [SlotSet(CONSENT, consent), SlotSet(REQUESTED_SLOT, None)]
