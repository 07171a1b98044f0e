from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "onetrip.exchange"
    label = "exchange"
    verbose_name = _("Data sharing exchange")

    def ready(self):
        from . import signals  # noqa: F401  (connects the receivers)
