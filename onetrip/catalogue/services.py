"""Writes of the matter catalogue: drafts, edits, publishing, loading and imports.

Rules enforced here:
- a published version never changes: an edit of a published matter copies its current version
  into a new draft (one draft per matter at a time); publishing makes the draft current and
  retires the version it replaces (kept, unchanged, for running applications);
- staff edit only their own department's matters (permission `catalogue.edit`); only a
  supervisor (`catalogue.publish`) publishes.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from onetrip.accounts.policies import has_permission
from onetrip.accounts.selectors import staff_for_user
from onetrip.core import audit
from onetrip.core.errors import DomainError, PermissionDenied
from onetrip.datasets.selectors import dataset_get_by_code
from onetrip.departments.models import Department
from onetrip.departments.selectors import department_find

from .guide import GUIDE_FIELDS, MATERIAL_FIELDS, guide_clean, search_tokens
from .models import (
    LifeEvent,
    Matter,
    MatterMaterial,
    MatterVersion,
    VersionStatus,
)

FORMAT = "onetrip-matters/1"


def _user_of(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _require_editor(actor, department: Department) -> None:
    """Staff of the implementing department with `catalogue.edit` (a superuser always)."""
    user = _user_of(actor)
    if user is None:
        raise PermissionDenied("catalogue.not_signed_in", _("Please sign in first."), status=401)
    if user.is_superuser:
        return
    if not has_permission(user, "catalogue.edit"):
        raise PermissionDenied(
            "catalogue.edit_not_allowed",
            _("You do not have permission to edit the matter catalogue."),
            detail={"permission": "catalogue.edit"},
        )
    staff = staff_for_user(user=user)
    if staff is None or staff.department_id != department.pk:
        raise PermissionDenied(
            "catalogue.other_department",
            _("Only staff of the implementing department may edit its matters."),
            detail={"department": department.code},
        )


def _require_publisher(actor) -> None:
    user = _user_of(actor)
    if user is None or not (user.is_superuser or has_permission(user, "catalogue.publish")):
        raise PermissionDenied(
            "catalogue.publish_not_allowed",
            _("Only a supervisor may publish a service guide."),
            detail={"permission": "catalogue.publish"},
        )


def _invalid(problems) -> DomainError:
    return DomainError(
        "catalogue.invalid_guide",
        _("The service guide has mistakes; nothing was saved."),
        detail={"problems": problems.items},
    )


def _check_code(code: str) -> str:
    code = (code or "").strip()
    if not code or len(code) > 64 or any(ch.isspace() for ch in code):
        raise DomainError(
            "catalogue.invalid_code",
            _("A matter code is 1 to 64 characters without spaces."),
            detail={"code": code},
        )
    return code


def department_resolve(value: str) -> Department:
    department = department_find(code_or_name=value)
    if department is None:
        raise DomainError(
            "catalogue.unknown_department",
            _("No such department."),
            detail={"department": value},
        )
    return department


def _write_version(
    *, version: MatterVersion, guide: dict, materials: list[dict], department: Department
) -> MatterVersion:
    for name in GUIDE_FIELDS:
        setattr(version, name, guide[name])
    version.search_text = search_tokens(
        guide["name"],
        guide["keywords"],
        guide["result_name"],
        department.name,
        department.short_name,
    )
    version.save()
    version.materials.all().delete()
    MatterMaterial.objects.bulk_create(
        [
            MatterMaterial(version=version, position=index, **material)
            for index, material in enumerate(materials)
        ]
    )
    return version


def version_as_guide(version: MatterVersion) -> dict:
    """A version's guide in the plain-data shape `guide_clean` accepts (materials included)."""
    data = {name: getattr(version, name) for name in GUIDE_FIELDS}
    data["materials"] = [
        {name: getattr(material, name) for name in MATERIAL_FIELDS}
        for material in version.materials.all()
    ]
    return data


def _same(version: MatterVersion | None, guide: dict, materials: list[dict]) -> bool:
    if version is None:
        return False
    current = version_as_guide(version)
    return current == {**guide, "materials": materials}


def _draft_of(matter: Matter) -> MatterVersion | None:
    return matter.versions.filter(status=VersionStatus.DRAFT).first()


def _new_draft(matter: Matter, actor) -> MatterVersion:
    last = matter.versions.aggregate(last=Max("number"))["last"] or 0
    return MatterVersion(
        matter=matter, number=last + 1, status=VersionStatus.DRAFT, created_by=_user_of(actor)
    )


