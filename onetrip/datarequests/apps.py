from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DataRequestsConfig(AppConfig):
    name = "onetrip.datarequests"
    label = "datarequests"
    verbose_name = _("Data requests and error reports")
