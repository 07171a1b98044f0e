import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from onetrip.signing import crypto
from onetrip.signing.services import sign, signing_key_create, signing_key_retire

pytestmark = pytest.mark.django_db


def test_public_keys_are_listed_for_anyone(
    client, department_factory, django_assert_max_num_queries
):
    market = department_factory()
    health = department_factory(code="HY-WJJ", name="县卫生健康局")
    old = signing_key_create(actor="cli:test", department=market, algorithm="sm2")
    signing_key_retire(actor="cli:test", key=old)
    signing_key_create(actor="cli:test", department=market)
    signing_key_create(actor="cli:test", department=health, algorithm="sm2")
    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/keys")
    assert response.status_code == 200
    keys = response.json()
    assert len(keys) == 3
    assert set(keys[0]) == {
        "key_id",
        "department_code",
        "alg",
        "public_key",
        "created_at",
        "retired_at",
    }
    retired = next(k for k in keys if k["key_id"] == old.key_id)
    assert retired["department_code"] == "HY-SCJG" and retired["alg"] == "sm2"
    assert retired["retired_at"] is not None
    assert len(base64.b64decode(retired["public_key"])) == 65
    assert "private" not in response.content.decode()
    only = client.get("/api/v1/keys", {"department": "HY-WJJ"}).json()
    assert [k["department_code"] for k in only] == ["HY-WJJ"]


def test_a_signature_verifies_with_the_published_key_alone(client, department_factory):
    department = department_factory()
    signing_key_create(actor="cli:test", department=department)
    payload = b'{"licence": "JY13304240000001"}'
    signature, key_id, _alg = sign(department, payload)
    (published,) = [k for k in client.get("/api/v1/keys").json() if k["key_id"] == key_id]
    # an outside verifier: plain `cryptography`, nothing of ours
    Ed25519PublicKey.from_public_bytes(base64.b64decode(published["public_key"])).verify(
        signature, payload
    )


def test_an_sm2_signature_verifies_with_the_published_key(client, department_factory):
    department = department_factory()
    signing_key_create(actor="cli:test", department=department, algorithm="sm2")
    signature, key_id, _alg = sign(department, b"payload")
    (published,) = client.get("/api/v1/keys").json()
    assert published["key_id"] == key_id
    public = base64.b64decode(published["public_key"])
    assert crypto.verify("sm2", public, b"payload", signature)


def test_odd_department_filters_answer_an_empty_list(client, department_factory):
    signing_key_create(actor="cli:test", department=department_factory())
    for value in ("no-such-dept", "' OR 1=1 --"):
        response = client.get("/api/v1/keys", {"department": value})
        assert response.status_code == 200 and response.json() == []
    refused = client.get("/api/v1/keys", {"department": "a\x00b"})  # NulCharacterMiddleware
    assert refused.status_code == 400 and refused.json()["code"] == "http.bad_request"
