"""Pages and API through Django's test client: the applicant's whole flow, and who may see
what (other people and out-of-scope staff get the same 404 as for a missing bundle)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from onetrip.bundles.merge import merge_materials
from onetrip.bundles.models import BundleApplication
from onetrip.bundles.services import bundle_submit, bundle_versions
from onetrip.cases.models import Application

from .conftest import HYGIENE_CODE, pdf

pytestmark = pytest.mark.django_db


def test_applicant_starts_fills_uploads_and_submits_on_the_portal(
    client, life_event, citizen, merged_data
):
    client.force_login(citizen)
    page = client.get(f"/matters/?life_event={life_event.code}")
    assert f'href="/bundles/start/{life_event.code}/"' in page.content.decode()
    page = client.get(f"/bundles/start/{life_event.code}/")
    assert page.status_code == 200
    assert "公共场所卫生许可" in page.content.decode()
    response = client.post(f"/bundles/start/{life_event.code}/", {"is_joint": "on"})
    bundle = BundleApplication.objects.get()
    assert response.status_code == 302 and response.url == f"/bundles/{bundle.number}/form/"
    assert bundle.is_joint

    refused = client.post(f"/bundles/{bundle.number}/form/", {**merged_data, "area": "很大"})
    assert refused.status_code == 422
    assert 'aria-invalid="true"' in refused.content.decode()
    assert client.post(f"/bundles/{bundle.number}/form/", merged_data).status_code == 302

    refused = client.post(f"/bundles/{bundle.number}/submit/")
    assert refused.status_code == 422 and Application.objects.count() == 0
    for material in merge_materials(bundle_versions(life_event)):
        if material.needs_upload:
            response = client.post(
                f"/bundles/{bundle.number}/upload/", {"material": material.key, "file": pdf()}
            )
            assert response.status_code == 302
    bad = client.post(
        f"/bundles/{bundle.number}/upload/",
        {"material": "m1", "file": SimpleUploadedFile("x.exe", b"MZ")},
    )
    assert bad.status_code == 415
    assert client.post(f"/bundles/{bundle.number}/submit/").status_code == 302
    page = client.get(f"/bundles/{bundle.number}/").content.decode()
    assert page.count('data-testid="part"') == 2
    for case in Application.objects.all():
        assert case.number in page
    assert bundle.number in client.get("/bundles/").content.decode()

    api = client.get(f"/api/v1/bundles/{bundle.number}")
    assert api.status_code == 200
    body = api.json()
    assert body["status"] == "submitted" and len(body["parts"]) == 2


def test_merged_form_api_is_public(client, life_event):
    body = client.get(f"/api/v1/life-events/{life_event.code}/form").json()
    assert f"{HYGIENE_CODE}__capital" in [f["name"] for f in body["fields"]]
    assert [m["name"] for m in body["materials"]].count("经营场所使用证明") == 1
    assert client.get("/api/v1/life-events/nope/form").status_code == 404


@pytest.fixture
def submitted(ready_bundle, citizen):
    return bundle_submit(actor=citizen, bundle=ready_bundle)


def test_others_get_the_same_404(client, submitted, person_factory, outsider_staff):
    number = submitted.number
    client.force_login(person_factory(name="王五", level="L2"))
    for url in (f"/bundles/{number}/", f"/bundles/{number}/form/", "/bundles/NOPE/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/bundles/{number}/submit/").status_code == 404
    assert client.get(f"/api/v1/bundles/{number}").status_code == 404
    assert number not in client.get("/bundles/").content.decode()
    client.force_login(outsider_staff)
    assert client.get(f"/workbench/bundles/{number}/").status_code == 404
    assert number not in client.get("/workbench/bundles/").content.decode()
    client.logout()
    assert client.get(f"/bundles/{number}/").status_code == 302  # to sign-in
    assert client.get(f"/api/v1/bundles/{number}").status_code == 401


def test_clerks_see_the_bundle_and_open_only_their_parts(client, submitted, health_staff, citizen):
    client.force_login(health_staff)
    assert submitted.number in client.get("/workbench/bundles/").content.decode()
    page = client.get(f"/workbench/bundles/{submitted.number}/").content.decode()
    parts = {p.application.department.code: p.application for p in submitted.parts.all()}
    assert f'href="/workbench/cases/{parts["HY-WJJ"].number}/"' in page
    assert parts["HY-SCJG"].number in page  # listed with its status ...
    assert f'href="/workbench/cases/{parts["HY-SCJG"].number}/"' not in page  # ... not opened
    # The part is a normal case in the department's own list.
    assert parts["HY-WJJ"].number in client.get("/workbench/cases/").content.decode()
    # Citizens may not open the workbench view.
    client.force_login(citizen)
    assert client.get(f"/workbench/bundles/{submitted.number}/").status_code == 403
