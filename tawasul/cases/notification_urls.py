"""/notifications/: the signed-in user's own notifications (tawasul.cases.notification_views)."""

from django.urls import URLPattern, URLResolver, path

from tawasul.cases import notification_views as views

app_name = "notifications"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.notification_list, name="list"),
    path("read-all/", views.notifications_mark_all_read, name="mark_all_read"),
    path("<uuid:notification_id>/", views.notification_open, name="open"),
    path("<uuid:notification_id>/read/", views.notification_mark_read, name="mark_read"),
]
