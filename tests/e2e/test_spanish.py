"""Spanish conversations through the REST channel (issue 14): FAQ, a full pre-screen to the
intake hand-off, a crisis in the middle of the pre-screen, switching language, other languages."""
from __future__ import annotations

import re
import unicodedata
from typing import Dict, List

from tests.e2e.conftest import Visitor

VERDICTS = re.compile(r"es elegible|está aprobad|usted califica|you are eligible|approved", re.I)

# question words (accents removed) -> which answer the assistant is asking for
QUESTIONS = [
    ("esta bien?", "confirm"),
    ("que respuesta cambio", "confirm"),
    ("empezamos?", "consent"),
    ("causa de su neuropatia", "type"),
    ("prueba de los nervios", "diagnosis"),
    ("cuanto tiempo", "duration"),
    ("quimio", "chemo"),
    ("infeccion", "infection"),
    ("cancer", "cancer"),
    ("a1c", "a1c"),
    ("plan", "plan"),
    ("diabetes", "diabetes"),
    ("pinzado", "compress"),
]


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


def markers(visitor: Visitor) -> List[dict]:
    return [m["custom"]["data"] for m in visitor.last if isinstance(m.get("custom"), dict)]


def asked(visitor: Visitor) -> str:
    last = visitor.last[-1]
    buttons = last.get("buttons") or []
    if not buttons or any(b.get("url") or str(b.get("payload", "")).startswith("/") for b in buttons):
        return ""
    text = fold(last.get("text") or "")
    question = text.rsplit("\n\n", 1)[-1]
    for where in (question, text):
        for key, slot in QUESTIONS:
            if key in where:
                return slot
    return ""


def run(visitor: Visitor, opening: str, answers: Dict[str, str]) -> List[str]:
    replies = [visitor.said(opening)]
    for _ in range(16):
        slot = asked(visitor)
        if not slot:
            break
        assert slot in answers, f"unexpected question for {slot!r}: {replies[-1][-200:]}"
        replies.append(visitor.said(answers[slot]))
    return replies


DIABETIC = {
    "consent": "Sí, empecemos", "type": "neuropatía diabética", "diagnosis": "sí, me hicieron una EMG",
    "duration": "hace como 4 años", "chemo": "no", "infection": "no", "cancer": "no",
    "a1c": "mi A1c es 7,2", "plan": "sí, mi médico me controla la diabetes", "diabetes": "sí",
    "confirm": "Sí, está bien",
}


def test_a_spanish_question_gets_a_spanish_answer_and_the_conversation_stays_spanish(visitor: Visitor) -> None:
    answer = visitor.said("hola, cuántas sesiones se necesitan para la neuropatía?")
    assert {"kind": "language", "language": "es"} in markers(visitor)
    assert re.search(r"infusi[oó]n", answer, re.I)
    # a short message does not switch back
    visitor.say("ok gracias")
    assert not markers(visitor)
    assert re.search(r"gracias|de nada|con gusto|para servirle", visitor.text(visitor.last), re.I)
    answer = visitor.said("cuanto cuesta")
    assert re.search(r"precio|costo", answer, re.I)


def test_a_full_spanish_prescreen_reaches_the_intake_hand_off(visitor: Visitor, content) -> None:
    replies = run(visitor, "hola, tengo neuropatía y quiero saber si soy candidata", DIABETIC)
    final = replies[-1]
    assert not VERDICTS.search("\n".join(replies))
    links = [b for b in visitor.buttons() if b.get("url")]
    assert links and links[0]["url"] == content.clinic["intake_url"]
    assert re.search(r"formulario de admisi[oó]n", final, re.I)
    summary = [m for m in markers(visitor) if m["kind"] == "prescreen_summary"]
    assert summary and "7.2%" in summary[0]["summary"]
    checks = [r for r in replies if "¿Está bien?" in r]
    assert len(checks) == 1


def test_free_text_answers_are_read_in_spanish(visitor: Visitor) -> None:
    visitor.say("quiero saber si califico")
    assert asked(visitor) == "consent"
    visitor.say("sí")
    assert asked(visitor) == "type"
    visitor.say("por la quimio")
    assert asked(visitor) == "diagnosis"
    visitor.say("no sé")
    assert asked(visitor) == "duration"
    visitor.say("desde 2019")
    assert asked(visitor) == "chemo"
    visitor.say("terminé la quimio en marzo")
    assert asked(visitor) == "infection"
    visitor.say("no tengo ninguna infección")
    assert asked(visitor) == "cancer"
    visitor.say("mi mamá tuvo cáncer, yo no")
    assert asked(visitor) in ("diabetes", "compress")


def test_a_crisis_in_the_middle_of_the_spanish_prescreen_comes_first(visitor: Visitor) -> None:
    visitor.say("quiero saber si soy candidato")
    assert asked(visitor) == "consent"
    visitor.say("sí")
    assert asked(visitor) == "type"
    reply = visitor.said("ya no quiero vivir, estoy pensando en quitarme la vida")
    assert "988" in reply and "AYUDA" in reply and "911" in reply
    assert re.search(r"oprima 2", reply)
    assert asked(visitor) == ""  # the pre-screen ended
    # the answers are gone: asking again starts from the consent
    visitor.say("quiero saber si califico")
    assert asked(visitor) == "consent"


def test_a_spanish_emergency(visitor: Visitor) -> None:
    reply = visitor.said("tengo un dolor muy fuerte en el pecho y no puedo respirar")
    assert "911" in reply


def test_switching_language_both_ways(visitor: Visitor) -> None:
    greeting = visitor.said("/greet")
    assert greeting.startswith("Hi")
    visitor.press(r"^Español$")
    assert {"kind": "language", "language": "es"} in markers(visitor)
    assert "español" in visitor.text(visitor.last).lower()
    assert any(b["title"] == "English" for b in visitor.buttons())
    visitor.say("English")
    assert {"kind": "language", "language": "en"} in markers(visitor)
    assert re.search(r"continue in English", visitor.text(visitor.last))


def test_writing_in_the_other_language_offers_to_switch(visitor: Visitor) -> None:
    visitor.say("how many sessions are needed?")
    answer = visitor.said("y cuanto tiempo tarda en hacer efecto la terapia?")
    assert "¿Prefiere que sigamos en español?" in answer
    assert {b["title"] for b in visitor.buttons()} >= {"Sí, en español", "Continue in English"}
    visitor.press(r"Continue in English")
    assert {"kind": "language", "language": "en"} in markers(visitor)


def test_another_language_gets_the_kind_reply_in_english_and_spanish(visitor: Visitor) -> None:
    reply = visitor.said("Bonjour, combien coûte le traitement pour les nerfs ?")
    assert "English and Spanish" in reply and "inglés y en español" in reply
    assert "988" in reply and "911" in reply
