"""A published guide never changes; an edit makes a new version; running references keep theirs."""

import pytest

from onetrip.catalogue import services
from onetrip.catalogue.models import Matter, MatterVersion, VersionStatus
from onetrip.core.errors import DomainError
from onetrip.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _publish_first(editor, supervisor, guide, department):
    draft = services.matter_draft_create(
        actor=editor, code="HY-GT-001", department=department, guide=guide
    )
    return services.matter_version_publish(actor=supervisor, version=draft)


def test_edit_of_a_published_guide_makes_a_new_version_and_keeps_the_old(editor, supervisor, guide):
    department = editor.staff.department
    v1 = _publish_first(editor, supervisor, guide, department)
    running_application_version_id = v1.pk  # what a case started today would hold

    draft = services.matter_draft_edit(
        actor=editor, matter=v1.matter, guide={"promised_days": 3, "name": "个体工商户登记"}
    )
    assert (draft.number, draft.status) == (2, VersionStatus.DRAFT)
    assert draft.pk != v1.pk
    # The copy carries everything else, materials included.
    assert [m.name for m in draft.materials.all()] == ["身份证件", "经营场所使用证明"]
    # A second edit changes the same draft, not a third version.
    again = services.matter_draft_edit(actor=editor, matter=v1.matter, guide={"max_trips": 1})
    assert again.pk == draft.pk and again.promised_days == 3 and again.max_trips == 1

    # Until published, the public guide is still version 1, unchanged.
    v1.refresh_from_db()
    assert (v1.status, v1.promised_days, v1.name) == ("published", 1, "个体工商户设立登记")
    assert Matter.objects.get(pk=v1.matter_id).current_version_id == v1.pk

    services.matter_version_publish(actor=supervisor, version=draft)
    matter = Matter.objects.get(pk=v1.matter_id)
    assert matter.current_version_id == draft.pk
    old = MatterVersion.objects.get(pk=running_application_version_id)
    assert old.status == VersionStatus.RETIRED
    assert (old.promised_days, old.max_trips, old.name) == (1, 0, "个体工商户设立登记")
    assert old.materials.count() == 2

    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert actions.count("catalogue.version.publish") == 2
    assert "catalogue.version.edit" in actions


def test_a_published_version_cannot_be_published_again(editor, supervisor, guide):
    v1 = _publish_first(editor, supervisor, guide, editor.staff.department)
    with pytest.raises(DomainError) as caught:
        services.matter_version_publish(actor=supervisor, version=v1)
    assert caught.value.code == "catalogue.not_a_draft"


def test_invalid_guide_is_refused_with_every_problem_and_nothing_saved(editor, guide):
    guide.update(promised_days=30, legal_days=20, matter_type="licence", is_fee=True)
    guide["materials"].append({"name": "", "form": "scan"})
    with pytest.raises(DomainError) as caught:
        services.matter_draft_create(
            actor=editor, code="HY-GT-002", department=editor.staff.department, guide=guide
        )
    assert caught.value.code == "catalogue.invalid_guide"
    fields = {(p["part"], p["field"]) for p in caught.value.detail["problems"]}
    assert {
        ("guide", "promised_days"),
        ("guide", "matter_type"),
        ("guide", "fee_description"),
        ("materials", "name"),
        ("materials", "form"),
    } <= fields
    assert not Matter.objects.exists()


def test_code_taken(editor, guide):
    department = editor.staff.department
    services.matter_draft_create(actor=editor, code="HY-GT-003", department=department, guide=guide)
    with pytest.raises(DomainError) as caught:
        services.matter_draft_create(
            actor=editor, code="HY-GT-003", department=department, guide=guide
        )
    assert (caught.value.code, caught.value.status) == ("catalogue.code_taken", 409)


def test_shared_data_fields_are_cleaned_from_a_list_or_a_cell(editor, guide):
    guide["materials"][0]["source_fields"] = "name｜address、name"
    draft = services.matter_draft_create(
        actor=editor, code="HY-GT-002", department=editor.staff.department, guide=guide
    )
    identity, premises = draft.materials.all()
    assert identity.source_fields == ["name", "address"]
    assert identity.dataset_code == "POP-BASE"
    assert identity.dataset_fields == ["id_number", "name", "address"]
    # Only a material pulled from shared data keeps a field list.
    assert (premises.source_fields, premises.dataset_fields, premises.dataset_code) == ([], [], "")

    guide["materials"][0]["source_fields"] = ["Name", "住址"]
    with pytest.raises(DomainError) as caught:
        services.matter_draft_create(
            actor=editor, code="HY-GT-003", department=editor.staff.department, guide=guide
        )
    [problem] = caught.value.detail["problems"]
    assert (problem["part"], problem["index"], problem["field"]) == (
        "materials",
        0,
        "source_fields",
    )
    assert "Name、住址" in problem["message"]


@pytest.mark.parametrize(
    ("source_ref", "fields", "says"),
    [
        ("TAX-BASE.deed_tax", [], "数据目录中没有启用的数据集 TAX-BASE"),
        ("POP-BASE.household", [], "数据集 POP-BASE 没有字段 household"),
        ("POP-BASE.id_number", ["name", "marriage", "spouse"], "没有字段 marriage、spouse"),
    ],
)
def test_publishing_refuses_shared_data_the_catalogue_does_not_have(
    editor, supervisor, guide, source_ref, fields, says
):
    guide["materials"][0].update(source_ref=source_ref, source_fields=fields)
    draft = services.matter_draft_create(
        actor=editor, code="HY-GT-004", department=editor.staff.department, guide=guide
    )
    with pytest.raises(DomainError) as caught:
        services.matter_version_publish(actor=supervisor, version=draft)
    assert (caught.value.code, caught.value.status) == ("catalogue.unknown_source", 422)
    assert says in caught.value.message and "身份证件" in caught.value.message
    assert caught.value.detail["problems"][0]["index"] == 0
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT and draft.matter.current_version_id is None


def test_publishing_refuses_a_dataset_that_was_switched_off(
    editor, supervisor, guide, population_dataset
):
    population_dataset.is_active = False
    population_dataset.save()
    draft = services.matter_draft_create(
        actor=editor, code="HY-GT-005", department=editor.staff.department, guide=guide
    )
    with pytest.raises(DomainError) as caught:
        services.matter_version_publish(actor=supervisor, version=draft)
    assert caught.value.code == "catalogue.unknown_source"


def test_a_form_field_may_name_what_the_platform_fills_in(editor, guide):
    guide["form_schema"][0]["prefill"] = "entity.name"
    guide["form_schema"][1]["prefill"] = "applicant.age"
    with pytest.raises(DomainError) as caught:
        services.matter_draft_create(
            actor=editor, code="HY-GT-006", department=editor.staff.department, guide=guide
        )
    [problem] = caught.value.detail["problems"]
    assert (problem["part"], problem["index"], problem["field"]) == ("form", 1, "prefill")
    assert "applicant.name" in problem["message"]
    del guide["form_schema"][1]["prefill"]
    draft = services.matter_draft_create(
        actor=editor, code="HY-GT-006", department=editor.staff.department, guide=guide
    )
    assert draft.form_schema[0]["prefill"] == "entity.name"
    assert "prefill" not in draft.form_schema[1]  # only where one is named
