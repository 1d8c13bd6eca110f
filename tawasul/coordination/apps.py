from django.apps import AppConfig


class CoordinationConfig(AppConfig):
    name = "tawasul.coordination"
    label = "coordination"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The due-date jobs join the scheduler's list, and a notification about a request
        # links to it (for whoever may still open it), without the jobs or the
        # notification list knowing about this app.
        from django.utils.translation import gettext_lazy as _

        from tawasul.cases.notification_views import TARGETS, Target
        from tawasul.coordination.models import CoordinationRequest
        from tawasul.coordination.selectors import requests_visible_to
        from tawasul.coordination.tasks import register_periodic_jobs

        register_periodic_jobs()
        TARGETS.setdefault(CoordinationRequest._meta.label_lower, Target(
            requests_visible_to, "coordination:detail", _("Open the request")))
