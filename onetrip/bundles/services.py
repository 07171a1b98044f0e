"""Every write to a bundle. Order as everywhere: policy → validate → write → audit.

- `bundle_start`: a draft bundle for a life event (checks who may apply for each matter);
- `bundle_form_save`: the merged form (merge.py), validated like a case form;
- `bundle_material_upload`: one file per merged material (cases' upload rules);
- `bundle_submit`: in one transaction, one case per matter (cases.services.case_create with
  `bundle_ref`), each with its slice of the form and copies of its materials, each submitted.
  If any part is refused, nothing is created;
- joint licensing: `JointLicensingHook` is registered with cases; a joint bundle's parts'
  e-licences are held at approval, and `bundle_results_issue` issues them all in one
  transaction when the last part is decided.
"""

import datetime

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onetrip.accounts.policies import require_level
from onetrip.accounts.selectors import person_for_user, representations_for_person
from onetrip.cases import services as case_services
from onetrip.cases.models import FINISHED_STATUSES, Channel
from onetrip.cases.schema import form_clean
from onetrip.catalogue.models import ApplicantKind, LifeEvent
from onetrip.core import audit
from onetrip.core.errors import DomainError, PermissionDenied

from . import policies
from .merge import merge_forms, merge_materials
from .models import BundleApplication, BundleMaterial, BundleNumberSequence, BundlePart
from .status import APPROVED_STATUSES

PLATFORM = "joint licensing"  # the actor of the joint issue (str: the platform, not a person)


def bundle_versions(life_event: LifeEvent) -> list:
    """The published current versions of the life event's matters, in the event's order."""
    matters = life_event.matters.filter(
        current_version__isnull=False, current_version__status="published"
    ).select_related("current_version", "current_version__matter", "department")
    return [m.current_version for m in matters.order_by("code")]


def _today() -> datetime.date:
    return timezone.localdate()


def _next_number() -> str:
    prefix = f"Y{_today().year}-{settings.ONETRIP_REGION[:6]}"
    sequence, _created = BundleNumberSequence.objects.select_for_update().get_or_create(
        prefix=prefix
    )
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{prefix}-{sequence.last:06d}"


def _audit(bundle, *, actor, action, request=None, **detail) -> None:
    audit.record(
        actor=actor,
        action=f"bundles.bundle.{action}",
        target_type="bundles.bundle",
        target_id=bundle.number,
        subject_type="legal" if bundle.uscc else "person",
        subject_id=bundle.uscc or _person_id(bundle.applicant),
        detail=detail,
        request=request,
    )


def _person_id(user) -> str:
    person = person_for_user(user=user)
    return person.id_number if person else ""


def _part_uscc(version, uscc: str) -> str:
    return "" if version.applicant_kind == ApplicantKind.PERSON else uscc


def _lock(bundle) -> BundleApplication:
    return BundleApplication.objects.select_for_update().get(pk=bundle.pk)


def _require_draft(bundle) -> None:
    if bundle.submitted_at is not None:
        raise DomainError(
            "bundles.already_submitted", _("This bundle was already submitted."), status=409
        )


