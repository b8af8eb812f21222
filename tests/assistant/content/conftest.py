"""A small valid content folder (and NLU data) written into tmp_path for each test.

The semantic validators of prescreen.yml / safety.yml belong to other modules
and are exercised by their own tests; here they are replaced by a stub so the
fixture stays small, and one test checks the mapping of their paths to lines.
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import pytest

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from assistant.content import check as content_check  # noqa: E402
from assistant.content.check import owned  # noqa: E402
from assistant.content.check.messages import REQUIRED_MESSAGES  # noqa: E402

TODAY = dt.date(2025, 6, 1)

CLINIC = """\
clinic:
  name: Test Clinic
  team_name: the test team
  intake_url: https://clinic.example.com/intake
  phone: "(555) 010-0100"
  email: intake@clinic.example.com
  hours: Monday to Friday, 9 am to 5 pm
placeholders: []
"""

FAQ = """\
topics:
  - id: timeline
    title: How long until it helps
    answer: >-
      Most people notice a change in a few weeks to a few months. Nerves
      heal slowly, so the results build up over time. Ask {team_name} what
      to expect for you.
    follow_ups: [sessions, cost]
    source: Frequently Asked Questions
    last_reviewed: 2025-05-01

  - id: sessions
    title: How many sessions are needed
    answer: >-
      Most people need one to three visits. The team will tell you how many
      may help you after they look at your needs.
    follow_ups: [timeline]
    links:
      - {title: Our clinic page, url: "https://clinic.example.com/msc"}
    source: Frequently Asked Questions
    last_reviewed: 2025-05-01

  - id: cost
    title: What does it cost
    answer: >-
      The cost depends on your plan of care. Call us at {phone} and we will
      go over the price with you.
    follow_ups: []
    source: Frequently Asked Questions
    last_reviewed: 2025-04-15
"""

REQUIRED = [m for m in REQUIRED_MESSAGES if m != "greeting"]
MESSAGES = (
    """\
messages:
  greeting:
    text: Hi! I can answer questions about nerve pain and the care we offer at {clinic_name}.
    buttons:
      - {title: How long until it helps, topic: timeline}
      - {title: Am I a candidate?, intent: start_prescreen}
      - {title: Begin the intake form, url: "{intake_url}"}
"""
    + "".join(f"  {mid}:\n    text: This is the {mid.replace('_', ' ')} message.\n" for mid in REQUIRED)
)

PRESCREEN = """\
questions:
  - slot: ps_consent
    text: May I ask you a few short questions?
    buttons:
      - {title: "Yes", value: "yes"}
      - {title: "No", value: "no"}
criteria:
  hba1c_threshold: 8.0
  exclusions:
    - id: active_cancer
      when: {slot: ps_cancer, equals: "yes"}
      explanation: The clinic does not start this care while cancer is active.
"""

SAFETY = """\
words:
  harm: [hurt, harm]
crisis:
  message: If you might hurt yourself, call or text 988 now. You are not alone.
  categories:
    - id: self_harm
      patterns: ["\\\\b{harm} myself\\\\b", "\\\\bend it{1,2}\\\\b"]
      examples: [I want to hurt myself]
"""

NLU_FAQ = """\
version: "3.1"
nlu:
- intent: faq_timeline
  examples: |
    - how long until it works
    - when will I feel better
- intent: faq_sessions
  examples: |
    - how many sessions do I need
    - how many visits
- intent: faq_cost
  examples: |
    - how much does it cost
    - what is the price
"""

NLU_CORE = """\
version: "3.1"
nlu:
- intent: start_prescreen
  examples: |
    - am I a candidate
- intent: ask_human
  examples: |
    - can I talk to a person
"""

FILES = {
    "content/clinic.yml": CLINIC,
    "content/faq.yml": FAQ,
    "content/messages.yml": MESSAGES,
    "content/prescreen.yml": PRESCREEN,
    "content/safety.yml": SAFETY,
    "data/nlu/faq.yml": NLU_FAQ,
    "data/nlu/core.yml": NLU_CORE,
}


class Workspace:
    """The fixture folder with helpers to seed one mistake and check it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        for rel, text in FILES.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        self.content = root / "content"
        self.data = root / "data"

    def path(self, rel: str) -> Path:
        return self.root / rel

    def read(self, rel: str) -> str:
        return self.path(rel).read_text(encoding="utf-8")

    def write(self, rel: str, text: str) -> None:
        self.path(rel).write_text(text, encoding="utf-8")

    def edit(self, rel: str, old: str, new: str, count: int = 1) -> None:
        text = self.read(rel)
        assert old in text, f"fixture has no {old!r} in {rel}"
        self.write(rel, text.replace(old, new, count))

    def line(self, rel: str, needle: str, nth: int = 1) -> int:
        """1-based line of the nth line containing `needle`."""
        hits = [i for i, ln in enumerate(self.read(rel).splitlines(), 1) if needle in ln]
        assert len(hits) >= nth, f"{needle!r} not found {nth} time(s) in {rel}"
        return hits[nth - 1]

    def check(self, **kwargs: Any) -> content_check.Report:
        kwargs.setdefault("today", TODAY)
        kwargs.setdefault("env", {})
        data = kwargs.pop("data_dir", self.data)
        return content_check.validate_dir(self.content, data, **kwargs)


@pytest.fixture
def semantic_results(monkeypatch: pytest.MonkeyPatch) -> Dict[str, List[Tuple[str, str]]]:
    """What the stubbed validate_spec of each owned file returns (edit in a test)."""
    results: Dict[str, List[Tuple[str, str]]] = {"prescreen": [], "safety": []}

    def fake(stem: str) -> Callable[[Any], List[Tuple[str, str]]]:
        return lambda data: list(results[stem])

    monkeypatch.setattr(owned, "semantic_validator", fake)
    return results


@pytest.fixture
def ws(tmp_path: Path, semantic_results: Dict[str, List[Tuple[str, str]]]) -> Workspace:
    """Fixture folder; prescreen/safety validators stubbed (see semantic_results)."""
    return Workspace(tmp_path)


@pytest.fixture
def ws_real(tmp_path: Path) -> Workspace:
    """Fixture folder with the real semantic-validator lookup."""
    return Workspace(tmp_path)


def _find(report: content_check.Report, *, file: str, field: Optional[str] = None, contains: str = "",
          severity: str = "error", line: Optional[int] = None) -> List[content_check.Problem]:
    return [p for p in report.problems
            if p.file == file and (field is None or p.field == field) and contains in p.message
            and p.severity == severity and (line is None or p.line == line)]


@pytest.fixture
def find() -> Callable[..., List[content_check.Problem]]:
    """find(report, file=..., field=..., contains=..., severity=..., line=...) -> matching problems."""
    return _find
