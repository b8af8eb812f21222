"""The content store: one checked snapshot of every staff-editable content file.

Every reply, the safety patterns and the pre-screen rules are read from here
at run time, so a saved edit is served on the next message. A change is only
taken once the whole content directory passes the content check
(`assistant.content.check.validate_dir`); otherwise the last good snapshot
keeps serving and the problems are logged (file, line and field only, never
visitor text).

Nothing is read at import time: the folders come from the settings
(`assistant.settings`: CONTENT_DIR, NLU_DATA_DIR) when a store is made, and
the process-wide store is made on the first `get_content()`.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant import settings
from assistant.content.placeholders import clinic_from, fill

logger = logging.getLogger(__name__)

Signature = tuple[tuple[str, int, int], ...]
# only the clinic values written as words for the middle of a sentence (never a link or a number)
_SENTENCE_START_PLACEHOLDER = re.compile(r"(^\s*|[.!?]\s+|[¿¡])(\{(?:team_name|hours)\})")


_CONTRACTION = re.compile(r"\b([Aa]|[Dd]e) (\{(?:team_name|hours)\})")


def _contracted(preposition: str, value: str) -> str:
    if value.startswith("el "):
        return {"a": "al", "A": "Al", "de": "del", "De": "Del"}[preposition] + value[2:]
    return f"{preposition} {value}"


def _capitalised(value: str) -> str:
    return value[:1].upper() + value[1:]


#: what a language button sends (assistant.language.requested_language reads it)
LANGUAGE_PAYLOADS = {"en": "English", "es": "Español"}


def __getattr__(name: str) -> Path:
    """CONTENT_DIR and DATA_DIR (the Rasa data folder with nlu/), from the settings when asked for."""
    if name == "CONTENT_DIR":
        return settings.get().content_dir
    if name == "DATA_DIR":
        return settings.get().nlu_data_dir
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class Content:
    """One validated snapshot of the content directory."""

    data: dict[str, Any]
    clinic: dict[str, str]
    loaded_at: float
    language: str = "en"
    english: Content | None = None  # set on a translation: the snapshot it was made from

    # -- languages -----------------------------------------------------------
    def in_language(self, language: str | None) -> Content:
        """This snapshot in ``language`` ("en", "es"): content/es/ laid over the English files.

        A text without a Spanish version keeps its English one (`make check` lists them).
        Unknown languages get English.
        """
        if not language or language == self.language or self.language != "en":
            return self
        return self._translations.get(language, self)

    @functools.cached_property
    def _translations(self) -> dict[str, Content]:
        from assistant.content.translation import FILES, overlay

        out: dict[str, Content] = {}
        for language, files in (self.data.get("translations") or {}).items():
            data = dict(self.data)
            data.pop("translations", None)
            for stem in FILES:
                if stem in data and files.get(stem):
                    data[stem] = overlay(data[stem], files[stem])
            out[language] = Content(
                data=data, clinic=clinic_from(data), loaded_at=self.loaded_at, language=language, english=self
            )
        return out

    # -- rendering ---------------------------------------------------------
    def render(self, text: str | None) -> str:
        """Fill {clinic_name}-style placeholders; unknown braces stay as they are."""
        if not text:
            return ""
        if self.language != "en":
            # a clinic value written for the middle of a sentence ("el equipo del Dr. Moreno")
            # starts with a capital letter where it starts a sentence
            text = _SENTENCE_START_PLACEHOLDER.sub(
                lambda m: m.group(1) + _capitalised(fill(m.group(2), self.clinic)), str(text)
            )
            # "a" / "de" + "el equipo ..." -> "al equipo ...", "del equipo ..."
            text = _CONTRACTION.sub(lambda m: _contracted(m.group(1), fill(m.group(2), self.clinic)), text)
        return fill(str(text), self.clinic)

    def buttons(self, specs: Iterable[Mapping[str, Any]] | None) -> list[dict[str, str]]:
        """Turn content button specs into channel buttons (see ARCHITECTURE.md)."""
        out: list[dict[str, str]] = []
        for spec in specs or []:
            title = self.render(spec.get("title"))
            if spec.get("topic"):
                topic = self.topic(spec["topic"])
                if topic is None:
                    continue
                out.append({"title": title or self.render(topic.get("title")), "payload": f"/faq_{spec['topic']}"})
            elif spec.get("intent"):
                out.append({"title": title, "payload": f"/{spec['intent']}"})
            elif spec.get("language"):
                # the visitor's way to switch: the language's own name, read by assistant.language
                out.append({"title": title, "payload": LANGUAGE_PAYLOADS.get(spec["language"], title)})
            elif spec.get("url"):
                url = self.render(spec["url"])
                out.append({"title": title, "url": url, "payload": url})
            else:
                out.append({"title": title, "payload": title})
        return out

    # -- lookups -----------------------------------------------------------
    def topics(self) -> list[dict[str, Any]]:
        return list((self.data.get("faq") or {}).get("topics") or [])

    def topic(self, topic_id: str) -> dict[str, Any] | None:
        return next((t for t in self.topics() if t.get("id") == topic_id), None)

    def message(self, message_id: str) -> dict[str, Any]:
        return dict(((self.data.get("messages") or {}).get("messages") or {}).get(message_id) or {})

    @property
    def prescreen(self) -> dict[str, Any]:
        return dict(self.data.get("prescreen") or {})

    @property
    def safety(self) -> dict[str, Any]:
        return dict(self.data.get("safety") or {})

    @functools.cached_property
    def safety_detector(self) -> Any:
        """The safety patterns of this snapshot, compiled once.

        The only way the running assistant gets its safety patterns: a
        safety.yml edit reaches visitors only after the whole content check
        passed and this snapshot was swapped in.
        """
        from assistant.safety import SafetyDetector  # deferred: compiles regexes

        if self.language != "en" and self.english is not None:
            # the English patterns (one compiled set), this language's messages
            return TranslatedDetector(self.english.safety_detector, self.safety)
        return SafetyDetector(self.data["safety"])

    def topic_buttons(self, topic_ids: Iterable[str]) -> list[dict[str, str]]:
        return self.buttons({"topic": t} for t in topic_ids)


class TranslatedDetector:
    """The English safety patterns, answering with another language's messages (same ids)."""

    def __init__(self, detector: Any, safety: Mapping[str, Any]) -> None:
        self._detector = detector
        self._messages: dict[tuple[str, str], str] = {}
        for kind, section in safety.items():
            if not isinstance(section, Mapping):
                continue
            for category in section.get("categories") or []:
                if isinstance(category, Mapping) and category.get("message"):
                    self._messages[(kind, str(category.get("id")))] = str(category["message"])
            for kind_, category_id in detector.categories:
                if kind_ == kind and (kind, category_id) not in self._messages and section.get("message"):
                    self._messages[(kind, category_id)] = str(section["message"])

    def message_for(self, kind: str, category: str) -> str:
        if (kind, category) in self._messages:
            return self._messages[(kind, category)]
        return str(self._detector.message_for(kind, category))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._detector, name)


