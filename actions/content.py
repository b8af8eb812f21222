"""Staff-editable content: load, validate, cache and render `content/*.yml`.

The action server reads every reply from here at run time, so a saved edit is
served on the next message. A change is only taken once the whole content
directory passes validation; otherwise the last good content keeps serving and
the problems are logged (file, line and field only, never visitor text).
"""
from __future__ import annotations

import functools
import logging
import os
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
CONTENT_DIR = Path(os.environ.get("CONTENT_DIR", ROOT / "content"))
DATA_DIR = Path(os.environ.get("NLU_DATA_DIR", ROOT / "data"))

CLINIC_FIELDS = ("name", "team_name", "intake_url", "phone", "email", "hours")
PLACEHOLDER_NAMES = {
    "clinic_name": "name",
    "team_name": "team_name",
    "intake_url": "intake_url",
    "phone": "phone",
    "email": "email",
    "hours": "hours",
}
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def clinic_from(data: Mapping[str, Any], env: Mapping[str, str] = os.environ) -> Dict[str, str]:
    """Clinic details from clinic.yml with CLINIC_* environment overrides applied."""
    clinic = dict((data.get("clinic") or {}).get("clinic") or {})
    for field in CLINIC_FIELDS:
        value = env.get(f"CLINIC_{field.upper()}")
        if value:
            clinic[field] = value
    return {k: str(v) for k, v in clinic.items()}


@dataclass(frozen=True)
class Content:
    """One validated snapshot of the content directory."""

    data: Dict[str, Any]
    clinic: Dict[str, str]
    loaded_at: float

    # -- rendering ---------------------------------------------------------
    def render(self, text: Optional[str]) -> str:
        """Fill {clinic_name}-style placeholders; unknown braces stay as they are."""
        if not text:
            return ""

        def fill(match: "re.Match[str]") -> str:
            field = PLACEHOLDER_NAMES.get(match.group(1))
            return self.clinic.get(field, match.group(0)) if field else match.group(0)

        return _PLACEHOLDER.sub(fill, str(text)).strip()

    def buttons(self, specs: Optional[Iterable[Mapping[str, Any]]]) -> List[Dict[str, str]]:
        """Turn content button specs into channel buttons (see ARCHITECTURE.md)."""
        out: List[Dict[str, str]] = []
        for spec in specs or []:
            title = self.render(spec.get("title"))
            if spec.get("topic"):
                topic = self.topic(spec["topic"])
                if topic is None:
                    continue
                out.append({"title": title or self.render(topic.get("title")), "payload": f"/faq_{spec['topic']}"})
            elif spec.get("intent"):
                out.append({"title": title, "payload": f"/{spec['intent']}"})
            elif spec.get("url"):
                url = self.render(spec["url"])
                out.append({"title": title, "url": url, "payload": url})
            else:
                out.append({"title": title, "payload": title})
        return out

    # -- lookups -----------------------------------------------------------
    def topics(self) -> List[Dict[str, Any]]:
        return list((self.data.get("faq") or {}).get("topics") or [])

    def topic(self, topic_id: str) -> Optional[Dict[str, Any]]:
        return next((t for t in self.topics() if t.get("id") == topic_id), None)

    def message(self, message_id: str) -> Dict[str, Any]:
        return dict(((self.data.get("messages") or {}).get("messages") or {}).get(message_id) or {})

    @property
    def prescreen(self) -> Dict[str, Any]:
        return dict(self.data.get("prescreen") or {})

    @property
    def safety(self) -> Dict[str, Any]:
        return dict(self.data.get("safety") or {})

    @functools.cached_property
    def safety_detector(self) -> Any:
        """The safety patterns of this snapshot, compiled once.

        The only way the running assistant gets its safety patterns: a
        safety.yml edit reaches visitors only after the whole content check
        passed and this snapshot was swapped in.
        """
        from assistant.safety import SafetyDetector  # deferred: compiles regexes

        return SafetyDetector(self.data["safety"])

    def topic_buttons(self, topic_ids: Iterable[str]) -> List[Dict[str, str]]:
        return self.buttons({"topic": t} for t in topic_ids)


class ContentStore:
    """Serves the newest valid content; reloads when a file changes on disk."""

    def __init__(
        self,
        content_dir: Path = CONTENT_DIR,
        data_dir: Optional[Path] = DATA_DIR,
        check_every: float = 0.5,
    ) -> None:
        self.content_dir = Path(content_dir)
        self.data_dir = Path(data_dir) if data_dir else None
        self.check_every = check_every
        self._lock = threading.Lock()
        self._content: Optional[Content] = None
        self._signature: Optional[Tuple] = None
        self._rejected_signature: Optional[Tuple] = None
        self._checked_at = 0.0

    def _files(self) -> List[Path]:
        files = sorted(self.content_dir.glob("*.yml"))
        if self.data_dir and (self.data_dir / "nlu").is_dir():
            files += sorted((self.data_dir / "nlu").glob("*.yml"))
        return files

    def _current_signature(self) -> Tuple:
        sig = []
        for path in self._files():
            try:
                st = path.stat()
            except OSError:
                continue
            sig.append((str(path), st.st_mtime_ns, st.st_size))
        return tuple(sig)

    def get(self) -> Content:
        """The current content; validates and swaps in a changed directory."""
        now = time.monotonic()
        if self._content is not None and now - self._checked_at < self.check_every:
            return self._content
        with self._lock:
            self._checked_at = now
            signature = self._current_signature()
            if self._content is not None and signature in (self._signature, self._rejected_signature):
                return self._content
            self._load(signature)
            if self._content is None:
                raise RuntimeError("content/ has errors and no earlier version is loaded; run `make check`")
            return self._content

    def _load(self, signature: Tuple) -> None:
        from actions.content_check import validate_dir  # deferred: keeps import light

        report = validate_dir(self.content_dir, self.data_dir)
        if not report.ok:
            self._rejected_signature = signature
            for problem in report.problems:
                if problem.severity == "error":
                    logger.error("content edit refused: %s", problem)
            if self._content is not None:
                logger.error("content edit refused; the last good content keeps serving")
            return
        self._content = Content(data=report.data, clinic=clinic_from(report.data), loaded_at=time.time())
        self._signature = signature
        self._rejected_signature = None
        logger.info("content loaded (%d topics)", len(self._content.topics()))


_store: Optional[ContentStore] = None


def get_content() -> Content:
    """Process-wide content snapshot (lazy: nothing is read at import time)."""
    global _store
    if _store is None:
        _store = ContentStore()
    return _store.get()


def reply(dispatcher: Any, content: Content, message_id: str) -> None:
    """Send a message from messages.yml with its buttons."""
    msg = content.message(message_id)
    dispatcher.utter_message(text=content.render(msg.get("text")), buttons=content.buttons(msg.get("buttons")))
