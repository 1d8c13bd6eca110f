from __future__ import annotations

import uuid

from django.db import models


class BaseModel(models.Model):
    """Opaque primary keys: ids that reach a URL or the API never reveal a count or order."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