@transaction.atomic
def matter_draft_create(
    *, actor, code: str, department: Department, guide: dict, request=None
) -> MatterVersion:
    """A new matter with its first (draft) guide version."""
    _require_editor(actor, department)
    code = _check_code(code)
    clean, materials, problems = guide_clean(guide)
    if problems:
        raise _invalid(problems)
    if Matter.objects.filter(code=code).exists():
        raise DomainError(
            "catalogue.code_taken",
            _("A matter with this code already exists."),
            status=409,
            detail={"code": code},
        )
    matter = Matter.objects.create(code=code, department=department)
    version = _write_version(
        version=_new_draft(matter, actor), guide=clean, materials=materials, department=department
    )
    audit.record(
        actor=actor,
        action="catalogue.matter.create",
        target=matter,
        target_id=code,
        detail={"version": version.number, "department": department.code},
        request=request,
    )
    return version


@transaction.atomic
def matter_draft_edit(*, actor, matter: Matter, guide: dict, request=None) -> MatterVersion:
    """Edit a matter's guide. The draft, if there is one, is changed in place; otherwise the
    current published version is copied into a new draft with the changes (the published
    version itself never changes)."""
    matter = Matter.objects.select_for_update().select_related("department").get(pk=matter.pk)
    _require_editor(actor, matter.department)
    base = _draft_of(matter) or matter.current_version
    merged = {**(version_as_guide(base) if base else {}), **guide}
    clean, materials, problems = guide_clean(merged)
    if problems:
        raise _invalid(problems)
    draft = _draft_of(matter) or _new_draft(matter, actor)
    version = _write_version(
        version=draft, guide=clean, materials=materials, department=matter.department
    )
    audit.record(
        actor=actor,
        action="catalogue.version.edit",
        target=version,
        target_id=f"{matter.code}@{version.number}",
        detail={"changed": sorted(guide)},
        request=request,
    )
    return version


@transaction.atomic
def matter_version_publish(*, actor, version: MatterVersion, request=None) -> MatterVersion:
    """A supervisor publishes a draft: it becomes the matter's current version and the one it
    replaces is retired (kept, unchanged)."""
    _require_publisher(actor)
    return _publish(actor=actor, version=version, request=request)


def _publish(*, actor, version: MatterVersion, request=None) -> MatterVersion:
    matter = Matter.objects.select_for_update().get(pk=version.matter_id)
    version = MatterVersion.objects.get(pk=version.pk)
    if version.status != VersionStatus.DRAFT:
        raise DomainError(
            "catalogue.not_a_draft",
            _("Only a draft can be published."),
            status=409,
            detail={"status": version.status},
        )
    _require_known_sources(version, code=matter.code)
    previous = matter.current_version_id
    if previous:
        MatterVersion.objects.filter(pk=previous).update(status=VersionStatus.RETIRED)
    version.status = VersionStatus.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = _user_of(actor)
    version.save(update_fields=["status", "published_at", "published_by"])
    matter.current_version = version
    matter.save(update_fields=["current_version"])
    audit.record(
        actor=actor,
        action="catalogue.version.publish",
        target=version,
        target_id=f"{matter.code}@{version.number}",
        detail={"replaces": previous},
        request=request,
    )
    return version


def source_problems(material: MatterMaterial) -> list[str]:
    """Why an ID-only material could not be pulled as the guide says: its dataset is not in the
    data catalogue (or switched off or not looked up by key), or lacks a field it names."""
    code = material.dataset_code
    if not code:
        return []
    dataset = dataset_get_by_code(code)
    if dataset is None or not dataset.is_active:
        return [_("The data catalogue has no active dataset %(code)s.") % {"code": code}]
    if not dataset.key_field:
        return [_("Dataset %(code)s cannot be looked up by key.") % {"code": code}]
    known = {f.name for f in dataset.fields.all()}
    unknown = [name for name in material.dataset_fields if name not in known]
    if unknown:
        return [
            _("Dataset %(code)s has no field %(names)s.")
            % {"code": code, "names": "、".join(unknown)}
        ]
    return []


def _require_known_sources(version: MatterVersion, *, code: str) -> None:
    """A published guide tells applicants what they need not bring, so every shared-data source
    it names must exist in the data catalogue."""
    problems = [
        {"index": index, "material": material.name, "message": str(message)}
        for index, material in enumerate(version.materials.all())
        for message in source_problems(material)
    ]
    if problems:
        what = "；".join(f"{p['material']}（{p['message']}）" for p in problems)
        raise DomainError(
            "catalogue.unknown_source",
            _("%(code)s: a material names shared data the catalogue does not have: %(what)s")
            % {"code": code, "what": what},
            status=422,
            detail={"code": code, "problems": problems},
        )


