from django.urls import URLPattern, URLResolver, path

from tawasul.people import views

app_name = "people"
urlpatterns: list[URLPattern | URLResolver] = [
    path("register/", views.person_register, name="register"),
    path("register/suggestions/", views.person_suggestions, name="suggestions"),
    path("<uuid:person_id>/", views.person_detail, name="detail"),
]
