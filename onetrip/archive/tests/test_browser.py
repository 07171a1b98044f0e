"""In Chromium: the archivist finds a delivered case's record by the applicant's ID number,
opens a file of its package for a stated purpose (the use is registered), downloads the whole
package, and after the package was damaged in storage runs the check and reads what is wrong."""

import io
import zipfile

import pytest

from onetrip.archive import services
from onetrip.archive.models import ArchiveUse
from onetrip.conftest import assert_accessible, screenshot
from onetrip.objections.tests.test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_archivist_finds_uses_and_checks_a_record(
    chromium, live_server, delivered_case, archivist
):
    record = services.case_archive(case=delivered_case)
    context = chromium.new_context(
        viewport={"width": 1280, "height": 900},
        locale="zh-CN",
        base_url=live_server.url,
        accept_downloads=True,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/workbench/archive/")
    sign_in(page, archivist.username, totp_secret=archivist.totp_secret)
    page.wait_for_url("**/workbench/archive/")
    assert page.get_by_role("link", name="电子档案").count() >= 1  # in the menu

    page.fill("#q-filter", delivered_case.subject_id)
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_load_state()
    rows = page.get_by_test_id("archive-row")
    assert rows.count() == 1 and "李*" in rows.first.inner_text()
    assert "通过" in rows.first.inner_text()
    assert_accessible(page)
    screenshot(page, "archive-list")

    page.get_by_role("link", name=record.code).click()
    page.wait_for_url(f"**/workbench/archive/{record.code}/")
    assert delivered_case.subject_id in page.inner_text("main")
    files = page.get_by_test_id("file-row")
    assert files.count() == record.file_count
    assert_accessible(page)
    screenshot(page, "archive-record")

    page.fill("#purpose", "行政复议答复核对申请书")
    with page.expect_download() as info:
        files.filter(has_text="materials/01-申请书.pdf").get_by_role("button").click()
    assert info.value.suggested_filename == "01-申请书.pdf"
    with open(info.value.path(), "rb") as opened:
        assert opened.read().startswith(b"%PDF-")
    page.goto(f"/workbench/archive/{record.code}/")
    assert "行政复议答复核对申请书" in page.get_by_test_id("use-table").inner_text()

    page.fill("#purpose", "移交县档案馆")
    with page.expect_download() as info:
        page.get_by_test_id("download-package").click()
    with zipfile.ZipFile(info.value.path()) as package:
        assert "metadata.xml" in package.namelist()
    assert ArchiveUse.objects.count() == 2

    with zipfile.ZipFile(record.package.path) as package:  # damage the stored package
        entries = {name: package.read(name) for name in package.namelist()}
    del entries["process.json"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, data in entries.items():
            package.writestr(name, data)
    with open(record.package.path, "wb") as stored:
        stored.write(buffer.getvalue())

    page.goto(f"/workbench/archive/{record.code}/")
    page.get_by_test_id("check-now").click()
    page.wait_for_load_state()
    findings = page.get_by_test_id("finding")
    text = " ".join(findings.all_inner_texts())
    assert "完整性" in text and "process.json" in text and "真实性" in text
    screenshot(page, "archive-check-failed")
    context.close()


def test_a_record_past_its_retention_is_appraised_and_destroyed_by_two_people(
    chromium, live_server, delivered_case, archivist, head
):
    from django.utils import timezone

    from onetrip.archive.models import ArchiveRecord

    record = services.case_archive(case=delivered_case)
    ArchiveRecord.objects.filter(pk=record.pk).update(retention_until=timezone.localdate().year)
    for user, reason in ((archivist, "保管期满，无继续保存价值"), (head, "")):
        context = chromium.new_context(
            viewport={"width": 1280, "height": 900}, locale="zh-CN", base_url=live_server.url
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.goto("/workbench/archive/?expiring=1")
        sign_in(page, user.username, totp_secret=user.totp_secret)
        page.wait_for_url("**/workbench/archive/**")
        page.get_by_role("link", name=record.code).click()
        page.wait_for_url(f"**/workbench/archive/{record.code}/")
        if reason:  # the archivist's opinion
            page.check("#decision-destroy")
            page.fill("#reason", reason)
            page.get_by_test_id("appraise").click()
            page.wait_for_url(f"**/workbench/archive/{record.code}/")
            assert "等待审批" in page.get_by_test_id("appraisal").inner_text()
            assert page.get_by_test_id("approve-form").count() == 0  # not their own
        else:  # the head's approval
            assert "销毁清册" in page.get_by_test_id("approve-form").inner_text()
            assert_accessible(page)
            screenshot(page, "archive-appraisal-approve")
            page.fill("#note", "同意销毁")
            page.get_by_test_id("approve").click()
            page.wait_for_url(f"**/workbench/archive/{record.code}/")
            assert page.get_by_test_id("destroyed").count() == 1
            assert page.get_by_test_id("package-destroyed").count() == 1
            assert_accessible(page)
            screenshot(page, "archive-destroyed")
        context.close()
    record.refresh_from_db()
    assert record.destroyed_at is not None
    assert not record.package.storage.exists(record.package.name)
