from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "onetrip.credit"
    label = "credit"
    verbose_name = _("Public credit")

    def ready(self):
        from .records_source import register

        register()
