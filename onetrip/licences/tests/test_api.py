"""GET /api/v1/licences/{number}/verify: everything a verifier needs, for anyone."""

import base64
import datetime
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.db import connection

from onetrip.core.models import AuditEntry
from onetrip.licences.api import VerificationOut
from onetrip.licences.services import licence_revoke

pytestmark = pytest.mark.django_db


def test_verify_answers_status_payload_signature_and_key(
    client, issue, django_assert_max_num_queries
):
    licence = issue(holder_name="张三丰")
    with django_assert_max_num_queries(8):
        response = client.get(f"/api/v1/licences/{licence.number}/verify")
    assert response.status_code == 200
    body = response.json()
    assert body["number"] == licence.number
    assert body["status"] == "valid" and body["signature_ok"] is True
    assert body["holder_name"] == "张**"
    assert body["type"] == "营业执照"
    assert body["valid_until"] is None
    payload = base64.b64decode(body["payload"])
    assert payload == bytes(licence.payload)
    assert json.loads(payload)["number"] == licence.number
    # offline: the key from /api/v1/keys and the answer are enough
    (key,) = [k for k in client.get("/api/v1/keys").json() if k["key_id"] == body["key_id"]]
    assert key["alg"] == body["alg"] == "ed25519"
    Ed25519PublicKey.from_public_bytes(base64.b64decode(key["public_key"])).verify(
        base64.b64decode(body["signature"]), payload
    )
    assert (
        AuditEntry.objects.filter(
            action="licences.licence.verify", target_id=licence.number
        ).count()
        == 1
    )


def test_revoked_and_expired_are_reported(client, issue, licence_type):
    revoked = issue()
    licence_revoke(actor="cli:test", licence=revoked, reason="吊销")
    body = client.get(f"/api/v1/licences/{revoked.number}/verify").json()
    assert body["status"] == "revoked" and body["signature_ok"] is True
    licence_type.validity_months = 6
    licence_type.save()
    old = issue(valid_from=datetime.date(2020, 1, 1))
    body = client.get(f"/api/v1/licences/{old.number}/verify").json()
    assert body["status"] == "expired" and body["valid_until"] == "2020-06-30"


@pytest.mark.parametrize(
    "number",
    [
        "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U",  # unknown
        "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.V",  # bad check
        "not-a-number",
        "x" * 400,
    ],
)
def test_unknown_or_malformed_numbers_are_a_json_404(client, number):
    response = client.get(f"/api/v1/licences/{number}/verify")
    assert response.status_code == 404
    assert response.json()["code"] == "licences.not_found"


def test_a_nul_in_the_number_is_a_json_400(client):
    # refused before any view (core.middleware.NulCharacterMiddleware)
    response = client.get("/api/v1/licences/%00/verify")
    assert response.status_code == 400 and response.json()["code"] == "http.bad_request"


def test_a_tampered_stored_licence_is_not_called_genuine(client, issue):
    licence = issue()
    changed = bytearray(licence.payload)
    changed[-3] ^= 1
    licence.payload = bytes(changed)
    licence.save(update_fields=["payload"])
    body = client.get(f"/api/v1/licences/{licence.number}/verify").json()
    assert body["signature_ok"] is False
    page = client.get(f"/licences/verify/{licence.number}/")
    assert "verdict-invalid" in page.content.decode()


def test_answers_are_reused_briefly_but_every_call_is_audited_and_revocation_shows_at_once(
    client, issue, settings, django_assert_num_queries
):
    settings.ONETRIP_LICENCE_VERIFY_CACHE_SECONDS = 60
    licence = issue(holder_name="张三丰")
    url = f"/api/v1/licences/{licence.number}/verify"
    first = client.get(url).json()
    # one plain read of the revocation, then the audit entry (head, insert, head update; on
    # PostgreSQL the insert and the head update are one statement)
    with django_assert_num_queries(3 if connection.vendor == "postgresql" else 4):
        again = client.get(url).json()
    assert again == first and again["status"] == "valid"
    assert VerificationOut.model_validate(again).number == licence.number  # the documented shape
    assert (
        AuditEntry.objects.filter(
            action="licences.licence.verify", target_id=licence.number, subject_id=licence.holder_id
        ).count()
        == 2
    )
    licence_revoke(actor="cli:test", licence=licence, reason="吊销")
    assert client.get(url).json()["status"] == "revoked"


def test_the_verifier_is_recorded_when_signed_in_and_nobody_otherwise(
    client, issue, person_factory
):
    licence = issue()
    assert client.get(f"/api/v1/licences/{licence.number}/verify").status_code == 200
    citizen = person_factory(name="李四")
    client.force_login(citizen)
    assert client.get(f"/api/v1/licences/{licence.number}/verify").status_code == 200
    readers = AuditEntry.objects.filter(
        action="licences.licence.verify", target_id=licence.number
    ).order_by("id")
    assert [(e.actor_id, e.actor_label) for e in readers] == [
        (None, ""),
        (citizen.pk, citizen.get_username()),
    ]


def test_a_malformed_number_is_not_found_even_after_good_ones_were_kept(client, issue):
    licence = issue()
    assert client.get(f"/api/v1/licences/{licence.number}/verify").status_code == 200
    wrong_check = licence.number[:-1] + ("0" if licence.number[-1] != "0" else "1")
    response = client.get(f"/api/v1/licences/{wrong_check}/verify")
    assert response.status_code == 404
    assert response.json()["code"] == "licences.not_found"
