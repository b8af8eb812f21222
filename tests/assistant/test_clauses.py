"""split_clauses: a long message is judged sentence by sentence and clause by clause."""
import pytest

from assistant.clauses import MAX_CLAUSES, is_question, split_clauses


@pytest.mark.parametrize("text, expected", [
    ("keeping a rope in the garage, anyway how much does it cost?",
     ["keeping a rope in the garage", "anyway how much does it cost?"]),
    ("how many sessions and how soon will I feel anything?",
     ["how many sessions", "and how soon will I feel anything?"]),
    ("I have burning feet every night", ["I have burning feet every night"]),
    ("Hi! My toes are numb; some nights I hope I dont wake up... is it FDA approved",
     ["Hi", "My toes are numb", "some nights I hope I dont wake up", "is it FDA approved"]),
    ("line one\nline two", ["line one", "line two"]),
])
def test_split(text, expected):
    assert split_clauses(text) == expected


def test_nothing_is_lost_on_very_long_messages():
    text = ". ".join(f"sentence number {i}" for i in range(40))
    clauses = split_clauses(text)
    assert len(clauses) == MAX_CLAUSES
    assert "sentence number 39" in clauses[-1]


@pytest.mark.parametrize("text", ["", "   ", None, 42])
def test_empty_or_not_text(text):
    assert split_clauses(text) == []


def test_punctuation_only_returns_the_text():
    assert split_clauses("?!") == ["?!"]


def test_is_question():
    assert is_question("does it hurt")
    assert is_question("it hurts?")
    assert is_question("and how soon will I feel it")
    assert is_question("anyway, what does it cost")
    assert not is_question("my feet hurt")
    assert not is_question("and then my feet went numb")


def test_the_question_mark_is_kept_on_the_clause_it_ends():
    assert split_clauses("my feet burn. does it help? thanks") == ["my feet burn", "does it help?", "thanks"]


def test_is_question_finds_a_question_inside_a_clause():
    assert is_question("for autoimmune neuropathy how does this help")
    assert is_question("and if I want to move forward what do I do")
    assert is_question("I was wondering whether it hurts")
    assert is_question("please tell me how long it takes")
    assert not is_question("my feet went numb in 2019")
    assert not is_question("and then my toes went numb too")


def test_spanish_questions_and_second_questions():
    assert split_clauses("cuánto cuesta y cuántas sesiones son") == ["cuánto cuesta", "y cuántas sesiones son"]
    assert split_clauses("Tengo diabetes ¿funciona para mí?") == ["Tengo diabetes", "¿funciona para mí?"]
    assert is_question("y cuántas sesiones son")
    assert is_question("también quiero saber si es seguro")
    assert not is_question("mi mamá tiene neuropatía")
