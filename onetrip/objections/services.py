"""Every write of data objections: filing, deciding (correcting the record or saying why not),
withdrawing, and the reminder of answers falling due. Each is audited and tells the people
concerned."""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from onetrip.accounts import selectors as account_selectors
from onetrip.accounts.models import StaffRole
from onetrip.core import audit
from onetrip.core.errors import DomainError, NotFound, PermissionDenied
from onetrip.core.uploads import original_name, upload_check
from onetrip.credit.models import CreditRecord
from onetrip.credit.services import credit_record_mark_objection, credit_record_withdraw
from onetrip.datasets import records
from onetrip.datasets.models import Dataset
from onetrip.datasets.selectors import subject_type_for
from onetrip.datasets.services import can_edit
from onetrip.notify.services import notification_send
from onetrip.workdays.selectors import workday_add, working_days_between

from . import selectors
from .models import DataObjection, ObjectionEvidence, ObjectionStatus

STATEMENT_MAX = 1000
VALUE_MAX = 500
EVIDENCE_MAX_FILES = 5


def answer_days() -> int:
    """Working days the owner department has to answer, counted from the day after filing."""
    return int(getattr(settings, "ONETRIP_DATA_OBJECTION_DAYS", 5))


def _officers(department_id: int) -> list:
    """The data officers of a department: whom new and due objections go to."""
    return [
        staff.user
        for staff in account_selectors.staff_list(department_ids={department_id})
        if StaffRole.DATA_OFFICER in staff.role_set()
    ]


def _invalid(code: str, message: str, detail=None, status: int = 422) -> DomainError:
    return DomainError(f"objections.{code}", message, detail=detail or {}, status=status)


def _items(dataset: Dataset, row: dict, proposed: dict) -> list[dict]:
    """The fields in question with the record's value now and what it should be, each checked
    against the field's type; every problem is told at once."""
    fields = {f.name: f for f in dataset.fields.all()}
    labels = records.value_labels(dataset)  # the codes a person may choose from
    shown = records.display_labels(dataset, row)
    items, problems = [], {}
    for name, text in proposed.items():
        field = fields.get(name)
        if field is None or name == dataset.key_field:
            problems[name] = _("This field cannot be objected to here.")
            continue
        text = str(text or "").strip()
        current = selectors.display_value(row.get(name), shown.get(name))
        if len(text) > VALUE_MAX:
            problems[name] = _("At most %(n)s characters.") % {"n": VALUE_MAX}
        elif text == current:
            problems[name] = _("This is what the record says already.")
        else:
            try:
                records.value_parse(field, text, labels.get(name))
            except DomainError as error:
                problems[name] = error.message
        items.append(
            {"name": name, "label": field.label or name, "current": current, "proposed": text}
        )
    if problems:
        raise _invalid("invalid", _("Some fields need correcting."), {"fields": problems})
    if not items:
        raise _invalid("no_fields", _("Choose at least one field and say what it should be."))
    return items


def _statement(text: str) -> str:
    text = (text or "").strip()
    if len(text) < 5:
        raise _invalid(
            "statement_needed",
            _("Say in a few words why the record is wrong (at least 5 characters)."),
        )
    if len(text) > STATEMENT_MAX:
        raise _invalid("statement_too_long", _("At most %(n)s characters.") % {"n": STATEMENT_MAX})
    return text


def _evidence_checked(files) -> list[tuple]:
    files = [f for f in files or () if f]
    if len(files) > EVIDENCE_MAX_FILES:
        raise _invalid(
            "too_many_files", _("At most %(n)s files.") % {"n": EVIDENCE_MAX_FILES}, status=400
        )
    return [(f, *upload_check(f, domain="objections")) for f in files]


def _open_one(objection: DataObjection) -> None:
    """Saves a new objection; a second open one for the same record is refused (one check at
    a time per record, and the database enforces it against a race)."""
    try:
        with transaction.atomic():
            objection.save()
    except IntegrityError as error:
        raise _invalid(
            "already_open",
            _("An objection to this record is being checked. Wait for its answer or withdraw it."),
            status=409,
        ) from error


def _audit(objection: DataObjection, *, actor, action: str, request=None, detail=None) -> None:
    """Every change of an objection is audited under the record's subject, so that it shows in
    the audit trail of the person or legal person the data is about."""
    audit.record(
        actor=actor,
        action=action,
        target=objection,
        subject_type=objection.subject_type,
        subject_id=objection.key,
        request=request,
        detail=detail or {},
    )


def _link_for_filer(objection) -> str:
    return reverse("objections:detail", args=[objection.public_id])


def _link_for_officer(objection) -> str:
    return reverse("objectionswork:detail", args=[objection.public_id])


