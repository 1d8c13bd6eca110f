from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tawasul.common.choices import ChoiceLabels


class BaseModel(ChoiceLabels):
    """Opaque primary keys: ids that reach a URL or the API never reveal a count or order.
    Choice labels from a table per field and language (tawasul.common.choices)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class FileRecord(BaseModel):
    """A file someone uploaded: a case's document (tawasul.cases.documents) or a message's
    attachment (tawasul.common.attachments). The bytes live under MEDIA_ROOT, which no
    URL serves, under a random name; only the owning app's download view hands them out,
    after its access check, and audits every download. Each concrete model adds what the
    file belongs to and its own Meta."""

    original_filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    # Relative to MEDIA_ROOT; never derived from what the user called the file.
    stored_path = models.CharField(_("stored path"), max_length=255, unique=True,
                                   editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("uploaded by"),
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_filename
