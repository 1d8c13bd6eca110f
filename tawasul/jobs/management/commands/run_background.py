from __future__ import annotations

import threading
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from tawasul.jobs import scheduler
from tawasul.jobs.management.commands.run_worker import add_worker_arguments, database_backend
from tawasul.jobs.worker import StopOnSignal, Worker


class Command(BaseCommand):
    help = (
        "Run task workers and the scheduler together in one process (threads), for a "
        "single machine. Ctrl-C or SIGTERM lets running tasks finish, then exits."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        add_worker_arguments(parser)
        parser.add_argument(
            "--workers", type=int, default=1, help="Worker threads (default: %(default)s)."
        )
        parser.add_argument(
            "--tick",
            type=float,
            default=5.0,
            help="Seconds between scheduler ticks (default: %(default)s).",
        )
        parser.add_argument(
            "--no-scheduler", action="store_true", help="Run the workers only."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        backend_name = database_backend(options["backend_name"])
        if not 1 <= options["workers"] <= 32:
            raise CommandError("--workers must be between 1 and 32")
        if options["tick"] <= 0:
            raise CommandError("--tick must be positive")
        stop = threading.Event()
        targets: list[tuple[str, Any]] = []
        for number in range(options["workers"]):
            worker = Worker(
                stop=stop,
                queue_names=options["queue_name"].split(","),
                backend_name=backend_name,
                interval=options["interval"],
                rescue_every=options["rescue_every"],
            )
            targets.append((f"worker-{number + 1}", worker.run))
        if not options["no_scheduler"]:
            targets.append(("scheduler", lambda: scheduler.run(stop, interval=options["tick"])))

        def run_in_thread(target: Any) -> None:
            try:
                target()
            except Exception:
                stop.set()  # one part failing stops the others: the process is restarted whole
                raise
            finally:
                connection.close()

        # Daemon threads: a second Ctrl-C ends the process even mid-task (the task is
        # re-queued by the next worker's rescue).
        threads = [
            threading.Thread(target=run_in_thread, args=(target,), name=name, daemon=True)
            for name, target in targets
        ]
        with StopOnSignal(stop).installed():
            for thread in threads:
                thread.start()
            self.stdout.write(
                f"Background: {options['workers']} worker(s)"
                + ("" if options["no_scheduler"] else " and the scheduler")
                + " running; Ctrl-C to stop."
            )
            # Waiting on the event (not join) keeps the main thread responsive to signals.
            while not stop.wait(0.5):
                if not any(thread.is_alive() for thread in threads):
                    break
            for thread in threads:
                while thread.is_alive():
                    thread.join(0.5)
