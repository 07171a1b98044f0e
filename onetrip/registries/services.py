"""Writes to the base registries (rows arrive from the owning departments' systems)."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from onetrip.core import audit
from onetrip.core.errors import DomainError, NotFound

from .models import EntityRecord, EntityStatus, Gender, PopulationRecord


def _save(model, lookup: dict, values: dict):
    row = model.objects.filter(**lookup).first()
    if row is None:
        return model.objects.create(**lookup, **values), "created"
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    for name in changed:
        setattr(row, name, values[name])
    if changed:
        row.save(update_fields=[*changed, "updated_at"])
        return row, "updated"
    return row, "unchanged"


@transaction.atomic
def population_record_save(
    *,
    actor,
    id_number: str,
    name: str,
    gender: str,
    birth_date: datetime.date,
    household_region=None,
    address: str = "",
    phone: str = "",
) -> tuple[PopulationRecord, str]:
    """Creates or updates a population-registry row by ID number; says which it did.
    Validation of the ID number is the caller's (the registry keeps what the source sent)."""
    if gender not in Gender.values or not name.strip():
        raise DomainError(
            "registries.invalid_record",
            _("The population record is not valid."),
            detail={"id_number": id_number},
        )
    record, outcome = _save(
        PopulationRecord,
        {"id_number": id_number},
        {
            "name": name.strip(),
            "gender": gender,
            "birth_date": birth_date,
            "household_region": household_region,
            "address": address,
            "phone": phone,
        },
    )
    if outcome != "unchanged":
        audit.record(
            actor=actor,
            action=f"registries.population.{'create' if outcome == 'created' else 'update'}",
            target=record,
            subject_type="person",
            subject_id=id_number,
        )
    return record, outcome


@transaction.atomic
def entity_record_save(
    *,
    actor,
    uscc: str,
    name: str,
    entity_type: str,
    legal_representative: str,
    legal_representative_id_number: str = "",
    registered_capital: Decimal | None = None,
    address: str = "",
    status: str = EntityStatus.ACTIVE,
    established_on: datetime.date | None = None,
) -> tuple[EntityRecord, str]:
    """Creates or updates a legal-entity registry row by USCC; says which it did."""
    if status not in EntityStatus.values or not name.strip():
        raise DomainError(
            "registries.invalid_record",
            _("The legal-entity record is not valid."),
            detail={"uscc": uscc},
        )
    record, outcome = _save(
        EntityRecord,
        {"uscc": uscc},
        {
            "name": name.strip(),
            "entity_type": entity_type,
            "legal_representative": legal_representative,
            "legal_representative_id_number": legal_representative_id_number,
            "registered_capital": registered_capital,
            "address": address,
            "status": status,
            "established_on": established_on,
        },
    )
    if outcome != "unchanged":
        audit.record(
            actor=actor,
            action=f"registries.entity.{'create' if outcome == 'created' else 'update'}",
            target=record,
            subject_type="legal",
            subject_id=uscc,
        )
    return record, outcome


# --- corrections (a data objection upheld by the owner department) -----------------------------

POPULATION_CORRECTABLE = {"name", "gender", "birth_date", "household_region", "address", "phone"}
ENTITY_CORRECTABLE = {
    "name",
    "entity_type",
    "legal_representative",
    "legal_representative_id_number",
    "registered_capital",
    "address",
    "status",
    "established_on",
}


def _correct(model, lookup: dict, values: dict, allowed: set[str], *, actor, audit_as, reason):
    unknown = sorted(set(values) - allowed)
    if unknown:
        raise DomainError(
            "registries.not_correctable",
            _("These fields cannot be corrected here: %(fields)s") % {"fields": "、".join(unknown)},
            detail={"fields": unknown},
        )
    record = model.objects.select_for_update().filter(**lookup).first()
    if record is None:
        raise NotFound("registries.record_not_found", _("No record has this key."))
    changed = [name for name, value in values.items() if getattr(record, name) != value]
    for name in changed:
        setattr(record, name, values[name])
    if changed:
        record.save(update_fields=[*changed, "updated_at"])
    subject_type, subject_id = audit_as
    audit.record(
        actor=actor,
        action=f"registries.{model._meta.model_name.removesuffix('record')}.correct",
        target=record,
        subject_type=subject_type,
        subject_id=subject_id,
        detail={"fields": changed, "reason": reason[:500]},
    )
    return record


def _require_valid(values: dict, choice_field: str, choices, message: str) -> None:
    if ("name" in values and not str(values["name"]).strip()) or (
        choice_field in values and values[choice_field] not in choices
    ):
        raise DomainError("registries.invalid_record", message)


@transaction.atomic
def population_record_correct(*, actor, id_number: str, values: dict, reason: str):
    """Corrects fields of a population-registry row (values already of the fields' types; the
    household region as a Region). Audited with the reason, e.g. the objection's number."""
    _require_valid(values, "gender", Gender.values, _("The population record is not valid."))
    return _correct(
        PopulationRecord,
        {"id_number": id_number},
        values,
        POPULATION_CORRECTABLE,
        actor=actor,
        audit_as=("person", id_number),
        reason=reason,
    )


@transaction.atomic
def entity_record_correct(*, actor, uscc: str, values: dict, reason: str):
    """Corrects fields of a legal-entity registry row; as population_record_correct."""
    _require_valid(
        values, "status", EntityStatus.values, _("The legal-entity record is not valid.")
    )
    return _correct(
        EntityRecord,
        {"uscc": uscc},
        values,
        ENTITY_CORRECTABLE,
        actor=actor,
        audit_as=("legal", uscc),
        reason=reason,
    )
