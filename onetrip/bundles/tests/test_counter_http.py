"""Counter intake and withdrawal of bundles through Django's test client: the workbench pages
(start by ID number, form, uploads, submit), the portal withdrawal form and the API. Every
refusal is a page or an answer with a 4xx status, never a 500."""

import pytest

from onetrip.bundles import services
from onetrip.bundles.merge import merge_materials
from onetrip.bundles.models import BundleApplication
from onetrip.cases import services as case_services
from onetrip.cases.models import Application, CaseStatus, Channel
from onetrip.core.models import AuditEntry

from .conftest import SHOP_CODE, pdf

pytestmark = pytest.mark.django_db

REASON = "暂不开业"


def start(client, event, id_number, **extra):
    return client.post(
        "/workbench/bundles/start/",
        {"id_number": id_number, "life_event": event.code, "is_joint": "on", **extra},
    )


def test_the_clerk_takes_a_bundle_in_at_the_counter(
    client, life_event, market_staff, citizen, merged_data
):
    client.force_login(market_staff)
    page = client.get("/workbench/bundles/").content.decode()
    assert 'data-testid="bundle-intake"' in page and "开办小店" in page

    response = start(client, life_event, citizen.person.id_number)
    bundle = BundleApplication.objects.get()
    assert (
        response.status_code == 302 and response.url == f"/workbench/bundles/{bundle.number}/form/"
    )
    assert (bundle.channel, bundle.intake_clerk, bundle.applicant) == (
        Channel.COUNTER,
        market_staff,
        citizen,
    )
    lookup = AuditEntry.objects.filter(action="accounts.person.lookup").latest("id")
    assert lookup.purpose == "counter bundle intake" and lookup.detail == {"found": True}

    assert client.get(f"/workbench/bundles/{bundle.number}/form/").status_code == 200
    refused = client.post(
        f"/workbench/bundles/{bundle.number}/form/", {**merged_data, "area": "大"}
    )
    assert refused.status_code == 422
    response = client.post(f"/workbench/bundles/{bundle.number}/form/", merged_data)
    assert response.url == f"/workbench/bundles/{bundle.number}/"
    page = client.get(response.url).content.decode()
    assert 'data-testid="bundle-channel">窗口办<' in page
    assert f'data-testid="bundle-intake-clerk">{market_staff}<' in page

    refused = client.post(f"/workbench/bundles/{bundle.number}/submit/")
    assert refused.status_code == 422 and not Application.objects.exists()
    for material in merge_materials(services.bundle_versions(life_event)):
        if material.needs_upload:
            url = f"/workbench/bundles/{bundle.number}/upload/"
            assert client.post(url, {"material": material.key, "file": pdf()}).status_code == 302
    assert client.post(f"/workbench/bundles/{bundle.number}/upload/").status_code == 400
    assert client.post(f"/workbench/bundles/{bundle.number}/submit/").status_code == 302

    page = client.get(f"/workbench/bundles/{bundle.number}/").content.decode()
    assert page.count('data-testid="part-channel">窗口办<') == 2
    assert set(Application.objects.values_list("channel", "intake_clerk")) == {
        (Channel.COUNTER, market_staff.pk)
    }
    # The applicant sees it in 我的一件事 like an online one.
    client.force_login(citizen)
    assert bundle.number in client.get("/bundles/").content.decode()
    page = client.get(f"/bundles/{bundle.number}/").content.decode()
    assert 'data-testid="bundle-channel">窗口办<' in page


@pytest.mark.parametrize(
    ("data", "status", "code_text"),
    [
        ({"id_number": "330424199001019999"}, 404, "没有"),
        ({"id_number": "不是身份证"}, 404, "没有"),
    ],
)
def test_an_unknown_person_is_a_404_page(client, life_event, market_staff, data, status, code_text):
    client.force_login(market_staff)
    response = start(client, life_event, data["id_number"])
    assert response.status_code == status
    assert 'data-testid="error"' in response.content.decode()
    assert not BundleApplication.objects.exists()
    assert AuditEntry.objects.filter(
        action="accounts.person.lookup", detail={"found": False}
    ).exists()


def test_start_refusals_are_pages_not_500(client, life_event, market_staff, citizen):
    from onetrip.catalogue.models import MatterVersion

    client.force_login(market_staff)
    assert start(client, life_event, citizen.person.id_number, life_event="nope").status_code == 404
    response = client.post("/workbench/bundles/start/", {"id_number": citizen.person.id_number})
    assert response.status_code == 404  # no life event chosen
    refused = start(client, life_event, citizen.person.id_number, uscc="91330424MA2B00000X")
    assert refused.status_code == 403
    MatterVersion.objects.filter(matter__code=SHOP_CODE).update(counter=False)
    refused = start(client, life_event, citizen.person.id_number)
    assert refused.status_code == 400 and "窗口" in refused.content.decode()
    assert client.get("/workbench/bundles/start/").status_code == 405
    assert not BundleApplication.objects.exists()


