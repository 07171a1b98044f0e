"""The same life cycle over HTTP: portal pages, workbench pages and the API."""

import pytest
from django.urls import reverse

from onetrip.cases import services
from onetrip.cases.models import Application, CaseStatus, Channel
from onetrip.notify.models import Notification

from .conftest import PDF, PNG, material_named, pdf

pytestmark = pytest.mark.django_db(transaction=True)


def test_citizen_applies_online_and_staff_finish_it(
    client, version, citizen, valid_form, clerk, reviewer
):
    guide = client.get(reverse("catalogue:detail", args=[version.matter.code]))
    start_url = reverse("cases:start", args=[version.matter.code])
    assert start_url in guide.content.decode()

    client.force_login(citizen)
    assert client.get(start_url).status_code == 200
    response = client.post(start_url, {"uscc": "", "channel": "mobile"})
    case = Application.objects.get(applicant=citizen)
    assert response.status_code == 302 and response.url == reverse("cases:form", args=[case.number])
    assert case.channel == Channel.MOBILE

    bad = client.post(response.url, {**valid_form, "phone": "123"})
    assert bad.status_code == 422
    assert 'aria-invalid="true"' in bad.content.decode()
    assert client.post(response.url, valid_form).status_code == 302
    for name in ("申请书", "经营场所使用证明"):
        material = material_named(version, name)
        uploaded = client.post(
            reverse("cases:upload", args=[case.number]), {"material": material.pk, "file": pdf()}
        )
        assert uploaded.status_code == 302
    assert client.post(reverse("cases:submit", args=[case.number])).status_code == 302
    mine = client.get(reverse("cases:mine")).content.decode()
    assert case.number in mine

    client.force_login(clerk)
    queue = client.get(reverse("casework:intake")).content.decode()
    assert case.number in queue
    page = client.get(reverse("casework:detail", args=[case.number])).content.decode()
    assert 'data-testid="credit-grade">B<' in page
    assert client.post(reverse("casework:action", args=[case.number, "accept"])).status_code == 302

    client.force_login(reviewer)
    for _step in range(2):
        done = client.post(reverse("casework:action", args=[case.number, "step"]), {"note": "ok"})
        assert done.status_code == 302
    assert client.post(reverse("casework:action", args=[case.number, "approve"])).status_code == 302
    assert client.post(reverse("casework:action", args=[case.number, "issue"])).status_code == 302
    refused = client.post(
        reverse("casework:action", args=[case.number, "deliver"]), {"method": "posted"}
    )
    assert refused.status_code == 422
    client.post(
        reverse("casework:action", args=[case.number, "deliver"]),
        {"method": "posted", "tracking_number": "SF1000"},
    )

    client.force_login(citizen)
    detail = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert "SF1000" in detail
    api = client.get(f"/api/v1/applications/{case.number}").json()
    assert api["status"] == "delivered" and api["tracking_number"] == "SF1000"
    messages = client.get(reverse("cases:messages")).content.decode()
    assert Notification.objects.filter(user=citizen).count() >= 7 and case.number in messages


def test_api_shows_deadline_colour_and_step_to_those_who_may_see(
    client, submitted, clerk, other_reviewer, person_factory, supervisor
):
    services.case_accept(actor=clerk, case=submitted)
    client.force_login(clerk)
    body = client.get(f"/api/v1/applications/{submitted.number}").json()
    submitted.refresh_from_db()
    assert body["status"] == "accepted"
    assert body["deadline"] == submitted.deadline_on.isoformat()
    assert body["colour"] in {"green", "yellow"} and body["current_step"] == "审查"
    client.force_login(other_reviewer)
    hidden = client.get(f"/api/v1/applications/{submitted.number}")
    missing = client.get("/api/v1/applications/2026-330424-999999")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["code"] == missing.json()["code"]
    assert client.get(reverse("casework:detail", args=[submitted.number])).status_code == 404
    assert (
        client.post(
            f"/api/v1/applications/{submitted.number}/approve", content_type="application/json"
        ).status_code
        == 404
    )
    client.force_login(person_factory(name="王五"))
    assert client.get(f"/api/v1/applications/{submitted.number}").status_code == 404
    assert client.get(reverse("cases:detail", args=[submitted.number])).status_code == 404
    client.logout()
    assert client.get(f"/api/v1/applications/{submitted.number}").status_code == 401
    client.force_login(supervisor)
    assert client.get(f"/api/v1/applications/{submitted.number}").status_code == 200


def test_api_moves_a_case(client, submitted, clerk, reviewer):
    client.force_login(clerk)
    accepted = client.post(
        f"/api/v1/applications/{submitted.number}/accept", content_type="application/json"
    )
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    again = client.post(
        f"/api/v1/applications/{submitted.number}/accept", content_type="application/json"
    )
    assert again.status_code == 409 and again.json()["code"] == "cases.wrong_status"
    client.force_login(reviewer)
    early = client.post(
        f"/api/v1/applications/{submitted.number}/approve", content_type="application/json"
    )
    assert early.status_code == 409 and early.json()["code"] == "cases.steps_open"
    no_reason = client.post(
        f"/api/v1/applications/{submitted.number}/deny", {}, content_type="application/json"
    )
    assert no_reason.status_code == 422
    denied = client.post(
        f"/api/v1/applications/{submitted.number}/deny",
        {"reason": "不符合条件"},
        content_type="application/json",
    )
    assert denied.status_code == 200 and denied.json()["status"] == "denied"


