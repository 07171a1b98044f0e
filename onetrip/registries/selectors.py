"""Reads of the base registries. Every read of a person's record is audited."""

from onetrip.core import audit

from .models import EntityRecord, PopulationRecord


def population_record_for_verification(*, id_number: str, actor, purpose: str):
    record = (
        PopulationRecord.objects.select_related("household_region")
        .filter(id_number=id_number)
        .first()
    )
    audit.record(
        actor=actor,
        action="registries.population.read",
        subject_type="person",
        subject_id=id_number,
        purpose=purpose,
        detail={"found": record is not None},
    )
    return record


def entity_record_get(*, uscc: str, actor, purpose: str):
    record = EntityRecord.objects.filter(uscc=uscc).first()
    audit.record(
        actor=actor,
        action="registries.entity.read",
        subject_type="legal",
        subject_id=uscc,
        purpose=purpose,
        detail={"found": record is not None},
    )
    return record
