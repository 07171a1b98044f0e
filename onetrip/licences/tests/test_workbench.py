"""The workbench's e-licence pages (/workbench/licences/) through HTTP: who sees which licences,
filters and paging, the audit of every read, and revocation by a department head."""

import datetime

import pytest
from django.test import Client
from django.utils import translation

from onetrip.conftest import make_citizen_id
from onetrip.core.models import AuditEntry
from onetrip.licences import selectors
from onetrip.licences.services import licence_revoke

pytestmark = pytest.mark.django_db

LIST = "/workbench/licences/"


def detail(licence) -> str:
    return f"/workbench/licences/{licence.number}/"


def revoke(licence) -> str:
    return f"/workbench/licences/{licence.number}/revoke/"


@pytest.fixture
def head(staff_factory):
    return staff_factory(department="县市场监管局", roles=("department_head",))


@pytest.fixture
def clerk(staff_factory):
    return staff_factory(department="县市场监管局", roles=("window_clerk",))


@pytest.fixture
def other_clerk(staff_factory):
    return staff_factory(department="县卫生健康局", roles=("window_clerk",))


@pytest.fixture
def other_head(staff_factory):
    return staff_factory(department="县卫生健康局", roles=("department_head",))


@pytest.fixture
def licence(issue):
    return issue(holder_name="王晓燕", holder_id=make_citizen_id("33042419920314128"))


def test_head_sees_the_departments_licences_with_masked_names_and_an_audit_entry(
    client, head, licence
):
    client.force_login(head.user)
    response = client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{detail(licence)}"' in html
    assert "王**" in html and "王晓燕" not in html
    assert licence.holder_id not in html
    assert "营业执照" in html and "县市场监管局" in html
    assert response.context["licences"] == [licence]
    entry = AuditEntry.objects.filter(action="licences.licence.list", actor_id=head.user.pk).get()
    assert entry.detail["count"] == 1
    assert entry.purpose == "workbench licence list"


def test_a_clerk_of_another_department_neither_sees_nor_revokes(
    client, other_clerk, other_head, licence
):
    for staff in (other_clerk, other_head):
        client.force_login(staff.user)
        response = client.get(LIST)
        assert response.status_code == 200
        assert response.context["licences"] == []
        assert licence.number not in response.content.decode()
        assert client.get(detail(licence)).status_code == 404
        assert client.post(revoke(licence), {"reason": "越权"}).status_code == 404
    licence.refresh_from_db()
    assert licence.revoked_at is None
    assert not AuditEntry.objects.filter(action="licences.licence.read").exists()


def test_a_visibility_grant_opens_the_other_departments_licences(
    client, other_clerk, head, licence
):
    from onetrip.accounts import services as account_services

    client.force_login(other_clerk.user)
    assert client.get(detail(licence)).status_code == 404
    account_services.department_grant(
        actor=head.user, staff=other_clerk, department=head.department, reason="联合审查"
    )
    assert client.get(detail(licence)).status_code == 200
    assert client.get(LIST).context["licences"] == [licence]


def test_a_supervisor_sees_every_department(client, staff_factory, licence):
    supervisor = staff_factory(department="县政务服务管理办公室", roles=("supervisor",))
    client.force_login(supervisor.user)
    assert client.get(LIST).context["licences"] == [licence]
    response = client.get(detail(licence))
    assert response.status_code == 200
    assert response.context["can_revoke"] is False  # no cases.decide
    assert client.post(revoke(licence), {"reason": "督查"}).status_code == 403
    licence.refresh_from_db()
    assert licence.revoked_at is None


def test_only_staff_who_work_on_cases_get_the_pages(client, staff_factory, person_factory):
    assert client.get(LIST).status_code == 302  # sign in first
    client.force_login(person_factory())
    assert client.get(LIST).status_code == 403
    client.force_login(staff_factory(roles=("data_officer",)).user)
    assert client.get(LIST).status_code == 403


def test_detail_shows_fields_verify_link_pdf_and_audits_the_read(client, clerk, licence):
    client.force_login(clerk.user)
    response = client.get(detail(licence))
    assert response.status_code == 200
    html = response.content.decode()
    assert "王晓燕" in html and "海盐张三小吃店" in html
    assert licence.holder_id not in html  # the ID number is masked
    assert licence.holder_id[:6] in html
    assert f'href="/licences/verify/{licence.number}/"' in html
    assert f'href="/licences/{licence.number}/pdf"' in html
    assert '<svg class="qr" role="img"' in html
    assert response.context["can_revoke"] is False  # a clerk has no cases.decide
    assert 'name="reason"' not in html
    entry = AuditEntry.objects.get(action="licences.licence.read", actor_id=clerk.user.pk)
    assert entry.target_id == licence.number
    assert (entry.subject_type, entry.subject_id) == ("person", licence.holder_id)
    assert entry.purpose == "workbench licence detail"


def test_a_clerk_of_the_department_cannot_revoke(client, clerk, licence):
    client.force_login(clerk.user)
    response = client.post(revoke(licence), {"reason": "违法经营"})
    assert response.status_code == 403
    assert response.context["error"].code == "licences.permission_denied"
    assert "licences.permission_denied" in response.content.decode()
    licence.refresh_from_db()
    assert licence.revoked_at is None


