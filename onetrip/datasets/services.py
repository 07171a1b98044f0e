"""Writes to the data catalogue. A dataset is maintained by its owner department's data
officers ('datasets.edit' and membership of the owner department; a superuser always);
loaders run with a text actor such as "demo loader". Every write is audited
(datasets.dataset.create / update, datasets.fields.set, datasets.records.replace,
datasets.import.xlsx, datasets.load)."""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from onetrip.core import audit
from onetrip.core.errors import DomainError, PermissionDenied
from onetrip.core.permissions import has_permission
from onetrip.departments.models import Department

from .models import (
    Dataset,
    DatasetField,
    DatasetRecord,
    DataSource,
    FieldType,
    MaskingRule,
    OpeningClass,
    Sensitivity,
    SharingClass,
    UpdateCycle,
)

PERMISSION = "datasets.edit"
CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{1,63}$")
NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
DATASET_KEYS = (
    "name",
    "description",
    "update_cycle",
    "sharing_class",
    "opening_class",
    "legal_basis",
    "source",
    "key_field",
    "keywords",
    "themes",
)


def department_of(user):
    """The staff member's department (read through the account, without importing accounts)."""
    staff = getattr(user, "staff", None) if getattr(user, "is_authenticated", False) else None
    return getattr(staff, "department", None)


def can_edit(user, owner: Department) -> bool:
    if isinstance(user, str):
        return bool(user)
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    dept = department_of(user)
    return has_permission(user, PERMISSION) and dept is not None and dept.pk == owner.pk


def require_editor(actor, owner: Department) -> None:
    if not can_edit(actor, owner):
        raise PermissionDenied(
            "datasets.edit_not_allowed",
            _("Only the owner department's data officers may edit this dataset."),
            detail={"permission": PERMISSION, "owner": owner.code},
        )


def department_resolve(value) -> Department | None:
    value = str(value or "").strip()
    if not value:
        return None
    return (
        Department.objects.filter(code=value).first()
        or Department.objects.filter(name=value).first()
        or Department.objects.filter(short_name=value).first()
    )


def _themes(value) -> list[str]:
    if isinstance(value, list | tuple):
        items = value
    else:
        items = re.split(r"[,，;；|、]", str(value or ""))
    return [str(t).strip() for t in items if str(t).strip()]


def dataset_clean(values: dict, *, partial: bool = False) -> tuple[dict, dict]:
    """Checks a dataset's attributes; returns (clean values, {field: message})."""
    clean, problems = {}, {}

    def choice(key, choices, default):
        if key not in values and partial:
            return
        value = values.get(key) or default
        if value not in choices.values:
            problems[key] = _("Choose one of the listed values.")
        else:
            clean[key] = value

    if "name" in values or not partial:
        name = str(values.get("name") or "").strip()
        if not name:
            problems["name"] = _("The name is missing.")
        elif len(name) > 200:
            problems["name"] = _("The name is too long (200 characters at most).")
        clean["name"] = name
    for key in ("description", "legal_basis", "keywords", "key_field"):
        if key in values or not partial:
            clean[key] = str(values.get(key) or "").strip()
    if len(clean.get("keywords", "")) > 300:
        problems["keywords"] = _("Too many keywords (300 characters at most).")
    choice("update_cycle", UpdateCycle, UpdateCycle.IRREGULAR)
    choice("sharing_class", SharingClass, SharingClass.ON_APPROVAL)
    choice("opening_class", OpeningClass, OpeningClass.CLOSED)
    choice("source", DataSource, DataSource.RECORDS)
    if "themes" in values or not partial:
        clean["themes"] = _themes(values.get("themes"))
    return clean, problems


def field_clean(values: dict) -> tuple[dict, dict]:
    """Checks one field definition; returns (clean values, {attribute: message})."""
    clean, problems = {}, {}
    name = str(values.get("name") or "").strip()
    if not NAME.match(name):
        problems["name"] = _(
            "The field name must start with a lowercase letter and hold only a-z, 0-9 and _."
        )
    clean["name"] = name
    label = str(values.get("label") or "").strip()
    if not label:
        problems["label"] = _("The label is missing.")
    clean["label"] = label[:100]
    for key, choices, default in (
        ("field_type", FieldType, FieldType.STRING),
        ("masking_rule", MaskingRule, MaskingRule.NONE),
    ):
        value = values.get(key) or default
        if value not in choices.values:
            problems[key] = _("Choose one of the listed values.")
        clean[key] = value
    try:
        sensitivity = int(values.get("sensitivity") or Sensitivity.INTERNAL)
    except (TypeError, ValueError):
        sensitivity = 0
    if sensitivity not in Sensitivity.values:
        problems["sensitivity"] = _("The sensitivity level must be 1, 2, 3 or 4.")
    clean["sensitivity"] = sensitivity
    if (
        sensitivity >= Sensitivity.SENSITIVE
        and clean["masking_rule"] == MaskingRule.NONE
        and "sensitivity" not in problems
    ):
        problems["masking_rule"] = _("A field of level 3 or 4 needs a masking rule.")
    clean["description"] = str(values.get("description") or "").strip()[:300]
    return clean, problems


