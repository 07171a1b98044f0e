"""Writes of departments, service halls and windows: loading a county's department file."""

import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from onetrip.core import audit
from onetrip.core.errors import DomainError
from onetrip.regions import selectors as region_selectors

from .models import Department, ServiceHall, Window

FORMAT = "onetrip-departments/1"


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def as_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


def _invalid(message: str, **detail) -> DomainError:
    return DomainError("departments.invalid_file", message, detail=detail or None)


def _text(raw: dict, key: str, *, required: bool = False, max_length: int = 200) -> str:
    value = raw.get(key)
    value = "" if value is None else str(value).strip()
    if (required and not value) or len(value) > max_length:
        raise _invalid(_("A department file entry is not valid."), field=key, entry=raw)
    return value


def _region(code: str, raw: dict):
    region = region_selectors.region_get(code=code)
    if region is None:
        raise _invalid(
            _("The entry names a region that is not loaded. Load the region file first."),
            region=code,
            entry=raw,
        )
    return region


def _save(model, lookup: dict, values: dict):
    """Creates or updates one row; says which it did."""
    row = model.objects.filter(**lookup).first()
    if row is None:
        return model.objects.create(**lookup, **values), "created"
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    if not changed:
        return row, "unchanged"
    for name in changed:
        setattr(row, name, values[name])
    row.save(update_fields=changed)
    return row, "updated"


def _read(path: str | Path) -> dict:
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise DomainError(
            "departments.file_missing",
            _("The department file does not exist."),
            detail={"path": str(path)},
        ) from error
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _invalid(_("The department file is not readable JSON."), error=str(error)) from error
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise _invalid(
            _("The department file does not declare the expected format."), expected=FORMAT
        )
    return document


@transaction.atomic
def departments_load(*, path: str | Path, actor=None) -> LoadResult:
    """Loads departments, halls and windows. Idempotent: rows are matched by code (windows by
    hall and number) and updated in place; nothing is added twice, nothing is removed."""
    document = _read(path)
    result = LoadResult()
    raw_departments = document.get("departments") or []
    if not isinstance(raw_departments, list):
        raise _invalid(_("`departments` must be a list."))
    departments: dict[str, Department] = {}
    pending = [raw for raw in raw_departments if isinstance(raw, dict)]
    if len(pending) != len(raw_departments):
        raise _invalid(_("A department file entry is not valid."))
    # Parents first: keep passing over the entries whose parent is not saved yet.
    while pending:
        waiting = []
        for raw in pending:
            code = _text(raw, "code", required=True, max_length=32)
            parent_code = _text(raw, "parent", max_length=32)
            parent = None
            if parent_code:
                parent = (
                    departments.get(parent_code)
                    or Department.objects.filter(code=parent_code).first()
                )
                if parent is None:
                    waiting.append(raw)
                    continue
            department, outcome = _save(
                Department,
                {"code": code},
                {
                    "name": _text(raw, "name", required=True, max_length=100),
                    "short_name": _text(raw, "short_name", max_length=50),
                    "region": _region(_text(raw, "region", required=True), raw),
                    "parent": parent,
                    "phone": _text(raw, "phone", max_length=30),
                },
            )
            departments[code] = department
            result.count(outcome)
        if len(waiting) == len(pending):
            raise _invalid(
                _("A department's parent is neither in the file nor loaded already."),
                codes=[raw.get("code") for raw in waiting],
            )
        pending = waiting
    for raw in document.get("halls") or []:
        if not isinstance(raw, dict):
            raise _invalid(_("A department file entry is not valid."), entry=raw)
        hall, outcome = _save(
            ServiceHall,
            {"code": _text(raw, "code", required=True, max_length=32)},
            {
                "name": _text(raw, "name", required=True, max_length=100),
                "region": _region(_text(raw, "region", required=True), raw),
                "address": _text(raw, "address", required=True),
                "opening_hours": _text(raw, "opening_hours"),
                "phone": _text(raw, "phone", max_length=30),
            },
        )
        result.count(outcome)
        for raw_window in raw.get("windows") or []:
            if not isinstance(raw_window, dict):
                raise _invalid(_("A department file entry is not valid."), entry=raw_window)
            window, outcome = _save(
                Window,
                {"hall": hall, "number": _text(raw_window, "number", required=True, max_length=20)},
                {
                    "name": _text(raw_window, "name", required=True, max_length=100),
                    "is_general": bool(raw_window.get("general", False)),
                },
            )
            codes = [str(code) for code in raw_window.get("departments") or []]
            served = list(Department.objects.filter(code__in=codes))
            if len(served) != len(set(codes)):
                raise _invalid(
                    _("A window serves a department that does not exist."),
                    window=raw_window,
                )
            if {d.pk for d in served} != set(window.departments.values_list("pk", flat=True)):
                window.departments.set(served)
                outcome = "updated" if outcome == "unchanged" else outcome
            result.count(outcome)
    audit.record(
        actor=actor,
        action="departments.load",
        target_type="departments.department",
        target_id=Path(path).name,
        detail=result.as_dict(),
    )
    return result
