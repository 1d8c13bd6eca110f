"""Translations of catalog entries into community languages: who keeps them (whoever keeps
the center's catalog), the pages that keep them, and where they are shown (the embassies'
directory in their own languages, any reader's choice, the public directory; the API is
tested in api/tests/test_services.py)."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.common import errors
from tawasul.home.tests.helpers import log_in
from tawasul.organizations import services
from tawasul.organizations.languages import (
    BY_CODE,
    COMMUNITY_LANGUAGES,
    community_language,
    community_languages_in,
)
from tawasul.organizations.models import Service, ServiceTranslation
from tawasul.organizations.selectors import own_languages

pytestmark = pytest.mark.django_db

LIST = reverse("organizations:services")
PUBLIC = reverse("public:directory")


@pytest.fixture
def service(world) -> Service:
    """The protection center's entry, offered to the Philippine and Indian communities."""
    world.embassy_ph.languages = ["tl", "en"]
    world.embassy_ph.save(update_fields=["languages"])
    world.embassy_in.languages = ["hi", "ml", "en"]
    world.embassy_in.save(update_fields=["languages"])
    return world.protection.services.get()


@pytest.fixture
def tagalog(service) -> ServiceTranslation:
    return ServiceTranslation.objects.create(
        service=service, language="tl", name="Pagpapayo",
        description="Mga sesyon ng pagpapayo para sa mga pamilya.",
        eligibility="Lahat ng naninirahan.", how_to_refer="Tumawag sa sentro.",
    )


@pytest.fixture
def urdu(service) -> ServiceTranslation:
    return ServiceTranslation.objects.create(
        service=service, language="ur", name="مشاورت",
        description="خاندانوں کے لیے مشاورت کی نشستیں۔",
    )


def shown(page: str, language: str, direction: str) -> list[str]:
    """The translation blocks of a page in `language`, marked with that language and
    direction (the block holds the name and the text)."""
    blocks = page.split('<div class="service-translation" ')[1:]
    return [b for b in blocks if b.startswith(f'lang="{language}" dir="{direction}">')]


def translation_form(**overrides) -> dict:
    data = {"language": "ne", "name": "परामर्श", "description": "परिवारका लागि परामर्श।",
            "eligibility": "", "how_to_refer": "केन्द्रमा फोन गर्नुहोस्।"}
    data.update(overrides)
    return data


# --- The list of languages ------------------------------------------------------------


def test_each_community_language_has_its_own_name_and_direction():
    codes = [lang.code for lang in COMMUNITY_LANGUAGES]
    assert len(codes) == len(set(codes))
    assert {"tl", "ne", "hi", "ur", "bn", "ml", "si", "ta", "id", "fr"} <= set(codes)
    assert BY_CODE["ur"].direction == "rtl"
    assert BY_CODE["ur"].native_name == "اردو"
    assert BY_CODE["tl"].direction == "ltr"
    assert not ({"ar", "en"} & set(codes))


def test_other_spellings_name_the_same_language():
    assert community_language("fil") == BY_CODE["tl"]
    assert community_language("ne-NP") == BY_CODE["ne"]
    assert community_language("ar") is None
    assert community_languages_in(["en", "fil", "tl", "hi", "xx"]) == ["tl", "hi"]


def test_an_embassys_own_languages_come_from_its_record(world, service):
    assert own_languages(world.consul_ph) == ["tl"]
    assert own_languages(world.viewer_ph) == ["tl"]
    assert own_languages(world.consul_in) == ["hi", "ml"]
    # Centers and the foundation have none: they choose.
    assert own_languages(world.protection_director) == []
    assert own_languages(world.admin) == []


# --- Services: who may, audited, validated -----------------------------------------------


@pytest.mark.parametrize("username", ["protection_director", "admin"])
def test_who_keeps_the_catalog_keeps_its_translations(world, service, username):
    actor = getattr(world, username)
    created = services.service_translation_create(
        actor=actor, service=service, language="fil", name="  Pagpapayo  ",
        description="Para sa pamilya.\u200b",
    )
    # Stored under the list's code, text normalized as everywhere else.
    assert (created.language, created.name, created.description) == \
        ("tl", "Pagpapayo", "Para sa pamilya.")
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, actor=actor,
                                     object_id=str(created.pk)).exists()
    updated = services.service_translation_update(actor=actor, translation=created,
                                                  name="Pagpapayo sa pamilya")
    assert updated.name == "Pagpapayo sa pamilya"
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, object_id=str(created.pk))
    assert entry.fields == ["name"] and "Pagpapayo" not in str(entry.fields)
    services.service_translation_delete(actor=actor, translation=updated)
    assert not ServiceTranslation.objects.exists()
    assert AuditEntry.objects.filter(action=AuditAction.DELETE,
                                     object_id=str(created.pk)).exists()