@transaction.atomic
def objection_file(
    *,
    actor,
    dataset: Dataset,
    key: str,
    proposed: dict,
    statement: str,
    phone: str = "",
    evidence=(),
    request=None,
) -> DataObjection:
    """A person (for themselves or a legal person they represent) says that fields of a record
    about them are wrong and what they should be. The owner department answers within
    `answer_days()` working days."""
    key = (key or "").strip()
    subject_type = subject_type_for(dataset)
    name = selectors.subjects_of(actor).of_type(subject_type).get(key)
    row = records.record_lookup(dataset, key) if dataset.is_active and name else None
    if row is None:
        raise NotFound("objections.record_not_found", _("You have no record in this dataset."))
    items = _items(dataset, row, proposed or {})
    statement = _statement(statement)
    files = _evidence_checked(evidence)
    objection = DataObjection(
        dataset=dataset,
        owner_id=dataset.owner_id,
        key=key,
        subject_type=subject_type,
        subject_name=name,
        items=items,
    )
    return _open(
        objection, actor=actor, statement=statement, phone=phone, files=files, request=request
    )


def _store_evidence(objection: DataObjection, files, *, actor) -> None:
    for uploaded, content_type, sha256 in files:
        stored = ObjectionEvidence(
            objection=objection,
            original_name=original_name(uploaded),
            content_type=content_type,
            size=uploaded.size,
            sha256=sha256,
            uploaded_by=actor,
        )
        stored.file.save(stored.original_name, uploaded, save=False)
        stored.save()


def _open(objection: DataObjection, *, actor, statement, phone, files, request) -> DataObjection:
    """Saves a new objection with its number, due date and evidence; audits it and tells the
    person and the owner's data officers."""
    today = timezone.localdate()
    due = workday_add(today, answer_days())
    objection.filed_by = actor
    objection.phone = (phone or getattr(actor, "phone", "") or "").strip()[:20]
    objection.statement = statement
    objection.due_on, objection.due_provisional = due.date, due.provisional
    _open_one(objection)
    objection.number = f"SJYY{today:%Y%m%d}{objection.pk:06d}"
    objection.save(update_fields=["number"])
    _store_evidence(objection, files, actor=actor)
    _audit(
        objection,
        actor=actor,
        action="objections.file",
        request=request,
        detail={
            "dataset": objection.dataset.code if objection.dataset_id else "",
            "credit_record": str(objection.credit_record.public_id)
            if objection.credit_record_id
            else "",
            "fields": [item["name"] for item in objection.items],
        },
    )
    _tell_filed(objection)
    return objection


@transaction.atomic
def objection_file_credit(
    *, actor, record: CreditRecord, statement: str, phone: str = "", evidence=(), request=None
) -> DataObjection:
    """A person (or a legal person's representative) says that a credit record about them is
    wrong or should not count (信用信息异议). The record is marked as under objection while its
    source department checks it; upheld, the record is withdrawn."""
    name = selectors.subjects_of(actor).of_type(record.subject_type).get(record.subject_id)
    if name is None or record.withdrawn_at is not None:
        raise NotFound("objections.record_not_found", _("You have no record in this dataset."))
    statement = _statement(statement)
    files = _evidence_checked(evidence)
    label = _("Credit record: %(category)s (%(date)s)") % {
        "category": record.category,
        "date": record.decided_on.isoformat(),
    }
    objection = DataObjection(
        credit_record=record,
        owner_id=record.department_id,
        key=record.subject_id,
        subject_type=record.subject_type,
        subject_name=name,
        items=[
            {
                "name": "credit_record",
                "label": label,
                "current": record.description or record.category,
                "proposed": str(_("Withdraw the record")),
            }
        ],
    )
    objection = _open(
        objection, actor=actor, statement=statement, phone=phone, files=files, request=request
    )
    credit_record_mark_objection(record=record, open_=True)
    return objection


def _fields_text(objection: DataObjection) -> str:
    return "、".join(item["label"] for item in objection.items)


def _tell_filed(objection: DataObjection) -> None:
    facts = {
        "number": objection.number,
        "dataset": objection.data_name,
        "fields": _fields_text(objection),
        "date": objection.due_on.isoformat(),
    }
    notification_send(
        user=objection.filed_by,
        title=_("Your data objection %(number)s was received") % facts,
        body=_("%(dataset)s: %(fields)s. The answer is due by %(date)s.") % facts,
        link=_link_for_filer(objection),
    )
    for officer in _officers(objection.owner_id):
        notification_send(
            user=officer,
            title=_("New data objection %(number)s") % facts,
            body=_("%(dataset)s: %(fields)s. The answer is due by %(date)s.") % facts,
            link=_link_for_officer(objection),
            sms=False,
        )