def fields_clean(fields: list[dict]) -> tuple[list[dict], list[tuple[int, dict]]]:
    """Checks a field list; returns (clean fields, [(index, problems)])."""
    cleaned, problems, seen = [], [], set()
    for index, values in enumerate(fields):
        clean, found = field_clean(values)
        if clean["name"] in seen and "name" not in found:
            found["name"] = _("This field name appears twice.")
        seen.add(clean["name"])
        cleaned.append(clean)
        if found:
            problems.append((index, found))
    return cleaned, problems


def _key_problem(dataset_values: dict, names: set[str]) -> dict:
    key = dataset_values.get("key_field", "")
    if key and key not in names:
        return {"key_field": _("The key field must be one of the dataset's fields.")}
    return {}


def _invalid(problems, message=None):
    return DomainError(
        "datasets.invalid",
        message or _("The dataset could not be saved; see the marked fields."),
        detail=problems,
    )


@transaction.atomic
def dataset_create(*, actor, code: str, owner: Department, request=None, **values) -> Dataset:
    """A new catalogue entry of the owner department (fields are set with dataset_fields_set)."""
    require_editor(actor, owner)
    code = str(code or "").strip().upper()
    clean, problems = dataset_clean(values)
    if not CODE.match(code):
        problems["code"] = _("The code holds 2–64 capital letters, digits, - and _.")
    elif Dataset.objects.filter(code=code).exists():
        problems["code"] = _("This dataset code is taken.")
    if clean.get("key_field"):
        problems["key_field"] = _("Set the key field after the fields are defined.")
    if problems:
        raise _invalid(problems)
    dataset = Dataset.objects.create(code=code, owner=owner, **clean)
    audit.record(
        actor=actor,
        action="datasets.dataset.create",
        target=dataset,
        target_id=dataset.code,
        detail={"owner": owner.code},
        request=request,
    )
    return dataset


@transaction.atomic
def dataset_update(*, actor, dataset: Dataset, request=None, **values) -> Dataset:
    """Changes a dataset's attributes (the code and owner stay)."""
    require_editor(actor, dataset.owner)
    unknown = set(values) - set(DATASET_KEYS) - {"is_active"}
    if unknown:
        raise _invalid({key: _("Unknown attribute.") for key in unknown})
    clean, problems = dataset_clean(values, partial=True)
    problems |= _key_problem(clean, set(dataset.fields.values_list("name", flat=True)))
    if problems:
        raise _invalid(problems)
    if "is_active" in values:
        clean["is_active"] = bool(values["is_active"])
    changed = {k: v for k, v in clean.items() if getattr(dataset, k) != v}
    for key, value in changed.items():
        setattr(dataset, key, value)
    if changed:
        dataset.save(update_fields=[*changed, "updated_at"])
        audit.record(
            actor=actor,
            action="datasets.dataset.update",
            target=dataset,
            target_id=dataset.code,
            detail={"changed": sorted(changed)},
            request=request,
        )
    return dataset


@transaction.atomic
def dataset_fields_set(*, actor, dataset: Dataset, fields: list[dict], request=None) -> Dataset:
    """Replaces the dataset's field list (kept by name; order as given). A field of level 3
    or 4 must have a masking rule; the key field must stay among the fields."""
    require_editor(actor, dataset.owner)
    cleaned, problems = fields_clean(fields)
    if problems:
        raise _invalid({"fields": [{"index": i, **p} for i, p in problems]})
    names = [f["name"] for f in cleaned]
    if dataset.key_field and dataset.key_field not in names:
        raise _invalid(
            {"fields": _("The key field %(key)s cannot be removed.") % {"key": dataset.key_field}}
        )
    existing = {f.name: f for f in dataset.fields.all()}
    before = [
        {k: getattr(f, k) for k in ("name", "label", "field_type", "sensitivity", "masking_rule")}
        for f in sorted(existing.values(), key=lambda f: (f.position, f.id))
    ]
    dataset.fields.exclude(name__in=names).delete()
    for position, values in enumerate(cleaned):
        row = existing.get(values["name"])
        if row is None:
            DatasetField.objects.create(dataset=dataset, position=position, **values)
            continue
        changes = {
            k: v for k, v in {**values, "position": position}.items() if getattr(row, k) != v
        }
        if changes:
            for key, value in changes.items():
                setattr(row, key, value)
            row.save(update_fields=list(changes))
    after = [
        {k: f[k] for k in ("name", "label", "field_type", "sensitivity", "masking_rule")}
        for f in cleaned
    ]
    if before != after:
        audit.record(
            actor=actor,
            action="datasets.fields.set",
            target=dataset,
            target_id=dataset.code,
            detail={"fields": names},
            request=request,
        )
    return dataset


