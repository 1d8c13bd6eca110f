"""Create the first foundation administrator of a new installation.

There is no sign-up: every later account is created in the application by an
administrator or a center director. This command is how the first one comes to exist.
The password is read from the terminal (twice) or, for automation, from standard input
with --password-stdin; it never appears on the command line.
"""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from tawasul.accounts.models import User
from tawasul.accounts.roles import Role
from tawasul.accounts.services import user_create
from tawasul.organizations.models import Organization, OrganizationKind


class Command(BaseCommand):
    help = "Create the foundation (if missing) and its first administrator account."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--foundation-code", default="foundation")
        parser.add_argument("--foundation-name-ar", default="المؤسسة الوطنية للعمل الاجتماعي")
        parser.add_argument("--foundation-name-en", default="National Foundation for Social Work")
        parser.add_argument("--password-stdin", action="store_true",
                            help="Read the password from the first line of standard input.")

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"]
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user named {username!r} already exists.")
        password = self._password(options["password_stdin"])
        try:
            validate_password(password, User(username=username, email=options["email"]))
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        with transaction.atomic():
            foundation, _created = Organization.objects.get_or_create(
                code=options["foundation_code"],
                defaults={"kind": OrganizationKind.FOUNDATION,
                          "name_ar": options["foundation_name_ar"],
                          "name_en": options["foundation_name_en"]},
            )
            if foundation.kind != OrganizationKind.FOUNDATION:
                raise CommandError(f"{foundation.code!r} is not the foundation.")
            user_create(actor=None, username=username, organization=foundation,
                        role=Role.ADMIN, password=password, email=options["email"])
        self.stdout.write(self.style.SUCCESS(
            f"Administrator {username!r} created in {foundation.name_en}. "
            "Two-factor set-up is asked at the first sign-in."
        ))

    def _password(self, from_stdin: bool) -> str:
        if from_stdin:
            return sys.stdin.readline().rstrip("\n")
        if not sys.stdin.isatty():
            raise CommandError("No terminal: use --password-stdin.")
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The passwords differ.")
        return first