def test_staff_without_intake_see_no_form_and_may_not_start(
    client, life_event, staff_factory, citizen
):
    reviewer = staff_factory(department="县市场监管局", roles=("reviewer",)).user
    client.force_login(reviewer)
    assert 'data-testid="bundle-intake"' not in client.get("/workbench/bundles/").content.decode()
    assert start(client, life_event, citizen.person.id_number).status_code == 403
    client.force_login(citizen)
    assert start(client, life_event, citizen.person.id_number).status_code == 403
    client.logout()
    assert start(client, life_event, citizen.person.id_number).status_code == 302  # sign in
    assert not BundleApplication.objects.exists()


def test_other_staff_get_404_on_a_counter_draft(
    client, life_event, market_staff, health_staff, citizen
):
    bundle = services.bundle_start(
        actor=market_staff, life_event=life_event, channel=Channel.COUNTER, applicant=citizen
    )
    client.force_login(health_staff)
    number = bundle.number
    for url in (f"/workbench/bundles/{number}/", f"/workbench/bundles/{number}/form/"):
        assert client.get(url).status_code == 404
    for url in ("upload", "submit", "form"):
        assert client.post(f"/workbench/bundles/{number}/{url}/").status_code == 404
    assert number not in client.get("/workbench/bundles/").content.decode()
    # The applicant prepares it on the portal, but submits at the counter.
    client.force_login(citizen)
    page = client.get(f"/bundles/{number}/").content.decode()
    assert 'data-testid="submit-at-counter"' in page and 'data-testid="submit"' not in page
    assert client.post(f"/bundles/{number}/submit/").status_code == 409


# --- withdrawal -------------------------------------------------------------------------------


@pytest.fixture
def submitted(ready_bundle, citizen):
    return services.bundle_submit(actor=citizen, bundle=ready_bundle)


def test_the_applicant_withdraws_the_bundle_on_the_portal(client, submitted, citizen):
    client.force_login(citizen)
    url = f"/bundles/{submitted.number}/"
    assert 'data-testid="withdraw-section"' in client.get(url).content.decode()
    refused = client.post(f"{url}withdraw/", {"reason": "  "})
    assert refused.status_code == 422 and 'data-testid="error"' in refused.content.decode()
    response = client.post(f"{url}withdraw/", {"reason": REASON})
    assert response.status_code == 302 and response.url == url
    page = client.get(url).content.decode()
    assert 'data-testid="bundle-status">已撤回<' in page and REASON in page
    assert 'data-testid="withdraw-section"' not in page
    assert client.post(f"{url}withdraw/", {"reason": REASON}).status_code == 409
    assert set(Application.objects.values_list("status", flat=True)) == {CaseStatus.WITHDRAWN}


def test_no_withdrawal_form_once_a_part_is_accepted(client, submitted, citizen, market_staff):
    shop = Application.objects.get(matter_version__matter__code=SHOP_CODE)
    case_services.case_accept(actor=market_staff, case=shop)
    client.force_login(citizen)
    url = f"/bundles/{submitted.number}/"
    assert 'data-testid="withdraw-section"' not in client.get(url).content.decode()
    refused = client.post(f"{url}withdraw/", {"reason": REASON})
    assert refused.status_code == 409 and shop.number in refused.content.decode()


def test_others_may_not_withdraw_on_the_portal(client, submitted, person_factory, market_staff):
    client.force_login(person_factory(name="王五", level="L2"))
    assert (
        client.post(f"/bundles/{submitted.number}/withdraw/", {"reason": REASON}).status_code == 404
    )
    client.force_login(market_staff)  # staff see the bundle in the workbench, never withdraw it
    assert (
        client.post(f"/bundles/{submitted.number}/withdraw/", {"reason": REASON}).status_code == 404
    )
    assert client.get(f"/bundles/{submitted.number}/withdraw/").status_code == 405
    assert not Application.objects.filter(status=CaseStatus.WITHDRAWN).exists()


def test_the_withdraw_api(client, submitted, citizen, person_factory, market_staff):
    url = f"/api/v1/bundles/{submitted.number}/withdraw"
    assert client.post(url, {"reason": REASON}, content_type="application/json").status_code == 401
    client.force_login(person_factory(name="王五", level="L2"))
    assert client.post(url, {"reason": REASON}, content_type="application/json").status_code == 404
    client.force_login(citizen)
    refused = client.post(url, {}, content_type="application/json")
    assert refused.status_code == 422 and refused.json()["code"] == "bundles.reason_needed"
    assert client.post(url, "{", content_type="application/json").status_code in (400, 422)
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    answer = client.post(url, {"reason": REASON}, content_type="application/json")
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "withdrawn" and body["withdrawal_reason"] == REASON
    bundle_entries = AuditEntry.objects.filter(pk__gt=last, target_id=submitted.number).values_list(
        "action", flat=True
    )
    # one read (who looked) and one withdrawal; the answer's second read is not audited again
    assert sorted(bundle_entries) == ["bundles.bundle.read", "bundles.bundle.withdraw"]
    assert {p["status"] for p in body["parts"]} == {"withdrawn"}
    again = client.post(url, {"reason": REASON}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "bundles.already_withdrawn"
    missing = client.post(
        "/api/v1/bundles/NOPE/withdraw", {"reason": REASON}, content_type="application/json"
    )
    assert missing.status_code == 404
    assert client.get(f"/api/v1/bundles/{submitted.number}").json()["channel"] == "online"
