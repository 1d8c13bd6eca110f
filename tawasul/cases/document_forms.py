"""The form that adds a document to a case. It only collects the title and the file: the
type, the size and an empty file are judged by tawasul.cases.documents.document_upload,
which every way in (pages, API, commands) shares."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tawasul.cases import documents
from tawasul.cases.models import CaseDocument
from tawasul.common.uploads import megabytes
from tawasul.organizations.forms import SingleLineTextField

# What the browser's file picker offers first; the content decides, not the name.
ACCEPT = ".pdf,.png,.jpg,.jpeg,.docx,.xlsx,.txt"


class DocumentUploadForm(forms.Form):
    title = SingleLineTextField(
        label=_("Title"), required=False,
        max_length=CaseDocument._meta.get_field("title").max_length,
        help_text=_("The file name is used if you leave this empty."),
    )
    file = forms.FileField(label=_("File"), allow_empty_file=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ACCEPT
        self.fields["file"].help_text = _(
            "PDF, PNG, JPEG, Word, Excel or plain text, up to %(mb)s MB."
        ) % {"mb": megabytes(documents.max_bytes())}
