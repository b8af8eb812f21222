"""Sessions that belong to one browser, and sender ids nobody can guess.

socket.io: the server issues every session id together with a token,
HMAC-SHA256(secret, session id). Each `session_request` and `user_uttered`
must present the token of the id it names; without it, a room join or a
message for someone else's id is refused. The secret comes from
SESSION_SECRET, or is generated once into var/session.secret (0600).

REST: no token (integrations and ../shared/eval keep their own ids), so the id
itself must be unguessable: at least 122 random bits, e.g. `probe-` + 32 random
hex characters or a UUID4. Short, patterned or control-character ids are
refused. Every check matches the WHOLE string (re.fullmatch).
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import secrets
import uuid
from pathlib import Path
from typing import Any, Optional

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
SECRET_ENV = "SESSION_SECRET"
SECRET_FILE_ENV = "SESSION_SECRET_FILE"

# optional label (letters/digits, then '-' or '_'), then the random part
_PREFIX = r"(?:[A-Za-z][A-Za-z0-9]{0,31}[-_])?"
HEX_ID = re.compile(_PREFIX + r"(?P<hex>[0-9a-f]{32,64}|[0-9A-F]{32,64})")
UUID4_ID = re.compile(
    _PREFIX + r"(?P<uuid>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12})"
)
SESSION_ID = re.compile(r"[0-9a-f]{32}")
TOKEN = re.compile(r"[0-9a-f]{64}")


def _looks_random(digits: str) -> bool:
    """Reject hex strings that are obviously not from a random generator.

    For 32 random hex digits each test fails with a probability below 1e-8:
    at least 8 distinct digits, no run of more than 6 equal digits, no more
    than 14 steps of +1/-1 between neighbours, and no repetition of a block.
    """
    digits = digits.lower()
    n = len(digits)
    if len(set(digits)) < 8:
        return False
    run = longest = 1
    for a, b in zip(digits, digits[1:]):
        run = run + 1 if a == b else 1
        longest = max(longest, run)
    if longest > 6:
        return False
    values = [int(c, 16) for c in digits]
    steps = sum(1 for a, b in zip(values, values[1:]) if (b - a) % 16 in (1, 15))
    if steps > max(14, n // 2):
        return False
    for period in range(1, n // 2 + 1):
        if all(digits[i] == digits[i % period] for i in range(n)):
            return False
    return True


def strong_sender(sender: Any) -> bool:
    """True for a REST sender id with at least 122 random bits (whole-string match)."""
    if not isinstance(sender, str) or len(sender) > 128:
        return False
    match = HEX_ID.fullmatch(sender)
    if match:
        return _looks_random(match.group("hex"))
    match = UUID4_ID.fullmatch(sender)
    if match:
        digits = match.group("uuid").replace("-", "")
        return _looks_random(digits[:12] + digits[13:16] + digits[17:])  # the random nibbles
    return False


# --------------------------------------------------------------------------- secret
def _secret_path() -> Path:
    return Path(os.environ.get(SECRET_FILE_ENV) or ROOT / "var" / "session.secret")


_SECRET: Optional[bytes] = None


def secret() -> bytes:
    """SESSION_SECRET, else var/session.secret (created 0600 on first use, in a 0700 folder)."""
    global _SECRET
    if _SECRET is not None:
        return _SECRET
    value = os.environ.get(SECRET_ENV, "")
    if value:
        if len(value) < 32:
            logger.warning("SESSION_SECRET is shorter than 32 characters: use a long random value")
        _SECRET = value.encode()
        return _SECRET
    path = _secret_path()
    try:
        _SECRET = path.read_bytes().strip()
    except FileNotFoundError:
        _SECRET = b""
    if len(_SECRET) < 32:
        if not path.parent.exists():
            path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
        new = secrets.token_hex(32).encode()
        fd = os.open(str(path), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600) if not path.exists() \
            else os.open(str(path), os.O_WRONLY | os.O_TRUNC)
        with os.fdopen(fd, "wb") as f:
            f.write(new + b"\n")
        _SECRET = new
        logger.info("generated a new session secret in %s", path)
    try:
        os.chmod(path, 0o600)
    except OSError:
        pass
    return _SECRET


def reset_secret() -> None:
    """Forget the cached secret (tests)."""
    global _SECRET
    _SECRET = None


def new_session_id() -> str:
    return uuid.uuid4().hex


def token_for(session_id: str) -> str:
    return hmac.new(secret(), b"socketio-session:" + session_id.encode(), hashlib.sha256).hexdigest()


def verify(session_id: Any, token: Any) -> bool:
    """True only for a server-issued session id with its own token."""
    if not (isinstance(session_id, str) and isinstance(token, str)):
        return False
    if not (SESSION_ID.fullmatch(session_id) and TOKEN.fullmatch(token)):
        return False
    return hmac.compare_digest(token_for(session_id), token)
