from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo county loader (`onetrip demo`). Sits on top: nothing imports it."""

    name = "onetrip.demo"
    label = "demo"
    verbose_name = _("Demo county")
