"""Health information stays the patient's: erasable, out of logs, never repeated."""
from __future__ import annotations

import sqlite3
import time
import uuid

from tests.e2e.conftest import RUN_DIR, TRACKER_DB, Visitor


def _stored_events(sender: str) -> int:
    con = sqlite3.connect(TRACKER_DB)
    try:
        return con.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?", (sender,)).fetchone()[0]
    finally:
        con.close()


def test_forget_me_erases_the_stored_conversation(visitor: Visitor) -> None:
    visitor.say("am I a candidate?")
    visitor.say("yes")
    visitor.say("diabetic")
    assert _stored_events(visitor.sender) > 0
    reply = visitor.said("please delete my conversation")
    assert "erase" in reply.lower() or "delete" in reply.lower()
    assert _stored_events(visitor.sender) == 0
    # the next message starts an empty conversation: no pre-screen in progress
    reply = visitor.said("no")
    assert "did not get that" not in reply.lower()


def test_health_answers_and_message_text_never_reach_the_logs(visitor: Visitor) -> None:
    canary = "canary" + uuid.uuid4().hex[:10]
    visitor.say("am I a candidate?")
    visitor.say("yes")
    visitor.say(f"diabetic, my name is {canary}")
    visitor.say("9.7")
    visitor.say(f"{canary} what is neuropathy")
    time.sleep(0.5)
    for log in RUN_DIR.glob("*.log"):
        assert canary not in log.read_text(errors="replace"), f"message text found in {log.name}"


def test_retention_erases_idle_conversations(visitor: Visitor, tmp_path) -> None:
    from stores.retention import purge

    visitor.say("hello")
    copy = tmp_path / "tracker.db"
    live = sqlite3.connect(TRACKER_DB)  # the backup API also copies what is still in the WAL
    backup = sqlite3.connect(copy)
    live.backup(backup)
    live.close()
    backup.close()
    con = sqlite3.connect(copy)
    con.execute("UPDATE events SET timestamp = timestamp - 40 * 86400 WHERE sender_id = ?", (visitor.sender,))
    con.commit()
    con.close()
    assert purge(str(copy), days=30) >= 1
    con = sqlite3.connect(copy)
    left = con.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?", (visitor.sender,)).fetchone()[0]
    con.close()
    assert left == 0
