"""The portal's pages through Django's test client: what a citizen sees and can do."""

import pytest
from django.urls import reverse
from django.utils import translation

from onetrip.accounts import services as account_services
from onetrip.accounts.models import Representation, RepresentationKind
from onetrip.accounts.validators import uscc_check_char
from onetrip.conftest import make_citizen_id
from onetrip.core.models import AuditEntry
from onetrip.departments.models import Department, ServiceHall

pytestmark = pytest.mark.django_db


def make_uscc(serial: str) -> str:
    first17 = f"91330424{serial:0>9}"
    return first17 + uscc_check_char(first17)


@pytest.fixture
def company(person_factory):
    representative = person_factory(name="李四", phone="13800005678")
    legal = account_services.legal_person_register(
        uscc=make_uscc("MA2B3C4D"),
        name="海盐县示例餐饮有限公司",
        entity_type="有限责任公司",
        representative=representative.person,
    )
    return representative, legal


def test_home_shows_halls_departments_and_sign_in(client, region):
    ServiceHall.objects.create(
        code="HY-ZWFW",
        name="海盐县行政服务中心",
        region=region,
        address="海盐县武原街道枣园东路99号",
        opening_hours="工作日 8:30-12:00, 13:30-17:00",
        phone="0573-86123456",
    )
    Department.objects.create(code="HY-SCJG", name="县市场监管局", region=region)
    page = client.get("/").content.decode()
    assert "海盐县行政服务中心" in page
    assert "海盐县武原街道枣园东路99号" in page
    assert "工作日 8:30-12:00" in page
    assert "县市场监管局" in page
    assert reverse("identity:login") in page and reverse("identity:register") in page
    # The search box searches the real matter catalogue.
    assert f'action="{reverse("catalogue:search")}"' in page and 'name="q"' in page


def test_my_account_needs_sign_in(client, db):
    response = client.get(reverse("portal:me"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:login"))


def test_my_account_masks_id_number_and_phone_and_audits_the_read(client, person_factory):
    id_number = make_citizen_id("33042419900101123")
    user = person_factory(name="张三", id_number=id_number, phone="13812345678")
    client.force_login(user)
    page = client.get(reverse("portal:me")).content.decode()
    assert f"330424********{id_number[-4:]}" in page
    assert "138****5678" in page
    assert id_number not in page and "13812345678" not in page
    assert reverse("identity:verify") in page  # L1: the button to verify the real name
    assert AuditEntry.objects.filter(
        action="accounts.person.read", subject_id=id_number, actor_id=user.pk
    ).exists()


def test_representative_authorises_and_revokes_an_agent(client, company, person_factory):
    representative, legal = company
    agent_id = make_citizen_id("33042419850505321")
    agent = person_factory(name="王五", id_number=agent_id)
    client.force_login(representative)
    page = client.get(reverse("portal:me")).content.decode()
    assert "海盐县示例餐饮有限公司" in page
    with translation.override("zh-hans"):
        assert str(RepresentationKind.REPRESENTATIVE.label) in page

    response = client.post(
        reverse("portal:agent_authorise"),
        {"uscc": legal.uscc, "id_number": agent_id, "name": "王五", "scope": "办理许可"},
    )
    assert response.status_code == 302
    representation = Representation.objects.get(person=agent.person, legal_person=legal)
    assert representation.kind == "agent" and representation.scope == "办理许可"
    page = client.get(reverse("portal:me")).content.decode()
    assert "王五" in page and f"330424********{agent_id[-4:]}" in page

    # The agent sees the company among those they may act for, and cannot revoke anyone.
    client.force_login(agent)
    page = client.get(reverse("portal:me")).content.decode()
    assert "海盐县示例餐饮有限公司" in page
    response = client.post(
        reverse("portal:agent_revoke"),
        {"uscc": legal.uscc, "representation": representation.pk},
    )
    assert response.status_code == 404
    representation.refresh_from_db()
    assert representation.revoked_at is None

    client.force_login(representative)
    response = client.post(
        reverse("portal:agent_revoke"),
        {"uscc": legal.uscc, "representation": representation.pk},
    )
    assert response.status_code == 302
    representation.refresh_from_db()
    assert representation.revoked_at is not None
    assert AuditEntry.objects.filter(action="accounts.representation.revoke").count() == 1


def test_authorising_an_unknown_person_explains_and_saves_nothing(client, company):
    representative, legal = company
    client.force_login(representative)
    response = client.post(
        reverse("portal:agent_authorise"),
        {"uscc": legal.uscc, "id_number": make_citizen_id("33042419700101999"), "name": "赵六"},
    )
    assert response.status_code == 400
    assert 'class="message message-error" role="alert"' in response.content.decode()
    assert Representation.objects.filter(legal_person=legal).count() == 1  # the representative


def test_bad_id_number_is_a_form_error_not_a_500(client, company):
    representative, legal = company
    client.force_login(representative)
    response = client.post(
        reverse("portal:agent_authorise"),
        {"uscc": legal.uscc, "id_number": "12345", "name": "赵六"},
    )
    assert response.status_code == 400
    assert 'class="errorlist"' in response.content.decode()


def test_someone_who_does_not_represent_the_company_cannot_authorise(
    client, company, person_factory
):
    _representative, legal = company
    stranger = person_factory(name="钱七")
    other = person_factory(name="孙八", id_number=make_citizen_id("33042419800808888"))
    client.force_login(stranger)
    response = client.post(
        reverse("portal:agent_authorise"),
        {"uscc": legal.uscc, "id_number": other.person.id_number, "name": "孙八"},
    )
    assert response.status_code == 404
    assert not Representation.objects.filter(person=other.person).exists()


def test_large_type_is_remembered_in_the_session(client, db):
    assert 'class="large-type"' not in client.get("/").content.decode()
    assert 'class="large-type"' in client.get("/?large=1").content.decode()
    assert 'class="large-type"' in client.get("/").content.decode()
    assert 'class="large-type"' not in client.get("/?large=0").content.decode()


def test_language_switch_to_english(client, db):
    assert '<html lang="zh-Hans"' in client.get("/").content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert '<html lang="en"' in client.get("/").content.decode()
