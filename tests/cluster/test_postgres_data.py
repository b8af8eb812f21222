"""The conversation store on PostgreSQL, verified by reading PostgreSQL directly (issue 15):
"forget me" deletes every row of that visitor, retention erases idle conversations,
the unanswered-questions report reads it, and the assistant's role has only the rights it needs."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid

import psycopg2
import pytest

from scripts import cluster
from tests.cluster.conftest import ROOT_ENV, Visitor, sql, stored


def test_forget_me_deletes_every_row_of_that_visitor(settings) -> None:
    visitor, bystander = Visitor(), Visitor()
    for who in (visitor, bystander):
        who.say("am I a candidate?")
        who.say("yes")
        who.say("diabetic")
    assert stored(settings, visitor.sender) > 0
    reply = visitor.said("please delete my conversation")
    assert "erase" in reply.lower() or "delete" in reply.lower()
    assert stored(settings, visitor.sender) == 0  # read from PostgreSQL, not through the assistant
    assert stored(settings, bystander.sender) > 0
    # the next message, whichever replica gets it, starts an empty conversation (no stale cached copy)
    for _ in range(settings["scale"] + 1):
        reply = visitor.said("no")
        assert "did not get that" not in reply.lower()
    texts = sql(settings, "SELECT data FROM events WHERE sender_id = %s AND type_name = 'user'", (visitor.sender,))
    assert all("diabetic" not in row[0] for row in texts)


def _insert(s, sender: str, ts: float) -> None:
    con = cluster.pg_connect(s)
    with con:
        con.cursor().execute(
            "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (%s, 'user', %s, %s)",
            (sender, ts, json.dumps({"event": "user", "text": "my a1c is 9", "timestamp": ts})))
    con.close()


def test_retention_erases_idle_conversations_in_postgres(settings) -> None:
    old, recent = "cluster-old-" + uuid.uuid4().hex, "cluster-new-" + uuid.uuid4().hex
    now = time.time()
    _insert(settings, old, now - 40 * 86400)
    _insert(settings, old, now - 35 * 86400)
    _insert(settings, recent, now - 40 * 86400)
    _insert(settings, recent, now - 60)  # active a minute ago: kept whole
    out = subprocess.run([sys.executable, "-m", "stores.retention", "--days", "30"], env=ROOT_ENV(settings),
                         capture_output=True, text=True, timeout=60, cwd=cluster.ROOT)
    assert out.returncode == 0, out.stderr
    assert "erased" in out.stdout
    assert stored(settings, old) == 0
    assert stored(settings, recent) == 2


def test_unanswered_report_reads_postgres(settings) -> None:
    visitor = Visitor(prefix="site-")  # not a test prefix: the report counts it
    # a question no page topic answers, whatever its random marker: "do you validate parking" read as a
    # cost question for about one marker in three with the model of 2026-12-01 (the test was flaky)
    question = "can you recommend a pizza place near the zebra lot " + uuid.uuid4().hex[:6]
    visitor.say(question)
    out = subprocess.run([sys.executable, "scripts/report.py"], env=ROOT_ENV(settings), capture_output=True,
                         text=True, timeout=120, cwd=cluster.ROOT)
    assert out.returncode == 0, out.stderr
    assert "zebra lot" in out.stdout, out.stdout[-2000:]


def test_the_assistant_role_has_only_the_rights_it_needs(settings) -> None:
    row = sql(settings, "SELECT rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls "
                        "FROM pg_roles WHERE rolname = current_user")[0]
    assert row == (False, False, False, False, False)
    assert sql(settings, "SELECT tableowner FROM pg_tables WHERE tablename = 'events'")[0][0] == cluster.DB_USER
    with pytest.raises(psycopg2.Error):
        cluster.pg_connect(settings, dbname="postgres").close()  # no other database
    with pytest.raises(psycopg2.Error):
        sql(settings, "CREATE DATABASE another")


def test_credentials_come_from_the_environment_only(settings) -> None:
    """The replicas get a URL without a password; the password is in their environment, not in a file."""
    env = cluster.rasa_env(settings)
    assert "@" in env["TRACKER_STORE_URL"] and ":" not in env["TRACKER_STORE_URL"].split("@")[0].split("//")[1]
    endpoints = (cluster.ROOT / "endpoints.yml").read_text()
    assert env["TRACKER_STORE_PASSWORD"] not in endpoints
    for name in ("TRACKER_STORE_PASSWORD", "LOCK_STORE_PASSWORD"):
        assert name in env and env[name]
    assert os.stat(settings["dir"] / "secrets").st_mode & 0o077 == 0
