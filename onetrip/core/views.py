import ipaddress

from django.conf import settings
from django.db import connection
from django.http import HttpResponseNotFound, JsonResponse
from django.views.decorators.cache import never_cache
from django_prometheus.exports import ExportToDjangoView

from .middleware import client_ip


@never_cache
def healthz(request):
    """Liveness and readiness: the database answers a query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def _allowed_metrics_client(request) -> bool:
    address = client_ip(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for allowed in settings.ONETRIP_METRICS_ALLOWED_IPS:
        if ip in ipaddress.ip_network(allowed, strict=False):
            return True
    return False


@never_cache
def metrics(request):
    """Prometheus metrics, only for the monitoring network (ONETRIP_METRICS_ALLOWED_IPS)."""
    if not _allowed_metrics_client(request):
        return HttpResponseNotFound()
    return ExportToDjangoView(request)
