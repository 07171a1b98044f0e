from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _

from onetrip.api import api
from onetrip.core import views as core_views

admin.site.site_header = _("OneTrip administration")
# The admin signs in through the same provider as everything else (password + TOTP).
admin.site.login = lambda request, extra_context=None: redirect_to_login(
    request.get_full_path(), login_url=reverse("identity:login")
)
admin.site.site_title = _("OneTrip")

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("metrics", core_views.metrics, name="metrics"),
    path("api/v1/", api.urls),
    path("o/", include("onetrip.identity.oauth_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("onetrip.identity.urls")),
    path("workbench/cases/", include("onetrip.cases.workbench_urls")),
    path("workbench/ratings/", include("onetrip.ratings.workbench_urls")),
    path("workbench/statistics/", include("onetrip.statistics.urls")),
    path("workbench/bundles/", include("onetrip.bundles.workbench_urls")),
    path("workbench/datasets/", include("onetrip.datasets.workbench_urls")),
    path("workbench/credit/", include("onetrip.credit.workbench_urls")),
    path("workbench/exchange/", include("onetrip.exchange.workbench_urls")),
    path("workbench/objections/", include("onetrip.objections.workbench_urls")),
    path("workbench/payments/", include("onetrip.payments.workbench_urls")),
    path("workbench/archive/", include("onetrip.archive.workbench_urls")),
    path("workbench/appointments/", include("onetrip.appointments.workbench_urls")),
    path("appointments/", include("onetrip.appointments.urls")),
    path("workbench/data-requests/", include("onetrip.datarequests.workbench_urls")),
    path("workbench/licences/", include("onetrip.licences.workbench_urls")),
    path("workbench/", include("onetrip.workbench.urls")),
    path("applications/", include("onetrip.ratings.urls")),
    path("applications/", include("onetrip.cases.urls")),
    path("bundles/", include("onetrip.bundles.urls")),
    path("matters/", include("onetrip.catalogue.urls")),
    path("opendata/requests/", include("onetrip.datarequests.urls")),
    path("opendata/", include("onetrip.opendata.urls")),
    path("", include("onetrip.licences.urls")),
    path("", include("onetrip.exchange.urls")),
    path("", include("onetrip.objections.urls")),
    path("", include("onetrip.payments.urls")),
    path("", include("onetrip.portal.urls")),
]

handler400 = "onetrip.core.handlers.bad_request"
handler403 = "onetrip.core.handlers.permission_denied"
handler404 = "onetrip.core.handlers.not_found"
handler500 = "onetrip.core.handlers.server_error"
