"""Rasa glue for the pre-screen: validation, questions, the check before the result, outcome and hand-off.

All decisions live in pure modules of `assistant.prescreen`: `turn.read_turn` reads each
reply (what it records and what kind of reply it is), `criteria` decides which questions
apply, evaluates the answers against content/prescreen.yml and words the summary. This
module only moves values between them and the tracker, and picks the wording from
content/. It never logs answers or message text.

Per reply, at most one message is sent by the form: the question, asked again with what
the reply needs said first (a re-ask with an example, an explanation, "Thanks, I changed
that answer."), all in one message by the ask action. The validator never speaks.

Slots besides the answers (all named ps_*, so every way out of the pre-screen clears them):
- ps_prompt: what the ask action says before the question this turn (read once).
- ps_notes: how answers were said (hedges, "about"), the question answered last, the
  answer being fixed. Health information: cleared with the answers.
- ps_confirm: "yes" once the patient said the list is right.
"""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.checkin import checkin_answer
from actions.replies import latest_intent, leave_prescreen_events, prescreen_reset_events, prescreen_slots
from assistant.content import Content, get_content
from actions.language import turn_content
from assistant.prescreen import criteria
from assistant.prescreen import spanish
from assistant.prescreen.extract import button_value
from assistant.prescreen.parsers import parse_consent
from assistant.prescreen.text import normalize
from assistant.prescreen.turn import CONFIRM, how_said, read_facts, read_turn
from assistant.prescreen.values import SLOTS as ANSWER_SLOTS

FORM = "prescreen_form"
REQUESTED_SLOT = "requested_slot"
CONSENT = "ps_consent"
PROMPT = "ps_prompt"
NOTES = "ps_notes"
MAX_TEXT = 300  # bounded extractor time (issue 12)

# Messages that leave the form: the rules for these intents take over.
EXIT_INTENTS = {"crisis", "emergency", "stop", "start_over", "forget_me", "goodbye"}
# Safety is always handed to its rules at once (crisis and emergency end the
# pre-screen; the check-in asks its question and the form resumes); a learned
# "stop" or "forget me" must be fairly sure, or a stray answer could end the
# pre-screen (or erase the conversation).
ALWAYS_EXIT = {"crisis", "emergency", "safety_checkin"}
EXIT_MIN_CONFIDENCE = 0.5
# Remarks that are answered by their own rules, after which the form asks again,
# when the reply is not an answer. Anything else that is not an answer ("purple monkey",
# out of scope, not understood) gets the question's own re-ask with an example.
INTERRUPT_INTENTS = {
    "greet", "thank", "bot_challenge", "ask_human", "ask_help", "ask_recall",
    "pain_idiom", "ask_medical_advice", "non_english", "empty_message", "message_too_long",
    "switch_language",
}
# Safety replies (the medical-advice redirect, the gentle line after a pain idiom) come
# before any explanation of the question.
SAFETY_FIRST = {"pain_idiom", "ask_medical_advice"}
# A question back that its own rules answer better than the question's explanation.
ANSWERED_ELSEWHERE = {"ask_human", "bot_challenge", "ask_recall", "out_of_scope", "non_english"}
_CONFIRM_YES = re.compile(
    r"^\W*(?:(?:yes|yeah|yep|yup|y+e+s+|yea|ok|okay|sure|correct|right|perfect|great|good|fine|all good|"
    r"looks? (?:good|right|fine|correct)|that'?s (?:right|correct|it)|all (?:correct|right)|exactly|confirmed?|"
    r"it'?s (?:right|correct|all right)|continue|go on|go ahead|next)\b\W*)+$",
    re.I,
)
_KEEP_IT = re.compile(
    r"^\W*(?:never ?mind|nvm|keep it|leave it|no change|it'?s fine|it was (?:right|fine|correct)|"
    r"that was (?:right|fine|correct)|it'?s (?:right|correct) as it is|cancel that)\b",
    re.I,
)
_CONFIRM_NO = re.compile(
    r"^\W*(?:no|nope|nah|not (?:quite|right|correct|really)|wrong|that'?s wrong|something'?s wrong|"
    r"one (?:is|of them is) wrong|there'?s a mistake|mistake)\b",
    re.I,
)


