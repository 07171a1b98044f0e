"""A quick phone smoke test: a citizen applies online from the guide page (more flows, with
axe on every page, come with the browser test suite)."""

import pytest

from onetrip.conftest import PASSWORD, assert_accessible

from .conftest import PDF

pytestmark = pytest.mark.django_db(transaction=True)


def test_citizen_applies_on_a_phone(phone_page, version, citizen, valid_form, tmp_path):
    page = phone_page
    page.goto("/login/?next=/matters/" + version.matter.code + "/")
    page.fill("#id_identifier", citizen.person.id_number)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/matters/{version.matter.code}/")
    page.get_by_test_id("apply-online").click()
    page.get_by_test_id("start").click()
    page.wait_for_url("**/form/")
    assert_accessible(page)
    for name, value in valid_form.items():
        field = page.locator(f"#f-{name}")
        if name == "kind":
            field.select_option(value)
        else:
            field.fill(value)
    page.get_by_test_id("save-form").click()
    page.wait_for_url("**/applications/*/")
    scan = tmp_path / "申请书.pdf"
    scan.write_bytes(PDF)
    for label in ("申请书", "经营场所使用证明"):
        material = version.materials.get(name=label)
        page.set_input_files(f"#file-{material.pk}", str(scan))
        page.locator(f"form:has(#file-{material.pk}) button[type=submit]").click()
        page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_test_id("submit").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("status").inner_text() in {"已提交", "Submitted"}
    number = page.get_by_test_id("case-number").inner_text()
    page.goto("/applications/")
    assert number in page.locator("main").inner_text()
