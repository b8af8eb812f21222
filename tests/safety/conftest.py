"""Shared fixtures for the safety detector tests."""
from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, Dict

import pytest
import yaml

from actions.safety.detector import SafetyDetector, load_spec

HERE = Path(__file__).resolve().parent


def load_corpus(name: str) -> Dict[str, Any]:
    """A corpus file from tests/safety/ (crisis_emergency, ordinary, medical_advice)."""
    with open(HERE / f"{name}.yml", encoding="utf-8") as fh:
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