@transaction.atomic
def dataset_records_replace(*, actor, dataset: Dataset, rows: list[dict], request=None) -> str:
    """Replaces the rows of a records-source dataset (each row a dict of field values; its key
    is the key field's value). Says 'unchanged' if the rows are already exactly these."""
    require_editor(actor, dataset.owner)
    if dataset.source != DataSource.RECORDS:
        raise DomainError(
            "datasets.not_records",
            _("This dataset's rows live in a base registry and cannot be replaced here."),
        )
    names = set(dataset.fields.values_list("name", flat=True))
    for index, row in enumerate(rows):
        unknown = set(row) - names
        if unknown:
            raise _invalid(
                {"rows": {"index": index, "unknown": sorted(unknown)}},
                _("A row holds a field the dataset does not define."),
            )
    key = dataset.key_field
    wanted = [(str(row.get(key, "")) if key else "", row) for row in rows]
    current = list(dataset.records.order_by("id").values_list("key", "data"))
    if current == wanted:
        return "unchanged"
    dataset.records.all().delete()
    DatasetRecord.objects.bulk_create(
        [DatasetRecord(dataset=dataset, key=k[:128], data=row) for k, row in wanted],
        batch_size=500,
    )
    audit.record(
        actor=actor,
        action="datasets.records.replace",
        target=dataset,
        target_id=dataset.code,
        detail={"rows": len(rows)},
        request=request,
    )
    return "replaced"


# --- the catalogue file loader -----------------------------------------------------------------


@dataclass
class LoadResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    records: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "records": self.records,
        }


def dataset_write(*, actor, entry: dict, result: LoadResult, request=None) -> Dataset:
    """Creates or updates one dataset from a catalogue entry (owner, attributes, fields and
    optionally rows); the owner given must resolve to a department."""
    owner = department_resolve(entry.get("owner"))
    code = str(entry.get("code") or "").strip().upper()
    if owner is None:
        raise DomainError(
            "datasets.owner_unknown",
            _("The owner department %(owner)s is unknown.") % {"owner": entry.get("owner")},
            detail={"code": code},
        )
    values = {k: entry[k] for k in DATASET_KEYS if k in entry}
    key_field = values.pop("key_field", "")
    dataset = Dataset.objects.filter(code=code).first()
    if dataset is None:
        dataset = dataset_create(actor=actor, code=code, owner=owner, request=request, **values)
        outcome = "created"
    else:
        if dataset.owner_id != owner.pk:
            raise DomainError(
                "datasets.owner_differs",
                _("Dataset %(code)s belongs to another department.") % {"code": code},
            )
        stamp = dataset.updated_at
        dataset = dataset_update(actor=actor, dataset=dataset, request=request, **values)
        outcome = "updated" if dataset.updated_at != stamp else "unchanged"
    if "fields" in entry:
        count = dataset.fields.count()
        stamp = [
            tuple(f)
            for f in dataset.fields.values_list(
                "name", "label", "field_type", "sensitivity", "masking_rule", "position"
            )
        ]
        dataset_fields_set(actor=actor, dataset=dataset, fields=entry["fields"], request=request)
        if outcome == "unchanged" and (
            count != dataset.fields.count()
            or stamp
            != [
                tuple(f)
                for f in dataset.fields.values_list(
                    "name", "label", "field_type", "sensitivity", "masking_rule", "position"
                )
            ]
        ):
            outcome = "updated"
    if key_field != dataset.key_field:
        dataset = dataset_update(actor=actor, dataset=dataset, key_field=key_field, request=request)
        if outcome == "unchanged":
            outcome = "updated"
    if "records" in entry and dataset.source == DataSource.RECORDS:
        if (
            dataset_records_replace(actor=actor, dataset=dataset, rows=entry["records"])
            != "unchanged"
            and outcome == "unchanged"
        ):
            outcome = "updated"
        result.records[code] = len(entry["records"])
    getattr(result, outcome).append(code)
    return dataset


def datasets_load(*, path: Path | str, actor) -> LoadResult:
    """Loads a catalogue file (format onetrip-datasets/1: {"datasets": [...]}) in one
    transaction; running it again changes nothing."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if data.get("format") != "onetrip-datasets/1":
        raise DomainError("datasets.bad_file", _("The file is not a OneTrip dataset catalogue."))
    result = LoadResult()
    with transaction.atomic():
        for entry in data.get("datasets", []):
            dataset_write(actor=actor, entry=entry, result=result)
        audit.record(
            actor=actor,
            action="datasets.load",
            target_id=str(path)[-200:],
            detail={"created": len(result.created), "updated": len(result.updated)},
        )
    return result
