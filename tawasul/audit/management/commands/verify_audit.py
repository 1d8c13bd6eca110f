from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tawasul.audit import chain
from tawasul.audit.models import ChainVerification
from tawasul.audit.services import chain_verification_run


class Command(BaseCommand):
    help = (
        "Check the audit trail's hash chain. Prints 'OK: N entries verified, M unsealed' "
        "and exits 0, or names the first broken entry and exits 1. Seals nothing unless "
        "--seal is given."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--seal", action="store_true", help="Seal the unsealed entries first."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["seal"]:
            sealed = chain.seal_all()
            self.stdout.write(f"Sealed {sealed} entries.")
        result = chain_verification_run(source=ChainVerification.Source.COMMAND)
        if result.ok:
            self.stdout.write(
                self.style.SUCCESS(
                    f"OK: {result.checked} entries verified, {result.unsealed} unsealed"
                )
            )
            return
        self.stdout.write(
            self.style.ERROR(
                f"BROKEN: seq {result.broken_seq}, entry {result.broken_entry_id or '-'}: "
                f"{result.problem} ({result.checked} entries verified before it, "
                f"{result.unsealed} unsealed)"
            )
        )
        raise CommandError("the audit chain is broken", returncode=1)
