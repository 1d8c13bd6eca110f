from django.urls import URLPattern, URLResolver, path

from tawasul.webhooks import views

app_name = "webhooks"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.endpoint_list, name="list"),
    path("new/", views.endpoint_register, name="register"),
    path("<uuid:endpoint_id>/", views.endpoint_detail, name="detail"),
    path("<uuid:endpoint_id>/rotate/", views.endpoint_rotate, name="rotate"),
    path("<uuid:endpoint_id>/deactivate/", views.endpoint_deactivate, name="deactivate"),
    path("<uuid:endpoint_id>/ping/", views.endpoint_ping, name="ping"),
    path("<uuid:endpoint_id>/deliveries/", views.delivery_list, name="deliveries"),
    path("deliveries/<uuid:delivery_id>/", views.delivery_detail, name="delivery"),
]
