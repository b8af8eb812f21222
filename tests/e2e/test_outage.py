"""If the action server is down the visitor still gets an apology with the phone number."""
from __future__ import annotations

import time
import urllib.request

from scripts import servers
from tests.e2e.conftest import Visitor


def _action_server_up() -> bool:
    s = servers.settings()
    return servers.is_up(f"http://127.0.0.1:{s['action_port']}/health")


def test_action_server_outage_degrades_kindly_and_recovers(server: str, content) -> None:
    visitor = Visitor()
    assert visitor.said("hello")
    servers.stop(("actions",))
    deadline = time.monotonic() + 10
    while _action_server_up() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _action_server_up()
    try:
        reply = visitor.said("how many sessions are needed?")
        assert content.clinic["phone"] in reply
        assert "sorry" in reply.lower()
        # the Rasa server itself keeps running
        assert urllib.request.urlopen(server + "/webhooks/rest/", timeout=5).status == 200
    finally:
        servers.start_one("actions")
    reply = visitor.said("how many sessions are needed?")
    assert "infusion" in reply.lower()
