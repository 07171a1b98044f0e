import base64

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onetrip.core.errors import DomainError, PermissionDenied
from onetrip.core.models import AuditEntry
from onetrip.signing import crypto
from onetrip.signing.models import SigningKey
from onetrip.signing.services import sign, signing_key_create, signing_key_retire, verify

pytestmark = pytest.mark.django_db
ALGORITHMS = ["ed25519", "sm2"]
LICENCE = "食品经营许可证 JY13304240000001 海盐县某某餐饮店".encode()


@pytest.fixture
def department(department_factory):
    return department_factory()


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_sign_and_verify_round_trip(department, algorithm):
    key = signing_key_create(actor="cli:test", department=department, algorithm=algorithm)
    signature, key_id, alg = sign(department, LICENCE)
    assert (key_id, alg) == (key.key_id, algorithm)
    assert len(signature) == 64
    assert verify(key_id, LICENCE, signature)
    assert not verify(key_id, LICENCE + b" ", signature)
    entry = AuditEntry.objects.get(action="signing.key.create")
    assert entry.target_id == key.key_id and entry.detail["algorithm"] == algorithm


def _flip(data: bytes, index: int, mask: int) -> bytes:
    index %= len(data)
    return data[:index] + bytes([data[index] ^ mask]) + data[index + 1 :]


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_any_changed_byte_fails(department, algorithm):
    signing_key_create(actor="cli:test", department=department, algorithm=algorithm)
    signature, key_id, _alg = sign(department, LICENCE)

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        in_signature=st.booleans(),
        index=st.integers(min_value=0, max_value=10_000),
        mask=st.integers(min_value=1, max_value=255),
    )
    def changed(in_signature, index, mask):
        if in_signature:
            assert not verify(key_id, LICENCE, _flip(signature, index, mask))
        else:
            assert not verify(key_id, _flip(LICENCE, index, mask), signature)

    changed()


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_round_trip_for_any_payload(department, algorithm):
    signing_key_create(actor="cli:test", department=department, algorithm=algorithm)

    @settings(max_examples=15, deadline=None)
    @given(payload=st.binary(max_size=300))
    def round_trip(payload):
        signature, key_id, _alg = sign(department, payload)
        assert verify(key_id, payload, signature)

    round_trip()


def test_malformed_signatures_and_unknown_keys_are_false(department):
    key = signing_key_create(actor="cli:test", department=department)
    assert not verify(key.key_id, LICENCE, b"")
    assert not verify(key.key_id, LICENCE, "not bytes")
    assert not verify("no-such-key", LICENCE, bytes(64))


def test_private_key_is_encrypted_at_rest(department):
    for algorithm in ALGORITHMS:
        key = signing_key_create(actor="cli:test", department=department, algorithm=algorithm)
        private = crypto.decrypt_private_key(key.private_key_encrypted, key_id=key.key_id)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT private_key_encrypted FROM signing_signingkey WHERE key_id = %s",
                [key.key_id],
            )
            (stored,) = cursor.fetchone()
        assert stored.startswith("sm4gcm1:")
        raw = base64.b64decode(stored.partition(":")[2])
        assert private not in raw
        for text in (private.hex(), private.hex().upper(), base64.b64encode(private).decode()):
            assert text not in stored


def test_a_changed_encryption_key_or_a_moved_ciphertext_does_not_decrypt(department, settings):
    first = signing_key_create(actor="cli:test", department=department)
    second = signing_key_create(actor="cli:test", department=department)
    with pytest.raises(crypto.KeyUnreadable):
        crypto.decrypt_private_key(first.private_key_encrypted, key_id=second.key_id)
    settings.ONETRIP_KEY_ENCRYPTION_KEY = "another-key-encryption-key"
    with pytest.raises(crypto.KeyUnreadable):
        sign(department, LICENCE)


def test_newest_key_signs_and_retired_keys_still_verify(department):
    old = signing_key_create(actor="cli:test", department=department, algorithm="sm2")
    old_signature, _key_id, _alg = sign(department, LICENCE)
    new = signing_key_create(actor="cli:test", department=department)
    signing_key_retire(actor="cli:test", key=old)
    signature, key_id, alg = sign(department, LICENCE)
    assert (key_id, alg) == (new.key_id, "ed25519")
    assert verify(new.key_id, LICENCE, signature)
    assert not verify(old.key_id, LICENCE, signature)
    assert verify(old.key_id, LICENCE, old_signature)
    assert AuditEntry.objects.filter(action="signing.key.retire", target_id=old.key_id).exists()


def test_a_department_without_a_key_cannot_sign(department):
    with pytest.raises(DomainError) as caught:
        sign(department, LICENCE)
    assert caught.value.code == "signing.no_active_key" and caught.value.status == 409


def test_only_an_administrator_may_create_keys(department):
    clerk = get_user_model().objects.create_user("clerk", password="x-Long-Password-1")
    with pytest.raises(PermissionDenied):
        signing_key_create(actor=clerk, department=department)
    with pytest.raises(DomainError) as caught:
        signing_key_create(actor="cli:test", department=department, algorithm="rsa")
    assert caught.value.code == "signing.unknown_algorithm"
    admin = get_user_model().objects.create_superuser("root", password="x-Long-Password-1")
    signing_key_create(actor=admin, department=department, algorithm="sm2")
    assert SigningKey.objects.count() == 1


def test_operator_command_creates_and_retires(department, capsys):
    call_command("signing_key", "create", department.code, "--algorithm", "sm2")
    key = SigningKey.objects.get()
    assert key.algorithm == "sm2" and key.key_id in capsys.readouterr().out
    call_command("signing_key", "retire", key.key_id)
    key.refresh_from_db()
    assert key.retired_at is not None
