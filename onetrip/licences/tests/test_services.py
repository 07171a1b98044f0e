"""Issuing, signing, verifying and revoking licences."""

import base64
import datetime
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onetrip.conftest import make_citizen_id
from onetrip.core.errors import DomainError
from onetrip.core.models import AuditEntry
from onetrip.licences import identifier
from onetrip.licences.models import Licence
from onetrip.licences.services import licence_issue, licence_revoke
from onetrip.signing import crypto
from onetrip.signing.models import SigningKey
from onetrip.signing.services import signing_key_create, verify

pytestmark = pytest.mark.django_db


def published_key(key_id: str) -> SigningKey:
    return SigningKey.objects.get(key_id=key_id)


def test_issue_signs_the_canonical_payload_with_the_departments_ed25519_key(issue, market_key):
    licence = issue()
    payload = bytes(licence.payload)
    document = json.loads(payload)
    # canonical: sorted keys, no spaces, UTF-8 (Chinese as itself)
    assert payload == json.dumps(
        document, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    ).encode("utf-8")
    assert "营业执照".encode() in payload
    assert document["number"] == licence.number
    assert document["holder"] == {"type": "person", "id": licence.holder_id, "name": "张三"}
    assert document["fields"] == {"business_name": "海盐张三小吃店", "business_scope": "小吃服务"}
    assert document["validity"] == {"from": licence.valid_from.isoformat(), "until": None}
    assert document["issuer"]["department"] == "HY-SCJG"
    assert set(document) == {
        "number",
        "type",
        "holder",
        "fields",
        "validity",
        "issuer",
        "issued_at",
    }
    assert (licence.alg, licence.key_id) == ("ed25519", market_key.key_id)
    # an outside verifier needs only the published public key
    Ed25519PublicKey.from_public_bytes(base64.b64decode(market_key.public_key)).verify(
        bytes(licence.signature), payload
    )
    assert identifier.parse(licence.number) is not None
    assert AuditEntry.objects.filter(
        action="licences.licence.issue", target_id=licence.number, subject_id=licence.holder_id
    ).exists()


def test_sm2_department_key_round_trip(licence_type, market):
    SigningKey.objects.filter(department=market).delete()
    key = signing_key_create(actor="cli:test", department=market, algorithm="sm2")
    licence = licence_issue(
        actor="cases:test",
        type_code="YYZZ",
        holder_type="legal",
        holder_id=licence_type.issuer_code,  # any well-formed USCC
        holder_name="海盐某某有限公司",
        fields={"business_name": "海盐某某有限公司"},
        department=market,
    )
    assert (licence.alg, licence.key_id) == ("sm2", key.key_id)
    assert len(bytes(licence.signature)) == 64
    assert crypto.verify(
        "sm2", base64.b64decode(key.public_key), bytes(licence.payload), bytes(licence.signature)
    )
    assert verify(licence.key_id, bytes(licence.payload), bytes(licence.signature))


@pytest.mark.parametrize("algorithm", ["ed25519", "sm2"])
def test_any_changed_byte_fails_verification(licence_type, market, algorithm):
    signing_key_create(actor="cli:test", department=market, algorithm=algorithm)
    licence = licence_issue(
        actor="cases:test",
        type_code="YYZZ",
        holder_type="person",
        holder_id=make_citizen_id("33042419900101001"),
        holder_name="张三",
        fields={},
        department=market,
    )
    payload, signature = bytes(licence.payload), bytes(licence.signature)
    assert verify(licence.key_id, payload, signature)

    @settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(data=st.data())
    def flipped(data):
        target = data.draw(st.sampled_from(["payload", "signature"]))
        original = payload if target == "payload" else signature
        index = data.draw(st.integers(min_value=0, max_value=len(original) - 1))
        mask = data.draw(st.integers(min_value=1, max_value=255))
        changed = bytearray(original)
        changed[index] ^= mask
        if target == "payload":
            assert not verify(licence.key_id, bytes(changed), signature)
        else:
            assert not verify(licence.key_id, payload, bytes(changed))

    flipped()


