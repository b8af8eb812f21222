"""Seeded conversations in the tracker store's real schema (events table, as stores/erasable.py writes it).

The event shapes are those a running assistant stores (checked against a live
run): user messages with parse_data (intent, topics, safety kind), bot
messages with their buttons, actions, slots and the pre-screen's active loop.
Standard library only, so both venvs can use it.
"""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any, Dict, List, Optional

# Texts that must never appear in the console or in `make report`.
CRISIS_TEXT = "zebra-crisis I want to end my life tonight"
EMERGENCY_TEXT = "zebra-emergency my chest hurts and I can't breathe"
PROBE_TEXT = "zebra-probe what is the capital of peru"
PERSONAL = ["Margaret", "555-123-4567", "jane.doe@example.com"]
UNANSWERED_TEXT = "my name is Margaret, do you take medicare? call 555-123-4567 or jane.doe@example.com"
SCHEMA = """
CREATE TABLE events (
    id INTEGER NOT NULL, sender_id VARCHAR(255) NOT NULL, type_name VARCHAR(255) NOT NULL, timestamp FLOAT,
    intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT, PRIMARY KEY (id));
CREATE INDEX ix_events_sender_id ON events (sender_id);
"""


class Conversation:
    def __init__(self, rows: List[tuple], sender: str, start: dt.datetime) -> None:
        self.rows, self.sender, self.ts = rows, sender, start.timestamp()

    def _add(self, type_name: str, data: Dict[str, Any], intent: Optional[str] = None,
             action: Optional[str] = None) -> None:
        self.ts += 0.5
        self.rows.append((self.sender, type_name, self.ts, intent, action,
                          json.dumps({"event": type_name, "timestamp": self.ts, **data})))

    def action(self, name: str) -> "Conversation":
        self._add("action", {"name": name, "policy": "RulePolicy", "confidence": 1.0}, action=name)
        return self

    def user(self, text: str, intent: str, topics: Optional[List[str]] = None, safety: Optional[str] = None
             ) -> "Conversation":
        parse = {"intent": {"name": intent, "confidence": 0.9}, "entities": [], "text": text,
                 "topics": topics or [], "safety": {"kind": safety}}
        self._add("user", {"text": text, "parse_data": parse}, intent=intent)
        return self

    def bot(self, text: str, buttons: Optional[List[Dict[str, str]]] = None) -> "Conversation":
        self._add("bot", {"text": text, "data": {"buttons": buttons}})
        return self

    def slot(self, name: str, value: Any) -> "Conversation":
        self._add("slot", {"name": name, "value": value}, action=name)
        return self

    def loop(self, name: Optional[str]) -> "Conversation":
        self._add("active_loop", {"name": name}, action=name)
        return self

    def turn(self, text: str, intent: str, reply_action: str, topics: Optional[List[str]] = None,
             safety: Optional[str] = None, buttons: Optional[List[Dict[str, str]]] = None) -> "Conversation":
        self.user(text, intent, topics, safety).action(reply_action).bot("(reply)", buttons).action("action_listen")
        return self

    def question(self, slot: str, buttons: List[str]) -> "Conversation":
        self.slot("requested_slot", slot)
        return self.bot(f"(question {slot})", [{"title": b, "payload": b} for b in buttons]).action("action_listen")

    def answer(self, text: str, intent: str, slot: str, value: Any) -> "Conversation":
        return self.user(text, intent).action("prescreen_form").slot(slot, value)


def prescreen(c: Conversation, answers: List[tuple], finish: bool = True) -> None:
    """Start, consent, answer [(text, intent, slot, value)], then submit."""
    c.user("am I a candidate?", "start_prescreen").action("prescreen_form").loop("prescreen_form")
    c.question("ps_consent", ["Yes, let's start", "No, thanks"])
    c.answer("Yes, let's start", "affirm", "ps_consent", "yes")
    for i, (text, intent, slot, value) in enumerate(answers):
        c.question(slot, ["Under 10%", "Over 10%"] if slot == "ps_a1c" else ["Yes", "No", "Not sure"])
        c.answer(text, intent, slot, value)
    if finish:
        c.slot("requested_slot", None).loop(None).action("action_submit_prescreen")
        c.bot("(outcome)").bot("(hand-off)", [{"title": "Begin the intake form", "url": "https://x.example/intake",
                                               "payload": "https://x.example/intake"}])
        for slot in ("ps_consent", "ps_type", "ps_chemo_active"):
            c.slot(slot, None)
        c.action("action_listen")


