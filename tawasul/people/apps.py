from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "tawasul.people"
    label = "people"
    verbose_name = _("Person registry")
    default_auto_field = "django.db.models.BigAutoField"
