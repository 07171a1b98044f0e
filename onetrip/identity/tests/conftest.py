import io

import pytest
import requests
from django.core.management import call_command

from onetrip.conftest import PASSWORD

from .helpers import form_fields


def parse_cli(output: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in output.splitlines() if "=" in line)


@pytest.fixture
def register_client():
    """Registers a client the way an operator does, through `onetrip oidc-client add`."""

    def register(*args: str) -> dict[str, str]:
        out = io.StringIO()
        call_command("oidc_client", "add", *args, stdout=out)
        return parse_cli(out.getvalue())

    return register


@pytest.fixture
def browser(live_server):
    """A person's browser: a requests session that signs in through the real login form."""
    session = requests.Session()
    session.base_url = live_server.url

    def sign_in(url: str, *, identifier: str, password: str = PASSWORD):
        """Follows `url` (which must land on the login page) and submits the password form."""
        page = session.get(url)
        assert page.status_code == 200, page.text
        assert "/login/" in page.url
        fields = form_fields(page.text, has_field="identifier")
        fields.update(identifier=identifier, password=password)
        return session.post(page.url, data=fields, allow_redirects=False)

    session.sign_in = sign_in
    return session
