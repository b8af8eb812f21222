"""No visitor text in any log, at any level.

Rasa logs message texts in several places (at DEBUG "Received user message
'...'", at WARNING a "/..." message it could not parse, slot values, events),
and an exception message can carry text too. The channels register every
visitor text as it arrives (`remember`); a log-record factory (so it applies to
every logger and handler, also ones created later) then replaces, in each
record's message and exception text:

- any registered text still in flight, whole (also in its JSON and repr
  escaped forms, and each of its lines), at every level, and
- in DEBUG records (where Rasa dumps slots, events and parse data, also after
  the turn) and in the arguments of this project's own log calls: any word of
  a recently seen visitor text (kept as salted hashes, never as text; very
  common short words excepted),

with "[redacted]", and escapes newlines left in a message so a record is one
line: a text can no longer forge log lines. Python warnings (Rasa reports some
parse problems through `warnings`) go through the same redaction.

Installed in the Rasa server at start (channels/hardening.py) and in the action
server (channels/action_server.py, which registers the texts it receives).
"""
from __future__ import annotations

import hashlib
import itertools
import json
import logging
import os
import re
import threading
import warnings
from collections import OrderedDict
from typing import Any, Dict, Optional

REDACTED = "[redacted]"
WORD = re.compile(r"\w+", re.UNICODE)
MAX_WORDS = 200_000
MAX_IN_FLIGHT = 512
MAX_TEXT = 4096  # longer texts never reach Rasa (limits.py); only their words are kept
COMMON = frozenset("""
a an and are as at be but by can do does for from has have how i if in is it its me my no not of on or
so than that the then there this to was we what when where which who why will with you your yes ok
""".split())

_LOCK = threading.Lock()
_SALT = os.urandom(16)
_WORDS: "OrderedDict[bytes, None]" = OrderedDict()
_IN_FLIGHT: "OrderedDict[int, str]" = OrderedDict()
_installed = False
_HANDLES = itertools.count(1)


def _digest(word: str) -> bytes:
    return hashlib.blake2b(word.casefold().encode("utf-8", "surrogatepass"), digest_size=8, key=_SALT).digest()


def _words(text: str) -> list:
    return [w for w in WORD.findall(text[:MAX_TEXT * 4]) if w.casefold() not in COMMON]


def remember(text: Any, in_flight: bool = True) -> Optional[int]:
    """Register a visitor text; returns a handle for `done` (None if nothing was kept)."""
    if not isinstance(text, str) or not text.strip():
        return None
    digests = [_digest(w) for w in _words(text)]
    with _LOCK:
        for d in digests:
            _WORDS[d] = None
            _WORDS.move_to_end(d)
        while len(_WORDS) > MAX_WORDS:
            _WORDS.popitem(last=False)
        if not in_flight or len(text) > MAX_TEXT:
            return None
        handle = next(_HANDLES)
        _IN_FLIGHT[handle] = text
        while len(_IN_FLIGHT) > MAX_IN_FLIGHT:
            _IN_FLIGHT.popitem(last=False)
        return handle


def done(handle: Optional[int]) -> None:
    """The message was handled: its whole text no longer needs matching (its words still do)."""
    if handle is None:
        return
    with _LOCK:
        _IN_FLIGHT.pop(handle, None)


def _forms(text: str) -> list:
    forms = {text, text.strip()}
    forms.add(json.dumps(text)[1:-1])
    forms.add(json.dumps(text, ensure_ascii=False)[1:-1])
    forms.add(repr(text)[1:-1])
    forms.update(line for line in text.splitlines() if len(line.strip()) > 3)
    return sorted((f for f in forms if f.strip()), key=len, reverse=True)


def redact(line: str, words: bool = True) -> str:
    """The line without any registered visitor text (whole; and word by word if `words`), on one line."""
    if not isinstance(line, str) or not line:
        return line
    with _LOCK:
        texts = list(_IN_FLIGHT.values())
        for text in texts:
            if text in line or text.strip() in line or any(f in line for f in _forms(text)):
                for form in _forms(text):
                    line = line.replace(form, REDACTED)
        if words and _WORDS:
            line = WORD.sub(lambda m: REDACTED if _digest(m.group()) in _WORDS else m.group(), line)
    if "\n" in line or "\r" in line:
        line = line.replace("\r", "\\r").replace("\n", "\\n")
    return line


