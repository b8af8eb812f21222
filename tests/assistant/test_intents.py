"""Reading a message clause by clause: the intent and the FAQ topics asked."""
import pytest

from assistant.intents import read
from assistant.textmodel import train

DATA = {
    "faq_cost": ["how much does it cost", "what is the price", "is it expensive", "does insurance pay for it"],
    "faq_sessions": ["how many sessions", "how many infusions do I need", "number of treatments",
                     "how many visits"],
    "faq_timeline": ["how soon will I feel better", "how long until it works", "when will I notice a change",
                     "how fast does it help"],
    "greet": ["hi", "hello", "good morning", "hey there"],
    "inform": ["I have diabetic neuropathy", "my neuropathy is from chemo", "I've had it for five years",
               "my a1c is 7"],
}


@pytest.fixture(scope="module")
def model():
    texts = [t for ts in DATA.values() for t in ts]
    labels = [label for label, ts in DATA.items() for _ in ts]
    return train(texts, labels, c=30.0)


def test_two_questions_get_two_topics(model):
    reading = read(model, "how many sessions and how soon will I feel better?", clause_min=0.2)
    assert reading.intent.startswith("faq_")
    assert set(reading.topics) == {"sessions", "timeline"}


def test_a_greeting_clause_does_not_swallow_the_question(model):
    reading = read(model, "hello! how much does it cost?", clause_min=0.2)
    assert reading.intent == "faq_cost" and reading.topics == ["cost"]


def test_a_question_beats_a_statement(model):
    reading = read(model, "I have diabetic neuropathy. how long until it works?", clause_min=0.2)
    assert reading.intent == "faq_timeline"


def test_a_statement_alone_stays_a_statement(model):
    assert read(model, "I have diabetic neuropathy").intent == "inform"


def test_one_clause_message(model):
    reading = read(model, "price?")
    assert reading.intent == "faq_cost" and reading.topics == ["cost"] and reading.clause == -1


def test_at_most_two_topics(model):
    text = "how much does it cost? how many sessions? how soon will I feel better?"
    assert len(read(model, text, clause_min=0.2).topics) == 2
