"""Every write to a bundle. Order as everywhere: policy → validate → write → audit.

- `bundle_start`: a draft bundle for a life event (checks who may apply for each matter); at a
  counter (一窗受理) a window clerk starts it for a registered person and works on the
  applicant's side until submission (policies.require_applicant_side);
- `bundle_form_save`: the merged form (merge.py), validated like a case form;
- `bundle_material_upload`: one file per merged material (cases' upload rules);
- `bundle_submit`: in one transaction, one case per matter (cases.services.case_create with
  `bundle_ref`), each with its slice of the form and copies of its materials, each submitted.
  If any part is refused, nothing is created;
- `bundle_withdraw`: the applicant withdraws every part at once while none is accepted;
- joint licensing: `JointLicensingHook` is registered with cases; a joint bundle's parts'
  e-licences are held at approval, and `bundle_results_issue` issues them all in one
  transaction when the last part is decided.
"""

import datetime

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from onetrip.accounts.policies import has_permission, require_level
from onetrip.accounts.selectors import (
    legal_person_get,
    person_for_user,
    representations_for_person,
)
from onetrip.cases import services as case_services
from onetrip.cases.models import (
    FINISHED_STATUSES,
    Application,
    CaseStatus,
    Channel,
    SubjectType,
)
from onetrip.cases.schema import form_clean
from onetrip.catalogue.models import ApplicantKind, LifeEvent
from onetrip.core import audit
from onetrip.core.errors import DomainError, PermissionDenied
from onetrip.core.uploads import original_name
from onetrip.notify.services import notification_send

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


def _require_counter(*, actor, applicant, versions) -> None:
    """At a counter (一窗受理) a clerk with cases.intake enters the bundle for `applicant`, as
    cases.services.case_create does for one case. Every matter must be offered at a counter; a
    matter not offered online is fine (the counter is the place for it), and no online
    assurance level is asked (the clerk has checked the ID card)."""
    if not has_permission(actor, "cases.intake"):
        raise PermissionDenied(
            "bundles.permission_denied", _("You do not have permission to do this.")
        )
    if applicant is None:
        raise DomainError("bundles.applicant_needed", _("Find the applicant first."))
    _require_offered([v for v in versions if not v.counter], counter=True)


def _require_online(*, actor, versions, channel: str) -> None:
    """Online or on a phone the actor applies: every matter must be open online and the actor's
    assurance level high enough for each."""
    if channel not in (Channel.ONLINE, Channel.MOBILE):
        raise DomainError("bundles.invalid_channel", _("Unknown channel."))
    _require_offered([v for v in versions if not v.online], counter=False)
    for version in versions:
        require_level(actor, version.required_level)


def _require_offered(closed: list, *, counter: bool) -> None:
    if not closed:
        return
    names = "、".join(v.name for v in closed)
    message = (
        _("These services are not offered at a counter: %(names)s.")
        if counter
        else _("These services cannot be applied for online: %(names)s.")
    )
    raise DomainError(
        "bundles.channel_not_offered",
        message % {"names": names},
        detail={"matters": [v.name for v in closed]},
    )


def _require_standing(*, person, versions, uscc: str) -> str:
    """The legal person acted for: one the applicant represents or is an agent for, and given
    when any matter is for legal persons only. Returns the cleaned USCC."""
    uscc = (uscc or "").strip().upper()
    if uscc:
        if not representations_for_person(person=person).filter(legal_person__uscc=uscc).exists():
            raise PermissionDenied(
                "bundles.no_standing",
                _("You may not act for this legal person."),
                detail={"uscc": uscc},
            )
        return uscc
    needs_legal = [v.name for v in versions if v.applicant_kind == ApplicantKind.LEGAL]
    if needs_legal:
        raise DomainError(
            "bundles.legal_person_needed",
            _(
                "These services are for legal persons: choose the legal person you act for "
                "(%(names)s)."
            )
            % {"names": "、".join(needs_legal)},
            detail={"matters": needs_legal},
        )
    return uscc


def _prefilled(versions, *, applicant, person, uscc: str) -> dict:
    """The merged form's first values, as a single case's (cases.services.form_prefill)."""
    legal = legal_person_get(uscc=uscc) if uscc else None
    subject = (
        {"subject_type": SubjectType.LEGAL, "subject_id": uscc, "subject_name": legal.name}
        if legal
        else {"subject_type": SubjectType.PERSON, "subject_id": person.id_number}
    )
    fields = merge_forms(versions).fields
    return case_services.form_prefill(fields, applicant=applicant, subject=subject)


@transaction.atomic
def bundle_start(
    *,
    actor,
    life_event: LifeEvent,
    uscc: str = "",
    is_joint: bool = True,
    channel: str = Channel.ONLINE,
    applicant=None,
    request=None,
) -> BundleApplication:
    """A draft bundle. Online or on a phone `actor` is the applicant; at a counter a window
    clerk (`actor`) starts it for `applicant`, a registered person found by ID number, and is
    recorded as its intake clerk (rules: _require_counter, _require_online). A legal person is
    given (one the applicant represents or is an agent for) when any matter is for legal
    persons only."""
    versions = bundle_versions(life_event)
    if not versions:
        raise DomainError(
            "bundles.nothing_to_apply", _("This life event has no service to apply for now.")
        )
    at_counter = channel == Channel.COUNTER
    if at_counter:
        _require_counter(actor=actor, applicant=applicant, versions=versions)
    else:
        applicant = actor
    person = person_for_user(user=applicant)
    if person is None:
        raise PermissionDenied(
            "bundles.not_a_person", _("Only a registered person can apply."), status=403
        )
    if not at_counter:
        _require_online(actor=actor, versions=versions, channel=channel)
    uscc = _require_standing(person=person, versions=versions, uscc=uscc)
    bundle = BundleApplication.objects.create(
        number=_next_number(),
        life_event=life_event,
        applicant=applicant,
        uscc=uscc,
        channel=channel,
        intake_clerk=actor if at_counter else None,
        is_joint=bool(is_joint),
        form_data=_prefilled(versions, applicant=applicant, person=person, uscc=uscc),
    )
    _audit(
        bundle,
        actor=actor,
        action="create",
        request=request,
        life_event=life_event.code,
        channel=channel,
    )
    return bundle


