"""Bounded work per message: size limits at the door and rate limits.

Everything here runs BEFORE a message is parsed by Rasa or stored, and costs a
bounded amount of time whatever the visitor sends:

- **Size.** A request body (REST) or socket.io packet larger than the byte
  limit is not read further and not decoded; a message longer than
  MAX_MESSAGE_CHARS, or with metadata larger than MAX_METADATA_BYTES, is
  refused. Either way the visitor gets the kind "please keep it shorter"
  reply from content/messages.yml. A long text that can be read is first
  screened for a crisis or an emergency in two bounded windows (its start and
  its end), so a long message that says "I want to kill myself" still gets 988.
- **Rate.** Token buckets per sender id and per client address. A message
  over the limit gets a kind "please slow down" reply (which also gives 988
  and 911) and is not processed. Requests from the loopback interface without
  an X-Forwarded-For header (local tools: `make bench`, the eval scripts) are
  not limited; requests forwarded by a trusted proxy (TRUSTED_PROXIES,
  default loopback) are limited by the address the proxy reports.

Settings (environment): MAX_MESSAGE_CHARS (1000), MAX_BODY_BYTES (65536),
MAX_METADATA_BYTES (2048), RATE_LIMIT_SENDER ("30/60": 30 messages, refilled
over 60 s), RATE_LIMIT_ADDRESS ("120/60"), TRUSTED_PROXIES ("127.0.0.1 ::1").
"""
from __future__ import annotations

import ipaddress
import json
import logging
import os
import threading
import time
from collections import OrderedDict
from typing import Any, Iterable, List, Optional, Tuple

logger = logging.getLogger(__name__)

DEFAULT_MAX_MESSAGE_CHARS = 1000
DEFAULT_MAX_BODY_BYTES = 64 * 1024
DEFAULT_MAX_METADATA_BYTES = 2048
#: Hard cap for any HTTP request body and websocket frame (Sanic's REQUEST_MAX_SIZE and
#: WEBSOCKET_MAX_SIZE, engine.io's max_http_buffer_size). Bigger ones are cut off by the server.
DEFAULT_HARD_MAX_BYTES = 2 * 1024 * 1024
#: Characters screened for a crisis at each end of an over-long message.
SCREEN_WINDOW = 2000


def _int_env(name: str, default: int) -> int:
    try:
        value = int(os.environ.get(name) or default)
    except ValueError:
        return default
    return value if value > 0 else default


def max_message_chars() -> int:
    return _int_env("MAX_MESSAGE_CHARS", DEFAULT_MAX_MESSAGE_CHARS)


def max_body_bytes() -> int:
    return _int_env("MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES)


def max_metadata_bytes() -> int:
    return _int_env("MAX_METADATA_BYTES", DEFAULT_MAX_METADATA_BYTES)


def hard_max_bytes() -> int:
    return max(_int_env("HARD_MAX_BYTES", DEFAULT_HARD_MAX_BYTES), max_body_bytes())


# --------------------------------------------------------------------------- size
def metadata_too_big(metadata: Any) -> bool:
    """True when metadata is not a small JSON object (it would be stored with the message)."""
    if metadata is None:
        return False
    if isinstance(metadata, str):
        return len(metadata) > max_metadata_bytes()
    if not isinstance(metadata, dict):
        return True
    try:
        encoded = json.dumps(metadata, separators=(",", ":"), default=str)
    except (TypeError, ValueError, RecursionError):
        return True
    return len(encoded.encode("utf-8", "surrogatepass")) > max_metadata_bytes()


def screen_windows(text: str) -> List[str]:
    """The bounded parts of an over-long text that are screened for a crisis."""
    if len(text) <= 2 * SCREEN_WINDOW:
        return [text]
    return [text[:SCREEN_WINDOW], text[-SCREEN_WINDOW:]]


def screen_kind(text: Any) -> Optional[str]:
    """Crisis or emergency in a text of any length, in bounded time (a few ms)."""
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        from components.message_guard import decision_for
    except Exception as exc:  # never let the door itself fail
        logger.error("safety screen unavailable: %s", type(exc).__name__)
        return None
    found = None
    for window in screen_windows(text):
        try:
            kind = decision_for(window)
        except Exception as exc:
            logger.error("safety screen failed: %s", type(exc).__name__)
            continue
        if kind == "crisis":
            return kind
        if kind in ("emergency", "checkin") and found != "emergency":
            found = kind
    return found


def door_replies(kind: Optional[str], message_id: str = "message_too_long", text: Optional[str] = None) -> List[str]:
    """Texts for a message refused at the door: safety help first when it was needed (in Spanish
    for a clearly Spanish message)."""
    from channels.guard import apology_text

    texts: List[str] = []
    if kind in ("crisis", "emergency"):
        texts.append(apology_text(kind, text))
    texts.append(message_text(message_id))
    if kind == "checkin":
        texts.append(message_text("safety_line"))
    return texts


FALLBACKS = {
    "message_too_long": "That message is a bit long for me. Please keep it under 1,000 characters.",
    "message_too_large": (
        "That message is too large for me to read. Please keep it under 1,000 characters. "
        "If you are thinking about suicide, call or text 988. In an emergency, call 911."
    ),
    "rate_limited": (
        "You're sending messages faster than I can read them. Please wait a moment and try again. "
        "If you are thinking about suicide, call or text 988. In an emergency, call 911."
    ),
    "message_unreadable": "Sorry, I could not read that message. Please type your question as text.",
    "session_invalid": "This chat could not be continued. Please reload the page to start a new chat.",
    "safety_line": "If you are having thoughts of ending your life, please call or text 988.",
    "forget_me_done": "Done. This conversation has been erased from the assistant's records.",
    "forget_me_failed": (
        "Sorry, I could not erase this conversation just now. Please try again in a few minutes, "
        "or contact the clinic and they will erase it for you."
    ),
}


def message_text(message_id: str) -> str:
    """A message from content/messages.yml (clinic details filled in), with a built-in fallback."""
    try:
        from assistant.content import get_content

        content = get_content()
        text = content.render(content.message(message_id).get("text"))
        if text:
            return text
    except Exception as exc:  # content unreadable: the short built-in wording
        logger.error("message %s unavailable: %s", message_id, type(exc).__name__)
    return FALLBACKS.get(message_id, FALLBACKS["message_unreadable"])


def message_buttons(message_id: str) -> List[dict]:
    """The message's buttons as the actions send them ({title, payload} or {title, url, payload})."""
    try:
        from assistant.content import get_content

        content = get_content()
        return content.buttons(content.message(message_id).get("buttons"))
    except Exception:
        return []


# --------------------------------------------------------------------------- rate
class TokenBuckets:
    """Token buckets keyed by sender or address, in bounded memory (LRU)."""

    def __init__(self, capacity: int, period: float, max_keys: int = 50_000) -> None:
        self.capacity = float(capacity)
        self.rate = float(capacity) / float(period)
        self.max_keys = max_keys
        self._buckets: "OrderedDict[str, Tuple[float, float]]" = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, key: str, now: Optional[float] = None) -> bool:
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            allowed = tokens >= 1.0
            if allowed:
                tokens -= 1.0
            self._buckets[key] = (tokens, now)
            self._buckets.move_to_end(key)
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
            return allowed


