"""The badges a referral or request list writes per row: the same markup the pages always had, text
escaped."""

from __future__ import annotations

from types import SimpleNamespace

from django.template import Context, Template


def render(text: str, **context: object) -> str:
    return Template("{% load tawasul_ui referral_tags %}" + text).render(Context(context))


def test_urgency_badge_colours_by_urgency() -> None:
    def referral(urgency: str) -> SimpleNamespace:
        return SimpleNamespace(urgency=urgency, get_urgency_display=lambda: urgency.title())

    assert render("{% urgency_badge r %}", r=referral("emergency")) == (
        '<span class="badge text-bg-danger">Emergency</span>')
    assert "text-bg-warning" in render("{% urgency_badge r %}", r=referral("urgent"))
    assert "text-bg-light border" in render("{% urgency_badge r %}", r=referral("routine"))


def test_embassy_status_badge_names_the_status_and_escapes_the_label() -> None:
    html = render("{% embassy_status_badge s l %}", s="closed", l="<b>Closed</b>")
    assert html == ('<span class="badge text-bg-success embassy-status" data-status="closed">'
                    "&lt;b&gt;Closed&lt;/b&gt;</span>")
    assert "text-bg-secondary" in render("{% embassy_status_badge s l %}", s="declined", l="x")
