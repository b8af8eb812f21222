"""End-to-end fixtures: talk to the RUNNING servers through the REST channel.

`make test-e2e` starts the Rasa server, the action server and the web server
on test ports (with their own tracker database) and sets RASA_URL. Without
RASA_URL these tests are skipped; with it, an unreachable server is a failure.
"""
from __future__ import annotations

import json
import os
import uuid
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

ROOT = Path(__file__).resolve().parents[2]
RASA_URL = os.environ.get("RASA_URL", "").rstrip("/")
RUN_DIR = Path(os.environ.get("RUN_DIR", ROOT / "var" / "test" / "run"))
if not RUN_DIR.is_absolute():
    RUN_DIR = ROOT / RUN_DIR
TRACKER_DB = Path(os.environ.get("TRACKER_DB", ROOT / "var" / "test" / "tracker.db"))
if not TRACKER_DB.is_absolute():
    TRACKER_DB = ROOT / TRACKER_DB


def post(path: str, body: Any, raw: Optional[bytes] = None, headers: Optional[Dict[str, str]] = None,
         method: str = "POST", base: Optional[str] = None) -> tuple:
    """(status, parsed JSON or text) for a request to the Rasa server."""
    data = raw if raw is not None else json.dumps(body).encode()
    req = urllib.request.Request((base or RASA_URL) + path, data=data, method=method,
                                 headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            payload = r.read()
            status = r.status
    except urllib.error.HTTPError as e:
        payload, status = e.read(), e.code
    try:
        return status, json.loads(payload or b"null")
    except ValueError:
        return status, payload.decode(errors="replace")


class Visitor:
    """One website visitor with an unguessable conversation id."""

    def __init__(self) -> None:
        self.sender = "e2e-" + uuid.uuid4().hex
        self.last: List[Dict[str, Any]] = []

    def say(self, text: str) -> List[Dict[str, Any]]:
        status, body = post("/webhooks/rest/webhook", {"sender": self.sender, "message": text})
        assert status == 200, (status, body)
        assert isinstance(body, list) and body, "the assistant must never be silent"
        self.last = body
        return body

    @staticmethod
    def text(messages: List[Dict[str, Any]]) -> str:
        return "\n".join(m.get("text") or "" for m in messages)

    def said(self, text: str) -> str:
        return self.text(self.say(text))

    def buttons(self) -> List[Dict[str, Any]]:
        return [b for m in self.last for b in (m.get("buttons") or [])]

    def press(self, title_regex: str) -> str:
        import re

        for b in self.buttons():
            if re.search(title_regex, b.get("title", ""), re.I) and not b.get("url"):
                return self.said(b["payload"])
        raise AssertionError(f"no button matching {title_regex!r} in {[b.get('title') for b in self.buttons()]}")


@pytest.fixture(scope="session")
def server() -> str:
    if not RASA_URL:
        pytest.skip("RASA_URL is not set: run through `make test-e2e`, which starts the servers")
    try:
        urllib.request.urlopen(RASA_URL + "/webhooks/rest/", timeout=5)
    except Exception as exc:  # a configured but unreachable server is a failure, not a skip
        pytest.fail(f"Rasa server at {RASA_URL} is not reachable: {exc}")
    return RASA_URL


@pytest.fixture
def visitor(server: str) -> Visitor:
    return Visitor()


@pytest.fixture(scope="session")
def content():
    from assistant.content.store import ContentStore

    return ContentStore().get()
