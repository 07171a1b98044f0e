"""Staff of the implementing department edit; only supervisors publish."""

import pytest

from onetrip.catalogue import services
from onetrip.catalogue.models import Matter
from onetrip.core.errors import DomainError

pytestmark = pytest.mark.django_db


def _draft(editor, guide):
    return services.matter_draft_create(
        actor=editor, code="HY-P-001", department=editor.staff.department, guide=guide
    )


def test_staff_of_another_department_cannot_create_or_edit(editor, staff_factory, guide):
    other = staff_factory(department="县卫生健康局", roles=("reviewer", "department_head")).user
    with pytest.raises(DomainError) as caught:
        services.matter_draft_create(
            actor=other, code="HY-P-009", department=editor.staff.department, guide=guide
        )
    assert (caught.value.code, caught.value.status) == ("catalogue.other_department", 403)
    draft = _draft(editor, guide)
    with pytest.raises(DomainError) as caught:
        services.matter_draft_edit(actor=other, matter=draft.matter, guide={"max_trips": 2})
    assert caught.value.code == "catalogue.other_department"
    draft.refresh_from_db()
    assert draft.max_trips == 0


def test_a_role_without_catalogue_edit_cannot_edit(staff_factory, guide):
    clerk = staff_factory(department="县市场监管局", roles=("window_clerk",)).user
    with pytest.raises(DomainError) as caught:
        services.matter_draft_create(
            actor=clerk, code="HY-P-002", department=clerk.staff.department, guide=guide
        )
    assert caught.value.code == "catalogue.edit_not_allowed"
    assert not Matter.objects.exists()


def test_anonymous_cannot_edit(editor, guide):
    with pytest.raises(DomainError) as caught:
        services.matter_draft_create(
            actor=None, code="HY-P-003", department=editor.staff.department, guide=guide
        )
    assert caught.value.status == 401


def test_only_a_supervisor_publishes(editor, staff_factory, supervisor, guide, client):
    draft = _draft(editor, guide)
    head = staff_factory(department="县市场监管局", roles=("department_head",)).user
    for user in (editor, head):
        with pytest.raises(DomainError) as caught:
            services.matter_version_publish(actor=user, version=draft)
        assert caught.value.code == "catalogue.publish_not_allowed"

    client.force_login(editor)
    response = client.post("/api/v1/catalogue/matters/HY-P-001/publish")
    assert response.status_code == 403
    assert response.json()["code"] == "catalogue.publish_not_allowed"
    assert Matter.objects.get(code="HY-P-001").current_version is None

    client.force_login(supervisor)
    response = client.post("/api/v1/catalogue/matters/HY-P-001/publish")
    assert response.status_code == 200
    assert response.json() == {"code": "HY-P-001", "version": 1, "status": "published"}
    assert client.get("/api/v1/matters/HY-P-001").status_code == 200


def test_drafts_are_not_public(editor, guide, client):
    _draft(editor, guide)
    assert client.get("/api/v1/matters/HY-P-001").status_code == 404
    assert client.get("/api/v1/matters").json()["count"] == 0
