"""Mounted at the site's root (one include): /community/ for the community counts,
/portal/… for what the portal keeps about its users' reading."""

from django.urls import URLPattern, URLResolver, path

from tawasul.portal import views

app_name = "portal"
urlpatterns: list[URLPattern | URLResolver] = [
    path("community/", views.community, name="community"),
    path("community/counts.csv", views.community_csv, name="community_csv"),
    path("portal/messages/", views.unread_messages, name="unread_messages"),
    path("portal/messages/read/", views.threads_mark_read, name="threads_mark_read"),
    path("portal/messages/<slug:kind>/<uuid:thread_id>/", views.thread_open,
         name="thread_open"),
    path("portal/digest/", views.digest_preference, name="digest_preference"),
]
