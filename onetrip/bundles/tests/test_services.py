"""The merge rule, one case per matter on submission, the status roll-up and joint licensing."""

import pytest

from onetrip.bundles import services
from onetrip.bundles.merge import merge_forms, merge_materials
from onetrip.bundles.models import BundleStatus
from onetrip.bundles.status import bundle_status_of
from onetrip.cases import services as case_services
from onetrip.cases.models import Application, CaseStatus
from onetrip.core.errors import DomainError

from .conftest import HYGIENE_CODE, SHOP_CODE

pytestmark = pytest.mark.django_db


def test_merged_form_asks_each_field_once_and_prefixes_conflicting_types(life_event):
    merged = merge_forms(services.bundle_versions(life_event))
    by_name = {f["name"]: f for f in merged.fields}
    # 4 + 4 questions in the guides; business_name and phone are shared (same name, same type).
    assert list(by_name) == [
        "business_name",
        "owner_id",
        "phone",
        f"{SHOP_CODE}__capital",
        f"{HYGIENE_CODE}__capital",
        "area",
    ]
    # Required when any matter requires it; the first matter's label.
    assert by_name["business_name"]["required"] is True
    assert by_name["business_name"]["label"] == "名称"
    assert by_name["phone"]["matters"] == [SHOP_CODE, HYGIENE_CODE]
    # `capital` is a number in one matter and a choice in the other: two prefixed fields.
    assert by_name[f"{SHOP_CODE}__capital"]["type"] == "number"
    assert by_name[f"{HYGIENE_CODE}__capital"]["choices"] == ["10万元以下", "10万元及以上"]
    assert "公共场所卫生许可" in by_name[f"{HYGIENE_CODE}__capital"]["label"]
    # Each matter gets its own slice under its own field names.
    data = {"business_name": "店", "phone": "13800001111", f"{HYGIENE_CODE}__capital": "10万元以下"}
    assert merged.slice_for(HYGIENE_CODE, data) == {
        "business_name": "店",
        "phone": "13800001111",
        "capital": "10万元以下",
        "area": "",
    }


def test_choice_fields_with_different_choices_are_not_merged(life_event):
    from types import SimpleNamespace

    def version(code, choices):
        return SimpleNamespace(
            matter=SimpleNamespace(code=code),
            name=code,
            form_schema=[{"name": "kind", "label": "类型", "type": "choice", "choices": choices}],
        )

    same = merge_forms([version("A", ["甲", "乙"]), version("B", ["甲", "乙"])])
    assert [f["name"] for f in same.fields] == ["kind"]
    different = merge_forms([version("A", ["甲", "乙"]), version("B", ["甲"])])
    assert [f["name"] for f in different.fields] == ["A__kind", "B__kind"]


def test_materials_are_deduplicated_by_name(life_event):
    materials = {m.name: m for m in merge_materials(services.bundle_versions(life_event))}
    assert list(materials) == ["身份证件", "申请书", "经营场所使用证明", "卫生许可申请表"]
    assert len(materials["经营场所使用证明"].parts) == 2  # uploaded once, for both matters
    assert materials["身份证件"].needs_upload is False  # pulled from shared data


def test_one_submission_creates_one_case_per_matter_in_each_department(
    ready_bundle, citizen, market, health
):
    bundle = services.bundle_submit(actor=citizen, bundle=ready_bundle)
    cases = {c.matter_version.matter.code: c for c in Application.objects.all()}
    assert set(cases) == {SHOP_CODE, HYGIENE_CODE}
    shop, hygiene = cases[SHOP_CODE], cases[HYGIENE_CODE]
    assert (shop.department, hygiene.department) == (market, health)
    assert {shop.bundle_ref, hygiene.bundle_ref} == {bundle.number}
    assert shop.status == hygiene.status == CaseStatus.SUBMITTED
    assert shop.form_data["capital"] == 3.5
    assert hygiene.form_data == {
        "business_name": "海盐李四小吃店",
        "phone": "13800001111",
        "capital": "10万元以下",
        "area": 45,
    }
    # The shared material was uploaded once and reached both cases.
    assert bundle.materials.filter(name="经营场所使用证明").count() == 1
    assert shop.materials.filter(matter_material__name="经营场所使用证明").count() == 1
    assert hygiene.materials.filter(matter_material__name="经营场所使用证明").count() == 1
    assert hygiene.materials.count() == 2 and shop.materials.count() == 2
    assert bundle.submitted_at is not None


