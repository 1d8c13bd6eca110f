from django.urls import path

from tawasul.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.entry_list, name="list"),
    path("export.csv", views.entry_export, name="export"),
    path("verify/", views.verify_chain, name="verify"),
    path("<uuid:entry_id>/", views.entry_detail, name="detail"),
]
