"""The API documentation is served by Tawasul itself: no request leaves the machine."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_api_docs_render_without_any_request_to_another_host(
    page: Page, live_server: LiveServer, requested_hosts: set[str]
) -> None:
    page.goto(live_server.url + "/api/v1/docs/")

    # Operations appear only once Swagger UI has loaded and read the schema.
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Tawasul API")
    page.wait_for_load_state("networkidle")

    assert requested_hosts, "the page made no request at all"
    assert requested_hosts == {urlsplit(live_server.url).hostname}