# --------------------------------------------------------------------------
# Reading the tracker


def answers_from(tracker: Tracker, slots: Optional[List[str]] = None) -> Dict[str, Any]:
    """The recorded answers (the question slots only, not the helper slots)."""
    names = [s for s in (slots or ANSWER_SLOTS) if s in ANSWER_SLOTS]
    return {s: tracker.get_slot(s) for s in names if tracker.get_slot(s) is not None}


def notes_from(tracker: Tracker) -> Dict[str, Any]:
    notes = tracker.get_slot(NOTES)
    return dict(notes) if isinstance(notes, dict) else {}


def question_spec(spec: Dict[str, Any], slot: str) -> Dict[str, Any]:
    return next((q for q in spec.get("questions") or [] if q.get("slot") == slot), {})


def next_slot(answers: Dict[str, Any], spec: Dict[str, Any], confirmed: bool = False) -> Optional[str]:
    """The next question; the check of the answers (CONFIRM) once all are answered; None at the end."""
    if answers.get(CONSENT) == "no":
        return None
    remaining = criteria.questions_to_ask(answers, spec)
    if remaining:
        return remaining[0]
    if answers.get(CONSENT) == "yes" and not confirmed:
        return CONFIRM
    return None


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

    The last few messages before the pre-screen started (the one that started it,
    and e.g. "I've had diabetic neuropathy for five years" just before), but
    nothing from an earlier pre-screen, plus those since it started, up to (not
    including) the latest one, which is read as the reply to the consent question.
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
    after = [e for e in events[start:] if e.get("event") == "user"][:-1]
    texts = [e.get("text") for e in before + after]
    return [t[:MAX_TEXT] for t in texts if isinstance(t, str) and not t.startswith("/")]


# --------------------------------------------------------------------------
# Validation


