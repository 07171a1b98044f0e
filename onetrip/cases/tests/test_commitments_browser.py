"""In Chromium: on a phone a citizen replaces a proof by a written commitment (告知承诺) and
submits; after acceptance a reviewer finds it on the to-do list and records that the check found
it untrue, which the citizen then sees."""

import pytest

from onetrip.conftest import assert_accessible, screenshot

from .conftest import COMMITMENT_PROOF, COMMITMENT_WORDING
from .test_flows_browser import sign_in_citizen, sign_in_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOUND = "现场核查：该地址为他人住宅，申请人无使用权"


def test_a_commitment_on_a_phone_then_checked_at_a_desk(
    phone_page, browser_page, committable, citizen, clerk, reviewer
):
    from onetrip.cases import services
    from onetrip.cases.models import Application, CaseCommitment
    from onetrip.credit.models import CreditRecord

    _version, draft = committable
    page = phone_page
    detail = f"/applications/{draft.number}/"
    sign_in_citizen(page, citizen, detail)
    offer = page.get_by_test_id("commitment-offer")
    offer.locator("summary").click()
    assert COMMITMENT_WORDING in offer.inner_text()
    # Without the tick the browser keeps the form: nothing is committed.
    offer.get_by_role("button", name="作出承诺").click()
    assert not CaseCommitment.objects.exists()
    offer.get_by_label("本人已阅读并作出上述承诺").check()
    assert_accessible(page)
    screenshot(page, "case-commitment-offer-phone", full_page=False)
    offer.get_by_role("button", name="作出承诺").click()
    page.wait_for_load_state()
    made = page.get_by_test_id("commitment")
    assert "已以告知承诺代替" in made.inner_text()
    page.get_by_test_id("submit").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("status").inner_text() == "已提交"
    services.case_accept(actor=clerk, case=Application.objects.get(pk=draft.pk))

    desk = browser_page
    sign_in_staff(desk, reviewer)
    desk.get_by_role("link", name="待核查的告知承诺").click()
    desk.wait_for_url("**/workbench/cases/?commitments=open")
    assert desk.get_by_test_id("check-due").count() == 1
    desk.get_by_role("link", name=draft.number).click()
    form = desk.get_by_test_id("commitment-check")
    form.get_by_label("承诺不实（记入申请人信用档案）").check()
    form.get_by_label("核查情况（不实时必填）").fill(FOUND)
    assert_accessible(desk)
    screenshot(desk, "workbench-commitment-check")
    form.get_by_role("button", name="登记核查结果").click()
    desk.wait_for_load_state()
    assert "已核查：承诺不实" in desk.get_by_test_id("commitment").inner_text()
    assert CreditRecord.objects.filter(subject_id=citizen.person.id_number).count() == 1

    page.goto(detail)
    outcome = page.get_by_test_id("commitment-outcome")
    assert outcome.inner_text() == "已核查：承诺不实"
    assert COMMITMENT_PROOF in page.locator("main").inner_text()
    screenshot(page, "case-commitment-untrue-phone")
