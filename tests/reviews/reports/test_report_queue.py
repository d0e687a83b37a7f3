"""Reports run on a queue of their own, on a worker that recycles its children (issue 20, item 8)."""

import re
from pathlib import Path

from intervention.celery import app
from intervention.queue import queue_for

ROOT = Path(__file__).resolve().parents[3]
TASK = "reviews.generate_report_version"


def test_the_report_task_goes_to_the_reports_queue():
    route = app.amqp.router.route({}, TASK)
    assert (queue_for(TASK), route["queue"].name) == ("reports", "reports")


def test_other_tasks_stay_off_the_reports_queue():
    assert app.amqp.router.route({}, "reviews.send_notification")["queue"].name != "reports"


def reports_worker_commands() -> list[str]:
    procfile = (ROOT / "Procfile.dev").read_text()
    compose = (ROOT / "docker-compose.yml").read_text()
    return [line for line in (procfile + compose).splitlines() if re.search(r"worker .*(-Q|--queues) reports\b", line)]


def test_the_reports_worker_caps_and_recycles_its_children():
    commands = reports_worker_commands()
    assert len(commands) == 2  # Procfile.dev and docker-compose.yml
    for command in commands:
        assert "--concurrency=1" in command
        assert "--max-memory-per-child=250000" in command
        assert "--max-tasks-per-child=20" in command


def test_no_other_worker_takes_reports():
    procfile = (ROOT / "Procfile.dev").read_text()
    others = [line for line in procfile.splitlines() if " worker " in line and line not in reports_worker_commands()]
    assert others and all("reports" not in line.split("-Q")[1].split()[0] for line in others)
