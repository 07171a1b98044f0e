"""`onetrip demo --no-serve`: idempotent, and the logins it prints work."""

import re
from io import StringIO

import pyotp
import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command

from onetrip.accounts.models import AssuranceLevel, Representation, StaffRole, User
from onetrip.accounts.validators import check_citizen_id, check_uscc
from onetrip.core.models import AuditEntry, AuditHead
from onetrip.demo.data import DEMO_PEOPLE, SAMPLE_APPLICANTS
from onetrip.demo.samples import STORIES
from onetrip.registries.models import EntityRecord, PopulationRecord

LOGIN = re.compile(r"login (\S+)\s+password (\S+)(?:\s+TOTP secret (\S+))?")


def run_demo() -> str:
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    skip = {AuditEntry, AuditHead}
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model not in skip and model._meta.app_label != "sessions"
    }


@pytest.fixture
def demo_output(db, settings, tmp_path):
    """The demo runs twice (inside the test's transaction); counts after each run are kept."""
    settings.MEDIA_ROOT = tmp_path / "media"  # the sample applications' uploads
    first = run_demo()
    after_first = row_counts()
    second = run_demo()
    after_second = row_counts()
    return {"first": first, "second": second, "counts": (after_first, after_second)}


@pytest.mark.django_db
def test_running_the_demo_twice_adds_nothing_twice(demo_output):
    after_first, after_second = demo_output["counts"]
    assert after_first == after_second
    assert after_first["registries.PopulationRecord"] >= 300
    assert after_first["regions.Region"] > 40
    assert after_first["catalogue.Matter"] >= 40  # the demo catalogue is loaded too
    # The sample applications, once each (DemoSample keys them).
    total = sum(count for _outcome, count in STORIES)
    assert after_first["demo.DemoSample"] == after_first["cases.Application"] == total
    assert demo_output["first"] == demo_output["second"]


@pytest.mark.django_db
def test_the_demo_data_is_well_formed_and_complete(demo_output):
    assert all(check_citizen_id(r.id_number).valid for r in PopulationRecord.objects.all())
    assert all(r.household_region is not None for r in PopulationRecord.objects.all())
    assert all(check_uscc(r.uscc).valid for r in EntityRecord.objects.all())
    staff_roles = {
        a.role
        for u in User.objects.filter(user_type="staff")
        for a in u.staff.role_assignments.all()
    }
    assert staff_roles == set(StaffRole.values)
    demo_ids = [person.id_number(settings.ONETRIP_REGION[:6]) for person in DEMO_PEOPLE[:3]]
    levels = sorted(
        User.objects.filter(user_type="person", person__id_number__in=demo_ids).values_list(
            "assurance_level", flat=True
        )
    )
    assert levels == [AssuranceLevel.L1, AssuranceLevel.L2, AssuranceLevel.L3]
    # The sample applicants: verified (L2); two are agents of each registered company.
    samples = User.objects.filter(user_type="person").exclude(person__id_number__in=demo_ids)
    assert samples.count() == SAMPLE_APPLICANTS
    assert set(samples.values_list("assurance_level", flat=True)) == {AssuranceLevel.L2}
    agent = Representation.objects.get(
        kind="agent", revoked_at__isnull=True, person__id_number=demo_ids[2]
    )
    assert agent.person.user.assurance_level == AssuranceLevel.L3
    assert Representation.objects.filter(kind="agent", revoked_at__isnull=True).count() == 1 + 6
    # The unregistered person printed for the browser is in the registry without an account.
    match = re.search(r"as (\S+), ID (\S+), phone (\d+)", demo_output["first"])
    record = PopulationRecord.objects.get(id_number=match.group(2))
    assert (record.name, record.phone) == (match.group(1), match.group(3))
    assert not User.objects.filter(phone=record.phone).exists()


@pytest.mark.django_db
def test_every_printed_login_signs_in(demo_output, client):
    logins = LOGIN.findall(demo_output["first"])
    assert len(logins) == 13
    for identifier, password, secret in logins:
        client.logout()
        response = client.post("/login/", {"identifier": identifier, "password": password})
        assert response.status_code == 302, identifier
        if secret:
            assert response["Location"].startswith("/login/totp/")
            code = pyotp.TOTP(secret).now()
            response = client.post("/login/totp/", {"code": code})
            assert response.status_code == 302, identifier
            assert response["Location"].startswith("/workbench/")
        user = User.objects.get(pk=client.session["_auth_user_id"])
        assert identifier in (
            user.username,
            getattr(getattr(user, "person", None), "id_number", ""),
        )


@pytest.mark.django_db
def test_the_demo_has_data_objections_one_answered(demo_output):
    from onetrip.notify.models import Notification
    from onetrip.objections.models import DataObjection

    answered, waiting = DataObjection.objects.order_by("status")  # open < upheld
    answered, waiting = (waiting, answered) if answered.status == "open" else (answered, waiting)
    assert (answered.status, waiting.status) == ("upheld", "open")
    record = PopulationRecord.objects.get(id_number=answered.key)
    assert record.address == answered.corrected_values["address"] and answered.corrected_here
    assert waiting.owner.name.endswith("公安局") and waiting.items[0]["name"] == "phone"
    told = (
        Notification.objects.filter(user=answered.filed_by, title__contains=answered.number)
        .order_by("-id")
        .first()
    )
    assert answered.number in told.title and "已更正" in told.title
    # A credit record the L2 citizen may object to, answered by the same bureau's officer.
    from onetrip.credit.models import CreditRecord

    record = CreditRecord.objects.get(subject_id=waiting.key)
    assert record.kind == "bad" and record.department == waiting.owner
