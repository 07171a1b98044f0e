"""Every write to a case. Each service: policy → validate → write → CaseEvent → audit →
notification to the applicant (in-app + SMS) on commit.

Rules enforced here (see models.py for the life cycle):
- the form is validated against the case's own matter version (form_schema);
- required materials the applicant supplies must be uploaded before submission, except those
  marked tolerable (容缺): they may be missing at acceptance when the subject's credit grade is
  A or B (credit.selectors.credit_grade_get; no grade = B), and are then recorded as
  MissingMaterial to be supplied within TOLERATED_SUPPLY_DAYS working days; approval waits for
  them. Grade C or D: acceptance is refused until the material is there;
- correction (补正) is requested once, listing everything at once; while the case waits, its
  clock stops (CasePause), and on the answer its deadline moves by the paused working days;
- the deadline is the promised_days-th working day after the acceptance day (受理次日起算);
- the applicant (or a window clerk on their side) may withdraw a case that is submitted and not
  decided yet (撤回申请, WITHDRAWABLE_STATUSES), giving a reason; it is closed without a decision;
- a material whose guide offers a commitment (证明事项告知承诺制) may be replaced by it, for
  subjects of grade A or B (those with serious bad credit, an untrue commitment among it, are
  excluded until their credit is repaired); the department checks it after acceptance within
  ONETRIP_COMMITMENT_CHECK_DAYS working days, and an untrue one is a serious bad-conduct record.
"""

import datetime
import functools
import logging

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from onetrip.accounts.models import StaffRole
from onetrip.accounts.policies import require_level
from onetrip.accounts.selectors import (
    legal_person_get,
    person_for_user,
    representations_for_person,
    staff_list,
)
from onetrip.catalogue.models import (
    ApplicantKind,
    MaterialSource,
    MatterMaterial,
    MatterVersion,
    Prefill,
)
from onetrip.catalogue.selectors import version_frozen
from onetrip.core import audit, uploads
from onetrip.core.errors import DomainError, NotFound, PermissionDenied
from onetrip.core.plain import PreparedInsert, prepare_insert, update_with_inserts
from onetrip.core.plain_select import from_row
from onetrip.core.uploads import original_name
from onetrip.credit.selectors import credit_grade_get
from onetrip.credit.services import credit_record_add
from onetrip.departments.models import Department
from onetrip.notify.services import notification_prepare, notification_send
from onetrip.payments import selectors as payment_selectors
from onetrip.payments import services as payment_services
from onetrip.workdays.selectors import workday_add, working_days_between

from . import policies
from .models import (
    HANDLING_STATUSES,
    WITHDRAWABLE_STATUSES,
    WITHDRAWAL_REASON_MAX_LENGTH,
    ActingAs,
    Application,
    CaseCommitment,
    CaseCorrection,
    CaseEvent,
    CaseMaterial,
    CaseNumberSequence,
    CasePause,
    CaseStatus,
    Channel,
    CommitmentOutcome,
    DeliveryMethod,
    MissingMaterial,
    NoticeKind,
    PauseKind,
    SubjectType,
)
from .notices import notice_issue
from .schema import form_clean

logger = logging.getLogger(__name__)

TOLERATED_GRADES = {"A", "B"}
TOLERATED_SUPPLY_DAYS = 5
# 证明事项告知承诺制 (国办发〔2020〕42号): not for applicants with serious bad credit or an untrue
# commitment on record (grade C or D) until their credit is repaired.
COMMITMENT_GRADES = {"A", "B"}
# Who the platform's own rules act as (the daily follow-up, credit records a rule makes), in the
# history and the audit trail.
FOLLOW_UP_ACTOR = "system:cases"
# --- helpers -------------------------------------------------------------------------------


def _today() -> datetime.date:
    return timezone.localdate()


def _status_error(case: Application, *allowed: str) -> DomainError:
    return DomainError(
        "cases.wrong_status",
        _("This cannot be done while the application is %(status)s.")
        % {"status": case.get_status_display()},
        detail={"status": case.status, "allowed": list(allowed)},
        status=409,
    )


def _require_status(case: Application, *allowed: str) -> None:
    if case.status not in allowed:
        raise _status_error(case, *allowed)


def _lock(case: Application) -> Application:
    """Re-read the case under a row lock, so two clerks cannot move it at once."""
    return (
        Application.objects.select_for_update()
        .select_related("matter_version", "department", "applicant")
        .get(pk=case.pk)
    )


def _next_number(region_code: str) -> str:
    prefix = f"{_today().year}-{region_code[:6]}"
    sequence, _created = CaseNumberSequence.objects.select_for_update().get_or_create(prefix=prefix)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{prefix}-{sequence.last:06d}"


def _event_row(case, *, actor, action, from_status, to_status, note="", step="") -> CaseEvent:
    return CaseEvent(
        application=case,
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label="" if getattr(actor, "pk", None) else str(actor or "")[:150],
        from_status=from_status,
        to_status=to_status,
        step=step[:50],
        note=note,
    )


def _event(case, *, actor, action, from_status, note="", step="") -> CaseEvent:
    event = _event_row(
        case,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=case.status,
        note=note,
        step=step,
    )
    event.save(force_insert=True)
    return event


def _audit(case, *, actor, action, request=None, **detail) -> None:
    audit.append(_audit_entry(case, actor=actor, action=action, request=request, **detail))


def _audit_entry(case, *, actor, action, request=None, **detail) -> audit.PreparedEntry:
    return audit.prepare(
        actor=actor,
        action=f"cases.application.{action}",
        target_type="cases.application",
        target_id=case.number,
        subject_type=case.subject_type,
        subject_id=case.subject_id,
        detail={"status": case.status, **detail},
        request=request,
    )


def case_link(case: Application) -> str:
    return reverse("cases:detail", args=[case.number])


def _notify(case, title: str, body: str = "") -> None:
    """Tell the applicant: the in-app message in the caller's transaction (it rolls back with
    it), the SMS after the commit."""
    notification_send(
        user=case.applicant,
        title=f"{title} ({case.number})",
        body=body,
        link=case_link(case),
    )


def _pause_start(case, *, kind: str, reason: str = "") -> None:
    if case.accepted_at is None:
        return  # before acceptance no clock is running
    CasePause.objects.create(application=case, kind=kind, reason=reason[:300], started_on=_today())


def _pause_end(case) -> int:
    """Close the open pause and move the deadline by its working days."""
    pause = case.pauses.filter(ended_on__isnull=True).order_by("-started_on", "-id").first()
    if pause is None:
        return 0
    pause.ended_on = _today()
    pause.working_days, provisional = working_days_between(pause.started_on, pause.ended_on)
    pause.save(update_fields=["ended_on", "working_days"])
    if pause.working_days and case.deadline_on is not None:
        moved = workday_add(case.deadline_on, pause.working_days)
        case.deadline_on = moved.date
        case.deadline_provisional = case.deadline_provisional or moved.provisional or provisional
    return pause.working_days


def _applicant_materials(version: MatterVersion):
    """Materials the applicant must upload: required, not pulled from shared data."""
    return [
        material
        for material in version.materials.all()
        if material.is_required and material.source == MaterialSource.NONE
    ]


def _supplied_ids(case: Application, material_ids=None) -> set[int]:
    """The materials (of `material_ids`, or all) uploaded or replaced by a commitment."""
    uploads = case.materials.exclude(matter_material=None).order_by()
    commitments = case.commitments.order_by()
    if material_ids is not None:
        uploads = uploads.filter(matter_material__in=material_ids)
        commitments = commitments.filter(matter_material__in=material_ids)
    # One statement: submission counts its queries (test_submit).
    return set(
        uploads.values_list("matter_material_id", flat=True).union(
            commitments.values_list("matter_material_id", flat=True)
        )
    )


