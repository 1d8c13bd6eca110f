"""Fetch-and-check for the community counts and for message threads.

`access_community(user, country)` is the one way to the counts of a community: outside
the caller's scope it answers 404 after an audited denial (an embassy asking for another
country learns nothing, not even that the code is valid); inside, the read (or the
export) is audited, although the tables hold no personal data, so that the audit trail
shows who looked at which community.

`access_thread(user, kind, id)` opens a message thread through its own app's scoped
selector: 404 outside it, the denial audited.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from django_countries import countries

from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record
from tawasul.common.access import as_member, fetch_or_deny
from tawasul.common.errors import DomainError, OutOfScope
from tawasul.portal import selectors
from tawasul.portal.threads import KINDS, ThreadKind

COMMUNITY_OBJECT_TYPE = "portal.community_counts"
COMMUNITY_FIELDS = (selectors.REFERRALS, selectors.CASES)


def country_code(value: object) -> str | None:
    """An ISO 3166-1 alpha-2 code that the registry knows (with XX stateless and ZZ
    unknown), in capitals; None for anything else."""
    code = str(value or "").strip().upper()
    if len(code) == 2 and code.isascii() and code.isalpha() and code in countries:
        return code
    return None


def _deny(user: object, asked: object) -> OutOfScope:
    audit_record(action=AuditAction.ACCESS_DENIED, actor=user,
                 object_type=COMMUNITY_OBJECT_TYPE, object_id=str(asked or "")[:64],
                 reason="community counts")
    return OutOfScope()


def access_community(user: object, country: object = None, *,
                     action: str = AuditAction.READ) -> str:
    """The country whose counts `user` reads, the read audited.

    An embassy's users read their own country's counts (no country given means theirs);
    any other code answers 404. The ministry's supervisors and the analysts name any
    country; none, or a code that is not one, is a DomainError on the field `country`.
    Anyone else: 404."""
    if selectors.community_overseer(user) is not None:
        if not str(country or "").strip():
            raise DomainError("required", _("Choose a country."), field="country")
        code = country_code(country)
        if code is None:
            raise DomainError("unknown_country",
                              _("Not a country: use its two-letter ISO 3166 code, e.g. PH."),
                              field="country")
    else:
        own = selectors.own_community(user)
        asked = str(country or "").strip()
        if own is None or (asked and country_code(asked) != own):
            raise _deny(user, asked)
        code = own
    audit_record(action=action, actor=user, object_type=COMMUNITY_OBJECT_TYPE,
                 object_id=code, fields=COMMUNITY_FIELDS)
    return code


def access_thread(viewer: object, key: str, thread_id: object) -> tuple[ThreadKind, Any]:
    """A thread the user takes part in, through its app's scoped selector: 404 (the
    denial audited) for an unknown kind, a thread out of scope or a malformed id."""
    kind = KINDS.get(key)
    user = as_member(viewer)
    if kind is None or user is None or kind.takes_part(user) is None:
        raise _thread_denied(viewer, key, thread_id)
    return kind, fetch_or_deny(user, kind.visible_to(user), thread_id)


def _thread_denied(viewer: object, key: str, thread_id: object) -> OutOfScope:
    audit_record(action=AuditAction.ACCESS_DENIED, actor=viewer,
                 object_type=f"thread:{key}"[:60], object_id=str(thread_id)[:64])
    return OutOfScope()
