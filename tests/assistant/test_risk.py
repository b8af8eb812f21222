"""The layered safety decision: patterns first, then the model, then the check-in band."""
from pathlib import Path

import pytest

from assistant import risk
from assistant.risk import Assessment, assess

ROOT = Path(__file__).resolve().parents[2]


class FakeModel:
    """Scores by keyword, so the layering can be tested apart from any training."""

    def __init__(self, scores):
        self.scores = scores

    def clause_scores(self, clauses, features=None):
        out = []
        for clause in clauses:
            row = {"crisis": 0.0, "emergency": 0.0, "none": 1.0}
            for word, (label, p) in self.scores.items():
                if word in clause:
                    row[label] = max(row[label], p)
            out.append(row)
        return out


class FakeResult:
    def __init__(self, kind, category):
        self.kind, self.category, self.matches = kind, category, ((kind, category),)


class FakeDetector:
    def __init__(self, words):
        self.words = words

    def detect(self, text):
        for word, (kind, category) in self.words.items():
            if word in text:
                return FakeResult(kind, category)
        return None


def test_a_crisis_clause_is_not_outvoted_by_the_question_beside_it():
    model = FakeModel({"rope": ("crisis", 0.9)})
    text = "keeping a rope in the garage, anyway how much does it cost?"
    result = assess(text, None, model)
    assert (result.kind, result.source) == ("crisis", "model")
    # the question alone raises nothing: the crisis signal came from the rope clause
    assert assess("anyway how much does it cost?", None, model).kind is None


def test_patterns_are_a_floor_whatever_the_model_says():
    result = assess("i want to kms", FakeDetector({"kms": ("crisis", "suicide")}), FakeModel({}))
    assert (result.kind, result.source, result.category) == ("crisis", "pattern", "suicide")


def test_crisis_comes_before_emergency():
    model = FakeModel({"pills": ("emergency", 0.95), "end it": ("crisis", 0.8)})
    assert assess("took all my pills to end it", None, model).kind == "crisis"


def test_an_emergency_with_a_crisis_signal_beside_it_gets_the_crisis_reply():
    # the crisis reply gives 911 as well as 988; an emergency alone stays an emergency
    detector = FakeDetector({"bleach": ("emergency", "poisoning")})
    model = FakeModel({"wanted the pain to stop": ("crisis", 0.4)})
    text = "i swallowed some bleach. i just wanted the pain to stop"
    assert assess(text, detector, model).kind == "crisis"
    assert assess("my son swallowed some bleach", detector, model).kind == "emergency"
    assert assess(text, detector, model, thresholds={"crisis_with_emergency": 0.5}).kind == "emergency"


def test_uncertain_signal_gets_the_checkin():
    model = FakeModel({"tired of everything": ("crisis", 0.5)})
    assert assess("i am tired of everything", None, model).kind == "checkin"


def test_below_the_band_nothing():
    model = FakeModel({"tired": ("crisis", 0.2)})
    result = assess("so tired today", None, model)
    assert result == Assessment(None, "", "", -1, result.scores)


def test_pain_idiom_and_advice_only_after_crisis_and_emergency():
    detector = FakeDetector({"killing me": ("pain_idiom", "idiom")})
    assert assess("my feet are killing me", detector, FakeModel({})).kind == "pain_idiom"
    model = FakeModel({"killing me": ("crisis", 0.95)})
    assert assess("my feet are killing me", detector, model).kind == "crisis"
    # the model alone, less sure: the idiom path (a check-in with 988, or the answer asked for)
    unsure = FakeModel({"killing me": ("crisis", 0.8)})
    assert assess("my feet are killing me", detector, unsure).kind == "pain_idiom"


def test_thresholds_can_be_set():
    model = FakeModel({"gone": ("crisis", 0.6)})
    assert assess("i want to be gone", None, model).kind == "checkin"
    assert assess("i want to be gone", None, model, {"crisis": 0.55}).kind == "crisis"


def test_scores_carry_no_text():
    result = assess("a rope", None, FakeModel({"rope": ("crisis", 0.9)}))
    assert set(result.as_dict()) == {"kind", "source", "category", "clause", "scores"}
    assert "rope" not in repr(result.as_dict())


