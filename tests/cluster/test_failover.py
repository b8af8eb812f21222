"""Failure behaviour of the cluster, on real PostgreSQL, Redis and HAProxy (issue 15).

A replica killed (SIGKILL) between two messages, also in the middle of the
pre-screen: the next message is answered by another replica, the conversation
intact, nothing the visitor said lost. Redis or PostgreSQL stopped: the
clinic's apology with its phone number, no server crashes, and service resumes
when it is back. Two messages sent at once to two replicas: handled one after
the other, in order (Redis lock store). A replica's cached copy of a
conversation another replica has changed is never served.
"""
from __future__ import annotations

import threading
import time
from typing import Dict

import pytest

from scripts import cluster, servers
from tests.cluster.conftest import CLUSTER_URL, Visitor, replica_url, sql, stored, user_texts
from tests.e2e.test_prescreen import HEALTHY_DIABETIC, asked

def _phone(s: Dict) -> str:
    from assistant.content import get_content

    return get_content().clinic["phone"]


def _wait_states(s: Dict, want: str, servers_: tuple, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        states = cluster.server_states(s)
        if all(states.get(f"rasa_rest/{name}", "").startswith(want) for name in servers_):
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"HAProxy states {states}, wanted {want} for {servers_}")
        time.sleep(0.2)


def _replicas_alive(s: Dict) -> None:
    for i in range(1, s["scale"] + 1):
        assert servers.is_up(replica_url(s, i) + "/webhooks/rest/"), f"replica {i} is down"


@pytest.fixture
def restart_rasa1(settings):
    yield
    if not servers.is_up(replica_url(settings, 1) + "/webhooks/rest/"):
        cluster.start_process(settings, "rasa1")
    _wait_states(settings, "UP", ("rasa1",))


def test_load_balancer_spreads_requests_over_the_replicas(settings) -> None:
    before = {k: v for k, v in _sessions(settings).items()}
    for _ in range(12):
        Visitor().say("what causes neuropathy")
    after = _sessions(settings)
    used = [name for name in after if after[name] > before.get(name, 0)]
    assert len(used) == settings["scale"], (before, after)


def _sessions(s: Dict) -> Dict[str, int]:
    out = {}
    for line in cluster.haproxy_command(s, "show stat").splitlines():
        cols = line.split(",")
        if len(cols) > 8 and cols[0] == "rasa_rest" and cols[1] not in ("FRONTEND", "BACKEND"):
            out[cols[1]] = int(cols[7] or 0)  # stot: sessions in total
    return out


def test_killed_replica_mid_conversation(settings, restart_rasa1) -> None:
    visitor = Visitor()
    visitor.say("hello", via=replica_url(settings, 1))
    reply = visitor.said("how many sessions will I need", via=replica_url(settings, 1))
    assert reply
    cluster.kill(settings, "rasa1", cluster.rasa_port(settings, 1))
    # the next message, through the load balancer: answered by another replica at once
    t0 = time.monotonic()
    reply = visitor.said("what tests do I need before treatment")
    assert time.monotonic() - t0 < 5
    assert "sorry, something went wrong" not in reply.lower(), reply
    reply = visitor.said("how long before I notice a difference?")
    assert "sorry, something went wrong" not in reply.lower()
    assert user_texts(settings, visitor.sender) == [
        "hello", "how many sessions will I need", "what tests do I need before treatment",
        "how long before I notice a difference?"]


