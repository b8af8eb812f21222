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
    "faq_approach_chemo": ["does it help chemo neuropathy", "she is 78 with chemo neuropathy",
                           "neuropathy after chemotherapy", "chemo damaged nerves"],
    "start_prescreen": ["check if I qualify", "can you screen me", "see if my mom qualifies", "pre-screen please"],
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


def test_asking_to_be_checked_beats_the_facts_beside_it(model):
    reading = read(model, "can you screen my mom please. She is 78 with chemo neuropathy.", clause_min=0.2)
    assert reading.intent == "start_prescreen"


@pytest.mark.parametrize("text", [
    "Would my mom qualify? She's 78, chemo neuropathy, finished in 2022.",
    "Am I eligible if I have carpal tunnel plus diabetic neuropathy in my feet?",
    "Is my papa suitable? 72, diabetic for 20 years.",
    "Hola, tengo 57 años, neuropatía desde 2016. ¿Seré candidato?",
    "¿Mi caso entra? Diabetes hace 20 años.",
])
def test_a_question_whether_someone_can_have_it_starts_the_prescreen(model, text):
    reading = read(model, text, clause_min=0.2)
    assert reading.intent == "start_prescreen" and reading.confidence >= 0.5


@pytest.mark.parametrize("text", ["who is a good candidate for this?", "does it help chemo neuropathy?"])
def test_general_questions_keep_their_answer(model, text):
    assert read(model, text, clause_min=0.2).intent != "start_prescreen"


def test_a_question_between_two_sections_gets_both():
    from assistant.intents import Reading

    between = Reading("faq_duration", 0.40, [("faq_duration", 0.40), ("faq_timeline", 0.30), ("faq_cost", 0.1)],
                      ["duration"])
    assert between.with_close_second().topics == ["duration", "timeline"]
    clear = Reading("faq_duration", 0.70, [("faq_duration", 0.70), ("faq_timeline", 0.20)], ["duration"])
    assert clear.with_close_second().topics == ["duration"]


def test_only_an_faq_runner_up_is_added():
    from assistant.intents import Reading

    reading = Reading("faq_cost", 0.4, [("faq_cost", 0.4), ("start_prescreen", 0.39)], ["cost"])
    assert reading.with_close_second().topics == ["cost"]
    prescreen = Reading("start_prescreen", 0.4, [("start_prescreen", 0.4), ("faq_cost", 0.39)], [])
    assert prescreen.with_close_second().topics == []
    two = Reading("faq_cost", 0.4, [("faq_cost", 0.4), ("faq_timeline", 0.39)], ["cost", "sessions"])
    assert two.with_close_second().topics == ["cost", "sessions"]


def test_sign_me_up_starts_the_prescreen(model):
    assert read(model, "sign me up").intent == "start_prescreen"