#: This project's own loggers: their message templates never hold visitor text (only their
#: arguments might), so common words in a template are not redacted ("conversation erased").
PROJECT_LOGGERS = frozenset({"channels", "stores", "actions", "components", "assistant", "scripts", "console"})


def _project_message(record: logging.LogRecord) -> Optional[str]:
    if record.name.split(".", 1)[0] not in PROJECT_LOGGERS or not isinstance(record.msg, str):
        return None
    args = record.args
    if not args:
        return _whole_texts(record.msg)
    items = args if isinstance(args, tuple) else (args,)
    safe = tuple(a if isinstance(a, (int, float)) and not isinstance(a, bool) else redact(str(a)) for a in items)
    try:
        return _whole_texts(record.msg % (safe if isinstance(args, tuple) else safe[0]))
    except (TypeError, ValueError, KeyError):
        return None


def _whole_texts(line: str) -> str:
    """Only the whole-text (in-flight) redaction and the one-line rule."""
    with _LOCK:
        texts = list(_IN_FLIGHT.values())
    for text in texts:
        for form in _forms(text):
            if form in line:
                line = line.replace(form, REDACTED)
    return line.replace("\r", "\\r").replace("\n", "\\n") if ("\n" in line or "\r" in line) else line


def _redact_record(record: logging.LogRecord) -> logging.LogRecord:
    if getattr(record, "_redacted", False):
        return record
    words = record.levelno < logging.INFO
    message = _project_message(record)
    if message is None:
        try:
            message = redact(record.getMessage(), words)
        except Exception:  # a broken format string: keep the template only
            message = redact(str(record.msg), words)
    record.msg = message
    record.args = None
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        # multi-line tracebacks stay readable; only visitor text is removed
        record.exc_text = "\n".join(redact(part, words) for part in record.exc_text.split("\n"))
    if record.stack_info:
        record.stack_info = "\n".join(redact(part, words) for part in record.stack_info.split("\n"))
    record._redacted = True
    return record


class RedactTextFilter(logging.Filter):
    """A logging filter for handlers: removes visitor text from each record (never drops one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        _redact_record(record)
        return True


def install() -> None:
    """Redact every log record and warning of this process (idempotent)."""
    global _installed
    if _installed:
        return
    _installed = True
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return _redact_record(previous(*args, **kwargs))

    logging.setLogRecordFactory(factory)
    # records created before the factory was set, or by code that builds LogRecord itself
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactTextFilter) for f in handler.filters):
            handler.addFilter(RedactTextFilter())
    show = warnings.showwarning

    def showwarning(message: Any, category: Any, filename: str, lineno: int, file: Any = None,
                    line: Optional[str] = None) -> None:
        show(redact(str(message)), category, filename, lineno, file, "")

    warnings.showwarning = showwarning


def installed() -> bool:
    return _installed


def reset() -> None:
    """Forget every registered text (tests)."""
    with _LOCK:
        _WORDS.clear()
        _IN_FLIGHT.clear()


def remember_action_call(payload: Dict[str, Any]) -> list:
    """Action server: register the visitor texts of an incoming action call.

    Returns the handles of the texts in flight during the call (pass them to `done`):
    the latest message and the text slot values; earlier messages by their words.
    """
    tracker = payload.get("tracker") if isinstance(payload, dict) else None
    if not isinstance(tracker, dict):
        return []
    latest = tracker.get("latest_message") or {}
    handles = [remember(latest.get("text"))]
    for event in (tracker.get("events") or [])[-200:]:
        if isinstance(event, dict) and event.get("event") == "user":
            remember(event.get("text"), in_flight=False)
    for value in (tracker.get("slots") or {}).values():
        if isinstance(value, str) and len(value) > 3:
            handles.append(remember(value))
    return [h for h in handles if h is not None]