def materials_missing(case: Application) -> list[MatterMaterial]:
    """Required applicant materials neither uploaded nor replaced by a commitment (tolerated
    ones included)."""
    supplied = _supplied_ids(case)
    return [m for m in _applicant_materials(case.matter_version) if m.pk not in supplied]


# --- creating and filling in ----------------------------------------------------------------


def _subject_for(*, applicant, version: MatterVersion, uscc: str = "") -> dict:
    person = person_for_user(user=applicant)
    if person is None:
        raise PermissionDenied(
            "cases.not_a_person", _("Only a registered person can apply."), status=403
        )
    uscc = (uscc or "").strip().upper()
    if not uscc:
        if version.applicant_kind == ApplicantKind.LEGAL:
            raise DomainError(
                "cases.legal_person_needed",
                _("This service is for legal persons: choose the legal person you act for."),
            )
        return {
            "subject_type": SubjectType.PERSON,
            "subject_id": person.id_number,
            "subject_name": person.name,
            "acting_as": ActingAs.SELF,
        }
    if version.applicant_kind == ApplicantKind.PERSON:
        raise DomainError("cases.person_only", _("This service is for natural persons only."))
    representation = (
        representations_for_person(person=person).filter(legal_person__uscc=uscc).first()
    )
    if representation is None:
        raise PermissionDenied(
            "cases.no_standing",
            _("You may not act for this legal person."),
            detail={"uscc": uscc},
        )
    return {
        "subject_type": SubjectType.LEGAL,
        "subject_id": representation.legal_person.uscc,
        "subject_name": representation.legal_person.name,
        "acting_as": (
            ActingAs.REPRESENTATIVE if representation.kind == "representative" else ActingAs.AGENT
        ),
    }


def _known_values(*, applicant, subject: dict) -> dict[str, str]:
    """What the platform knows of the applicant and the subject, by `Prefill` source."""
    person = person_for_user(user=applicant)
    known = {
        Prefill.APPLICANT_NAME: person.name if person else "",
        Prefill.APPLICANT_ID_NUMBER: person.id_number if person else "",
        Prefill.APPLICANT_PHONE: applicant.phone or "",
    }
    if subject["subject_type"] == SubjectType.LEGAL:
        legal = legal_person_get(uscc=subject["subject_id"])
        known[Prefill.ENTITY_NAME] = subject["subject_name"]
        known[Prefill.ENTITY_USCC] = subject["subject_id"]
        known[Prefill.ENTITY_REPRESENTATIVE] = legal.legal_representative_name if legal else ""
    return known


def form_prefill(schema: list[dict], *, applicant, subject: dict) -> dict:
    """The form's first values (少填): each field whose `prefill` names something the platform
    knows (the applicant's verified identity, the legal person they act for) starts filled
    in; the applicant checks it and may change it. A value the field would refuse is left out."""
    sources = {f["name"]: f["prefill"] for f in schema or [] if f.get("prefill")}
    if not sources:
        return {}
    known = _known_values(applicant=applicant, subject=subject)
    values = {name: known.get(source, "") for name, source in sources.items()}
    cleaned, errors = form_clean([f for f in schema if f["name"] in sources], values, partial=True)
    return {name: value for name, value in cleaned.items() if value and name not in errors}


@transaction.atomic
def case_create(
    *,
    actor,
    version: MatterVersion,
    channel: str = Channel.ONLINE,
    applicant=None,
    uscc: str = "",
    window=None,
    bundle_ref: str = "",
    request=None,
) -> Application:
    """Start a draft. Online/mobile: `actor` is the applicant. Counter (one-window intake): a
    clerk with cases.intake enters it for `applicant` (found by ID number), one trip counted."""
    if channel not in Channel.values:
        raise DomainError("cases.invalid_channel", _("Unknown channel."))
    if not version.is_published or version.matter.current_version_id != version.pk:
        raise DomainError(
            "cases.matter_not_available", _("This service cannot be applied for now.")
        )
    if channel == Channel.COUNTER:
        from onetrip.accounts.policies import has_permission

        if not has_permission(actor, "cases.intake"):
            raise PermissionDenied(
                "cases.permission_denied", _("You do not have permission to do this.")
            )
        if applicant is None:
            raise DomainError("cases.applicant_needed", _("Find the applicant first."))
        if not version.counter:
            raise DomainError(
                "cases.channel_not_offered", _("This service is not offered at a counter.")
            )
    else:
        applicant = actor
        if not version.online:
            raise DomainError(
                "cases.channel_not_offered", _("This service cannot be applied for online.")
            )
        require_level(applicant, version.required_level)
    subject = _subject_for(applicant=applicant, version=version, uscc=uscc)
    form_data = form_prefill(version.form_schema, applicant=applicant, subject=subject)
    department = version.matter.department
    region_code = department.region.code if department.region_id else settings.ONETRIP_REGION
    case = Application.objects.create(
        number=_next_number(region_code),
        matter_version=version,
        department=department,
        applicant=applicant,
        channel=channel,
        intake_clerk=actor if channel == Channel.COUNTER else None,
        intake_window=window,
        trips=1 if channel == Channel.COUNTER else 0,
        bundle_ref=bundle_ref,
        form_data=form_data,
        **subject,
    )
    _event(case, actor=actor, action="create", from_status="")
    _audit(case, actor=actor, action="create", request=request, channel=channel)
    return case


@transaction.atomic
def case_form_save(*, actor, case: Application, data: dict, request=None) -> Application:
    """Save the form (a draft may be incomplete; every value given must be valid)."""
    case = _lock(case)
    policies.require_applicant_side(actor, case)
    _require_status(case, CaseStatus.DRAFT, CaseStatus.CORRECTION)
    cleaned, errors = form_clean(case.matter_version.form_schema, data, partial=True)
    if errors:
        raise DomainError(
            "cases.form_invalid", _("Some fields need correcting."), detail=errors, status=422
        )
    case.form_data = cleaned
    case.save(update_fields=["form_data"])
    _audit(case, actor=actor, action="form_save", request=request)
    return case


def _store(case, *, actor, matter_material, uploaded_file) -> CaseMaterial:
    content_type, sha256 = upload_check(uploaded_file)
    if matter_material is not None and matter_material.version_id != case.matter_version_id:
        raise DomainError("cases.unknown_material", _("This material is not part of the service."))
    original = original_name(uploaded_file)
    material = CaseMaterial(
        application=case,
        matter_material=matter_material,
        original_name=original,
        content_type=content_type,
        size=uploaded_file.size,
        sha256=sha256,
        uploaded_by=actor,
    )
    material.file.save(original, uploaded_file, save=False)
    material.save()
    return material


@transaction.atomic
def case_material_upload(
    *, actor, case: Application, uploaded_file, matter_material=None, request=None
) -> CaseMaterial:
    """Attach a file to a draft (or a case waiting for correction). PDF, JPG or PNG, at most
    ONETRIP_CASE_UPLOAD_MAX_BYTES (10 MB); a refused file changes nothing."""
    case = _lock(case)
    policies.require_applicant_side(actor, case)
    _require_status(case, CaseStatus.DRAFT, CaseStatus.CORRECTION)
    material = _store(
        case, actor=actor, matter_material=matter_material, uploaded_file=uploaded_file
    )
    _audit(
        case,
        actor=actor,
        action="material_upload",
        request=request,
        material=matter_material.name if matter_material else "",
        size=material.size,
        sha256=material.sha256,
    )
    return material


# --- commitments instead of proofs (证明事项告知承诺制) -------------------------------------


def _commitment_offered(case: Application, matter_material) -> MatterMaterial:
    if matter_material is None or matter_material.version_id != case.matter_version_id:
        raise DomainError("cases.unknown_material", _("This material is not part of the service."))
    if not matter_material.commitment or matter_material.source != MaterialSource.NONE:
        raise DomainError(
            "cases.commitment_not_offered",
            _("The service guide does not let this material be replaced by a commitment."),
            detail={"material": matter_material.name},
            status=422,
        )
    return matter_material


