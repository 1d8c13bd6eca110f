"""The person registry: persons, their identifiers, safety flags, relationships and
consents, and the blocking keys that duplicate suggestions look candidates up by.

A person is registered once and shared for identity among the centers (DESIGN, access
rule 2); what a center does with the person lives in its cases, not here.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from tawasul.common.models import BaseModel

if TYPE_CHECKING:
    from hijridate import Hijri

ADULT_AGE = 18


class Sex(models.TextChoices):
    """As recorded on identity documents, which in this setting carry these two values."""

    FEMALE = "female", _("Female")
    MALE = "male", _("Male")


class PersonReferenceCounter(models.Model):
    """One row per year, locked while a reference is taken, so that references are
    sequential per year without gaps from races and without scanning the registry."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


def name_in_script(full: str, given: str, father: str, grandfather: str, family: str) -> str:
    """A person's name in one script as it is shown: the full name when one was recorded,
    else the parts in order (lists that read the name columns without the person use it
    too)."""
    return full or " ".join(p for p in (given, father, grandfather, family) if p)


class Person(BaseModel):
    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    # Arab names: given, father's, grandfather's and family name; others fill the full name.
    given_name_ar = models.CharField(_("given name (Arabic)"), max_length=100, blank=True)
    father_name_ar = models.CharField(_("father's name (Arabic)"), max_length=100, blank=True)
    grandfather_name_ar = models.CharField(
        _("grandfather's name (Arabic)"), max_length=100, blank=True
    )
    family_name_ar = models.CharField(_("family name (Arabic)"), max_length=100, blank=True)
    full_name_ar = models.CharField(_("full name (Arabic)"), max_length=300, blank=True)
    given_name_latin = models.CharField(_("given name (Latin)"), max_length=100, blank=True)
    father_name_latin = models.CharField(_("father's name (Latin)"), max_length=100, blank=True)
    grandfather_name_latin = models.CharField(
        _("grandfather's name (Latin)"), max_length=100, blank=True
    )
    family_name_latin = models.CharField(_("family name (Latin)"), max_length=100, blank=True)
    full_name_latin = models.CharField(_("full name (Latin)"), max_length=300, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    dob_is_estimated = models.BooleanField(_("date of birth is estimated"), default=False)
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices, blank=True)
    nationality = CountryField(
        _("nationality"), help_text=_("XX for stateless, ZZ if unknown.")
    )
    languages = models.JSONField(
        _("languages"), default=list, blank=True, help_text=_("ISO 639-1 codes, e.g. ['ar', 'en'].")
    )
    phone = models.CharField(_("phone"), max_length=16, blank=True, help_text=_("E.164."))
    area = models.CharField(_("area"), max_length=100, blank=True)
    address = models.TextField(_("address"), blank=True)
    registered_by_organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="registered_persons",
        verbose_name=_("registered by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("merged into"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="person_has_a_name",
                condition=Q(given_name_ar__gt="") | Q(full_name_ar__gt="")
                | Q(given_name_latin__gt="") | Q(full_name_latin__gt=""),
            ),
            models.CheckConstraint(
                name="person_not_merged_into_itself",
                condition=Q(merged_into__isnull=True) | ~Q(merged_into=F("id")),
            ),
        ]
        indexes = [
            models.Index(fields=["registered_by_organization", "-created_at"],
                         name="person_registrar_time")
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.display_name}"

    @property
    def name_ar(self) -> str:
        return name_in_script(self.full_name_ar, self.given_name_ar, self.father_name_ar,
                              self.grandfather_name_ar, self.family_name_ar)

    @property
    def name_latin(self) -> str:
        return name_in_script(self.full_name_latin, self.given_name_latin,
                              self.father_name_latin, self.grandfather_name_latin,
                              self.family_name_latin)

    @property
    def display_name(self) -> str:
        if (get_language() or "ar").startswith("ar"):
            return self.name_ar or self.name_latin
        return self.name_latin or self.name_ar

    @property
    def date_of_birth_hijri(self) -> Hijri | None:
        from tawasul.common.templatetags.tawasul_dates import to_hijri

        return to_hijri(self.date_of_birth) if self.date_of_birth else None

    def age_on(self, day: dt.date) -> int | None:
        if self.date_of_birth is None:
            return None
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))

    @property
    def is_minor(self) -> bool | None:
        """None when the date of birth is not known."""
        age = self.age_on(timezone.localdate())
        return None if age is None else age < ADULT_AGE

    @property
    def has_no_contact_flag(self) -> bool:
        """Annotated by the selectors (one query per list, not one per row); computed
        here otherwise."""
        annotated = self.__dict__.get("no_contact_flag")
        if annotated is not None:
            return bool(annotated)
        return self.safety_flags.filter(
            kind=SafetyFlagKind.NO_CONTACT_HOME_COUNTRY, cleared_at__isnull=True
        ).exists()


