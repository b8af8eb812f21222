"""Benchmark: training time, start-up time, latency, throughput and memory.

    python scripts/bench.py [--n 300] [--conc 1,10,50] [--skip-train] [--flood 150]

Starts its own servers on spare ports (no web server), drives them with
../shared/eval/bench.py through the REST channel (the full assistant, custom
actions included), and prints a table plus var/bench.json. Targets come from
the foundation issue; the script exits 1 when one is missed.

Then a memory flood (issue 12, loopback only, bounded): --flood messages each of
1,000 characters (processed and stored), 40,000 characters and 1 MB (refused at
the door), printing the Rasa server's RSS before and after.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from scripts import servers  # noqa: E402

EVAL_BENCH = ROOT.parent / "shared" / "eval" / "bench.py"
TARGETS = {
    "train_s": ("<=", 90), "ready_s": ("<=", 20),
    # one visitor and ten visitors: the targets of issue 11 (clause-by-clause reading must stay fast)
    "c1_p50": ("<=", 15), "c1_p95": ("<=", 30),
    "c10_msgs_per_s": (">=", 100), "c10_p95": ("<=", 200),
    "c50_errors": ("<=", 0),
    # issue 12: a flood of maximum-size messages must not grow the server (the door refuses
    # oversize ones before parsing or storage); and refusing one is quick
    "flood_rss_growth_mb": ("<=", 150), "flood_refused_p95": ("<=", 1000), "flood_errors": ("<=", 0),
}


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB."""
    total = 0
    pids = [pid]
    try:
        pids += [int(p) for p in subprocess.run(["pgrep", "-g", str(pid)], capture_output=True, text=True).stdout.split()]
    except FileNotFoundError:
        pass
    for p in set(pids):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return round(total / 1024, 1)


def flood(url: str, rasa_pid: int, db: Path, n: int, conc: int = 10) -> dict:
    """A bounded flood of maximum-size messages on loopback: RSS and database size before and after.

    Three sizes, n messages each, from n different visitors: 1,000 characters (the largest
    message that is processed and stored), 40,000 characters and 1 MB (refused at the door:
    never parsed, never stored).
    """
    import urllib.error
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    def send(message: str) -> tuple:
        body = json.dumps({"sender": "bench-" + uuid.uuid4().hex, "message": message}).encode()
        t0 = time.perf_counter()
        try:
            with urllib.request.urlopen(urllib.request.Request(url + "/webhooks/rest/webhook", body,
                                                               {"Content-Type": "application/json"}), timeout=60) as r:
                ok = r.status == 200 and bool(json.loads(r.read()))
        except (urllib.error.URLError, OSError, ValueError):
            ok = False
        return ok, (time.perf_counter() - t0) * 1000

    def db_mb() -> float:
        return round(sum(p.stat().st_size for p in db.parent.glob(db.name + "*")) / 2**20, 1)

    out = {"flood_rss_before_mb": rss_mb(rasa_pid), "flood_db_before_mb": db_mb()}
    print(f"flood: RSS of the Rasa server before: {out['flood_rss_before_mb']} MB", flush=True)
    errors, refused = 0, []
    sizes = {"1000": "neuropathy " * 90 + "tingling.", "40000": "neuropathy " * 3637, "1MB": "x" * 1_000_000}
    with ThreadPoolExecutor(conc) as pool:
        for name, message in sizes.items():
            results = list(pool.map(send, [message] * n))
            errors += sum(1 for ok, _ in results if not ok)
            if name != "1000":
                refused += [ms for _, ms in results]
            print(f"flood: {n} x {name:>5} characters, RSS now {rss_mb(rasa_pid)} MB", flush=True)
    refused.sort()
    out.update({"flood_rss_after_mb": rss_mb(rasa_pid), "flood_db_after_mb": db_mb(), "flood_errors": errors,
                "flood_refused_p95": round(refused[int(0.95 * (len(refused) - 1))], 1) if refused else 0.0})
    out["flood_rss_growth_mb"] = round(out["flood_rss_after_mb"] - out["flood_rss_before_mb"], 1)
    print(f"flood: RSS of the Rasa server after: {out['flood_rss_after_mb']} MB "
          f"(database {out['flood_db_before_mb']} -> {out['flood_db_after_mb']} MB)", flush=True)
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--conc", default="1,10,50")
    ap.add_argument("--skip-train", action="store_true")
    ap.add_argument("--flood", type=int, default=150,
                    help="messages of each maximum size in the memory flood (0: skip it)")
    args = ap.parse_args()
    results = {}

    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    if not args.skip_train:
        with tempfile.TemporaryDirectory() as out:
            t0 = time.monotonic()
            subprocess.run([str(Path(sys.executable).parent / "rasa"), "train", "--force", "--skip-validation", "--out", out,
                            "--quiet"],
                           cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            results["train_s"] = round(time.monotonic() - t0, 1)

    run_dir = Path(tempfile.mkdtemp(prefix="bench-"))
    os.environ.update({"RASA_PORT": "5205", "ACTION_PORT": "5255", "RUN_DIR": str(run_dir),
                       "TRACKER_DB": str(run_dir / "tracker.db")})
    s = servers.settings()
    url = f"http://127.0.0.1:{s['rasa_port']}"
    t0 = time.monotonic()
    servers.start(with_web=False)
    # ready = a real answer to a real question, actions included
    import urllib.request
    body = json.dumps({"sender": "bench-" + uuid.uuid4().hex, "message": "how many sessions"}).encode()
    urllib.request.urlopen(urllib.request.Request(url + "/webhooks/rest/webhook", body,
                                                  {"Content-Type": "application/json"}), timeout=30).read()
    results["ready_s"] = round(time.monotonic() - t0, 1)
    try:
        out = subprocess.run([sys.executable, str(EVAL_BENCH), "--url", url, "--n", str(args.n), "--conc", args.conc],
                             capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            row = json.loads(line)
            c = row["conc"]
            for key in ("p50", "p95", "p99", "msgs_per_s", "errors", "n"):
                results[f"c{c}_{key}"] = row[key]
        for name in ("rasa", "actions"):
            pid = int((run_dir / f"{name}.pid").read_text())
            results[f"rss_{name}_mb"] = rss_mb(pid)
        if args.flood > 0:
            results.update(flood(url, int((run_dir / "rasa.pid").read_text()), Path(s["tracker_db"]), args.flood))
    finally:
        servers.stop()

    print("\nBenchmark (2-core machine, full assistant through the REST channel):")
    failed = []
    for key, value in results.items():
        target = TARGETS.get(key)
        verdict = ""
        if target:
            op, limit = target
            ok = value <= limit if op == "<=" else value >= limit
            verdict = f"target {op} {limit}: {'ok' if ok else 'MISSED'}"
            if not ok:
                failed.append(key)
        print(f"  {key:<18} {value:>8}  {verdict}")
    (ROOT / "var").mkdir(exist_ok=True)
    (ROOT / "var" / "bench.json").write_text(json.dumps(results, indent=2))
    print("written: var/bench.json")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
