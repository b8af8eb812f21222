"""The training data and the sets that measure it stay apart.

A blind set (tests/realistic/gates.yml, kind: blind) and the NLU held-out and blind sets
(tests/nlu/) measure understanding only while none of their messages is in the training data;
the dev sets are folded into it by scripts/fold_dev_sets.py, whose output must be up to date and
hold no message of a test set. (The hand-written files share some short, common phrasings with
the sets, e.g. "what causes neuropathy", written independently; those are not checked here.)
"""
from __future__ import annotations

import importlib.util

import yaml

from tests.unit.helpers import ROOT

REALISTIC = ROOT / "tests" / "realistic"


def _load_fold():
    spec = importlib.util.spec_from_file_location("fold_dev_sets", ROOT / "scripts" / "fold_dev_sets.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


fold = _load_fold()
_key = fold._key
_nlu_examples = fold.nlu_examples


def _training_texts() -> set[str]:
    """The folded files' messages (scripts/fold_dev_sets.py)."""
    texts = set()
    for name in ("dev_sets.yml", "es_dev_sets.yml"):
        texts.update(_key(t) for t in _nlu_examples(ROOT / "data" / "nlu" / name))
        data = yaml.safe_load((ROOT / "data" / "risk" / name).read_text(encoding="utf-8")) or {}
        for items in data.values():
            texts.update(_key(t) for t in items or [])
    return texts


def _gates() -> list[dict]:
    return yaml.safe_load((REALISTIC / "gates.yml").read_text(encoding="utf-8"))["sets"]


def test_no_blind_set_message_is_folded_into_training_data():
    training = _training_texts()
    leaked = []
    for entry in _gates():
        if entry["kind"] != "blind":
            continue
        data = yaml.safe_load((REALISTIC / entry["file"]).read_text(encoding="utf-8"))
        leaked += [f"{entry['file']}: {m['text'][:60]}" for m in data["messages"] if _key(m["text"]) in training]
    assert not leaked, leaked[:5]


def test_no_nlu_test_message_is_folded_into_training_data():
    training = _training_texts()
    for name in ("holdout.yml", "blind.yml"):
        leaked = [t for t in _nlu_examples(ROOT / "tests" / "nlu" / name) if _key(t) in training]
        assert not leaked, (name, leaked[:5])


def test_every_gated_set_exists_once():
    files = [entry["file"] for entry in _gates()]
    assert len(files) == len(set(files))
    assert all((REALISTIC / f).exists() for f in files)
    on_disk = {p.name for p in REALISTIC.glob("*.yml")} - {"gates.yml"}
    assert on_disk == set(files), on_disk ^ set(files)


def test_folded_dev_sets_are_up_to_date():
    assert fold.main(["--check"]) == 0, "run `make fold-dev-sets`"


def test_folding_skips_two_topic_messages_and_reads_only_dev_sets(tmp_path, monkeypatch):
    (tmp_path / "a.yml").write_text(yaml.safe_dump({"messages": [
        {"expect": "faq", "topics": ["cost"], "text": "how much  is it for my dad"},
        {"expect": "faq", "topics": ["cost", "sessions"], "text": "price and how many visits"},
        {"expect": "faq", "topics": ["reversibility"], "also": ["duration"], "text": "can it undo 20 years"},
        {"expect": "advice", "text": "should I stop my gabapentin"},
        {"label": "crisis", "text": "I put the pills in an envelope"},
        {"label": "ordinary", "text": "is it an IV"},
    ]}))
    (tmp_path / "b.yml").write_text(yaml.safe_dump({"messages": [{"label": "crisis", "text": "blind one"}]}))
    (tmp_path / "gates.yml").write_text(yaml.safe_dump({"sets": [
        {"file": "a.yml", "kind": "dev"}, {"file": "b.yml", "kind": "blind"}]}))
    monkeypatch.setattr(fold, "GATES", tmp_path / "gates.yml")
    monkeypatch.setattr(fold, "TRAIN_ONLY", tmp_path / "none")
    monkeypatch.setattr(fold, "existing_nlu_examples", lambda: set())
    monkeypatch.setattr(fold, "test_messages", lambda: {"is it an iv"})
    nlu, risk = fold.collect(fold.dev_sets(set()))
    assert nlu == {"faq_cost": ["how much is it for my dad"], "ask_medical_advice": ["should I stop my gabapentin"]}
    # "is it an IV" is a test-set message: left out
    assert risk == {"crisis": ["I put the pills in an envelope"], "emergency": [], "none": []}
