"""现场实名登记: a window clerk opens an account for a person who never registered online, so
the counter intake goes on the same trip. The code the person reads out comes from the SMS the
platform really sent (in production mode through the Celery worker)."""

import pytest
from django.test import Client
from django.urls import reverse

from onetrip.accounts.models import Person, User
from onetrip.conftest import make_citizen_id, wait_for_sms_text
from onetrip.core.models import AuditEntry
from onetrip.identity.tests.helpers import sms_code
from onetrip.notify.models import Notification

pytestmark = pytest.mark.django_db(transaction=True)

ID_NUMBER = make_citizen_id("33042419450312002")
PHONE = "13700001234"
REGISTER = "/workbench/people/register/"


@pytest.fixture
def clerk(staff_factory):
    return staff_factory(roles=("window_clerk",)).user


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(**changes) -> dict:
    return {"id_number": ID_NUMBER, "name": "沈阿婆", "phone": PHONE, **changes}


def _code_sent(client, sms_outbox, **changes) -> str:
    sent = client.post(REGISTER, {**_form(**changes), "action": "send"})
    assert sent.status_code == 200 and 'data-testid="code-sent"' in sent.content.decode()
    text = wait_for_sms_text(sms_outbox, changes.get("phone", PHONE), "窗口")
    return sms_code(text)


def test_the_clerk_opens_an_account_and_goes_on_with_the_intake(clerk, sms_outbox):
    client = _client(clerk)
    lookup = client.post(reverse("workbench:people"), {"id_number": ID_NUMBER})
    page = lookup.content.decode()
    assert 'data-testid="not-found"' in page and 'data-testid="register-form"' in page

    code = _code_sent(client, sms_outbox)
    intake = f"/workbench/cases/intake/?id_number={ID_NUMBER}&matter_code=HY-SCJG-001"
    done = client.post(REGISTER, {**_form(code=code), "action": "register", "next": intake})
    assert done.status_code == 302 and done["Location"] == intake

    user = User.objects.get(phone=PHONE)
    person = Person.objects.get(user=user)
    assert (person.id_number, person.name, user.assurance_level) == (ID_NUMBER, "沈阿婆", "L3")
    assert person.verified_in_person_at is not None
    assert not user.has_usable_password()  # they sign in with codes sent to the phone
    entry = AuditEntry.objects.get(action="accounts.person.register")
    assert entry.actor_id == clerk.pk and entry.subject_id == ID_NUMBER
    assert entry.detail == {"level": "L3"}
    assert Notification.objects.filter(user=user, title__contains="服务大厅").exists()
    assert wait_for_sms_text(sms_outbox, PHONE, "开通")

    # The intake now finds the person and starts the application.
    started = client.post(
        "/workbench/cases/intake/", {"id_number": ID_NUMBER, "matter_code": "NO-SUCH"}
    )
    assert "cases.applicant_not_found" not in started.content.decode()
    assert 'data-testid="register-at-window"' not in started.content.decode()


def test_without_a_next_page_the_person_just_registered_is_shown(clerk, sms_outbox):
    client = _client(clerk)
    code = _code_sent(client, sms_outbox)
    done = client.post(REGISTER, {**_form(code=code), "action": "register"})
    user = User.objects.get(phone=PHONE)
    assert done["Location"] == f"/workbench/people/?person={user.public_id}"
    page = client.get(done["Location"]).content.decode()
    assert "沈阿婆" in page and 'data-testid="start-intake"' in page
    assert f"id_number={ID_NUMBER}" in page
    assert AuditEntry.objects.filter(action="accounts.person.read", subject_id=ID_NUMBER).exists()
    assert client.get("/workbench/people/?person=not-a-uuid").status_code == 404


def test_a_wrong_code_a_taken_phone_and_a_known_person_are_refused(
    clerk, sms_outbox, person_factory
):
    client = _client(clerk)
    code = _code_sent(client, sms_outbox)
    wrong = "000000" if code != "000000" else "111111"
    refused = client.post(REGISTER, {**_form(code=wrong), "action": "register"})
    assert refused.status_code == 400 and "验证码错误" in refused.content.decode()
    assert not User.objects.filter(phone=PHONE).exists()

    # A name left out is told before the code is spent: the same code still works after.
    nameless = client.post(REGISTER, {**_form(code=code, name=" "), "action": "register"})
    assert nameless.status_code == 400 and not User.objects.filter(phone=PHONE).exists()
    assert client.post(REGISTER, {**_form(code=code), "action": "register"}).status_code == 302

    person_factory(phone="13700005678")
    other_id = make_citizen_id("33042419500101003")
    taken = client.post(
        REGISTER, {**_form(id_number=other_id, phone="13700005678"), "action": "send"}
    )
    assert taken.status_code == 200  # a code may be sent; opening the account is refused
    again = client.post(REGISTER, {**_form(id_number=other_id, phone="13700005678", code="123456")})
    assert again.status_code == 400 and "已被其他账号使用" in again.content.decode()
    known = client.post(REGISTER, {**_form(code="123456"), "action": "register"})
    assert known.status_code == 400 and "已注册账号" in known.content.decode()
    assert User.objects.filter(user_type="person").count() == 2


def test_only_those_who_verify_in_person_open_accounts(staff_factory, person_factory):
    reviewer = staff_factory(roles=("reviewer",)).user
    assert _client(reviewer).post(REGISTER, _form(action="send")).status_code == 403
    citizen = person_factory()
    assert _client(citizen).post(REGISTER, _form(action="send")).status_code == 403
    anonymous = Client().post(REGISTER, _form(action="send"))
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    assert not User.objects.filter(phone=PHONE).exists()


def test_the_intake_offers_the_registration_for_an_unknown_person(clerk):
    client = _client(clerk)
    page = client.post(
        "/workbench/cases/intake/", {"id_number": ID_NUMBER, "matter_code": "HY-SCJG-001"}
    ).content.decode()
    assert 'data-testid="register-at-window"' in page
    back = f"%2Fworkbench%2Fcases%2Fintake%2F%3Fid_number%3D{ID_NUMBER}%26matter_code%3DHY-SCJG-001"
    link = f"/workbench/people/?id_number={ID_NUMBER}&amp;next={back}"
    assert link in page
    form = client.get(f"/workbench/people/?id_number={ID_NUMBER}&next=https://evil.example/")
    text = form.content.decode()
    assert f'value="{ID_NUMBER}"' in text
    assert 'value="https://evil.example/"' not in text  # only a workbench page is gone on to


def test_the_bundle_intake_offers_it_too(clerk):
    page = _client(clerk).post(
        "/workbench/bundles/start/", {"id_number": ID_NUMBER, "life_event": "NO-SUCH"}
    )
    assert page.status_code == 404
    text = page.content.decode()
    assert f'/workbench/people/?id_number={ID_NUMBER}&amp;next=%2Fworkbench%2Fbundles%2F"' in text