class IdentifierType(models.TextChoices):
    QID = "qid", _("Qatar ID")
    PASSPORT = "passport", _("Passport")
    VISA = "visa", _("Visa")
    OTHER = "other", _("Other")


class PersonIdentifier(BaseModel):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="identifiers", verbose_name=_("person")
    )
    type = models.CharField(_("type"), max_length=10, choices=IdentifierType.choices)
    value = models.CharField(
        _("number"), max_length=40, help_text=_("Stored in capitals, without spaces.")
    )
    issuing_country = CountryField(
        _("issuing country"), blank=True, help_text=_("Required for passports; QA for a Qatar ID.")
    )

    class Meta:
        verbose_name = _("identifier")
        verbose_name_plural = _("identifiers")
        ordering = ["type", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["type", "issuing_country", "value"], name="identifier_unique_per_type"
            ),
            models.CheckConstraint(
                name="passport_has_issuing_country",
                condition=~Q(type="passport") | Q(issuing_country__gt=""),
            ),
        ]
        indexes = [models.Index(fields=["value"], name="identifier_value")]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.value}"


class SafetyFlagKind(models.TextChoices):
    NO_CONTACT_HOME_COUNTRY = "no_contact_home_country", _("No contact with home country")
    TRAFFICKING_RISK = "trafficking_risk", _("Risk of trafficking")
    ASYLUM_SEEKER = "asylum_seeker", _("Asylum seeker")
    VIOLENCE_RISK = "violence_risk", _("Risk of violence")
    OTHER = "other", _("Other")


class SafetyFlag(BaseModel):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="safety_flags", verbose_name=_("person")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=SafetyFlagKind.choices)
    note = models.TextField(_("note"), blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("set by"),
    )
    set_at = models.DateTimeField(_("set at"), default=timezone.now)
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("cleared by"),
    )

    class Meta:
        verbose_name = _("safety flag")
        verbose_name_plural = _("safety flags")
        ordering = ["-set_at"]
        constraints = [
            # A flag is cleared, then set again as a new row: history is kept.
            models.UniqueConstraint(
                fields=["person", "kind"], condition=Q(cleared_at__isnull=True),
                name="one_open_flag_per_kind",
            )
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())

    @property
    def is_active(self) -> bool:
        return self.cleared_at is None


class RelationshipKind(models.TextChoices):
    """Read as "from_person is the <kind> of to_person"."""

    PARENT = "parent", _("Parent")
    CHILD = "child", _("Child")
    GUARDIAN = "guardian", _("Guardian")
    WARD = "ward", _("Ward")
    SPOUSE = "spouse", _("Spouse")
    SIBLING = "sibling", _("Sibling")


RECIPROCAL_KIND: dict[str, str] = {
    RelationshipKind.PARENT: RelationshipKind.CHILD,
    RelationshipKind.CHILD: RelationshipKind.PARENT,
    RelationshipKind.GUARDIAN: RelationshipKind.WARD,
    RelationshipKind.WARD: RelationshipKind.GUARDIAN,
    RelationshipKind.SPOUSE: RelationshipKind.SPOUSE,
    RelationshipKind.SIBLING: RelationshipKind.SIBLING,
}


