"""The background task that emails a bulletin to the users of each receiving mission.

Enqueued by tawasul.network.services.bulletin_send after its transaction commits. Each
delivery is claimed by a conditional update before its users' emails are queued, so a
retry, a rescue or a second worker emails nobody twice; each email also carries its own
once-only key (tawasul.common.email). The email names the bulletin and the foundation,
in the recipient's language; its text is read in Tawasul, where the reading is recorded.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from tawasul.accounts.models import User
from tawasul.common.email import queue_templated_email
from tawasul.jobs.auditing import audit_task
from tawasul.jobs.retry import retryable
from tawasul.network.models import Bulletin, BulletinDelivery

EMAIL_TEMPLATE = "bulletin"


def bulletin_email_context(bulletin: Bulletin) -> dict[str, object]:
    return {
        "title_ar": bulletin.title_ar,
        "title_en": bulletin.title_en,
        "sent_at": bulletin.sent_at,
    }


@retryable(backoff_seconds=60)
@task()
def email_bulletin(bulletin_id: str) -> int:
    """Queue one email per active user (with an address) of each receiving mission that
    has not been emailed yet; returns how many were queued."""
    bulletin = Bulletin.objects.filter(pk=bulletin_id).first()
    if bulletin is None:
        return 0
    context = bulletin_email_context(bulletin)
    queued = 0
    pending = BulletinDelivery.objects.filter(bulletin=bulletin, emailed_at__isnull=True)
    for delivery_id, mission_id in pending.values_list("pk", "mission_id"):
        with transaction.atomic():
            claimed = BulletinDelivery.objects.filter(
                pk=delivery_id, emailed_at__isnull=True
            ).update(emailed_at=timezone.now())
            if not claimed:
                continue
            recipients = User.objects.filter(
                organization_id=mission_id, is_active=True
            ).exclude(email="").order_by("username")
            for user in recipients:
                queue_templated_email(user=user, template=EMAIL_TEMPLATE, context=context,
                                      key=f"bulletin:{bulletin.pk}:{user.pk}")
                queued += 1
    if queued:
        audit_task("email_bulletin", object_type=Bulletin._meta.label_lower,
                   object_id=str(bulletin.pk), fields=["emailed_at"],
                   reason=f"{queued} emails queued")
    return queued
