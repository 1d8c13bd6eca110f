from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "tawasul.api"
    label = "api"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the OpenAPI description of the Bearer token authentication.
        from tawasul.api import schema  # noqa: F401
