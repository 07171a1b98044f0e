"""Bad input gets a 4xx with the platform's JSON error (API) or the error page (people),
never a 500 or a stack trace."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings

CITIZEN_ID_PATH = "/api/v1/validate/citizen-id/330424199001010011"


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "detail"}
    assert isinstance(body["message"], str) and body["message"].strip()
    if code is not None:
        assert body["code"] == code
    return body


def test_unknown_api_path_is_a_json_404(client, db):
    assert_error(client.get("/api/v1/no-such-endpoint"), 404, "http.not_found")
    assert_error(client.post("/api/v1/no/such/thing", {}), 404, "http.not_found")


def test_wrong_method_is_a_json_405(client, db):
    response = client.delete(CITIZEN_ID_PATH)
    body = assert_error(response, 405, "api.method_not_allowed")
    assert body["detail"]["allowed"] == ["GET"]
    assert response["Allow"] == "GET"


ERROR_URLS = "onetrip.core.tests.error_api_urls"


@pytest.mark.urls(ERROR_URLS)
def test_wrong_types_are_a_json_422(client, db):
    body = assert_error(client.get("/api/test/things/twelve"), 422, "api.invalid_input")
    assert body["detail"][0]["loc"][-1] == "number"
    body = assert_error(
        client.post(
            "/api/test/things", {"name": "x", "count": "many"}, content_type="application/json"
        ),
        422,
        "api.invalid_input",
    )
    assert body["detail"][0]["loc"][-1] == "count"
    assert_error(
        client.post("/api/test/things", [1, 2], content_type="application/json"),
        422,
        "api.invalid_input",
    )


@pytest.mark.urls(ERROR_URLS)
def test_malformed_json_body_is_a_json_400(client, db):
    response = client.post("/api/test/things", "{not json", content_type="application/json")
    assert_error(response, 400, "api.malformed_body")


@pytest.mark.urls(ERROR_URLS)
def test_domain_errors_keep_their_code_status_and_detail(client, db):
    body = assert_error(
        client.post(
            "/api/test/things", {"name": "x", "count": -1}, content_type="application/json"
        ),
        400,
        "tests.negative",
    )
    assert body["detail"] == {"count": 0}
    assert_error(client.get("/api/test/things/12"), 404, "tests.thing_not_found")
    assert client.post(
        "/api/test/things", {"name": "x", "count": 2}, content_type="application/json"
    ).json() == {"name": "x", "count": 2}


def test_pages_answer_with_the_error_page(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "<html" in response.content.decode().lower()
    assert "Traceback" not in response.content.decode()


@pytest.mark.urls(ERROR_URLS)
def test_a_bug_is_a_500_without_a_trace(client, db):
    client.raise_request_exception = False
    body = assert_error(client.get("/api/test/boom"), 500, "http.server_error")
    assert "secret detail" not in str(body)
    page = client.get("/boom/")
    assert page.status_code == 500 and page["Content-Type"].startswith("text/html")
    assert "secret detail" not in page.content.decode()


def _load_schema():
    from onetrip.wsgi import application

    # Served by the app itself, in-process: the document is what the code declares.
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


schema = _load_schema()


@pytest.fixture
def in_process_wsgi(db):
    """Like Django's test client: a request's start and end must not close the test's
    connection (it is inside the test's transaction)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.usefixtures("in_process_wsgi")
def test_generated_input_never_causes_a_server_error(case):
    response = case.call()
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} → {response.status_code}: {response.text[:500]}"
    )
    if response.status_code >= 400:
        body = response.json()
        assert isinstance(body.get("code"), str) and isinstance(body.get("message"), str)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "kwargs"),
    [
        ("/api/v1/matters", {"data": {"life_event": "出生\x00"}}),  # found by schemathesis (500)
        ("/api/v1/matters", {"data": {"q\x00": "x"}}),
    ],
)
def test_a_nul_character_in_the_query_is_a_clear_400(client, path, kwargs):
    response = client.get(path, **kwargs)
    assert response.status_code == 400
    assert response.json()["code"] == "http.bad_request"


@pytest.mark.django_db
def test_a_nul_character_in_a_json_body_is_a_clear_400_and_pages_answer_400_too(client):
    response = client.post(
        "/api/v1/workdays/add", '{"note": "a\\u0000b"}', content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["code"] == "http.bad_request"
    page = client.get("/matters/", {"q": "营业\x00执照"})
    assert page.status_code == 400 and "<html" in page.content.decode().lower()
