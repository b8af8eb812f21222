"""The assistant as a cluster on one machine: PostgreSQL, Redis, N Rasa replicas,
M action servers and HAProxy in front (issue 15; docs/CLUSTER.md).

    python scripts/cluster.py up [--no-web]    install what is missing, start everything, wait until ready
    python scripts/cluster.py down             stop everything `up` started (also after a failure)
    python scripts/cluster.py status           what runs, per process
    python scripts/cluster.py env              the store variables for tools (retention, report), shell syntax
    python scripts/cluster.py services         the cluster as JSON (names, ports, environment names)

Settings come from the environment (mk/cluster.mk sets them):

    RASA_PORT                 the load balancer (REST + socket.io), as in `make run`
    SCALE                     Rasa replicas (2), listening on CLUSTER_BASE_PORT+1.. on loopback
    CLUSTER_ACTIONS           action servers (2) on CLUSTER_ACTION_BASE_PORT+1..; HAProxy balances
                              them on CLUSTER_ACTION_BASE_PORT (the replicas' ACTION_SERVER_URL)
    CLUSTER_PG_PORT, CLUSTER_REDIS_PORT   PostgreSQL and Redis on 127.0.0.1
    CLUSTER_DIR               data, logs, pid files, generated secrets (var/cluster)
    CLUSTER_DB_PASSWORD, CLUSTER_REDIS_PASSWORD   else generated once into CLUSTER_DIR/secrets (0600)
    WEB_PORT, ALLOWED_ORIGINS, MODEL   as in `make run`

PostgreSQL runs as the `postgres` system user (it refuses root) from a data
directory under CLUSTER_DIR owned by it; the assistant connects as the role
`rasa`, which owns only its own database (no superuser, no CREATEDB/CREATEROLE).
Redis keeps nothing on disk (it holds only the short-lived conversation locks).
"""
from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from scripts import servers  # noqa: E402

VENV_BIN = Path(sys.executable).parent
DB_USER = "rasa"
DB_NAME = "rasa"
PG_OS_USER = "postgres"


def env(name: str, default: str) -> str:
    return os.environ.get(name) or default


def settings() -> Dict:
    cdir = Path(env("CLUSTER_DIR", str(ROOT / "var" / "cluster")))
    if not cdir.is_absolute():
        cdir = ROOT / cdir
    return {
        "dir": cdir,
        "run": cdir / "run",
        "rasa_port": int(env("RASA_PORT", "5005")),
        "rasa_host": env("RASA_HOST", "0.0.0.0"),
        "base_port": int(env("CLUSTER_BASE_PORT", "5010")),
        "action_base_port": int(env("CLUSTER_ACTION_BASE_PORT", "5060")),
        "scale": int(env("SCALE", "2")),
        "actions": int(env("CLUSTER_ACTIONS", "2")),
        "pg_port": int(env("CLUSTER_PG_PORT", "5442")),
        "redis_port": int(env("CLUSTER_REDIS_PORT", "6390")),
        "web_port": int(env("WEB_PORT", "8080")),
        "model": env("MODEL", str(ROOT / "models")),
        "origins": env("ALLOWED_ORIGINS", "http://localhost:8080 http://127.0.0.1:8080"),
    }


# ------------------------------------------------------------------ installation
def pg_bin() -> Optional[Path]:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name)
                   if p.parent.parent.name.isdigit() else 0)
    return found[-1].parent if found else None


