"""The badges a referral or request list writes per row: the same markup the pages always had, text
escaped."""

from __future__ import annotations

import datetime as dt

from django.template import Context, Template
from django.utils import translation

from tawasul.coordination.models import CoordinationRequest
from tawasul.referrals.models import Referral


def render(text: str, language: str = "en", **context: object) -> str:
    with translation.override(language):
        return Template("{% load tawasul_ui referral_tags coordination_tags %}" + text).render(
            Context(context))


def test_urgency_badge_colours_by_urgency() -> None:
    assert render("{% urgency_badge r %}", r=Referral(urgency="emergency")) == (
        '<span class="badge text-bg-danger">Emergency</span>')
    assert "text-bg-warning" in render("{% urgency_badge r %}", r=Referral(urgency="urgent"))
    assert "text-bg-light border" in render("{% urgency_badge r %}",
                                            r=Referral(urgency="routine"))
    assert "طارئ" in render("{% urgency_badge r %}", "ar", r=Referral(urgency="emergency"))


NOW = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)


def test_referral_status_badge_marks_a_submitted_referral_past_its_due_date() -> None:
    late = Referral(status="submitted", due_at=NOW - dt.timedelta(hours=1))
    html = render("{% referral_status_badge r %}", r=late, now=NOW)
    assert html == ('<span class="badge text-bg-primary referral-status">Submitted</span> '
                    '<span class="badge text-bg-danger referral-overdue">overdue</span>')
    # Not yet due, decided, asked without the mark, or a page with no `now`: no mark.
    on_time = Referral(status="submitted", due_at=NOW + dt.timedelta(hours=1))
    assert "overdue" not in render("{% referral_status_badge r %}", r=on_time, now=NOW)
    accepted = Referral(status="accepted", due_at=NOW - dt.timedelta(hours=1))
    assert render("{% referral_status_badge r %}", r=accepted, now=NOW) == (
        '<span class="badge text-bg-info referral-status">Accepted</span>')
    assert "overdue" not in render("{% referral_status_badge r with_overdue=False %}",
                                   r=late, now=NOW)
    assert "overdue" not in render("{% referral_status_badge r %}", r=late)
    assert "متأخر" in render("{% referral_status_badge r %}", "ar", r=late, now=NOW)


def test_request_status_badge_marks_a_request_the_embassy_owes_past_its_due_date() -> None:
    def req(status: str, due: dt.datetime | None) -> CoordinationRequest:
        return CoordinationRequest(status=status, due_at=due)

    late = req("sent", NOW - dt.timedelta(days=1))
    html = render("{% request_status_badge r %}", r=late, now=NOW)
    assert html.startswith('<span class="badge text-bg-primary request-status">Sent</span>')
    assert 'request-overdue">overdue</span>' in html
    assert "overdue" not in render("{% request_status_badge r %}",
                                   r=req("fulfilled", NOW - dt.timedelta(days=1)), now=NOW)
    assert "overdue" not in render("{% request_status_badge r %}", r=req("sent", None), now=NOW)
    assert "text-bg-warning" in render("{% request_status_badge r %}",
                                       r=req("declined", None), now=NOW)
    # A request (طلب) is masculine in Arabic where a referral (إحالة) is feminine.
    assert 'request-overdue">متأخر</span>' in render("{% request_status_badge r %}", "ar",
                                                    r=late, now=NOW)
    assert 'referral-overdue">متأخرة</span>' in render(
        "{% referral_status_badge r %}", "ar",
        r=Referral(status="submitted", due_at=NOW - dt.timedelta(hours=1)), now=NOW)


def test_embassy_status_badge_names_the_status_and_escapes_the_label() -> None:
    html = render("{% embassy_status_badge s l %}", s="closed", l="<b>Closed</b>")
    assert html == ('<span class="badge text-bg-success embassy-status" data-status="closed">'
                    "&lt;b&gt;Closed&lt;/b&gt;</span>")
    assert "text-bg-secondary" in render("{% embassy_status_badge s l %}", s="declined", l="x")
