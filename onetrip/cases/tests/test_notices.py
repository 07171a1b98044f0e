"""Written notices (办件文书): each intake and refusal gives the applicant a sealed, dated notice
with what the law asks it to say; the applicant and the staff on the case print it as PDF, and
anyone holding it checks it at the public page its QR code opens."""

import base64
import uuid

import pytest
from django.utils import translation

from onetrip.cases import notices, services
from onetrip.cases.models import CaseNotice, NoticeKind
from onetrip.conftest import pdf_text
from onetrip.core.models import AuditEntry
from onetrip.signing import services as signing

from .conftest import draft_with, material_named

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def chinese():
    """Notices are worded in the reader's language: a page request activates it, these direct
    calls ask for the default (a management command run by an earlier test may have switched
    translation off in this thread)."""
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def market_key(market):
    return signing.signing_key_create(actor="cli:test", department=market)


def test_acceptance_issues_a_sealed_notice_that_states_the_deadline(submitted, clerk, market_key):
    case = services.case_accept(actor=clerk, case=submitted)
    notice = case.notices.get()
    assert notice.kind == NoticeKind.ACCEPTANCE
    assert notice.number == f"{case.number}-SL"
    assert notice.issued_by == clerk
    assert notice.content["deadline_on"] == case.deadline_on.isoformat()
    assert notice.content["promised_days"] == 5
    assert notice.content["subject_name"] == "李四"
    assert (notice.key_id, notice.alg) == (market_key.key_id, market_key.algorithm)
    signature = base64.b64decode(notice.signature)
    assert signing.verify(notice.key_id, notice.signed_bytes(), signature)

    text = pdf_text(notices.notice_pdf(notice))
    assert "受理通知书" in text
    assert f"{case.number}-SL" in text
    assert "李四" in text
    assert "5个工作日" in text
    deadline = case.deadline_on
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in text
    assert "县市场监管局" in text and "电子印章" in text


def test_tolerated_missing_materials_are_listed_with_their_due_date(
    ready_draft, citizen, clerk, market_key
):
    from onetrip.cases.models import CaseMaterial

    CaseMaterial.objects.filter(
        application=ready_draft,
        matter_material=material_named(ready_draft.matter_version, "经营场所使用证明"),
    ).delete()
    case = services.case_submit(actor=citizen, case=ready_draft)
    case = services.case_accept(actor=clerk, case=case)  # a new subject is grade B
    notice = case.notices.get(kind=NoticeKind.ACCEPTANCE)
    due = case.missing_materials.get().due_on
    assert notice.content["tolerated"] == [{"name": "经营场所使用证明", "due_on": due.isoformat()}]
    text = pdf_text(notices.notice_pdf(notice))
    assert "容缺" in text and "经营场所使用证明" in text


def test_refusals_state_the_reason_and_where_to_appeal(
    submitted, publish, citizen, clerk, reviewer
):
    not_accepted = services.case_not_accept(actor=clerk, case=submitted, reason="不属于本机关职权")
    notice = not_accepted.notices.get()
    assert notice.kind == NoticeKind.NON_ACCEPTANCE and notice.signature == ""  # no key yet
    text = pdf_text(notices.notice_pdf(notice))
    assert "不予受理通知书" in text and "不属于本机关职权" in text
    assert "六十日内向海盐县人民政府申请行政复议" in text
    assert "六个月内依法向海盐县人民法院提起行政诉讼" in text


def test_correction_notice_lists_everything_once(submitted, clerk, market_key):
    material = material_named(submitted.matter_version, "申请书")
    services.case_correction_request(
        actor=clerk, case=submitted, materials=[material], note="申请书未签名"
    )
    notice = submitted.notices.get()
    assert notice.kind == NoticeKind.CORRECTION
    assert notice.content["materials"] == ["申请书"]
    text = pdf_text(notices.notice_pdf(notice))
    assert "补正材料通知书" in text and "一次性告知" in text
    assert "申请书未签名" in text and "需补正的材料：申请书" in text


def test_denial_of_a_licence_is_a_decision_with_its_remedy(submitted, clerk, reviewer, market_key):
    case = services.case_accept(actor=clerk, case=submitted)
    case = services.case_deny(actor=reviewer, case=case, reason="经营场所不符合食品安全要求")
    notice = case.notices.get(kind=NoticeKind.DENIAL)
    assert notice.number == f"{case.number}-BY"
    text = pdf_text(notices.notice_pdf(notice))
    assert "不予行政许可决定书" in text
    assert "经营场所不符合食品安全要求" in text and "行政复议" in text
    assert [n.kind for n in case.notices.all()] == [NoticeKind.ACCEPTANCE, NoticeKind.DENIAL]