class _FromSettings:
    """Default folder: taken from the settings when the store is made."""


FROM_SETTINGS = _FromSettings()


class ContentStore:
    """Serves the newest valid content; reloads when a file changes on disk."""

    def __init__(
        self,
        content_dir: Path | str | _FromSettings = FROM_SETTINGS,
        data_dir: Path | str | _FromSettings | None = FROM_SETTINGS,
        check_every: float = 0.5,
    ) -> None:
        if isinstance(content_dir, _FromSettings):
            content_dir = settings.get().content_dir
        if isinstance(data_dir, _FromSettings):
            data_dir = settings.get().nlu_data_dir
        self.content_dir = Path(content_dir)
        self.data_dir = Path(data_dir) if data_dir else None
        self.check_every = check_every
        self._lock = threading.Lock()
        self._content: Content | None = None
        self._signature: Signature | None = None
        self._rejected_signature: Signature | None = None
        self._checked_at = 0.0

    def _files(self) -> list[Path]:
        files = sorted(self.content_dir.glob("*.yml")) + sorted(self.content_dir.glob("es/*.yml"))
        if self.data_dir and (self.data_dir / "nlu").is_dir():
            files += sorted((self.data_dir / "nlu").glob("*.yml"))
        return files

    def _current_signature(self) -> Signature:
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

    def _load(self, signature: Signature) -> None:
        from assistant.content.check import validate_dir  # deferred: keeps import light

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


_store: ContentStore | None = None


def get_content() -> Content:
    """Process-wide content snapshot (lazy: nothing is read at import time)."""
    global _store
    if _store is None:
        _store = ContentStore()
    return _store.get()
