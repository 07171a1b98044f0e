"""A separate relying party (authlib) signs a person in through OneTrip: code + PKCE, ID token
checked against the JWKS, userinfo, refresh, RP-initiated logout."""

from urllib.parse import parse_qs, urlparse

import pyotp
import pytest
import requests
from authlib.common.security import generate_token
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.jwk import KeySet

from onetrip.conftest import PASSWORD

from .helpers import form_fields

pytestmark = pytest.mark.django_db(transaction=True)

RP = "http://rp.invalid"  # never contacted: the tests read redirects instead of following them
CALLBACK = f"{RP}/callback"
AFTER_LOGOUT = f"{RP}/signed-out"


@pytest.fixture
def discovery(live_server):
    response = requests.get(f"{live_server.url}/o/.well-known/openid-configuration")
    assert response.status_code == 200
    return response.json()


def rp_session(client: dict, **kwargs) -> OAuth2Session:
    return OAuth2Session(
        client["client_id"],
        client.get("client_secret"),
        scope="openid profile",
        redirect_uri=CALLBACK,
        code_challenge_method="S256",
        **kwargs,
    )


def verify_id_token(id_token: str, *, discovery: dict, client_id: str, nonce: str) -> dict:
    """What a relying party does: the signature against the published keys, then the claims."""
    keys = KeySet.import_key_set(requests.get(discovery["jwks_uri"]).json())
    token = jwt.decode(id_token, keys, algorithms=["RS256"])
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": discovery["issuer"]},
        aud={"essential": True, "value": client_id},
        nonce={"essential": True, "value": nonce},
    ).validate(token.claims)
    return token.claims


def test_discovery_announces_code_flow_with_s256_and_rs256(discovery, live_server):
    assert discovery["issuer"] == f"{live_server.url}/o"
    assert discovery["response_types_supported"] == ["code"]
    assert discovery["code_challenge_methods_supported"] == ["S256"]
    assert "RS256" in discovery["id_token_signing_alg_values_supported"]
    assert {"sub", "user_type", "assurance_level", "acr", "roles"} <= set(
        discovery["claims_supported"]
    )
    assert discovery["end_session_endpoint"].endswith("/o/logout/")
    keys = requests.get(discovery["jwks_uri"]).json()["keys"]
    assert [key["kty"] for key in keys] == ["RSA"]
    assert "d" not in keys[0]  # the public half only


