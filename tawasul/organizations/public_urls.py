"""The public pages of the directory, served without sign-in (mounted at /public/directory/)."""

from django.urls import path

from tawasul.organizations import public_views

app_name = "public"
urlpatterns = [
    path("", public_views.public_directory, name="directory"),
]
