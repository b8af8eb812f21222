"""Start, wait for and stop the assistant's three servers.

    python scripts/servers.py up      start in the background, wait until ready
    python scripts/servers.py down    stop what `up` started
    python scripts/servers.py run     up (with the staff console), print where to chat, stay until Ctrl-C

Ports, hosts and files come from the environment (the Makefile sets them):
RASA_PORT, RASA_HOST, ACTION_PORT, ACTION_HOST, WEB_PORT, WEB_HOST, MODEL,
TRACKER_DB, ALLOWED_ORIGINS, RASA_ENABLE_API with RASA_AUTH_TOKEN or
RASA_JWT_SECRET, RUN_DIR (pid and log files).

Files are private: the servers run with umask 077, so the database, the logs,
the session secret and var/ itself are created 0600/0700 (existing ones are
tightened). The action server starts through channels/action_server.py, which
redacts visitor text from its logs.
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
HARD_MAX_BYTES = str(2 * 1024 * 1024)  # channels/limits.py: websocket frames above this are refused


def private_dir(path: Path) -> None:
    """Create a folder 0700; the project's var/ and folders inside it are made 0700 too."""
    created = not path.exists()
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    var = (ROOT / "var").resolve()
    for folder in {path.resolve(), var}:
        inside = folder == var or var in folder.parents
        try:
            if folder.exists() and (inside or (created and folder == path.resolve())):
                os.chmod(folder, 0o700)
        except OSError:
            pass


def private_log(path: Path):
    """Open a log file for appending, created 0600 (an existing one is tightened)."""
    fd = os.open(str(path), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.fchmod(fd, 0o600)
    return os.fdopen(fd, "ab")


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
        "console_port": env("CONSOLE_PORT", "8090"),
        "console_host": env("CONSOLE_HOST", "127.0.0.1"),
    }


CONSOLE_PY = ROOT / "console" / ".venv" / "bin" / "python"


def console_service(s: Dict[str, str]) -> Dict:
    """The staff console (console/), in its own venv; it checks content with this venv's Python."""
    return {
        "name": "console",
        "cmd": [str(CONSOLE_PY), str(ROOT / "console" / "manage.py"), "serve"],
        "env": {"CONSOLE_PORT": s["console_port"], "CONSOLE_HOST": s["console_host"],
                "TRACKER_DB": s["tracker_db"], "RASA_PYTHON": str(VENV_BIN / "python")},
        "ready": f"http://127.0.0.1:{s['console_port']}/login/",
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
            "cmd": [str(VENV_BIN / "python"), "-m", "channels.action_server", "--actions", "actions",
                    "--port", s["action_port"]],
            "env": {"SANIC_HOST": s["action_host"], "ACTIONS_WARMUP": "1"},
            "ready": f"http://127.0.0.1:{s['action_port']}/health",
        },
        {
            "name": "rasa",
            "cmd": rasa_command(s),
            "env": {"ACTION_SERVER_URL": f"http://127.0.0.1:{s['action_port']}/webhook", "TRACKER_DB": s["tracker_db"],
                    "SANIC_WEBSOCKET_MAX_SIZE": env("SANIC_WEBSOCKET_MAX_SIZE", HARD_MAX_BYTES)},
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


def start(with_web: bool = True, timeout: float = 120.0, with_console: bool = False) -> float:
    s = settings()
    os.umask(0o077)  # everything the servers create is private to this user
    private_dir(Path(s["run_dir"]))
    private_dir(Path(s["tracker_db"]).parent)
    t0 = time.monotonic()
    started = []
    for svc in services(s, with_web) + ([console_service(s)] if with_console else []):
        if is_up(svc["ready"]):
            sys.exit(f"{svc['name']}: something already answers at {svc['ready']} (stop it, or choose other ports)")
        log = private_log(Path(s["run_dir"]) / f"{svc['name']}.log")
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
    os.umask(0o077)
    log = private_log(Path(s["run_dir"]) / f"{name}.log")
    proc = subprocess.Popen(svc["cmd"], cwd=ROOT, env={**os.environ, **svc["env"]}, stdout=log,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    pid_file(s, name).write_text(str(proc.pid))
    while not is_up(svc["ready"]):
        if proc.poll() is not None or time.monotonic() - t0 > timeout:
            raise RuntimeError(f"{name} did not start")
        time.sleep(0.1)
    return time.monotonic() - t0


def stop(names: tuple = ("console", "web", "rasa", "actions")) -> None:
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


def banner(s: Dict[str, str], seconds: float, with_web: bool, with_console: bool = False) -> str:
    lines = [
        f"Ready in {seconds:.1f} s.",
        f"  Chat in the browser:  http://localhost:{s['web_port']}/" if with_web else "",
        f"  REST channel:         POST http://localhost:{s['rasa_port']}/webhooks/rest/webhook"
        '  {"sender": "<id>", "message": "hello"}',
        f"  socket.io channel:    http://localhost:{s['rasa_port']}/socket.io",
        f"  Action server:        http://127.0.0.1:{s['action_port']} (local only)",
        f"  Staff console:        http://{s['console_host']}:{s['console_port']}/ (accounts: make staff-user)"
        if with_console else "",
        f"  Logs:                 {s['run_dir']}/*.log",
    ]
    return "\n".join(line for line in lines if line)


def main(argv: Optional[List[str]] = None) -> int:
    argv = argv if argv is not None else sys.argv[1:]
    cmd = argv[0] if argv else "run"
    with_web = "--no-web" not in argv
    with_console = ("--console" in argv or (cmd == "run" and "--no-console" not in argv
                                            and os.environ.get("CONSOLE", "").lower() not in ("off", "0", "no")))
    if with_console and not CONSOLE_PY.exists():
        print("Staff console not installed (make console-setup); starting without it.", flush=True)
        with_console = False
    if cmd == "down":
        stop()
        return 0
    seconds = start(with_web, with_console=with_console)
    print(banner(settings(), seconds, with_web, with_console), flush=True)
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