class ValidatePrescreenForm(FormValidationAction):
    """Reads each reply, records what it says, and picks what to ask next."""

    def name(self) -> Text:
        return f"validate_{FORM}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        content = turn_content(dispatcher, tracker)
        spec = content.prescreen
        answers = answers_from(tracker, prescreen_slots(domain))
        notes = notes_from(tracker)
        requested = tracker.get_slot(REQUESTED_SLOT)
        activating = (tracker.active_loop or {}).get("name") != FORM
        confirmed = tracker.get_slot(CONFIRM) == "yes"

        if activating or requested is None or returning_from_interruption(tracker):
            return [SlotSet(REQUESTED_SLOT, requested or next_slot(answers, spec, confirmed))]

        intent = latest_intent(tracker)
        confidence = ((tracker.latest_message or {}).get("intent") or {}).get("confidence") or 0.0
        language = content.language
        if intent not in ALWAYS_EXIT and _is_offered_answer(requested, (tracker.latest_message or {}).get("text"), spec):
            intent, confidence = "inform", 1.0  # a tap on an answer button ("Sí, empecemos") is the answer
        if intent in ALWAYS_EXIT or (intent in EXIT_INTENTS and confidence >= EXIT_MIN_CONFIDENCE):
            return []  # reject: the rules for crisis, stop, start over, ... take over
        if checkin_answer(tracker, intent) is not None:
            return []  # the answer to the safety check-in, not to the form's question

        text = ((tracker.latest_message or {}).get("text") or "")[:MAX_TEXT]  # bounded extractor time (issue 12)
        if text.strip().startswith("/"):
            return []  # a button (an FAQ topic, "Contact the clinic"): its rule answers, then the form asks again
        today = date.today()
        if requested == CONFIRM:
            return self._confirm(text, intent, answers, notes, spec, today, language)

        if notes.get("fixing") == requested and _KEEP_IT.match(to_reader(text, language)):
            # "never mind": the answer being fixed stays as it was; back to the list
            rest = {k: v for k, v in notes.items() if k != "fixing"}
            return [SlotSet(NOTES, rest), SlotSet(PROMPT, None), SlotSet(REQUESTED_SLOT, next_slot(answers, spec))]
        turn = read_turn(requested, text, answers, today=today, spec=spec, last_answered=notes.get("last"),
                         language=language)
        if turn.kind in ("question_back", "unrelated"):
            return self._not_an_answer(turn, requested, intent, spec)

        record = dict(turn.record)
        if requested == CONSENT and record.get(CONSENT) == "yes":
            # facts volunteered before consent, read the same way, now that the patient agreed
            texts = opening_texts(tracker)
            opening = {k: v for k, v in read_facts(texts, {}, today, language=language).items()
                       if k not in answers and k not in record}
            record = {**opening, **record}
            if record.get("ps_type") == "diabetic":
                record.setdefault("ps_diabetes", "yes")
            turn = replace(turn, notes={**how_said([to_reader(t, language) for t in texts], opening), **turn.notes})
        return self._record(record, turn, requested, answers, notes, spec, confirmed)

    # -- replies that record something -----------------------------------------------
    @staticmethod
    def _record(record: Dict[str, Any], turn: Any, requested: str, answers: Dict[str, Any], notes: Dict[str, Any],
                spec: Dict[str, Any], confirmed: bool) -> List[EventType]:
        said = dict(notes.get("said") or {})
        for slot in record:
            said.pop(slot, None)  # a new answer replaces how the old one was said
        said.update({k: v for k, v in turn.notes.items() if v})
        new_notes = {**notes, "said": said}
        if turn.answered:
            new_notes["last"] = turn.answered
        if new_notes.get("fixing") in record:
            new_notes.pop("fixing")
        updated = {**answers, **record}
        nxt = next_slot(updated, spec, confirmed)
        prompt = None
        if turn.corrected:
            prompt = "changed"
        elif any(k not in (requested, "ps_diabetes") for k in record):
            prompt = "noted"
        if nxt is None and requested == CONSENT:
            prompt = None
        events: List[EventType] = [SlotSet(slot, value) for slot, value in record.items()]
        return events + [SlotSet(NOTES, new_notes), SlotSet(PROMPT, prompt), SlotSet(REQUESTED_SLOT, nxt)]

    # -- replies that record nothing --------------------------------------------------
    @staticmethod
    def _not_an_answer(turn: Any, requested: str, intent: str, spec: Dict[str, Any]) -> List[EventType]:
        explained = bool(question_spec(spec, requested).get("explanation"))
        if intent in SAFETY_FIRST:
            return []  # the safety reply first (its rule), then the form asks again
        if turn.kind == "question_back":
            if turn.question == "result":
                prompt = "result"
            elif turn.question == "about" and explained and intent not in ANSWERED_ELSEWHERE:
                prompt = "explain"
            else:
                return []  # an FAQ or any other question: its rule answers, then the form asks again
        elif intent in INTERRUPT_INTENTS:
            return []  # "hi", "thanks", "are you a bot?": their rules answer, then the form asks again
        else:
            prompt = "reask"
        return [SlotSet(PROMPT, prompt), SlotSet(REQUESTED_SLOT, requested)]

    # -- the check before the result ---------------------------------------------------
    def _confirm(self, text: str, intent: str, answers: Dict[str, Any], notes: Dict[str, Any],
                 spec: Dict[str, Any], today: date, language: str = "en") -> List[EventType]:
        confirm = spec.get("confirm") or {}
        plain = re.sub(r"\s+", " ", text).strip()
        said = re.sub(r"\s+", " ", to_reader(text, language)).strip()  # the English regexes read this
        fix = _fix_button(plain, answers, spec)
        if fix is None:
            fix = _named_question(plain, answers, spec)
        if fix is not None:
            return [SlotSet(NOTES, {**notes, "fixing": fix}), SlotSet(PROMPT, "fix"), SlotSet(REQUESTED_SLOT, fix)]
        if plain.lower() == str(confirm.get("yes_title") or "").strip().lower() or _CONFIRM_YES.match(said):
            return [SlotSet(CONFIRM, "yes"), SlotSet(PROMPT, None), SlotSet(REQUESTED_SLOT, None)]
        turn = read_turn(CONFIRM, text, answers, today=today, spec=spec, last_answered=notes.get("last"),
                         language=language)
        if turn.kind in ("correction", "other_fact"):
            return self._record(dict(turn.record), turn, CONFIRM, answers, notes, spec, False)
        if turn.kind == "question_back":
            if turn.question == "result":
                return [SlotSet(PROMPT, "result"), SlotSet(REQUESTED_SLOT, CONFIRM)]
            return []  # its rule answers, then the list is shown again
        if intent in INTERRUPT_INTENTS:
            return []
        if _CONFIRM_NO.match(said) or parse_consent(said, normalize(said), today).value == "no":
            return [SlotSet(PROMPT, "which"), SlotSet(REQUESTED_SLOT, CONFIRM)]
        return [SlotSet(PROMPT, "reask"), SlotSet(REQUESTED_SLOT, CONFIRM)]