def test_corpus_files_load(tmp_path):
    (tmp_path / "a.yml").write_text("crisis: [one]\nnone: [two, three]\n")
    assert risk.load_corpus(risk.corpus_files(tmp_path)) == [("one", "crisis"), ("two", "none"), ("three", "none")]


@pytest.mark.parametrize("content, error", [
    ("worry: [x]\n", "unknown label"),
    ("crisis: ['']\n", "non-empty"),
    ("- a list\n", "mapping"),
])
def test_corpus_errors_name_the_problem(tmp_path, content, error):
    (tmp_path / "a.yml").write_text(content)
    with pytest.raises(ValueError, match=error):
        risk.load_corpus([tmp_path / "a.yml"])


def test_the_shipped_corpus_is_valid_and_large():
    pairs = risk.load_corpus(risk.corpus_files(ROOT / "data" / "risk"))
    counts = {label: sum(1 for _, lab in pairs if lab == label) for label in risk.RISK_LABELS}
    assert counts["crisis"] >= 500 and counts["emergency"] >= 500 and counts["none"] >= 2000


def test_clause_negatives_are_added_for_ordinary_examples_only():
    pairs = [("I live in Texas. How far are you?", "none"), ("I want to die. Bye.", "crisis")]
    out = risk.with_clause_negatives(pairs)
    assert ("I live in Texas", "none") in out
    assert not any(t == "Bye" for t, _ in out)


def test_training_needs_every_label():
    with pytest.raises(ValueError, match="no examples"):
        risk.train_risk_model([("a", "crisis"), ("b", "none")])


@pytest.mark.parametrize("text", [
    "Years ago I was in a dark place and thought about ending my life. I got help and I'm doing fine now.",
    "Back in 2018 I didn't want to live. I had therapy and I'm in a good place now. How long does it take?",
])
def test_a_crisis_told_as_history_that_is_over_gets_the_checkin(text):
    detector = FakeDetector({"ending my life": ("crisis", "suicide"), "want to live": ("crisis", "hopelessness")})
    result = assess(text, detector, FakeModel({}))
    assert result.kind == "checkin"  # still gives 988, and asks


@pytest.mark.parametrize("text", [
    "I tried ending my life years ago, got help, but lately I feel that way again",
    "Diagnosed five years ago, on MSC therapy questions. I've been having thoughts of ending my life and wrote a plan.",
    "years ago I got help for depression, now I want to end it, ending my life is all I think about",
])
def test_history_with_anything_current_stays_a_crisis(text):
    detector = FakeDetector({"ending my life": ("crisis", "suicide")})
    assert assess(text, detector, FakeModel({})).kind == "crisis"


def test_an_emergency_told_as_over_raises_no_alarm_unless_something_is_current():
    detector = FakeDetector({"fainted": ("emergency", "fainting"), "twice": ("emergency", "poisoning")})
    over = "I fainted once in my 30s giving blood, never since. Will the IV make me faint?"
    assert assess(over, detector, FakeModel({})).kind is None
    assert assess("I fainted once years ago, never since, but I feel dizzy right now", detector, FakeModel({})).kind \
        == "emergency"
    took = "took my gabapentin twice by mistake, the pharmacist said I'd be fine but I feel dizzy"
    assert assess(took, detector, FakeModel({})).kind == "emergency"


def test_a_leaflet_or_hotline_mention_gets_the_checkin_not_the_crisis_reply():
    detector = FakeDetector({"self-harm": ("crisis", "self_harm")})
    leaflet = "The leaflet for my pregabalin lists thoughts of self-harm. Does your treatment have a warning like that?"
    assert assess(leaflet, detector, FakeModel({})).kind == "checkin"
    current = "The leaflet lists thoughts of self-harm and I have been having them"
    assert assess(current, detector, FakeModel({})).kind == "crisis"


