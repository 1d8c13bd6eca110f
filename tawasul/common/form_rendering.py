"""A form renderer that writes Django's plain inputs and selects in Python.

Django renders each widget through its templates, a select with one template include per
option: on a page that shows a filter form above a list, that costs more than the rows.
PlainWidgetRenderer writes the same HTML, character for character, as Django's own
templates for these widgets (text-like inputs, checkboxes, selects), and hands every other
widget to those templates. A form uses it by being given it: `Form(..., renderer=...)`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

WIDGETS = "django/forms/widgets/"
# The widgets whose template is Django's input.html, included as it is.
INPUT_TEMPLATES = frozenset(
    f"{WIDGETS}{name}.html"
    for name in ("input", "text", "email", "url", "number", "password", "search", "tel",
                 "hidden", "date", "datetime", "time", "checkbox")
)
SELECT_TEMPLATE = f"{WIDGETS}select.html"
OPTION_TEMPLATE = f"{WIDGETS}select_option.html"


def _attrs(attrs: Mapping[str, Any]) -> str:
    """Django's attrs.html: False leaves the attribute out, True writes its name alone."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{conditional_escape(value)}"')
    return "".join(parts)


def _input(widget: Mapping[str, Any]) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{conditional_escape(value)}"'
    return (f'<input type="{conditional_escape(widget["type"])}" '
            f'name="{conditional_escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>')


def _option(option: Mapping[str, Any]) -> str:
    return (f'<option value="{conditional_escape(option["value"])}"'
            f'{_attrs(option["attrs"])}>{conditional_escape(option["label"])}</option>\n')


def _select(widget: Mapping[str, Any]) -> str | None:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option["template_name"] != OPTION_TEMPLATE:
                return None
            parts.append(f"\n  {_option(option)}")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


WRITERS: dict[str, Callable[[Mapping[str, Any]], str | None]] = {
    **dict.fromkeys(INPUT_TEMPLATES, _input),
    SELECT_TEMPLATE: _select,
}


class PlainWidgetRenderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any],
               request: Any = None) -> SafeString:
        write = WRITERS.get(template_name)
        widget = context.get("widget")
        html = write(widget) if write is not None and widget is not None else None
        if html is None:
            return super().render(template_name, context, request)  # type: ignore[return-value]
        return mark_safe(html.strip())  # noqa: S308 - every value above is escaped


PLAIN_WIDGETS = PlainWidgetRenderer()
