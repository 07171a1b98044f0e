"""Creates the benchmark's accounts and OAuth clients through the app's own code paths.

Run by bench/run.py with the same environment as the server (production settings, the fresh
bench database). Prints one JSON object on stdout: the accounts and the client credentials.

- Accounts: onetrip.accounts.services.person_register (the real registration service, so the
  password is hashed with the project's Argon2id parameters and the audit chain is written).
- OAuth clients: the django-oauth-toolkit Application model; the secret is given in clear and
  DOT hashes it on save with OAUTH2_PROVIDER["CLIENT_SECRET_HASHER"] (the project's SM3 hasher),
  exactly as a client registered by an operator would be stored.
"""

import argparse
import json
import os
import secrets
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onetrip.settings.production")

import django

django.setup()

from oauth2_provider.models import get_application_model  # noqa: E402
from stdnum.iso7064 import mod_11_2  # noqa: E402

from onetrip.accounts.services import person_register  # noqa: E402

Application = get_application_model()
REDIRECT_URI = "https://127.0.0.1/bench/callback"


def citizen_id(region: str, index: int) -> str:
    """A well-formed 18-character citizen ID number (valid check character) for the region."""
    body = f"{region[:6]}1985{1 + index % 12:02d}{1 + index % 28:02d}{index % 1000:03d}"
    return body + mod_11_2.calc_check_digit(body)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=16)
    args = parser.parse_args()

    from django.conf import settings

    accounts = []
    for index in range(args.accounts):
        password = f"Bench-{secrets.token_hex(8)}"
        phone = f"139{index:08d}"
        person_register(
            id_number=citizen_id(settings.ONETRIP_REGION, index),
            name=f"Bench Person {index}",
            phone=phone,
            password=password,
        )
        accounts.append({"identifier": phone, "password": password})

    cc_secret = secrets.token_urlsafe(32)
    cc = Application.objects.create(
        name="bench client-credentials",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret=cc_secret,
        hash_client_secret=True,
    )
    ac_secret = secrets.token_urlsafe(32)
    ac = Application.objects.create(
        name="bench authorization-code",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        client_secret=ac_secret,
        hash_client_secret=True,
        redirect_uris=REDIRECT_URI,
        skip_authorization=True,
    )
    stored = Application.objects.get(pk=cc.pk).client_secret
    json.dump(
        {
            "accounts": accounts,
            "client_credentials": {"client_id": cc.client_id, "client_secret": cc_secret},
            "authorization_code": {
                "client_id": ac.client_id,
                "client_secret": ac_secret,
                "redirect_uri": REDIRECT_URI,
            },
            "client_secret_hasher": stored.split("$", 1)[0],
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
