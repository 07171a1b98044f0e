"""Password hashing. See docs/decisions/0004-argon2-parameters.md for the parameters."""

import hmac
import secrets

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher, BasePasswordHasher, mask_hash
from django.utils.translation import gettext_noop as _

from onetrip.core.sm3 import sm3_hex


class OneTripArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id at OWASP's first recommended setting: 19 MiB, 2 passes, 1 lane.

    Django's default (100 MiB, 8 lanes) costs ~5x more per login on a 2-core county server
    and would cap logins below what a county's morning peak needs.
    """

    time_cost = 2
    memory_cost = 19 * 1024
    parallelism = 1

    def __init__(self):
        if getattr(settings, "ONETRIP_ARGON2_FAST", False):  # tests only
            self.time_cost, self.memory_cost = 1, 64


class HighEntropySecretHasher(BasePasswordHasher):
    """Salted SM3 for machine-generated secrets (OAuth client secrets: 128+ random bits).

    A slow hash protects guessable human passwords; a random secret cannot be guessed, so a
    single salted hash is enough and keeps client-credential tokens fast.
    """

    algorithm = "high_entropy_sm3"

    def salt(self):
        return secrets.token_hex(8)

    def encode(self, password, salt):
        return f"{self.algorithm}${salt}${sm3_hex((salt + password).encode())}"

    def decode(self, encoded):
        algorithm, salt, digest = encoded.split("$", 2)
        return {"algorithm": algorithm, "salt": salt, "hash": digest}

    def verify(self, password, encoded):
        decoded = self.decode(encoded)
        return hmac.compare_digest(self.encode(password, decoded["salt"]), encoded)

    def safe_summary(self, encoded):
        decoded = self.decode(encoded)
        return {
            _("algorithm"): decoded["algorithm"],
            _("salt"): mask_hash(decoded["salt"]),
            _("hash"): mask_hash(decoded["hash"]),
        }

    def harden_runtime(self, password, encoded):
        pass