def _check_due(case: Application) -> datetime.date | None:
    """A commitment is checked within ONETRIP_COMMITMENT_CHECK_DAYS working days of the
    acceptance, or of its making when the case was accepted already (a review's correction)."""
    if case.accepted_on is None:
        return None
    start = max(case.accepted_on, _today())
    return workday_add(start, settings.ONETRIP_COMMITMENT_CHECK_DAYS).date


@transaction.atomic
def case_commitment_make(
    *, actor, case: Application, matter_material, agreed: bool, request=None
) -> CaseCommitment:
    """Replace a material by the written commitment its guide offers (告知承诺), on a draft or a
    case waiting for correction, by the applicant or a window clerk on their side (who keeps
    the paper the applicant signed). `agreed`: the applicant read the wording and commits to
    it. Refused for subjects of credit grade C or D."""
    case = _lock(case)
    policies.require_applicant_side(actor, case)
    _require_status(case, CaseStatus.DRAFT, CaseStatus.CORRECTION)
    material = _commitment_offered(case, matter_material)
    if not agreed:
        raise DomainError(
            "cases.commitment_not_agreed",
            _("Read the commitment and tick the box to make it."),
            detail={"agree": ""},
            status=422,
        )
    if case.commitments.filter(matter_material=material).exists():
        raise DomainError(
            "cases.commitment_made",
            _("A commitment for this material has been made already."),
            status=409,
        )
    grade = credit_grade_get(case.subject_type, case.subject_id)
    if grade not in COMMITMENT_GRADES:
        raise DomainError(
            "cases.commitment_not_allowed",
            _(
                "The applicant's credit grade is %(grade)s: a commitment can replace a material "
                "only for grades A and B. Please supply the material."
            )
            % {"grade": grade},
            detail={"grade": grade},
            status=422,
        )
    commitment = CaseCommitment.objects.create(
        application=case,
        matter_material=material,
        text=material.commitment,
        made_by=actor,
        check_due_on=_check_due(case),
    )
    _audit(case, actor=actor, action="commitment_make", request=request, material=material.name)
    return commitment


@transaction.atomic
def case_commitment_withdraw(
    *, actor, case: Application, commitment: CaseCommitment, request=None
) -> None:
    """Take a commitment back while the case is a draft (the material is then to be supplied);
    once submitted, the department relies on it."""
    case = _lock(case)
    policies.require_applicant_side(actor, case)
    _require_status(case, CaseStatus.DRAFT)
    deleted, _kinds = case.commitments.filter(pk=commitment.pk).delete()
    if not deleted:
        raise policies.not_found(case.number)
    _audit(
        case,
        actor=actor,
        action="commitment_withdraw",
        request=request,
        material=commitment.matter_material.name,
    )


def _rule_credit(
    case: Application, *, today: datetime.date, severity: str, category: str, days: int, description
):
    """A bad-conduct credit record that one of the platform's rules makes about the case's
    subject on `today`, for the case's department, valid `days`."""
    return credit_record_add(
        actor=FOLLOW_UP_ACTOR,
        department=case.department,
        subject_type=case.subject_type,
        subject_id=case.subject_id,
        subject_name=case.subject_name,
        kind="bad",
        severity=severity,
        category=category,
        decided_on=today,
        valid_until=today + datetime.timedelta(days=days),
        description=description,
    )


def _untrue_credit(case: Application, commitment: CaseCommitment, *, note: str):
    """Recorded by the platform's rule (the reviewer who checked need not keep credit records;
    the commitment says who checked)."""
    return _rule_credit(
        case,
        today=_today(),
        severity="serious",
        category=_("Untrue commitment in place of a proof"),
        days=settings.ONETRIP_COMMITMENT_UNTRUE_CREDIT_DAYS,
        description=_("Case %(number)s, %(material)s: %(note)s")
        % {"number": case.number, "material": commitment.matter_material.name, "note": note},
    )


@transaction.atomic
def case_commitment_check(
    *,
    actor,
    case: Application,
    commitment: CaseCommitment,
    outcome: str,
    note: str = "",
    request=None,
) -> CaseCommitment:
    """The department's check of a commitment after acceptance (事后核查): found true, or untrue
    (a note says what was found). Untrue: a serious bad-conduct credit record, so the subject
    may no longer commit until repaired, and the applicant is told. What follows for the
    decision itself (revocation, 行政许可法 art. 69) is the department's own procedure."""
    case = _lock(case)
    policies.require_staff(actor, case, "cases.review", "cases.decide")
    if case.accepted_on is None or case.status == CaseStatus.WITHDRAWN:
        raise DomainError(
            "cases.commitment_not_due",
            _("A commitment is checked once the application has been accepted."),
            status=409,
        )
    commitment = (
        CaseCommitment.objects.select_for_update()
        .select_related("matter_material")
        .filter(application=case, pk=commitment.pk)
        .first()
    )
    if commitment is None:
        raise policies.not_found(case.number)
    if commitment.outcome:
        raise DomainError(
            "cases.commitment_checked", _("This commitment has been checked already."), status=409
        )
    if outcome not in CommitmentOutcome.values:
        raise DomainError(
            "cases.commitment_outcome_invalid",
            _("Choose whether the commitment was found true or untrue."),
            status=422,
        )
    note = (note or "").strip()
    if outcome == CommitmentOutcome.UNTRUE and not note:
        raise DomainError(
            "cases.note_required", _("Say what the check found."), detail={"note": ""}, status=422
        )
    commitment.outcome, commitment.note = outcome, note
    commitment.checked_by, commitment.checked_at = actor, timezone.now()
    material = commitment.matter_material.name
    if outcome == CommitmentOutcome.UNTRUE:
        commitment.credit_record = _untrue_credit(case, commitment, note=note)
    commitment.save()
    label = CommitmentOutcome(outcome).label
    _event(
        case,
        actor=actor,
        action="commitment_check",
        from_status=case.status,
        note=_("Commitment in place of %(material)s: %(outcome)s")
        % {"material": material, "outcome": label}
        + (f"（{note}）" if note else ""),
    )
    _audit(
        case,
        actor=actor,
        action="commitment_check",
        request=request,
        material=material,
        outcome=outcome,
    )
    if outcome == CommitmentOutcome.UNTRUE:
        _notify(
            case,
            _("Your commitment was found untrue"),
            _("%(material)s: %(note)s. It has been recorded in your credit file.")
            % {"material": material, "note": note},
        )
    return commitment


# --- the life cycle ---------------------------------------------------------------------------


# What a submission reads of a case, in one statement before its transaction: the case without
# its long text columns, and its department's name. The matter version comes from
# catalogue.selectors.version_frozen (a published version never changes).
SUBMIT_COLUMNS = (
    "id",
    "number",
    "matter_version",
    "department",
    "applicant",
    "intake_clerk",
    "subject_type",
    "subject_id",
    "channel",
    "status",
    "current_step",
    "form_data",
    "submitted_at",
    "accepted_on",
    "deadline_on",
    "deadline_provisional",
    "finished_at",
    "licence_number",
    "tracking_number",
    "bundle_ref",
    "withdrawn_at",
    "withdrawal_reason",
)


# Submission is the busiest write, and there building a query through the ORM costs several
# times more than running it: its read and its status change are plain statements, made once
# from the models (the other fields of the case load from the database if something uses them).
@functools.cache
def _submit_read_sql(key: str) -> str:
    quote = connection.ops.quote_name
    case, department = Application._meta, Department._meta
    columns = ", ".join(f"a.{quote(case.get_field(name).column)}" for name in SUBMIT_COLUMNS)
    return (
        f"SELECT {columns}, d.{quote(department.get_field('name').column)} AS department_name "  # noqa: S608 — our tables
        f"FROM {quote(case.db_table)} a JOIN {quote(department.db_table)} d "
        f"ON d.{quote(department.pk.column)} = a.{quote(case.get_field('department').column)} "
        f"WHERE a.{quote(case.get_field(key).column)} = %s"
    )


