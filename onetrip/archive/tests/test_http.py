"""The workbench pages of the e-archive over HTTP: who sees what, the audited reads, the use
register, downloads and the check."""

import io
import zipfile

import pytest
from django.test import Client

from onetrip.archive import services
from onetrip.archive.models import ArchiveUse
from onetrip.core.models import AuditEntry

pytestmark = pytest.mark.django_db(transaction=True)


def _body(response) -> bytes:
    """A download's bytes: packages and their files are streamed from storage."""
    return b"".join(response.streaming_content)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def record(delivered_case):
    return services.case_archive(case=delivered_case)


def test_the_archivist_finds_and_opens_a_record(record, archivist, delivered_case):
    client = _client(archivist)
    page = client.get("/workbench/archive/", {"q": delivered_case.subject_id})
    assert page.status_code == 200
    assert record.code in page.content.decode()
    assert "李*" in page.content.decode()  # names masked in the list
    search = AuditEntry.objects.get(action="archive.search")
    assert search.detail == {"q": delivered_case.subject_id}

    detail = client.get(f"/workbench/archive/{record.code}/")
    text = detail.content.decode()
    assert detail.status_code == 200
    assert delivered_case.subject_id in text and "form.json" in text
    assert "materials/01-申请书.pdf" in text
    assert AuditEntry.objects.filter(action="archive.read", target_id=str(record.pk)).exists()


def test_others_get_nothing(record, other_reviewer, clerk, citizen):
    assert _client(other_reviewer).get(f"/workbench/archive/{record.code}/").status_code == 403
    assert _client(clerk).get("/workbench/archive/").status_code == 403
    assert _client(citizen).get("/workbench/archive/").status_code == 403
    anonymous = Client().get("/workbench/archive/")
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]


def test_a_head_of_another_department_sees_neither_list_nor_record(record, staff_factory, health):
    other_head = staff_factory(department="县卫生健康局", roles=("department_head",)).user
    client = _client(other_head)
    assert record.code not in client.get("/workbench/archive/").content.decode()
    assert client.get(f"/workbench/archive/{record.code}/").status_code == 404


def test_taking_the_package_needs_a_purpose_and_is_registered(record, head):
    client = _client(head)
    refused = client.post(f"/workbench/archive/{record.code}/take/", {"purpose": ""})
    assert refused.status_code == 422
    assert "利用目的" in refused.content.decode() or "purpose" in refused.content.decode()
    assert ArchiveUse.objects.count() == 0

    response = client.post(f"/workbench/archive/{record.code}/take/", {"purpose": "行政复议答复"})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "private, no-store"
    assert "metadata.xml" in zipfile.ZipFile(io.BytesIO(_body(response))).namelist()
    use = ArchiveUse.objects.get()
    assert (use.user, use.action, use.purpose) == (head, "package", "行政复议答复")

    one = client.post(
        f"/workbench/archive/{record.code}/take/",
        {"purpose": "核对申请书", "file": "materials/01-申请书.pdf"},
    )
    assert one.status_code == 200 and _body(one).startswith(b"%PDF-")
    assert "filename*=utf-8''01-%E7%94%B3%E8%AF%B7%E4%B9%A6.pdf" in one["Content-Disposition"]
    assert ArchiveUse.objects.filter(file_name="materials/01-申请书.pdf").exists()
    assert (
        client.post(
            f"/workbench/archive/{record.code}/take/", {"purpose": "x", "file": "../etc/passwd"}
        ).status_code
        == 404
    )
    page = client.get(f"/workbench/archive/{record.code}/").content.decode()
    assert "行政复议答复" in page and "核对申请书" in page


def test_the_archivist_checks_a_record_and_sees_what_is_wrong(record, archivist, head):
    assert _client(head).post(f"/workbench/archive/{record.code}/check/").status_code == 403
    with open(record.package.path, "ab") as stored:
        stored.write(b"tail")
    client = _client(archivist)
    response = client.post(f"/workbench/archive/{record.code}/check/", follow=True)
    text = response.content.decode()
    assert response.status_code == 200
    assert "archive.package_hash" not in text  # messages, not codes
    record.refresh_from_db()
    assert record.last_check_ok is False
    listing = client.get("/workbench/archive/", {"check": "failed"}).content.decode()
    assert record.code in listing and 'data-testid="failed-records"' in listing


