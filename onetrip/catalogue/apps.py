from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "onetrip.catalogue"
    label = "catalogue"
    verbose_name = _("Matter catalogue")
