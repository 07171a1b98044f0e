import datetime
from decimal import Decimal

import pytest

from onetrip.core.errors import DomainError
from onetrip.core.models import AuditEntry
from onetrip.registries import selectors, services


@pytest.mark.django_db
def test_population_record_save_creates_then_updates_and_audits_changes_only():
    values = {
        "actor": "test",
        "id_number": "11010519491231002X",
        "name": "张三",
        "gender": "female",
        "birth_date": datetime.date(1949, 12, 31),
        "phone": "13800000001",
    }
    assert services.population_record_save(**values)[1] == "created"
    assert services.population_record_save(**values)[1] == "unchanged"
    assert services.population_record_save(**{**values, "phone": "13800000002"})[1] == "updated"
    actions = list(
        AuditEntry.objects.filter(subject_id="11010519491231002X").values_list("action", flat=True)
    )
    assert actions == ["registries.population.create", "registries.population.update"]
    record = selectors.population_record_for_verification(
        id_number="11010519491231002X", actor=None, purpose="test"
    )
    assert record.phone == "13800000002"
    with pytest.raises(DomainError):
        services.population_record_save(**{**values, "gender": "x"})


@pytest.mark.django_db
def test_entity_record_save_is_idempotent():
    values = {
        "actor": "test",
        "uscc": "91330401MA28ADM67R",
        "name": "嘉兴某某有限公司",
        "entity_type": "有限责任公司",
        "legal_representative": "张三",
        "registered_capital": Decimal("500"),
    }
    assert services.entity_record_save(**values)[1] == "created"
    assert services.entity_record_save(**values)[1] == "unchanged"
    assert services.entity_record_save(**{**values, "status": "revoked"})[1] == "updated"