def _submit_read(**lookup) -> Application | None:
    """The case by `number` or `pk`, with its department (id and name only)."""
    ((key, value),) = lookup.items()
    with connection.cursor() as cursor:
        cursor.execute(_submit_read_sql("id" if key == "pk" else key), [value])
        row = cursor.fetchone()
    if row is None:
        return None
    case = from_row(Application, SUBMIT_COLUMNS, row)
    case.department = Department.from_db(
        connection.alias, ("id", "name"), (case.department_id, row[-1])
    )
    return case


@functools.cache
def _submit_update_sql() -> str:
    quote = connection.ops.quote_name
    case = Application._meta
    form, status, submitted_at, pk = (
        quote(case.get_field(name).column) for name in ("form_data", "status", "submitted_at", "id")
    )
    return (
        f"UPDATE {quote(case.db_table)} SET {form} = %s, {status} = %s, {submitted_at} = %s "  # noqa: S608 — our table
        f"WHERE {pk} = %s AND {status} = %s AND {form} = %s"
    )


def _submit_update_prepare(case: Application, *, read_form, cleaned, submitted_at):
    """Draft → submitted, only if the case is still a draft with the form that was read. The
    returned function runs it and, if it did, the prepared inserts given to it; it answers
    (whether it did, the audit chain's head hash if it locked the head too or else None).

    On PostgreSQL all of that is one statement (core.plain.update_with_inserts): a submission
    then makes four round trips to the database (read, begin, this, audit and commit) instead
    of eight."""
    field = Application._meta.get_field
    params = [
        field("form_data").get_db_prep_save(cleaned, connection),
        CaseStatus.SUBMITTED,
        field("submitted_at").get_db_prep_save(submitted_at, connection),
        case.pk,
        CaseStatus.DRAFT,
        field("form_data").get_db_prep_save(read_form, connection),
    ]

    if connection.vendor == "postgresql":

        def run_together(*inserts: PreparedInsert) -> tuple[bool, str | None]:
            changed, head = update_with_inserts(
                _submit_update_sql() + " RETURNING 1",
                params,
                inserts,
                also=audit.head_lock_sql(after="changed"),  # the case's row first, as elsewhere
            )
            return changed == 1, head

        return run_together

    def run(*inserts: PreparedInsert) -> tuple[bool, None]:
        with connection.cursor() as cursor:
            cursor.execute(_submit_update_sql(), params)
            changed = cursor.rowcount == 1
        if changed:
            for insert in inserts:
                insert()
        return changed, None

    return run


def _submit_check(*, actor, case: Application, form_data, materials) -> dict:
    """The rules of a submission: who, status, the whole form, the required uploads (a
    tolerable material may be left for acceptance to decide). Returns the cleaned form."""
    policies.require_applicant_side(actor, case)
    _require_status(case, CaseStatus.DRAFT)
    cleaned, errors = form_clean(case.matter_version.form_schema, form_data)
    if errors:
        raise DomainError(
            "cases.form_invalid", _("Some fields need correcting."), detail=errors, status=422
        )
    needed = [
        m
        for m in materials
        if m.is_required and m.source == MaterialSource.NONE and not m.is_tolerable
    ]
    if needed:
        supplied = _supplied_ids(case, [m.pk for m in needed])
        missing = [m for m in needed if m.pk not in supplied]
        if missing:
            raise DomainError(
                "cases.materials_missing",
                _("Upload these materials first: %(names)s.")
                % {"names": "、".join(m.name for m in missing)},
                detail={"materials": [m.name for m in missing]},
                status=422,
            )
    return cleaned


def case_submit(
    *, actor, case: Application | str, request=None, consent: bool = False
) -> Application:
    """Draft → submitted: the whole form must be valid and every required material uploaded
    (a tolerable one may be left for acceptance to decide). With the applicant's `consent`
    (given online, or in person to the clerk who submits a counter case), materials whose
    source is shared data or an e-licence are pulled through the exchange (ID-only handling,
    一证通办) instead of being brought to a counter.

    `case` is the case (read again here: the caller's copy may be stale) or its number (the
    API: then nothing else has read it, and the case is a 404 unless the actor may see it).
    Everything is read and checked before one short write transaction that holds the status
    change, its CaseEvent, its audit entry (which also records who accessed the case) and the
    in-app notification; the SMS goes out when it commits. A refused submission by number is
    audited as a read of the case, as the API's read of it used to be."""
    by_number = isinstance(case, str)
    number = case if by_number else case.number
    lookup = {"number": case} if by_number else {"pk": case.pk}
    case = _submit_read(**lookup)
    if case is None or (by_number and not policies.may_see(actor, case)):
        raise policies.not_found(number)
    try:
        return _submit(actor=actor, case=case, request=request, consent=consent)
    except NotFound:
        raise
    except DomainError as refused:
        if by_number:
            _read_refused(case, actor=actor, request=request, code=refused.code)
        raise


def _read_refused(case: Application, *, actor, request, code: str) -> None:
    """A refused submission changed nothing but showed the caller something of the case: a
    read, audited through the write-behind buffer like other reads (decision 0012)."""
    audit.record_read(
        actor=actor,
        action="cases.application.read",
        target_type="cases.application",
        target_id=case.number,
        subject_type=case.subject_type,
        subject_id=case.subject_id,
        purpose="submission refused",
        detail={"refused": code},
        request=request,
    )


def _submit(*, actor, case: Application, request, consent: bool) -> Application:
    case.matter_version, materials = version_frozen(case.matter_version_id)
    cleaned = _submit_check(actor=actor, case=case, form_data=case.form_data, materials=materials)
    pulled = [m for m in materials if m.source != MaterialSource.NONE]
    # Everything the transaction writes is worked out before it starts, so that it only runs
    # statements (on SQLite every other writer waits for it, decision 0013).
    submitted_at = timezone.now()
    status_change = _submit_update_prepare(
        case, read_form=case.form_data, cleaned=cleaned, submitted_at=submitted_at
    )
    event = prepare_insert(
        _event_row(
            case,
            actor=actor,
            action="submit",
            from_status=CaseStatus.DRAFT,
            to_status=CaseStatus.SUBMITTED,
        )
    )
    notification = notification_prepare(
        user=actor if actor.pk == case.applicant_id else case.applicant,
        title=_("Your application was submitted") + f" ({case.number})",
        body=_("We will tell you when it is accepted."),
        link=case_link(case),
    )
    entry = _audit_entry(
        case, actor=actor, action="submit", request=request, status=CaseStatus.SUBMITTED
    )
    with transaction.atomic():
        # The status changes only if nothing changed since the read above (a second submission
        # or a form save in between); otherwise the case is read again, under a row lock on
        # PostgreSQL (SQLite's write lock is held already), and checked again.
        changed, chain_head = status_change(event, notification.insert)
        if not changed:
            now = (
                Application.objects.select_for_update()
                .filter(pk=case.pk)
                .values_list("status", "form_data")
                .first()
            )
            if now is None:
                raise policies.not_found(case.number)
            case.status, case.form_data = now
            cleaned = _submit_check(
                actor=actor, case=case, form_data=case.form_data, materials=materials
            )
            Application.objects.filter(pk=case.pk).update(
                form_data=cleaned, status=CaseStatus.SUBMITTED, submitted_at=submitted_at
            )
            event()
            notification.insert()
        notification.queue_sms()
        # The applicant consents online; at a counter the clerk records the consent the
        # applicant gives in person (only they or a clerk on their side get this far).
        if consent and pulled:
            from onetrip.exchange.services import pull_for_applicant

            pull_for_applicant(
                actor=actor,
                applicant=actor if actor.pk == case.applicant_id else case.applicant,
                case_number=case.number,
                department=case.department,
                subject_type=case.subject_type,
                subject_id=case.subject_id,
                materials=pulled,
                request=request,
            )
            chain_head = None  # the pull appended its own entries to the chain
        case.form_data, case.status, case.submitted_at = cleaned, CaseStatus.SUBMITTED, submitted_at
        # Last: on PostgreSQL the audit chain's head row stays locked until the commit.
        audit.append(entry, chain_head=chain_head)
    return case


