"""scripts/preview.py: topic/message rendering, parse summaries, and the no-model message."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict

import pytest

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "scripts" / "preview.py"


from scripts import preview as preview  # noqa: E402  (scripts/ is a package)


def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CLINIC_")}
    clean.update(env)
    return subprocess.run([sys.executable, str(SCRIPT), *args], cwd=ROOT, env=clean, capture_output=True, text=True,
                          timeout=120)


def test_topic_shows_rendered_answer_and_buttons(ws: Any) -> None:
    result = run("--content", str(ws.content), "topic", "sessions")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Topic 'sessions': How many sessions are needed" in out
    assert "Most people need one to three visits." in out
    assert "[Our clinic page]  -> opens https://clinic.example.com/msc" in out
    assert "[How long until it helps]  -> answer 'timeline'" in out


def test_topic_fills_placeholders_from_clinic_and_environment(ws: Any) -> None:
    assert "Ask the test team what" in run("--content", str(ws.content), "topic", "timeline").stdout
    out = run("--content", str(ws.content), "topic", "timeline", CLINIC_TEAM_NAME="Dr. Rivera's team").stdout
    assert "Ask Dr. Rivera's team what" in out
    assert "{team_name}" not in out


def test_unknown_topic_suggests_and_exits_1(ws: Any) -> None:
    result = run("--content", str(ws.content), "topic", "timline")
    assert result.returncode == 1
    assert "no topic 'timline' in faq.yml; did you mean: timeline?" in result.stdout


def test_message_preview(ws: Any) -> None:
    out = run("--content", str(ws.content), "message", "greeting").stdout
    assert "care we offer at Test\nClinic." in out  # wrapped at 78 columns
    assert "[Begin the intake form]  -> opens https://clinic.example.com/intake" in out
    assert "[Am I a candidate?]  -> /start_prescreen" in out


def test_ask_without_a_trained_model_says_run_make_train(tmp_path: Path) -> None:
    result = run("ask", "how long does it take", "--model", str(tmp_path))
    assert result.returncode == 2
    assert "make train" in result.stderr


def test_fallback_threshold_read_from_config(tmp_path: Path) -> None:
    config = tmp_path / "config.yml"
    config.write_text("pipeline:\n  - name: WhitespaceTokenizer\n  - name: FallbackClassifier\n    threshold: 0.42\n")
    assert preview.fallback_threshold(config) == pytest.approx(0.42)
    config.write_text("pipeline:\n  - name: WhitespaceTokenizer\n")
    assert preview.fallback_threshold(config) == pytest.approx(preview.DEFAULT_FALLBACK_THRESHOLD)


def _parse(name: str, confidence: float) -> Dict[str, Any]:
    ranking = [{"name": name, "confidence": confidence}, {"name": "faq_sessions", "confidence": 0.05},
               {"name": "faq_cost", "confidence": 0.03}, {"name": "greet", "confidence": 0.02},
               {"name": "thank", "confidence": 0.01}]
    return {"intent": {"name": name, "confidence": confidence}, "intent_ranking": ranking}


def test_describe_parse_topic_alternatives_and_fallback(ws: Any) -> None:
    data = ws.check().data
    lines = preview.describe_parse(_parse("faq_timeline", 0.91), 0.3, data)
    text = "\n".join(lines)
    assert "Intent: faq_timeline  (confidence 0.91; fallback below 0.30)" in text
    assert [ln.split()[0] for ln in lines[2:5]] == ["faq_sessions", "faq_cost", "greet"]  # top 3 alternatives
    assert "Result: topic 'timeline' (How long until it helps)" in text
    assert "Ask the test team what" in text

    low = "\n".join(preview.describe_parse(_parse("faq_timeline", 0.2), 0.3, data))
    assert "Result: fallback" in low and "This is the fallback message." in low
    assert "Result: fallback" in "\n".join(preview.describe_parse(_parse("nlu_fallback", 0.9), 0.3, data))
    gone = "\n".join(preview.describe_parse(_parse("faq_parking", 0.9), 0.3, data))
    assert "not in faq.yml" in gone