def test_the_menu_shows_the_archive_to_archivists_only(record, archivist, clerk):
    assert "/workbench/archive/" in _client(archivist).get("/workbench/").content.decode()
    assert "/workbench/archive/" not in _client(clerk).get("/workbench/").content.decode()


def test_the_api_lists_reads_and_hands_over_packages(record, archivist, citizen, token_for):
    client, auth = Client(), token_for(archivist)
    listing = client.get("/api/v1/archive/records", **auth).json()
    assert listing["count"] == 1 and listing["records"][0]["code"] == record.code
    assert "subject_id" not in str(listing) and record.subject_id not in str(listing)

    one = client.get(f"/api/v1/archive/records/{record.code}", **auth).json()
    assert one["applicant"]["id"] == record.subject_id and one["checks"][0]["passed"] is True
    assert AuditEntry.objects.filter(action="archive.read", purpose="archive API").exists()

    refused = client.get(f"/api/v1/archive/records/{record.code}/package", **auth)
    assert refused.status_code == 422 and refused.json()["code"] == "archive.purpose_required"
    package = client.get(
        f"/api/v1/archive/records/{record.code}/package", {"purpose": "移交县档案馆"}, **auth
    )
    assert package.status_code == 200 and package["X-Archive-SM3"] == record.package_sm3
    from onetrip.core.sm3 import sm3_hex

    assert sm3_hex(_body(package)) == record.package_sm3
    assert ArchiveUse.objects.get().purpose == "移交县档案馆"

    record.package.storage.delete(record.package.name)  # the storage lost it
    lost = client.get(
        f"/api/v1/archive/records/{record.code}/package", {"purpose": "移交县档案馆"}, **auth
    )
    assert lost.status_code == 409 and lost.json()["code"] == "archive.package_unreadable"
    assert ArchiveUse.objects.count() == 1  # nothing handed over, no use registered

    missing = client.get("/api/v1/archive/records/NO-SUCH", **auth)
    assert missing.status_code == 404 and missing.json()["code"] == "archive.not_found"
    outsider = Client().get("/api/v1/archive/records", **token_for(citizen))
    assert outsider.status_code == 403 and outsider.json()["code"] == "archive.forbidden"
    assert Client().get("/api/v1/archive/records").status_code == 401


def test_a_failed_record_is_on_the_archivists_to_do_list(record, archivist):
    client = _client(archivist)
    assert "未通过检测的电子档案" not in client.get("/workbench/").content.decode()
    record.package.storage.delete(record.package.name)
    services.record_check(record=record, actor=archivist)
    page = client.get("/workbench/").content.decode()
    assert "未通过检测的电子档案" in page and "/workbench/archive/?check=failed" in page


def test_records_due_for_appraisal_are_found(record, archivist, not_accepted_case):
    from django.utils import timezone

    from onetrip.archive.models import ArchiveRecord

    other = services.case_archive(case=not_accepted_case)
    ArchiveRecord.objects.filter(pk=other.pk).update(retention_until=timezone.localdate().year)
    client = _client(archivist)
    listing = client.get("/workbench/archive/").content.decode()
    assert 'data-testid="expiring-records"' in listing
    due = client.get("/workbench/archive/", {"expiring": "1"}).content.decode()
    assert other.code in due and record.code not in due


def test_the_list_reads_its_years_and_counts_once_in_the_database(
    record, archivist, not_accepted_case, staff_factory, health
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from onetrip.archive import selectors
    from onetrip.archive.models import ArchiveRecord

    client = _client(archivist)
    with CaptureQueriesContext(connection) as one_record:
        client.get("/workbench/archive/")
    other = services.case_archive(case=not_accepted_case)
    ArchiveRecord.objects.filter(pk=other.pk).update(
        year=2019, last_check_ok=False, retention_until=timezone.localdate().year
    )
    with CaptureQueriesContext(connection) as two_records:
        page = client.get("/workbench/archive/").content.decode()
    assert len(two_records) == len(one_record)  # no read per record or per year

    overview = selectors.overview_for(archivist)
    assert overview.years == [record.year, 2019]  # each year once, the newest first
    assert (overview.failed, overview.expiring) == (1, 1)
    assert [d.pk for d in overview.departments] == [record.department_id]
    assert '<option value="2019">2019</option>' in page

    outsider = staff_factory(department="县卫生健康局", roles=("department_head",)).user
    nothing = selectors.overview_for(outsider)
    assert (nothing.years, nothing.failed, nothing.expiring) == ([], 0, 0)