@transaction.atomic
def bundle_form_save(*, actor, bundle: BundleApplication, data: dict, request=None):
    """Save the merged form of a draft (incomplete is fine; every value given must be valid)."""
    bundle = _lock(bundle)
    policies.require_applicant_side(actor, bundle)
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
    policies.require_applicant_side(actor, bundle)
    _require_draft(bundle)
    materials = {m.key: m for m in merge_materials(bundle_versions(bundle.life_event))}
    material = materials.get(material_key)
    if material is None or not material.needs_upload:
        raise DomainError(
            "bundles.unknown_material", _("This material is not part of the bundle."), status=400
        )
    content_type, sha256 = case_services.upload_check(uploaded_file)
    original = original_name(uploaded_file)
    stored = BundleMaterial(
        bundle=bundle,
        name=material.name,
        original_name=original,
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
def bundle_submit(
    *, actor, bundle: BundleApplication, request=None, consent: bool = False
) -> BundleApplication:
    """One submission: one case per matter, each in its implementing department, each with its
    slice of the form and its materials, each submitted (and audited) by cases. All or nothing.
    A counter bundle's parts are counter cases with the clerk as their intake clerk. With the
    applicant's `consent`, each part pulls its shared-data materials (ID-only handling)."""
    bundle = _lock(bundle)
    policies.require_submitter(actor, bundle)
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
            applicant=bundle.applicant,  # at a counter the clerk enters it for the applicant
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
        case_services.case_submit(actor=actor, case=case, request=request, consent=consent)
        BundlePart.objects.create(bundle=bundle, application=case, position=position)
    bundle.form_data = cleaned
    bundle.submitted_at = timezone.now()
    bundle.save(update_fields=["form_data", "submitted_at"])
    _audit(bundle, actor=actor, action="submit", request=request, parts=len(versions))
    return bundle


def _withdrawal_refused(bundle, parts) -> DomainError | None:
    """Why the bundle cannot be withdrawn now, or None. Only while no part has been accepted:
    every part still submitted, or awaiting a correction asked before acceptance (一次性告知 at
    intake). Once a department has accepted its part, that department is working on it."""
    if bundle.submitted_at is None:
        return DomainError(
            "bundles.not_submitted",
            _("A draft is not withdrawn: it was never submitted."),
            status=409,
        )
    if bundle.withdrawn_at is not None:
        return DomainError(
            "bundles.already_withdrawn", _("This bundle was already withdrawn."), status=409
        )
    accepted = [
        p.application.number
        for p in parts
        if p.application.status not in (CaseStatus.SUBMITTED, CaseStatus.CORRECTION)
        or p.application.accepted_at is not None
    ]
    if accepted:
        return DomainError(
            "bundles.not_withdrawable",
            _(
                "A bundle can be withdrawn only while no department has accepted its part; "
                "these parts were accepted: %(numbers)s."
            )
            % {"numbers": "、".join(accepted)},
            detail={"accepted": accepted},
            status=409,
        )
    return None


def bundle_is_withdrawable(bundle) -> bool:
    """Whether the pages offer the withdrawal (parts prefetched; who may is bundle_withdraw's)."""
    return _withdrawal_refused(bundle, bundle.parts.all()) is None


@transaction.atomic
def bundle_withdraw(*, actor, bundle: BundleApplication, reason: str, request=None):
    """The applicant withdraws the whole bundle (撤回) with a reason, while no part has been
    accepted (_withdrawal_refused). Every part is withdrawn through cases in this one
    transaction: if any part refuses, none is withdrawn. The parts are locked first, so that no
    department accepts one between the check and the withdrawal."""
    bundle = _lock(bundle)
    policies.require_applicant(actor, bundle)
    parts = _locked_parts(bundle)
    refused = _withdrawal_refused(bundle, parts)
    if refused is not None:
        raise refused
    reason = case_services.withdrawal_reason_clean(reason, app="bundles")
    for part in parts:
        case_services.case_withdraw(
            actor=actor, case=part.application, reason=reason, request=request, bundle_part=True
        )
    bundle.withdrawn_at, bundle.withdrawal_reason = timezone.now(), reason
    bundle.save(update_fields=["withdrawn_at", "withdrawal_reason"])
    _audit(bundle, actor=actor, action="withdraw", request=request, reason=reason)
    notification_send(
        user=bundle.applicant,
        title=_("Your life-event bundle was withdrawn") + f" ({bundle.number})",
        body=reason,
        link=reverse("bundles:detail", args=[bundle.number]),
    )
    return bundle


def _locked_parts(bundle) -> list[BundlePart]:
    parts = list(bundle.parts.select_related("application").order_by("position", "id"))
    locked = Application.objects.select_for_update().filter(
        pk__in=[p.application_id for p in parts]
    )
    fresh = {case.pk: case for case in locked.order_by("pk")}
    for part in parts:
        part.application = fresh[part.application_id]
    return parts


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
