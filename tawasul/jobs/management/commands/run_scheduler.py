from __future__ import annotations

import threading
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tawasul.jobs import scheduler
from tawasul.jobs.worker import StopOnSignal


class Command(BaseCommand):
    help = (
        "Enqueue the periodic jobs of tawasul/jobs/schedule.py when they are due; safe to "
        "run twice at once. --once runs a single tick (for tests and cron)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run one tick and exit.")
        parser.add_argument(
            "--interval",
            type=float,
            default=5.0,
            help="Seconds between ticks (default: %(default)s).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            for name in scheduler.tick():
                self.stdout.write(f"enqueued {name}")
            return
        if options["interval"] <= 0:
            raise CommandError("--interval must be positive")
        stop = threading.Event()
        with StopOnSignal(stop).installed():
            scheduler.run(stop, interval=options["interval"])
