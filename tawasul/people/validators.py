"""Checks of what people type about a person: identifiers, dates of birth, phones,
nationalities, languages and consent evidence. Each raises Django's ValidationError with a
translated message, so forms, serializers and the services report it the same way.

Qatar ID (QID), as far as its structure is published: 11 digits; the first is the
century of birth (2 for 19xx, 3 for 20xx), the next two the last two digits of the year
of birth, then a three-digit country code and a serial. Only what we can check without
the issuing authority's register is checked: length, digits, first digit, a birth year
that is not in the future and, when the date of birth is known, that it agrees with that
year (within a margin when the date is estimated). The country digits are not checked:
the numbering is not published as ISO 3166 numeric for every nationality.

Phones are stored as E.164 (+ then 8 to 15 digits, no leading 0 in the country code).
Spaces, dashes, dots and brackets are dropped; a leading 00 becomes +; a bare 8-digit
number is taken as a Qatar number (+974), as people in Qatar write their own numbers.
No phone library is used: this is a format check, not proof the number exists.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from tawasul.common.text import clean_text

# Oldest plausible date of birth: nobody registered today was born before this.
OLDEST_BIRTH_YEAR = 1900
# An estimated date of birth may be off by this many years from the QID's year.
ESTIMATED_DOB_MARGIN_YEARS = 5
STATELESS = "XX"
UNKNOWN_NATIONALITY = "ZZ"

_QID = re.compile(r"[23]\d{10}")
_E164 = re.compile(r"\+[1-9]\d{7,14}")
_PHONE_SEPARATORS = re.compile(r"[\s\-.()/]")
_LANGUAGE_CODE = re.compile(r"[a-z]{2}")
_IDENTIFIER_SEPARATORS = re.compile(r"[\s\-/.]")

# Arabic-Indic and Extended Arabic-Indic digits, which Arabic keyboards type.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def ascii_digits(value: str) -> str:
    return value.translate(_DIGITS)


def normalize_identifier(value: str) -> str:
    """Uppercase, Latin digits, no spaces or separators: how identifiers are compared."""
    return _IDENTIFIER_SEPARATORS.sub("", ascii_digits(clean_text(value))).upper()


def qid_birth_year(qid: str) -> int:
    century = 1900 if qid[0] == "2" else 2000
    return century + int(qid[1:3])


def validate_qid(value: str, *, date_of_birth: dt.date | None = None,
                 dob_is_estimated: bool = False) -> None:
    if not _QID.fullmatch(value):
        raise ValidationError(
            _("A Qatar ID has exactly 11 digits and starts with 2 or 3."), code="qid_format"
        )
    year = qid_birth_year(value)
    if year > timezone.localdate().year:
        raise ValidationError(
            _("This Qatar ID gives a year of birth in the future."), code="qid_year"
        )
    if date_of_birth is not None:
        margin = ESTIMATED_DOB_MARGIN_YEARS if dob_is_estimated else 0
        if abs(date_of_birth.year - year) > margin:
            raise ValidationError(
                _("This Qatar ID does not match the date of birth (year %(year)s).")
                % {"year": year},
                code="qid_dob",
            )


def validate_date_of_birth(value: dt.date) -> None:
    if value > timezone.localdate():
        raise ValidationError(_("The date of birth is in the future."), code="dob_future")
    if value.year < OLDEST_BIRTH_YEAR:
        raise ValidationError(
            _("The date of birth is before %(year)s.") % {"year": OLDEST_BIRTH_YEAR},
            code="dob_impossible",
        )


def validate_nationality(value: str) -> None:
    """ISO 3166 alpha-2, or XX (stateless) or ZZ (unknown), configured in settings."""
    if value not in dict(countries):
        raise ValidationError(
            _("“%(code)s” is not a known country code; use ZZ if the nationality is unknown.")
            % {"code": value},
            code="nationality",
        )


def normalize_phone(value: str) -> str:
    """E.164, or "" for no phone. Raises ValidationError for anything else."""
    raw = _PHONE_SEPARATORS.sub("", ascii_digits(clean_text(value)))
    if not raw:
        return ""
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    elif re.fullmatch(r"\d{8}", raw):
        raw = "+974" + raw
    if not _E164.fullmatch(raw):
        raise ValidationError(
            _("Enter the phone number with its country code, e.g. +974 5555 1234."),
            code="phone",
        )
    return raw


def normalize_languages(value: object) -> list[str]:
    if isinstance(value, str):
        value = value.replace("،", ",").split(",")
    codes: list[str] = []
    for item in value or []:  # type: ignore[attr-defined]
        code = clean_text(str(item)).lower()
        if not code:
            continue
        if not _LANGUAGE_CODE.fullmatch(code):
            raise ValidationError(
                _("“%(code)s” is not an ISO 639-1 language code (two letters, e.g. en).")
                % {"code": code},
                code="language",
            )
        if code not in codes:
            codes.append(code)
    return codes


# Consent evidence: a scan or photo of a signed form. Checked by content, not by name.
EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
_EVIDENCE_SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}


def validate_evidence(upload: object) -> None:
    name = str(getattr(upload, "name", "")).lower()
    size = int(getattr(upload, "size", 0) or 0)
    extension = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    signatures = _EVIDENCE_SIGNATURES.get(extension)
    if signatures is None:
        raise ValidationError(
            _("Upload the evidence as PDF, PNG or JPEG."), code="evidence_type"
        )
    if size > EVIDENCE_MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(mb)s MB.") % {"mb": EVIDENCE_MAX_BYTES // (1024 * 1024)},
            code="evidence_size",
        )
    upload.seek(0)  # type: ignore[attr-defined]
    head = upload.read(16)  # type: ignore[attr-defined]
    upload.seek(0)  # type: ignore[attr-defined]
    if not any(head.startswith(sig) for sig in signatures):
        raise ValidationError(
            _("The file's content is not what its name says."), code="evidence_content"
        )
