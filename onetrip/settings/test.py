"""Tests: the base settings with fast password hashing where the algorithm is not under test."""

import os as _os_media
import tempfile as _tempfile_media
from pathlib import Path

from .base import *  # noqa: F403
from .base import PASSWORD_HASHERS

DEBUG = False
ONETRIP_SMS_BACKEND = "onetrip.notify.backends.LocmemSmsBackend"
# Keep Argon2 first (it is what production uses) but cheap, so the suite stays quick.
ONETRIP_ARGON2_FAST = True
PASSWORD_HASHERS = PASSWORD_HASHERS

# SQLite: test on a file in WAL mode, as the one-box deployment runs, not on Django's
# shared-cache memory database, where concurrent threads fail with "database table is locked"
# instead of waiting for the write lock. One file per test process, so parallel runs never meet.
if DATABASES["default"]["ENGINE"] == SQLITE_ENGINE:  # noqa: F405
    import os as _os
    import tempfile as _tempfile

    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": _os.path.join(_tempfile.gettempdir(), f"onetrip-test-{_os.getpid()}.sqlite3")
    }

# Uploads (the demo loader's sample materials among them) go to a directory per test process,
# not to var/media; tests that look at stored files set their own MEDIA_ROOT.
MEDIA_ROOT = Path(_tempfile_media.gettempdir()) / f"onetrip-test-media-{_os_media.getpid()}"

# The Celery worker the tests start runs in a thread and outlives pytest's per-test capture of
# stderr; its INFO lines ("Task received") would be written to a closed stream.
LOGGING["loggers"]["celery"] = {"level": "WARNING"}  # noqa: F405
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Tests revoke tokens and expect the next call to be refused at once; the cache has its own test.
ONETRIP_TOKEN_CACHE_SECONDS = 0
# Audit entries and counters written at once, in the request, so tests can check them; the
# write-behind buffer and the verification cache have their own tests.
ONETRIP_WRITE_BEHIND_SECONDS = 0
ONETRIP_LICENCE_VERIFY_CACHE_SECONDS = 0
ONETRIP_EXCHANGE_CACHE_SECONDS = 0
ONETRIP_EXCHANGE_COUNT_CACHE_SECONDS = 0