def test_with_consent_each_part_pulls_its_shared_data_materials(ready_bundle, citizen):
    import datetime

    from onetrip.exchange.models import Consent, PulledMaterial
    from onetrip.registries.services import population_record_save

    person = citizen.person
    population_record_save(
        actor="cli:test",
        id_number=person.id_number,
        name=person.name,
        gender="female",
        birth_date=datetime.date(1990, 1, 1),
        phone="13900000000",
    )
    services.bundle_submit(actor=citizen, bundle=ready_bundle, consent=True)
    shop = Application.objects.get(matter_version__matter__code=SHOP_CODE)
    [pulled] = PulledMaterial.objects.all()
    assert (pulled.case_number, pulled.name, pulled.status) == (shop.number, "身份证件", "pulled")
    assert pulled.snapshot == {
        "id_number": person.id_number,
        "name": person.name,
        "gender": "female",
    }
    # Pages show a coded value as people read it, with the field's label.
    from onetrip.exchange.selectors import pulled_for_case

    shown = pulled_for_case(case_number=shop.number)[pulled.matter_material_id]
    assert ("性别", "女") in shown.items and ("姓名", person.name) in shown.items
    # One consent, for the part that pulls something (the other has nothing to pull).
    assert list(Consent.objects.values_list("case_number", flat=True)) == [shop.number]


def test_submission_is_all_or_nothing(life_event, citizen, merged_data):
    bundle = services.bundle_start(actor=citizen, life_event=life_event)
    services.bundle_form_save(actor=citizen, bundle=bundle, data=merged_data)
    with pytest.raises(DomainError) as refused:
        services.bundle_submit(actor=citizen, bundle=bundle)
    assert refused.value.code == "bundles.materials_missing"
    assert "经营场所使用证明" in refused.value.message
    assert Application.objects.count() == 0
    bundle.refresh_from_db()
    assert bundle.submitted_at is None and bundle.form_data["area"] == 45


def test_the_merged_form_is_validated_per_field(life_event, citizen):
    bundle = services.bundle_start(actor=citizen, life_event=life_event)
    with pytest.raises(DomainError) as refused:
        services.bundle_form_save(
            actor=citizen, bundle=bundle, data={"area": "很大", "phone": "123"}
        )
    assert set(refused.value.detail) == {"area", "phone"}


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([], BundleStatus.DRAFT),
        (["submitted", "submitted"], BundleStatus.SUBMITTED),
        (["accepted", "submitted"], BundleStatus.SUBMITTED),
        (["accepted", "in_review"], BundleStatus.IN_PROGRESS),
        (["approved", "in_review"], BundleStatus.IN_PROGRESS),
        (["correction", "approved"], BundleStatus.CORRECTION),
        (["correction", "submitted"], BundleStatus.CORRECTION),
        (["approved", "delivered"], BundleStatus.FINISHED),
        (["result_issued", "rated"], BundleStatus.FINISHED),
        (["approved", "denied"], BundleStatus.PARTLY_DENIED),
        (["not_accepted", "delivered"], BundleStatus.PARTLY_DENIED),
        (["denied", "not_accepted"], BundleStatus.DENIED),
        (["denied", "in_review"], BundleStatus.IN_PROGRESS),
        (["withdrawn", "withdrawn"], BundleStatus.WITHDRAWN),
    ],
)
def test_status_follows_the_parts(statuses, expected):
    assert bundle_status_of(statuses) == expected


def _parts(bundle):
    return {
        p.application.matter_version.matter.code: p.application
        for p in bundle.parts.select_related("application__matter_version__matter")
    }


def _accept_all(bundle, market_staff, health_staff):
    parts = _parts(bundle)
    return (
        case_services.case_accept(actor=market_staff, case=parts[SHOP_CODE]),
        case_services.case_accept(actor=health_staff, case=parts[HYGIENE_CODE]),
    )


def test_joint_licensing_issues_no_licence_before_every_part_is_approved_then_all(
    ready_bundle, citizen, market_staff, health_staff
):
    from onetrip.bundles.selectors import bundle_get
    from onetrip.licences.models import Licence

    bundle = services.bundle_submit(actor=citizen, bundle=ready_bundle)
    shop, hygiene = _accept_all(bundle, market_staff, health_staff)
    assert bundle_get(user=citizen, number=bundle.number).status == BundleStatus.IN_PROGRESS

    shop = case_services.case_approve(actor=market_staff, case=shop)
    assert shop.status == CaseStatus.APPROVED
    assert shop.licence_number == "" and Licence.objects.count() == 0  # held
    with pytest.raises(DomainError) as refused:
        case_services.case_result_issue(actor=market_staff, case=shop)
    assert refused.value.code == "cases.licence_held"

    hygiene = case_services.case_approve(actor=health_staff, case=hygiene)
    shop.refresh_from_db()
    bundle.refresh_from_db()
    licences = {lic.source: lic for lic in Licence.objects.all()}
    assert set(licences) == {f"case:{shop.number}", f"case:{hygiene.number}"}
    assert shop.licence_number and hygiene.licence_number
    assert bundle.results_issued_at is not None
    # Issued together: by the same joint issue, in one transaction.
    assert licences[f"case:{shop.number}"].issued_at.date() == bundle.results_issued_at.date()
    assert bundle_get(user=citizen, number=bundle.number).status == BundleStatus.FINISHED
    assert case_services.case_result_issue(actor=market_staff, case=shop).status == (
        CaseStatus.RESULT_ISSUED
    )


