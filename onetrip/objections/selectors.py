"""Reads of data objections, and of the records a person may object to ("my data").

A person sees their own objections and the records about them and the legal persons they
represent; an owner department's data officers see the objections to their datasets. Reading
a record about someone is audited, also when it is their own."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from onetrip.accounts import selectors as account_selectors
from onetrip.accounts.policies import has_permission
from onetrip.core import audit
from onetrip.core.errors import NotFound
from onetrip.core.processcache import ProcessCache
from onetrip.credit.models import CreditRecord
from onetrip.datasets import records
from onetrip.datasets.models import Dataset, DatasetRecord, DataSource
from onetrip.datasets.selectors import datasets_about_subjects, subject_type_for
from onetrip.datasets.services import can_edit, department_of
from onetrip.workdays.selectors import colour_for, yellow_cutoff

from .models import DataObjection, ObjectionStatus

OVERSEE = "objections.oversee"

# --- whose records a user may see and object to ------------------------------------------------


@dataclass
class Subjects:
    """The people and legal persons a user speaks for: {key: name}."""

    person: dict[str, str] = field(default_factory=dict)
    legal: dict[str, str] = field(default_factory=dict)

    def of_type(self, subject_type: str) -> dict[str, str]:
        return (
            self.person
            if subject_type == "person"
            else self.legal
            if subject_type == "legal"
            else {}
        )


def subjects_of(user) -> Subjects:
    """Oneself, and the legal persons one represents or whose account this is."""
    subjects = Subjects()
    if not getattr(user, "is_authenticated", False):
        return subjects
    person = account_selectors.person_for_user(user=user)
    if person is not None:
        subjects.person[person.id_number] = person.name
        for legal in account_selectors.legal_persons_represented_by(person=person):
            subjects.legal[legal.uscc] = legal.name
    legal_account = getattr(user, "legal_person", None)
    if legal_account is not None:
        subjects.legal[legal_account.uscc] = legal_account.name
    return subjects


def display_value(value, labels: dict[str, str] | None = None) -> str:
    """A record's value as a person reads it (codes as their labels, yes/no in words)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    text = str(value)
    return (labels or {}).get(text, text)


@dataclass
class RecordView:
    """One dataset's record about one subject, as its subject sees it."""

    dataset: Dataset
    subject_type: str
    key: str
    subject_name: str
    rows: list[tuple[str, str, str]]  # (field name, label, value as read)
    open_objection: DataObjection | None = None


def record_view(dataset: Dataset, *, subject_type: str, key: str, name: str, row: dict):
    labels = records.display_labels(dataset, row)
    fields = sorted(dataset.fields.all(), key=lambda f: (f.position, f.id))
    rows = [
        (f.name, f.label or f.name, display_value(row.get(f.name), labels.get(f.name)))
        for f in fields
    ]
    return RecordView(dataset, subject_type, key, name, rows)


def my_records(*, user, request=None) -> list[RecordView]:
    """Every record the data catalogue holds about the user and the legal persons they
    represent, with any objection still open. Each subject's read is audited."""
    subjects = subjects_of(user)
    datasets = datasets_about_subjects()
    imported = _imported_rows(datasets, subjects)
    views = []
    for dataset in datasets:
        subject_type = subject_type_for(dataset)
        for key, name in subjects.of_type(subject_type).items():
            if dataset.source == DataSource.RECORDS:
                row = imported.get((dataset.pk, key))
                row = {f: row.get(f) for f in records.field_names(dataset)} if row else None
            else:
                row = records.record_lookup(dataset, key)
            if row is not None:
                views.append(
                    record_view(dataset, subject_type=subject_type, key=key, name=name, row=row)
                )
    open_by_record = {
        (o.dataset_id, o.key): o
        for o in DataObjection.objects.filter(
            status=ObjectionStatus.OPEN, key__in=[*subjects.person, *subjects.legal]
        )
    }
    for view in views:
        view.open_objection = open_by_record.get((view.dataset.pk, view.key))
    for subject_type in ("person", "legal"):
        for key in subjects.of_type(subject_type):
            datasets = [v.dataset.code for v in views if v.key == key]
            _own_read(user, subject_type, key, request, {"datasets": datasets})
    return views


def _own_read(user, subject_type: str, key: str, request, detail: dict) -> None:
    """The audit entry of a person reading the records held about them (or their company)."""
    audit.record(
        actor=user,
        action="objections.own_data.read",
        subject_type=subject_type,
        subject_id=key,
        purpose=_("The subject reads the records held about them"),
        request=request,
        detail=detail,
    )


@dataclass
class CreditView:
    """A credit record about the user (or a legal person they represent), with any open
    objection to it."""

    record: CreditRecord
    subject_name: str
    open_objection: DataObjection | None = None