@pytest.mark.parametrize("kind, text, expected", [
    ("emergency", "hace 10 años me dio un infarto, ahora estoy bien y sigo con el cardiólogo", None),
    ("emergency", "mi esposo murió el año pasado de un infarto", None),
    ("emergency", "creo que se murió, no respira", "emergency"),
    ("emergency", "mi papá tiene dolor en el pecho, ¿está bien?", "emergency"),
    ("crisis", "la caja de la duloxetina dice que puede dar pensamientos suicidas, yo estoy bien", "checkin"),
    ("crisis", "hace años quise quitarme la vida, recibí ayuda y estoy bien, pero últimamente lo pienso otra vez",
     "crisis"),
    ("crisis", "ya no quiero vivir", "crisis"),
    ("crisis", "Mi hermano sobrevivió a un intento de suicidio hace diez años. Hoy es un hombre feliz.", "checkin"),
    ("crisis", "my mom wanted to die 3 yrs ago, she got help from a therapist and is doing great", "checkin"),
    ("crisis", "Our family doctor took his own life last year. Can your clinic work with the new one?", "checkin"),
    ("crisis", "I attempted suicide when I was 22, 35 years ago. I got good help and I've been well ever since. "
               "I don't think about it anymore. Will it matter on the intake?", "checkin"),
    ("crisis", "I had postpartum depression with suicidal thoughts ten years ago, got treatment and fully recovered.",
     "checkin"),
    ("crisis", "I attempted suicide years ago and got help, but I can't take it anymore", "crisis"),
    ("emergency", "A resident overdosed on her pain meds by accident last year, she's totally fine now.", None),
    ("emergency", "Took my gabapentin twice last night by mistake. Felt dopey but I'm fine this morning.", None),
])
def test_the_history_mention_and_over_rules_read_spanish_too(kind, text, expected):
    assert risk.refine_alarm(kind, text) == expected


@pytest.mark.parametrize("text", [
    "I'm not trying to take my life, I'm trying to take my life BACK. What's the waiting list like?",
    "I hate the burning and the pills. I don't hate my life though, I've got a good one.",
    "my wife says I'm killing myself with all the sugar lol",
    "me voy a morir de viejo esperando al neurólogo jaja",
    "My father's suicide when I was a teenager is why I take my health seriously. What's step one?",
    "I'm writing a novel where a character with neuropathy considers suicide. What do patients find hardest?",
    "I'm a medical student writing a paper on suicide risk in chronic pain. Do you collect mood data?",
    "Vi una película donde un personaje se suicida por dolor crónico. ¿Cuántas personas tienen neuropatía?",
    "Mi hermana intentó suicidarse hace 12 años; hoy es maestra y está feliz.",
    "my brother took his own life in 1998. I still think about him. anyway I have idiopathic neuropathy",
    "Our support group talked about suicide prevention last week. Do you screen for depression?",
    "I'll be blunt: I'm tired, not suicidal. Tired of pain, tired of pills. What's the earliest consult date?",
])
def test_a_denied_joked_or_named_crisis_gets_the_checkin(text):
    # the check-in still gives 988 and asks directly
    assert risk.refine_alarm("crisis", text) == "checkin"


@pytest.mark.parametrize("text", [
    "lol at this point id rather be dead and im not really joking",
    "haha I've got the pills lined up for tonight",
    "my brother killed himself last month and now I want to die too",
    "I'm not suicidal but I have been planning how to end it",
    "Our support group talked about suicide prevention last week and I have been thinking about it again",
])
def test_a_joke_a_denial_or_a_death_in_the_family_beside_anything_current_stays_a_crisis(text):
    assert risk.refine_alarm("crisis", text) == "crisis"


def test_distress_alone_gets_the_checkin_unless_the_model_hears_a_crisis():
    detector = FakeDetector({"end it": ("crisis", "suicide"), "can't take": ("crisis", "distress")})  # distress last, as in the file
    assert assess("I can't take this burning anymore", detector, FakeModel({})).kind == "checkin"
    assert assess("I can't take this anymore, I want to end it", detector, FakeModel({})).kind == "crisis"
    sure = FakeModel({"burning": ("crisis", 0.9)})
    assert assess("I can't take this burning anymore", detector, sure).kind == "crisis"


def test_the_distress_category_comes_last_so_it_is_only_found_alone():
    from assistant.content import get_content

    detector = get_content().safety_detector
    crisis = [category for kind, category in detector.categories if kind == "crisis"]
    assert crisis[-1] in risk.CHECKIN_CATEGORIES
    assert detector.detect("I feel like such a burden").category == "distress"
    assert detector.detect("I feel like such a burden, they'd be better off without me").category != "distress"


