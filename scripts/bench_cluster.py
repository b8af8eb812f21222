"""Benchmark: the same load against one and two replicas of the cluster, in one run (issue 15).

    python scripts/bench_cluster.py [--n 300] [--conc 1,10,50] [--no-single] [--no-cache-cost]

1. single process (`make run`'s set-up: one Rasa server on SQLite, in-memory lock), running
   beside the cluster, for the one-visitor latency baseline;
2. the cluster (PostgreSQL, Redis, HAProxy, 2 Rasa replicas, 2 action servers) with one
   replica and one action server in service (the others set to maintenance in HAProxy);
3. the same cluster with both in service;
   1-3 in turns, --rounds times; throughput is the best round, latency the median;
4. (cache cost) both replicas restarted with TRACKER_CACHE=off, one visitor and ten, against
   the validated cache just before.

The load is ../shared/eval/bench.py through the REST channel (the full assistant, custom
actions included), each visitor its own conversation. Also measured: PostgreSQL rows and
transactions per message, CPU seconds per message (every process of the cluster), and the
memory of one replica. Ports: RASA_PORT (the load balancer), CLUSTER_BASE_PORT,
CLUSTER_ACTION_BASE_PORT, CLUSTER_PG_PORT, CLUSTER_REDIS_PORT (mk/cluster.mk); the
single-process baseline uses CLUSTER_BASE_PORT and CLUSTER_ACTION_BASE_PORT+9. Results also go
to var/bench-cluster.json. The last line is `ratio 10v=<x.xx> 50v=<y.yy>` (messages/s with
two replicas over one). Exit 1 when a target is missed.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from scripts import cluster, servers  # noqa: E402
from scripts.bench import rss_mb  # noqa: E402

EVAL_BENCH = ROOT.parent / "shared" / "eval" / "bench.py"


def load(url: str, n: int, conc: str) -> Dict[int, dict]:
    out = subprocess.run([sys.executable, str(EVAL_BENCH), "--url", url, "--n", str(n), "--conc", conc],
                         capture_output=True, text=True, check=True).stdout
    return {row["conc"]: row for row in map(json.loads, out.splitlines())}


def warm(url: str, k: int = 8) -> None:
    for _ in range(k):
        body = json.dumps({"sender": "bench-" + uuid.uuid4().hex, "message": "how many sessions"}).encode()
        urllib.request.urlopen(urllib.request.Request(url + "/webhooks/rest/webhook", body,
                                                      {"Content-Type": "application/json"}), timeout=60).read()


def cpu_seconds(pids: List[int]) -> float:
    """User + system CPU of these processes and their children's process groups."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    seen = set()
    for pid in pids:
        group = subprocess.run(["pgrep", "-g", str(pid)], capture_output=True, text=True).stdout.split()
        for p in [str(pid), *group]:
            if p in seen:
                continue
            seen.add(p)
            try:
                fields = Path(f"/proc/{p}/stat").read_text().rsplit(") ", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / tick
            except (OSError, IndexError, ValueError):
                continue
    return total


def pg_counters(s: Dict) -> Dict[str, int]:
    con = cluster.pg_connect(s)
    try:
        cur = con.cursor()
        cur.execute("SELECT coalesce(n_tup_ins, 0) FROM pg_stat_user_tables WHERE relname = 'events'")
        row = cur.fetchone()
        cur.execute("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")
        return {"rows": int(row[0]) if row else 0, "commits": int(cur.fetchone()[0])}
    finally:
        con.close()


def cluster_pids(s: Dict) -> List[int]:
    return [pid for name in cluster.names(s) if (pid := cluster.read_pid(s, name))]


def measured_round(s: Dict, url: str, n: int, conc: str, label: str, results: Dict) -> None:
    time.sleep(1.2)  # PostgreSQL's statistics are flushed about once a second
    before_db, before_cpu = pg_counters(s), cpu_seconds(cluster_pids(s))
    rows = load(url, n, conc)
    time.sleep(1.2)
    after_db, after_cpu = pg_counters(s), cpu_seconds(cluster_pids(s))
    messages = sum(r["n"] for r in rows.values())
    for c, r in rows.items():
        for key in ("p50", "p95", "msgs_per_s", "errors"):
            results[f"{label}_c{c}_{key}"] = r[key]
    results[f"{label}_db_rows_per_msg"] = round((after_db["rows"] - before_db["rows"]) / messages, 2)
    # each transaction of the cluster (the bench's own two reads of the counters add 2 per round)
    results[f"{label}_db_commits_per_msg"] = round((after_db["commits"] - before_db["commits"] - 2) / messages, 2)
    results[f"{label}_cpu_ms_per_msg"] = round((after_cpu - before_cpu) * 1000 / messages, 1)
    summary = ", ".join(f"{c}v {r['msgs_per_s']} msg/s p50 {r['p50']} ms err {r['errors']}" for c, r in rows.items())
    print(f"{label}: {summary}", flush=True)


def set_in_service(s: Dict, replicas: int) -> None:
    for i in range(1, s["scale"] + 1):
        state = "ready" if i <= replicas else "maint"
        cluster.haproxy_command(s, f"set server rasa_rest/rasa{i} state {state}")
    for i in range(1, s["actions"] + 1):
        state = "ready" if i <= replicas else "maint"
        cluster.haproxy_command(s, f"set server actions/actions{i} state {state}")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        states = cluster.server_states(s)
        up = [k for k, v in states.items() if k.startswith("rasa_rest/") and v == "UP"]
        if len(up) == replicas:
            return
        time.sleep(0.2)
    raise RuntimeError(f"HAProxy states {cluster.server_states(s)}")


class SingleProcess:
    """`make run`'s set-up (SQLite, in-memory lock, one Rasa server and one action server), running
    beside the cluster on CLUSTER_BASE_PORT / CLUSTER_ACTION_BASE_PORT+9, so both are measured in turns."""

    def __init__(self, s: Dict) -> None:
        self.run_dir = Path(tempfile.mkdtemp(prefix="bench-single-"))
        self.url = f"http://127.0.0.1:{s['base_port']}"
        self.env = {"RASA_PORT": str(s["base_port"]), "RASA_HOST": "127.0.0.1",
                    "ACTION_PORT": str(s["action_base_port"] + 9), "RUN_DIR": str(self.run_dir),
                    "TRACKER_DB": str(self.run_dir / "tracker.db")}

    def _env(self):
        saved = dict(os.environ)
        os.environ.update(self.env)
        for name in ("TRACKER_STORE_URL", "LOCK_STORE_URL", "TRACKER_CACHE"):
            os.environ.pop(name, None)
        return saved

    def start(self) -> None:
        saved = self._env()
        try:
            servers.start(with_web=False)
        finally:
            os.environ.clear()
            os.environ.update(saved)
        warm(self.url)

    def stop(self) -> None:
        saved = self._env()
        try:
            servers.stop()
        finally:
            os.environ.clear()
            os.environ.update(saved)


def median(values: List[float]) -> float:
    values = sorted(values)
    mid = len(values) // 2
    return round(values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2, 1)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--conc", default="1,10,50")
    ap.add_argument("--rounds", type=int, default=2, help="alternating rounds of each set-up (default 2)")
    ap.add_argument("--no-single", action="store_true")
    ap.add_argument("--no-cache-cost", action="store_true")
    args = ap.parse_args()
    os.environ.setdefault("CLUSTER_DIR", str(ROOT / "var" / "cluster-bench"))
    os.environ["SCALE"] = os.environ["CLUSTER_ACTIONS"] = "2"
    s = cluster.settings()
    results: Dict = {}
    url = f"http://127.0.0.1:{s['rasa_port']}"
    single = None if args.no_single else SingleProcess(s)
    levels = [int(c) for c in args.conc.split(",")]
    runs: Dict[str, Dict[int, List[dict]]] = {"single": {1: []}, "r1": {c: [] for c in levels},
                                              "r2": {c: [] for c in levels}}
    try:
        if single:
            single.start()
        cluster.up(with_web=False)
        warm(url, 16)
        for rnd in range(1, args.rounds + 1):
            # in turns, so the noise of a shared machine falls on every set-up alike
            if single:
                row = load(single.url, args.n // 2, "1")[1]
                runs["single"][1].append(row)
                print(f"round {rnd} single process (SQLite): 1v p50 {row['p50']} ms", flush=True)
            for replicas in (1, 2):
                set_in_service(s, replicas)
                label = f"r{replicas}"
                round_results: Dict = {}
                measured_round(s, url, args.n, args.conc, label, round_results)
                for key, value in round_results.items():
                    if not re.match(rf"{label}_c\d", key):  # per-level figures are kept below
                        results.setdefault(key + "_rounds", []).append(value)
                for c in levels:
                    runs[label][c].append({k: round_results[f"{label}_c{c}_{k}"]
                                           for k in ("p50", "p95", "msgs_per_s", "errors")})
        results["rss_rasa_replica_mb"] = rss_mb(cluster.read_pid(s, "rasa1"))
        results["rss_action_server_mb"] = rss_mb(cluster.read_pid(s, "actions1"))
        results["rss_postgres_mb"] = rss_mb(cluster.read_pid(s, "postgres"))
        results["rss_redis_mb"] = rss_mb(cluster.read_pid(s, "redis"))
        results["rss_haproxy_mb"] = rss_mb(cluster.read_pid(s, "haproxy"))
        if not args.no_cache_cost:
            set_in_service(s, 2)
            before = load(url, args.n, "1,10")
            os.environ["TRACKER_CACHE"] = "off"
            for i in range(1, s["scale"] + 1):
                cluster.stop_one(s, f"rasa{i}")
                cluster.start_process(s, f"rasa{i}")
            os.environ.pop("TRACKER_CACHE")
            time.sleep(4)  # HAProxy sees them up again (rise 2)
            warm(url, 8)
            measured_round(s, url, args.n, "1,10", "cache_off", results)
            for c, row in before.items():
                results[f"cache_on_c{c}_p50"], results[f"cache_on_c{c}_msgs_per_s"] = row["p50"], row["msgs_per_s"]
    finally:
        cluster.down()
        if single:
            single.stop()

    # best throughput of the rounds (the least disturbed by other work), median latency
    for label, by_level in runs.items():
        for c, rows in by_level.items():
            if not rows:
                continue
            results[f"{label}_c{c}_msgs_per_s"] = max(r["msgs_per_s"] for r in rows)
            results[f"{label}_c{c}_p50"] = median([r["p50"] for r in rows])
            results[f"{label}_c{c}_p95"] = median([r["p95"] for r in rows])
            results[f"{label}_c{c}_errors"] = sum(r.get("errors", 0) for r in rows)
            results[f"{label}_c{c}_rounds_msgs_per_s"] = [r["msgs_per_s"] for r in rows]
    print("\nBenchmark of the cluster (2-core machine shared with other work: figures are noisy)")
    for key, value in sorted(results.items()):
        print(f"  {key:<34} {value}")
    print()
    for c in levels:
        for label, name in (("r1", "1 replica "), ("r2", "2 replicas")):
            if results.get(f"{label}_c{c}_msgs_per_s") is not None:
                print(f"  {name} {c:>2} visitors: {results[f'{label}_c{c}_msgs_per_s']:>6} msg/s  "
                      f"p50 {results[f'{label}_c{c}_p50']:>6} ms  errors {results[f'{label}_c{c}_errors']}")
    failed = []
    ratios = {}
    for c in (10, 50):
        one, two = results.get(f"r1_c{c}_msgs_per_s"), results.get(f"r2_c{c}_msgs_per_s")
        ratios[c] = (two / one) if one and two else 0.0
        if ratios[c] < 1.5:
            failed.append(f"{c} visitors: 2 replicas give {ratios[c]:.2f}x one replica (target >= 1.5x)")
    errors = sum(v for k, v in results.items() if k.endswith("_errors") and k[:2] in ("r1", "r2"))
    if errors:
        failed.append(f"{errors} errors")
    if results.get("single_c1_p50") is not None and results.get("r2_c1_p50") is not None:
        gap = results["r2_c1_p50"] - results["single_c1_p50"]
        results["c1_p50_gap_ms"] = round(gap, 1)
        print(f"  one visitor: p50 {results['r2_c1_p50']} ms with 2 replicas vs {results['single_c1_p50']} ms "
              f"single process ({gap:+.1f} ms, target within 5 ms)")
        if gap > 5:
            failed.append(f"one visitor's p50 is {gap:.1f} ms slower than single process (target <= 5 ms)")
    for line in failed:
        print("  MISSED: " + line)
    (ROOT / "var").mkdir(exist_ok=True)
    (ROOT / "var" / "bench-cluster.json").write_text(json.dumps(results, indent=2))
    print("written: var/bench-cluster.json")
    print(f"ratio 10v={ratios[10]:.2f} 50v={ratios[50]:.2f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
