"""The content check, run by the project's own Python 3.10 (`scripts/check_content.py --serve`).

The console never re-implements a check: every edit is validated by the same
`validate_dir()` that `make check` and the running assistant use. One worker
process stays loaded (a check takes ~0.1 s warm, ~2.5 s from a cold start);
it is restarted when it dies or when the checking code changed on disk.
"""
from __future__ import annotations

import json
import logging
import os
import subprocess
import threading
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

from django.conf import settings

logger = logging.getLogger(__name__)
TIMEOUT = 90.0


class CheckUnavailable(Exception):
    """The check could not run; nothing may be published."""


def _code_signature(root: Path) -> tuple:
    files: List[Path] = [root / "scripts" / "check_content.py"]
    for folder in ("actions", "assistant"):
        base = root / folder
        if base.is_dir():
            files += sorted(base.rglob("*.py"))
    sig = []
    for path in files:
        try:
            st = path.stat()
        except OSError:
            continue
        sig.append((str(path), st.st_mtime_ns, st.st_size))
    return tuple(sig)


class Checker:
    def __init__(self, python: Path, script: Path, root: Path) -> None:
        self.python, self.script, self.root = Path(python), Path(script), Path(root)
        self._proc: Optional[subprocess.Popen] = None
        self._signature: Optional[tuple] = None
        self._lock = threading.Lock()
        self._next_id = 0

    # -- process -------------------------------------------------------------
    def _start(self) -> None:
        if not self.python.exists():
            raise CheckUnavailable(f"the project's Python is missing ({self.python}); run `make setup`")
        env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
        env.setdefault("PYTHONWARNINGS", "ignore")
        self._proc = subprocess.Popen(
            [str(self.python), str(self.script), "--serve"], cwd=str(self.root), env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1,
            encoding="utf-8",
        )
        self._signature = _code_signature(self.root)

    def close(self) -> None:
        with self._lock:
            self._stop()

    def _stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            proc.stdin.close()  # type: ignore[union-attr]
            proc.wait(timeout=5)
        except Exception:  # noqa: BLE001
            proc.kill()

    def _ask(self, request: Dict[str, Any]) -> Dict[str, Any]:
        if self._proc is None or self._proc.poll() is not None or _code_signature(self.root) != self._signature:
            self._stop()
            self._start()
        assert self._proc is not None and self._proc.stdin and self._proc.stdout
        self._next_id += 1
        request = {**request, "id": self._next_id}
        self._proc.stdin.write(json.dumps(request) + "\n")
        self._proc.stdin.flush()
        result: Dict[str, Any] = {}
        done = threading.Event()

        def read() -> None:
            try:
                line = self._proc.stdout.readline()  # type: ignore[union-attr]
                result["line"] = line
            finally:
                done.set()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        if not done.wait(TIMEOUT):
            self._stop()
            raise CheckUnavailable("the content check did not answer in time")
        line = result.get("line") or ""
        if not line:
            self._stop()
            raise CheckUnavailable("the content check stopped unexpectedly")
        answer = json.loads(line)
        if answer.get("id") != request["id"]:
            self._stop()
            raise CheckUnavailable("the content check answered out of turn")
        if answer.get("error"):
            raise CheckUnavailable(f"the content check failed: {answer['error']}")
        return answer

    # -- public ----------------------------------------------------------------
    def check(self, content_dir: Path, *, grades: Optional[List[str]] = None,
              preview: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        """The check's result for a content folder (see scripts/check_content.py --serve)."""
        request = {
            "op": "check", "content": str(content_dir), "data": str(settings.NLU_DATA_DIR),
            "production": settings.CONTENT_PRODUCTION, "grades": grades or [], "preview": preview,
        }
        with self._lock:
            for attempt in (1, 2):
                try:
                    t0 = time.monotonic()
                    out = self._ask(request)
                    logger.debug("content check in %.2f s", time.monotonic() - t0)
                    return out
                except (OSError, ValueError, BrokenPipeError) as exc:
                    self._stop()
                    if attempt == 2:
                        raise CheckUnavailable(f"the content check could not run ({type(exc).__name__})") from exc
        raise CheckUnavailable("the content check could not run")


_checker: Optional[Checker] = None
_checker_lock = threading.Lock()


def get_checker() -> Checker:
    global _checker
    with _checker_lock:
        if _checker is None:
            _checker = Checker(settings.RASA_PYTHON, settings.CHECK_SCRIPT, settings.ROOT)
        return _checker
