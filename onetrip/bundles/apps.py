from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BundlesConfig(AppConfig):
    name = "onetrip.bundles"
    label = "bundles"
    verbose_name = _("Life-event bundles")

    def ready(self):
        # Joint licensing: cases asks this app (through a registered hook, never an import
        # upwards) whether a bundled case's licence is held, and tells it about decisions.
        from onetrip.cases.services import bundle_hook_register

        from .services import JointLicensingHook

        bundle_hook_register(JointLicensingHook())
