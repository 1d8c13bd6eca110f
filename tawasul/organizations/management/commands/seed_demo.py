"""Create (or bring up to date) the demo world. Running it twice changes nothing more."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from tawasul.accounts.models import User
from tawasul.accounts.roles import Role
from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record
from tawasul.network.demo_network import seed_network
from tawasul.organizations import demo_data
from tawasul.organizations.models import (
    Contact,
    Organization,
    OrganizationKind,
    Service,
    ServiceTranslation,
)

DEFAULT_PASSWORD = "tawasul-demo-2026"


class Command(BaseCommand):
    help = "Create or update the demo organizations, services, contacts and users."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", default=DEFAULT_PASSWORD,
                            help="Password for every demo user.")
        parser.add_argument("--quiet-logins", action="store_true",
                            help="Do not print the demo logins.")

    @transaction.atomic
    def handle(self, *args: Any, password: str, quiet_logins: bool = False,
               **options: Any) -> None:
        ministry = self._org(**demo_data.MINISTRY)
        foundation = self._org(**demo_data.FOUNDATION)
        assert ministry and foundation
        for domain, name_ar, name_en, services in demo_data.CENTERS:
            center = self._org(code=f"center-{domain}", kind=OrganizationKind.CENTER,
                               name_ar=name_ar, name_en=name_en, domain=domain,
                               parent=foundation, languages=["ar", "en"])
            for code, s_ar, s_en, d_en, d_ar in services:
                Service.objects.update_or_create(
                    center=center, code=code,
                    defaults={
                        "name_ar": s_ar, "name_en": s_en, "description_en": d_en,
                        "description_ar": d_ar, "languages": ["ar", "en"],
                        "eligibility_en": "Residents of the country, whatever their nationality.",
                        "eligibility_ar": "المقيمون في الدولة أيًا كانت جنسيتهم.",
                        "how_to_refer_en": (
                            "Refer through Tawasul or call the center's intake line."
                        ),
                        "how_to_refer_ar": "أحِل عبر تواصل أو اتصل بخط الاستقبال في المركز.",
                        "is_active": True,
                    },
                )
        self._seed_translations()
        for country, name_ar, name_en, languages, (fp_en, fp_ar), phone in demo_data.EMBASSIES:
            embassy = self._org(code=f"embassy-{country.lower()}", kind=OrganizationKind.EMBASSY,
                                name_ar=name_ar, name_en=name_en, country=country,
                                languages=languages, phone=phone,
                                email=f"consular.{country.lower()}@embassy.example")
            Contact.objects.update_or_create(
                organization=embassy, name_en=fp_en,
                defaults={"name_ar": fp_ar, "title_en": "Consular focal point",
                          "title_ar": "ضابط الاتصال القنصلي", "phone": phone,
                          "email": f"focal.{country.lower()}@embassy.example",
                          "languages": languages, "is_public": True},
            )
            Contact.objects.update_or_create(
                organization=embassy, name_en=f"Welfare officer ({country})",
                defaults={"name_ar": f"مسؤول الرعاية ({country})",
                          "title_en": "Labour and welfare officer",
                          "title_ar": "مسؤول العمل والرعاية", "languages": languages,
                          "is_public": False,
                          "notes": "Direct line for urgent shelter cases."},
            )
        for code, kind, name_ar, name_en, languages in demo_data.PARTNERS:
            self._org(code=code, kind=kind, name_ar=name_ar, name_en=name_en, languages=languages)

        for username, org_code, role, name_ar, name_en in demo_data.USERS:
            user, _ = User.objects.update_or_create(
                username=username,
                defaults={
                    "organization": Organization.objects.get(code=org_code),
                    "role": role, "full_name_ar": name_ar, "full_name_en": name_en,
                    "email": f"{username}@tawasul.example", "is_active": True, "is_demo": True,
                    "is_staff": role == Role.ADMIN, "is_superuser": role == Role.ADMIN,
                },
            )
            user.full_clean(exclude=["password"])
            user.set_password(password)
            user.save(update_fields=["password"])
        self._seed_cases()
        self.stdout.write(seed_network().summary)
        from tawasul.webhooks.demo import seed_webhooks
        seed_webhooks()
        from tawasul.coordination.demo_coordination import seed_coordination
        self.stdout.write(seed_coordination().summary)
        from tawasul.referrals.demo_embassy_referrals import seed_embassy_referrals
        self.stdout.write(seed_embassy_referrals().summary)
        audit_record(action=AuditAction.CREATE, object_type="demo.world", object_id="seed_demo",
                     actor_username="system:seed_demo", reason="demo data loaded")
        if not quiet_logins:
            self._print_logins(password)

    def _seed_translations(self) -> None:
        for (domain, code), translations in demo_data.SERVICE_TRANSLATIONS.items():
            service = Service.objects.get(center__code=f"center-{domain}", code=code)
            for language, (name, description) in translations.items():
                ServiceTranslation.objects.update_or_create(
                    service=service, language=language,
                    defaults={
                        "name": name, "description": description,
                        "eligibility": demo_data.TRANSLATED_ELIGIBILITY[language],
                        "how_to_refer": demo_data.TRANSLATED_HOW_TO_REFER[language],
                    },
                )

    def _seed_cases(self) -> None:
        """Case types, persons and cases, through the services (audited, by the demo user
        who would do it). Each part finds what it made before and skips it."""
        from tawasul.cases.case_types import load_case_types
        from tawasul.cases.demo_cases import seed_cases
        from tawasul.people.demo_people import seed_people
        from tawasul.referrals.demo_referrals import seed_referrals

        load_case_types()
        users = {u.username: u for u in User.objects.filter(
            username__in=[row[0] for row in demo_data.USERS])}
        managers: dict[str, User] = {}
        for username, org_code, role, _ar, _en in demo_data.USERS:
            # The center's case manager, else its director.
            if (org_code.startswith("center-")
                    and role in (Role.CASE_MANAGER, Role.DIRECTOR)
                    and (role == Role.CASE_MANAGER or org_code not in managers)):
                managers[org_code] = users[username]
        persons = seed_people(actors=managers)
        seeded = seed_cases(persons=persons, managers=managers, users=users)
        # Referrals between centers, from the cases above.
        referred = seed_referrals(cases=seeded.cases, managers=managers)
        self.stdout.write(f"Demo persons: {len(persons)}; demo cases: {len(seeded.cases)} "
                          f"({seeded.created} new); demo referrals: "
                          f"{len(referred.referrals)} ({referred.created} new).")

    def _org(self, *, code: str, **fields: Any) -> Organization:
        org, _ = Organization.objects.update_or_create(code=code, defaults=fields)
        return org

    def _print_logins(self, password: str) -> None:
        self.stdout.write(self.style.SUCCESS("Tawasul demo logins (password for all: "
                                             f"{password})"))
        for username, org_code, role, _ar, _en in demo_data.USERS:
            self.stdout.write(f"  {username:<22} {Role(role).label:<28} {org_code}")