def test_without_joint_licensing_each_licence_comes_at_approval(
    life_event, citizen, merged_data, market_staff, health_staff
):
    from onetrip.bundles.merge import merge_materials
    from onetrip.licences.models import Licence

    from .conftest import pdf

    bundle = services.bundle_start(actor=citizen, life_event=life_event, is_joint=False)
    services.bundle_form_save(actor=citizen, bundle=bundle, data=merged_data)
    for material in merge_materials(services.bundle_versions(life_event)):
        if material.needs_upload:
            services.bundle_material_upload(
                actor=citizen, bundle=bundle, material_key=material.key, uploaded_file=pdf()
            )
    bundle = services.bundle_submit(actor=citizen, bundle=bundle)
    shop, _hygiene = _accept_all(bundle, market_staff, health_staff)
    shop = case_services.case_approve(actor=market_staff, case=shop)
    assert shop.licence_number and Licence.objects.count() == 1


def test_a_denied_part_releases_the_others_licences_when_all_are_decided(
    ready_bundle, citizen, market_staff, health_staff
):
    from onetrip.bundles.selectors import bundle_get
    from onetrip.licences.models import Licence

    bundle = services.bundle_submit(actor=citizen, bundle=ready_bundle)
    shop, hygiene = _accept_all(bundle, market_staff, health_staff)
    case_services.case_approve(actor=market_staff, case=shop)
    assert Licence.objects.count() == 0
    case_services.case_deny(actor=health_staff, case=hygiene, reason="场所不符合卫生要求")
    shop.refresh_from_db()
    assert Licence.objects.get().source == f"case:{shop.number}"
    assert bundle_get(user=citizen, number=bundle.number).status == BundleStatus.PARTLY_DENIED


def test_a_correction_shows_on_the_bundle(ready_bundle, citizen, health_staff):
    from onetrip.bundles.selectors import bundle_get

    bundle = services.bundle_submit(actor=citizen, bundle=ready_bundle)
    hygiene = _parts(bundle)[HYGIENE_CODE]
    case_services.case_correction_request(actor=health_staff, case=hygiene, note="面积有误")
    assert bundle_get(user=citizen, number=bundle.number).status == BundleStatus.CORRECTION


def test_only_the_applicant_works_on_a_bundle(ready_bundle, person_factory, market_staff):
    other = person_factory(name="王五", level="L2")
    for actor in (other, market_staff):
        with pytest.raises(DomainError) as refused:
            services.bundle_submit(actor=actor, bundle=ready_bundle)
        assert refused.value.code == "bundles.not_found"
    assert Application.objects.count() == 0


def test_a_bundle_is_submitted_once(ready_bundle, citizen):
    services.bundle_submit(actor=citizen, bundle=ready_bundle)
    with pytest.raises(DomainError) as refused:
        services.bundle_submit(actor=citizen, bundle=ready_bundle)
    assert refused.value.code == "bundles.already_submitted"
    assert Application.objects.count() == 2


def test_level_and_legal_person_are_checked_at_start(life_event, person_factory):
    from onetrip.catalogue.models import MatterVersion

    low = person_factory(name="赵六", level="L1")
    with pytest.raises(DomainError):
        services.bundle_start(actor=low, life_event=life_event)
    MatterVersion.objects.filter(matter__code=HYGIENE_CODE).update(applicant_kind="legal")
    with pytest.raises(DomainError) as refused:
        services.bundle_start(actor=person_factory(name="钱七", level="L2"), life_event=life_event)
    assert refused.value.code == "bundles.legal_person_needed"


def test_the_merged_form_starts_with_what_the_platform_knows(life_event, citizen):
    from onetrip.catalogue.models import MatterVersion

    for version in MatterVersion.objects.filter(status="published"):
        version.form_schema = [
            {**field, "prefill": "applicant.phone"} if field["name"] == "phone" else field
            for field in version.form_schema
        ]
        version.save(update_fields=["form_schema"])
    bundle = services.bundle_start(actor=citizen, life_event=life_event)
    assert bundle.form_data == {"phone": citizen.phone}
