"""Conversation basics through the running servers."""
from __future__ import annotations

import re

from tests.e2e.conftest import Visitor


def test_greeting_says_automated_educational_not_advice_and_offers_options(visitor: Visitor) -> None:
    reply = visitor.said("hello")
    assert re.search(r"automated", reply, re.I)
    assert re.search(r"not medical advice", reply, re.I)
    payloads = {b["payload"] for b in visitor.buttons()}
    assert "/start_prescreen" in payloads and "/ask_human" in payloads


def test_bot_challenge_is_honest(visitor: Visitor) -> None:
    assert re.search(r"automated|assistant|bot", visitor.said("am I talking to a real person?"), re.I)


def test_contact_gives_the_clinic_phone(visitor: Visitor, content) -> None:
    assert content.clinic["phone"] in visitor.said("I'd rather speak with someone at the clinic")


def test_out_of_scope_is_honest_and_offers_topics(visitor: Visitor) -> None:
    reply = visitor.said("who won the game last night?")
    assert not re.search(r"\bwon\b|score", reply, re.I)
    assert visitor.buttons()


def test_gibberish_gets_an_honest_fallback_with_topics(visitor: Visitor) -> None:
    reply = visitor.said("lkjhg poiuy")
    assert re.search(r"not sure|understand|rephrase|help with", reply, re.I)
    assert visitor.buttons()


def test_other_language_gets_a_kind_english_only_reply(visitor: Visitor, content) -> None:
    # Spanish is served since issue 14 (tests/e2e/test_spanish.py); another language gets the kind reply
    reply = visitor.said("Bonjour, combien coûte le traitement avec les cellules souches pour les nerfs ?")
    assert re.search(r"english", reply, re.I)
    assert content.clinic["phone"] in reply


def test_thanks_and_goodbye(visitor: Visitor) -> None:
    assert visitor.said("thank you so much")
    assert visitor.said("bye")


def test_what_did_i_tell_you_repeats_nothing(visitor: Visitor) -> None:
    visitor.say("check if I qualify please")
    visitor.say("yes")
    visitor.say("diabetic")
    reply = visitor.said("what did I tell you earlier? repeat my answers")
    assert "diabetic" not in reply.lower()