@transaction.atomic
def case_accept(*, actor, case: Application, note: str = "", request=None) -> Application:
    """Submitted → accepted (受理). The deadline is the promised_days-th working day after
    today. Missing tolerable materials are accepted for subjects of grade A or B."""
    case = _lock(case)
    policies.require_staff(actor, case, "cases.intake")
    _require_status(case, CaseStatus.SUBMITTED)
    missing = materials_missing(case)
    hard = [m for m in missing if not m.is_tolerable]
    if hard:
        raise DomainError(
            "cases.materials_missing",
            _("These materials are missing: %(names)s. Request a correction instead.")
            % {"names": "、".join(m.name for m in hard)},
            detail={"materials": [m.name for m in hard]},
            status=422,
        )
    today = _today()
    grade = credit_grade_get(case.subject_type, case.subject_id)
    if missing and grade not in TOLERATED_GRADES:
        raise DomainError(
            "cases.tolerance_not_allowed",
            _(
                "The applicant's credit grade is %(grade)s: materials can be accepted as "
                "missing only for grades A and B. Request a correction instead."
            )
            % {"grade": grade},
            detail={"grade": grade, "materials": [m.name for m in missing]},
            status=422,
        )
    if missing:
        due = workday_add(today, TOLERATED_SUPPLY_DAYS).date
        MissingMaterial.objects.bulk_create(
            MissingMaterial(application=case, matter_material=m, credit_grade=grade, due_on=due)
            for m in missing
        )
    result = workday_add(today, case.matter_version.promised_days)
    steps = case.steps
    case.status = CaseStatus.ACCEPTED
    case.accepted_at, case.accepted_on = timezone.now(), today
    case.deadline_on, case.deadline_provisional = result.date, result.provisional
    # An "accept" step in the guide is done by acceptance itself.
    case.current_step = 1 if steps and steps[0].get("key") == "accept" else 0
    case.save(
        update_fields=[
            "status",
            "accepted_at",
            "accepted_on",
            "deadline_on",
            "deadline_provisional",
            "current_step",
        ]
    )
    case.commitments.filter(check_due_on__isnull=True).update(check_due_on=_check_due(case))
    # The acceptance notice names the materials taken on a commitment and their check date.
    committed = [
        {"name": c.matter_material.name, "check_due_on": c.check_due_on.isoformat()}
        for c in case.commitments.select_related("matter_material").order_by("id")
    ]
    _event(case, actor=actor, action="accept", from_status=CaseStatus.SUBMITTED, note=note)
    _audit(
        case,
        actor=actor,
        action="accept",
        request=request,
        deadline_on=case.deadline_on.isoformat(),
        tolerated_missing=[m.name for m in missing],
        credit_grade=grade if missing else "",
    )
    body = _("To be finished by %(date)s.") % {"date": case.deadline_on.isoformat()}
    if missing:
        body += " " + _("Please supply by %(date)s: %(names)s.") % {
            "date": due.isoformat(),
            "names": "、".join(m.name for m in missing),
        }
    notice_issue(
        case,
        kind=NoticeKind.ACCEPTANCE,
        actor=actor,
        accepted_on=today.isoformat(),
        promised_days=case.matter_version.promised_days,
        deadline_on=case.deadline_on.isoformat(),
        deadline_provisional=case.deadline_provisional,
        tolerated=[{"name": m.name, "due_on": due.isoformat()} for m in missing],
        **({"committed": committed} if committed else {}),
    )
    _notify(case, _("Your application was accepted"), body)
    return case


def _finish(case) -> None:
    case.finished_at, case.finished_on = timezone.now(), _today()


@transaction.atomic
def case_not_accept(*, actor, case: Application, reason: str, request=None) -> Application:
    """Submitted → not accepted, with the reason the applicant reads (不予受理告知)."""
    case = _lock(case)
    policies.require_staff(actor, case, "cases.intake")
    _require_status(case, CaseStatus.SUBMITTED)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("cases.reason_needed", _("Give the reason."), status=422)
    case.status, case.not_accepted_reason = CaseStatus.NOT_ACCEPTED, reason
    _finish(case)
    case.save(update_fields=["status", "not_accepted_reason", "finished_at", "finished_on"])
    _event(case, actor=actor, action="not_accept", from_status=CaseStatus.SUBMITTED, note=reason)
    _audit(case, actor=actor, action="not_accept", request=request, reason=reason)
    notice_issue(case, kind=NoticeKind.NON_ACCEPTANCE, actor=actor, reason=reason)
    _notify(case, _("Your application was not accepted"), reason)
    _bundle_decided(actor=actor, case=case)
    return case


@transaction.atomic
def case_correction_request(
    *, actor, case: Application, materials=(), note: str, request=None
) -> CaseCorrection:
    """Ask for everything missing at once (补正告知), once per case. After acceptance the
    clock stops until the applicant answers."""
    case = _lock(case)
    policies.require_staff(actor, case, "cases.intake", "cases.review")
    _require_status(case, CaseStatus.SUBMITTED, CaseStatus.ACCEPTED, CaseStatus.IN_REVIEW)
    if CaseCorrection.objects.filter(application=case).exists():
        raise DomainError(
            "cases.correction_used",
            _("A correction was already requested once; everything must be asked at once."),
            status=409,
        )
    note = (note or "").strip()
    materials = list(materials)
    if not note:
        raise DomainError("cases.note_needed", _("Say what must be corrected."), status=422)
    if any(m.version_id != case.matter_version_id for m in materials):
        raise DomainError("cases.unknown_material", _("This material is not part of the service."))
    correction = CaseCorrection.objects.create(
        application=case, note=note, from_status=case.status, requested_by=actor
    )
    correction.materials.set(materials)
    from_status = case.status
    case.status = CaseStatus.CORRECTION
    case.save(update_fields=["status"])
    _pause_start(case, kind=PauseKind.CORRECTION, reason=note)
    names = "、".join(m.name for m in materials)
    _event(case, actor=actor, action="correction_request", from_status=from_status, note=note)
    _audit(case, actor=actor, action="correction_request", request=request, materials=names)
    notice_issue(
        case,
        kind=NoticeKind.CORRECTION,
        actor=actor,
        note=note,
        materials=[m.name for m in materials],
    )
    body = note + (" " + _("Materials: %(names)s.") % {"names": names} if names else "")
    _notify(case, _("Your application needs a correction"), body)
    return correction


@transaction.atomic
def case_correction_answer(
    *, actor, case: Application, note: str = "", request=None
) -> Application:
    """The applicant has uploaded every requested material (after the request), or replaced it
    by a commitment the guide offers, and resubmits; the case returns where it was, and its
    deadline moves by the paused working days."""
    case = _lock(case)
    policies.require_applicant_side(actor, case)
    _require_status(case, CaseStatus.CORRECTION)
    correction = case.correction
    cleaned, errors = form_clean(case.matter_version.form_schema, case.form_data)
    if errors:
        raise DomainError(
            "cases.form_invalid", _("Some fields need correcting."), detail=errors, status=422
        )
    since = correction.requested_at
    renewed = set(
        case.materials.filter(uploaded_at__gte=since).values_list("matter_material_id", flat=True)
    ) | set(
        case.commitments.filter(made_at__gte=since).values_list("matter_material_id", flat=True)
    )
    outstanding = [m for m in correction.materials.all() if m.pk not in renewed]
    if outstanding:
        raise DomainError(
            "cases.materials_missing",
            _("Upload these materials first: %(names)s.")
            % {"names": "、".join(m.name for m in outstanding)},
            detail={"materials": [m.name for m in outstanding]},
            status=422,
        )
    correction.answered_at, correction.answer_note = timezone.now(), (note or "").strip()
    correction.save(update_fields=["answered_at", "answer_note"])
    if actor.pk != case.applicant_id:
        case.trips += 1  # the applicant came to the counter with the materials
    case.form_data = cleaned
    case.status = correction.from_status
    paused = _pause_end(case)
    case.save(update_fields=["status", "form_data", "trips", "deadline_on", "deadline_provisional"])
    _event(
        case,
        actor=actor,
        action="correction_answer",
        from_status=CaseStatus.CORRECTION,
        note=correction.answer_note,
    )
    _audit(case, actor=actor, action="correction_answer", request=request, paused_days=paused)
    _notify(case, _("Your corrected application was received"))
    return case