@transaction.atomic
def bundle_start(
    *,
    actor,
    life_event: LifeEvent,
    uscc: str = "",
    is_joint: bool = True,
    channel: str = Channel.ONLINE,
    request=None,
) -> BundleApplication:
    """A draft bundle for `actor` (a registered person; online or on a phone). Every matter
    must be open online, the actor's assurance level high enough, and a legal person given
    (one the actor represents or is an agent for) when any matter is for legal persons only."""
    person = person_for_user(user=actor)
    if person is None:
        raise PermissionDenied(
            "bundles.not_a_person", _("Only a registered person can apply."), status=403
        )
    versions = bundle_versions(life_event)
    if not versions:
        raise DomainError(
            "bundles.nothing_to_apply", _("This life event has no service to apply for now.")
        )
    if channel not in (Channel.ONLINE, Channel.MOBILE):
        raise DomainError("bundles.invalid_channel", _("Unknown channel."))
    closed = [v.name for v in versions if not v.online]
    if closed:
        raise DomainError(
            "bundles.channel_not_offered",
            _("These services cannot be applied for online: %(names)s.")
            % {"names": "、".join(closed)},
            detail={"matters": closed},
        )
    for version in versions:
        require_level(actor, version.required_level)
    uscc = (uscc or "").strip().upper()
    needs_legal = [v.name for v in versions if v.applicant_kind == ApplicantKind.LEGAL]
    if uscc:
        if not representations_for_person(person=person).filter(legal_person__uscc=uscc).exists():
            raise PermissionDenied(
                "bundles.no_standing",
                _("You may not act for this legal person."),
                detail={"uscc": uscc},
            )
    elif needs_legal:
        raise DomainError(
            "bundles.legal_person_needed",
            _(
                "These services are for legal persons: choose the legal person you act for "
                "(%(names)s)."
            )
            % {"names": "、".join(needs_legal)},
            detail={"matters": needs_legal},
        )
    bundle = BundleApplication.objects.create(
        number=_next_number(),
        life_event=life_event,
        applicant=actor,
        uscc=uscc,
        channel=channel,
        is_joint=bool(is_joint),
    )
    _audit(bundle, actor=actor, action="create", request=request, life_event=life_event.code)
    return bundle


@transaction.atomic
def bundle_form_save(*, actor, bundle: BundleApplication, data: dict, request=None):
    """Save the merged form of a draft (incomplete is fine; every value given must be valid)."""
    bundle = _lock(bundle)
    policies.require_applicant(actor, bundle)
    _require_draft(bundle)
    merged = merge_forms(bundle_versions(bundle.life_event))
    cleaned, errors = form_clean(merged.fields, data, partial=True)
    if errors:
        raise DomainError(
            "bundles.form_invalid", _("Some fields need correcting."), detail=errors, status=422
        )
    bundle.form_data = cleaned
    bundle.save(update_fields=["form_data"])
    _audit(bundle, actor=actor, action="form_save", request=request)
    return bundle


@transaction.atomic
def bundle_material_upload(
    *, actor, bundle: BundleApplication, material_key: str, uploaded_file, request=None
) -> BundleMaterial:
    """One file for a merged material (by its key); the newest upload counts."""
    bundle = _lock(bundle)
    policies.require_applicant(actor, bundle)
    _require_draft(bundle)
    materials = {m.key: m for m in merge_materials(bundle_versions(bundle.life_event))}
    material = materials.get(material_key)
    if material is None or not material.needs_upload:
        raise DomainError(
            "bundles.unknown_material", _("This material is not part of the bundle."), status=400
        )
    content_type, sha256 = case_services.upload_check(uploaded_file)
    original = (getattr(uploaded_file, "name", "") or "file").replace("\\", "/").rsplit("/")[-1]
    stored = BundleMaterial(
        bundle=bundle,
        name=material.name,
        original_name=original[:200],
        content_type=content_type,
        size=uploaded_file.size,
        sha256=sha256,
        uploaded_by=actor,
    )
    stored.file.save(original, uploaded_file, save=False)
    stored.save()
    _audit(
        bundle,
        actor=actor,
        action="material_upload",
        request=request,
        material=material.name,
        sha256=sha256,
    )
    return stored


def newest_uploads(bundle) -> dict[str, BundleMaterial]:
    newest = {}
    for stored in bundle.materials.order_by("uploaded_at", "id"):
        newest[stored.name] = stored
    return newest