def test_person_signs_in_to_a_relying_party(
    discovery, register_client, browser, person_factory, live_server
):
    user = person_factory(name="李四", level="L2")
    client = register_client(
        "--name",
        "县公积金中心",
        "--redirect-uri",
        CALLBACK,
        "--post-logout-redirect-uri",
        AFTER_LOGOUT,
    )
    rp = rp_session(client)
    verifier, nonce = generate_token(48), generate_token(16)
    authorize_url, state = rp.create_authorization_url(
        discovery["authorization_endpoint"], code_verifier=verifier, nonce=nonce
    )

    # Not signed in yet: OneTrip's login page, which brings the person back afterwards.
    signed_in = browser.sign_in(authorize_url, identifier=user.person.id_number)
    assert signed_in.status_code == 302
    assert signed_in.headers["Location"].startswith("/o/authorize/?")

    # An untrusted client needs the person's consent, asked in Chinese.
    consent = browser.get(browser.base_url + signed_in.headers["Location"])
    assert consent.status_code == 200
    assert '<html lang="zh-Hans"' in consent.text
    assert "县公积金中心" in consent.text
    fields = form_fields(consent.text, form_id="authorizationForm")
    assert fields["code_challenge_method"] == "S256"
    answer = browser.post(consent.url, data={**fields, "allow": "true"}, allow_redirects=False)
    assert answer.status_code == 302
    callback = answer.headers["Location"]
    assert callback.startswith(CALLBACK)
    assert parse_qs(urlparse(callback).query)["state"] == [state]

    token = rp.fetch_token(
        discovery["token_endpoint"], authorization_response=callback, code_verifier=verifier
    )
    claims = verify_id_token(
        token["id_token"], discovery=discovery, client_id=client["client_id"], nonce=nonce
    )
    assert claims["sub"] == str(user.public_id)
    assert claims["name"] == "李四"
    assert claims["user_type"] == "person"
    assert claims["assurance_level"] == claims["acr"] == "L2"
    assert "roles" not in claims

    info = rp.get(discovery["userinfo_endpoint"]).json()
    assert info["sub"] == str(user.public_id)
    assert info["assurance_level"] == "L2"
    assert browser.get(f"{live_server.url}/api/v1/me").json()["sub"] == str(user.public_id)

    # Refresh: a new access token and a new refresh token; the old refresh token is spent.
    old_refresh = token["refresh_token"]
    refreshed = rp.refresh_token(discovery["token_endpoint"])
    assert refreshed["access_token"] != token["access_token"]
    assert refreshed["refresh_token"] != old_refresh
    assert rp.get(discovery["userinfo_endpoint"]).json()["sub"] == str(user.public_id)
    with pytest.raises(OAuthError):
        rp.refresh_token(discovery["token_endpoint"], refresh_token=old_refresh)
    # Replaying a spent refresh token looks like theft: the whole token family is revoked.
    assert rp.get(discovery["userinfo_endpoint"]).status_code == 401

    # RP-initiated logout ends the OneTrip session and sends the person back to the RP.
    fresh = rp_session(client)
    verifier, nonce = generate_token(48), generate_token(16)
    url, _state = fresh.create_authorization_url(
        discovery["authorization_endpoint"], code_verifier=verifier, nonce=nonce
    )
    consent = browser.get(url)  # still signed in: straight to consent
    fields = form_fields(consent.text, form_id="authorizationForm")
    callback = browser.post(
        consent.url, data={**fields, "allow": "true"}, allow_redirects=False
    ).headers["Location"]
    token = fresh.fetch_token(
        discovery["token_endpoint"], authorization_response=callback, code_verifier=verifier
    )
    logout = browser.get(
        discovery["end_session_endpoint"],
        params={
            "id_token_hint": token["id_token"],
            "post_logout_redirect_uri": AFTER_LOGOUT,
            "state": "bye",
        },
        allow_redirects=False,
    )
    assert logout.status_code == 302
    assert logout.headers["Location"] == f"{AFTER_LOGOUT}?state=bye"
    assert fresh.get(discovery["userinfo_endpoint"]).status_code == 401  # tokens revoked
    again = browser.get(url, allow_redirects=False)
    assert again.status_code == 302
    assert again.headers["Location"].startswith("/login/?next=")


def test_staff_pass_the_totp_step_and_a_trusted_client_skips_consent(
    discovery, register_client, browser, staff_factory
):
    staff = staff_factory(department="县市场监管局", roles=("reviewer", "window_clerk"))
    client = register_client(
        "--name", "市场监管业务系统", "--redirect-uri", CALLBACK, "--public", "--trusted"
    )
    assert "client_secret" not in client
    rp = rp_session(client)
    verifier, nonce = generate_token(48), generate_token(16)
    url, _state = rp.create_authorization_url(
        discovery["authorization_endpoint"], code_verifier=verifier, nonce=nonce
    )
    after_password = browser.sign_in(url, identifier=staff.user.username)
    assert after_password.headers["Location"] == "/login/totp/"
    totp_page = browser.get(browser.base_url + "/login/totp/")
    assert staff.user.totp_secret in totp_page.text  # first sign-in: enrolment shows the key
    fields = form_fields(totp_page.text, has_field="code")
    fields["code"] = pyotp.TOTP(staff.user.totp_secret).now()
    after_totp = browser.post(totp_page.url, data=fields, allow_redirects=False)
    assert after_totp.headers["Location"].startswith("/o/authorize/?")

    callback = browser.get(
        browser.base_url + after_totp.headers["Location"], allow_redirects=False
    ).headers["Location"]
    assert callback.startswith(CALLBACK)  # trusted: no consent page
    token = rp.fetch_token(
        discovery["token_endpoint"], authorization_response=callback, code_verifier=verifier
    )
    claims = verify_id_token(
        token["id_token"], discovery=discovery, client_id=client["client_id"], nonce=nonce
    )
    assert claims["user_type"] == "staff"
    assert claims["department"] == "县市场监管局"
    assert claims["department_code"] == "HY-SCJG"
    assert claims["roles"] == ["reviewer", "window_clerk"]
    assert rp.get(discovery["userinfo_endpoint"]).json()["roles"] == ["reviewer", "window_clerk"]


