"""Reads of the matter catalogue. The public sees only published, non-secret guides; staff see
their department's matters (drafts too). No personal data here, so no read is audited."""

from django.db.models import Case, F, IntegerField, Prefetch, Q, Value, When
from django.utils.translation import gettext as _

from onetrip.accounts.policies import has_permission
from onetrip.accounts.selectors import department_ids_visible_to, staff_for_user
from onetrip.core.errors import NotFound, PermissionDenied
from onetrip.datasets.selectors import datasets_by_code, field_labels
from onetrip.departments.models import Department

from .guide import query_tokens
from .models import ApplicantKind, LifeEvent, Matter, MatterMaterial, MatterVersion, VersionStatus


def _public_versions():
    return MatterVersion.objects.filter(
        status=VersionStatus.PUBLISHED,
        is_secret=False,
        matter__current_version=F("pk"),
    ).select_related("matter", "matter__department")


def matter_list_public(
    *,
    q: str = "",
    department: str = "",
    applicant: str = "",
    life_event: str = "",
    mobile_only: bool = False,
):
    """The current published guides the public may see, filtered, best matches first when a
    query is given (jieba tokens matched against each version's token text)."""
    versions = _public_versions()
    if department:
        versions = versions.filter(
            Q(matter__department__code=department) | Q(matter__department__name=department)
        )
    if applicant in (ApplicantKind.PERSON, ApplicantKind.LEGAL):
        versions = versions.filter(applicant_kind__in=[applicant, ApplicantKind.BOTH])
    if life_event:
        versions = versions.filter(matter__life_events__code=life_event)
    if mobile_only:
        versions = versions.filter(mobile_ready=True)
    q = (q or "").strip()[:100]
    if not q:
        return versions.order_by("matter__department__code", "name")
    tokens = query_tokens(q)
    score = Case(
        When(name__icontains=q, then=Value(10)), default=Value(0), output_field=IntegerField()
    )
    for token in tokens:
        score = score + Case(
            When(search_text__icontains=token, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    return versions.annotate(score=score).filter(score__gt=0).order_by("-score", "name")


def matter_get_public(*, code: str) -> MatterVersion:
    """The published guide of a matter; unknown, unpublished and secret matters are one 404."""
    version = (
        _public_versions()
        .filter(matter__code=code)
        .prefetch_related(
            Prefetch("materials", queryset=MatterMaterial.objects.order_by("position"))
        )
        .first()
    )
    if version is None:
        raise NotFound("catalogue.matter_not_found", _("No such matter."), detail={"code": code})
    return version


def materials_with_sources(materials) -> list[MatterMaterial]:
    """The materials, each registry one with `shared_source` (the dataset's name and owner) and
    `shared_items` (the labels of the data pulled), so the guide says what is fetched."""
    materials = list(materials)
    datasets = datasets_by_code(m.dataset_code for m in materials if m.dataset_code)
    for material in materials:
        dataset = datasets.get(material.dataset_code)
        material.shared_source = f"{dataset.name}（{dataset.owner.name}）" if dataset else ""
        material.shared_items = field_labels(dataset, material.dataset_fields) if dataset else []
    return materials


def life_event_list_public():
    return LifeEvent.objects.prefetch_related(
        Prefetch(
            "matters",
            queryset=Matter.objects.filter(
                current_version__isnull=False, current_version__is_secret=False
            ).select_related("current_version", "department"),
        )
    )


def life_event_get_public(*, code: str) -> LifeEvent:
    event = life_event_list_public().filter(code=code).first()
    if event is None:
        raise NotFound(
            "catalogue.life_event_not_found", _("No such life event."), detail={"code": code}
        )
    return event


def matter_list_for_staff(*, user, department_code: str = ""):
    """The matters (with their current version and draft) of the departments the staff member
    may see; a department outside that scope is a 404 like a missing one."""
    staff = staff_for_user(user=user)
    if not getattr(user, "is_superuser", False) and (
        staff is None
        or not (has_permission(user, "catalogue.edit") or has_permission(user, "catalogue.publish"))
    ):
        raise PermissionDenied(
            "catalogue.view_not_allowed", _("You do not have permission to do this.")
        )
    matters = Matter.objects.select_related("department", "current_version")
    visible = None if user.is_superuser else department_ids_visible_to(staff=staff)
    if visible is not None:
        matters = matters.filter(department_id__in=visible)
    if department_code:
        department = Department.objects.filter(code=department_code).first()
        if department is None or (visible is not None and department.pk not in visible):
            raise NotFound(
                "catalogue.department_not_found",
                _("No such department."),
                detail={"department": department_code},
            )
        matters = matters.filter(department=department)
    return matters.order_by("code")


def version_latest(*, matter: Matter) -> MatterVersion | None:
    """The draft if there is one, else the current version (what an export should show)."""
    draft = matter.versions.filter(status=VersionStatus.DRAFT).first()
    return draft or matter.current_version


def versions_for_export(*, matters) -> list[MatterVersion]:
    """Per matter, its draft or else its current version, with materials, in few queries."""
    matters = list(matters)
    ids = [m.pk for m in matters]
    drafts = {
        v.matter_id: v
        for v in MatterVersion.objects.filter(matter_id__in=ids, status=VersionStatus.DRAFT)
    }
    chosen_ids = [
        (drafts.get(m.pk) or m.current_version).pk
        for m in matters
        if drafts.get(m.pk) or m.current_version
    ]
    versions = (
        MatterVersion.objects.filter(pk__in=chosen_ids)
        .select_related("matter", "matter__department")
        .prefetch_related(
            Prefetch("materials", queryset=MatterMaterial.objects.order_by("position"))
        )
        .order_by("matter__code")
    )
    return list(versions)


# A version that is no longer a draft never changes (editing a published guide makes a new
# draft, services.matter_draft_edit), so a process may keep what it read of one: what submitting
# a case checks and answers (name, form fields, the matter's code, the materials). Per process,
# bounded; a draft is read every time.
_FROZEN_VERSION_FIELDS = ("id", "matter_id", "name", "form_schema")
_FROZEN_MATERIAL_FIELDS = tuple(f.attname for f in MatterMaterial._meta.concrete_fields)
_FROZEN_MAX = 2000
_frozen_versions: dict[int, tuple] = {}


def version_frozen(pk: int) -> tuple[MatterVersion, list[MatterMaterial]]:
    """The version `pk` (only its name, form fields and matter, whose code is loaded; any other
    field is read from the database if used) and its materials in order. Each call gets new
    instances; the form fields (a list of dicts) are shared: read them, never change them."""
    row = _frozen_versions.get(pk)
    if row is None:
        version = (
            MatterVersion.objects.select_related("matter")
            .only(*_FROZEN_VERSION_FIELDS[1:], "status", "matter__code")
            .get(pk=pk)
        )
        row = (
            tuple(getattr(version, name) for name in _FROZEN_VERSION_FIELDS),
            version.matter.code,
            [
                tuple(getattr(m, name) for name in _FROZEN_MATERIAL_FIELDS)
                for m in version.materials.all()
            ],
        )
        if version.status != VersionStatus.DRAFT:
            if len(_frozen_versions) >= _FROZEN_MAX:
                _frozen_versions.clear()
            _frozen_versions[pk] = row
    values, matter_code, materials = row
    version = MatterVersion.from_db("default", _FROZEN_VERSION_FIELDS, values)
    version.matter = Matter.from_db("default", ("id", "code"), (version.matter_id, matter_code))
    return version, [
        MatterMaterial.from_db("default", _FROZEN_MATERIAL_FIELDS, m) for m in materials
    ]


def version_frozen_forget() -> None:
    """Tests: start with no kept versions."""
    _frozen_versions.clear()
