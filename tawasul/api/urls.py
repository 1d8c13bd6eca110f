from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from tawasul.api import cases, people, referrals, views
from tawasul.api import webhooks as webhooks_api
from tawasul.coordination import api as coordination_api
from tawasul.network import api as network_api
from tawasul.portal import api as portal_api

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
router.register("coordination-requests", coordination_api.CoordinationRequestViewSet,
                basename="coordination-request")
router.register("bulletins", network_api.BulletinViewSet, basename="bulletin")
router.register("missions", network_api.MissionViewSet, basename="mission")
router.register("webhooks", webhooks_api.WebhookEndpointViewSet, basename="webhook")
router.register("referrals", referrals.ReferralViewSet, basename="referral")
router.register("community-counts", portal_api.CommunityCountsViewSet,
                basename="community-counts")

urlpatterns = [
    re_path(r"^me/?$", views.MeView.as_view(), name="me"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    *router.urls,
]
