from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("tawasul.home.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/tokens/", include("tawasul.accounts.token_urls")),
    path("accounts/", include("tawasul.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("directory/", include("tawasul.organizations.urls")),
    path("people/", include("tawasul.people.urls")),
    path("cases/", include("tawasul.cases.urls")),
    path("notifications/", include("tawasul.cases.notification_urls")),
    path("referrals/", include("tawasul.referrals.urls")),
    path("coordination/", include("tawasul.coordination.urls")),
    path("webhooks/", include("tawasul.webhooks.urls")),
    path("network/", include("tawasul.network.urls")),
    path("", include("tawasul.portal.urls")),
    path("public/directory/", include("tawasul.organizations.public_urls")),
    path("audit/", include("tawasul.audit.urls")),
    path("api/v1/", include("tawasul.api.urls")),
    path("admin/", admin.site.urls),
]

# JSON under /api/, the site's own error pages elsewhere (tawasul/api/errors.py).
handler400 = "tawasul.api.errors.handler400"
handler403 = "tawasul.api.errors.handler403"
handler404 = "tawasul.api.errors.handler404"
handler500 = "tawasul.api.errors.handler500"
