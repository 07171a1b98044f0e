"""Signing in through the shared pages: password, code to the phone, staff TOTP, lock-out."""

import datetime

import pyotp
import pytest
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext, override

from onetrip.accounts.models import User
from onetrip.conftest import PASSWORD

from .helpers import sms_code, wait_for_sms

pytestmark = pytest.mark.django_db


def post_password(client, identifier, password, next_url=""):
    return client.post(
        "/login/", {"identifier": identifier, "password": password, "next": next_url}
    )


def locked_message(minutes: int) -> str:
    with override("zh-hans"):
        return gettext(
            "Too many failed attempts. This account is locked for %(minutes)d more minutes."
        ) % {"minutes": minutes}


def test_person_signs_in_with_id_number_or_phone(client, person_factory):
    user = person_factory()
    for identifier in (user.person.id_number, user.phone):
        client.logout()
        response = post_password(client, identifier, PASSWORD, next_url="/api/v1/me")
        assert response.status_code == 302
        assert response["Location"] == "/api/v1/me"
        assert client.get("/api/v1/me").json()["sub"] == str(user.public_id)


def test_unknown_account_and_wrong_password_get_the_same_answer(client, person_factory):
    user = person_factory()
    wrong = post_password(client, user.phone, "not-the-password")
    unknown = post_password(client, "13999999999", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    with override("zh-hans"):
        message = gettext("The account or password is wrong.")
    assert message in wrong.content.decode()
    assert message in unknown.content.decode()
    assert client.get("/api/v1/me").status_code == 401


def test_five_wrong_passwords_lock_the_account_until_the_time_passes(client, person_factory):
    user = person_factory()
    for _attempt in range(settings.ONETRIP_LOGIN_MAX_FAILURES - 1):
        assert post_password(client, user.phone, "wrong-password").status_code == 401
    locked = post_password(client, user.phone, "wrong-password")
    assert locked.status_code == 423

    right = post_password(client, user.phone, PASSWORD)  # even the right password
    assert right.status_code == 423
    page = right.content.decode()
    assert locked_message(settings.ONETRIP_LOGIN_LOCK_MINUTES) in page
    assert 'lang="zh-Hans"' in page
    assert client.get("/api/v1/me").status_code == 401

    User.objects.filter(pk=user.pk).update(
        locked_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert post_password(client, user.phone, PASSWORD).status_code == 302
    assert client.get("/api/v1/me").json()["sub"] == str(user.public_id)


def test_person_signs_in_with_a_code_sent_to_the_phone(
    client, person_factory, sms_outbox, django_capture_on_commit_callbacks
):
    user = person_factory()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post("/login/sms/", {"phone": user.phone, "action": "send"})
    assert sent.status_code == 200
    code = sms_code(wait_for_sms(sms_outbox, user.phone))

    wrong = "000000" if code != "000000" else "111111"
    refused = client.post("/login/sms/", {"phone": user.phone, "code": wrong, "action": "login"})
    assert refused.status_code == 400
    signed_in = client.post(
        "/login/sms/", {"phone": user.phone, "code": code, "action": "login", "next": "/api/v1/me"}
    )
    assert signed_in.status_code == 302
    assert client.get("/api/v1/me").json()["sub"] == str(user.public_id)

    client.logout()  # a code works once
    again = client.post("/login/sms/", {"phone": user.phone, "code": code, "action": "login"})
    assert again.status_code == 400


def test_no_code_is_sent_to_a_phone_without_an_account(
    client, db, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post("/login/sms/", {"phone": "13900001111", "action": "send"})
    assert answer.status_code == 200  # the same answer as for a known phone
    assert sms_outbox == []


def test_staff_enrol_totp_on_first_sign_in_then_need_a_code(client, staff_factory):
    staff = staff_factory()
    user = staff.user
    after_password = post_password(client, user.username, PASSWORD)
    assert after_password["Location"] == "/login/totp/"
    assert client.get("/api/v1/me").status_code == 401  # the password alone is not enough

    enrol = client.get("/login/totp/")
    assert user.totp_secret in enrol.content.decode()
    totp = pyotp.TOTP(user.totp_secret)
    signed_in = client.post("/login/totp/", {"code": totp.now()})
    assert signed_in.status_code == 302
    assert client.get("/api/v1/me").json()["department_code"] == staff.department.code

    client.logout()
    post_password(client, user.username, PASSWORD)
    second = client.get("/login/totp/")
    assert user.totp_secret not in second.content.decode()  # enrolled: the key stays hidden


def test_wrong_totp_codes_count_towards_the_lock_out(client, staff_factory):
    user = staff_factory().user
    totp = pyotp.TOTP(user.totp_secret)
    wrong = f"{(int(totp.now()) + 500_000) % 1_000_000:06d}"
    post_password(client, user.username, PASSWORD)
    statuses = []
    for _attempt in range(settings.ONETRIP_LOGIN_MAX_FAILURES):
        statuses.append(client.post("/login/totp/", {"code": wrong}).status_code)
        # Re-entering the right password must not reset the count.
        post_password(client, user.username, PASSWORD)
    assert statuses[:-1] == [401] * (settings.ONETRIP_LOGIN_MAX_FAILURES - 1)
    assert statuses[-1] == 423
    assert post_password(client, user.username, PASSWORD).status_code == 423
    user.refresh_from_db()
    assert user.is_locked()


def test_authorize_sends_an_anonymous_visitor_to_the_login_page(client):
    response = client.get("/o/authorize/?client_id=x&response_type=code")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/o/authorize/")


def test_the_login_form_carries_next_through_and_staff_land_on_the_workbench(client, staff_factory):
    page = client.get("/login/")
    assert 'name="next" value=""' in page.content.decode()
    page = client.get("/login/?next=/me/")
    assert 'name="next" value="/me/"' in page.content.decode()

    user = staff_factory().user
    post_password(client, user.username, PASSWORD)  # the form posts next="" as it was given
    signed_in = client.post("/login/totp/", {"code": pyotp.TOTP(user.totp_secret).now()})
    assert signed_in["Location"] == "/workbench/"
