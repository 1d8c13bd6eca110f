from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from tawasul.common.models import BaseModel
from tawasul.organizations.languages import community_language, language_choices


class OrganizationKind(models.TextChoices):
    MINISTRY = "ministry", _("Ministry")
    FOUNDATION = "foundation", _("Foundation")
    CENTER = "center", _("Center")
    EMBASSY = "embassy", _("Embassy")
    UN_AGENCY = "un_agency", _("UN agency")
    GOVERNMENT = "government", _("Government body")
    NGO = "ngo", _("Civil society organization")


PARTNER_KINDS = (OrganizationKind.UN_AGENCY, OrganizationKind.GOVERNMENT, OrganizationKind.NGO)


class CenterDomain(models.TextChoices):
    FAMILY = "family", _("Family stability")
    ORPHANS = "orphans", _("Orphan care")
    PROTECTION = "protection", _("Child and women protection")
    YOUTH = "youth", _("Youth")
    DISABILITY = "disability", _("Disability")
    ELDERLY = "elderly", _("Elderly care")
    BEHAVIORAL = "behavioral", _("Behavioral health")


class BilingualNameMixin:
    name_ar: str
    name_en: str

    @property
    def name(self) -> str:
        """The name in the active language, falling back to the other one."""
        if (get_language() or "ar").startswith("ar"):
            return self.name_ar or self.name_en
        return self.name_en or self.name_ar


class Organization(BilingualNameMixin, BaseModel):
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices)
    code = models.SlugField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("Short stable identifier, e.g. 'embassy-ph' or 'center-protection'."),
    )
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    domain = models.CharField(
        _("domain"), max_length=20, choices=CenterDomain.choices, blank=True
    )
    country = CountryField(_("country"), blank=True)
    languages = models.JSONField(
        _("languages"), default=list, blank=True, help_text=_("ISO 639-1 codes, e.g. ['tl', 'en'].")
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    address = models.TextField(_("address"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["kind", "name_en"]
        constraints = [
            models.CheckConstraint(
                name="center_has_domain",
                condition=Q(kind=OrganizationKind.CENTER, domain__gt="")
                | (~Q(kind=OrganizationKind.CENTER) & Q(domain="")),
            ),
            models.CheckConstraint(
                name="embassy_has_country",
                condition=~Q(kind=OrganizationKind.EMBASSY) | Q(country__gt=""),
            ),
            models.UniqueConstraint(
                fields=["domain"],
                condition=Q(kind=OrganizationKind.CENTER, is_active=True),
                name="one_active_center_per_domain",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_partner(self) -> bool:
        return self.kind in PARTNER_KINDS


class Contact(BilingualNameMixin, BaseModel):
    """A focal point at an organization who is not (necessarily) a user of Tawasul."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="contacts",
        verbose_name=_("organization"),
    )
    name_ar = models.CharField(_("name (Arabic)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    title_ar = models.CharField(_("title (Arabic)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    is_public = models.BooleanField(
        _("listed in the directory"),
        default=False,
        help_text=_("Directory contacts are visible to every user; others only to the "
                    "organization itself and the foundation."),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["organization", "name_en"]
        constraints = [
            models.CheckConstraint(
                name="contact_has_a_name", condition=Q(name_ar__gt="") | Q(name_en__gt="")
            )
        ]

    def __str__(self) -> str:
        return self.name


class Service(BilingualNameMixin, BaseModel):
    """An entry of a center's service catalog."""

    center = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="services",
        limit_choices_to={"kind": OrganizationKind.CENTER},
        verbose_name=_("center"),
    )
    code = models.SlugField(_("code"), max_length=60)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    description_ar = models.TextField(_("description (Arabic)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    eligibility_ar = models.TextField(_("eligibility (Arabic)"), blank=True)
    eligibility_en = models.TextField(_("eligibility (English)"), blank=True)
    how_to_refer_ar = models.TextField(_("how to refer (Arabic)"), blank=True)
    how_to_refer_en = models.TextField(_("how to refer (English)"), blank=True)
    languages = models.JSONField(_("languages served"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["center", "name_en"]
        constraints = [
            models.UniqueConstraint(fields=["center", "code"], name="service_code_per_center")
        ]

    def __str__(self) -> str:
        return self.name

    def _localized(self, field: str) -> str:
        ar, en = getattr(self, f"{field}_ar"), getattr(self, f"{field}_en")
        if (get_language() or "ar").startswith("ar"):
            return str(ar or en)
        return str(en or ar)

    @property
    def description(self) -> str:
        return self._localized("description")

    @property
    def eligibility(self) -> str:
        return self._localized("eligibility")

    @property
    def how_to_refer(self) -> str:
        return self._localized("how_to_refer")


class ServiceTranslation(BaseModel):
    """A catalog entry in a community language (tawasul.organizations.languages), shown
    beside its Arabic and English to the embassies and communities that read it."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="translations",
        verbose_name=_("service"),
    )
    language = models.CharField(_("language"), max_length=8, choices=language_choices)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    eligibility = models.TextField(_("eligibility"), blank=True)
    how_to_refer = models.TextField(_("how to refer"), blank=True)

    class Meta:
        verbose_name = _("service translation")
        verbose_name_plural = _("service translations")
        ordering = ["service", "language"]
        constraints = [
            models.UniqueConstraint(fields=["service", "language"],
                                    name="one_translation_per_language")
        ]

    def __str__(self) -> str:
        return f"{self.service} [{self.language}]"

    @property
    def direction(self) -> str:
        lang = community_language(self.language)
        return lang.direction if lang else "auto"

    @property
    def language_label(self) -> str:
        lang = community_language(self.language)
        return lang.label if lang else self.language
