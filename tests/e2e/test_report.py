"""`make report` on the tracker store that a real test conversation filled."""
from __future__ import annotations

import subprocess
import sys
import uuid

from tests.e2e.conftest import ROOT, TRACKER_DB, Visitor


def test_report_lists_unanswered_messages_masked(visitor: Visitor, tmp_path) -> None:
    tag = "".join(chr(ord("a") + int(c, 16) % 26) for c in uuid.uuid4().hex[:8])  # letters only
    visitor.say(f"what will the weather be like in {tag} tomorrow? my email is jane.doe@example.com, phone 555-123-4567")
    visitor.say(f"my name is Margaret, who won the football game in {tag} yesterday? my zip is 90210")
    visitor.say("who won the game last night?")
    visitor.say("how many sessions are needed?")
    out_csv = tmp_path / "unanswered.csv"
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "report.py"), "--db", str(TRACKER_DB), "--csv", str(out_csv),
         "--include-test-traffic"],  # the e2e conversations are test traffic, left out by default
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    report = result.stdout + out_csv.read_text()
    assert tag in report  # the unanswered messages are listed ...
    for secret in ("jane.doe@example.com", "555-123-4567", "Margaret", "90210"):
        assert secret not in report  # ... with personal details masked
    assert "[email]" in report and "[name]" in report
    assert "faq_sessions" in report or "sessions" in report  # most-asked topics