def test_uploads_are_checked_and_served_only_to_those_allowed(
    client, version, citizen, valid_form, person_factory, other_reviewer, clerk, settings
):
    case = services.case_create(actor=citizen, version=version)
    services.case_form_save(actor=citizen, case=case, data=valid_form)
    client.force_login(citizen)
    url = reverse("cases:upload", args=[case.number])
    material = material_named(version, "申请书")
    assert client.post(url, {"material": material.pk, "file": pdf()}).status_code == 302
    exe = client.post(url, {"material": material.pk, "file": pdf("tool.exe", b"MZ")})
    assert exe.status_code == 415 and "PDF" in exe.content.decode()
    settings.ONETRIP_CASE_UPLOAD_MAX_BYTES = 1000
    big = client.post(url, {"material": material.pk, "file": pdf("big.pdf", PDF + b"0" * 2000)})
    assert big.status_code == 413
    assert client.post(url, {"material": material.pk}).status_code == 400
    stored = case.materials.get()
    assert case.materials.count() == 1
    case.refresh_from_db()
    assert case.form_data["business_name"] == valid_form["business_name"]

    file_url = reverse("cases:file", args=[case.number, stored.public_id])
    assert file_url in client.get(reverse("cases:detail", args=[case.number])).content.decode()
    response = client.get(file_url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    client.force_login(person_factory(name="王五"))
    assert client.get(file_url).status_code == 404
    client.force_login(other_reviewer)
    assert client.get(file_url).status_code == 404
    client.force_login(clerk)
    assert client.get(file_url).status_code == 200
    assert str(settings.MEDIA_ROOT) in stored.file.path


def test_correction_over_the_workbench_and_the_portal(client, submitted, clerk, citizen, version):
    client.force_login(clerk)
    material = material_named(version, "申请书")
    action = reverse("casework:action", args=[submitted.number, "correction"])
    assert (
        client.post(action, {"materials": [material.pk], "note": "申请书未签字"}).status_code == 302
    )
    second = client.post(action, {"note": "再补一次"})
    assert second.status_code == 409
    page = client.get(reverse("casework:detail", args=[submitted.number])).content.decode()
    assert "request-correction" not in page

    client.force_login(citizen)
    detail = client.get(reverse("cases:detail", args=[submitted.number])).content.decode()
    assert "申请书未签字" in detail and 'data-testid="correction"' in detail
    submit = reverse("cases:submit", args=[submitted.number])
    assert client.post(submit).status_code == 422  # nothing uploaded again yet
    client.post(
        reverse("cases:upload", args=[submitted.number]),
        {"material": material.pk, "file": pdf("signed.pdf")},
    )
    assert client.post(submit, {"note": "已签字"}).status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.SUBMITTED


def test_counter_intake_page(client, version, citizen, clerk, valid_form):
    client.force_login(clerk)
    unknown = client.post(
        reverse("casework:intake"),
        {"id_number": "330424199001019999", "matter_code": version.matter.code},
    )
    assert unknown.status_code == 404
    response = client.post(
        reverse("casework:intake"),
        {"id_number": citizen.person.id_number, "matter_code": version.matter.code},
    )
    case = Application.objects.get(applicant=citizen)
    assert response.status_code == 302 and case.channel == Channel.COUNTER and case.trips == 1
    form_url = reverse("casework:form", args=[case.number])
    assert client.get(form_url).status_code == 200
    assert client.post(form_url, valid_form).status_code == 302
    for name in ("申请书", "经营场所使用证明"):
        client.post(
            reverse("casework:action", args=[case.number, "upload"]),
            {"material": material_named(version, name).pk, "file": pdf("scan.png", PNG)},
        )
    assert case.materials.count() == 2
    client.post(reverse("casework:action", args=[case.number, "submit"]))
    client.post(reverse("casework:action", args=[case.number, "accept"]))
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED


def test_workbench_lists_and_supervision(
    client, submitted, clerk, head, other_reviewer, supervisor, on_day, monkeypatch
):
    import datetime

    from django.utils import timezone

    on_day(datetime.date(2026, 9, 23))
    services.case_accept(actor=clerk, case=submitted)
    client.force_login(head)
    assert submitted.number in client.get(reverse("casework:list")).content.decode()
    client.force_login(other_reviewer)
    assert submitted.number not in client.get(reverse("casework:list")).content.decode()
    assert client.get(reverse("casework:supervision")).status_code == 403
    monkeypatch.setattr(timezone, "localdate", lambda *args: datetime.date(2026, 9, 30))
    client.force_login(supervisor)
    page = client.get(reverse("casework:supervision"))
    assert page.status_code == 200
    rows = page.content.decode()
    assert submitted.number in rows and "colour-yellow" in rows
    client.force_login(head)
    assert submitted.number in client.get(reverse("casework:supervision")).content.decode()
