"""`onetrip oidc-client` and `onetrip user`: what an operator types and reads."""

import io
import re

import pyotp
import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import CommandError, call_command
from django.db import connections
from oauth2_provider.models import Application

from onetrip import cli
from onetrip.accounts.models import User
from onetrip.conftest import PASSWORD, make_citizen_id

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_confidential_client_prints_id_and_secret_once_and_stores_a_hash():
    output = run(
        "oidc_client",
        "add",
        "--name",
        "县医保系统",
        "--redirect-uri",
        "https://yb.example/cb",
        "--redirect-uri",
        "https://yb.example/cb2",
    )
    lines = output.splitlines()
    assert len(lines) == 2
    client_id = re.fullmatch(r"client_id=(\S+)", lines[0]).group(1)
    secret = re.fullmatch(r"client_secret=(\S+)", lines[1]).group(1)
    client = Application.objects.get(client_id=client_id)
    assert client.client_secret.startswith("high_entropy_sm3$")
    assert secret not in client.client_secret
    assert check_password(secret, client.client_secret)
    assert client.redirect_uris.split() == ["https://yb.example/cb", "https://yb.example/cb2"]
    assert client.algorithm == "RS256"
    assert not client.skip_authorization

    listing = run("oidc_client", "list")
    assert client_id in listing
    assert "县医保系统" in listing
    assert secret not in listing


def test_public_trusted_and_machine_clients():
    public = run(
        "oidc_client",
        "add",
        "--name",
        "掌上办",
        "--redirect-uri",
        "https://m.example/cb",
        "--public",
        "--trusted",
    )
    assert re.fullmatch(r"client_id=\S+\n", public)
    client = Application.objects.get(client_id=public.strip().split("=", 1)[1])
    assert client.client_type == "public"
    assert client.skip_authorization

    machine = run("oidc_client", "add", "--name", "交换平台", "--grant", "client-credentials")
    assert re.fullmatch(r"client_id=\S+\nclient_secret=\S+\n", machine)
    assert Application.objects.get(name="交换平台").authorization_grant_type == (
        "client-credentials"
    )


def test_bad_client_registrations_are_refused():
    with pytest.raises(CommandError):
        run("oidc_client", "add", "--name", "x")  # code flow without a redirect URI
    with pytest.raises(CommandError):
        run("oidc_client", "add", "--name", "x", "--grant", "client-credentials", "--public")
    with pytest.raises(CommandError):
        run("oidc_client", "add", "--name", "x", "--redirect-uri", "ftp://x.example/cb")
    assert not Application.objects.exists()


def test_user_add_person():
    id_number = make_citizen_id("33042419850612001")
    output = run(
        "user",
        "add",
        "--type",
        "person",
        "--id-number",
        id_number,
        "--name",
        "王五",
        "--phone",
        "13800001234",
        "--password",
        PASSWORD,
        "--level",
        "L2",
    )
    sub = re.search(r"^sub=(\S+)$", output, re.M).group(1)
    user = User.objects.get(public_id=sub)
    assert user.person.id_number == id_number
    assert user.assurance_level == "L2"
    assert user.check_password(PASSWORD)
    assert "totp_secret" not in output


def test_user_add_staff_prints_the_totp_secret(department_factory):
    department_factory(code="HY-WJJ", name="县卫生健康局")
    output = run(
        "user",
        "add",
        "--type",
        "staff",
        "--username",
        "wjj.zhang",
        "--name",
        "张医生",
        "--department",
        "HY-WJJ",
        "--role",
        "reviewer",
        "--role",
        "department_head",
        "--password",
        PASSWORD,
    )
    secret = re.search(r"^totp_secret=([A-Z2-7]+)$", output, re.M).group(1)
    user = User.objects.get(username="wjj.zhang")
    assert user.staff.role_set() == {"reviewer", "department_head"}
    assert pyotp.TOTP(secret).verify(pyotp.TOTP(user.totp_secret).now())


def test_bad_input_exits_non_zero_with_a_message_and_saves_nothing(capsys, monkeypatch):
    # run_from_argv closes the connections when done; the test database must stay open.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    with pytest.raises(SystemExit) as exit_info:
        cli.main(
            [
                "user",
                "add",
                "--type",
                "person",
                "--id-number",
                "330424199001011234",
                "--name",
                "赵六",
                "--phone",
                "13800001235",
                "--password",
                PASSWORD,
            ]
        )
    assert exit_info.value.code == 1
    error = capsys.readouterr().err
    assert error.startswith("CommandError: ")
    assert len(error.strip()) > len("CommandError: ")
    assert not User.objects.filter(phone="13800001235").exists()

    with pytest.raises(SystemExit) as exit_info:
        cli.main(
            [
                "user",
                "add",
                "--type",
                "staff",
                "--username",
                "nobody",
                "--name",
                "某",
                "--department",
                "NO-SUCH",
                "--role",
                "reviewer",
                "--password",
                PASSWORD,
            ]
        )
    assert exit_info.value.code == 1
    assert not User.objects.filter(username="nobody").exists()
