# ---- cluster (issue 15): PostgreSQL + Redis + several Rasa and action-server replicas behind HAProxy ----
# make cluster          start it (installs Debian's postgresql, redis-server, haproxy when missing); SCALE=3 for 3 replicas
# make cluster-down     stop it all
# make cluster-status   what runs           make cluster-retention / cluster-report   the tools on PostgreSQL
# make test-cluster     start a test cluster on its own ports, run the failure tests and the probes, stop it
# make bench-cluster    the same load against 1 and 2 replicas; last line: ratio 10v=<x> 50v=<y>
# See docs/CLUSTER.md. The load balancer listens on RASA_PORT, as `make run` does.

SCALE                    ?= 2
CLUSTER_ACTIONS          ?= 2
CLUSTER_BASE_PORT        ?= 5010
CLUSTER_ACTION_BASE_PORT ?= 5060
CLUSTER_PG_PORT          ?= 5442
CLUSTER_REDIS_PORT       ?= 6390
CLUSTER_DIR              ?= var/cluster
CLUSTER_ENV = SCALE=$(SCALE) CLUSTER_ACTIONS=$(CLUSTER_ACTIONS) CLUSTER_BASE_PORT=$(CLUSTER_BASE_PORT) \
	CLUSTER_ACTION_BASE_PORT=$(CLUSTER_ACTION_BASE_PORT) CLUSTER_PG_PORT=$(CLUSTER_PG_PORT) \
	CLUSTER_REDIS_PORT=$(CLUSTER_REDIS_PORT) CLUSTER_DIR=$(CLUSTER_DIR) MODEL=$(MODEL)

# the test cluster: its own ports and folder, so it runs beside `make run` and `make cluster`
TEST_CLUSTER_RASA_PORT ?= 5405
TEST_CLUSTER_ENV = RASA_PORT=$(TEST_CLUSTER_RASA_PORT) RASA_HOST=127.0.0.1 SCALE=2 CLUSTER_ACTIONS=2 \
	CLUSTER_BASE_PORT=5410 CLUSTER_ACTION_BASE_PORT=5460 CLUSTER_PG_PORT=5433 CLUSTER_REDIS_PORT=6380 \
	CLUSTER_DIR=var/cluster-test MODEL=$(MODEL) ALLOWED_ORIGINS="http://localhost:5406" \
	CLUSTER_URL=http://localhost:$(TEST_CLUSTER_RASA_PORT)

.PHONY: cluster cluster-up cluster-down cluster-status cluster-retention cluster-report test-cluster bench-cluster

cluster: setup train
	@$(CLUSTER_ENV) $(PY) scripts/cluster.py up

cluster-down: venv
	@$(CLUSTER_ENV) $(PY) scripts/cluster.py down

cluster-status: venv
	@$(CLUSTER_ENV) $(PY) scripts/cluster.py status

cluster-retention: venv
	@eval "$$($(CLUSTER_ENV) $(PY) scripts/cluster.py env)" && $(PY) -m stores.retention --days $(RETENTION_DAYS)

cluster-report: venv
	@eval "$$($(CLUSTER_ENV) $(PY) scripts/cluster.py env)" && $(PY) scripts/report.py \
	  $(if $(SINCE),--since $(SINCE),) $(if $(UNTIL),--until $(UNTIL),) --csv var/unanswered.csv

# Starts real PostgreSQL and Redis from a clean folder; stops everything on exit, failure or not.
test-cluster: setup train
	@$(TEST_CLUSTER_ENV) $(PY) scripts/cluster.py down; rm -rf var/cluster-test
	@set -e; trap '$(TEST_CLUSTER_ENV) $(PY) scripts/cluster.py down' EXIT; \
	  $(TEST_CLUSTER_ENV) $(PY) scripts/cluster.py up --no-web; \
	  $(TEST_CLUSTER_ENV) $(PY) ../shared/eval/run_probes.py --url http://localhost:$(TEST_CLUSTER_RASA_PORT); \
	  $(TEST_CLUSTER_ENV) $(PY) -m pytest -q -s -p no:cacheprovider tests/cluster; \
	  echo "test-cluster: passed"

bench-cluster: setup train
	@$(CLUSTER_ENV) CLUSTER_DIR=var/cluster-bench $(PY) scripts/bench_cluster.py
