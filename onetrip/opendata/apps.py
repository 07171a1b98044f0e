from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "onetrip.opendata"
    label = "opendata"
    verbose_name = _("Open-data portal")

    def ready(self):
        from . import signals  # noqa: F401  (connects the receivers)