def ensure_packages() -> None:
    """Debian's postgresql, redis-server and haproxy, installed when missing (as the chromium target does)."""
    missing = []
    if pg_bin() is None:
        missing.append("postgresql")
    if not shutil.which("redis-server"):
        missing.append("redis-server")
    if not shutil.which("haproxy"):
        missing.append("haproxy")
    if not missing:
        return
    print(f"cluster: installing Debian's {' '.join(missing)} ...", flush=True)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    environ = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    # the packages must not start their own system-wide servers: this project runs its own
    policy = Path("/usr/sbin/policy-rc.d")
    made_policy = False
    if os.geteuid() == 0 and not policy.exists():
        policy.write_text("#!/bin/sh\nexit 101\n")
        policy.chmod(0o755)
        made_policy = True
    try:
        subprocess.run(sudo + ["apt-get", "update", "-qq"], check=True, env=environ)
        subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", *missing], check=True, env=environ,
                       stdout=subprocess.DEVNULL)
    except (subprocess.CalledProcessError, FileNotFoundError) as exc:
        names = " ".join(missing)
        sys.exit(f"cluster: could not install {names} ({exc}); run as root: apt-get install {names}")
    finally:
        if made_policy:
            policy.unlink(missing_ok=True)
    if pg_bin() is None or not shutil.which("redis-server") or not shutil.which("haproxy"):
        sys.exit("cluster: postgresql, redis-server or haproxy is still missing after apt-get")


# ------------------------------------------------------------------ secrets
def secret(s: Dict, name: str, env_name: str) -> str:
    """From the environment, else generated once into CLUSTER_DIR/secrets/<name> (0600)."""
    if os.environ.get(env_name):
        return os.environ[env_name]
    folder = s["dir"] / "secrets"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / name
    if not path.exists():
        fd = os.open(str(path), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(32))
    return path.read_text().strip()


def store_env(s: Dict) -> Dict[str, str]:
    """What a Rasa replica (or a tool) needs to reach the shared stores: URLs without passwords + passwords."""
    return {
        "TRACKER_STORE_URL": f"postgresql://{DB_USER}@127.0.0.1:{s['pg_port']}/{DB_NAME}",
        "TRACKER_STORE_PASSWORD": secret(s, "db_password", "CLUSTER_DB_PASSWORD"),
        "LOCK_STORE_URL": f"redis://127.0.0.1:{s['redis_port']}/1",
        "LOCK_STORE_PASSWORD": secret(s, "redis_password", "CLUSTER_REDIS_PASSWORD"),
    }


# ------------------------------------------------------------------ processes
def pid_path(s: Dict, name: str) -> Path:
    return s["run"] / f"{name}.pid"


