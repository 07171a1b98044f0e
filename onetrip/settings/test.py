"""Tests: the base settings with fast password hashing where the algorithm is not under test."""

from .base import *  # noqa: F403
from .base import PASSWORD_HASHERS

DEBUG = False
ONETRIP_SMS_BACKEND = "onetrip.notify.backends.LocmemSmsBackend"
# Keep Argon2 first (it is what production uses) but cheap, so the suite stays quick.
ONETRIP_ARGON2_FAST = True
PASSWORD_HASHERS = PASSWORD_HASHERS
