"""On a phone: the wallet shows the holder's licence with a big QR code; the verification page
it opens says valid; both pass axe."""

import re

import pytest

from onetrip.conftest import PASSWORD, assert_accessible, make_citizen_id, screenshot


@pytest.mark.django_db(transaction=True)
def test_wallet_and_verify_page_on_a_phone(
    phone_page, live_server, person_factory, issue, settings
):
    settings.ONETRIP_SITE_URL = live_server.url
    holder = person_factory(name="王晓燕", id_number=make_citizen_id("33042419920314128"))
    licence = issue(holder_id=holder.person.id_number, holder_name="王晓燕")
    page = phone_page
    page.goto("/login/?next=/wallet/")
    page.fill("input[name=identifier]", holder.person.id_number)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/wallet/$"))
    cards = page.get_by_test_id("own-licences").locator("li")
    assert cards.count() == 1
    assert "营业执照" in cards.first.inner_text()
    assert_accessible(page)
    screenshot(page, "licences-wallet-phone")

    cards.first.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/wallet/1\.2\.156\.3005\.2\..+/$"))
    qr = page.locator("svg.qr")
    assert qr.bounding_box()["width"] >= 280  # big enough for a counter scanner
    assert_accessible(page)
    screenshot(page, "licences-detail-phone")

    page.get_by_role("button", name=re.compile("share|分享", re.I)).click()
    link = page.get_by_test_id("share-link").inner_text().strip()
    assert "/licences/shared/" in link

    page.goto(f"/licences/verify/{licence.number}/")
    verdict = page.get_by_test_id("verdict")
    assert "verdict-valid" in verdict.get_attribute("class")
    assert verdict.locator(".verdict-word").inner_text().strip() in {"有效", "Valid"}
    assert "王**" in page.content()
    assert_accessible(page)
    screenshot(page, "licences-verify-phone")
