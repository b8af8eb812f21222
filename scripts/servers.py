"""Start, wait for and stop the assistant's three servers.

    python scripts/servers.py up      start in the background, wait until ready
    python scripts/servers.py down    stop what `up` started
    python scripts/servers.py run     up, print where to chat, stay until Ctrl-C

Ports, hosts and files come from the environment (the Makefile sets them):
RASA_PORT, RASA_HOST, ACTION_PORT, ACTION_HOST, WEB_PORT, WEB_HOST, MODEL,
TRACKER_DB, ALLOWED_ORIGINS, RASA_ENABLE_API with RASA_AUTH_TOKEN or
RASA_JWT_SECRET, RUN_DIR (pid and log files).
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def env(name: str, default: str) -> str:
    return os.environ.get(name) or default


def settings() -> Dict[str, str]:
    return {
        "rasa_port": env("RASA_PORT", "5005"),
        "rasa_host": env("RASA_HOST", "0.0.0.0"),
        "action_port": env("ACTION_PORT", "5055"),
        "action_host": env("ACTION_HOST", "127.0.0.1"),
        "web_port": env("WEB_PORT", "8080"),
        "web_host": env("WEB_HOST", "127.0.0.1"),
        "run_dir": env("RUN_DIR", str(ROOT / "var" / "run")),
        "model": env("MODEL", str(ROOT / "models")),
        "tracker_db": env("TRACKER_DB", str(ROOT / "var" / "tracker.db")),
        "origins": env("ALLOWED_ORIGINS", "http://localhost:8080 http://127.0.0.1:8080"),
    }


def rasa_command(s: Dict[str, str]) -> List[str]:
    cmd = [
        str(VENV_BIN / "rasa"), "run",
        "--model", s["model"],
        "--port", s["rasa_port"],
        "--interface", s["rasa_host"],
        "--credentials", str(ROOT / "credentials.yml"),
        "--endpoints", str(ROOT / "endpoints.yml"),
        "--cors", *s["origins"].replace(",", " ").split(),
    ]
    if os.environ.get("RASA_ENABLE_API") == "1":
        token, secret = os.environ.get("RASA_AUTH_TOKEN"), os.environ.get("RASA_JWT_SECRET")
        if not (token or secret):
            sys.exit("RASA_ENABLE_API=1 needs RASA_AUTH_TOKEN or RASA_JWT_SECRET: the HTTP API is never opened without one")
        cmd.append("--enable-api")
        if token:
            cmd += ["--auth-token", token]
        if secret:
            cmd += ["--jwt-secret", secret, "--jwt-method", os.environ.get("RASA_JWT_METHOD", "HS256")]
    return cmd


def services(s: Dict[str, str], with_web: bool) -> List[Dict]:
    out = [
        {
            "name": "actions",
            "cmd": [str(VENV_BIN / "python"), "-m", "rasa_sdk", "--actions", "actions", "--port", s["action_port"]],
            "env": {"SANIC_HOST": s["action_host"], "ACTIONS_WARMUP": "1"},
            "ready": f"http://127.0.0.1:{s['action_port']}/health",
        },
        {
            "name": "rasa",
            "cmd": rasa_command(s),
            "env": {"ACTION_SERVER_URL": f"http://127.0.0.1:{s['action_port']}/webhook", "TRACKER_DB": s["tracker_db"]},
            "ready": f"http://127.0.0.1:{s['rasa_port']}/webhooks/rest/",
        },
    ]
    if with_web:
        out.append(
            {
                "name": "web",
                "cmd": [str(VENV_BIN / "python"), str(ROOT / "web" / "serve.py")],
                "env": {"WEB_PORT": s["web_port"], "WEB_HOST": s["web_host"],
                        "RASA_PUBLIC_URL": env("RASA_PUBLIC_URL", f"http://localhost:{s['rasa_port']}")},
                "ready": f"http://127.0.0.1:{s['web_port']}/",
            }
        )
    return out


def is_up(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status < 500
    except Exception:
        return False


def pid_file(s: Dict[str, str], name: str) -> Path:
    return Path(s["run_dir"]) / f"{name}.pid"


def start(with_web: bool = True, timeout: float = 120.0) -> float:
    s = settings()
    Path(s["run_dir"]).mkdir(parents=True, exist_ok=True)
    Path(s["tracker_db"]).parent.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    started = []
    for svc in services(s, with_web):
        if is_up(svc["ready"]):
            sys.exit(f"{svc['name']}: something already answers at {svc['ready']} (stop it, or choose other ports)")
        log = open(Path(s["run_dir"]) / f"{svc['name']}.log", "ab")
        proc = subprocess.Popen(
            svc["cmd"], cwd=ROOT, env={**os.environ, **svc["env"]}, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
        pid_file(s, svc["name"]).write_text(str(proc.pid))
        started.append((svc, proc))
    for svc, proc in started:
        while not is_up(svc["ready"]):
            if proc.poll() is not None:
                stop()
                sys.exit(f"{svc['name']} exited (code {proc.returncode}); see {Path(s['run_dir']) / (svc['name'] + '.log')}")
            if time.monotonic() - t0 > timeout:
                stop()
                sys.exit(f"{svc['name']} not ready after {timeout:.0f} s")
            time.sleep(0.1)
    return time.monotonic() - t0


def start_one(name: str, timeout: float = 60.0) -> float:
    """(Re)start one service that `up` started (used by the outage test)."""
    s = settings()
    svc = next(x for x in services(s, with_web=True) if x["name"] == name)
    t0 = time.monotonic()
    log = open(Path(s["run_dir"]) / f"{name}.log", "ab")
    proc = subprocess.Popen(svc["cmd"], cwd=ROOT, env={**os.environ, **svc["env"]}, stdout=log,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    pid_file(s, name).write_text(str(proc.pid))
    while not is_up(svc["ready"]):
        if proc.poll() is not None or time.monotonic() - t0 > timeout:
            raise RuntimeError(f"{name} did not start")
        time.sleep(0.1)
    return time.monotonic() - t0


def stop(names: tuple = ("web", "rasa", "actions")) -> None:
    s = settings()
    for name in names:
        path = pid_file(s, name)
        if not path.exists():
            continue
        try:
            pid = int(path.read_text())
            os.killpg(pid, signal.SIGTERM)
            for _ in range(50):
                os.kill(pid, 0)
                time.sleep(0.1)
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, ValueError, PermissionError):
            pass
        path.unlink(missing_ok=True)


def banner(s: Dict[str, str], seconds: float, with_web: bool) -> str:
    lines = [
        f"Ready in {seconds:.1f} s.",
        f"  Chat in the browser:  http://localhost:{s['web_port']}/" if with_web else "",
        f"  REST channel:         POST http://localhost:{s['rasa_port']}/webhooks/rest/webhook"
        '  {"sender": "<id>", "message": "hello"}',
        f"  socket.io channel:    http://localhost:{s['rasa_port']}/socket.io",
        f"  Action server:        http://127.0.0.1:{s['action_port']} (local only)",
        f"  Logs:                 {s['run_dir']}/*.log",
    ]
    return "\n".join(line for line in lines if line)


def main(argv: Optional[List[str]] = None) -> int:
    argv = argv if argv is not None else sys.argv[1:]
    cmd = argv[0] if argv else "run"
    with_web = "--no-web" not in argv
    if cmd == "down":
        stop()
        return 0
    seconds = start(with_web)
    print(banner(settings(), seconds, with_web), flush=True)
    if cmd == "up":
        return 0
    print("Press Ctrl-C to stop.", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        while True:
            time.sleep(3600)
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