def test_killed_replica_mid_prescreen(settings, restart_rasa1) -> None:
    visitor = Visitor()
    r1 = replica_url(settings, 1)
    visitor.say("am I a candidate?", via=r1)
    assert asked(visitor) == "consent"
    visitor.say(HEALTHY_DIABETIC["consent"], via=r1)
    first = asked(visitor)
    assert first and first != "consent"
    visitor.say(HEALTHY_DIABETIC[first], via=r1)
    second = asked(visitor)
    assert second and second not in ("consent", first)
    cluster.kill(settings, "rasa1", cluster.rasa_port(settings, 1))
    # the answer to the pending question goes to another replica, which knows where the form was
    visitor.say(HEALTHY_DIABETIC[second])
    third = asked(visitor)
    assert third and third not in ("consent", first, second), third
    # finish the pre-screen through the load balancer: every question is asked once
    seen = {"consent", first, second, third}
    slot = third
    for _ in range(15):
        visitor.say(HEALTHY_DIABETIC[slot])
        slot = asked(visitor)
        if not slot:
            break
        assert slot not in seen or slot == "confirm", (slot, seen)
        seen.add(slot)
    final = "\n".join(m.get("text") or "" for m in visitor.last)
    assert "may be a candidate" in final.lower(), final[-300:]
    texts = user_texts(settings, visitor.sender)
    assert texts[:4] == ["am I a candidate?", HEALTHY_DIABETIC["consent"], HEALTHY_DIABETIC[first],
                         HEALTHY_DIABETIC[second]]


def test_replicas_never_serve_an_old_copy(settings) -> None:
    """Alternate replicas inside the pre-screen: each sees what the other stored (validated cache)."""
    visitor = Visitor()
    r = [replica_url(settings, 1), replica_url(settings, 2)]
    visitor.say("am I a candidate?", via=r[0])
    visitor.say(HEALTHY_DIABETIC["consent"], via=r[1])
    seen = ["consent"]
    slot = asked(visitor)
    for turn in range(6):
        assert slot and slot not in seen, (slot, seen)
        seen.append(slot)
        visitor.say(HEALTHY_DIABETIC[slot], via=r[turn % 2])
        slot = asked(visitor)


def test_two_messages_at_once_to_two_replicas_are_handled_in_order(settings) -> None:
    visitor = Visitor()
    visitor.say("hello", via=replica_url(settings, 1))
    replies: Dict[str, str] = {}

    def send(i: int, text: str, delay: float) -> None:
        time.sleep(delay)
        replies[text] = visitor.said(text, via=replica_url(settings, i))

    first, second = "how many sessions will I need", "what causes neuropathy"
    threads = [threading.Thread(target=send, args=(1, first, 0.0)),
               threading.Thread(target=send, args=(2, second, 0.01))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert replies.get(first) and replies.get(second)
    rows = sql(settings, "SELECT type_name, action_name, data FROM events WHERE sender_id = %s ORDER BY id",
               (visitor.sender,))
    import json

    users = [i for i, r in enumerate(rows) if r[0] == "user"]
    assert [json.loads(rows[i][2])["text"] for i in users] == ["hello", first, second]
    # the second turn starts only after the first one ended (its action_listen), never interleaved
    a, b = users[1], users[2]
    between = rows[a + 1:b]
    assert between and between[-1][0] == "action" and between[-1][1] == "action_listen", between[-3:]
    assert any(r[0] == "bot" for r in between)


def test_redis_outage_apology_then_recovery(settings) -> None:
    visitor = Visitor()
    visitor.say("hello")
    cluster.stop_one(settings, "redis")
    try:
        for _ in range(2):
            reply = visitor.said("how many sessions will I need")
            assert _phone(settings) in reply and "sorry" in reply.lower(), reply
        _replicas_alive(settings)
    finally:
        cluster.start_process(settings, "redis")
    reply = visitor.said("how many sessions will I need")
    assert "sorry, something went wrong" not in reply.lower(), reply


def test_postgres_outage_apology_then_recovery(settings) -> None:
    visitor = Visitor()
    visitor.say("hello")
    cluster.stop_one(settings, "postgres")
    try:
        for _ in range(2):
            reply = visitor.said("how many sessions will I need")
            assert _phone(settings) in reply and "sorry" in reply.lower(), reply
        _replicas_alive(settings)
    finally:
        cluster.start_process(settings, "postgres")
    reply = visitor.said("how many sessions will I need")
    assert "sorry, something went wrong" not in reply.lower(), reply
    assert stored(settings, visitor.sender) > 0


def test_probes_url_is_the_load_balancer() -> None:
    if not CLUSTER_URL:
        pytest.skip("no cluster running")
    assert CLUSTER_URL.endswith(":" + str(cluster.settings()["rasa_port"]))
