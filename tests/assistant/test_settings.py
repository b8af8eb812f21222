"""Settings: one frozen object; defaults in one place; bad values fall back to the default."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from assistant.settings import Settings, get


def test_defaults() -> None:
    s = Settings.from_env({})
    assert s == Settings()
    assert s.max_message_chars == 1000 and s.action_timeout_seconds == 10.0 and s.rasa_speedups


def test_values_from_the_environment() -> None:
    s = Settings.from_env({
        "CONTENT_DIR": "/tmp/c", "MAX_MESSAGE_CHARS": "500", "ACTION_TIMEOUT_SECONDS": "2.5",
        "ALLOWED_ORIGINS": "https://a.example, https://b.example", "RASA_SPEEDUPS": "off",
        "CLINIC_PHONE": "(555) 123-4567", "CLINIC_NAME": "",
    })
    assert s.content_dir == Path("/tmp/c") and s.max_message_chars == 500 and s.action_timeout_seconds == 2.5
    assert s.allowed_origins == ("https://a.example", "https://b.example")
    assert s.rasa_speedups is False
    assert s.clinic_overrides == {"phone": "(555) 123-4567"}


@pytest.mark.parametrize("name, value", [("MAX_MESSAGE_CHARS", "lots"), ("MAX_MESSAGE_CHARS", "0"),
                                         ("ACTION_TIMEOUT_SECONDS", "-1"), ("RETENTION_DAYS", "x")])
def test_a_bad_value_falls_back_to_the_default(name: str, value: str) -> None:
    assert Settings.from_env({name: value}) == Settings()


def test_frozen_and_read_once() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        get().max_message_chars = 5  # type: ignore[misc]
    assert get() is get()