@transaction.atomic
def bundle_submit(*, actor, bundle: BundleApplication, request=None) -> BundleApplication:
    """One submission: one case per matter, each in its implementing department, each with its
    slice of the form and its materials, each submitted (and audited) by cases. All or nothing."""
    bundle = _lock(bundle)
    policies.require_applicant(actor, bundle)
    _require_draft(bundle)
    versions = bundle_versions(bundle.life_event)
    merged = merge_forms(versions)
    cleaned, errors = form_clean(merged.fields, bundle.form_data)
    if errors:
        raise DomainError(
            "bundles.form_invalid", _("Some fields need correcting."), detail=errors, status=422
        )
    uploads = newest_uploads(bundle)
    materials = merge_materials(versions)
    missing = [
        m.name for m in materials if m.required and not m.tolerable and m.name not in uploads
    ]
    if missing:
        raise DomainError(
            "bundles.materials_missing",
            _("Upload these materials first: %(names)s.") % {"names": "、".join(missing)},
            detail={"materials": missing},
            status=422,
        )
    for position, version in enumerate(versions):
        case = case_services.case_create(
            actor=actor,
            version=version,
            channel=bundle.channel,
            uscc=_part_uscc(version, bundle.uscc),
            bundle_ref=bundle.number,
            request=request,
        )
        case_services.case_form_save(
            actor=actor,
            case=case,
            data=merged.slice_for(version.matter.code, cleaned),
            request=request,
        )
        for material in version.materials.all():
            stored = uploads.get(material.name)
            if stored is None or material.source != "none":
                continue
            with stored.file.open("rb") as handle:
                case_services.case_material_upload(
                    actor=actor,
                    case=case,
                    uploaded_file=File(handle, name=stored.original_name),
                    matter_material=material,
                    request=request,
                )
        case_services.case_submit(actor=actor, case=case, request=request)
        BundlePart.objects.create(bundle=bundle, application=case, position=position)
    bundle.form_data = cleaned
    bundle.submitted_at = timezone.now()
    bundle.save(update_fields=["form_data", "submitted_at"])
    _audit(bundle, actor=actor, action="submit", request=request, parts=len(versions))
    return bundle


@transaction.atomic
def bundle_results_issue(*, actor, bundle: BundleApplication, request=None) -> BundleApplication:
    """Joint licensing: once every part is decided, issue the held e-licences of all approved
    parts in one transaction (a signing failure leaves every part as it was). Idempotent."""
    bundle = _lock(bundle)
    if not bundle.is_joint or bundle.results_issued_at is not None:
        return bundle
    parts = list(bundle.parts.select_related("application").order_by("position", "id"))
    if not parts or any(p.application.status not in FINISHED_STATUSES for p in parts):
        raise DomainError(
            "bundles.parts_open",
            _("Not every part of the bundle is decided yet."),
            status=409,
        )
    bundle.results_issued_at = timezone.now()  # first: the parts' licences are no longer held
    bundle.save(update_fields=["results_issued_at"])
    issued = []
    for part in parts:
        if part.application.status in APPROVED_STATUSES:
            case = case_services.case_licence_issue_held(
                actor=actor, case=part.application, request=request
            )
            if case.licence_number:
                issued.append(case.licence_number)
    _audit(bundle, actor=actor, action="results_issue", request=request, licences=issued)
    return bundle


class JointLicensingHook:
    """Registered with cases (apps.ready): holds the licences of a joint bundle's parts until
    every part is decided, then issues them together."""

    def licence_held(self, case) -> bool:
        return BundleApplication.objects.filter(
            parts__application=case, is_joint=True, results_issued_at__isnull=True
        ).exists()

    def case_decided(self, *, actor, case) -> None:
        part = BundlePart.objects.filter(application=case).select_related("bundle").first()
        if part is None or not part.bundle.is_joint:
            return
        statuses = part.bundle.parts.values_list("application__status", flat=True)
        if all(status in FINISHED_STATUSES for status in statuses):
            label = f"{PLATFORM} ({getattr(actor, 'username', actor)})"
            bundle_results_issue(actor=label[:150], bundle=part.bundle)