def my_credit_records(*, user) -> list[CreditView]:
    """The credit records (not withdrawn) about the user and the legal persons they represent;
    read with my_records, whose audit entries cover them."""
    subjects = subjects_of(user)
    names = {("person", k): v for k, v in subjects.person.items()}
    names.update({("legal", k): v for k, v in subjects.legal.items()})
    if not names:
        return []
    rows = (
        CreditRecord.objects.filter(
            subject_id__in=[key for _type, key in names], withdrawn_at__isnull=True
        )
        .select_related("department")
        .order_by("-decided_on", "-id")
    )
    views = [
        CreditView(r, names[(r.subject_type, r.subject_id)])
        for r in rows
        if (r.subject_type, r.subject_id) in names
    ]
    open_by_record = {
        o.credit_record_id: o
        for o in DataObjection.objects.filter(
            status=ObjectionStatus.OPEN, credit_record__in=[v.record for v in views]
        )
    }
    for view in views:
        view.open_objection = open_by_record.get(view.record.pk)
    return views


def credit_record_for_objection(*, user, public_id, request=None) -> CreditView:
    """One credit record about the user (or a legal person they represent), to object to."""
    record = (
        CreditRecord.objects.filter(public_id=public_id, withdrawn_at__isnull=True)
        .select_related("department")
        .first()
    )
    name = subjects_of(user).of_type(record.subject_type).get(record.subject_id) if record else None
    if name is None:
        raise NotFound("objections.record_not_found", _("You have no record in this dataset."))
    detail = {"credit_record": str(record.public_id)}
    _own_read(user, record.subject_type, record.subject_id, request, detail)
    return CreditView(record, name)


def _imported_rows(datasets, subjects: Subjects) -> dict[tuple[int, str], dict]:
    """The imported rows about these subjects, in one query over the (dataset, key) index."""
    ids = [d.pk for d in datasets if d.source == DataSource.RECORDS]
    keys = [*subjects.person, *subjects.legal]
    if not ids or not keys:
        return {}
    rows = DatasetRecord.objects.filter(dataset_id__in=ids, key__in=keys).order_by("id")
    found: dict[tuple[int, str], dict] = {}
    for dataset_id, key, data in rows.values_list("dataset_id", "key", "data"):
        found.setdefault((dataset_id, key), data)
    return found


def record_for_objection(*, user, code: str, key: str, request=None) -> RecordView:
    """One record of the user (or of a legal person they represent), to object to."""
    dataset = (
        Dataset.objects.filter(code=code, is_active=True)
        .select_related("owner")
        .prefetch_related("fields")
        .first()
    )
    subject_type = subject_type_for(dataset) if dataset else "record"
    name = subjects_of(user).of_type(subject_type).get(key)
    row = records.record_lookup(dataset, key) if name is not None else None
    if row is None:
        raise NotFound("objections.record_not_found", _("You have no record in this dataset."))
    _own_read(user, subject_type, key, request, {"datasets": [dataset.code]})
    return record_view(dataset, subject_type=subject_type, key=key, name=name, row=row)


# --- objections ------------------------------------------------------------------------------


def _with_related(queryset):
    return queryset.select_related("dataset", "credit_record", "owner", "filed_by", "decided_by")


def objections_of_user(*, user):
    return _with_related(DataObjection.objects.filter(filed_by=user))


def objection_get_for_filer(*, user, public_id) -> DataObjection:
    objection = objections_of_user(user=user).filter(public_id=public_id).first()
    if objection is None:
        raise NotFound("objections.not_found", _("No such objection."))
    return objection


def may_oversee(user) -> bool:
    """Supervisors see every department's objections (read only: the owner answers)."""
    return getattr(user, "user_type", "") == "staff" and has_permission(user, OVERSEE)


def is_officer(user) -> bool:
    department = department_of(user)
    return department is not None and can_edit(user, department)


def objections_for_officer(*, user, status: str = ""):
    """The objections to the datasets of the officer's department; every objection for a
    supervisor; none for others."""
    if may_oversee(user):
        queryset = _with_related(DataObjection.objects.all())
    elif is_officer(user):
        queryset = _with_related(DataObjection.objects.filter(owner=department_of(user)))
    else:
        return DataObjection.objects.none()
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def objection_get_for_officer(*, user, public_id, request=None) -> DataObjection:
    objection = objections_for_officer(user=user).filter(public_id=public_id).first()
    if objection is None:
        raise NotFound("objections.not_found", _("No such objection."))
    _read(user, objection, "objections.read", request)
    return objection