class Relationship(BaseModel):
    from_person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="relationships",
        verbose_name=_("person"),
    )
    to_person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="+", verbose_name=_("related person"),
    )
    kind = models.CharField(_("relationship"), max_length=10, choices=RelationshipKind.choices)
    is_legal_guardian = models.BooleanField(_("legal guardian"), default=False)
    start_date = models.DateField(_("from"), null=True, blank=True)
    end_date = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("relationship")
        verbose_name_plural = _("relationships")
        ordering = ["kind"]
        constraints = [
            models.CheckConstraint(
                name="relationship_not_to_self", condition=~Q(from_person=F("to_person"))
            ),
            models.UniqueConstraint(
                fields=["from_person", "to_person", "kind"], name="relationship_unique"
            ),
            models.CheckConstraint(
                name="relationship_dates_in_order",
                condition=Q(start_date__isnull=True) | Q(end_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}"


class ConsentPurpose(models.TextChoices):
    REFERRAL = "referral", _("Referral to another organization")
    COORDINATION_WITH_EMBASSY = "coordination_with_embassy", _("Coordination with the embassy")
    SERVICE_DELIVERY = "service_delivery", _("Service delivery")
    RESEARCH_AGGREGATE = "research_aggregate", _("Research and statistics (aggregate)")
    OTHER = "other", _("Other")


class DataCategory(models.TextChoices):
    IDENTITY = "identity", _("Identity")
    CONTACT = "contact", _("Contact details")
    CASE_SUMMARY = "case_summary", _("Case summary")
    HEALTH = "health", _("Health")
    DISABILITY = "disability", _("Disability")
    FAMILY = "family", _("Family and marital relations")
    VIOLENCE = "violence", _("Violence")
    LEGAL_STATUS = "legal_status", _("Legal status")


# Data of a special nature under PDPPL-like law: handled under the strictest rules. Data
# about a child is sensitive whatever its category (see is_sensitive_for).
SENSITIVE_DATA_CATEGORIES: frozenset[str] = frozenset(
    {DataCategory.HEALTH, DataCategory.DISABILITY, DataCategory.FAMILY, DataCategory.VIOLENCE}
)


def is_sensitive_for(person: Person, categories: set[str]) -> bool:
    # A person whose age is unknown is treated as a child: the safer reading.
    return bool(categories & SENSITIVE_DATA_CATEGORIES) or person.is_minor is not False


class Consent(BaseModel):
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="consents", verbose_name=_("person")
    )
    granted_by_person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("granted by (guardian)"),
        help_text=_("Empty when the person consented themselves."),
    )
    granted_by_name = models.CharField(
        _("granted by (name)"), max_length=200, blank=True,
        help_text=_("A guardian who is not registered as a person."),
    )
    granted_by_relationship = models.CharField(
        _("relationship of the grantor"), max_length=100, blank=True
    )
    purpose = models.CharField(_("purpose"), max_length=30, choices=ConsentPurpose.choices)
    purpose_text = models.TextField(_("purpose (details)"), blank=True)
    recipients = models.ManyToManyField(
        "organizations.Organization", related_name="consents_received",
        verbose_name=_("recipient organizations"),
    )
    data_categories = models.JSONField(_("categories of data"), default=list)
    # Under MEDIA_ROOT (var/media), which no URL serves: only an access-checked view may.
    evidence = models.FileField(_("evidence"), upload_to="consents/%Y/%m/", blank=True)
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("withdrawal recorded by"),
    )
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("recorded by"),
    )
    recorded_by_organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+",
        verbose_name=_("recorded by organization"),
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-granted_at"]
        constraints = [
            models.CheckConstraint(
                name="consent_expires_after_granted",
                condition=Q(expires_at__isnull=True) | Q(expires_at__gt=F("granted_at")),
            ),
            models.CheckConstraint(
                name="consent_other_purpose_explained",
                condition=~Q(purpose="other") | Q(purpose_text__gt=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.granted_at:%Y-%m-%d})"

    def is_active_at(self, when: dt.datetime) -> bool:
        if when < self.granted_at:
            return False
        if self.expires_at is not None and when >= self.expires_at:
            return False
        return self.withdrawn_at is None or when < self.withdrawn_at

    @property
    def is_sensitive(self) -> bool:
        return is_sensitive_for(self.person, set(self.data_categories))


class PersonMatchKey(models.Model):
    """Blocking keys of the matching engine, one row each, so candidates for a new
    person are found by an indexed IN lookup instead of scanning the registry. Rewritten
    (delete and insert) in the transaction that changes the person."""

    id = models.BigAutoField(primary_key=True)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="match_keys")
    key = models.CharField(max_length=120)
    kind = models.CharField(max_length=30, blank=True)

    class Meta:
        # (key, person) covers the lookup: the candidates come from the index alone.
        indexes = [models.Index(fields=["key", "person"], name="person_match_key")]
        constraints = [
            models.UniqueConstraint(fields=["person", "key"], name="person_match_key_unique")
        ]

    def __str__(self) -> str:
        return self.key


class PersonMerge(BaseModel):
    """One merge of a duplicate record into the record that survives, and what it moved,
    so that it can be undone exactly (tawasul.people.merge).

    `moved` holds, by relation ("cases.case.person"), the ids of the rows moved from the
    duplicate to the survivor; the rows dropped because they would have become
    self-referential or repeated (relationships), serialized whole; and the survivor's
    fields filled from the duplicate, with the value each had before."""

    survivor = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="merges_received",
        verbose_name=_("surviving record"),
    )
    duplicate = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="merges_as_duplicate",
        verbose_name=_("duplicate record"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("merged by"),
    )
    reason = models.TextField(_("reason"))
    merged_at = models.DateTimeField(_("merged at"), default=timezone.now)
    moved = models.JSONField(_("what was moved"), default=dict, blank=True)
    unmerged_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    unmerged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("undone by"),
    )
    unmerge_reason = models.TextField(_("reason for undoing"), blank=True)

    class Meta:
        verbose_name = _("merge of persons")
        verbose_name_plural = _("merges of persons")
        ordering = ["-merged_at"]
        constraints = [
            models.CheckConstraint(
                name="person_merge_not_into_itself", condition=~Q(survivor=F("duplicate"))
            ),
            # A record is merged into one other at a time; an undone merge stays as history.
            models.UniqueConstraint(
                fields=["duplicate"], condition=Q(unmerged_at__isnull=True),
                name="person_merge_one_live_per_duplicate",
            ),
            models.CheckConstraint(
                name="person_merge_undone_by_someone",
                condition=Q(unmerged_at__isnull=True) | Q(unmerged_by__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.duplicate_id} → {self.survivor_id}"

    @property
    def is_undone(self) -> bool:
        return self.unmerged_at is not None
