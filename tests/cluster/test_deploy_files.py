"""deploy/ (issue 15): the Dockerfile, the compose file and the Kubernetes manifests describe the
same cluster `make cluster` starts (scripts/cluster.py): same services, ports and environment
names. Docker cannot run on this project's machines, so these files are checked by reading them."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Dict, List

import pytest
import yaml

from scripts import cluster

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


@pytest.fixture
def s(monkeypatch, tmp_path) -> Dict:
    """The default cluster (2 + 2), with passwords from the environment (no secret files written)."""
    for name in ("CLUSTER_DB_PASSWORD", "CLUSTER_REDIS_PASSWORD", "CLUSTER_PG_SUPERUSER_PASSWORD", "SESSION_SECRET"):
        monkeypatch.setenv(name, "x" * 32)
    for name in ("SCALE", "CLUSTER_ACTIONS", "RASA_PORT", "CLUSTER_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CLUSTER_DIR", str(tmp_path / "cluster"))
    return cluster.settings()


@pytest.fixture(scope="module")
def compose() -> Dict:
    return yaml.safe_load((DEPLOY / "compose.yml").read_text())


def k8s_docs() -> List[Dict]:
    return [d for d in yaml.safe_load_all((DEPLOY / "k8s" / "assistant.yaml").read_text()) if d]


def by_kind(kind: str, name: str) -> Dict:
    return next(d for d in k8s_docs() if d["kind"] == kind and d["metadata"]["name"] == name)


def test_compose_has_the_services_make_cluster_starts(s, compose) -> None:
    started = {p["name"] for p in cluster.processes(s, with_web=True)} | {"postgres", "redis", "haproxy"}
    assert set(compose["services"]) == started


def test_compose_environment_names_match(s, compose) -> None:
    services = compose["services"]
    by_name = {p["name"]: p for p in cluster.processes(s, with_web=True)}
    for name, proc in by_name.items():
        env = set(services[name].get("environment") or {})
        assert set(proc["env"]) <= env, (name, set(proc["env"]) - env)
    rasa_env = set(services["rasa1"]["environment"])
    assert rasa_env - set(cluster.rasa_env(s)) <= {"ALLOWED_ORIGINS"}  # make cluster passes it as --cors
    # credentials only from the environment: every password is a ${VARIABLE}, required
    for service in services.values():
        for key, value in (service.get("environment") or {}).items():
            if "PASSWORD" in key:
                assert re.fullmatch(r"\$\{[A-Z_]+:\?[^}]+\}", str(value)), (key, value)


def test_compose_ports_and_balancer_match(s, compose) -> None:
    services = compose["services"]
    assert services["haproxy"]["ports"] == ["${RASA_PORT:-5005}:5005"]
    assert services["web"]["ports"] == ["${WEB_PORT:-8080}:8080"]
    for i in range(1, s["scale"] + 1):
        assert services[f"rasa{i}"]["expose"] == ["5005"]
    for i in range(1, s["actions"] + 1):
        assert services[f"actions{i}"]["expose"] == ["5055"]
    assert services["rasa1"]["environment"]["ACTION_SERVER_URL"] == "http://haproxy:5055/webhook"
    # the balancer's file is the one scripts/cluster.py writes for the same cluster
    assert (DEPLOY / "haproxy-cluster.cfg").read_text() == cluster.haproxy_config(s, compose=True), (
        "regenerate: python scripts/cluster.py haproxy-config --compose > deploy/haproxy-cluster.cfg")


def test_local_and_compose_balancers_have_the_same_rules(s) -> None:
    def rules(text: str) -> List[str]:
        return [line.strip() for line in text.splitlines()
                if line.strip() and not line.strip().startswith(("#", "bind", "server", "stats socket", "nameserver",
                                                                 "resolvers", "default-server"))]

    assert rules(cluster.haproxy_config(s)) == rules(cluster.haproxy_config(s, compose=True))


def dockerfile_stages() -> Dict[str, List[str]]:
    stages: Dict[str, List[str]] = {}
    current = None
    text = re.sub(r"\\\n\s*", " ", (DEPLOY / "Dockerfile").read_text())
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = re.match(r"FROM \S+ AS (\w+)", line)
        if m:
            current = m.group(1)
            stages[current] = []
        elif current:
            stages[current].append(line)
    return stages


def test_dockerfile_builds_the_rasa_and_action_images(s) -> None:
    stages = dockerfile_stages()
    assert {"base", "rasa", "actions", "web"} <= set(stages)
    rasa, actions = " ".join(stages["rasa"]), " ".join(stages["actions"])
    assert re.search(r"RUN rasa train .*--out models", rasa)  # the model is trained at build time
    assert "EXPOSE 5005" in rasa and "EXPOSE 5055" in actions and "USER assistant" in rasa
    proc = {p["kind"]: p for p in cluster.processes(s)}
    assert "channels.action_server --actions actions" in " ".join(proc["actions"]["cmd"])
    assert '"-m", "channels.action_server", "--actions", "actions", "--port", "5055"' in actions
    for flag in ("--credentials", "--endpoints", "--cors", "--port 5005", "--interface 0.0.0.0"):
        assert flag in rasa, flag
    assert "pip install" in " ".join(stages["base"]) and "requirements.lock" in " ".join(stages["base"])
    for name in ("SANIC_HOST", "ACTIONS_WARMUP"):
        assert name in actions


def test_kubernetes_probes_rolling_update_and_environment(s) -> None:
    rasa = by_kind("Deployment", "assistant-rasa")
    actions = by_kind("Deployment", "assistant-actions")
    for deployment, path in ((rasa, "/webhooks/rest/"), (actions, "/health")):
        strategy = deployment["spec"]["strategy"]
        assert strategy["type"] == "RollingUpdate" and strategy["rollingUpdate"]["maxUnavailable"] == 0
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        for probe in ("readinessProbe", "livenessProbe"):
            assert container[probe]["httpGet"]["path"] == path, (deployment["metadata"]["name"], probe)
    container = rasa["spec"]["template"]["spec"]["containers"][0]
    names = set(by_kind("ConfigMap", "assistant-config")["data"]) | {e["name"] for e in container["env"]}
    assert set(cluster.rasa_env(s)) <= names, set(cluster.rasa_env(s)) - names
    for e in container["env"]:
        if "PASSWORD" in e["name"]:
            assert "secretKeyRef" in e["valueFrom"]  # never a value in the file
    assert container["ports"][0]["containerPort"] == 5005
    assert actions["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] == 5055
    assert rasa["spec"]["replicas"] == s["scale"] and actions["spec"]["replicas"] == s["actions"]


def test_database_role_is_not_a_superuser() -> None:
    text = (DEPLOY / "postgres-init.sh").read_text()
    assert "NOSUPERUSER NOCREATEDB NOCREATEROLE" in text and "OWNER rasa" in text
    assert "NOSUPERUSER NOCREATEDB NOCREATEROLE" in (ROOT / "scripts" / "cluster.py").read_text()


def test_readme_says_docker_cannot_run_here() -> None:
    text = (ROOT / "README.md").read_text()
    assert "## Cluster (PostgreSQL, Redis, several replicas)" in text
    section = text.split("## Cluster (PostgreSQL, Redis, several replicas)", 1)[1].split("\n## ", 1)[0]
    assert "Docker cannot run" in section
    for name in ("TRACKER_STORE_URL", "LOCK_STORE_URL", "SCALE", "RASA_PORT"):
        assert name in section, name


@pytest.mark.skipif(not shutil.which("haproxy"), reason="haproxy is not installed")
def test_haproxy_accepts_the_cluster_configuration(s, tmp_path) -> None:
    cfg = tmp_path / "haproxy.cfg"
    cfg.write_text(cluster.haproxy_config(s).replace(str(s["run"] / "haproxy.sock"), str(tmp_path / "h.sock")))
    result = subprocess.run(["haproxy", "-c", "-f", str(cfg)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0 and "WARNING" not in result.stderr, result.stderr