@transaction.atomic
def case_step_complete(*, actor, case: Application, note: str = "", request=None) -> Application:
    """Finish the current review step (e.g. review, site inspection); the last step is the
    decision itself (case_approve / case_deny)."""
    case = _lock(case)
    policies.require_staff(actor, case, "cases.review")
    _require_status(case, CaseStatus.ACCEPTED, CaseStatus.IN_REVIEW)
    if case.at_decision:
        raise DomainError(
            "cases.at_decision", _("All review steps are done: decide now."), status=409
        )
    step = case.steps[case.current_step]["name"]
    from_status = case.status
    case.current_step += 1
    case.status = CaseStatus.IN_REVIEW
    case.save(update_fields=["current_step", "status"])
    _event(case, actor=actor, action="step_complete", from_status=from_status, note=note, step=step)
    _audit(case, actor=actor, action="step_complete", request=request, step=step)
    _notify(case, _("Your application moved on"), _("Step done: %(step)s.") % {"step": step})
    return case


@transaction.atomic
def case_suspend(*, actor, case: Application, reason: str, request=None) -> Application:
    """A statutory suspension (hearing, expert assessment...): the clock stops."""
    case = _lock(case)
    policies.require_staff(actor, case, "cases.review")
    _require_status(case, CaseStatus.ACCEPTED, CaseStatus.IN_REVIEW)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("cases.reason_needed", _("Give the reason."), status=422)
    from_status = case.status
    case.status = CaseStatus.SUSPENDED
    case.save(update_fields=["status"])
    _pause_start(case, kind=PauseKind.SUSPENSION, reason=reason)
    _event(case, actor=actor, action="suspend", from_status=from_status, note=reason)
    _audit(case, actor=actor, action="suspend", request=request, reason=reason)
    _notify(case, _("Your application is suspended"), reason)
    return case


@transaction.atomic
def case_resume(*, actor, case: Application, request=None) -> Application:
    case = _lock(case)
    policies.require_staff(actor, case, "cases.review")
    _require_status(case, CaseStatus.SUSPENDED)
    case.status = CaseStatus.IN_REVIEW
    paused = _pause_end(case)
    case.save(update_fields=["status", "deadline_on", "deadline_provisional"])
    _event(case, actor=actor, action="resume", from_status=CaseStatus.SUSPENDED)
    _audit(case, actor=actor, action="resume", request=request, paused_days=paused)
    _notify(
        case,
        _("Your application is being handled again"),
        _("To be finished by %(date)s.") % {"date": case.deadline_on.isoformat()},
    )
    return case


def _licence_issue(*, actor, case):
    """Approval of a matter with a licence type issues the e-licence (in the same transaction:
    if signing fails, nothing is approved)."""
    type_code = case.matter_version.licence_type_code
    if not type_code:
        return None
    from onetrip.licences.services import licence_issue

    return licence_issue(
        actor=actor,
        type_code=type_code,
        holder_type=case.subject_type,
        holder_id=case.subject_id,
        holder_name=case.subject_name,
        fields=dict(case.form_data),
        department=case.department,
        source=f"case:{case.number}",
    )


@transaction.atomic
def case_approve(*, actor, case: Application, note: str = "", request=None) -> Application:
    """Approve (准予). Every review step must be done and every material accepted as missing
    supplied; a licence type on the matter issues the e-licence."""
    case = _lock(case)
    policies.require_staff(actor, case, "cases.decide")
    _require_status(case, CaseStatus.ACCEPTED, CaseStatus.IN_REVIEW)
    if not case.at_decision:
        raise DomainError(
            "cases.steps_open",
            _("Finish the review steps first: %(step)s.") % {"step": case.current_step_name},
            status=409,
        )
    open_missing = list(
        case.missing_materials.filter(supplied_at__isnull=True).select_related("matter_material")
    )
    if open_missing:
        raise DomainError(
            "cases.missing_not_supplied",
            _("Materials accepted as missing are not supplied yet: %(names)s.")
            % {"names": "、".join(m.matter_material.name for m in open_missing)},
            status=409,
        )
    licence = None if licence_held(case) else _licence_issue(actor=actor, case=case)
    from_status = case.status
    case.status, case.decision_note = CaseStatus.APPROVED, (note or "").strip()
    case.current_step = max(len(case.steps) - 1, 0)
    if licence is not None:
        case.licence_number = str(getattr(licence, "number", "") or licence)[:100]
    _finish(case)
    case.save(
        update_fields=[
            "status",
            "decision_note",
            "current_step",
            "licence_number",
            "finished_at",
            "finished_on",
        ]
    )
    _event(case, actor=actor, action="approve", from_status=from_status, note=case.decision_note)
    _audit(case, actor=actor, action="approve", request=request, licence=case.licence_number)
    notice_issue(
        case,
        kind=NoticeKind.APPROVAL,
        actor=actor,
        accepted_on=case.accepted_on.isoformat(),
        result_name=case.matter_version.result_name,
        licence_number=case.licence_number,
        note=case.decision_note,
    )
    _notify(case, _("Your application was approved"), case.decision_note)
    _bundle_decided(actor=actor, case=case)
    return case


@transaction.atomic
def case_deny(*, actor, case: Application, reason: str, request=None) -> Application:
    """Deny (不予许可), with the reason the applicant reads."""
    case = _lock(case)
    policies.require_staff(actor, case, "cases.decide")
    _require_status(case, CaseStatus.ACCEPTED, CaseStatus.IN_REVIEW)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("cases.reason_needed", _("Give the reason."), status=422)
    from_status = case.status
    case.status, case.decision_note = CaseStatus.DENIED, reason
    _finish(case)
    case.save(update_fields=["status", "decision_note", "finished_at", "finished_on"])
    _event(case, actor=actor, action="deny", from_status=from_status, note=reason)
    _audit(case, actor=actor, action="deny", request=request, reason=reason)
    notice_issue(
        case,
        kind=NoticeKind.DENIAL,
        actor=actor,
        reason=reason,
        accepted_on=case.accepted_on.isoformat(),
    )
    _notify(case, _("Your application was denied"), reason)
    _bundle_decided(actor=actor, case=case)
    return case


@transaction.atomic
def case_result_issue(*, actor, case: Application, request=None) -> Application:
    """The written result (licence, certificate, decision) is ready to hand over."""
    case = _lock(case)
    policies.require_staff(actor, case, "cases.review", "cases.intake")
    _require_status(case, CaseStatus.APPROVED, CaseStatus.DENIED)
    if payment_selectors.unpaid_for_reference(payment_reference(case)) is not None:
        raise DomainError(
            "cases.payment_outstanding",
            _("The fee is not paid yet: the result is handed over once it is paid."),
            status=409,
        )
    if case.status == CaseStatus.APPROVED and licence_held(case):
        raise DomainError(
            "cases.licence_held",
            _("The e-licence is issued together with the other parts of the bundle."),
            status=409,
        )
    from_status = case.status
    case.status = CaseStatus.RESULT_ISSUED
    case.save(update_fields=["status"])
    _event(case, actor=actor, action="result_issue", from_status=from_status)
    _audit(case, actor=actor, action="result_issue", request=request)
    _notify(case, _("Your result is ready"))
    return case


