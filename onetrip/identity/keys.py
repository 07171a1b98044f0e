"""The provider's RSA key for signing ID tokens (RS256).

Production provides the key file (OIDC_RSA_PRIVATE_KEY_FILE); one-box mode creates it on first
use. Kept free of Django imports so settings can point at it lazily.
"""

import os
import tempfile
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def _new_pem() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


@cache
def rsa_private_key_pem(path: str, create: bool) -> str:
    """The PEM text of the key at `path`; when missing and `create`, a new key saved with 0600.

    The new file is written aside and hard-linked into place, so two processes starting at once
    end up using the same key.
    """
    target = Path(path)
    if not target.exists():
        if not create:
            raise FileNotFoundError(
                f"OIDC signing key {target} is missing; create one with "
                f"`openssl genrsa -out {target} 2048` (mode 0600)."
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".oidc-key-")  # mode 0600
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(_new_pem())
            os.link(tmp, target)
        except FileExistsError:
            pass  # another process won the race; use its key
        finally:
            os.unlink(tmp)
    return target.read_text()


def settings_rsa_private_key() -> str:
    from django.conf import settings

    return rsa_private_key_pem(
        str(settings.OIDC_RSA_PRIVATE_KEY_FILE), settings.OIDC_RSA_PRIVATE_KEY_AUTOCREATE
    )