def _parse_rate(value: Optional[str], default: Tuple[int, float]) -> Optional[Tuple[int, float]]:
    """'30/60' -> (30, 60.0); 'off' -> None (no limit)."""
    if value is None or not value.strip():
        return default
    if value.strip().lower() in ("off", "0", "none"):
        return None
    try:
        count, _, period = value.partition("/")
        count_i, period_f = int(count), float(period or 60)
        if count_i > 0 and period_f > 0:
            return count_i, period_f
    except ValueError:
        pass
    return default


def _networks(raw: str) -> List[Any]:
    nets = []
    for part in raw.replace(",", " ").split():
        try:
            nets.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            logger.error("TRUSTED_PROXIES: ignoring an entry that is not an address")
    return nets


def _in(address: str, nets: Iterable[Any]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in nets)


class RateLimiter:
    """Per-sender and per-address limits for one process."""

    def __init__(self, sender: Optional[Tuple[int, float]] = (30, 60.0),
                 address: Optional[Tuple[int, float]] = (120, 60.0),
                 trusted_proxies: str = "127.0.0.1 ::1") -> None:
        self.sender = TokenBuckets(*sender) if sender else None
        self.address = TokenBuckets(*address) if address else None
        self.trusted = _networks(trusted_proxies)

    @classmethod
    def from_env(cls) -> "RateLimiter":
        return cls(
            _parse_rate(os.environ.get("RATE_LIMIT_SENDER"), (30, 60.0)),
            _parse_rate(os.environ.get("RATE_LIMIT_ADDRESS"), (120, 60.0)),
            os.environ.get("TRUSTED_PROXIES") or "127.0.0.1 ::1",
        )

    def client_address(self, peer: Optional[str], forwarded_for: Optional[str]) -> Optional[str]:
        """The visitor's address, or None for a local tool (loopback, nothing forwarded).

        X-Forwarded-For is believed only from a trusted proxy, and only its last
        entry (the address that proxy saw).
        """
        peer = (peer or "").strip()
        if peer and _in(peer, self.trusted):
            hops = [h.strip() for h in (forwarded_for or "").split(",") if h.strip()]
            if not hops:
                return None if _in(peer, _LOOPBACK) else peer
            return hops[-1][:64]
        return peer[:64] or "unknown"

    def allow_address(self, address: Optional[str]) -> bool:
        """True when this address may send a message. None: a local tool, not limited."""
        if address is None or self.address is None:
            return True
        return self.address.allow(address)

    def allow_sender(self, sender: Optional[str], address: Optional[str]) -> bool:
        """True when this sender may send a message (local tools are not limited)."""
        if address is None or self.sender is None or not sender:
            return True
        return self.sender.allow(sender)


_LOOPBACK = _networks("127.0.0.0/8 ::1")
_LIMITER: Optional[RateLimiter] = None


def limiter() -> RateLimiter:
    global _LIMITER
    if _LIMITER is None:
        _LIMITER = RateLimiter.from_env()
    return _LIMITER


def reset_limiter() -> None:
    """Forget every bucket and re-read the settings (tests)."""
    global _LIMITER
    _LIMITER = None

