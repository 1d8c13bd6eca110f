from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "tawasul.cases"
    label = "cases"
    verbose_name = _("Cases")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tawasul.cases.name_keys import on_match_keys_refreshed
        from tawasul.people.signals import match_keys_refreshed

        match_keys_refreshed.connect(on_match_keys_refreshed,
                                     dispatch_uid="cases.name_keys")
