"""lexicon/: the word tables as YAML, loaded once and checked like medspaCy's rule files."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.prescreen import lexicon as LEX

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "assistant" / "prescreen"

# ---------------------------------------------------------------------------
# Round trip: the YAML files hold what the Python tables of the old
# actions/prescreen/extract.py held (checked in full, rule by rule, when they
# were moved; these are the entries the reading depends on most).

CHEMO_LIKE = {"CHEMO", "CIPN", "PLAN_STRONG", "PLAN_WEAK", "TEST", "SURGERY"}


@pytest.fixture(scope="module")
def words() -> LEX.Lexicon:
    return LEX.get()


def context_rules(words):
    """phrase -> (category, direction, options), one per phrase as the pipeline gets them."""
    return {p: (c, d, dict(o)) for c, d, phrases, o in words.context for p in phrases if isinstance(p, str)}


def test_targets_round_trip(words):
    assert list(words.targets) == [
        "CHEMO", "CIPN", "CANCER", "INFECTION", "DIABETES", "INFECTIOUS_CAUSE", "SUGAR", "PREDIABETES", "A1C", "NEURO",
        "AUTOIMMUNE",
        "IDIOPATHIC", "COMPRESSIVE", "SURGERY", "OTHER_CAUSE", "TEST", "DIAGNOSED", "PLAN_STRONG", "OTHER_CARE",
        "PLAN_WEAK"]
    chemo = words.targets["CHEMO"]
    assert chemo[:3] == ("chemo", "chemotherapy", "chemo therapy")
    assert chemo[-1] == [{"NORM": {"REGEX": r"^chemo\w*$"}}]
    assert words.targets["DIABETES"][4] == [{"NORM": "type"}, {"NORM": {"IN": ["1", "2", "one", "two", "ii"]}}]
    assert words.targets["A1C"] == ("a1c", "a1c level", "a1c result", "a1c test")
    assert "guillain barré" in words.targets["AUTOIMMUNE"] and "unknown" in words.targets["IDIOPATHIC"]
    assert words.targets["OTHER_CAUSE"][-2:] == ("something else", "other")
    assert dict(words.causes) == {
        "DIABETES": "diabetic", "SUGAR": "diabetic", "CHEMO": "chemo", "CIPN": "chemo", "AUTOIMMUNE": "autoimmune",
        "IDIOPATHIC": "idiopathic", "COMPRESSIVE": "compressive", "OTHER_CAUSE": "other", "INFECTIOUS_CAUSE": "other"}
    assert words.self_naming_labels == {"CIPN", "IDIOPATHIC"}
    assert words.self_naming_phrases == {"cidp", "gbs", "guillain barre", "guillain - barre", "guillain barré",
                                         "chronic inflammatory demyelinating", "carpal tunnel", "tarsal tunnel",
                                         "cubital tunnel"}
    assert words.diabetes_care_phrases == {
        "endocrinologist", "endo", "metformin", "insulin", "ozempic", "mounjaro", "jardiance", "trulicity",
        "glipizide", "januvia", "farxiga", "victoza", "diabetes educator", "cgm", "glucose monitor", "diabetes plan"}


def test_yes_no_round_trip(words):
    assert {slot: dict(meaning) for slot, meaning in words.yes_no.items()} == {
        "ps_chemo_active": {"labels": ("CHEMO",), "RESOLVED": "no", "FUTURE": "yes", "HISTORICAL": "no"},
        "ps_infection": {"labels": ("INFECTION", "INFECTIOUS_CAUSE"), "RESOLVED": "no", "FUTURE": "unsure",
                         "HISTORICAL": "no"},
        "ps_cancer": {"labels": ("CANCER",), "RESOLVED": "no", "FUTURE": "yes", "HISTORICAL": "no"},
        "ps_diagnosis": {"labels": ("TEST", "DIAGNOSED"), "RESOLVED": "yes", "FUTURE": "no", "HISTORICAL": "yes"},
        "ps_diabetes": {"labels": ("DIABETES", "PREDIABETES"), "RESOLVED": "unsure", "FUTURE": "unsure",
                        "HISTORICAL": "yes"},
        "ps_a1c_plan": {"labels": ("PLAN_STRONG", "PLAN_WEAK"), "RESOLVED": "no", "FUTURE": "unsure",
                        "HISTORICAL": "no"},
        "ps_compressive": {"labels": ("COMPRESSIVE", "SURGERY"), "RESOLVED": "no", "FUTURE": "yes",
                           "HISTORICAL": "no", "NEED": "yes"},
    }


def test_context_round_trip(words):
    rules = context_rules(words)
    assert rules["no"] == ("NEGATED_EXISTENCE", "FORWARD", {"max_scope": 6, "terminated_by": {"SELF", "COMMA"}})
    assert rules["came back normal"] == ("NEGATED_EXISTENCE", "BACKWARD", {"max_scope": 5})
    assert rules["not sure"] == ("POSSIBLE_EXISTENCE", "BIDIRECTIONAL", {})
    assert rules["halfway through"] == ("CURRENT", "BIDIRECTIONAL", {"max_targets": 1})
    assert rules["i still have"] == ("CURRENT", "FORWARD", {"max_scope": 3, "max_targets": 1})
    assert rules["i have"] == ("POSSESS", "FORWARD", {"max_scope": 3, "max_targets": 1})
    assert rules["may need"] == ("NEED", "BIDIRECTIONAL", {})
    assert rules["next week"] == ("FUTURE", "BIDIRECTIONAL", {})
    assert rules["finish"] == ("RESOLVED", "BIDIRECTIONAL", {"allowed_types": CHEMO_LIKE})
    assert rules["finished"][2] == {"allowed_types": CHEMO_LIKE | {"INFECTION"}}
    assert rules["no longer"][2] == {"allowed_types": CHEMO_LIKE | {"INFECTION", "CANCER"}}
    assert rules["in remission"][2] == {"allowed_types": {"CANCER", "DIABETES"}}
    assert rules["gone"][2] == {"allowed_types": {"INFECTION", "CANCER", "DIABETES"}}
    assert rules["cleared up"][2] == {"allowed_types": {"INFECTION"}}
    assert rules["reversed"][2] == {"allowed_types": {"DIABETES"}}
    assert rules["had"] == ("HISTORICAL", "BIDIRECTIONAL", {})
    assert rules["have had"] == ("PSEUDO_PERFECT", "PSEUDO", {})
    assert rules["family doctor"] == ("PSEUDO_FAMILY", "PSEUDO", {})
    assert rules["what if"] == ("HYPOTHETICAL", "FORWARD", {"terminated_by": {"COMMA"}, "max_scope": 10})
    assert rules["mother"] == ("FAMILY", "BIDIRECTIONAL", {"terminated_by": {"SELF", "COMMA"}})
    assert rules["my"] == ("SELF", "PSEUDO", {}) and rules[","] == ("COMMA", "PSEUDO", {})
    assert rules[";"] == ("TERMINATE", "TERMINATE", {})
    historical = next(phrases for c, _d, phrases, _o in words.context if c == "HISTORICAL")
    assert historical[-4][1:] == [{"NORM": {"REGEX": r"^(years?|yrs?|months?|weeks?|days?|decades?)$"}},
                                  {"NORM": "ago"}]
    assert historical[-2] == [{"NORM": "in"}, {"SHAPE": "dddd"}]
    # order matters to medspaCy: categories in the order of the old table
    order = list(dict.fromkeys(c for c, _d, _p, _o in words.context))
    assert order == ["NEGATED_EXISTENCE", "POSSIBLE_EXISTENCE", "AFFIRM", "CURRENT", "POSSESS", "NEED", "FUTURE",
                     "RESOLVED", "HISTORICAL", "PSEUDO_PERFECT", "PSEUDO_FAMILY", "HYPOTHETICAL", "FAMILY", "SELF",
                     "COMMA", "TERMINATE"]


def test_spelling_and_numbers_round_trip(words):
    assert words.typos["diabetis"] == "diabetes" and words.typos["endo's"] == "endo"
    assert words.typos["yrs"] == "years" and len(words.typos) == 59
    assert words.typos["im"] == "i'm" and words.typos["guillan"] == "guillain"
    assert words.fuzzy_vocab[:3] == ("chemotherapy", "therapy", "diabetes") and words.fuzzy_vocab[-1] == "pneumonia"
    assert {"injection", "infusion", "remission", "stenosis"} <= words.fuzzy_keep
    assert list(words.word_numbers.items())[:3] == [("zero", 0), ("one", 1), ("two", 2)]
    assert words.word_numbers["ninety"] == 90 and words.word_numbers["dozen"] == 12
    assert list(words.months)[:12] == ["january", "february", "march", "april", "may", "june", "july", "august",
                                       "september", "october", "november", "december"]
    assert (words.months["may"], words.months["sep"], words.months["sept"], words.months["dec"]) == (5, 9, 9, 12)
    assert dict(words.seasons) == {"spring": 4, "summer": 7, "fall": 10, "autumn": 10, "winter": 1}
    assert dict(words.unit_years) == {"year": 1.0, "yr": 1.0, "y": 1.0, "month": 1 / 12, "mo": 1 / 12,
                                      "week": 1 / 52, "wk": 1 / 52, "day": 1 / 365, "decade": 10.0}


def test_every_file_explains_itself_to_staff():
    for name in LEX.FILE_KEYS:
        first = (PACKAGE / "lexicon" / name).read_text(encoding="utf-8").splitlines()[:3]
        assert all(line.startswith("#") for line in first), name


# ---------------------------------------------------------------------------
# Checks: every record against its allowed keys; the error names the file,
# the record, the bad key and the allowed ones.


@pytest.fixture
def folder(tmp_path) -> Path:
    """A copy of lexicon/ a test may break."""
    copy = tmp_path / "lexicon"
    shutil.copytree(PACKAGE / "lexicon", copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return copy


def edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_copy_loads_the_same(folder):
    assert LEX.load(folder) == LEX.get()


def test_unknown_key_names_the_file_and_the_allowed_keys(folder):
    edit(folder, "context.yml", "    max_scope: 6\n", "    max_scop: 6\n")
    with pytest.raises(ValueError) as err:
        LEX.load(folder)
    message = str(err.value)
    assert message.startswith("lexicon/context.yml: context[0]: unknown key 'max_scop'"), message
    assert "(allowed: category, direction, phrases, max_scope, max_targets, terminated_by, allowed_types)" in message


@pytest.mark.parametrize("name, old, new, expected", [
    ("targets.yml", "  - label: CHEMO\n", "  - label: CHEMO\n    colour: red\n",
     "lexicon/targets.yml: targets[0]: unknown key 'colour' (allowed: label, cause, names_itself, phrases)"),
    ("yes_no.yml", "    need: \"yes\"\n", "    needed: \"yes\"\n",
     "lexicon/yes_no.yml: yes_no[6]: unknown key 'needed' (allowed: slot, labels, resolved, future, historical, need)"),
    ("targets.yml", "self_naming_phrases:", "self_naming:",
     "lexicon/targets.yml: unknown key 'self_naming' (allowed: targets, self_naming_phrases, diabetes_care_phrases)"),
    ("targets.yml", "{pattern: [{NORM: {REGEX:", "{patern: [{NORM: {REGEX:",
     "lexicon/targets.yml: targets[0].phrases[27]: unknown key 'patern' (allowed: pattern)"),
    ("numbers.yml", "\nunits:", "\nunit:",
     "lexicon/numbers.yml: unknown key 'unit' (allowed: word_numbers, months, seasons, units)"),
])
def test_unknown_keys_everywhere(folder, name, old, new, expected):
    edit(folder, name, old, new)
    with pytest.raises(ValueError, match=re.escape(expected)):
        LEX.load(folder)


@pytest.mark.parametrize("name, old, new, expected", [
    ("context.yml", "    direction: FORWARD\n", "    direction: FORWARDS\n", "context[0].direction: unknown direction"),
    ("context.yml", "terminated_by: [SELF, COMMA]", "terminated_by: [SELF, COMA]", "unknown name 'COMA'"),
    ("context.yml", "allowed_types: [CANCER]", "allowed_types: [CANCR]", "unknown name 'CANCR'"),
    ("yes_no.yml", "labels: [CHEMO]", "labels: [CHEM]", "yes_no[0].labels: unknown label 'CHEM'"),
    ("yes_no.yml", "resolved: \"no\"", "resolved: no", "should be \"yes\", \"no\" or \"unsure\" in quotes"),
    ("yes_no.yml", "  - slot: ps_cancer\n", "  - slot: ps_canser\n", "unknown yes / no question 'ps_canser'"),
    ("targets.yml", "    cause: chemo\n", "    cause: chemotherapy\n", "targets[0].cause: unknown cause"),
    ("targets.yml", "phrases: [chemo,", "phrases: [Chemo,", "write phrases in lower case"),
    ("targets.yml", "phrases: [chemo,", "phrases: [yes,", "targets[0].phrases[0]: should be a phrase"),
    ("targets.yml", "self_naming_phrases: [cidp,", "self_naming_phrases: [cidpp,", "can never match"),
    ("spelling.yml", "  therpy: therapy\n", "  Therpy: therapy\n", "typos.Therpy: write the misspelling in lower case"),
    ("numbers.yml", "month: 1/12", "month: a twelfth", "units.month: should be a length in years"),
    ("numbers.yml", "march: 3,", "march: 13,", "months.march: should be a month number"),
    ("context.yml", "\ncontext:\n", "\ncontext:\n  - [\n", "not valid YAML"),
])
def test_other_mistakes_name_the_file_and_the_field(folder, name, old, new, expected):
    edit(folder, name, old, new)
    with pytest.raises(ValueError) as err:
        LEX.load(folder)
    assert str(err.value).startswith(f"lexicon/{name}: ") and expected in str(err.value), str(err.value)


def test_a_missing_file_is_named(folder):
    (folder / "spelling.yml").unlink()
    with pytest.raises(ValueError, match=r"^lexicon/spelling.yml: file is missing"):
        LEX.load(folder)


def test_every_yes_no_question_needs_an_entry(folder):
    text = (folder / "yes_no.yml").read_text(encoding="utf-8")
    start = text.index("  - slot: ps_cancer")
    end = text.index("  # ", start)
    (folder / "yes_no.yml").write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(ValueError, match=r"^lexicon/yes_no.yml: yes_no: no entry for ps_cancer"):
        LEX.load(folder)


# ---------------------------------------------------------------------------
# Loaded once, at first use; the core package imports nothing from the app


def test_tables_are_loaded_at_first_use_and_once():
    code = ("import sys; sys.path.insert(0, %r); import assistant.prescreen.extract as e; "
            "from assistant.prescreen import lexicon; before = lexicon._cached; "
            "e.parse_answer('ps_duration', 'two years'); "
            "print(before is None, lexicon.get() is lexicon.get(), "
            "sorted(m for m in ('rasa', 'rasa_sdk', 'actions') if m in sys.modules))" % str(ROOT))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["True", "True", "[]"], out.stderr[-500:]


def test_core_package_imports_nothing_from_the_app():
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(import|from)\s+(rasa|rasa_sdk|actions|components|channels|stores)\b",
                             source, re.M), path.relative_to(ROOT)
