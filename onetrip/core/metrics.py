"""Request metrics for Prometheus (`/metrics`): what dashboards of a Django service use, and
no more.

django_prometheus's two middlewares update about twenty values per request: counts by method,
by transport, by charset, body sizes, three latency histograms. In prometheus_client's
multiprocess mode (onetrip/gunicorn_conf.py) every update is a locked write into a memory-mapped
file, and together they took 70 µs of the 300 µs that `/healthz` costs in process. This
middleware keeps the two series that answer "how many, which, how fast" under
django_prometheus's names, so that its published dashboards still work:

- `django_http_responses_total_by_status_view_method_total{status, view, method}`
- `django_http_requests_latency_seconds_by_view_method{view, method}` (a histogram)

and, when a view raises, `django_http_exceptions_total_by_type_total{type}` and
`django_http_exceptions_total_by_view_total{view}`. Requests in all, per method or per status
are sums of the first.
"""

import time

from django_prometheus.middleware import Metrics

KNOWN_METHODS = frozenset(("GET", "HEAD", "POST", "PUT", "DELETE", "TRACE", "OPTIONS", "PATCH"))


def _view_name(request) -> str:
    match = getattr(request, "resolver_match", None)
    return (match.view_name if match is not None else None) or "<unnamed view>"


def _method(request) -> str:
    return request.method if request.method in KNOWN_METHODS else "<invalid method>"


class RequestMetricsMiddleware:
    """Near the top of MIDDLEWARE: the latency covers what the middleware below it do too."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.metrics = Metrics.get_instance()

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        view, method = _view_name(request), _method(request)
        self.metrics.responses_by_status_view_method.labels(
            status=str(response.status_code), view=view, method=method
        ).inc()
        self.metrics.requests_latency_by_view_method.labels(view=view, method=method).observe(
            time.perf_counter() - started
        )
        return response

    def process_exception(self, request, exception):
        self.metrics.exceptions_by_type.labels(type=type(exception).__name__).inc()
        self.metrics.exceptions_by_view.labels(view=_view_name(request)).inc()
