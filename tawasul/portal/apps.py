from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "tawasul.portal"
    label = "portal"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The daily digest joins the scheduler's list here, so that
        # tawasul/jobs/schedule.py need not know about this app.
        from tawasul.portal.tasks import register_periodic_jobs

        register_periodic_jobs()