def test_the_reason_is_required(client, head, licence):
    client.force_login(head.user)
    response = client.post(revoke(licence), {"reason": "   "})
    assert response.status_code == 400
    html = response.content.decode()
    assert "licences.reason_missing" in html
    with translation.override("zh-hans"):
        assert translation.gettext("Please give the reason for the revocation.") in html
    assert 'aria-invalid="true"' in html
    licence.refresh_from_db()
    assert licence.revoked_at is None
    assert not AuditEntry.objects.filter(action="licences.licence.revoke").exists()


def test_a_head_revokes_and_the_public_verification_says_revoked(client, head, licence):
    client.force_login(head.user)
    assert client.get(detail(licence)).context["can_revoke"] is True
    response = client.post(revoke(licence), {"reason": "以欺骗手段取得许可"})
    assert response.status_code == 302
    assert response["Location"] == detail(licence)
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "以欺骗手段取得许可" in html
    assert 'data-testid="revocation"' in html and 'name="reason"' not in html
    licence.refresh_from_db()
    assert licence.revoked_at is not None
    assert licence.revoked_reason == "以欺骗手段取得许可"
    entry = AuditEntry.objects.get(action="licences.licence.revoke")
    assert entry.actor_id == head.user.pk and entry.target_id == licence.number
    assert entry.detail == {"reason": "以欺骗手段取得许可"}
    anonymous = Client()
    answer = anonymous.get(f"/api/v1/licences/{licence.number}/verify").json()
    assert answer["status"] == "revoked" and answer["signature_ok"] is True
    public_page = anonymous.get(f"/licences/verify/{licence.number}/").content.decode()
    assert "verdict-revoked" in public_page
    # A second revocation is refused with its code, not a 500.
    again = client.post(revoke(licence), {"reason": "重复"})
    assert again.status_code == 409
    assert "licences.already_revoked" in again.content.decode()


def test_revocation_needs_the_csrf_token(head, licence):
    client = Client(enforce_csrf_checks=True)
    client.force_login(head.user)
    assert client.post(revoke(licence), {"reason": "无令牌"}).status_code == 403
    licence.refresh_from_db()
    assert licence.revoked_at is None
    assert client.get(revoke(licence)).status_code == 405


def test_filters_by_status_type_and_search(client, head, issue, licence_type, licence):
    revoked = issue(holder_name="李四", holder_id=make_citizen_id("33042419850101002"))
    licence_revoke(actor="cli:test", licence=revoked, reason="吊销")
    licence_type.validity_months = 1
    licence_type.save()
    expired = issue(holder_name="赵六", valid_from=datetime.date(2021, 1, 1))
    client.force_login(head.user)

    def listed(**query):
        return client.get(LIST, query).context["licences"]

    assert listed() == [expired, revoked, licence]  # newest first
    assert listed(status="valid") == [licence]
    assert listed(status="revoked") == [revoked]
    assert listed(status="expired") == [expired]
    assert listed(status="nonsense") == [expired, revoked, licence]
    assert listed(type="YYZZ") == [expired, revoked, licence]
    assert listed(type="NONE") == []
    assert listed(q="晓燕") == [licence]
    assert listed(q=licence.holder_id.lower()) == [licence]
    assert listed(q=licence.holder_id[:10]) == []  # ID numbers are searched whole
    assert listed(q=revoked.number) == [revoked]
    assert listed(q="李四", status="valid") == []
    response = client.get(LIST, {"q": "晓燕", "status": "valid"})
    html = response.content.decode()
    assert 'value="晓燕"' in html and '<option value="valid" selected>' in html
    entry = AuditEntry.objects.filter(action="licences.licence.list").latest("id")
    assert entry.detail == {"count": 1, "page": 1, "status": "valid", "type": "", "query": "晓燕"}


def test_pages_keep_the_filters(client, head, issue, monkeypatch, django_assert_max_num_queries):
    monkeypatch.setattr(selectors, "STAFF_PAGE_SIZE", 2)
    made = [issue(holder_name=f"钱{n}") for n in range(5)]
    client.force_login(head.user)
    client.get(LIST)  # warm the session and the staff record
    with django_assert_max_num_queries(13):
        response = client.get(LIST, {"page": "2", "q": "钱"})
    assert response.context["licences"] == [made[2], made[1]]
    html = response.content.decode()
    assert 'href="?page=3&amp;q=%E9%92%B1"' in html or 'href="?q=%E9%92%B1&amp;page=3"' in html
    assert client.get(LIST, {"page": "99"}).context["licences"] == [made[0]]
    assert client.get(LIST, {"page": "x"}).context["licences"] == [made[4], made[3]]
    entry = AuditEntry.objects.filter(action="licences.licence.list").latest("id")
    assert entry.detail["count"] == 2 and entry.detail["page"] == 1


def test_the_menu_shows_licences_and_marks_them_current(client, head, clerk, licence):
    client.force_login(clerk.user)
    for path in (LIST, detail(licence)):
        html = client.get(path).content.decode()
        nav = html.split('<nav class="nav"', 1)[1].split("</nav>", 1)[0]
        assert f'href="{LIST}" aria-current="page"' in nav
    html = client.get("/workbench/").content.decode()
    nav = html.split('<nav class="nav"', 1)[1].split("</nav>", 1)[0]
    assert f'href="{LIST}"' in nav and f'href="{LIST}" aria-current' not in nav