def _locked(objection: DataObjection) -> DataObjection:
    return (
        DataObjection.objects.select_for_update(of=("self",))
        .select_related("dataset", "filed_by")
        .get(pk=objection.pk)
    )


def _require_officer(actor, objection: DataObjection) -> None:
    if not can_edit(actor, objection.owner):
        raise PermissionDenied(
            "objections.not_owner_officer",
            _("Only the owner department's data officers may answer this objection."),
        )


def _require_open(objection: DataObjection) -> None:
    if not objection.is_open:
        raise _invalid(
            "already_decided",
            _("This objection has been answered or withdrawn already."),
            {"status": objection.status},
            status=409,
        )


def _corrections(objection: DataObjection, values: dict | None) -> dict[str, str]:
    """What to write: the values the person proposed, or the officer's own where they differ
    (the record may need another correction than the one asked for)."""
    texts = {item["name"]: item["proposed"] for item in objection.items}
    unknown = sorted(set(values or {}) - set(texts))
    if unknown:
        raise _invalid(
            "field_not_in_objection",
            _("Only the fields in question can be corrected here."),
            {"fields": unknown},
        )
    texts.update({name: str(value or "").strip() for name, value in (values or {}).items()})
    return texts


def _write_correction(objection: DataObjection, texts: dict[str, str], *, actor) -> bool:
    """Writes the correction where the rows live; False when they are a copy of the owner's own
    system, which corrects them there."""
    dataset = objection.dataset
    if not records.record_correctable(dataset):
        return False
    fields = {f.name: f for f in dataset.fields.all()}
    labels = records.value_labels(dataset)
    typed = {
        name: records.value_parse(fields[name], text, labels.get(name))
        for name, text in texts.items()
    }
    records.record_correct(dataset, objection.key, typed, actor=actor, reason=objection.number)
    return True


@transaction.atomic
def objection_decide(
    *,
    actor,
    objection: DataObjection,
    upheld: bool,
    note: str = "",
    values: dict | None = None,
    request=None,
) -> DataObjection:
    """The owner's data officer answers: upheld (the record is corrected, here where the rows
    live, or in the owner's own system) or not, with the reason. A value that does not fit the
    field is refused and nothing changes."""
    _require_officer(actor, objection)
    objection = _locked(objection)
    _require_open(objection)
    note = (note or "").strip()[:STATEMENT_MAX]
    if upheld and objection.credit_record_id is not None:
        credit_record_withdraw(
            actor=actor,
            record=objection.credit_record,
            reason=f"{objection.number} {note}".strip(),
            request=request,
        )
        objection.corrected_here = True
        objection.status = ObjectionStatus.UPHELD
    elif upheld:
        texts = _corrections(objection, values)
        objection.corrected_here = _write_correction(objection, texts, actor=actor)
        objection.corrected_values = texts
        objection.status = ObjectionStatus.UPHELD
    else:
        if len(note) < 2:
            raise _invalid("reason_needed", _("Say why the record is not corrected."))
        objection.status = ObjectionStatus.REJECTED
    objection.decision_note = note
    objection.decided_at = timezone.now()
    objection.decided_by = actor
    objection.save()
    _unmark_credit(objection)
    _audit(
        objection,
        actor=actor,
        action="objections.decide",
        request=request,
        detail={
            "upheld": upheld,
            "corrected_here": objection.corrected_here,
            "fields": sorted(objection.corrected_values),
        },
    )
    _tell_decided(objection)
    return objection


def _unmark_credit(objection: DataObjection) -> None:
    """The credit record's mark comes off once the objection is answered or withdrawn."""
    if objection.credit_record_id is not None:
        credit_record_mark_objection(record=objection.credit_record, open_=False)


def _tell_decided(objection: DataObjection) -> None:
    facts = {"number": objection.number, "dataset": objection.data_name}
    if objection.status == ObjectionStatus.UPHELD:
        title = _("Your data objection %(number)s: the record is corrected") % facts
        body = (
            _("%(dataset)s now says what you asked for.")
            if objection.corrected_here
            else _("%(dataset)s is corrected in the department's own system.")
        ) % facts
    else:
        title = _("Your data objection %(number)s: the record stays as it is") % facts
        body = objection.decision_note
    notification_send(
        user=objection.filed_by, title=title, body=body, link=_link_for_filer(objection)
    )


@transaction.atomic
def objection_withdraw(*, actor, objection: DataObjection, request=None) -> DataObjection:
    """The person who filed it takes it back while it is being checked."""
    if objection.filed_by_id != getattr(actor, "pk", None):
        raise NotFound("objections.not_found", _("No such objection."))
    objection = _locked(objection)
    _require_open(objection)
    objection.status = ObjectionStatus.WITHDRAWN
    objection.decided_at = timezone.now()
    objection.save(update_fields=["status", "decided_at"])
    _unmark_credit(objection)
    _audit(objection, actor=actor, action="objections.withdraw", request=request)
    return objection


