"""Public keys for verifying e-licence signatures: GET /api/v1/keys."""

import datetime

from ninja import Router, Schema

from .selectors import signing_key_list

router = Router(tags=["keys"])


class PublicKeyOut(Schema):
    key_id: str
    department_code: str
    alg: str
    public_key: str
    created_at: datetime.datetime
    retired_at: datetime.datetime | None


@router.get("keys", response=list[PublicKeyOut], auth=None)
def keys(request, department: str | None = None):
    """Every department's public keys, retired ones included (they verify older signatures).
    `public_key` is base64: Ed25519 raw 32 bytes (RFC 8032); SM2 the uncompressed point
    04||X||Y, 65 bytes, on sm2p256v1. Signatures are raw 64 bytes (R||S, or SM2 r||s over
    SM3 with the default user ID 1234567812345678). Public: no personal data."""
    return [
        {
            "key_id": key.key_id,
            "department_code": key.department.code,
            "alg": key.algorithm,
            "public_key": key.public_key,
            "created_at": key.created_at,
            "retired_at": key.retired_at,
        }
        for key in signing_key_list(department_code=department)
    ]
