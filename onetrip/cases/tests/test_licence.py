"""Approval of a matter with a licence type issues the e-licence through licences.services."""

import pytest
from django.utils import translation

from onetrip.cases import notices, services
from onetrip.conftest import pdf_text
from onetrip.core.errors import DomainError

from .conftest import draft_with

pytestmark = pytest.mark.django_db(transaction=True)


def uscc(first17: str) -> str:
    from onetrip.accounts.validators import uscc_check_char

    return first17 + uscc_check_char(first17)


@pytest.fixture
def licence_type(market):
    from onetrip.licences.services import licence_type_save

    return licence_type_save(
        actor="cli:test",
        code="SPJY",
        name="食品经营许可证",
        identifier_code="11100000000000000A002",
        department=market,
        issuer_code=uscc("11330424002500001"),
        fields_schema=[{"name": "business_name", "label": "名称"}],
        validity_months=60,
    )


def _approved_ready(publish, citizen, valid_form, clerk, reviewer):
    version = publish(licence_type_code="SPJY")
    case = draft_with(version, citizen, valid_form)
    services.case_submit(actor=citizen, case=case)
    case = services.case_accept(actor=clerk, case=case)
    for _step in range(2):
        case = services.case_step_complete(actor=reviewer, case=case)
    return case


def test_approval_issues_the_licence(
    publish, citizen, valid_form, clerk, reviewer, market, licence_type
):
    from onetrip.licences.models import Licence
    from onetrip.signing.services import signing_key_create

    signing_key_create(actor="cli:test", department=market)
    case = _approved_ready(publish, citizen, valid_form, clerk, reviewer)
    case = services.case_approve(actor=reviewer, case=case)
    licence = Licence.objects.get(source=f"case:{case.number}")
    assert case.licence_number == licence.number
    assert licence.holder_id == citizen.person.id_number and licence.holder_name == "李四"
    assert licence.fields == {"business_name": "海盐李四小吃店"}
    # The decision (准予行政许可决定书) names the e-licence and where to find it.
    notice = case.notices.get(kind="approval")
    with translation.override("zh-hans"):
        text = pdf_text(notices.notice_pdf(notice))
    assert "准予行政许可决定书" in text and licence.number in text and "卡包" in text


def test_no_signing_key_means_no_approval(
    publish, citizen, valid_form, clerk, reviewer, licence_type
):
    case = _approved_ready(publish, citizen, valid_form, clerk, reviewer)
    with pytest.raises(DomainError) as refused:
        services.case_approve(actor=reviewer, case=case)
    assert refused.value.code == "licences.no_signing_key"
    case.refresh_from_db()
    assert case.status == "in_review" and case.licence_number == ""
