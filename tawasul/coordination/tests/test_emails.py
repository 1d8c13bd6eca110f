"""The coordination emails render in both languages and name the request only."""

from __future__ import annotations

import datetime as dt

import pytest

from tawasul.cases.models import NotificationKind
from tawasul.common.email import render_templated_email

CONTEXT = {
    "request_reference": "CR-2026-000007", "request_type": "family_tracing",
    "embassy_name_ar": "سفارة نيبال", "embassy_name_en": "Embassy of Nepal",
    "status": "fulfilled", "due_at": dt.datetime(2026, 12, 1),
}
NOTICES = [k.value for k in NotificationKind if k.value.startswith("coordination_")]


@pytest.mark.parametrize("language", ["ar", "en"])
@pytest.mark.parametrize("notice", NOTICES)
def test_notices_render(notice: str, language: str) -> None:
    email = render_templated_email(template="coordination_notice",
                                   context={**CONTEXT, "notice": notice}, language=language)
    # The reference is in the sentence that says what happened (the text has no subject).
    assert "CR-2026-000007" in email.subject and "CR-2026-000007" in email.text
    assert ('dir="rtl"' in email.html) is (language == "ar")


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_retraction_names_no_one(language: str) -> None:
    email = render_templated_email(
        template="consent_retraction",
        context={"withdrawn_at": dt.datetime(2026, 11, 2), "references": ["CR-2026-000007"]},
        language=language)
    assert "CR-2026-000007" in email.text and "2026-11-02" in email.text
    assert email.subject


@pytest.mark.parametrize(("notice", "arabic", "english"), [
    ("coordination_overdue", "متأخر", "overdue"),
    ("coordination_withdrawn", "مسحوب", "withdrawn"),
])
def test_the_subject_speaks_of_a_request_in_its_grammatical_gender(
        notice: str, arabic: str, english: str) -> None:
    # A request (طلب) is masculine in Arabic where a referral or a task is feminine.
    def subject(language: str) -> str:
        return render_templated_email(template="coordination_notice",
                                      context={**CONTEXT, "notice": notice},
                                      language=language).subject

    assert subject("ar").endswith(f" · {arabic}")
    assert subject("en").endswith(f" · {english}")
