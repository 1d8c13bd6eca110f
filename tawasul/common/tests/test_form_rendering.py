"""PlainWidgetRenderer writes exactly what Django's widget templates write."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from tawasul.common.form_rendering import PLAIN_WIDGETS

STOCK = DjangoTemplates()


class EveryWidget(forms.Form):
    text = forms.CharField(max_length=10, help_text="<b>help</b>")
    email = forms.EmailField(required=False)
    number = forms.IntegerField(required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    flag = forms.BooleanField(required=False)
    choice = forms.ChoiceField(choices=[("", "All"), ("a", 'A & "quoted"'), ("b", "<B>")],
                               required=False)
    grouped = forms.ChoiceField(required=False, choices=[
        ("", "None"), ("Group <1>", [("x", "X"), ("y", "Y")]), ("z", "Z")])
    many = forms.MultipleChoiceField(choices=[("p", "P"), ("q", "Q")], required=False)
    notes = forms.CharField(widget=forms.Textarea, required=False)


def both(form_class: type[forms.Form], data: Any, **kwargs: Any) -> tuple[list[str], list[str]]:
    plain = form_class(data, renderer=PLAIN_WIDGETS, **kwargs)
    stock = form_class(data, renderer=STOCK, **kwargs)
    attrs = {"class": "form-control is-invalid", "aria-invalid": "true", "data-x": 'a"<b>'}
    return ([str(plain[name].as_widget(attrs=dict(attrs))) for name in plain.fields],
            [str(stock[name].as_widget(attrs=dict(attrs))) for name in stock.fields])


@pytest.mark.parametrize("data", [
    None,
    {},
    {"text": 'x"><script>', "email": "not an email", "number": "12", "hidden": "h&h",
     "flag": "on", "choice": "a", "grouped": "y", "many": ["p", "q"]},
    {"choice": "b", "grouped": "z", "flag": ""},
])
def test_every_widget_is_written_as_django_writes_it(data: Any) -> None:
    plain, stock = both(EveryWidget, data)
    assert plain == stock


def test_a_widget_it_does_not_write_still_goes_through_the_templates() -> None:
    form = EveryWidget(None, renderer=PLAIN_WIDGETS)
    assert str(form["notes"].as_widget()).startswith("<textarea")
    assert str(form["many"].as_widget()).startswith('<select name="many"')
