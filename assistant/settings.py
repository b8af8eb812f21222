"""Every setting read from the environment, in one frozen object, read once.

This is the only place with defaults. Processes read ``get()`` (cached);
tests build their own ``Settings.from_env({...})``. The Makefile exports the
same variables (README, "Configuration").
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 0) -> int:
    try:
        value = int(env.get(name) or default)
    except ValueError:
        return default
    return value if value >= minimum else default


def _float(env: Mapping[str, str], name: str, default: float, minimum: float = 0.0) -> float:
    try:
        value = float(env.get(name) or default)
    except ValueError:
        return default
    return value if value > minimum else default


def _path(env: Mapping[str, str], name: str, default: Path) -> Path:
    value = env.get(name)
    return Path(value) if value else default


@dataclass(frozen=True)
class Settings:
    """The assistant's settings (names are the environment variables, lowercased)."""

    content_dir: Path = ROOT / "content"
    nlu_data_dir: Path = ROOT / "data"
    tracker_db: Path = ROOT / "var" / "tracker.db"
    run_dir: Path = ROOT / "var" / "run"
    retention_days: float = 30.0
    allowed_origins: tuple[str, ...] = ("http://localhost:8080", "http://127.0.0.1:8080")
    max_message_chars: int = 1000
    action_timeout_seconds: float = 10.0
    rasa_speedups: bool = True
    content_env: str = ""
    clinic_overrides: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        base = cls()
        origins = tuple(o for o in re.split(r"[\s,]+", env.get("ALLOWED_ORIGINS", "")) if o)
        return cls(
            content_dir=_path(env, "CONTENT_DIR", base.content_dir),
            nlu_data_dir=_path(env, "NLU_DATA_DIR", base.nlu_data_dir),
            tracker_db=_path(env, "TRACKER_DB", base.tracker_db),
            run_dir=_path(env, "RUN_DIR", base.run_dir),
            retention_days=_float(env, "RETENTION_DAYS", base.retention_days),
            allowed_origins=origins or base.allowed_origins,
            max_message_chars=_int(env, "MAX_MESSAGE_CHARS", base.max_message_chars, minimum=1),
            action_timeout_seconds=_float(env, "ACTION_TIMEOUT_SECONDS", base.action_timeout_seconds),
            rasa_speedups=env.get("RASA_SPEEDUPS", "").strip().lower() not in ("off", "0", "false", "no"),
            content_env=env.get("CONTENT_ENV", "").strip().lower(),
            clinic_overrides={
                key[len("CLINIC_") :].lower(): value
                for key, value in env.items()
                if key.startswith("CLINIC_") and value
            },
        )


@functools.lru_cache(maxsize=1)
def get() -> Settings:
    """The process's settings, read from the environment once."""
    return Settings.from_env(os.environ)