@pytest.mark.parametrize(
    "username",
    ["protection_manager", "protection_staff", "family_director", "liaison", "consul_ph"],
)
def test_nobody_else_keeps_them(world, service, tagalog, username):
    actor = getattr(world, username)
    with pytest.raises(errors.PermissionDenied):
        services.service_translation_create(actor=actor, service=service, language="ne",
                                            name="परामर्श")
    with pytest.raises(errors.PermissionDenied):
        services.service_translation_update(actor=actor, translation=tagalog, name="X")
    with pytest.raises(errors.PermissionDenied):
        services.service_translation_delete(actor=actor, translation=tagalog)
    tagalog.refresh_from_db()
    assert tagalog.name == "Pagpapayo"
    assert ServiceTranslation.objects.count() == 1
    assert AuditEntry.objects.filter(action=AuditAction.ACCESS_DENIED, actor=actor).count() == 3


def test_one_translation_per_language_and_only_listed_languages(world, service, tagalog):
    director = world.protection_director
    with pytest.raises(ValidationError):
        services.service_translation_create(actor=director, service=service, language="tl",
                                            name="Pangalawa")
    with pytest.raises(ValidationError):
        services.service_translation_create(actor=director, service=service, language="xx",
                                            name="Unknown")
    with pytest.raises(ValidationError):
        services.service_translation_create(actor=director, service=service, language="ne",
                                            name="   ")
    assert ServiceTranslation.objects.count() == 1


# --- Management pages -----------------------------------------------------------------


@pytest.mark.parametrize("language", ["ar", "en"])
def test_director_adds_edits_and_deletes_through_the_pages(client, world, service, language):
    client.cookies["django_language"] = language
    log_in(client, world.protection_director)
    detail = reverse("organizations:service_detail", args=[service.pk])
    add = reverse("organizations:service_translation_create", args=[service.pk])
    assert reverse("organizations:service_translation_create", args=[service.pk]) in \
        client.get(detail).content.decode()
    form_page = client.get(add)
    assert form_page.status_code == 200
    assert "नेपाली" in form_page.content.decode()  # the languages by their own names
    response = client.post(add, translation_form())
    assert response.status_code == 302 and response.url == detail
    translation = ServiceTranslation.objects.get(service=service)
    assert translation.language == "ne"

    edit = reverse("organizations:service_translation_edit", args=[translation.pk])
    page = client.get(edit).content.decode()
    assert 'lang="ne"' in page and "परामर्श" in page
    assert client.post(edit, translation_form(name="पारिवारिक परामर्श")).status_code == 302
    translation.refresh_from_db()
    assert translation.name == "पारिवारिक परामर्श"
    # The service's edit page lists its translations too.
    service_edit = client.get(reverse("organizations:service_edit", args=[service.pk]))
    assert edit in service_edit.content.decode()

    delete = reverse("organizations:service_translation_delete", args=[translation.pk])
    confirm = client.get(delete)
    assert confirm.status_code == 200 and "पारिवारिक परामर्श" in confirm.content.decode()
    assert ServiceTranslation.objects.exists()
    assert client.post(delete).status_code == 302
    assert not ServiceTranslation.objects.exists()
    assert AuditEntry.objects.filter(action=AuditAction.DELETE, object_id=str(translation.pk),
                                     actor=world.protection_director).exists()


