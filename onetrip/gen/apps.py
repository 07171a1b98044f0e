from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GenConfig(AppConfig):
    """`onetrip gen`: a deterministic, county-size synthetic data set. Sits on top, like the demo
    loader it builds on: nothing imports it."""

    name = "onetrip.gen"
    label = "gen"
    verbose_name = _("Synthetic county data")
