import pytest

from onetrip.accounts import policies
from onetrip.core.errors import PermissionDenied


@pytest.mark.parametrize(
    ("has", "needs", "allowed"),
    [
        ("L1", "L1", True),
        ("L1", "L2", False),
        ("L2", "L2", True),
        ("L2", "L3", False),
        ("L3", "L2", True),
        ("L3", "L3", True),
    ],
)
def test_a_service_can_require_an_assurance_level(person_factory, has, needs, allowed):
    user = person_factory(level=has)
    if allowed:
        policies.require_level(user, needs)
    else:
        with pytest.raises(PermissionDenied) as error:
            policies.require_level(user, needs)
        assert error.value.code == "accounts.assurance_level_too_low"
        assert error.value.status == 403
        assert error.value.detail["required"] == needs


def test_roles_give_permissions_only_to_staff(person_factory, staff_factory):
    clerk = staff_factory(roles=("window_clerk",)).user
    reviewer = staff_factory(roles=("reviewer",)).user
    citizen = person_factory()
    assert policies.has_permission(clerk, "accounts.verify_in_person")
    assert not policies.has_permission(reviewer, "accounts.verify_in_person")
    assert policies.permissions_of(citizen) == set()
