"""Creating and retiring department keys; signing with them and verifying signatures."""

import base64
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onetrip.core import audit
from onetrip.core.errors import DomainError, PermissionDenied
from onetrip.departments.models import Department

from . import crypto
from .models import SigningAlgorithm, SigningKey

PERMISSION = "signing.add_signingkey"


def _require(actor) -> None:
    """An administrator (Django permission) or the operator's command line (a str label)."""
    if isinstance(actor, str) and actor:
        return
    if getattr(actor, "is_authenticated", False) and actor.has_perm(PERMISSION):
        return
    raise PermissionDenied("signing.permission_denied", _("You do not have permission to do this."))


@transaction.atomic
def signing_key_create(
    *, actor, department: Department, algorithm: str = SigningAlgorithm.ED25519
) -> SigningKey:
    """A new key pair for a department; from now on it signs the department's documents.
    The department's older keys stay valid for verifying what they signed."""
    _require(actor)
    if algorithm not in SigningAlgorithm.values:
        raise DomainError(
            "signing.unknown_algorithm",
            _("Unknown signing algorithm: %(algorithm)s.") % {"algorithm": algorithm},
            detail={"algorithm": algorithm, "allowed": SigningAlgorithm.values},
        )
    private, public = crypto.generate(algorithm)
    key_id = f"{department.code}-{timezone.localdate():%Y%m%d}-{secrets.token_hex(4)}"
    key = SigningKey.objects.create(
        key_id=key_id,
        department=department,
        algorithm=algorithm,
        public_key=base64.b64encode(public).decode(),
        private_key_encrypted=crypto.encrypt_private_key(private, key_id=key_id),
    )
    audit.record(
        actor=actor,
        action="signing.key.create",
        target=key,
        target_id=key.key_id,
        detail={"department": department.code, "algorithm": algorithm},
    )
    return key


@transaction.atomic
def signing_key_retire(*, actor, key: SigningKey) -> SigningKey:
    """Stop signing with a key (it still verifies what it signed before)."""
    _require(actor)
    if key.retired_at is None:
        key.retired_at = timezone.now()
        key.save(update_fields=["retired_at"])
        audit.record(actor=actor, action="signing.key.retire", target=key, target_id=key.key_id)
    return key


def sign(department: Department, payload: bytes) -> tuple[bytes, str, str]:
    """Sign `payload` with the department's newest unretired key: (signature, key_id, alg).
    The caller (e.g. licence issue) audits the act it signs for."""
    key = (
        SigningKey.objects.filter(department=department, retired_at__isnull=True)
        .order_by("-created_at", "-id")
        .first()
    )
    if key is None:
        raise DomainError(
            "signing.no_active_key",
            _("The department %(department)s has no signing key.") % {"department": department},
            detail={"department": department.code},
            status=409,
        )
    private = crypto.decrypt_private_key(key.private_key_encrypted, key_id=key.key_id)
    public = base64.b64decode(key.public_key)
    return crypto.sign(key.algorithm, private, public, bytes(payload)), key.key_id, key.algorithm


def verify(key_id: str, payload: bytes, signature: bytes) -> bool:
    """Was `payload` signed by key `key_id`? Unknown keys and malformed input give False.
    Retired keys still verify."""
    public = _public_key(key_id)
    if public is None:
        return False
    algorithm, key = public
    return crypto.verify(algorithm, key, bytes(payload), signature)


# key id → (algorithm, public key bytes). A key id's public key never changes (a retired key
# still verifies), so what was found once is kept for the life of the process.
_public_keys: dict[str, tuple[str, bytes]] = {}


def _public_key(key_id: str) -> tuple[str, bytes] | None:
    found = _public_keys.get(key_id)
    if found is None:
        key = SigningKey.objects.filter(key_id=key_id).only("algorithm", "public_key").first()
        if key is None:
            return None
        found = (key.algorithm, base64.b64decode(key.public_key))
        if len(_public_keys) < 10_000:
            _public_keys[key_id] = found
    return found
