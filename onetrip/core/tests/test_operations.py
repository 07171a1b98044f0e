"""What an operator relies on: /healthz, /metrics for the monitoring network only, and JSON
log lines that carry the request id."""

import json
import logging
from io import StringIO
from unittest import mock

import pytest
from django.db import OperationalError, connection


def test_healthz_answers_503_json_when_the_database_is_down(client, db):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("no route")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable"}
    assert response["Cache-Control"].startswith("max-age=0")


def _metric(client, name: str, **labels) -> float:
    """The sum of the samples of `name` that have these labels."""
    from prometheus_client.parser import text_string_to_metric_families

    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    return sum(
        sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
        if sample.name == name and labels.items() <= sample.labels.items()
    )


def test_metrics_count_responses_by_status_view_and_method_and_time_them(client, db):
    """The series dashboards of a Django service read (django_prometheus's names)."""
    responses = "django_http_responses_total_by_status_view_method_total"
    latency = "django_http_requests_latency_seconds_by_view_method_count"
    ok = {"status": "200", "view": "healthz", "method": "GET"}
    missing = {"status": "404", "method": "GET"}
    before = (
        _metric(client, responses, **ok),
        _metric(client, responses, **missing),
        _metric(client, latency, view="healthz", method="GET"),
    )
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    assert client.get("/api/v1/licences/nothing-here/verify").status_code == 404
    after = (
        _metric(client, responses, **ok),
        _metric(client, responses, **missing),
        _metric(client, latency, view="healthz", method="GET"),
    )
    assert [a - b for a, b in zip(after, before, strict=True)] == [3, 1, 3]


def test_metrics_are_hidden_from_other_hosts(client, db):
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.7").status_code == 404


def test_a_forged_forwarded_for_is_ignored_without_the_proxy(client, db):
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="127.0.0.1")
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("forwarded_for", "status"),
    [
        ("10.8.0.5", 200),  # nginx appended the monitoring host
        ("203.0.113.7", 404),  # a caller from outside
        ("10.8.0.5, 203.0.113.7", 404),  # outside caller forging the first entry
    ],
)
def test_behind_the_proxy_the_address_nginx_appended_counts(
    client, db, settings, forwarded_for, status
):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ONETRIP_METRICS_ALLOWED_IPS = ["10.8.0.0/24"]
    response = client.get(
        "/metrics",
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=forwarded_for,
        HTTP_X_FORWARDED_PROTO="https",
    )
    assert response.status_code == status


@pytest.fixture
def log_lines():
    """The configured console handler (JSON formatter, request-id filter), writing to a buffer."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    buffer = StringIO()
    # Swapped, not setStream(): that flushes the old stream first, and when an earlier test set
    # logging up again, the old stream is that test's captured stderr, closed since.
    previous, handler.stream = handler.stream, buffer
    try:
        yield lambda: [line for line in buffer.getvalue().splitlines() if line.strip()]
    finally:
        handler.stream = previous


def test_log_lines_are_json_with_the_request_id(client, db, log_lines):
    request_id = "req-0123456789abcdef"

    with mock.patch("onetrip.core.views.connection") as fake:
        fake.cursor.side_effect = lambda: logging.getLogger("onetrip.tests").warning(
            "inside the view"
        )
        response = client.get("/healthz", HTTP_X_REQUEST_ID=request_id)
    assert response["X-Request-ID"] == request_id
    # an unknown API path: django.request logs "Not Found" as a warning
    response = client.get("/api/v1/no-such-thing", HTTP_X_REQUEST_ID=request_id)
    assert response.status_code == 404
    assert response["X-Request-ID"] == request_id
    lines = [json.loads(line) for line in log_lines()]
    assert lines, "nothing was logged"
    assert {line["request_id"] for line in lines} == {request_id}
    assert any(line["logger"] == "onetrip.tests" for line in lines)
    assert any(line["logger"] == "django.request" and line["level"] == "WARNING" for line in lines)
    assert all({"time", "level", "logger", "message"} <= set(line) for line in lines)


def test_a_response_logged_after_the_middleware_keeps_its_request_id(client, db, log_lines):
    # ninja answers 405 itself; Django logs it once the middleware chain has returned.
    response = client.delete(
        "/api/v1/validate/citizen-id/330424199001010011", HTTP_X_REQUEST_ID="req-late-logging-1"
    )
    assert response.status_code == 405
    lines = [json.loads(line) for line in log_lines()]
    django_lines = [line for line in lines if line["logger"] == "django.request"]
    assert django_lines and {line["request_id"] for line in django_lines} == {"req-late-logging-1"}


def test_a_request_without_an_id_gets_one(client, db):
    response = client.get("/healthz")
    assert len(response["X-Request-ID"]) >= 16
    other = client.get("/healthz", HTTP_X_REQUEST_ID="bad id with spaces")
    assert other["X-Request-ID"] != "bad id with spaces"
