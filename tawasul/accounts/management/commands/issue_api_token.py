"""`python manage.py issue_api_token USERNAME` prints a new API token and nothing else,
so that it can be captured: `TOKEN=$(python manage.py issue_api_token embassy.ph)`."""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from tawasul.accounts.models import User
from tawasul.accounts.tokens import api_token_issue
from tawasul.common.errors import DomainError

MAX_DAYS = 36500


class Command(BaseCommand):
    help = "Issue a personal API token for USERNAME and print it (only the token)."
    # System-check warnings would be printed too; the output must be the token alone.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="Command line", help="What the token is for.")
        parser.add_argument(
            "--expires-days",
            type=int,
            default=None,
            help="Days until the token expires (default: it does not expire).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"]
        days: int | None = options["expires_days"]
        if days is not None and not 0 < days <= MAX_DAYS:
            raise CommandError(f"--expires-days must be between 1 and {MAX_DAYS}.")
        user = User.objects.select_related("organization").filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if not user.is_active:
            raise CommandError(f"The user {username!r} is disabled.")
        expires_at = timezone.now() + dt.timedelta(days=days) if days else None
        try:
            # Whatever else might print while issuing (a console email backend with
            # immediate tasks, say) goes to stderr: stdout carries the token alone.
            with contextlib.redirect_stdout(sys.stderr):
                _token, raw = api_token_issue(
                    actor=None,
                    user=user,
                    name=options["name"],
                    expires_at=expires_at,
                    reason="manage.py issue_api_token",
                )
        except DomainError as error:
            raise CommandError(str(error.message)) from None
        self.stdout.write(raw)