def spawn(s: Dict, name: str, cmd: List[str], extra_env: Optional[Dict[str, str]] = None, cwd: Path = ROOT) -> int:
    log = servers.private_log(s["run"] / f"{name}.log")
    proc = subprocess.Popen(cmd, cwd=cwd, env={**os.environ, **(extra_env or {})}, stdout=log,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    pid_path(s, name).write_text(str(proc.pid))
    return proc.pid


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    try:  # a zombie is not alive
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


def read_pid(s: Dict, name: str) -> Optional[int]:
    try:
        return int(pid_path(s, name).read_text())
    except (OSError, ValueError):
        return None


def stop_one(s: Dict, name: str, sig: int = signal.SIGTERM, wait: float = 10.0) -> None:
    """Stop one process (its whole process group), SIGKILL after `wait` seconds."""
    pid = read_pid(s, name)
    if pid is None:
        return
    try:
        if name == "postgres":
            os.kill(pid, signal.SIGINT)  # fast shutdown: the postmaster stops its own children
        else:
            os.killpg(pid, sig)
        deadline = time.monotonic() + wait
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if alive(pid):
            os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    pid_path(s, name).unlink(missing_ok=True)


def kill(s: Dict, name: str, port: Optional[int] = None) -> None:
    """SIGKILL, no shutdown: a crash (used by the failure tests); returns once its port is closed."""
    pid = read_pid(s, name)
    if pid is not None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        # a killed process keeps its sockets until every thread is gone (tens of ms), not just its leader
        while (Path(f"/proc/{pid}").exists() or (port and port_open(port))) and time.monotonic() < deadline:
            time.sleep(0.01)
    pid_path(s, name).unlink(missing_ok=True)


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


# ------------------------------------------------------------------ PostgreSQL
def pg_data(s: Dict) -> Path:
    return s["dir"] / "pg"


def _traversable(s: Dict) -> None:
    """The postgres user must reach its data directory: var/ and CLUSTER_DIR get o+x (no listing)."""
    for folder in [s["dir"], *s["dir"].parents]:
        if folder == ROOT or ROOT not in folder.parents:
            break
        with contextlib.suppress(OSError):
            os.chmod(folder, os.stat(folder).st_mode | 0o001)


def _as_postgres(cmd: List[str]) -> List[str]:
    return ["setpriv", f"--reuid={PG_OS_USER}", f"--regid={PG_OS_USER}", "--init-groups", "--", *cmd]


def pg_init(s: Dict) -> None:
    data = pg_data(s)
    if (data / "PG_VERSION").exists():
        return
    import pwd

    pw = pwd.getpwnam(PG_OS_USER)
    data.mkdir(parents=True, exist_ok=True)
    os.chown(data, pw.pw_uid, pw.pw_gid)
    os.chmod(data, 0o700)
    _traversable(s)
    su_password = secret(s, "pg_superuser_password", "CLUSTER_PG_SUPERUSER_PASSWORD")
    folder = s["dir"] / "pg-init"  # a 0700 folder of the postgres user, removed right after
    folder.mkdir(exist_ok=True, mode=0o700)
    os.chown(folder, pw.pw_uid, pw.pw_gid)
    pwfile = folder / "pwfile"
    pwfile.write_text(su_password + "\n")
    os.chown(pwfile, pw.pw_uid, pw.pw_gid)
    try:
        subprocess.run(_as_postgres([str(pg_bin() / "initdb"), "-D", str(data), "-U", "postgres",
                                     f"--pwfile={pwfile}", "--auth-local=reject", "--auth-host=scram-sha-256",
                                     "-E", "UTF8", "--locale=C.UTF-8"]),
                       check=True, cwd="/", stdout=subprocess.DEVNULL)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def pg_start(s: Dict) -> None:
    _traversable(s)
    cmd = _as_postgres([
        str(pg_bin() / "postgres"), "-D", str(pg_data(s)), "-p", str(s["pg_port"]),
        "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
        "-c", "max_connections=100", "-c", "shared_buffers=64MB",
        # as SQLite's synchronous=NORMAL in `make run`: a crash of the machine can lose the last
        # few turns, never corrupt the database; a crashed replica loses nothing (its turns are committed)
        "-c", "synchronous_commit=off",
        "-c", "log_min_messages=warning", "-c", "log_statement=none", "-c", "log_min_error_statement=panic",
    ])
    spawn(s, "postgres", cmd, cwd=Path("/"))


def pg_connect(s: Dict, superuser: bool = False, dbname: Optional[str] = None, timeout: float = 3):
    import psycopg2

    if superuser:
        user, password = "postgres", secret(s, "pg_superuser_password", "CLUSTER_PG_SUPERUSER_PASSWORD")
    else:
        user, password = DB_USER, secret(s, "db_password", "CLUSTER_DB_PASSWORD")
    return psycopg2.connect(host="127.0.0.1", port=s["pg_port"], user=user, password=password,
                            dbname=dbname or (DB_NAME if not superuser else "postgres"), connect_timeout=timeout)


def pg_wait(s: Dict, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            pg_connect(s, superuser=True).close()
            return
        except Exception:
            pid = read_pid(s, "postgres")
            if pid is None or not alive(pid) or time.monotonic() > deadline:
                raise RuntimeError(f"PostgreSQL did not start; see {s['run'] / 'postgres.log'}") from None
            time.sleep(0.2)


def pg_bootstrap(s: Dict) -> None:
    """The role `rasa` (no superuser, no CREATEDB/CREATEROLE) owning only its database."""
    password = secret(s, "db_password", "CLUSTER_DB_PASSWORD")
    con = pg_connect(s, superuser=True)
    con.autocommit = True
    try:
        cur = con.cursor()
        cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (DB_USER,))
        verb = "ALTER" if cur.fetchone() else "CREATE"
        cur.execute(f"{verb} ROLE {DB_USER} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION "
                    "NOBYPASSRLS CONNECTION LIMIT 200 PASSWORD %s", (password,))
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DB_NAME,))
        if not cur.fetchone():
            cur.execute(f"CREATE DATABASE {DB_NAME} OWNER {DB_USER} ENCODING 'UTF8'")
        # nobody else may connect to it, and the role may connect nowhere else
        cur.execute(f"REVOKE ALL ON DATABASE {DB_NAME} FROM PUBLIC")
        cur.execute(f"GRANT CONNECT, TEMPORARY ON DATABASE {DB_NAME} TO {DB_USER}")
        cur.execute("REVOKE CONNECT ON DATABASE postgres FROM PUBLIC")
        cur.execute("REVOKE CONNECT ON DATABASE template1 FROM PUBLIC")
    finally:
        con.close()


