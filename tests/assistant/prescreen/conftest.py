"""The shipped prescreen spec, read straight from content/prescreen.yml.

In the app the content store (assistant/content/store.py) loads and checks it; these
tests read the file themselves so that the core package is tested on its own.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
SPEC_FILE = ROOT / "content" / "prescreen.yml"


@pytest.fixture(scope="session")
def spec() -> Dict[str, Any]:
    """content/prescreen.yml as a dict; read-only (use `fresh` in the criteria tests to change it)."""
    return yaml.safe_load(SPEC_FILE.read_text(encoding="utf-8"))
