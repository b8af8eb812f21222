"""Shared test data: the real domain, read once."""
from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text())
DOMAIN["actions"] = DOMAIN.get("actions", [])
# entries are names or {name: {send_domain: true}}, as Rasa sends them too
ACTION_NAMES = {a if isinstance(a, str) else next(iter(a)) for a in DOMAIN["actions"]}
