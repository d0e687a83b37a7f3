"""gunicorn's settings as deployed: the Dockerfile, docker compose and `make bench`'s load test all
start gunicorn from this folder, which reads this file.

Workers: two a core unless WEB_CONCURRENCY says otherwise. A sync worker waits while PostgreSQL
answers, so with one a core the cores idle for part of every request; two a core keep them busy
(measured in `make bench`'s load test: README, "make bench"). Each worker holds one database
connection (CONN_MAX_AGE): count them against PostgreSQL's max_connections (docs/operations.md)."""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * len(os.sched_getaffinity(0)))
accesslog = "-"
