from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from tawasul.api import cases, people, views

app_name = "api"

router = SimpleRouter()
# Both `/organizations` and `/organizations/` answer: a redirect would drop a request body.
router.trailing_slash = "/?"
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("services", views.ServiceViewSet, basename="service")
router.register("contacts", views.ContactViewSet, basename="contact")
router.register("persons", people.PersonViewSet, basename="person")
router.register("consents", people.ConsentViewSet, basename="consent")
router.register("cases", cases.CaseViewSet, basename="case")

urlpatterns = [
    re_path(r"^me/?$", views.MeView.as_view(), name="me"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    *router.urls,
]
