import pytest

from onetrip.core.errors import DomainError, PermissionDenied
from onetrip.core.models import AuditEntry
from onetrip.credit.selectors import credit_grade_get, credit_grade_history
from onetrip.credit.services import credit_grade_set

pytestmark = pytest.mark.django_db

ID = "330424199001010011"


def test_default_grade_is_b_and_the_newest_grade_counts(staff_factory):
    supervisor = staff_factory(department="县政务数据办", roles=("supervisor",)).user
    assert credit_grade_get("person", ID) == "B"
    credit_grade_set(
        actor=supervisor, subject_type="person", subject_id=ID, grade="A", reason="守信激励"
    )
    credit_grade_set(
        actor=supervisor, subject_type="person", subject_id=ID, grade="D", reason="列入失信名单"
    )
    assert credit_grade_get("person", ID) == "D"
    assert credit_grade_get("legal", ID) == "B"
    assert [g.grade for g in credit_grade_history(subject_type="person", subject_id=ID)] == [
        "D",
        "A",
    ]
    entry = AuditEntry.objects.filter(action="credit.grade.set").latest("id")
    assert entry.subject_id == ID and entry.detail["grade"] == "D"


def test_only_supervisors_and_data_officers_grade(staff_factory):
    clerk = staff_factory(roles=("window_clerk",)).user
    officer = staff_factory(roles=("data_officer",)).user
    with pytest.raises(PermissionDenied):
        credit_grade_set(actor=clerk, subject_type="person", subject_id=ID, grade="A", reason="x")
    credit_grade_set(actor=officer, subject_type="person", subject_id=ID, grade="C", reason="x")
    assert credit_grade_get("person", ID) == "C"


def test_bad_input_is_refused_per_field(staff_factory):
    supervisor = staff_factory(roles=("supervisor",)).user
    with pytest.raises(DomainError) as refused:
        credit_grade_set(
            actor=supervisor, subject_type="robot", subject_id="", grade="E", reason=""
        )
    assert set(refused.value.detail) == {"subject_type", "subject_id", "grade", "reason"}
