"""Shared fixtures for the safety detector tests."""
from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, Dict

import pytest
import yaml

from assistant.safety import MUST_DETECT_CORPUS, ORDINARY_CORPUS, SafetyDetector, load_spec

HERE = Path(__file__).resolve().parent


# The ordinary and must-detect corpora ship with the app (data/safety/): every
# edit of the safety patterns is checked against them (make check and the
# running assistant's content store); medical_advice.yml is a test list only.
CORPORA = {
    "crisis_emergency": MUST_DETECT_CORPUS,
    "ordinary": ORDINARY_CORPUS,
    "medical_advice": HERE / "medical_advice.yml",
}


def load_corpus(name: str) -> Dict[str, Any]:
    with open(CORPORA[name], encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@pytest.fixture(scope="session")
def spec() -> Dict[str, Any]:
    """The real content/safety.yml (do not modify: use spec_copy)."""
    return load_spec()


@pytest.fixture
def spec_copy(spec: Dict[str, Any]) -> Dict[str, Any]:
    """A private copy of the real spec to break on purpose."""
    return copy.deepcopy(spec)


@pytest.fixture(scope="session")
def detector(spec: Dict[str, Any]) -> SafetyDetector:
    return SafetyDetector(spec)


@pytest.fixture(scope="session")
def crisis_emergency() -> Dict[str, Any]:
    return load_corpus("crisis_emergency")


@pytest.fixture(scope="session")
def ordinary() -> Dict[str, Any]:
    return load_corpus("ordinary")


@pytest.fixture(scope="session")
def medical_advice() -> Dict[str, Any]:
    return load_corpus("medical_advice")