def payment_reference(case: Application) -> str:
    """How a case's payment orders name it (the payments app knows nothing of cases)."""
    return f"case:{case.number}"


@transaction.atomic
def case_charge(*, actor, case: Application, items, request=None):
    """Charge the fee of an approved case (缴费): a payment order to the applicant, with the
    amount per item as the department works it out from the matter's fee standard. The result
    is handed over once it is paid."""
    case = _lock(case)
    policies.require_staff(actor, case, "cases.intake", "cases.review")
    _require_status(case, CaseStatus.APPROVED)
    order = payment_services.order_create(
        actor=actor,
        department=case.department,
        reference=payment_reference(case),
        purpose=f"{case.matter_version.name}（{case.number}）",
        payer=case.applicant,
        payer_type=case.subject_type,
        payer_number=case.subject_id,
        payer_name=case.subject_name,
        items=items,
        link=case_link(case),
        staff_link=reverse("casework:detail", args=[case.number]),
        request=request,
    )
    note = _("Fee of %(amount)s yuan charged, payment code %(code)s.") % {
        "amount": order.yuan,
        "code": order.code,
    }
    _event(case, actor=actor, action="charge", from_status=case.status, note=note)
    return order


def case_paid(*, order, actor) -> None:
    """The payments app's hook: a case's fee was paid (online, at the window, or found by the
    reconciliation); its history says so, with the receipt number."""
    number = order.reference.partition(":")[2]
    case = Application.objects.filter(number=number).first()
    if case is None:
        return
    note = _("Fee of %(amount)s yuan paid, receipt number %(receipt)s.") % {
        "amount": order.yuan,
        "receipt": order.receipt_number,
    }
    _event(case, actor=actor, action="paid", from_status=case.status, note=note)


@transaction.atomic
def case_deliver(
    *, actor, case: Application, method: str, tracking_number: str = "", request=None
) -> Application:
    """Hand the result over: collected at the window (one more trip), posted (tracking number
    required) or electronic only."""
    case = _lock(case)
    policies.require_staff(actor, case, "cases.intake", "cases.review")
    _require_status(case, CaseStatus.RESULT_ISSUED)
    if method not in DeliveryMethod.values:
        raise DomainError(
            "cases.invalid_delivery", _("Choose how the result is delivered."), status=422
        )
    tracking_number = (tracking_number or "").strip()
    if method == DeliveryMethod.POSTED and not tracking_number:
        raise DomainError(
            "cases.tracking_needed", _("Enter the tracking number of the parcel."), status=422
        )
    case.status, case.delivery_method = CaseStatus.DELIVERED, method
    case.tracking_number = tracking_number[:50] if method == DeliveryMethod.POSTED else ""
    case.delivered_at = timezone.now()
    if method == DeliveryMethod.COLLECTED:
        case.trips += 1
    case.save(
        update_fields=["status", "delivery_method", "tracking_number", "delivered_at", "trips"]
    )
    _event(
        case,
        actor=actor,
        action="deliver",
        from_status=CaseStatus.RESULT_ISSUED,
        note=case.tracking_number,
    )
    _audit(
        case,
        actor=actor,
        action="deliver",
        request=request,
        method=method,
        tracking_number=case.tracking_number,
    )
    body = (
        _("Posted, tracking number %(n)s.") % {"n": case.tracking_number}
        if method == DeliveryMethod.POSTED
        else ""
    )
    _notify(case, _("Your result was delivered"), body)
    return case


@transaction.atomic
def case_missing_supply(
    *, actor, case: Application, missing: MissingMaterial, uploaded_file, request=None
) -> MissingMaterial:
    """Supply a material accepted as missing (容缺后补)."""
    case = _lock(case)
    policies.require_applicant_side(actor, case)
    if missing.application_id != case.pk:
        raise policies.not_found(case.number)
    if missing.supplied_at is not None:
        raise DomainError(
            "cases.already_supplied", _("This material was already supplied."), status=409
        )
    if case.status in (CaseStatus.DRAFT, CaseStatus.SUBMITTED, *_closed()):
        raise _status_error(case)
    stored = _store(
        case, actor=actor, matter_material=missing.matter_material, uploaded_file=uploaded_file
    )
    missing.supplied_at, missing.supplied_file = timezone.now(), stored
    missing.save(update_fields=["supplied_at", "supplied_file"])
    _event(
        case,
        actor=actor,
        action="missing_supply",
        from_status=case.status,
        note=missing.matter_material.name,
    )
    _audit(
        case,
        actor=actor,
        action="missing_supply",
        request=request,
        material=missing.matter_material.name,
        sha256=stored.sha256,
    )
    return missing


REMINDED_ROLES = {StaffRole.REVIEWER, StaffRole.DEPARTMENT_HEAD}


def _missing_open():
    """Materials accepted as missing and not supplied, of cases still being handled."""
    return (
        MissingMaterial.objects.filter(
            supplied_at__isnull=True, application__status__in=HANDLING_STATUSES
        )
        .select_related("application", "application__applicant", "matter_material")
        .order_by("application_id", "id")
    )


def _by_case(rows) -> list[tuple[Application, list[MissingMaterial]]]:
    groups: dict[int, tuple[Application, list[MissingMaterial]]] = {}
    for row in rows:
        groups.setdefault(row.application_id, (row.application, []))[1].append(row)
    return list(groups.values())


def missing_reminders_send(*, today: datetime.date) -> int:
    """Remind each applicant, once, on the working day before materials accepted as missing
    are due (or on the day, if the day before was missed). Returns the cases reminded."""
    last_day = workday_add(today, 1).date
    rows = _missing_open().filter(reminded_on__isnull=True, due_on__gte=today, due_on__lte=last_day)
    groups = _by_case(rows)
    for case, items in groups:
        with transaction.atomic():
            _notify(
                case,
                _("Please supply by %(date)s the materials accepted as missing")
                % {"date": items[0].due_on.isoformat()},
                "、".join(m.matter_material.name for m in items),
            )
            MissingMaterial.objects.filter(pk__in=[m.pk for m in items]).update(reminded_on=today)
    return len(groups)


def _overdue_credit(case: Application, items, today: datetime.date):
    """The broken commitment (告知承诺未履行) as a minor bad-conduct record, if the county keeps
    such records (ONETRIP_TOLERATED_OVERDUE_CREDIT_DAYS > 0)."""
    days = settings.ONETRIP_TOLERATED_OVERDUE_CREDIT_DAYS
    if days <= 0:
        return None
    return _rule_credit(
        case,
        today=today,
        severity="minor",
        category=_("Materials accepted as missing not supplied in time"),
        days=days,
        description=_("Case %(number)s: %(names)s, due by %(date)s.")
        % {
            "number": case.number,
            "names": "、".join(m.matter_material.name for m in items),
            "date": items[0].due_on.isoformat(),
        },
    )


def reviewers_and_heads(department_ids: set[int]) -> dict[int, list]:
    """The reviewers and heads of these departments, by department, in one query: whom
    reminders and follow-ups of the departments' cases go to."""
    by_department: dict[int, list] = {}
    for staff in staff_list(department_ids=department_ids):
        if staff.role_set() & REMINDED_ROLES:
            by_department.setdefault(staff.department_id, []).append(staff)
    return by_department