def to_reader(text: str, language: str) -> str:
    """A Spanish reply in the reader's English words (assistant/prescreen/spanish.py); English as it is."""
    return spanish.to_english(text) if language == "es" else text


def _is_offered_answer(requested: Optional[str], text: Any, spec: Dict[str, Any]) -> bool:
    """True when the message is the title of one of the asked question's buttons (or the check's)."""
    if not isinstance(text, str) or not requested:
        return False
    plain = re.sub(r"\s+", " ", text).strip().lower()
    if requested == CONFIRM:
        confirm = spec.get("confirm") or {}
        prefix = str(confirm.get("change_prefix") or "").strip().lower()
        return plain == str(confirm.get("yes_title") or "").strip().lower() or bool(prefix and plain.startswith(prefix))
    return button_value(requested, text, spec) is not None


def _answered_questions(answers: Dict[str, Any], spec: Dict[str, Any]) -> List[Dict[str, Any]]:
    shown = {slot for slot, _label, _words in criteria.answer_lines(answers, spec)}
    return [q for q in spec.get("questions") or [] if q.get("slot") in shown]


def change_title(spec: Dict[str, Any], question: Dict[str, Any]) -> str:
    confirm = spec.get("confirm") or {}
    return f"{confirm.get('change_prefix') or ''}{question.get('short_label') or question.get('summary_label')}"


def _fix_button(text: str, answers: Dict[str, Any], spec: Dict[str, Any]) -> Optional[str]:
    """The question whose "Change: ..." button was pressed (or its title typed)."""
    wanted = text.lower()
    for q in _answered_questions(answers, spec):
        if wanted in (change_title(spec, q).strip().lower(), str(q.get("short_label") or "").lower()):
            return q["slot"]
    return None


_CHANGE_WORDS = re.compile(r"\b(?:change|fix|wrong|edit|correct|update|redo|mistake)\b", re.I)


def _named_question(text: str, answers: Dict[str, Any], spec: Dict[str, Any]) -> Optional[str]:
    """ "change the A1c", "the infection one is wrong": the question named, when the reply says no value."""
    if not _CHANGE_WORDS.search(text):
        return None
    low = text.lower()
    for q in _answered_questions(answers, spec):
        for name in (q.get("short_label"), q.get("summary_label")):
            if name and re.search(rf"\b{re.escape(str(name).lower())}\b", low):
                return q["slot"]
    return None


# --------------------------------------------------------------------------
# Asking


