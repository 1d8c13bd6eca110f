"""What a row of the case list and its filter form show, in Arabic and in English: the rows
are worked out once per page in the view and the form is written without widget templates,
and neither may change what the page says."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tawasul.cases import services
from tawasul.cases.forms import CaseFilterForm
from tawasul.cases.models import Case, CaseType
from tawasul.cases.tests.conftest import case_type, register
from tawasul.common.form_rendering import PLAIN_WIDGETS
from tawasul.common.testing import World
from tawasul.common.tests.test_form_rendering import both
from tawasul.home.tests.helpers import log_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["ar", "en"])
@pytest.mark.parametrize("data", [None, {"page": "2"}, {
    "q": "مريم", "status": "open", "case_type": "x", "risk_level": "high", "mine": "on",
    "overdue": "on"}])
def test_the_filter_form_is_written_as_django_writes_it(
    catalog: None, language: str, data: Any
) -> None:
    with translation.override(language):
        plain, stock = both(CaseFilterForm, data, case_types=CaseType.objects.order_by("name_en"))
    assert plain == stock


def test_the_list_page_keeps_the_filters_chosen(
    client: Client, world: World, catalog: None
) -> None:
    log_in(client, world.protection_manager)
    response = client.get(reverse("cases:list"),
                          {"q": "Maryam", "status": "review", "risk_level": "critical",
                           "mine": "on"})
    page = response.content.decode()
    assert response.context["form"].renderer is PLAIN_WIDGETS
    assert 'value="Maryam"' in page
    assert '<option value="review" selected>' in page
    assert '<option value="critical" selected>' in page
    assert 'type="checkbox" name="mine" class="form-check-input" id="id_mine" checked>' in page
    assert 'name="overdue" class="form-check-input" id="id_overdue">' in page


@pytest.fixture
def two_cases(world: World, catalog: None) -> tuple[Case, Case]:
    both_scripts = register(world)  # Maryam Al-Kuwari / مريم الكواري
    arabic_only = register(world, given_name_ar="سارة", family_name_ar="المري",
                           given_name_latin="", family_name_latin="")
    managed = services.case_open(
        actor=world.protection_director, center=world.protection, person=both_scripts,
        case_type=case_type("protection", "child-abuse"), risk_level="critical",
        assigned_manager=world.protection_manager, is_restricted=False)
    unassigned = services.case_open(
        actor=world.protection_director, center=world.protection, person=arabic_only,
        case_type=case_type("protection", "child-neglect"), risk_level="medium",
        is_restricted=False)
    return managed, unassigned


def _row(page: str, case: Case) -> str:
    start = page.index(f'href="{reverse("cases:detail", args=[case.pk])}"')
    return page[start:page.index("</tr>", start)]


@pytest.mark.parametrize("language", ["ar", "en"])
def test_each_row_shows_the_case_in_the_page_language(
    client: Client, world: World, two_cases: tuple[Case, Case], language: str
) -> None:
    managed, unassigned = two_cases
    log_in(client, world.protection_manager)
    client.cookies["django_language"] = language
    page = client.get(reverse("cases:list")).content.decode()
    with translation.override(language):
        first, second = _row(page, managed), _row(page, unassigned)
        assert managed.reference in first
        assert f"<bdi>{managed.person.display_name}</bdi>" in first
        other, lang = (("Maryam Al-Kuwari", "en") if language == "ar"
                       else ("مريم الكواري", "ar"))
        assert f'<bdi lang="{lang}">{other}</bdi>' in first
        assert managed.case_type.name in first
        assert f">{managed.get_status_display()}</span>" in first
        assert f'text-bg-danger">{managed.get_risk_level_display()}</span>' in first
        assert world.protection_manager.display_name in first
        assert '<span class="hijri-date' in first
        # A person with one script only has no second line; nobody manages this case yet.
        assert "<bdi>سارة المري</bdi>" in second and "<bdi lang=" not in second
        assert f'text-bg-info">{unassigned.get_risk_level_display()}</span>' in second
        assert str(translation.gettext("not assigned")) in second


# The row as the list's template wrote it before `{% case_row %}` (templates/cases/
# case_list.html): the tag must write the same markup, byte for byte.
TEMPLATE_ROW = """{% load i18n tawasul_dates %}<tr>
        <td class="text-nowrap">
          <a class="fw-semibold ltr-value" href="{{ row.detail_url }}">{{ row.reference }}</a>
          {% if row.is_restricted %}<span class="badge text-bg-danger">{% translate "restricted" %}</span>{% endif %}
          {% if row.has_overdue_task %}<span class="badge text-bg-warning">{% translate "overdue task" %}</span>{% endif %}
        </td>
        <td>
          <bdi>{{ row.person_name }}</bdi>{% if row.person_other_name %}<div class="small text-body-secondary"><bdi lang="{{ row.other_lang }}">{{ row.person_other_name }}</bdi></div>{% endif %}
        </td>
        <td>{{ row.case_type_name }}</td>
        <td><span class="badge text-bg-light border">{{ row.status_label }}</span></td>
        <td><span class="badge {{ row.risk_badge }}">{{ row.risk_label }}</span></td>
        <td>{% if row.manager_name %}{{ row.manager_name }}{% else %}<span class="text-body-secondary">{% translate "not assigned" %}</span>{% endif %}</td>
        <td class="small">{{ row.opened_at|with_hijri }}</td>
      </tr>"""  # noqa: E501


@pytest.mark.parametrize("language", ["ar", "en"])
@pytest.mark.parametrize(("restricted", "overdue", "other", "manager"), [
    (False, False, "", ""), (True, True, "Maryam <Al-Kuwari>", "مدير & co"),
    (True, False, "مريم", ""), (False, True, "", "Manager")])
def test_the_row_tag_writes_what_the_template_wrote(
    language: str, restricted: bool, overdue: bool, other: str, manager: str
) -> None:
    import datetime as dt

    from django.template import engines

    from tawasul.cases.templatetags.case_list import case_row

    row = {"detail_url": "/cases/1f0e/?a=1&b=2", "reference": "C-2026-000123",
           "is_restricted": restricted, "has_overdue_task": overdue,
           "person_name": "<script>x</script> محمد", "person_other_name": other,
           "other_lang": "en", "case_type_name": "Neglect & abuse", "status_label": "Review",
           "risk_badge": "text-bg-danger", "risk_label": "Critical", "manager_name": manager,
           "opened_at": dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)}
    with translation.override(language):
        expected = engines["django"].from_string(TEMPLATE_ROW).render({"row": row})
        assert case_row(row) == expected
    assert "<script>" not in expected