def missing_overdue_record(*, today: datetime.date) -> int:
    """Materials accepted as missing whose date has passed: mark them overdue, write it into
    the case's history, record the broken commitment in the credit file, and tell the applicant
    and the department's reviewers and heads. Once per material. Returns the cases."""
    groups = _by_case(_missing_open().filter(overdue_on__isnull=True, due_on__lt=today))
    told = reviewers_and_heads({case.department_id for case, _items in groups})
    for case, items in groups:
        names = "、".join(m.matter_material.name for m in items)
        with transaction.atomic():
            case = _lock(case)
            record = _overdue_credit(case, items, today)
            MissingMaterial.objects.filter(pk__in=[m.pk for m in items]).update(
                overdue_on=today, credit_record=record
            )
            _event(
                case,
                actor=FOLLOW_UP_ACTOR,
                action="missing_overdue",
                from_status=case.status,
                note=_("Not supplied in time: %(names)s") % {"names": names},
            )
            _audit(
                case,
                actor=FOLLOW_UP_ACTOR,
                action="missing_overdue",
                materials=names,
                credit_record=str(record.public_id) if record else "",
            )
            _notify(
                case,
                _("Materials accepted as missing are overdue"),
                _("Please supply them at once: %(names)s.") % {"names": names}
                + (" " + _("This was recorded in your credit file.") if record else ""),
            )
            for staff in told.get(case.department_id, ()):
                notification_send(
                    user=staff.user,
                    title=_("Overdue materials accepted as missing: %(number)s")
                    % {"number": case.number},
                    body=names,
                    link=reverse("casework:detail", args=[case.number]),
                )
    return len(groups)


def _closed():
    return (
        CaseStatus.NOT_ACCEPTED,
        CaseStatus.DENIED,
        CaseStatus.DELIVERED,
        CaseStatus.RATED,
        CaseStatus.WITHDRAWN,
    )


def case_is_withdrawable(case: Application) -> bool:
    """Whether the case's state allows a withdrawal (the pages show the form only then; who may
    withdraw is checked by case_withdraw)."""
    return case.status in WITHDRAWABLE_STATUSES and not case.bundle_ref


def withdrawal_reason_clean(reason: str, *, app: str = "cases") -> str:
    """The reason a withdrawal must give: stripped, not empty, at most the stored length. The
    errors carry `app`'s codes (`<app>.reason_needed`, `<app>.reason_too_long`)."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(f"{app}.reason_needed", _("Give the reason."), status=422)
    if len(reason) > WITHDRAWAL_REASON_MAX_LENGTH:
        raise DomainError(
            f"{app}.reason_too_long",
            _("The reason may be at most %(max)s characters long.")
            % {"max": WITHDRAWAL_REASON_MAX_LENGTH},
            status=422,
        )
    return reason


@transaction.atomic
def case_withdraw(
    *, actor, case: Application, reason: str, request=None, bundle_part: bool = False
) -> Application:
    """The applicant withdraws an application that is not decided yet (撤回申请): submitted,
    accepted, awaiting correction, in review or suspended. A draft is not withdrawn (it was never
    submitted), nor a decided case. Who: the applicant, or a window clerk on their side
    (policies.require_applicant_side: the applicant asks at the counter). The reason is
    required. The case is closed without a decision: no finished_at (statistics count it
    neither as finished nor in the on-time rate), an open clock stop is closed, and since
    `withdrawn` is not a running status e-supervision no longer watches it.

    A part of a life-event bundle cannot be withdrawn on its own: the bundle's status roll-up
    and joint licensing wait for every part to be decided. `bundle_part=True` is for the
    bundles app only, which withdraws every part of a bundle in one transaction
    (bundles.services.bundle_withdraw); it then tells the applicant once for the whole bundle,
    so no message is sent here per part."""
    case = _lock(case)
    policies.require_applicant_side(actor, case)
    if case.status not in WITHDRAWABLE_STATUSES:
        raise DomainError(
            "cases.not_withdrawable",
            _(
                "Only an application that is submitted and not decided yet can be withdrawn; "
                "this one is %(status)s."
            )
            % {"status": case.get_status_display()},
            detail={"status": case.status, "allowed": list(WITHDRAWABLE_STATUSES)},
            status=409,
        )
    if case.bundle_ref and not bundle_part:
        raise DomainError(
            "cases.bundle_part",
            _(
                "This application is part of a life-event bundle and cannot be withdrawn "
                "on its own."
            ),
            status=409,
        )
    reason = withdrawal_reason_clean(reason)
    from_status = case.status
    _pause_end(case)  # a correction or suspension in progress: its clock stop ends today
    case.status, case.withdrawal_reason, case.withdrawn_at = (
        CaseStatus.WITHDRAWN,
        reason,
        timezone.now(),
    )
    case.save(
        update_fields=[
            "status",
            "withdrawal_reason",
            "withdrawn_at",
            "deadline_on",
            "deadline_provisional",
        ]
    )
    _event(case, actor=actor, action="withdraw", from_status=from_status, note=reason)
    _audit(
        case,
        actor=actor,
        action="withdraw",
        request=request,
        from_status=from_status,
        reason=reason,
    )
    if not bundle_part:
        _notify(case, _("Your application was withdrawn"), reason)
    return case


# --- life-event bundles: joint licensing (证照联办) -------------------------------------------
# The bundles app (a higher layer) registers a hook here when it starts; cases never imports it.
# A hook answers `licence_held(case) -> bool` (the case is part of a joint bundle whose results
# are not issued yet: its e-licence waits) and `case_decided(*, actor, case)` (called in the
# deciding transaction after approval, denial or non-acceptance of a bundled case; the bundle
# issues every held licence at once when all its parts are decided).
_bundle_hooks: list = []


def bundle_hook_register(hook) -> None:
    if hook not in _bundle_hooks:
        _bundle_hooks.append(hook)


def licence_held(case: Application) -> bool:
    """Whether this case's e-licence is held back for joint licensing."""
    return bool(case.bundle_ref) and any(hook.licence_held(case) for hook in _bundle_hooks)


def _bundle_decided(*, actor, case: Application) -> None:
    if case.bundle_ref:
        for hook in _bundle_hooks:
            hook.case_decided(actor=actor, case=case)
        case.refresh_from_db(fields=["licence_number"])  # a joint issue may have set it


def upload_check(uploaded_file) -> tuple[str, str]:
    """The upload rules (type by name and content, size) with cases' error codes:
    (content type, sha256)."""
    return uploads.upload_check(uploaded_file, domain="cases")


@transaction.atomic
def case_licence_issue_held(*, actor, case: Application, request=None) -> Application:
    """Issue the e-licence of an approved case whose licence was held for joint licensing.
    Called by the bundle for all its approved parts in one transaction; idempotent."""
    case = _lock(case)
    _require_status(case, CaseStatus.APPROVED)
    if case.licence_number:
        return case
    licence = _licence_issue(actor=actor, case=case)
    if licence is None:
        return case
    case.licence_number = str(getattr(licence, "number", "") or licence)[:100]
    case.save(update_fields=["licence_number"])
    _event(case, actor=actor, action="licence_issue", from_status=case.status)
    _audit(case, actor=actor, action="licence_issue", request=request, licence=case.licence_number)
    _notify(case, _("Your e-licence was issued"))
    return case


# Statuses a case can be rated in (好差评: every finished service can be rated, good or bad):
# delivered results, and applications that were not accepted. A denial is rated once its
# decision is delivered (denied → result issued → delivered).
RATEABLE_STATUSES = (CaseStatus.DELIVERED, CaseStatus.NOT_ACCEPTED)


@transaction.atomic
def case_mark_rated(*, actor, case: Application, level: int, request=None) -> Application:
    """Delivered or not accepted → rated. Called by ratings.services.rating_submit inside its
    transaction (the rating row itself lives in the ratings app); only the applicant rates."""
    case = _lock(case)
    if not (getattr(actor, "is_authenticated", False) and case.applicant_id == actor.pk):
        raise policies.not_found(case.number)
    _require_status(case, *RATEABLE_STATUSES)
    from_status = case.status
    case.status = CaseStatus.RATED
    case.save(update_fields=["status"])
    _event(case, actor=actor, action="rate", from_status=from_status, note=str(level))
    _audit(case, actor=actor, action="rate", request=request, level=level)
    return case
