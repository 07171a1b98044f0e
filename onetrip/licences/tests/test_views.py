"""Verification page, wallet (卡包), share links and the printable PDF, through HTTP."""

import datetime

import pytest
from django.utils import timezone

from onetrip.accounts import services as account_services
from onetrip.conftest import make_citizen_id
from onetrip.core.models import AuditEntry
from onetrip.licences.models import LicenceShare
from onetrip.licences.services import licence_revoke

from .conftest import well_formed_uscc

pytestmark = pytest.mark.django_db


@pytest.fixture
def holder(person_factory):
    user = person_factory(name="王晓燕", id_number=make_citizen_id("33042419920314128"))
    return user


@pytest.fixture
def other(person_factory):
    return person_factory(name="李四", id_number=make_citizen_id("33042419850101002"))


def test_verify_page_says_valid_after_checking_the_signature(client, issue):
    licence = issue(holder_name="王晓燕")
    response = client.get(f"/licences/verify/{licence.number}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "verdict-valid" in html
    assert "王**" in html and "王晓燕" not in html
    assert "县市场监管局" in html and "营业执照" in html
    assert licence.holder_id not in html  # no ID number on the public page
    assert "海盐张三小吃店" not in html  # nor the fields


def test_verify_page_for_revoked_expired_and_unknown(client, issue, licence_type):
    revoked = issue()
    licence_revoke(actor="cli:test", licence=revoked, reason="吊销")
    assert "verdict-revoked" in client.get(f"/licences/verify/{revoked.number}/").content.decode()
    licence_type.validity_months = 1
    licence_type.save()
    old = issue(valid_from=datetime.date(2021, 1, 1))
    assert "verdict-expired" in client.get(f"/licences/verify/{old.number}/").content.decode()
    response = client.get("/licences/verify/1.2.156.3005.2.X.Y.Z.001.0/")
    assert response.status_code == 404
    assert "verdict-unknown" in response.content.decode()


def test_wallet_lists_only_the_holders_licences(client, issue, holder, other):
    mine = issue(holder_id=holder.person.id_number, holder_name="王晓燕")
    theirs = issue(holder_id=other.person.id_number, holder_name="李四")
    client.force_login(holder)
    html = client.get("/wallet/").content.decode()
    assert f"/wallet/{mine.number}/" in html
    assert theirs.number not in html
    assert client.get(f"/wallet/{mine.number}/").status_code == 200
    assert client.get(f"/wallet/{theirs.number}/").status_code == 404
    assert client.get(f"/licences/{theirs.number}/pdf").status_code == 404
    assert AuditEntry.objects.filter(action="licences.licence.list", actor_id=holder.pk).exists()
    client.force_login(other)
    html = client.get("/wallet/").content.decode()
    assert mine.number not in html and theirs.number in html


def test_wallet_needs_sign_in(client, issue):
    licence = issue()
    assert client.get("/wallet/").status_code == 302
    assert client.get(f"/wallet/{licence.number}/").status_code == 302
    assert client.get(f"/licences/{licence.number}/pdf").status_code == 302


def test_a_representative_sees_the_companys_licences(client, issue, holder):
    uscc = well_formed_uscc("91330424MA2B00001")
    account_services.legal_person_register(
        uscc=uscc, name="海盐示例有限公司", entity_type="有限责任公司", representative=holder.person
    )
    company = issue(holder_type="legal", holder_id=uscc, holder_name="海盐示例有限公司")
    client.force_login(holder)
    html = client.get("/wallet/").content.decode()
    assert 'data-testid="legal-licences"' in html and company.number in html
    assert client.get(f"/wallet/{company.number}/").status_code == 200


def test_pdf_for_the_holder_and_the_issuing_department_only(client, issue, holder, staff_factory):
    licence = issue(holder_id=holder.person.id_number, holder_name="王晓燕")
    client.force_login(holder)
    response = client.get(f"/licences/{licence.number}/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = response.content
    assert content.startswith(b"%PDF")
    assert licence.number.encode() in content
    client.force_login(staff_factory(department="县市场监管局", roles=("reviewer",)).user)
    assert client.get(f"/licences/{licence.number}/pdf").content.startswith(b"%PDF")
    client.force_login(staff_factory(department="县卫生健康局", roles=("reviewer",)).user)
    assert client.get(f"/licences/{licence.number}/pdf").status_code == 404


def test_detail_page_shows_a_qr_code_of_the_verification_page(client, issue, holder, settings):
    licence = issue(holder_id=holder.person.id_number, holder_name="王晓燕")
    client.force_login(holder)
    html = client.get(f"/wallet/{licence.number}/").content.decode()
    assert '<svg class="qr" role="img"' in html
    assert "海盐张三小吃店" in html  # the holder sees the fields


def test_share_link_works_then_expires(client, issue, holder):
    licence = issue(holder_id=holder.person.id_number, holder_name="王晓燕")
    client.force_login(holder)
    response = client.post(f"/wallet/{licence.number}/share")
    assert response.status_code == 200
    link = response.context["share_url"]
    assert "/licences/shared/" in link
    path = link.split("testserver", 1)[1]
    client.logout()
    shown = client.get(path)
    assert shown.status_code == 200
    html = shown.content.decode()
    assert "王晓燕" in html and "海盐张三小吃店" in html
    assert AuditEntry.objects.filter(
        action="licences.share.view", target_id=licence.number
    ).exists()
    share = LicenceShare.objects.get()
    assert share.expires_at - share.created_at == datetime.timedelta(hours=24)
    assert len(share.token_hash) == 64 and share.token_hash not in path
    share.expires_at = timezone.now() - datetime.timedelta(seconds=1)
    share.save()
    expired = client.get(path)
    assert expired.status_code == 404
    assert "王晓燕" not in expired.content.decode()
    assert client.get("/licences/shared/made-up-token/").status_code == 404


def test_someone_else_cannot_share_my_licence(client, issue, holder, other):
    licence = issue(holder_id=holder.person.id_number, holder_name="王晓燕")
    client.force_login(other)
    assert client.post(f"/wallet/{licence.number}/share").status_code == 404
    assert not LicenceShare.objects.exists()


def test_a_revoked_licence_cannot_be_shared(client, issue, holder):
    licence = issue(holder_id=holder.person.id_number, holder_name="王晓燕")
    licence_revoke(actor="cli:test", licence=licence, reason="注销")
    client.force_login(holder)
    assert client.post(f"/wallet/{licence.number}/share").status_code == 409
    assert not LicenceShare.objects.exists()