def _text(content: Content, record: Any) -> str:
    if isinstance(record, dict):
        record = record.get("text")
    return content.render(record) if record else ""


class AskPrescreenQuestion(Action):
    """Asks one pre-screen question (subclassed per slot below), with what must be said first."""

    slot: str = ""

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        content = turn_content(dispatcher, tracker)
        spec = content.prescreen
        prompt = tracker.get_slot(PROMPT)
        if self.slot == CONSENT and prompt is None:
            self._mention_exclusions(dispatcher, content, spec, tracker)
        question = question_spec(spec, self.slot)
        replies = spec.get("replies") or {}
        parts: List[str] = []
        if prompt == "reask":
            parts.append(_text(content, question.get("reask")))
        else:
            if prompt == "explain":
                parts.append(_text(content, question.get("explanation")))
            elif prompt == "fix":
                parts.append(_text(content, (spec.get("confirm") or {}).get("fix")))
            elif prompt in ("noted", "changed", "result"):
                parts.append(_text(content, replies.get(prompt)))
            parts.append(_text(content, question.get("text")))
        dispatcher.utter_message(text="\n\n".join(p for p in parts if p), buttons=content.buttons(question.get("buttons")))
        return [SlotSet(PROMPT, None)] if prompt is not None else []

    @staticmethod
    def _mention_exclusions(dispatcher: CollectingDispatcher, content: Content, spec: Dict[str, Any], tracker: Tracker) -> None:
        """If the opening message names an exclusion, explain it before asking consent.

        This is general information about what the visitor said, not a verdict:
        the pre-screen and the clinic's team still decide nothing here. Nothing
        is recorded before consent.
        """
        if tracker.get_slot(CONSENT) is not None or latest_intent(tracker) not in ("start_prescreen", "inform"):
            return
        text = ((tracker.latest_message or {}).get("text") or "")[:MAX_TEXT]
        facts = read_facts([text], {}, date.today())
        if not facts:
            return
        outcome = criteria.evaluate(facts, spec)
        wording = spec.get("mentioned") or {}
        for exclusion in outcome.exclusions:
            parts = [wording.get("intro"), exclusion.get("explanation"), exclusion.get("what_could_change")]
            dispatcher.utter_message(text=content.render(" ".join(p for p in parts if p)))


class AskPrescreenConfirm(Action):
    """The check before the result: the answers as a list, "Is this right?", a button per answer."""

    def name(self) -> Text:
        return f"action_ask_{CONFIRM}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        content = turn_content(dispatcher, tracker)
        spec = content.prescreen
        confirm = spec.get("confirm") or {}
        replies = spec.get("replies") or {}
        prompt = tracker.get_slot(PROMPT)
        answers = answers_from(tracker)
        said = notes_from(tracker).get("said") or {}
        lines = criteria.summary_lines(answers, spec, said)
        parts: List[str] = []
        if prompt in ("noted", "changed", "result"):
            parts.append(_text(content, replies.get(prompt)))
        elif prompt == "which":
            parts.append(_text(content, confirm.get("which")))
        elif prompt == "reask":
            parts.append(_text(content, confirm.get("reask")))
        parts.append(_text(content, confirm.get("intro")) + "\n" + "\n".join(f"- {line}" for line in lines))
        if prompt not in ("which", "reask"):
            parts.append(_text(content, confirm.get("text")))
        buttons = [{"title": confirm.get("yes_title") or ""}]
        buttons += [{"title": change_title(spec, q)} for q in _answered_questions(answers, spec)]
        dispatcher.utter_message(text="\n\n".join(p for p in parts if p), buttons=content.buttons(buttons))
        return [SlotSet(PROMPT, None)] if prompt is not None else []


def _ask_action(slot: str) -> type:
    return type(f"Ask_{slot}", (AskPrescreenQuestion,), {"slot": slot, "__module__": __name__})


