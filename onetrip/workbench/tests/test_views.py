"""The workbench's pages through Django's test client: who sees what, and who may do what."""

import pytest
from django.urls import reverse
from django.utils import translation

from onetrip.accounts.models import DepartmentGrant, StaffRole
from onetrip.conftest import make_citizen_id
from onetrip.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get(reverse("workbench:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:login"))


@pytest.mark.parametrize(
    "name", ["home", "departments", "people", "grants"], ids=lambda name: f"workbench:{name}"
)
def test_citizens_get_403(client, person_factory, name):
    client.force_login(person_factory())
    assert client.get(reverse(f"workbench:{name}")).status_code == 403


def test_home_shows_department_roles_and_visible_departments(client, staff_factory):
    staff = staff_factory(department="县市场监管局", roles=("reviewer", "window_clerk"))
    staff_factory(department="县卫生健康局")
    client.force_login(staff.user)
    page = client.get(reverse("workbench:home")).content.decode()
    assert "县市场监管局" in page
    with translation.override("zh-hans"):
        assert str(StaffRole.REVIEWER.label) in page
    assert reverse("workbench:department", args=["HY-SCJG"]) in page
    assert reverse("workbench:department", args=["HY-WJJ"]) not in page


def test_reviewer_sees_nothing_of_another_department_until_granted(client, staff_factory):
    reviewer = staff_factory(department="县市场监管局")
    other = staff_factory(department="县卫生健康局")
    head = staff_factory(department="县卫生健康局", roles=("department_head",))
    client.force_login(reviewer.user)
    assert client.get(reverse("workbench:department", args=["HY-SCJG"])).status_code == 200
    response = client.get(reverse("workbench:department", args=["HY-WJJ"]))
    assert response.status_code == 404
    assert other.user.display_name not in response.content.decode()
    # Missing and out of scope answer alike.
    assert client.get(reverse("workbench:department", args=["NOPE"])).status_code == 404
    tree = client.get(reverse("workbench:departments")).content.decode()
    assert "县卫生健康局" in tree
    assert reverse("workbench:department", args=["HY-WJJ"]) not in tree

    client.force_login(head.user)
    response = client.post(
        reverse("workbench:grants"),
        {
            "username": reviewer.user.username,
            "department": head.department_id,
            "reason": "联合审查",
        },
    )
    assert response.status_code == 302
    client.force_login(reviewer.user)
    page = client.get(reverse("workbench:department", args=["HY-WJJ"])).content.decode()
    assert other.user.display_name in page


def test_only_clerks_and_administrators_may_look_people_up(client, staff_factory):
    client.force_login(staff_factory(roles=("reviewer",)).user)
    assert client.get(reverse("workbench:people")).status_code == 403


def test_window_clerk_verifies_a_person_in_person(client, staff_factory, person_factory):
    id_number = make_citizen_id("33042419900101456")
    citizen = person_factory(name="张三", id_number=id_number, level="L2", phone="13912345678")
    clerk = staff_factory(roles=("window_clerk",))
    client.force_login(clerk.user)
    page = client.get(reverse("workbench:people")).content.decode()
    assert reverse("workbench:people") in page
    response = client.post(reverse("workbench:people"), {"id_number": id_number})
    page = response.content.decode()
    assert response.status_code == 200
    assert "张三" in page and "139****5678" in page
    assert AuditEntry.objects.filter(
        action="accounts.person.lookup", subject_id=id_number, actor_id=clerk.user.pk
    ).exists()
    verify_url = reverse("workbench:person_verify", args=[citizen.public_id])
    assert verify_url in page
    response = client.post(verify_url)
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.assurance_level == "L3"
    assert AuditEntry.objects.filter(
        action="accounts.person.verify_in_person", actor_id=clerk.user.pk
    ).exists()


def test_lookup_of_an_unknown_or_malformed_number(client, staff_factory):
    client.force_login(staff_factory(roles=("window_clerk",)).user)
    response = client.post(
        reverse("workbench:people"), {"id_number": make_citizen_id("33042419700101777")}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="not-found"' in page
    assert "/verify/" not in page
    response = client.post(reverse("workbench:people"), {"id_number": "not-a-number"})
    assert response.status_code == 400


def test_reviewer_cannot_verify_in_person(client, staff_factory, person_factory):
    citizen = person_factory()
    client.force_login(staff_factory(roles=("reviewer",)).user)
    response = client.post(reverse("workbench:person_verify", args=[citizen.public_id]))
    assert response.status_code == 403
    citizen.refresh_from_db()
    assert citizen.assurance_level == "L1"


def test_department_head_grants_only_their_own_department(client, staff_factory):
    head = staff_factory(department="县市场监管局", roles=("department_head",))
    grantee = staff_factory(department="县卫生健康局")
    third = staff_factory(department="县公安局")
    client.force_login(head.user)
    response = client.post(
        reverse("workbench:grants"),
        {"username": grantee.user.username, "department": third.department_id, "reason": "x"},
    )
    assert response.status_code == 400
    assert not DepartmentGrant.objects.exists()
    response = client.post(
        reverse("workbench:grants"),
        {"username": "nobody", "department": head.department_id, "reason": "x"},
    )
    assert response.status_code == 400
    response = client.post(
        reverse("workbench:grants"),
        {"username": grantee.user.username, "department": head.department_id, "reason": "联审"},
    )
    assert response.status_code == 302
    grant = DepartmentGrant.objects.get()
    assert (grant.staff, grant.department, grant.granted_by) == (
        grantee,
        head.department,
        head.user,
    )
    page = client.get(reverse("workbench:grants")).content.decode()
    assert grantee.user.display_name in page and "联审" in page


def test_administrator_grants_any_department(client, staff_factory):
    admin = staff_factory(department="县数据局", roles=("administrator",))
    grantee = staff_factory(department="县卫生健康局")
    target = staff_factory(department="县市场监管局")
    client.force_login(admin.user)
    response = client.post(
        reverse("workbench:grants"),
        {"username": grantee.user.username, "department": target.department_id, "reason": "联审"},
    )
    assert response.status_code == 302
    assert DepartmentGrant.objects.filter(staff=grantee, department=target.department).exists()


def test_reviewer_cannot_grant(client, staff_factory):
    client.force_login(staff_factory(roles=("reviewer",)).user)
    assert client.get(reverse("workbench:grants")).status_code == 403
