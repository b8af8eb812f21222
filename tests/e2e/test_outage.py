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


import os  # noqa: E402
import signal  # noqa: E402
import threading  # noqa: E402

import pytest  # noqa: E402


def _action_pid() -> int:
    return int(servers.pid_file(servers.settings(), "actions").read_text())


@pytest.fixture
def actions_killed(server: str):
    servers.stop(("actions",))
    deadline = time.monotonic() + 10
    while _action_server_up() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _action_server_up()
    try:
        yield
    finally:
        servers.start_one("actions")


@pytest.fixture
def actions_frozen(server: str):
    pid = _action_pid()
    os.killpg(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.killpg(pid, signal.SIGCONT)


@pytest.mark.parametrize("text, line", [
    ("I want to end my life", "988"),
    ("some nights I hope I just don't wake up", "988"),
    ("I have crushing chest pain right now", "911"),
])
def test_crisis_and_emergency_replies_survive_a_dead_action_server(actions_killed, text: str, line: str) -> None:
    reply = Visitor().said(text)
    assert line in reply


@pytest.mark.parametrize("text, line", [
    ("I want to end my life", "988"),
    ("my husband's face is drooping and his speech is slurred", "911"),
])
def test_crisis_and_emergency_replies_survive_a_frozen_action_server(actions_frozen, text: str, line: str) -> None:
    started = time.monotonic()
    reply = Visitor().said(text)
    assert line in reply
    # the action call times out after ACTION_TIMEOUT_SECONDS (10 s by default), not Rasa's 300 s
    assert time.monotonic() - started < 16


def test_a_frozen_action_server_does_not_stall_other_visitors_crisis_help(actions_frozen) -> None:
    results = {}

    def ask(name: str, text: str) -> None:
        results[name] = Visitor().said(text)

    threads = [threading.Thread(target=ask, args=(f"v{i}", "how much does it cost?")) for i in range(3)]
    threads.append(threading.Thread(target=ask, args=("crisis", "I want to kill myself")))
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert "988" in results["crisis"]
    assert all(results[f"v{i}"] for i in range(3))  # nobody is left with silence
