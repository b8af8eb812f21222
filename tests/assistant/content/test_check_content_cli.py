"""scripts/check_content.py: output format and exit codes, run as a separate process."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "scripts" / "check_content.py"
# Runs the script unchanged, with the prescreen/safety validators stubbed (the fixture is minimal).
STUBBED = (
    "import runpy, sys; from assistant.content.check import owned as c; "
    "c.semantic_validator = lambda stem: (lambda data: []); "
    f"sys.argv = [{str(SCRIPT)!r}] + sys.argv[1:]; "
    f"runpy.run_path({str(SCRIPT)!r}, run_name='__main__')"
)


def _env(**extra: str) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLINIC_", "CONTENT_"))}
    env.update(extra)
    return env


def run(ws: Any, *args: str, stub: bool = True, **env: str) -> subprocess.CompletedProcess:
    _freshen(ws)
    cmd: List[str] = [sys.executable] + (["-c", STUBBED] if stub else [str(SCRIPT)])
    cmd += ["--content", str(ws.content), "--data", str(ws.data), *args]
    return subprocess.run(cmd, cwd=ROOT, env=_env(**env), capture_output=True, text=True, timeout=120)


def _freshen(ws: Any) -> None:
    """The script checks review dates against the real today: make the fixture's recent."""
    recent = (dt.date.today() - dt.timedelta(days=30)).isoformat()
    text = ws.read("content/faq.yml")
    ws.write("content/faq.yml", text.replace("2025-05-01", recent).replace("2025-04-15", recent))


def test_valid_content_exits_0_with_summary(ws: Any) -> None:
    result = run(ws)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1] == "content check: 0 errors, 0 warnings"


def test_errors_exit_1_and_are_listed_first(ws: Any) -> None:
    ws.edit("content/faq.yml", "last_reviewed: 2025-04-15", "last_reviewed: 2020-01-01")  # a warning
    ws.edit("content/faq.yml", "follow_ups: [sessions, cost]", "follow_ups: [sesions, cost]")  # an error
    result = run(ws)
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    line = ws.line("content/faq.yml", "sesions")
    assert lines[0].startswith(f"ERROR   content/faq.yml:{line} topic 'timeline': follow_ups[0]")
    assert lines[1].startswith("warning content/faq.yml:") and "due for review" in lines[1]
    assert lines[-1] == "content check: 1 error, 1 warning"


def test_yaml_syntax_error_with_real_validators(ws: Any) -> None:
    ws.write("content/messages.yml", "messages:\n  greeting:\n    text: Hi: there\n")
    result = run(ws, stub=False)
    assert result.returncode == 1
    assert "ERROR   content/messages.yml:3: YAML syntax error" in result.stdout


def test_production_flag_and_content_env(ws: Any) -> None:
    ws.edit("content/clinic.yml", "placeholders: []", "placeholders: [phone]")
    assert run(ws).returncode == 0
    strict = run(ws, "--production")
    assert strict.returncode == 1
    assert "content check (production): 1 error, 0 warnings" in strict.stdout
    assert run(ws, CONTENT_ENV="production").returncode == 1
    assert run(ws, CONTENT_ENV="production", CLINIC_PHONE="(555) 222-0000").returncode == 0


def test_max_grade_option_and_env(ws: Any) -> None:
    ws.edit("content/faq.yml", "Ask {team_name} what\n      to expect for you.",
            "Mesenchymal regenerative interventions potentially facilitate neurological restoration through "
            "immunomodulatory mechanisms influencing microvascular perfusion characteristics.")
    assert run(ws).returncode == 1
    assert run(ws, "--max-grade", "40").returncode == 0
    assert run(ws, CONTENT_MAX_GRADE="40").returncode == 0


def test_missing_content_folder_exits_2(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, str(SCRIPT), "--content", str(tmp_path / "nope")], cwd=ROOT,
                            env=_env(), capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