def seed_tracker(path: Path, today: Optional[dt.date] = None) -> Path:
    """Write conversations over the last three weeks; returns the path."""
    today = today or dt.date.today()
    rows: List[tuple] = []
    day = [dt.datetime.combine(today - dt.timedelta(days=d), dt.time(10, 0)) for d in (15, 8, 1)]

    for w, start in enumerate(day):
        for n in range(2 + w):  # more questions each week
            c = Conversation(rows, f"visitor-{w}-{n}-aaaabbbbcccc", start + dt.timedelta(minutes=n))
            c.action("action_session_start").action("action_listen")
            c.turn("how long until it helps?", "faq_timeline", "action_answer_faq", ["timeline"],
                   buttons=[{"title": "How many sessions are needed", "payload": "/faq_sessions"}])
            c.turn("/faq_sessions", "faq_sessions", "action_answer_faq", ["sessions"])
            if n % 2 == 0:
                c.turn("how much does it cost", "faq_cost", "action_answer_faq", ["cost"])

    c = Conversation(rows, "visitor-unanswered-0001", day[2])
    c.turn(UNANSWERED_TEXT, "nlu_fallback", "action_reply")
    c.turn("do you take medicare insurance", "out_of_scope", "action_reply")
    c.turn("hola, necesito ayuda con mis pies", "non_english", "action_reply")

    c = Conversation(rows, "visitor-safety-0001", day[1])
    c.turn(CRISIS_TEXT, "crisis", "action_respond_safety", safety="crisis")
    c.turn(EMERGENCY_TEXT, "emergency", "action_respond_safety", safety="emergency")

    # pre-screens: one possible (with the "Under 10%" button answer NLU did not understand),
    # one with a reason to wait, one declined, one left part way
    c = Conversation(rows, "visitor-prescreen-0001", day[2])
    prescreen(c, [("diabetes", "faq_approach_diabetic", "ps_type", "diabetic"),
                  ("Yes", "affirm", "ps_diagnosis", "yes"),
                  ("1 to 7 years", "faq_duration", "ps_duration", "1to7"),
                  ("No", "deny", "ps_chemo_active", "no"), ("No", "deny", "ps_infection", "no"),
                  ("No", "deny", "ps_cancer", "no"), ("Under 10%", "nlu_fallback", "ps_a1c", "lt10"),
                  ("Yes", "affirm", "ps_a1c_plan", "yes")])
    c = Conversation(rows, "visitor-prescreen-0002", day[2])
    prescreen(c, [("chemo", "faq_approach_chemo", "ps_type", "chemo"), ("Yes", "affirm", "ps_diagnosis", "yes"),
                  ("Yes", "affirm", "ps_chemo_active", "yes")])
    c = Conversation(rows, "visitor-prescreen-0003", day[1])
    c.user("am I a candidate?", "start_prescreen").action("prescreen_form").loop("prescreen_form")
    c.question("ps_consent", ["Yes, let's start", "No, thanks"])
    c.answer("No, thanks", "deny", "ps_consent", "no").loop(None).action("action_submit_prescreen").bot("(declined)")
    c = Conversation(rows, "visitor-prescreen-0004", day[0])
    prescreen(c, [("no known cause", "faq_approach_idiopathic", "ps_type", "idiopathic")], finish=False)

    # test and benchmark traffic: never counted
    for sender in ("probe-0123456789abcdef", "e2e-0123456789abcdef", "bench-0123456789abcdef",
                   "persona-0123456789abcdef", "console-test-0123456789abcdef"):
        c = Conversation(rows, sender, day[2])
        c.turn(PROBE_TEXT, "nlu_fallback", "action_reply")
        c.turn("how many sessions are needed", "faq_sessions", "action_answer_faq", ["sessions"])

    con = sqlite3.connect(path)
    try:
        con.executescript(SCHEMA)
        con.executemany("INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data) "
                        "VALUES (?, ?, ?, ?, ?, ?)", rows)
        con.commit()
    finally:
        con.close()
    return path


if __name__ == "__main__":  # seed a database by hand: python tests/console/seed.py out.db
    import sys

    print(seed_tracker(Path(sys.argv[1])))
