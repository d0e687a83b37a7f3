"""gunicorn's settings as deployed: the Dockerfile, docker compose and `make bench`'s load test all
start gunicorn from this folder, which reads this file.

Workers: one a core unless WEB_CONCURRENCY says otherwise. A request's time is nearly all CPU (this
process's and its PostgreSQL backend's, on the same cores in the bench): with two workers on two cores
the service already used 95% of the machine under load, and four workers served fewer requests a second
(59 against 72) with a longer p95 (482 against 342 ms), measured in `make bench`'s load test on
2026-12-03. Each worker holds one database connection (CONN_MAX_AGE): count them against PostgreSQL's
max_connections (docs/operations.md)."""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or len(os.sched_getaffinity(0)))
accesslog = "-"
