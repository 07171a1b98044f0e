"""Who may read the audit log, and how much of it."""

import pytest

from onetrip.core import audit
from onetrip.core.errors import PermissionDenied
from onetrip.core.models import AuditEntry
from onetrip.core.selectors import audit_list

SUBJECT = "330424199001010011"


@pytest.fixture
def entries(staff_factory):
    market = staff_factory(department="县市场监管局", roles=("reviewer",)).user
    health = staff_factory(department="县卫生健康局", roles=("reviewer",)).user
    audit.record(actor=market, action="tests.read", subject_type="person", subject_id=SUBJECT)
    audit.record(actor=health, action="tests.read", subject_type="person", subject_id=SUBJECT)
    audit.record(actor=health, action="tests.read", subject_type="person", subject_id="other")
    return market, health


@pytest.mark.parametrize("role", ["supervisor", "administrator"])
def test_supervisors_and_administrators_see_everything(staff_factory, entries, role):
    reader = staff_factory(roles=(role,)).user
    assert audit_list(user=reader).filter(action="tests.read").count() == 3
    about = audit_list(user=reader, subject_id=SUBJECT)
    assert {entry.subject_id for entry in about} == {SUBJECT}
    assert about.filter(action="tests.read").count() == 2


def test_a_data_officer_sees_only_their_department(staff_factory, entries):
    market, _health = entries
    officer = staff_factory(department="县市场监管局", roles=("data_officer",)).user
    seen = audit_list(user=officer).filter(action="tests.read")
    assert [entry.actor_id for entry in seen] == [market.pk]


def test_others_are_refused(staff_factory, person_factory, entries):
    for user in (staff_factory(roles=("reviewer",)).user, person_factory()):
        with pytest.raises(PermissionDenied) as refused:
            audit_list(user=user)
        assert refused.value.status == 403 and refused.value.code == "audit.permission_denied"


def test_reading_the_log_is_itself_audited(staff_factory, entries):
    reader = staff_factory(roles=("supervisor",)).user
    audit_list(user=reader, subject_id=SUBJECT)
    read = AuditEntry.objects.filter(action="core.audit.list").last()
    assert read.actor_id == reader.pk and read.subject_id == SUBJECT
