"""Production settings pass Django's deployment checklist and refuse to start without a key."""

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _manage(tmp_path, *args: str, secret_key: str) -> subprocess.CompletedProcess:
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
        },
        "DJANGO_SETTINGS_MODULE": "onetrip.settings.production",
        "SECRET_KEY": secret_key,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "ONETRIP_VAR_DIR": str(tmp_path),
    }
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean(tmp_path):
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    key = "".join(secrets.choice(alphabet) for _ in range(64))
    result = _manage(tmp_path, "check", "--deploy", secret_key=key)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output and "ERRORS" not in output, output
    assert "?: (security" not in output, output
    assert "no issues" in output


def test_production_refuses_a_short_secret_key(tmp_path):
    result = _manage(tmp_path, "check", secret_key="too-short")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_takes_no_sandbox_payments_unless_told(tmp_path):
    key = secrets.token_urlsafe(64)
    show = "from django.conf import settings; print(repr(settings.ONETRIP_PAYMENT_GATEWAY))"
    result = _manage(tmp_path, "shell", "-c", show, secret_key=key)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("''")  # online payment off: orders paid at the window
    os.environ["ONETRIP_PAYMENT_GATEWAY"] = "county.payments.ProvincialGateway"
    try:
        result = _manage(tmp_path, "check", secret_key=key)
    finally:
        del os.environ["ONETRIP_PAYMENT_GATEWAY"]
    assert result.returncode != 0 and "ONETRIP_PAYMENT_SECRET must be set" in result.stderr
