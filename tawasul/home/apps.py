from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "tawasul.home"
    label = "home"
    default_auto_field = "django.db.models.BigAutoField"