# ------------------------------------------------------------------ Redis
def redis_start(s: Dict) -> None:
    folder = s["dir"] / "redis"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    conf = folder / "redis.conf"
    fd = os.open(str(conf), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write("\n".join([
            "bind 127.0.0.1", f"port {s['redis_port']}", "protected-mode yes", f"dir {folder}",
            'save ""', "appendonly no", "daemonize no", "loglevel warning", "databases 4",
            f"requirepass {secret(s, 'redis_password', 'CLUSTER_REDIS_PASSWORD')}",
            "maxmemory 256mb", "maxmemory-policy noeviction", "",
        ]))
    spawn(s, "redis", [shutil.which("redis-server") or "redis-server", str(conf)])


def redis_ping(s: Dict) -> bool:
    try:
        import redis

        client = redis.Redis(host="127.0.0.1", port=s["redis_port"], socket_timeout=1,
                             password=secret(s, "redis_password", "CLUSTER_REDIS_PASSWORD"))
        return bool(client.ping())
    except Exception:
        return False


def wait_for(check, what: str, s: Dict, name: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        pid = read_pid(s, name)
        if pid is None or not alive(pid):
            raise RuntimeError(f"{what} exited; see {s['run'] / (name + '.log')}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} not ready after {timeout:.0f} s; see {s['run'] / (name + '.log')}")
        time.sleep(0.1)


# ------------------------------------------------------------------ the assistant's processes
def rasa_port(s: Dict, i: int) -> int:
    return s["base_port"] + i


def action_port(s: Dict, i: int) -> int:
    return s["action_base_port"] + i


def rasa_env(s: Dict) -> Dict[str, str]:
    return {
        **store_env(s),
        "ACTION_SERVER_URL": f"http://127.0.0.1:{s['action_base_port']}/webhook",
        "TRACKER_DB": str(s["dir"] / "unused-sqlite.db"),  # endpoints.yml names it; TRACKER_STORE_URL wins
        "TICKET_LOCK_LIFETIME": env("TICKET_LOCK_LIFETIME", "20"),
        "SESSION_SECRET_FILE": str(s["dir"] / "secrets" / "session.secret"),
        "SANIC_WEBSOCKET_MAX_SIZE": servers.HARD_MAX_BYTES,
        "SANIC_WORKERS": "1",
    }


def processes(s: Dict, with_web: bool = True) -> List[Dict]:
    """Every process of the cluster, with its port and the names of its environment variables."""
    out: List[Dict] = []
    for i in range(1, s["actions"] + 1):
        out.append({"name": f"actions{i}", "kind": "actions", "port": action_port(s, i),
                    "cmd": [str(VENV_BIN / "python"), "-m", "channels.action_server", "--actions", "actions",
                            "--port", str(action_port(s, i))],
                    "env": {"SANIC_HOST": "127.0.0.1", "ACTIONS_WARMUP": "1"},
                    "ready": f"http://127.0.0.1:{action_port(s, i)}/health"})
    for i in range(1, s["scale"] + 1):
        cfg = {"model": s["model"], "rasa_port": str(rasa_port(s, i)), "rasa_host": "127.0.0.1",
               "origins": s["origins"]}
        out.append({"name": f"rasa{i}", "kind": "rasa", "port": rasa_port(s, i), "cmd": servers.rasa_command(cfg),
                    "env": rasa_env(s), "ready": f"http://127.0.0.1:{rasa_port(s, i)}/webhooks/rest/"})
    if with_web:
        out.append({"name": "web", "kind": "web", "port": s["web_port"],
                    "cmd": [str(VENV_BIN / "python"), str(ROOT / "web" / "serve.py")],
                    "env": {"WEB_PORT": str(s["web_port"]), "WEB_HOST": "127.0.0.1",
                            "RASA_PUBLIC_URL": env("RASA_PUBLIC_URL", f"http://localhost:{s['rasa_port']}")},
                    "ready": f"http://127.0.0.1:{s['web_port']}/"})
    return out


def haproxy_config(s: Dict, compose: bool = False) -> str:
    """The load balancer's configuration: for `make cluster` (loopback ports), or with
    compose=True for deploy/compose.yml (service names, the containers' fixed ports)."""
    if compose:
        rasa = [f"rasa{i} rasa{i}:5005" for i in range(1, s["scale"] + 1)]
        actions = [f"actions{i} actions{i}:5055" for i in range(1, s["actions"] + 1)]
        bind, action_bind, socket_path = ":5005", ":5055", "/var/run/haproxy/admin.sock"
    else:
        rasa = [f"rasa{i} 127.0.0.1:{rasa_port(s, i)}" for i in range(1, s["scale"] + 1)]
        actions = [f"actions{i} 127.0.0.1:{action_port(s, i)}" for i in range(1, s["actions"] + 1)]
        host = s["rasa_host"] if s["rasa_host"] != "0.0.0.0" else ""
        bind, action_bind = f"{host}:{s['rasa_port']}", f"127.0.0.1:{s['action_base_port']}"
        socket_path = str(s["run"] / "haproxy.sock")
    lines = [
        "# generated by scripts/cluster.py"
        + (" haproxy-config --compose (deploy/compose.yml)" if compose else "")
        + ": the cluster's load balancer (docs/CLUSTER.md)",
        "global",
        "    maxconn 4096",
        "    log stdout format raw local0 info",
        f"    stats socket {socket_path} mode 600 level admin",
        "defaults",
        "    mode http",
        "    log global",
        "    # method, path without the query string, status, timings, retries (%rc), server",
        '    log-format "%ci [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %tsc %ac/%fc/%bc/%sc/%rc %HM %HP"',
        "    # visitors' addresses for the per-address limit; local tools (loopback) are not forwarded",
        "    option forwardfor except 127.0.0.0/8",
        "    # a replica that died: the request goes to another one (before it was processed)",
        "    option redispatch 1",
        "    # whole request read first, so one that met a dying replica can be sent again",
        "    option http-buffer-request",
        "    retries 3",
        "    retry-on conn-failure empty-response",
        "    timeout connect 2s",
        "    timeout http-request 10s",
        "    timeout http-keep-alive 5s",
        "    timeout client 30s",
        "    timeout server 30s",
        "    timeout queue 30s",
        "    timeout tunnel 1h",
        "    # a busy replica answers its health check late: 5 s before that counts as a failure;",
        "    # a dead one refuses the connection at once (and its requests are sent elsewhere)",
        "    timeout check 5s",
        "    default-server inter 2s fastinter 500ms downinter 1s fall 3 rise 2"
        + (" init-addr last,libc,none resolvers docker" if compose else ""),
        *(["resolvers docker", "    # Docker's own DNS: replicas may start after the balancer",
            "    nameserver dns 127.0.0.11:53"] if compose else []),
        "frontend public",
        f"    bind {bind}",
        "    acl socketio path_beg /socket.io/",
        "    use_backend rasa_socketio if socketio",
        "    default_backend rasa_rest",
        "backend rasa_rest",
        "    # REST: any replica can answer any visitor (the conversation is in PostgreSQL, the lock in",
        "    # Redis). A visitor's first message goes to the least busy replica, the next ones to the same",
        "    # replica while it is up, so its validated cache serves them (a conversation read from the",
        "    # database is replayed whole, which grows with every turn). A replica that died: the next",
        "    # message goes to another one, which reads the conversation from PostgreSQL.",
        "    balance leastconn",
        "    stick-table type string len 128 size 200k expire 30m",
        "    stick on req.body,json_query('$.sender')",
        "    option httpchk GET /webhooks/rest/",
        "    http-check expect status 200",
        *[f"    server {r} check" for r in rasa],
        "backend rasa_socketio",
        "    # socket.io: sticky by client address (long-polling needs every request on the same replica);",
        "    # if that replica dies the widget reconnects and continues the conversation on another one",
        "    balance source",
        "    hash-type consistent",
        *[f"    server {r} track rasa_rest/{r.split()[0]}" for r in rasa],
        "frontend actions",
        f"    bind {action_bind}",
        "    default_backend actions",
        "backend actions",
        "    balance leastconn",
        "    option httpchk GET /health",
        *[f"    server {a} check" for a in actions],
        "",
    ]
    return "\n".join(lines)


def haproxy_start(s: Dict) -> None:
    cfg = s["dir"] / "haproxy.cfg"
    cfg.write_text(haproxy_config(s))
    check = subprocess.run(["haproxy", "-c", "-q", "-f", str(cfg)], capture_output=True, text=True)
    if check.returncode != 0:
        raise RuntimeError(f"haproxy refused {cfg}: {check.stderr.strip()}")
    spawn(s, "haproxy", ["haproxy", "-db", "-f", str(cfg)])


def haproxy_command(s: Dict, command: str) -> str:
    """One command on HAProxy's admin socket (e.g. 'disable server rasa_rest/rasa2')."""
    with socket.socket(socket.AF_UNIX) as sock:
        sock.settimeout(5)
        sock.connect(str(s["run"] / "haproxy.sock"))
        sock.sendall(command.encode() + b"\n")
        chunks = []
        while True:
            data = sock.recv(65536)
            if not data:
                break
            chunks.append(data)
    return b"".join(chunks).decode()


def server_states(s: Dict) -> Dict[str, str]:
    """'backend/server' -> UP / DOWN / MAINT, from HAProxy."""
    out = {}
    for line in haproxy_command(s, "show stat").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        cols = line.split(",")
        if cols[1] not in ("FRONTEND", "BACKEND"):
            out[f"{cols[0]}/{cols[1]}"] = cols[17]
    return out


def start_process(s: Dict, name: str, timeout: float = 120) -> None:
    """(Re)start one process of the cluster by name and wait until it answers."""
    if name == "postgres":
        pg_start(s)
        pg_wait(s)
        return
    if name == "redis":
        redis_start(s)
        wait_for(lambda: redis_ping(s), "Redis", s, "redis")
        return
    proc = next(p for p in processes(s) if p["name"] == name)
    os.umask(0o077)
    spawn(s, name, proc["cmd"], proc["env"])
    wait_for(lambda: servers.is_up(proc["ready"]), name, s, name, timeout)


def up(with_web: bool = True) -> float:
    s = settings()
    t0 = time.monotonic()
    ensure_packages()
    os.umask(0o077)
    servers.private_dir(s["run"])
    in_use = [p for p in [s["rasa_port"], s["action_base_port"], s["pg_port"], s["redis_port"]]
              + [p["port"] for p in processes(s, with_web)] if port_open(p)]
    if in_use:
        sys.exit(f"cluster: something already listens on port(s) {in_use} (make cluster-down, or choose other ports)")
    secret(s, "session.secret", "SESSION_SECRET")  # one session secret for every replica, made before they start
    try:
        pg_init(s)
        pg_start(s)
        redis_start(s)
        pg_wait(s)
        pg_bootstrap(s)
        wait_for(lambda: redis_ping(s), "Redis", s, "redis")
        procs = processes(s, with_web)
        # one replica creates the schema first (Rasa's create_all), then the others start
        first = next(p for p in procs if p["kind"] == "rasa")
        for p in procs:
            if p["kind"] != "rasa":
                spawn(s, p["name"], p["cmd"], p["env"])
        spawn(s, first["name"], first["cmd"], first["env"])
        wait_for(lambda: servers.is_up(first["ready"]), first["name"], s, first["name"], 180)
        for p in procs:
            if p["kind"] == "rasa" and p is not first:
                spawn(s, p["name"], p["cmd"], p["env"])
        for p in procs:
            wait_for(lambda p=p: servers.is_up(p["ready"]), p["name"], s, p["name"], 180)
        haproxy_start(s)
        url = f"http://127.0.0.1:{s['rasa_port']}/webhooks/rest/"
        wait_for(lambda: servers.is_up(url) and all(v == "UP" for v in server_states(s).values()),
                 "HAProxy", s, "haproxy", 30)
    except (RuntimeError, OSError, subprocess.CalledProcessError) as exc:
        down()
        sys.exit(f"cluster: {exc}")
    return time.monotonic() - t0


def names(s: Dict) -> List[str]:
    found = sorted(p.stem for p in s["run"].glob("*.pid")) if s["run"].exists() else []
    order = {"haproxy": 0, "web": 1, "rasa": 2, "actions": 3, "redis": 4, "postgres": 5}
    return sorted(found, key=lambda n: (order.get(n.rstrip("0123456789"), 9), n))


def down() -> None:
    s = settings()
    for name in names(s):
        stop_one(s, name)


def status() -> int:
    s = settings()
    for name in names(s):
        pid = read_pid(s, name)
        print(f"{name:<10} pid {pid} {'running' if pid and alive(pid) else 'NOT running'}")
    return 0


def banner(s: Dict, seconds: float, with_web: bool) -> str:
    lines = [f"Cluster ready in {seconds:.1f} s: {s['scale']} Rasa replicas, {s['actions']} action servers, "
             f"PostgreSQL :{s['pg_port']}, Redis :{s['redis_port']}, HAProxy :{s['rasa_port']}.",
             f"  REST channel:       POST http://localhost:{s['rasa_port']}/webhooks/rest/webhook",
             f"  socket.io channel:  http://localhost:{s['rasa_port']}/socket.io"]
    if with_web:
        lines.append(f"  Chat in the browser: http://localhost:{s['web_port']}/")
    lines.append(f"  Logs: {s['run']}/*.log    Stop: make cluster-down")
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    argv = argv if argv is not None else sys.argv[1:]
    cmd = argv[0] if argv else "up"
    s = settings()
    with_web = "--no-web" not in argv
    if cmd == "up":
        seconds = up(with_web)
        print(banner(s, seconds, with_web), flush=True)
        return 0
    if cmd == "down":
        down()
        return 0
    if cmd == "status":
        return status()
    if cmd == "env":
        for key, value in store_env(s).items():
            print(f"export {key}='{value}'")
        return 0
    if cmd == "services":
        print(json.dumps([{"name": p["name"], "kind": p["kind"], "port": p["port"], "env": sorted(p["env"])}
                          for p in processes(s, with_web)], indent=2))
        return 0
    if cmd == "haproxy-config":
        print(haproxy_config(s, compose="--compose" in argv), end="")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
