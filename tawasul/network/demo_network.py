"""The demo world's diplomatic network and public directory, called by seed_demo.

- Correspondence with the embassies of the Philippines, India and Nepal, recorded by the
  liaison officer through the service (audited). None carries an attachment: seed_demo
  also runs inside tests whose database is rolled back, and a file would stay behind.
- Two bulletins sent by the liaison officer: one to those three embassies, which
  `embassy.ph` has read; one to every mission, which nobody has read yet.
- For the public directory: a published intake contact point at each center, an internal
  contact at the protection center (which the public page must not show), and two more
  civil-society organizations with their published contact points.

Idempotent: each part finds what it made before (a correspondence entry by its mission
and reference number, a bulletin by its English title, an organization by its code, a
contact by its organization and name) and skips it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from tawasul.accounts.models import User
from tawasul.network import services
from tawasul.network.models import Bulletin, Correspondence
from tawasul.organizations.models import Contact, Organization, OrganizationKind

# (embassy code, direction, channel, days ago, subject, summary, reference number)
CORRESPONDENCE: list[tuple[str, str, str, int, str, str, str]] = [
    ("embassy-ph", "incoming", "note_verbale", 40,
     "Request for the list of shelters that accept domestic workers",
     "The Embassy asks which shelters take in domestic workers who leave their employer, "
     "and how its welfare officers may refer them.\nReply requested within two weeks.",
     "PE-DOH-2026-041"),
    ("embassy-ph", "outgoing", "note_verbale", 31,
     "رد المؤسسة بشأن مسارات الإيواء",
     "أرسلنا مسار الإحالة إلى مركز الحماية والتأهيل الاجتماعي وأرقام خط الاستقبال.",
     "NFSW/LO/2026/112"),
    ("embassy-ph", "outgoing", "meeting", 12,
     "Quarterly coordination meeting with the consular section",
     "Reviewed open referrals (counts only), interpreter needs in Tagalog, and the forum "
     "in May.",
     "NFSW/LO/2026/131"),
    ("embassy-in", "incoming", "email", 22,
     "Change of focal point at the Community Welfare desk",
     "The Embassy names a new labour and welfare officer from next month.",
     "IN-CW-2026-07"),
    ("embassy-in", "outgoing", "letter", 9,
     "دعوة إلى منتدى السفراء حول الرعاية المجتمعية",
     "دعوة رسمية لسعادة السفير أو من ينوب عنه لحضور المنتدى.",
     "NFSW/LO/2026/140"),
    ("embassy-np", "incoming", "call", 6,
     "Availability of Nepali interpreters for shelter intake",
     "The labour attaché asked whether the centers can call on Nepali interpreters at "
     "night. Agreed to send the interpreter roster procedure.",
     "NP-CALL-2026-03"),
    ("embassy-np", "outgoing", "note_verbale", 2,
     "Procedure for family tracing requests",
     "Explained that family tracing requests come from the centers with the person's "
     "consent, and what each request contains.",
     "NFSW/LO/2026/151"),
]

BULLETIN_READ: dict[str, Any] = {
    "title_ar": "تحديث مسار الإحالة إلى خدمات الإيواء",
    "title_en": "Updated referral pathway to shelter services",
    "body_ar": (
        "أصحاب السعادة،\n"
        "يسر المؤسسة أن تبلغكم بأن الإحالات إلى خدمات الإيواء الطارئ تُستقبل الآن على مدار "
        "الساعة عبر تواصل.\n"
        "يرجى إرفاق ما تتيحه موافقة الشخص فقط، وعدم إرسال أي تفاصيل أخرى بالبريد الإلكتروني."
    ),
    "body_en": (
        "Excellencies,\n"
        "The foundation is pleased to inform you that referrals to emergency shelter are now "
        "received around the clock through Tawasul.\n"
        "Please include only what the person's consent allows, and send no other details by "
        "email."
    ),
}
BULLETIN_UNREAD: dict[str, Any] = {
    "title_ar": "دعوة: منتدى السفراء حول رعاية الجاليات",
    "title_en": "Invitation: Ambassadors' forum on community welfare",
    "body_ar": (
        "تتشرف المؤسسة بدعوتكم إلى منتدى السفراء السنوي حول رعاية الجاليات.\n"
        "سيُرسل جدول الأعمال ومكان الانعقاد في نشرة لاحقة."
    ),
    "body_en": (
        "The foundation has the honour of inviting you to the annual Ambassadors' forum on "
        "community welfare.\n"
        "The agenda and the venue will follow in a later bulletin."
    ),
}
BULLETIN_READ_MISSIONS = ("embassy-ph", "embassy-in", "embassy-np")

# (code, Arabic name, English name, languages, website, (title en, title ar, phone, email))
CIVIL_SOCIETY: list[tuple[str, str, str, list[str], str, tuple[str, str, str, str]]] = [
    ("ngo-community-care", "جمعية الرعاية المجتمعية", "Community Care Association",
     ["ar", "en", "ur", "hi"], "https://community-care.example",
     ("Family support line", "خط دعم الأسرة", "+974 4000 2100",
      "support@community-care.example")),
    ("ngo-migrant-support", "شبكة دعم العمال المهاجرين", "Migrant Workers Support Network",
     ["en", "tl", "ne", "bn"], "https://migrant-support.example",
     ("Helpline for workers", "خط المساعدة للعمال", "+974 4000 2200",
      "help@migrant-support.example")),
]


@dataclass
class NetworkSeed:
    correspondence_created: int = 0
    bulletins_created: int = 0

    @property
    def summary(self) -> str:
        return (f"Demo network: {self.correspondence_created} correspondence entries and "
                f"{self.bulletins_created} bulletins new.")


def _public_directory() -> None:
    for center in Organization.objects.filter(kind=OrganizationKind.CENTER, is_active=True):
        Contact.objects.update_or_create(
            organization=center, name_en="Intake desk",
            defaults={"name_ar": "مكتب الاستقبال", "title_en": "Referrals and intake",
                      "title_ar": "الإحالات والاستقبال", "languages": ["ar", "en"],
                      "email": f"intake.{center.domain}@foundation.example",
                      "phone": "+974 4000 0100", "is_public": True},
        )
    protection = Organization.objects.filter(code="center-protection").first()
    if protection is not None:
        Contact.objects.update_or_create(
            organization=protection, name_en="Night shelter supervisor",
            defaults={"name_ar": "مشرفة الإيواء الليلي", "title_en": "Shelter supervisor",
                      "title_ar": "مشرفة الإيواء", "phone": "+974 5500 0199",
                      "languages": ["ar", "en"], "is_public": False,
                      "notes": "Direct mobile for admissions after midnight."},
        )
    for code, name_ar, name_en, languages, website, point in CIVIL_SOCIETY:
        organization, _ = Organization.objects.update_or_create(
            code=code, defaults={"kind": OrganizationKind.NGO, "name_ar": name_ar,
                                 "name_en": name_en, "languages": languages,
                                 "website": website, "is_active": True},
        )
        title_en, title_ar, phone, email = point
        Contact.objects.update_or_create(
            organization=organization, name_en=title_en,
            defaults={"name_ar": title_ar, "title_en": title_en, "title_ar": title_ar,
                      "phone": phone, "email": email, "languages": languages,
                      "is_public": True},
        )


def _correspondence(liaison: User, missions: dict[str, Organization]) -> int:
    created = 0
    today = timezone.localdate()
    for code, direction, channel, days, subject, summary, reference in CORRESPONDENCE:
        mission = missions.get(code)
        if mission is None or Correspondence.objects.filter(
                mission=mission, reference_number=reference).exists():
            continue
        services.correspondence_record(
            actor=liaison, mission=mission, direction=direction, channel=channel,
            occurred_on=today - dt.timedelta(days=days), subject=subject, summary=summary,
            reference_number=reference,
        )
        created += 1
    return created


def _bulletins(liaison: User, missions: dict[str, Organization],
               reader: User | None) -> int:
    created = 0
    read = Bulletin.objects.filter(title_en=BULLETIN_READ["title_en"]).first()
    if read is None:
        read = services.bulletin_send(
            actor=liaison, **BULLETIN_READ,
            missions=[missions[c] for c in BULLETIN_READ_MISSIONS if c in missions],
        )
        created += 1
    if reader is not None:
        services.bulletin_mark_read(user=reader, bulletin=read)
    if not Bulletin.objects.filter(title_en=BULLETIN_UNREAD["title_en"]).exists():
        services.bulletin_send(actor=liaison, **BULLETIN_UNREAD, to_all_missions=True)
        created += 1
    return created


def seed_network() -> NetworkSeed:
    """The demo network, by the demo liaison officer; nothing if the demo users are not
    there (seed_demo creates them first)."""
    seed = NetworkSeed()
    _public_directory()
    liaison = User.objects.filter(username="liaison", is_active=True).first()
    if liaison is None:
        return seed
    missions = {m.code: m for m in Organization.objects.filter(
        kind=OrganizationKind.EMBASSY, code__in=[row[0] for row in CORRESPONDENCE])}
    seed.correspondence_created = _correspondence(liaison, missions)
    reader = User.objects.filter(username="embassy.ph", is_active=True).first()
    seed.bulletins_created = _bulletins(liaison, missions, reader)
    return seed
