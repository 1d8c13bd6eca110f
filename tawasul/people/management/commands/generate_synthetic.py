"""python manage.py generate_synthetic --persons N [--cases-per-person 0.3] [--seed S]
[--batch 5000] [--fast-load]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tawasul.people import synthetic


class Command(BaseCommand):
    help = ("Add N synthetic persons (families, identifiers, planted duplicates), their "
            "blocking keys, cases, timelines, tasks and referrals, with bulk inserts. For "
            "load tests and benchmarks only: never on a live registry.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--persons", type=int, required=True)
        parser.add_argument("--cases-per-person", type=float, default=synthetic.CASE_RATE,
                            help="Cases per person on average (default %(default)s; 1.0 "
                                 "gives a million cases for a million persons).")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--batch", type=int, default=5000,
                            help="Persons per transaction (memory is bounded by it).")
        parser.add_argument("--fast-load", action="store_true",
                            help="Empty or benchmark databases only: loosen durability for "
                                 "this connection and rebuild the plain indexes of the "
                                 "filled tables after the load instead of during it.")

    def handle(self, *args: Any, persons: int, seed: int, batch: int, fast_load: bool = False,
               cases_per_person: float = synthetic.CASE_RATE, **options: Any) -> None:
        if persons < 1 or batch < 1:
            raise CommandError("--persons and --batch must be positive")
        if not 0 <= cases_per_person <= 5:
            raise CommandError("--cases-per-person must be between 0 and 5")
        try:
            result = synthetic.generate(
                persons=persons, seed=seed, batch=batch, fast_load=fast_load,
                cases_per_person=cases_per_person,
                progress=lambda line: self.stdout.write(f"  {line}"),
            )
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(
            f"{result.persons} persons ({result.duplicates} planted duplicates), "
            f"{result.identifiers} identifiers, {result.relationships} relationships, "
            f"{result.match_keys} match keys, {result.cases} cases, {result.events} events, "
            f"{result.tasks} tasks, {result.referrals} referrals ({result.embassy_referrals} "
            f"from embassies) in {result.seconds:.1f} s "
            f"({result.persons_per_second:.0f} persons/s)"
        ))
