from django.urls import URLPattern, URLResolver, path

from tawasul.network import views

app_name = "network"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.mission_list, name="missions"),
    path("missions/<uuid:mission_id>/", views.mission_detail, name="mission_detail"),
    path("missions/<uuid:mission_id>/correspondence/new/", views.correspondence_create,
         name="correspondence_create"),
    path("correspondence/<uuid:correspondence_id>/", views.correspondence_detail,
         name="correspondence_detail"),
    path("correspondence/<uuid:correspondence_id>/edit/", views.correspondence_edit,
         name="correspondence_edit"),
    path("correspondence/<uuid:correspondence_id>/attachment/",
         views.correspondence_attachment, name="correspondence_attachment"),
    path("bulletins/", views.bulletin_list, name="bulletins"),
    path("bulletins/new/", views.bulletin_create, name="bulletin_create"),
    path("bulletins/<uuid:bulletin_id>/", views.bulletin_detail, name="bulletin_detail"),
]