# --- Bulk: the demo/county file loader and the department imports ---


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    life_events: int = 0
    codes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "life_events": self.life_events,
        }


@dataclass
class Entry:
    """One matter to write: its code, department and checked guide."""

    code: str
    department: Department
    guide: dict
    materials: list[dict]
    catalog_code: str = ""


def entries_write(*, entries: list[Entry], actor, publish: bool, result: LoadResult) -> None:
    """Writes checked entries (inside the caller's transaction). Unchanged guides are left
    alone; a changed one becomes a new draft (published at once when `publish`)."""
    for entry in entries:
        matter = Matter.objects.select_for_update().filter(code=entry.code).first()
        if matter is None:
            matter = Matter.objects.create(
                code=entry.code, department=entry.department, catalog_code=entry.catalog_code
            )
            result.created += 1
        elif matter.department_id != entry.department.pk:
            raise DomainError(
                "catalogue.department_mismatch",
                _("This matter belongs to another department."),
                detail={"code": entry.code, "department": matter.department.code},
            )
        else:
            if entry.catalog_code and entry.catalog_code != matter.catalog_code:
                Matter.objects.filter(pk=matter.pk).update(catalog_code=entry.catalog_code)
            draft = _draft_of(matter)
            target = draft if (draft and not publish) else matter.current_version
            if _same(target, entry.guide, entry.materials) and not (publish and draft):
                result.unchanged += 1
                result.codes.append(entry.code)
                continue
            result.updated += 1
        draft = _draft_of(matter) or _new_draft(matter, actor)
        _write_version(
            version=draft, guide=entry.guide, materials=entry.materials, department=entry.department
        )
        if publish:
            _publish(actor=actor, version=draft)
        result.codes.append(entry.code)


def _file_error(message, **detail) -> DomainError:
    return DomainError("catalogue.invalid_file", message, detail=detail or None)


@transaction.atomic
def matters_load(*, path: str | Path, actor="cli:matters load") -> LoadResult:
    """Loads a catalogue file (format onetrip-matters/1) and publishes what changed.
    Idempotent: loading the same file twice changes nothing the second time. All or nothing."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise DomainError(
            "catalogue.file_missing",
            _("The matter file does not exist."),
            detail={"path": str(path)},
        ) from error
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _file_error(_("The matter file is not readable JSON."), error=str(error)) from error
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise _file_error(
            _("The matter file does not declare the expected format."), expected=FORMAT
        )
    entries, problems, seen = [], [], set()
    for index, raw in enumerate(document.get("matters") or []):
        raw = raw if isinstance(raw, dict) else {}
        code = str(raw.get("code") or "").strip()
        try:
            _check_code(code)
            department = department_find(
                code_or_name=str(raw.get("department") or "")
            ) or department_resolve(str(raw.get("department_name") or raw.get("department") or ""))
        except DomainError as error:
            problems.append(
                {"index": index, "code": code, "message": error.message, "detail": error.detail}
            )
            continue
        if code in seen:
            problems.append({"index": index, "code": code, "message": _("Duplicate matter code.")})
        seen.add(code)
        guide, materials, found = guide_clean(raw)
        if found:
            problems.append({"index": index, "code": code, "problems": found.items})
        entries.append(
            Entry(code, department, guide, materials, str(raw.get("catalog_code") or "")[:64])
        )
    if problems:
        raise _file_error(_("The matter file has mistakes; nothing was loaded."), problems=problems)
    result = LoadResult()
    entries_write(entries=entries, actor=actor, publish=True, result=result)
    for position, raw in enumerate(document.get("life_events") or []):
        life_event_save(raw=raw, position=position)
        result.life_events += 1
    audit.record(
        actor=actor, action="catalogue.load", target_id=str(path)[-100:], detail=result.as_dict()
    )
    return result


def life_event_save(*, raw: dict, position: int = 0) -> LifeEvent:
    """Creates or updates a life event and sets its matters (by code). Called by the loader."""
    if not isinstance(raw, dict) or not raw.get("code") or not raw.get("name"):
        raise _file_error(_("A life event needs a code and a name."), entry=raw)
    codes = list(raw.get("matters") or [])
    matters = list(Matter.objects.filter(code__in=codes))
    missing = sorted(set(codes) - {m.code for m in matters})
    if missing:
        raise _file_error(_("A life event names matters that do not exist."), missing=missing)
    event, _created = LifeEvent.objects.update_or_create(
        code=raw["code"],
        defaults={
            "name": raw["name"],
            "description": raw.get("description", ""),
            "applicant_kind": raw.get("applicant_kind", "both"),
            "position": position,
        },
    )
    event.matters.set(matters)
    return event