def test_pkce_is_required_and_must_be_s256(discovery, register_client, browser, person_factory):
    user = person_factory()
    client = register_client("--name", "RP", "--redirect-uri", CALLBACK, "--trusted")
    browser.sign_in(f"{browser.base_url}/login/?next=/", identifier=user.person.id_number)
    base = {"client_id": client["client_id"], "response_type": "code", "scope": "openid"}
    base["redirect_uri"] = CALLBACK
    for extra in ({}, {"code_challenge": generate_token(48), "code_challenge_method": "plain"}):
        answer = browser.get(
            discovery["authorization_endpoint"], params={**base, **extra}, allow_redirects=False
        )
        assert answer.status_code == 302
        assert parse_qs(urlparse(answer.headers["Location"]).query)["error"] == ["invalid_request"]


def test_machine_client_gets_a_token_but_is_no_user(
    discovery, register_client, browser, person_factory, live_server
):
    machine = register_client("--name", "县数据交换平台", "--grant", "client-credentials")
    session = OAuth2Session(machine["client_id"], machine["client_secret"], scope="read")
    token = session.fetch_token(discovery["token_endpoint"], grant_type="client_credentials")
    assert "id_token" not in token
    assert "refresh_token" not in token

    me = session.get(f"{live_server.url}/api/v1/me")
    assert me.status_code == 401
    assert me.json()["code"] == "identity.no_user"
    assert session.get(discovery["userinfo_endpoint"]).status_code == 401

    # Identity scopes make no sense without a user, and a wrong secret gets nothing.
    with pytest.raises(OAuthError):
        OAuth2Session(machine["client_id"], machine["client_secret"], scope="openid").fetch_token(
            discovery["token_endpoint"], grant_type="client_credentials"
        )
    with pytest.raises(OAuthError):
        OAuth2Session(machine["client_id"], "wrong", scope="read").fetch_token(
            discovery["token_endpoint"], grant_type="client_credentials"
        )
    unauthenticated = requests.get(
        f"{live_server.url}/api/v1/me", headers={"Authorization": "Bearer not-a-token"}
    )
    assert unauthenticated.status_code == 401
    assert unauthenticated.json()["code"] == "api.not_authenticated"

    # A user's token, by contrast, answers who the user is.
    user = person_factory()
    client = register_client("--name", "RP", "--redirect-uri", CALLBACK, "--trusted")
    rp = rp_session(client)
    verifier = generate_token(48)
    url, _state = rp.create_authorization_url(
        discovery["authorization_endpoint"], code_verifier=verifier, nonce="n"
    )
    after = browser.sign_in(url, identifier=user.phone, password=PASSWORD)
    callback = browser.get(
        browser.base_url + after.headers["Location"], allow_redirects=False
    ).headers["Location"]
    rp.fetch_token(
        discovery["token_endpoint"], authorization_response=callback, code_verifier=verifier
    )
    me = rp.get(f"{live_server.url}/api/v1/me")
    assert me.status_code == 200
    assert me.json()["sub"] == str(user.public_id)


def test_person_may_refuse_consent(discovery, register_client, browser, person_factory):
    user = person_factory()
    client = register_client("--name", "某系统", "--redirect-uri", CALLBACK)
    rp = rp_session(client)
    url, state = rp.create_authorization_url(
        discovery["authorization_endpoint"], code_verifier=generate_token(48), nonce="n"
    )
    after = browser.sign_in(url, identifier=user.phone)
    consent = browser.get(browser.base_url + after.headers["Location"])
    page = consent.text
    assert page.count("<h1") == 1
    fields = form_fields(page, form_id="authorizationForm")  # no "allow": the deny button
    answer = browser.post(consent.url, data=fields, allow_redirects=False)
    query = parse_qs(urlparse(answer.headers["Location"]).query)
    assert query["error"] == ["access_denied"]
    assert query["state"] == [state]
    assert "code" not in query