def test_approval_of_a_service_without_licence_states_its_result(
    publish, citizen, valid_form, clerk, reviewer, market_key
):
    version = publish(
        matter_type="public_service", result_name="生育服务登记凭证", consult_phone="0573-86001234"
    )
    case = draft_with(version, citizen, valid_form)
    case = services.case_accept(actor=clerk, case=services.case_submit(actor=citizen, case=case))
    for _step in range(2):
        case = services.case_step_complete(actor=reviewer, case=case)
    case = services.case_approve(actor=reviewer, case=case, note="请于工作日到窗口领取")
    notice = case.notices.get(kind=NoticeKind.APPROVAL)
    assert notice.number == f"{case.number}-ZY"
    text = pdf_text(notices.notice_pdf(notice))
    assert "准予办理决定书" in text and "行政许可" not in text
    assert "办理结果：生育服务登记凭证" in text and "请于工作日到窗口领取" in text
    assert "如有疑问，可致电0573-86001234咨询" in text and "办理进度" not in text  # decided
    acceptance = pdf_text(notices.notice_pdf(case.notices.get(kind=NoticeKind.ACCEPTANCE)))
    assert "查询办理进度，或致电0573-86001234咨询" in acceptance


def test_a_notice_is_frozen_when_the_case_moves_on(submitted, clerk, market_key):
    case = services.case_accept(actor=clerk, case=submitted)
    notice = case.notices.get()
    case.deadline_on = case.deadline_on.replace(year=case.deadline_on.year + 1)
    case.save(update_fields=["deadline_on"])
    notice.refresh_from_db()
    assert notice.content["deadline_on"] != case.deadline_on.isoformat()
    assert notices.notice_sealed_ok(notice)


def test_applicant_and_case_staff_download_others_get_404_and_reads_are_audited(
    client, submitted, clerk, citizen, person_factory, other_reviewer
):
    case = services.case_accept(actor=clerk, case=submitted)
    url = f"/applications/{case.number}/notices/acceptance/"
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(clerk)
    assert client.get(url).status_code == 200  # printed at the desk: not served yet
    assert case.notices.get().received_at is None
    desk = client.get(f"/workbench/cases/{case.number}/").content.decode()
    assert "申请人尚未查阅" in desk
    client.force_login(citizen)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert "李四" in pdf_text(response.content)
    page = client.get(f"/applications/{case.number}/").content.decode()
    assert f'href="{url}"' in page and "受理通知书" in page
    assert "申请人已于" not in page  # that line is for staff
    assert client.get(f"/applications/{case.number}/notices/denial/").status_code == 404

    opened = case.notices.get().received_at
    assert opened is not None  # electronic service (电子送达) at the applicant's first opening
    client.get(url)
    assert case.notices.get().received_at == opened  # the first opening counts
    client.force_login(clerk)
    desk = client.get(f"/workbench/cases/{case.number}/").content.decode()
    assert f'href="{url}"' in desk and "申请人已于" in desk
    for stranger in (person_factory(name="王五"), other_reviewer):
        client.force_login(stranger)
        assert client.get(url).status_code == 404
    reads = AuditEntry.objects.filter(target_id=case.number, purpose="notice download")
    # The applicant read the case three times (the notice twice, and the missing denial), the
    # clerk once; strangers never got the case, so nothing of theirs is a read of it.
    assert sorted(e.actor_id for e in reads) == sorted([citizen.pk] * 3 + [clerk.pk])


def test_public_check_page_vouches_without_showing_personal_data(
    client, submitted, clerk, market_key
):
    case = services.case_accept(actor=clerk, case=submitted)
    notice = case.notices.get()
    url = f"/applications/notices/{notice.public_id}/"
    assert url in notices.check_url(notice)
    html = client.get(url).content.decode()
    assert "verdict-valid" in html
    assert notice.number in html and "李*" in html
    assert "李四" not in html and case.subject_id not in html

    CaseNotice.objects.filter(pk=notice.pk).update(
        content={**notice.content, "deadline_on": "2099-01-01"}
    )
    forged = client.get(url)
    assert forged.status_code == 200 and 'data-testid="verdict"' in forged.content.decode()
    assert "verdict-invalid" in forged.content.decode()
    assert client.get(f"/applications/notices/{uuid.uuid4()}/").status_code == 404


def test_api_lists_notices_and_serves_their_pdf(client, submitted, clerk, citizen, token_for):
    case = services.case_accept(actor=clerk, case=submitted)
    auth = token_for(citizen)
    listed = client.get(f"/api/v1/applications/{case.number}/notices", **auth)
    assert listed.status_code == 200
    [item] = listed.json()
    assert item["kind"] == "acceptance" and item["number"] == f"{case.number}-SL"
    assert item["sealed"] is False and item["title"] == "受理通知书"
    assert item["received_at"] is None
    assert item["check_url"].endswith(f"/applications/notices/{case.notices.get().public_id}/")
    pdf = client.get(item["pdf"], **auth)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    again = client.get(f"/api/v1/applications/{case.number}/notices", **auth).json()
    assert again[0]["received_at"] is not None
    missing = client.get(f"/api/v1/applications/{case.number}/notices/denial/pdf", **auth)
    assert missing.status_code == 404 and missing.json()["code"] == "cases.notice_not_found"
    stranger = client.get(f"/api/v1/applications/{case.number}/notices", **token_for(clerk))
    assert stranger.status_code == 200  # the clerk works on the case
    assert client.get(f"/api/v1/applications/{case.number}/notices").status_code == 401
