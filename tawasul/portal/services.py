"""Every write of the portal app: read markers and the digest preference. Each in one
transaction with its audit entry (field names only)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tawasul.accounts.models import User
from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record
from tawasul.common.errors import PermissionDenied
from tawasul.portal.models import DigestPreference, ThreadReadMarker


def _mark(actor: User, thread: Model, at: dt.datetime) -> ThreadReadMarker:
    marker, _created = ThreadReadMarker.objects.update_or_create(
        user=actor, object_type=thread._meta.label_lower, object_id=thread.pk,
        defaults={"read_at": at},
    )
    return marker


def thread_mark_read(*, actor: User, thread: Model) -> ThreadReadMarker:
    """The actor has read the thread's messages up to now. The caller has fetched the
    thread through its app's access function or scoped selector: a marker says nothing
    the actor may not see, and is the actor's own bookkeeping."""
    with transaction.atomic():
        marker = _mark(actor, thread, timezone.now())
        audit_record(action=AuditAction.UPDATE, actor=actor, obj=marker,
                     fields=["read_at"], reason=f"{marker.object_type} read")
    return marker


def threads_mark_read(*, actor: User, threads: Iterable[Model]) -> int:
    """Mark several threads read at once: one audit entry."""
    now = timezone.now()
    with transaction.atomic():
        count = 0
        for thread in threads:
            _mark(actor, thread, now)
            count += 1
        if count:
            audit_record(action=AuditAction.UPDATE, actor=actor,
                         object_type=ThreadReadMarker._meta.label_lower,
                         fields=["read_at"], reason=f"{count} threads marked read")
    return count


def digest_preference_set(*, actor: User, user: User, daily_digest: bool) -> DigestPreference:
    """Turn the user's daily digest on or off; only the user themselves may."""
    if actor.pk != user.pk:
        audit_record(action=AuditAction.ACCESS_DENIED, actor=actor, obj=user,
                     reason="may not change another user's digest")
        raise PermissionDenied("forbidden", _("You may not change this preference."))
    with transaction.atomic():
        preference, created = DigestPreference.objects.select_for_update().get_or_create(
            user=user, defaults={"daily_digest": daily_digest})
        if created or preference.daily_digest != daily_digest:
            preference.daily_digest = daily_digest
            preference.save(update_fields=["daily_digest", "updated_at"])
            audit_record(action=AuditAction.UPDATE, actor=actor, obj=preference,
                         fields=["daily_digest"])
    return preference