@transaction.atomic
def objection_request_more(
    *, actor, objection: DataObjection, note: str, request=None
) -> DataObjection:
    """The owner's data officer asks the person for further material (补充材料), once, with
    everything that is needed; the answer's clock stands still until it comes."""
    _require_officer(actor, objection)
    objection = _locked(objection)
    _require_open(objection)
    if objection.more_requested_at is not None:
        raise _invalid(
            "more_already_requested",
            _("Further material can be asked for once, listing everything at once."),
            status=409,
        )
    note = (note or "").strip()
    if not 2 <= len(note) <= STATEMENT_MAX:
        raise _invalid("request_needed", _("Say what the person should supply."))
    objection.more_requested_at, objection.more_request = timezone.now(), note
    objection.save(update_fields=["more_requested_at", "more_request"])
    _audit(objection, actor=actor, action="objections.request_more", request=request)
    notification_send(
        user=objection.filed_by,
        title=_("Your data objection %(number)s: further material is needed")
        % {"number": objection.number},
        body=note,
        link=_link_for_filer(objection),
    )
    return objection


@transaction.atomic
def objection_supply_more(
    *, actor, objection: DataObjection, note: str = "", evidence=(), request=None
) -> DataObjection:
    """The person supplies what was asked for: a note, files, or both. The answer's due date
    moves on by the working days the request waited."""
    if objection.filed_by_id != getattr(actor, "pk", None):
        raise NotFound("objections.not_found", _("No such objection."))
    objection = _locked(objection)
    _require_open(objection)
    if not objection.awaiting_more:
        raise _invalid("nothing_requested", _("No further material is asked for."), status=409)
    note = (note or "").strip()[:STATEMENT_MAX]
    files = _evidence_checked(evidence)
    if not note and not files:
        raise _invalid("supply_needed", _("Write what you add, attach files, or both."))
    _store_evidence(objection, files, actor=actor)
    today = timezone.localdate()
    stopped, provisional = working_days_between(
        timezone.localdate(objection.more_requested_at), today
    )
    due = workday_add(objection.due_on, stopped)
    objection.due_on = due.date
    objection.due_provisional = objection.due_provisional or due.provisional or provisional
    objection.more_supplied_at, objection.more_answer = timezone.now(), note
    objection.reminded_on = None  # the new date gets its own reminder
    objection.save(
        update_fields=[
            "due_on",
            "due_provisional",
            "more_supplied_at",
            "more_answer",
            "reminded_on",
        ]
    )
    _audit(
        objection,
        actor=actor,
        action="objections.supply_more",
        request=request,
        detail={"files": len(files), "stopped_working_days": stopped},
    )
    facts = {"number": objection.number, "date": objection.due_on.isoformat()}
    for officer in _officers(objection.owner_id):
        notification_send(
            user=officer,
            title=_("Data objection %(number)s: the person supplied further material") % facts,
            body=_("To be answered by %(date)s.") % facts,
            link=_link_for_officer(objection),
        )
    return objection


def objections_remind_due(*, today: datetime.date | None = None) -> int:
    """Once per objection, on the working day before its answer is due (or later, if that day
    was missed), tell the owner's data officers. Returns how many were told of."""
    today = today or timezone.localdate()
    horizon = workday_add(today, 1).date
    due = (
        DataObjection.objects.select_related("dataset", "credit_record")
        .filter(status=ObjectionStatus.OPEN, reminded_on__isnull=True, due_on__lte=horizon)
        .exclude(selectors.WAITING_FOR_PERSON)
    )
    told, officers = 0, {}
    for objection in due:
        with transaction.atomic():
            updated = DataObjection.objects.filter(
                pk=objection.pk, status=ObjectionStatus.OPEN, reminded_on__isnull=True
            ).update(reminded_on=today)
            if not updated:
                continue
            facts = {
                "number": objection.number,
                "dataset": objection.data_name,
                "date": objection.due_on.isoformat(),
            }
            if objection.owner_id not in officers:  # one look-up per department
                officers[objection.owner_id] = _officers(objection.owner_id)
            for officer in officers[objection.owner_id]:
                notification_send(
                    user=officer,
                    title=_("Data objection %(number)s is due by %(date)s") % facts,
                    body=_("%(dataset)s: answer the objection in the workbench.") % facts,
                    link=_link_for_officer(objection),
                )
            _audit(
                objection,
                actor="system:objections",
                action="objections.remind",
                detail={"due_on": facts["date"]},
            )
            told += 1
    return told
