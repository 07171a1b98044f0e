"""The Django admin: in Chinese, for administrators (is_staff) only; the audit log read-only;
admin writes and looks at personal data are audited."""

import pytest
from django.contrib import admin
from django.urls import reverse

from onetrip.core import audit
from onetrip.core.models import AuditEntry


@pytest.fixture
def administrator(staff_factory):
    user = staff_factory(roles=("administrator",)).user
    assert user.is_staff and user.is_superuser  # the administrator role opens the admin
    return user


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def test_an_administrator_sees_the_admin_in_chinese(admin_client):
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'lang="zh-hans"' in page and "站点管理" in page
    models = {m["object_name"] for app in response.context["app_list"] for m in app["models"]}
    assert {
        "AuditEntry",
        "Region",
        "Department",
        "ServiceHall",
        "PopulationRecord",
        "EntityRecord",
        "User",
        "Person",
        "LegalPerson",
        "Representation",
        "Staff",
        "DepartmentGrant",
        "OneTimeCode",
    } <= models


def test_every_admin_list_and_form_opens(admin_client, administrator, rf, person_factory):
    person_factory()
    request = rf.get("/admin/")
    request.user = administrator
    audit.record(actor="tests", action="tests.admin.seed")
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert admin_client.get(changelist).status_code == 200, changelist
        add = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
        expected = 200 if model_admin.has_add_permission(request) else 403
        assert add.status_code == expected, opts.label
        first = model.objects.first()
        if first is not None:
            change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])
            assert admin_client.get(change).status_code == 200, change


def test_the_audit_log_cannot_be_changed_in_the_admin(admin_client):
    entry = audit.record(actor="tests", action="tests.admin.seed", purpose="original")
    change_url = reverse("admin:core_auditentry_change", args=[entry.pk])
    page = admin_client.get(change_url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert admin_client.post(change_url, {"purpose": "forged"}).status_code == 403
    delete_url = reverse("admin:core_auditentry_delete", args=[entry.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert admin_client.get(reverse("admin:core_auditentry_add")).status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).purpose == "original"


def test_admin_writes_and_personal_data_views_are_audited(admin_client, person_factory):
    user = person_factory(name="李四")
    person = user.person
    admin_client.get(reverse("admin:accounts_person_change", args=[person.pk]))
    viewed = AuditEntry.objects.filter(action="admin.accounts.person.view").last()
    assert viewed is not None and viewed.subject_id == person.id_number

    from onetrip.regions.models import Region

    region = Region.objects.create(code="330424100000", name="武原街道", level="town")
    response = admin_client.post(
        reverse("admin:regions_region_change", args=[region.pk]),
        {"code": region.code, "name": "武原街道（新）", "level": "town", "parent": ""},
    )
    assert response.status_code == 302
    changed = AuditEntry.objects.filter(action="admin.regions.region.change").last()
    assert changed is not None and changed.target_id == str(region.pk)
    assert next(audit.verify(), None) is None


def test_a_citizen_is_sent_to_sign_in(client, person_factory):
    client.force_login(person_factory())
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain, "no redirect"
    assert response.redirect_chain[-1][0].startswith(reverse("identity:login"))


def test_staff_without_the_admin_flag_are_sent_to_sign_in(client, staff_factory):
    client.force_login(staff_factory(roles=("reviewer",)).user)
    response = client.get("/admin/accounts/person/")
    assert response.status_code == 302
    assert "/login" in response["Location"]
