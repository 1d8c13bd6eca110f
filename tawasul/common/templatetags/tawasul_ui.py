"""Small template helpers shared by every page of the shell."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterable
from typing import Any

from django import forms, template
from django.conf import settings
from django.contrib.messages.storage.base import Message
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape, format_html, format_html_join
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
    if not args:
        return _url_of(name, settings.ROOT_URLCONF, get_urlconf(), get_script_prefix())
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


# The layout and the page headers ask for the same few URLs on every page view: each is
# reversed once per process (per URLconf and script prefix, all a URL without arguments
# depends on).
@functools.lru_cache(maxsize=256)
def _url_of(name: str, root_urlconf: str, urlconf: str | None, prefix: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


# A list links each of its rows to the row's page: {% url %} per row costs a reversal each.
# A URL whose one argument is a UUID is reversed once per process (per URLconf and script
# prefix) around a placeholder, and each row's UUID is put in its place.
_UUID_PLACEHOLDER = uuid.UUID(int=0)


@register.simple_tag
def row_url(name: str, pk: Any) -> str:
    """{% url name pk %} for a URL of one UUID, for the rows of a list."""
    if not isinstance(pk, uuid.UUID):
        return reverse(name, args=[pk])
    head, tail = _around_uuid(name, settings.ROOT_URLCONF, get_urlconf(), get_script_prefix())
    return f"{head}{pk}{tail}"


@functools.lru_cache(maxsize=256)
def _around_uuid(name: str, root_urlconf: str, urlconf: str | None,
                 prefix: str) -> tuple[str, str]:
    head, _placeholder, tail = reverse(name, args=[_UUID_PLACEHOLDER]).partition(
        str(_UUID_PLACEHOLDER))
    return head, tail


# A menu item as the shell builds them (home.context_processors.NavItem), reduced to what
# its template prints: label, URL, whether it is the current page, and its children.
MenuKey = tuple[str, str, bool, tuple[Any, ...]]


@register.simple_tag
def menu_items(items: Iterable[Any], template_name: str) -> SafeString:
    """The items of a menu of the shell, written by `template_name` (given `items`, dicts of
    label, url, active and children). Every page view of a role shows the same items, and
    the loop over them costs more than the rest of the header: each set of items is written
    once per process and language, and only looked up after that."""
    key = tuple(_menu_key(item) for item in items)
    if settings.DEBUG:
        # Under the development server a template may change between two requests.
        return _menu_html.__wrapped__(template_name, get_language(), key)
    return _menu_html(template_name, get_language(), key)


def _menu_key(item: Any) -> MenuKey:
    return (str(item.label), str(item.url), bool(item.active),
            tuple(_menu_key(child) for child in item.children))


def _menu_item(key: MenuKey) -> dict[str, Any]:
    label, url, active, children = key
    return {"label": label, "url": url, "active": active,
            "children": [_menu_item(child) for child in children]}


@functools.lru_cache(maxsize=512)
def _menu_html(template_name: str, language: str | None, items: tuple[MenuKey, ...]
               ) -> SafeString:
    return render_to_string(template_name, {"items": [_menu_item(item) for item in items]})


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


# The markup of {% field %}, written here rather than in an included template: a filter
# form above a list renders several fields on every page view, and an inclusion tag's
# template (with its lookups on the bound field) costs more than the field's own widget.
_FIELD_HELP = '<div class="form-text" id="{}_help">{}</div>'
_FIELD_ERRORS = '<div class="invalid-feedback d-block" id="{}_errors">{}</div>'
_FIELD_REQUIRED = SafeString(' <span class="text-danger" aria-hidden="true">*</span>')
_CHECKBOX_FIELD = ('\n<div class="form-check mb-3">\n  {widget}\n'
                   '  <label class="form-check-label" for="{id}">{label}</label>\n'
                   '  {help}\n  {errors}\n</div>\n\n')
_OTHER_FIELD = ('\n<div class="mb-3">\n'
                '  <label class="form-label" for="{id}">{label}{required}</label>\n'
                '  {widget}\n  {help}\n  {errors}\n</div>\n\n')


@register.simple_tag
def field(bound_field: forms.BoundField, **attrs: Any) -> SafeString:
    """One form field with its label, help text and errors, wired for screen readers:
    the input says it is invalid and points at its help and error texts."""
    widget = bound_field.field.widget
    classes = [_widget_class(widget), attrs.pop("class", "")]
    described_by = []
    help_text = bound_field.help_text
    errors = bound_field.errors
    auto_id = bound_field.auto_id
    if help_text:
        described_by.append(f"{auto_id}_help")
    if errors:
        classes.append("is-invalid")
        described_by.append(f"{auto_id}_errors")
        attrs["aria-invalid"] = "true"
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    existing = widget.attrs.get("class", "")
    attrs["class"] = " ".join(c for c in [existing, *classes] if c)
    parts = {
        "widget": bound_field.as_widget(attrs=attrs),
        "id": conditional_escape(bound_field.id_for_label),
        "label": conditional_escape(bound_field.label),
        "help": format_html(_FIELD_HELP, auto_id, help_text) if help_text else "",
        "errors": format_html(_FIELD_ERRORS, auto_id, format_html_join(
            "", "<div>{}</div>", ((error,) for error in errors))) if errors else "",
    }
    if isinstance(widget, forms.CheckboxInput):
        return SafeString(_CHECKBOX_FIELD.format(**parts))
    required = _FIELD_REQUIRED if bound_field.field.required else ""
    return SafeString(_OTHER_FIELD.format(required=required, **parts))


URGENCY_BADGE = {"emergency": "text-bg-danger", "urgent": "text-bg-warning"}


@register.simple_tag
def urgency_badge(item: Any) -> SafeString:
    """The urgency of a referral or a request to an embassy as a badge (a list writes one
    per row: no include)."""
    css = URGENCY_BADGE.get(item.urgency, "text-bg-light border")
    return format_html('<span class="badge {}">{}</span>', css, item.get_urgency_display())