def test_revoke_makes_the_status_revoked_and_is_audited(issue, staff_factory, market):
    licence = issue()
    head = staff_factory(department="县市场监管局", roles=("department_head",))
    licence_revoke(actor=head.user, licence=licence, reason="以欺骗手段取得")
    licence.refresh_from_db()
    assert licence.status() == "revoked"
    assert licence.revoked_reason == "以欺骗手段取得"
    assert AuditEntry.objects.filter(
        action="licences.licence.revoke", target_id=licence.number
    ).exists()
    with pytest.raises(DomainError) as error:
        licence_revoke(actor=head.user, licence=licence, reason="again")
    assert error.value.code == "licences.already_revoked"


def test_only_the_issuing_departments_decision_makers_may_revoke(issue, staff_factory):
    licence = issue()
    other_head = staff_factory(department="县卫生健康局", roles=("department_head",))
    clerk = staff_factory(department="县市场监管局", roles=("window_clerk",))
    for actor in (other_head.user, clerk.user):
        with pytest.raises(DomainError) as error:
            licence_revoke(actor=actor, licence=licence, reason="x")
        assert error.value.status == 403
    head = staff_factory(department="县市场监管局", roles=("department_head",))
    with pytest.raises(DomainError) as error:
        licence_revoke(actor=head.user, licence=licence, reason="  ")
    assert error.value.code == "licences.reason_missing"
    licence.refresh_from_db()
    assert licence.status() == "valid"


def test_validity_in_months_and_expiry_by_date(licence_type, issue):
    licence_type.validity_months = 12
    licence_type.save()
    licence = issue(valid_from=datetime.date(2024, 3, 3))
    assert licence.valid_until == datetime.date(2025, 3, 2)
    assert json.loads(bytes(licence.payload))["validity"]["until"] == "2025-03-02"
    assert licence.status(today=datetime.date(2025, 3, 2)) == "valid"
    assert licence.status(today=datetime.date(2025, 3, 3)) == "expired"
    assert licence.status() == "expired"  # today is long after
    current = issue(valid_from=timezone.localdate())
    assert current.status() == "valid"


def test_bad_input_is_refused_and_nothing_is_saved(issue, market, staff_factory):
    cases = [
        ({"holder_id": "330424199001010010"}, "licences.invalid_holder_id"),  # bad check char
        ({"holder_type": "robot"}, "licences.invalid_holder_type"),
        ({"holder_name": " "}, "licences.holder_name_missing"),
        ({"type_code": "NOPE"}, "licences.unknown_type"),
        ({"fields": ["not", "a", "dict"]}, "licences.invalid_fields"),
    ]
    for extra, code in cases:
        with pytest.raises(DomainError) as error:
            issue(**extra)
        assert error.value.code == code, extra
    health = staff_factory(department="县卫生健康局").department
    with pytest.raises(DomainError) as error:
        issue(department=health)
    assert error.value.code == "licences.wrong_department"
    assert Licence.objects.count() == 0


def test_a_department_without_a_key_is_told_clearly(licence_type, market):
    with pytest.raises(DomainError) as error:
        licence_issue(
            actor="cases:test",
            type_code="YYZZ",
            holder_type="person",
            holder_id=make_citizen_id("33042419900101001"),
            holder_name="张三",
            fields={},
            department=market,
        )
    assert (error.value.code, error.value.status) == ("licences.no_signing_key", 409)
    assert Licence.objects.count() == 0


def test_staff_of_the_department_may_issue_others_may_not(issue, staff_factory, market):
    reviewer = staff_factory(department="县市场监管局", roles=("reviewer",))
    assert issue(actor=reviewer.user).department == market
    outsider = staff_factory(department="县卫生健康局", roles=("department_head",))
    with pytest.raises(DomainError) as error:
        issue(actor=outsider.user)
    assert error.value.status == 403


def test_only_the_types_fields_are_kept_in_schema_order(issue):
    licence = issue(
        fields={
            "phone": "13800000000",
            "business_scope": "小吃",
            "business_name": "店",
            "capital": 3,
        }
    )
    assert list(licence.fields) == ["business_name", "business_scope"]
    assert licence.field_rows() == [("名称", "店"), ("经营范围", "小吃")]


def test_a_unit_of_the_issuing_department_issues_in_its_name(issue, market, department_factory):
    unit = department_factory(code="HY-SCJG-DJK", name="登记注册科")
    unit.parent = market
    unit.save()
    licence = issue(department=unit)
    assert licence.department == market
