"""On a phone, a citizen submits an application and then withdraws it (撤回申请) with a reason."""

import pytest

from onetrip.conftest import PASSWORD, assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "经营场所另有安排，暂不开业"


def test_citizen_submits_then_withdraws_on_a_phone(phone_page, ready_draft, citizen):
    from onetrip.cases.models import Application

    page = phone_page
    detail = f"/applications/{ready_draft.number}/"
    page.goto(f"/login/?next={detail}")
    page.fill("#id_identifier", citizen.person.id_number)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**{detail}")
    assert page.get_by_test_id("withdraw").count() == 0  # a draft is not withdrawn

    page.get_by_test_id("submit").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("status").inner_text() == "已提交"
    section = page.get_by_test_id("withdraw-section")
    assert "撤回申请" in section.inner_text()
    assert_accessible(page)

    # The reason is required: the browser keeps the form until one is given.
    page.get_by_test_id("withdraw").click()
    assert page.get_by_test_id("status").inner_text() == "已提交"
    assert Application.objects.get(pk=ready_draft.pk).status == "submitted"

    page.get_by_test_id("withdraw-reason").fill(REASON)
    section.scroll_into_view_if_needed()
    screenshot(page, "case-withdraw-form-phone", full_page=False)
    page.get_by_test_id("withdraw").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("status").inner_text() == "已撤回"
    assert page.get_by_test_id("withdrawal-reason").inner_text() == REASON
    assert page.get_by_test_id("withdraw").count() == 0
    assert "已撤回" in page.locator("main table").last.inner_text()  # the history line
    assert_accessible(page)
    screenshot(page, "case-withdrawn-phone")
    assert Application.objects.get(pk=ready_draft.pk).status == "withdrawn"
