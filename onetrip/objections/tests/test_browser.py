"""In Chromium: on a phone a citizen finds a wrong address in their data and objects with a
photo; at a desk the public-security bureau's data officer corrects the record; the citizen
sees the answer and the corrected record."""

import pyotp
import pytest

from onetrip.conftest import PASSWORD, assert_accessible, screenshot
from onetrip.objections.tests.conftest import PNG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_ADDRESS = "海盐县武原街道新桥北路8号"


def sign_in(page, identifier: str, *, totp_secret: str = ""):
    page.fill("#id_identifier", identifier)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    if totp_secret:
        page.wait_for_url("**/login/totp/")
        page.fill("#id_code", pyotp.TOTP(totp_secret).now())
        page.locator("main form button[type=submit]").click()


def test_a_citizen_objects_and_the_owner_corrects(
    phone_page, browser_page, citizen, officer, insurance, tmp_path, staff_factory
):
    import datetime

    from onetrip.credit.services import credit_record_add
    from onetrip.registries.models import PopulationRecord

    penalty = credit_record_add(
        actor=staff_factory(department="县市场监管局", roles=("data_officer",)).user,
        subject_type="person",
        subject_id=citizen.person.id_number,
        kind="bad",
        severity="minor",
        category="欠缴费用",
        decided_on=datetime.date(2026, 3, 1),
        description="逾期未缴纳罚款",
    )

    photo = tmp_path / "户口簿.png"
    photo.write_bytes(PNG)
    page = phone_page
    page.goto("/me/")
    sign_in(page, citizen.person.id_number)
    page.wait_for_url("**/me/")
    page.get_by_test_id("my-data-link").click()
    page.wait_for_url("**/me/data/")
    records = page.get_by_test_id("my-record")
    assert records.count() == 2
    population = page.locator("[data-testid=my-record][data-dataset=POP-BASE]")
    assert "海盐县武原街道旧址1号" in population.inner_text()
    assert_accessible(page)
    screenshot(page, "objections-my-data-phone")

    population.get_by_test_id("object-link").click()
    page.get_by_test_id("field-address").locator("input[type=checkbox]").check()
    page.fill("#value-address", NEW_ADDRESS)
    page.fill("#statement", "我已于今年迁居，户籍住址已变更。")
    page.set_input_files("#evidence", str(photo))
    assert_accessible(page)
    screenshot(page, "objections-form-phone")
    page.get_by_test_id("send").click()
    page.wait_for_url("**/me/data/objections/*/")
    number = page.get_by_test_id("objection-number").inner_text()
    assert page.get_by_test_id("objection-status").inner_text() == "核查中"
    assert NEW_ADDRESS in page.get_by_test_id("item-address").inner_text()

    desk = browser_page
    desk.goto("/workbench/objections/")
    sign_in(desk, officer.username, totp_secret=officer.totp_secret)
    desk.wait_for_url("**/workbench/objections/")
    desk.goto("/workbench/")  # the to-do list leads there too
    todo = desk.get_by_test_id("todo-item")
    assert todo.count() == 2 and "1 件待办" in todo.last.inner_text()  # requests, objections
    assert_accessible(desk)
    screenshot(desk, "workbench-todo")
    todo.last.locator("a").click()
    desk.wait_for_url("**/workbench/objections/")
    row = desk.get_by_test_id("objection-row")
    assert row.count() == 1 and number in row.inner_text() and "朱**" in row.inner_text()
    assert_accessible(desk)
    row.locator("a").click()
    assert "海盐县武原街道旧址1号" in desk.get_by_test_id("item-address").inner_text()
    assert "户口簿.png" in desk.locator("main").inner_text()
    desk.fill("#note", "经核对户籍档案，予以更正。")
    assert_accessible(desk)
    screenshot(desk, "objections-workbench-answer")
    desk.get_by_test_id("uphold").click()
    desk.wait_for_load_state()
    assert desk.get_by_test_id("objection-status").inner_text() == "已更正"
    assert PopulationRecord.objects.get(id_number=citizen.person.id_number).address == NEW_ADDRESS

    page.reload()
    assert page.get_by_test_id("objection-status").inner_text() == "已更正"
    assert "经核对户籍档案" in page.get_by_test_id("answer").inner_text()
    screenshot(page, "objections-answered-phone")
    page.goto("/me/data/")
    population = page.locator("[data-testid=my-record][data-dataset=POP-BASE]")
    assert NEW_ADDRESS in population.inner_text()
    assert "已更正" in page.get_by_test_id("my-objections").inner_text()

    # A credit record: the citizen says the fine was paid; it is marked while checked.
    credit = page.get_by_test_id("my-credit")
    assert "逾期未缴纳罚款" in credit.inner_text()
    credit.get_by_test_id("credit-object-link").click()
    page.fill("#statement", "罚款已于 2026-03-05 缴清，附缴款凭证。")
    assert_accessible(page)
    page.get_by_test_id("send").click()
    page.wait_for_url("**/me/data/objections/*/")
    assert page.get_by_test_id("objection-status").inner_text() == "核查中"
    page.goto("/me/data/")
    assert "异议核查中" in page.get_by_test_id("my-credit").inner_text()
    assert_accessible(page)
    screenshot(page, "objections-credit-phone")
    penalty.refresh_from_db()
    assert penalty.under_objection


def test_the_officer_asks_for_more_and_the_citizen_sends_it_from_a_phone(
    phone_page, browser_page, citizen, officer, pop_base, tmp_path
):
    from onetrip.objections import services

    objection = services.objection_file(
        actor=citizen,
        dataset=pop_base,
        key=citizen.person.id_number,
        proposed={"address": NEW_ADDRESS},
        statement="我已于今年迁居，户籍住址已变更。",
    )
    desk = browser_page
    desk.goto(f"/workbench/objections/{objection.public_id}/")
    sign_in(desk, officer.username, totp_secret=officer.totp_secret)
    desk.wait_for_url(f"**/workbench/objections/{objection.public_id}/")
    desk.fill("#request-note", "请补充新住址的房屋租赁合同或产权证明。")
    desk.get_by_test_id("request-more").click()
    desk.wait_for_load_state()
    assert "时限暂停" in desk.get_by_test_id("clock-stopped").inner_text()
    assert_accessible(desk)

    contract = tmp_path / "租赁合同.png"
    contract.write_bytes(PNG)
    page = phone_page
    page.goto(f"/me/data/objections/{objection.public_id}/")
    sign_in(page, citizen.person.id_number)
    page.wait_for_url(f"**/me/data/objections/{objection.public_id}/")
    section = page.get_by_test_id("supply-section")
    assert "租赁合同" in section.inner_text()
    page.fill("#more-note", "附房屋租赁合同。")
    page.set_input_files("#more-evidence", str(contract))
    assert_accessible(page)
    screenshot(page, "objections-supply-phone")
    page.get_by_test_id("supply").click()
    page.wait_for_url(f"**/me/data/objections/{objection.public_id}/")
    assert "附房屋租赁合同。" in page.get_by_test_id("more-answer").inner_text()
    assert "租赁合同.png" in page.locator("main").inner_text()

    desk.reload()
    assert desk.get_by_test_id("clock-stopped").count() == 0
    assert "附房屋租赁合同。" in desk.get_by_test_id("more-answer").inner_text()
