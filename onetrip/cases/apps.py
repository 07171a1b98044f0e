from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "onetrip.cases"
    label = "cases"
    verbose_name = _("Applications")

    def ready(self):
        from onetrip.payments.services import paid_hook_register

        from .services import case_paid

        paid_hook_register("case", case_paid)
