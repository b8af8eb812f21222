"""Shared test data: the real domain, read once."""
from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text())
DOMAIN["actions"] = DOMAIN.get("actions", [])