ASK_ACTIONS = [
    _ask_action(s)
    for s in (
        "ps_consent", "ps_type", "ps_diagnosis", "ps_duration", "ps_chemo_active", "ps_infection",
        "ps_cancer", "ps_diabetes", "ps_a1c", "ps_a1c_plan", "ps_compressive",
    )
]


# --------------------------------------------------------------------------
# The result and the hand-off


class ActionSubmitPrescreen(Action):
    """The result, the patient's summary, and the hand-off to the intake form; then forgets the answers.

    Three messages: the result (with the reasons to wait and notes), the summary (its own
    message, so it can be copied as a whole, followed by a `custom` message
    {"data": {"kind": "prescreen_summary", "summary": <the lines>}} that marks it for the
    widget's "Copy summary" button; socket.io delivers the inner object as `bot_uttered`),
    and the hand-off with the intake button (last).
    """

    def name(self) -> Text:
        return "action_submit_prescreen"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        content = turn_content(dispatcher, tracker)
        spec = content.prescreen
        answers = answers_from(tracker, prescreen_slots(domain))
        if answers.get(CONSENT) != "yes":
            dispatcher.utter_message(text=content.render((spec.get("declined") or {}).get("text")))
            help_message = content.message("help")
            dispatcher.utter_message(text=content.render(help_message.get("text")),
                                     buttons=content.buttons(help_message.get("buttons")))
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
        self._summary(dispatcher, content, spec, answers, notes_from(tracker).get("said") or {})
        self._handoff(dispatcher, content, spec)
        # The summary was shown once; the answers are not kept for later turns.
        return prescreen_reset_events(domain)

    @staticmethod
    def _summary(dispatcher: CollectingDispatcher, content: Content, spec: Dict[str, Any], answers: Dict[str, Any],
                 said: Dict[str, Any]) -> None:
        summary = criteria.summary_lines(answers, spec, said)
        if not summary:
            return
        handoff = spec.get("handoff") or {}
        body = "\n".join(f"- {line}" for line in summary)
        dispatcher.utter_message(text=content.render(handoff.get("summary_intro")) + "\n" + body)
        # socket.io (Rasa's SocketIOOutput) emits `custom` as emit(**custom): "data" is what the widget
        # gets; no "text" key, so a widget that does not know it shows nothing
        dispatcher.utter_message(json_message={"data": {"kind": "prescreen_summary", "summary": body}})

    @staticmethod
    def _handoff(dispatcher: CollectingDispatcher, content: Content, spec: Dict[str, Any]) -> None:
        handoff = spec.get("handoff") or {}
        parts = [content.render(handoff.get("text")), content.render(handoff.get("what_to_bring"))]
        button = {"title": handoff.get("button_title") or "", "url": "{intake_url}"}
        dispatcher.utter_message(text="\n\n".join(p for p in parts if p.strip()), buttons=content.buttons([button]))


class ActionStop(Action):
    """'Stop' / 'cancel': leaves the pre-screen (forgetting its answers) or just acknowledges."""

    def name(self) -> Text:
        return "action_stop"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        content = turn_content(dispatcher, tracker)
        if (tracker.active_loop or {}).get("name") == FORM:
            dispatcher.utter_message(text=content.render((content.prescreen.get("cancelled") or {}).get("text")))
            return leave_prescreen_events(domain)
        help_message = content.message("help")
        dispatcher.utter_message(text=content.render(help_message.get("text")),
                                 buttons=content.buttons(help_message.get("buttons")))
        return []


class ActionRestartPrescreen(Action):
    """'Start over' inside the pre-screen: forget the answers, keep the consent, ask again."""

    def name(self) -> Text:
        return "action_restart_prescreen"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        content = turn_content(dispatcher, tracker)
        dispatcher.utter_message(text=content.render((content.prescreen.get("restarted") or {}).get("text")))
        consent = tracker.get_slot(CONSENT)
        return prescreen_reset_events(domain) + [SlotSet(CONSENT, consent), SlotSet(REQUESTED_SLOT, None)]
