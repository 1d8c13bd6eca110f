"""The referral emails render in both languages and carry no case content."""

from __future__ import annotations

import datetime as dt

import pytest

from tawasul.common.email import render_templated_email

CONTEXT = {
    "referral_reference": "R-2026-000007", "from_name_ar": "مركز الحماية",
    "from_name_en": "Protection center", "to_name_ar": "مركز الأسرة",
    "to_name_en": "Family center", "urgency": "urgent", "due_at": dt.datetime(2026, 12, 1),
}


@pytest.mark.parametrize("language", ["ar", "en"])
@pytest.mark.parametrize(("template", "extra"), [
    ("referral_status", {"status": s}) for s in
    ("submitted", "accepted", "declined", "in_progress", "completed", "withdrawn")
] + [("referral_message", {}), ("referral_due", {"is_overdue": True}),
     ("referral_due", {"is_overdue": False})])
def test_referral_emails_render(template: str, extra: dict[str, object], language: str) -> None:
    email = render_templated_email(template=template, context={**CONTEXT, **extra},
                                   language=language)
    assert "R-2026-000007" in email.subject and "R-2026-000007" in email.text
    assert email.language == language
    assert ('dir="rtl"' in email.html) is (language == "ar")
    sender = "مركز الحماية" if language == "ar" else "Protection center"
    if extra.get("status") in ("submitted", "withdrawn"):
        assert sender in email.text
