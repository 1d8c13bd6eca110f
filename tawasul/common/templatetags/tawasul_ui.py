"""Small template helpers shared by every page of the shell."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.contrib.messages.storage.base import Message
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _

register = template.Library()

# Languages that embassies and services name and Django's own table lacks.
_EXTRA_LANGUAGES = {
    "tl": _("Filipino (Tagalog)"),
    "fil": _("Filipino"),
    "si": _("Sinhala"),
    "am": _("Amharic"),
    "ps": _("Pashto"),
    "so": _("Somali"),
    "ti": _("Tigrinya"),
    "om": _("Oromo"),
    "ha": _("Hausa"),
}

_ALERT_CLASSES = {
    "debug": "alert-secondary",
    "info": "alert-info",
    "success": "alert-success",
    "warning": "alert-warning",
    "error": "alert-danger",
}


@register.simple_tag
def optional_url(name: str, *args: Any) -> str:
    """Like {% url %}, but '' when the name does not resolve, so a link to a page that
    another part of the system provides disappears instead of breaking the page."""
    try:
        return reverse(name, args=args or None)
    except NoReverseMatch:
        return ""


@register.filter
def language_name(code: str) -> str:
    """An ISO 639-1 code as the language's name in the current language."""
    code = str(code or "").strip().lower()
    if not code:
        return ""
    if code in _EXTRA_LANGUAGES:
        return str(_EXTRA_LANGUAGES[code])
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


@register.filter
def language_names(codes: list[str] | None) -> SafeString:
    """Each name isolated in <bdi>, so that "Filipino (Tagalog)" in an Arabic line keeps its
    brackets where they belong."""
    separator = "، " if (get_language() or "ar").startswith("ar") else ", "
    return format_html_join(separator, "<bdi>{}</bdi>", ((language_name(c),) for c in codes or []))


@register.filter
def alert_class(message: Message) -> str:
    return _ALERT_CLASSES.get(message.level_tag, "alert-info")


def _widget_class(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, forms.Select | forms.SelectMultiple):
        return "form-select"
    return "form-control"


@register.inclusion_tag("includes/field.html")
def field(bound_field: forms.BoundField, **attrs: Any) -> dict[str, Any]:
    """One form field with its label, help text and errors, wired for screen readers:
    the input says it is invalid and points at its help and error texts."""
    widget = bound_field.field.widget
    classes = [_widget_class(widget), attrs.pop("class", "")]
    described_by = []
    if bound_field.help_text:
        described_by.append(f"{bound_field.auto_id}_help")
    if bound_field.errors:
        classes.append("is-invalid")
        described_by.append(f"{bound_field.auto_id}_errors")
        attrs["aria-invalid"] = "true"
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    existing = widget.attrs.get("class", "")
    attrs["class"] = " ".join(c for c in [existing, *classes] if c)
    return {
        "field": bound_field,
        "widget_html": bound_field.as_widget(attrs=attrs),
        "is_checkbox": isinstance(widget, forms.CheckboxInput),
    }
