from django.urls import path

from tawasul.organizations import views

app_name = "organizations"
urlpatterns = [
    path("", views.organization_list, name="list"),
    path("<uuid:organization_id>/", views.organization_detail, name="detail"),
    path("<uuid:organization_id>/contacts/new/", views.contact_create, name="contact_create"),
    path("<uuid:organization_id>/services/new/", views.service_create, name="service_create"),
    path("contacts/<uuid:contact_id>/edit/", views.contact_edit, name="contact_edit"),
    path("services/", views.service_list, name="services"),
    path("services/<uuid:service_id>/", views.service_detail, name="service_detail"),
    path("services/<uuid:service_id>/edit/", views.service_edit, name="service_edit"),
    path("services/<uuid:service_id>/translations/new/", views.service_translation_create,
         name="service_translation_create"),
    path("services/translations/<uuid:translation_id>/edit/", views.service_translation_edit,
         name="service_translation_edit"),
    path("services/translations/<uuid:translation_id>/delete/",
         views.service_translation_delete, name="service_translation_delete"),
]
