"""Key pairs, signatures and the encryption of private keys at rest. No database here.

Ed25519 (RFC 8032) comes from `cryptography`; SM2 (GB/T 32918.2, curve sm2p256v1, SM3 digest
with the default user ID "1234567812345678") from `gmssl`. Signatures are raw 64 bytes:
Ed25519's R||S, SM2's r||s (each 32 bytes, big-endian). Private keys are encrypted with SM4-GCM
(GB/T 32907) under a key derived with HKDF-SM3 from settings.ONETRIP_KEY_ENCRYPTION_KEY (or
SECRET_KEY when that is unset), bound to the key id as associated data.
"""

import base64
import os
import secrets

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from gmssl import sm2

ED25519 = "ed25519"
SM2 = "sm2"
ALGORITHMS = (ED25519, SM2)
_CURVE = sm2.default_ecc_table  # sm2p256v1, the recommended curve of GB/T 32918.5
_N = int(_CURVE["n"], 16)
_P = int(_CURVE["p"], 16)
_A = int(_CURVE["a"], 16)
_B = int(_CURVE["b"], 16)
_ENVELOPE = "sm4gcm1"


class KeyUnreadable(Exception):
    """The stored private key does not decrypt: the key-encryption key changed, or the row."""


# --- key pairs ---------------------------------------------------------------------------


def generate(algorithm: str) -> tuple[bytes, bytes]:
    """A new (private, public) pair as raw bytes."""
    if algorithm == ED25519:
        private = Ed25519PrivateKey.generate()
        return private.private_bytes_raw(), private.public_key().public_bytes_raw()
    if algorithm == SM2:
        d = secrets.randbelow(_N - 2) + 1  # 1 <= d <= n-2 (GB/T 32918.1, 6.1)
        return d.to_bytes(32, "big"), sm2_public_from_private(d.to_bytes(32, "big"))
    raise ValueError(f"unknown algorithm {algorithm!r}")


def sm2_public_from_private(private: bytes) -> bytes:
    crypt = sm2.CryptSM2(private_key=private.hex(), public_key="")
    point = crypt._kg(int.from_bytes(private, "big"), _CURVE["g"])
    return b"\x04" + bytes.fromhex(point)


def _sm2_on_curve(public: bytes) -> bool:
    if len(public) != 65 or public[0] != 4:
        return False
    x, y = int.from_bytes(public[1:33], "big"), int.from_bytes(public[33:], "big")
    return x < _P and y < _P and (y * y - (x * x * x + _A * x + _B)) % _P == 0


def _sm2(private: bytes | None, public: bytes) -> sm2.CryptSM2:
    crypt = sm2.CryptSM2(private_key=private.hex() if private else "", public_key="")
    # Set after construction: the constructor strips a "04" prefix with str.lstrip, which also
    # eats an X coordinate that itself starts with 0 or 4 hex digits.
    crypt.public_key = public[1:].hex()
    return crypt


# --- signatures ----------------------------------------------------------------------------


def sign(algorithm: str, private: bytes, public: bytes, payload: bytes) -> bytes:
    if algorithm == ED25519:
        return Ed25519PrivateKey.from_private_bytes(private).sign(payload)
    if algorithm == SM2:
        crypt = _sm2(private, public)
        signature = None
        while signature is None:  # gmssl gives None for the rare k with r = 0 or r + k = n
            signature = crypt.sign_with_sm3(payload)
        return bytes.fromhex(signature)
    raise ValueError(f"unknown algorithm {algorithm!r}")


def verify(algorithm: str, public: bytes, payload: bytes, signature: bytes) -> bool:
    """True only for a valid signature; anything malformed is simply False."""
    if not isinstance(signature, bytes | bytearray) or len(signature) != 64:
        return False
    if algorithm == ED25519:
        try:
            Ed25519PublicKey.from_public_bytes(public).verify(bytes(signature), payload)
        except (InvalidSignature, ValueError):
            return False
        return True
    if algorithm == SM2:
        r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
        if not (0 < r < _N and 0 < s < _N) or not _sm2_on_curve(public):
            return False  # GB/T 32918.2, 7.1 B1-B2: r, s in [1, n-1]; gmssl does not check
        return bool(_sm2(None, public).verify_with_sm3(signature.hex(), payload))
    return False


# --- private keys at rest ------------------------------------------------------------------


def _kek() -> bytes:
    secret = settings.ONETRIP_KEY_ENCRYPTION_KEY or settings.SECRET_KEY
    return HKDF(
        algorithm=hashes.SM3(), length=16, salt=None, info=b"onetrip.signing.private-key.v1"
    ).derive(secret.encode())


def encrypt_private_key(private: bytes, *, key_id: str) -> str:
    nonce = os.urandom(12)
    encryptor = Cipher(algorithms.SM4(_kek()), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(key_id.encode())
    body = encryptor.update(private) + encryptor.finalize()
    return f"{_ENVELOPE}:" + base64.b64encode(nonce + body + encryptor.tag).decode()


def decrypt_private_key(envelope: str, *, key_id: str) -> bytes:
    scheme, _sep, data = envelope.partition(":")
    if scheme != _ENVELOPE:
        raise KeyUnreadable(f"unknown envelope {scheme!r}")
    raw = base64.b64decode(data)
    nonce, body, tag = raw[:12], raw[12:-16], raw[-16:]
    decryptor = Cipher(algorithms.SM4(_kek()), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(key_id.encode())
    try:
        return decryptor.update(body) + decryptor.finalize()
    except InvalidTag as exc:
        raise KeyUnreadable(f"private key of {key_id} does not decrypt") from exc
