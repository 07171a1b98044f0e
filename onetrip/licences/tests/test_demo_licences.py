"""The demo county comes with licences already issued, signed and verifiable."""

import pytest

from onetrip.demo.services import demo_load
from onetrip.licences.models import Licence
from onetrip.signing.services import verify

pytestmark = pytest.mark.django_db


def test_demo_issues_signed_licences_to_people_and_companies(client):
    demo_load(migrate=False, samples=False)
    licences = list(Licence.objects.select_related("licence_type"))
    assert {lic.holder_type for lic in licences} == {"person", "legal"}
    assert {lic.status() for lic in licences} >= {"valid", "expired"}
    assert all(verify(lic.key_id, bytes(lic.payload), bytes(lic.signature)) for lic in licences)
    business = next(lic for lic in licences if lic.licence_type.code == "YYZZ")
    body = client.get(f"/api/v1/licences/{business.number}/verify").json()
    assert body["status"] == "valid" and body["signature_ok"] is True
    demo_load(migrate=False, samples=False)
    assert Licence.objects.count() == len(licences)
