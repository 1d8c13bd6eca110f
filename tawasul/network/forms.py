"""Forms of the network pages: input is cleaned here, at the edge; the services check it
again (and judge attachments by their content)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from tawasul.cases import documents
from tawasul.cases.document_forms import ACCEPT
from tawasul.common.references import TEXT_MAX_LENGTH
from tawasul.network.models import CorrespondenceChannel, CorrespondenceDirection
from tawasul.network.services import REFERENCE_MAX_LENGTH, SUBJECT_MAX_LENGTH, TITLE_MAX_LENGTH
from tawasul.organizations.forms import MultiLineTextField, SingleLineTextField
from tawasul.organizations.models import Organization

SEND_TO_ALL = "all"
SEND_TO_CHOSEN = "chosen"


class MissionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


def _textarea(rows: int, **attrs: str) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, **attrs})


class MissionFilterForm(forms.Form):
    q = SingleLineTextField(
        label=_("Search"), required=False, max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("A mission's or a focal point's name.")}),
    )
    country = forms.ChoiceField(label=_("Country"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)

    def __init__(self, *args: Any, countries: list[tuple[str, str]],
                 languages: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("All countries")), *countries]  # type: ignore[attr-defined]
        self.fields["language"].choices = [("", _("All languages")), *languages]  # type: ignore[attr-defined]


class CorrespondenceFilterForm(forms.Form):
    direction = forms.ChoiceField(
        label=_("Direction"), required=False,
        choices=[("", _("Both directions")), *CorrespondenceDirection.choices],
    )
    channel = forms.ChoiceField(label=_("Channel"), required=False,
                                choices=[("", _("All channels")), *CorrespondenceChannel.choices])


class CorrespondenceForm(forms.Form):
    direction = forms.ChoiceField(label=_("Direction"),
                                  choices=[("", _("Choose…")), *CorrespondenceDirection.choices])
    channel = forms.ChoiceField(label=_("Channel"),
                                choices=[("", _("Choose…")), *CorrespondenceChannel.choices])
    occurred_on = forms.DateField(label=_("Date"),
                                  widget=forms.DateInput(attrs={"type": "date"},
                                                         format="%Y-%m-%d"))
    subject = SingleLineTextField(label=_("Subject"), max_length=SUBJECT_MAX_LENGTH)
    reference_number = SingleLineTextField(
        label=_("Reference number"), required=False, max_length=REFERENCE_MAX_LENGTH,
        help_text=_("The number on the note or letter, if it has one."),
    )
    summary = MultiLineTextField(label=_("Summary"), required=False, max_length=TEXT_MAX_LENGTH,
                                 widget=_textarea(5, dir="auto"))
    attachment = forms.FileField(label=_("Attachment"), required=False, allow_empty_file=True)
    remove_attachment = forms.BooleanField(label=_("Remove the current attachment"),
                                           required=False)

    def __init__(self, *args: Any, has_attachment: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachment"].widget.attrs["accept"] = ACCEPT
        self.fields["attachment"].help_text = _(
            "PDF, PNG, JPEG, Word, Excel or plain text, up to %(size)s."
        ) % {"size": filesizeformat(documents.max_bytes())}
        if has_attachment:
            self.fields["attachment"].label = _("Replace the attachment")
        else:
            del self.fields["remove_attachment"]


class BulletinForm(forms.Form):
    title_ar = SingleLineTextField(label=_("Title (Arabic)"), max_length=TITLE_MAX_LENGTH,
                                   widget=forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}))
    title_en = SingleLineTextField(label=_("Title (English)"), max_length=TITLE_MAX_LENGTH,
                                   widget=forms.TextInput(attrs={"dir": "ltr", "lang": "en"}))
    body_ar = MultiLineTextField(label=_("Text (Arabic)"), max_length=TEXT_MAX_LENGTH,
                                 widget=_textarea(8, dir="rtl", lang="ar"))
    body_en = MultiLineTextField(label=_("Text (English)"), max_length=TEXT_MAX_LENGTH,
                                 widget=_textarea(8, dir="ltr", lang="en"))
    send_to = forms.ChoiceField(
        label=_("Send to"), initial=SEND_TO_CHOSEN,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        choices=[(SEND_TO_CHOSEN, _("The missions chosen below")),
                 (SEND_TO_ALL, _("Every mission in the directory"))],
    )
    missions = MissionChoiceField(label=_("Missions"), required=False,
                                  queryset=Organization.objects.none(),
                                  widget=forms.CheckboxSelectMultiple(
                                      attrs={"class": "form-check-input"}))

    def __init__(self, *args: Any, missions: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["missions"].queryset = missions  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("send_to") == SEND_TO_CHOSEN and not data.get("missions"):
            self.add_error("missions", _("Choose at least one mission, or send to all."))
        return data
