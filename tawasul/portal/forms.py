from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries


class CountryForm(forms.Form):
    """Which community the ministry's supervisors and the analysts look at."""

    country = forms.ChoiceField(label=_("Country"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["country"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Choose a country")), *countries]


class DigestPreferenceForm(forms.Form):
    daily_digest = forms.BooleanField(
        label=_("Send me a daily digest of my unread notifications by email"),
        required=False,
        help_text=_("At most one email a day, in your language, listing the notifications "
                    "you have not read yet; none on a day with nothing new."),
    )
