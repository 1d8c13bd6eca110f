from __future__ import annotations

import threading
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME, task_backends
from django_tasks_db.backend import DatabaseBackend

from tawasul.jobs.worker import StopOnSignal, Worker


def database_backend(name: str) -> str:
    try:
        backend = task_backends[name]
    except Exception as exc:
        raise CommandError(str(exc)) from exc
    if not isinstance(backend, DatabaseBackend):
        raise CommandError(
            f"Task backend {name!r} is not the database backend (TASKS_IMMEDIATE is set?): "
            "tasks run inline and need no worker."
        )
    return name


def add_worker_arguments(parser: ArgumentParser) -> None:
    parser.add_argument(
        "--queue-name",
        default=DEFAULT_TASK_QUEUE_NAME,
        help="Queues to work on, comma-separated; '*' for all (default: %(default)s).",
    )
    parser.add_argument(
        "--interval",
        type=float,
        default=1.0,
        help="Seconds to wait when no task is ready (default: %(default)s).",
    )
    parser.add_argument("--backend", default=DEFAULT_TASK_BACKEND_ALIAS, dest="backend_name")
    parser.add_argument(
        "--rescue-every",
        type=float,
        default=60.0,
        help="Seconds between looks for tasks orphaned by a dead worker (default: %(default)s).",
    )


class Command(BaseCommand):
    help = (
        "Run background tasks: retries failed retryable tasks with backoff, re-queues tasks "
        "whose worker died, and stops cleanly on SIGTERM/SIGINT (after the current task)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        add_worker_arguments(parser)
        parser.add_argument(
            "--batch", action="store_true", help="Run the tasks that are ready, then exit."
        )
        parser.add_argument("--max-tasks", type=int, default=None, help="Exit after N tasks.")
        parser.add_argument("--worker-id", default=None, help="Unique id (default: generated).")

    def handle(self, *args: Any, **options: Any) -> None:
        backend_name = database_backend(options["backend_name"])
        if options["max_tasks"] is not None and options["max_tasks"] <= 0:
            raise CommandError("--max-tasks must be positive")
        if options["interval"] < 0:
            raise CommandError("--interval must not be negative")
        if options["worker_id"] is not None and not 0 < len(options["worker_id"]) <= 64:
            raise CommandError("--worker-id must be 1 to 64 characters")
        stop = threading.Event()
        worker = Worker(
            stop=stop,
            worker_id=options["worker_id"],
            queue_names=options["queue_name"].split(","),
            backend_name=backend_name,
            interval=options["interval"],
            batch=options["batch"],
            max_tasks=options["max_tasks"],
            rescue_every=options["rescue_every"],
        )
        with StopOnSignal(stop).installed():
            ran = worker.run()
        if options["verbosity"] >= 1:
            self.stdout.write(f"Worker {worker.worker_id} ran {ran} task(s).")