def _read(user, objection: DataObjection, action: str, request, detail=None) -> None:
    """A read of an objection (it holds the subject's data) by someone checking it."""
    audit.record(
        actor=user,
        action=action,
        target=objection,
        subject_type=objection.subject_type,
        subject_id=objection.key,
        purpose=_("Checking a data objection"),
        request=request,
        detail=detail or {},
    )


def evidence_get(*, user, public_id, evidence_id: int, request=None):
    """One file of an objection's evidence for whoever may see the objection (its filer, the
    owner's data officers, supervisors); the read is audited under the record's subject."""
    objection = (
        objections_of_user(user=user).filter(public_id=public_id).first()
        or objections_for_officer(user=user).filter(public_id=public_id).first()
    )
    stored = objection.evidence.filter(pk=evidence_id).first() if objection else None
    if stored is None:
        raise NotFound("objections.not_found", _("No such objection."))
    _read(user, objection, "objections.evidence.read", request, {"file": stored.original_name})
    return stored


# Open objections whose clock stands still: further material asked for, not supplied yet.
WAITING_FOR_PERSON = Q(more_requested_at__isnull=False, more_supplied_at__isnull=True)


def objection_colour(
    objection: DataObjection,
    *,
    today: datetime.date | None = None,
    cutoff: datetime.date | None = None,
) -> str:
    """green, yellow (one working day or less left) or red (overdue); "" once answered. A list
    passes `today` and `cutoff` (workdays.yellow_cutoff) worked out once for all its rows."""
    if not objection.is_open or objection.awaiting_more:  # the clock stands still
        return ""
    today = today or timezone.localdate()
    return colour_for(objection.due_on, today=today, cutoff=cutoff or yellow_cutoff(today))


def figures_by_department(*, user) -> list[dict]:
    """Per owner department in the caller's view: objections received, open, overdue, answered,
    answered by the due date, and upheld: how well each department keeps the time limit."""
    today = timezone.localdate()
    answered = Q(status__in=[ObjectionStatus.UPHELD, ObjectionStatus.REJECTED])
    rows = (
        objections_for_officer(user=user)
        .order_by()
        .values("owner__name")
        .annotate(
            received=Count("id"),
            open=Count("id", filter=Q(status=ObjectionStatus.OPEN)),
            overdue=Count(
                "id",
                filter=Q(status=ObjectionStatus.OPEN, due_on__lt=today) & ~WAITING_FOR_PERSON,
            ),
            answered=Count("id", filter=answered),
            on_time=Count("id", filter=answered & Q(decided_at__date__lte=F("due_on"))),
            upheld=Count("id", filter=Q(status=ObjectionStatus.UPHELD)),
        )
        .order_by("-overdue", "-open", "owner__name")
    )
    figures = []
    for row in rows:
        row["department"] = row.pop("owner__name")
        answered_count = row["answered"]
        row["on_time_rate"] = (
            round(100 * row["on_time"] / answered_count) if answered_count else None
        )
        figures.append(row)
    return figures


def queue_counts(*, user) -> dict[str, int]:
    queryset = objections_for_officer(user=user, status=ObjectionStatus.OPEN)
    today = timezone.localdate()
    return {
        "open": queryset.count(),
        "overdue": queryset.filter(due_on__lt=today).exclude(WAITING_FOR_PERSON).count(),
    }


# --- the exchange's marker ---------------------------------------------------------------------

_open_fields = ProcessCache("ONETRIP_EXCHANGE_CACHE_SECONDS", maxsize=5_000)


def _open_fields_of(dataset_id: int) -> dict[str, list[str]]:
    """{key: field names} of the dataset's open objections, kept a few seconds per process:
    few records are under objection, and the exchange asks on every call."""
    kept = _open_fields.get(dataset_id)
    if kept is None:
        kept = {}
        rows = DataObjection.objects.filter(dataset_id=dataset_id, status=ObjectionStatus.OPEN)
        for key, items in rows.values_list("key", "items"):
            kept[key] = [item["name"] for item in items]
        _open_fields.put(dataset_id, kept)
    return kept


def fields_under_objection(dataset_id: int, key: str) -> list[str]:
    """The fields of this record that its subject has objected to and that are being checked."""
    return _open_fields_of(dataset_id).get(key, [])


def record_now(*, objection: DataObjection) -> dict[str, str]:
    """What the record says now about the fields in question (the officer compares), as read;
    audited with the officer's read of the objection."""
    if objection.credit_record_id is not None:
        record = objection.credit_record
        return {"credit_record": record.description or record.category}
    row = records.record_lookup(objection.dataset, objection.key) or {}
    labels = records.display_labels(objection.dataset, row)
    return {
        item["name"]: display_value(row.get(item["name"]), labels.get(item["name"]))
        for item in objection.items
    }