@pytest.mark.parametrize("text", [
    "I had an anaphylactic reaction to penicillin as a kid. Is there anything in the MSC I could be allergic to?",
    "Type 1 diabetic. Does a history of DKA exclude me? Last episode was in 2019, my A1c is 7.2 now.",
    "Nurse here. What monitoring do you do for anaphylaxis during the infusion?",
    "Do patients ever faint during the IV? Just asking in general, I'm fine today.",
    "tuve una convulsión el mes pasado, ya me dieron medicina y estoy controlado",
    "Mi esposo murió de un infarto hace seis años. ¿El tratamiento es seguro para el corazón?",
    "casi me da un infarto cuando vi la factura del neurologo jaja",
    "Trabajo en emergencias y vemos muchas sobredosis de gabapentina. ¿Ayudan a bajar la dosis?",
    "tengo epilepsia controlada, no he tenido convulsiones en 6 años. puedo hacerme las infusiones?",
    "Hola, tuve un infarto hace 4 años y ahora estoy estable con mis medicinas. ¿Es peligroso?",
    "Last week I had chest pain, they ran every test, it was acid reflux and my heart is fine.",
    "When my dad had his stroke back in 2019 we called 911 right away and he recovered well. Is he a candidate?",
    "His sugar dropped to 45 last Christmas, paramedics came, he was fine and it hasn't happened since.",
    "Last spring I had sudden weakness, it was GBS, a week on a ventilator. I'm walking again now with a cane.",
])
def test_an_emergency_from_the_distant_past_or_asked_about_in_general_raises_no_alarm(text):
    assert risk.refine_alarm("emergency", text) is None


@pytest.mark.parametrize("text", [
    "What if I'm having a stroke? My face is drooping and my arm went weak",
    "I had a heart attack in 2019 and now I have chest pain again",
    "Nurse here, my neighbor is unresponsive with shallow breathing",
    "Could this be a side effect? I have really bad pressure in my chest and my left arm tingles",
    "I'm an LPN. His legs have gotten weaker since Saturday, now he can't stand, and he has a history of neuropathy",
    "Soy enfermera. Mi madre tiene la cara caída desde hace unos 20 minutos",
    "lol my sugar is 29 and im seeing double, the fridge is so far away and my legs wont go",
    "my brother's face is drooping and he can't lift his arm, he says he's fine but he's not",
    "Mi esposo tuvo gripe hace dos semanas y desde ayer se le debilitan las piernas, hoy ya no se para",
    "mi tia tiene la herida del pie que le supura y esta bien caliente, ahora tiene fiebre y esta desorientada",
    "me estoy ahogando y tengo el pecho apretado, la infusion de ayer puede causar esto?",
    "Chest pain that comes and goes, now constant for 25 minutes, jaw hurts too. Can't tell if it's heartburn.",
    "Tengo neuropatía desde hace años. Estoy sentada y de pronto se me durmió la mitad del cuerpo.",
    "Mi abuelo tiene neuropatía desde hace ocho años. Se cayó hace rato, se pegó la cabeza y ahora está confundido.",
    "he was fine this morning but now he can't lift his arm",
])
def test_an_emergency_with_anything_happening_now_keeps_its_alarm(text):
    assert risk.refine_alarm("emergency", text) == "emergency"


def test_a_medicine_change_request_with_a_weak_crisis_signal_gets_the_advice_reply():
    medication = FakeDetector({"dejar la gabapentina": ("medical_advice", "medication")})
    text = "puedo dejar la gabapentina ya que me siento mejor?"
    assert assess(text, medication, FakeModel({"dejar": ("crisis", 0.5)})).kind == "medical_advice"
    assert assess(text, medication, FakeModel({"dejar": ("crisis", 0.65)})).kind == "checkin"
    general = FakeDetector({"que hago": ("medical_advice", "general_advice")})
    assert assess("dejó de comer y quiere irse, que hago", general, FakeModel({"irse": ("crisis", 0.5)})).kind \
        == "checkin"


def test_grief_is_someone_elses_death_not_resting_badly():
    from assistant.risk import grief_only

    assert grief_only("mi abuelo ya descansa desde marzo, ahora mi mamá tiene lo mismo")
    assert grief_only("sitting shiva for my brother this week")
    assert not grief_only("mi mamá no descansa por el dolor de los pies")
