"""Fixtures for the cluster tests (issue 15).

`make test-cluster` starts the cluster (scripts/cluster.py up) on its own
ports and sets CLUSTER_URL (the load balancer). Without CLUSTER_URL the live
tests are skipped (the deploy-file checks always run); with it, an
unreachable cluster is a failure.
"""
from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
import uuid
from typing import Any, Dict, List, Optional

import pytest

from scripts import cluster

CLUSTER_URL = os.environ.get("CLUSTER_URL", "").rstrip("/")


def post(base: str, body: Any, timeout: float = 30) -> tuple:
    req = urllib.request.Request(base + "/webhooks/rest/webhook", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")


class Visitor:
    """One visitor; `via` picks the load balancer (default) or one replica's own port."""

    def __init__(self, prefix: str = "cluster-") -> None:
        self.sender = prefix + uuid.uuid4().hex
        self.last: List[Dict[str, Any]] = []

    def say(self, text: str, via: Optional[str] = None) -> List[Dict[str, Any]]:
        status, body = post(via or CLUSTER_URL, {"sender": self.sender, "message": text})
        assert status == 200, (status, body)
        assert isinstance(body, list) and body, "the assistant must never be silent"
        self.last = body
        return body

    def said(self, text: str, via: Optional[str] = None) -> str:
        return "\n".join(m.get("text") or "" for m in self.say(text, via))


@pytest.fixture(scope="session")
def settings() -> Dict:
    if not CLUSTER_URL:
        pytest.skip("no cluster running (make test-cluster sets CLUSTER_URL)")
    return cluster.settings()


def replica_url(s: Dict, i: int) -> str:
    return f"http://127.0.0.1:{cluster.rasa_port(s, i)}"


def sql(s: Dict, query: str, params: tuple = ()) -> List[tuple]:
    """Read PostgreSQL directly, as the assistant's own role."""
    con = cluster.pg_connect(s)
    try:
        cur = con.cursor()
        cur.execute(query, params)
        return cur.fetchall()
    finally:
        con.close()


def stored(s: Dict, sender: str) -> int:
    return sql(s, "SELECT count(*) FROM events WHERE sender_id = %s", (sender,))[0][0]


def user_texts(s: Dict, sender: str) -> List[str]:
    rows = sql(s, "SELECT data FROM events WHERE sender_id = %s AND type_name = 'user' ORDER BY id", (sender,))
    return [json.loads(r[0]).get("text") for r in rows]


def ROOT_ENV(s: Dict) -> Dict[str, str]:  # noqa: N802 - reads as a constant at the call sites
    """The environment of a tool run against the cluster's PostgreSQL (retention, report)."""
    return {**os.environ, **cluster.store_env(s), "REPORT_INCLUDE_TEST_TRAFFIC": "0"}