@pytest.mark.parametrize("username", ["protection_manager", "family_director", "consul_ph"])
def test_those_who_see_the_service_but_do_not_keep_it_get_403(client, world, service, tagalog,
                                                              username):
    log_in(client, getattr(world, username))
    urls = [
        reverse("organizations:service_translation_create", args=[service.pk]),
        reverse("organizations:service_translation_edit", args=[tagalog.pk]),
        reverse("organizations:service_translation_delete", args=[tagalog.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url
        assert client.post(url, translation_form(language="tl", name="X")).status_code == 403
    tagalog.refresh_from_db()
    assert tagalog.name == "Pagpapayo" and ServiceTranslation.objects.count() == 1
    # No management links on the service's page for them.
    page = client.get(reverse("organizations:service_detail", args=[service.pk])).content
    assert urls[0] not in page.decode()


def test_a_translation_of_a_service_out_of_sight_is_404(client, world):
    hidden = Service.objects.create(center=world.protection, code="paused",
                                    name_ar="متوقفة", name_en="Paused", is_active=False)
    translation = ServiceTranslation.objects.create(service=hidden, language="tl",
                                                    name="Nakahinto")
    log_in(client, world.family_director)
    for url in (reverse("organizations:service_translation_create", args=[hidden.pk]),
                reverse("organizations:service_translation_edit", args=[translation.pk]),
                reverse("organizations:service_translation_delete", args=[translation.pk])):
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code == 404, url
    assert client.get(reverse("organizations:service_translation_edit",
                              args=[uuid.uuid4()])).status_code == 404
    assert AuditEntry.objects.filter(action=AuditAction.ACCESS_DENIED,
                                     actor=world.family_director).exists()
    # Its own center's director keeps it.
    log_in(client, world.protection_director)
    url = reverse("organizations:service_translation_edit", args=[translation.pk])
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(("language", "message"), [
    ("ar", "هذا الحقل مطلوب"),
    ("en", "This field is required"),
])
def test_a_missing_name_is_a_field_error_in_the_users_language_and_input_is_kept(
    client, world, service, language, message,
):
    client.cookies["django_language"] = language
    log_in(client, world.protection_director)
    url = reverse("organizations:service_translation_create", args=[service.pk])
    response = client.post(url, translation_form(name="", description="परिवारका लागि।"))
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    page = response.content.decode()
    assert message in page
    assert "परिवारका लागि।" in page
    assert 'aria-invalid="true"' in page
    assert not ServiceTranslation.objects.exists()


def test_a_second_translation_into_a_language_is_a_field_error(client, world, service, tagalog):
    client.cookies["django_language"] = "en"
    message = "This service already has a translation into this language."
    log_in(client, world.protection_director)
    url = reverse("organizations:service_translation_create", args=[service.pk])
    response = client.post(url, translation_form(language="tl", name="Pangalawang pangalan"))
    assert response.status_code == 200
    assert response.context["form"].errors["language"]
    page = response.content.decode()
    assert message in page
    assert 'value="Pangalawang pangalan"' in page
    assert ServiceTranslation.objects.count() == 1


def test_a_language_off_the_list_is_refused(client, world, service):
    log_in(client, world.protection_director)
    url = reverse("organizations:service_translation_create", args=[service.pk])
    response = client.post(url, translation_form(language="klingon"))
    assert response.status_code == 200
    assert response.context["form"].errors["language"]
    assert not ServiceTranslation.objects.exists()


# --- Shown in the embassies' directory ------------------------------------------------------


def test_an_embassy_sees_its_own_language_beside_arabic_and_english(client, world, service,
                                                                    tagalog, urdu):
    client.cookies["django_language"] = "ar"
    log_in(client, world.consul_ph)
    response = client.get(LIST)
    page = response.content.decode()
    row = next(s for s in response.context["page_obj"] if s.pk == service.pk)
    assert row.shown_translation == tagalog
    assert '<div class="fw-semibold">Pagpapayo</div>' in shown(page, "tl", "ltr")[0]
    assert "إرشاد" in page  # the Arabic stays
    assert "مشاورت" not in page  # not the embassy's language, not asked for
    detail = client.get(reverse("organizations:service_detail", args=[service.pk]))
    # Every translation on the entry's page, the embassy's own first.
    assert [t.language for t in detail.context["translations"]] == ["tl", "ur"]
    assert "مشاورت" in shown(detail.content.decode(), "ur", "rtl")[0]


def test_an_embassy_without_a_translation_in_its_languages_sees_arabic_and_english(
    client, world, service, tagalog,
):
    log_in(client, world.consul_in)
    response = client.get(LIST)
    assert all(s.shown_translation is None for s in response.context["page_obj"])
    assert "Pagpapayo" not in response.content.decode()


def test_any_reader_chooses_a_language_among_those_available(client, world, service, tagalog,
                                                             urdu):
    client.cookies["django_language"] = "en"
    log_in(client, world.family_manager)
    plain = client.get(LIST)
    assert "Pagpapayo" not in plain.content.decode()
    choices = dict(plain.context["form"].fields["show_in"].choices)
    assert set(choices) == {"", "tl", "ur"}
    assert choices["ur"] == "اردو — Urdu"
    urdu_page = client.get(LIST, {"show_in": "ur"}).content.decode()
    # Right to left inside the English page.
    assert '<div class="fw-semibold">مشاورت</div>' in shown(urdu_page, "ur", "rtl")[0]
    # The embassy, too, may ask for another language than its own.
    log_in(client, world.consul_ph)
    chosen = client.get(LIST, {"show_in": "ur"})
    row = next(s for s in chosen.context["page_obj"] if s.pk == service.pk)
    assert row.shown_translation == urdu


def test_a_language_not_offered_shows_the_error_not_a_crash(client, world, service, tagalog):
    client.cookies["django_language"] = "en"
    log_in(client, world.consul_ph)
    response = client.get(LIST, {"show_in": "xx"})
    assert response.status_code == 200
    assert response.context["form"].errors["show_in"]


def test_search_finds_an_entry_by_its_translation(client, world, service, tagalog):
    log_in(client, world.consul_ph)
    found = client.get(LIST, {"q": "Pagpapayo"})
    assert [s.pk for s in found.context["page_obj"]] == [service.pk]


def test_the_service_list_queries_do_not_grow_with_translations(client, world, service):
    log_in(client, world.consul_ph)
    with CaptureQueriesContext(connection) as before:
        client.get(LIST)
    for i in range(6):
        extra = Service.objects.create(center=world.family, code=f"s-{i}", name_ar=f"خدمة {i}",
                                       name_en=f"Service {i}")
        ServiceTranslation.objects.create(service=extra, language="tl", name=f"Serbisyo {i}")
        ServiceTranslation.objects.create(service=extra, language="ur", name=f"خدمت {i}")
    with CaptureQueriesContext(connection) as after:
        response = client.get(LIST)
    assert "Serbisyo 5" in response.content.decode()
    assert len(after) == len(before)


# --- Shown in the public directory -----------------------------------------------------------


def test_the_public_directory_shows_the_chosen_translation(client, service, tagalog, urdu):
    client.cookies["django_language"] = "ar"
    plain = client.get(PUBLIC)
    assert plain.status_code == 200
    assert "Pagpapayo" not in plain.content.decode()
    assert {"tl", "ur"} <= set(dict(plain.context["form"].fields["show_in"].choices))
    tagalog_page = client.get(PUBLIC, {"show_in": "tl"}).content.decode()
    # Left to right inside the Arabic page, with its eligibility and how to refer.
    [block] = shown(tagalog_page, "tl", "ltr")
    assert '<div class="fw-semibold">Pagpapayo</div>' in block
    assert "Tumawag sa sentro." in block and "Lahat ng naninirahan." in block
    client.cookies["django_language"] = "en"
    urdu_page = client.get(PUBLIC, {"show_in": "ur"}).content.decode()
    [block] = shown(urdu_page, "ur", "rtl")
    assert '<div class="fw-semibold">مشاورت</div>' in block


def test_the_public_directory_shows_no_translation_of_a_retired_entry(client, world):
    hidden = Service.objects.create(center=world.protection, code="paused",
                                    name_ar="متوقفة", name_en="Paused", is_active=False)
    ServiceTranslation.objects.create(service=hidden, language="ne", name="बन्द सेवा")
    page = client.get(PUBLIC, {"show_in": "ne"})
    assert "ne" not in dict(page.context["form"].fields["show_in"].choices)
    assert "बन्द सेवा" not in page.content.decode()
    assert list(client.get(PUBLIC, {"q": "बन्द"}).context["page_obj"]) == []


def test_the_public_directory_is_searched_in_translations(client, world, service, tagalog):
    found = client.get(PUBLIC, {"q": "Pagpapayo"})
    assert [c.pk for c in found.context["page_obj"]] == [world.protection.pk]


def test_an_embassys_staff_see_their_language_on_the_public_page_too(client, world, service,
                                                                    tagalog):
    log_in(client, world.consul_ph)
    assert "Pagpapayo" in client.get(PUBLIC).content.decode()
