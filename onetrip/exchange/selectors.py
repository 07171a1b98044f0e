"""Reads of the exchange: the caller behind a token, grants for the workbench, the owners' usage
figures, the right-to-know page (audited) and the ID-only savings for statistics."""

import datetime

from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from onetrip.accounts import policies
from onetrip.accounts import selectors as account_selectors
from onetrip.accounts.models import Staff
from onetrip.core import audit
from onetrip.core.errors import NotFound, PermissionDenied
from onetrip.core.models import AuditEntry
from onetrip.core.processcache import ProcessCache
from onetrip.datasets.masking import mask_record
from onetrip.datasets.models import DatasetField
from onetrip.datasets.records import display_labels
from onetrip.datasets.selectors import datasets_by_code, field_labels, masking_rules
from onetrip.licences.models import LicenceType
from onetrip.objections.selectors import fields_under_objection

from .models import (
    PLATFORM_CLIENT_NAME,
    ExchangeCallStat,
    ExchangeClient,
    Grant,
    GrantStatus,
    PulledMaterial,
    PullStatus,
)

# Audit actions that are someone reading a person's data (shown on the right-to-know page).
READ_ACTIONS = (
    "exchange.call",
    "exchange.pull",
    "registries.population.read",
    "registries.entity.read",
    "licences.licence.read",
    "cases.case.read",
)


# Exchange clients by OAuth application, a few seconds per process (ONETRIP_EXCHANGE_CACHE_SECONDS).
_clients = ProcessCache("ONETRIP_EXCHANGE_CACHE_SECONDS")


def client_for_token(access) -> ExchangeClient | None:
    """The exchange client behind a client-credentials token (None: not an exchange client)."""
    if access is None or access.application_id is None or access.user_id is not None:
        return None
    client = _clients.get(access.application_id)
    if client is None:
        client = (
            ExchangeClient.objects.select_related("department", "application")
            .filter(application_id=access.application_id)
            .order_by()
            .first()
        )
        if client is not None:
            _clients.put(access.application_id, client)
    return client


def _staff_or_denied(user, permission: str) -> Staff:
    staff = account_selectors.staff_for_user(user=user)
    if staff is None or not policies.has_permission(user, permission):
        raise PermissionDenied("exchange.forbidden", _("You do not have permission to do this."))
    return staff


def grants_pending_for_owner(*, user):
    """Requests waiting for the user's department (the datasets it owns)."""
    staff = _staff_or_denied(user, "exchange.approve")
    return (
        Grant.objects.select_related("client__department", "dataset", "requested_by")
        .filter(dataset__owner_id=staff.department_id, status=GrantStatus.PENDING)
        .order_by("requested_at", "id")
    )


def grants_for_owner(*, user):
    staff = _staff_or_denied(user, "exchange.approve")
    return (
        Grant.objects.select_related("client__department", "dataset")
        .filter(dataset__owner_id=staff.department_id)
        .exclude(status=GrantStatus.PENDING)
        .order_by("-requested_at", "-id")
    )


def grant_get_for_owner(*, user, public_id) -> Grant:
    staff = _staff_or_denied(user, "exchange.approve")
    grant = (
        Grant.objects.select_related("client__department", "dataset")
        .filter(public_id=public_id, dataset__owner_id=staff.department_id)
        .first()
    )
    if grant is None:
        raise NotFound("exchange.grant_not_found", _("There is no such grant request."))
    return grant


def clients_of_department(*, user):
    staff = _staff_or_denied(user, "exchange.request")
    return ExchangeClient.objects.filter(
        department_id=staff.department_id, is_platform=False
    ).order_by("name")


def grants_of_department(*, user):
    staff = _staff_or_denied(user, "exchange.request")
    return (
        Grant.objects.select_related("client", "dataset__owner")
        .filter(client__department_id=staff.department_id)
        .order_by("-requested_at", "-id")
    )


def grant_get_for_department(*, user, public_id) -> Grant:
    grant = grants_of_department(user=user).filter(public_id=public_id).first()
    if grant is None:
        raise NotFound("exchange.grant_not_found", _("There is no such grant request."))
    return grant


def usage_for_owner(*, user, days: int = 30) -> list[dict]:
    """Who used the department's data and how much: calls per dataset, client and day over the
    last `days` days, from the daily counters (one grouped query)."""
    staff = _staff_or_denied(user, "exchange.approve")
    since = timezone.localdate() - datetime.timedelta(days=days - 1)
    return list(
        ExchangeCallStat.objects.filter(
            grant__dataset__owner_id=staff.department_id, day__gte=since
        )
        .values(
            "day",
            "grant__dataset__code",
            "grant__dataset__name",
            "grant__client__name",
            "grant__client__department__name",
        )
        .annotate(calls=Sum("count"))
        .order_by("-day", "grant__dataset__code", "grant__client__department__name")
    )


def usage_totals_for_owner(*, user, days: int = 30) -> list[dict]:
    staff = _staff_or_denied(user, "exchange.approve")
    since = timezone.localdate() - datetime.timedelta(days=days - 1)
    return list(
        ExchangeCallStat.objects.filter(
            grant__dataset__owner_id=staff.department_id, day__gte=since
        )
        .values("grant__dataset__code", "grant__client__department__name", "grant__client__name")
        .annotate(calls=Sum("count"))
        .order_by("-calls")
    )


def _department_names_of_actors(actor_ids) -> dict[int, str]:
    rows = Staff.objects.filter(user_id__in=[i for i in actor_ids if i]).values_list(
        "user_id", "department__name"
    )
    return dict(rows)


def data_access_for_person(*, user, page: int = 1, per_page: int = 20, request=None):
    """The right to know (PIPL art. 44): who read this person's data, when and why, newest
    first. Reading it is audited too."""
    person = account_selectors.person_for_user(user=user)
    if person is None:
        raise PermissionDenied(
            "exchange.not_a_person", _("Only a registered person has this page."), status=403
        )
    entries = (
        AuditEntry.objects.filter(
            subject_type="person", subject_id=person.id_number, action__in=READ_ACTIONS
        )
        .exclude(actor_id=user.pk)
        .only("id", "at", "actor_id", "actor_label", "action", "purpose", "detail")
        .order_by("-at", "-id")
    )
    paginator = Paginator(entries, per_page)
    page_obj = paginator.get_page(page)
    names = _department_names_of_actors({e.actor_id for e in page_obj.object_list})
    labels = _field_labels({(e.detail or {}).get("dataset") for e in page_obj.object_list})
    rows = []
    for entry in page_obj.object_list:
        detail = entry.detail or {}
        dataset = detail.get("dataset")
        system = detail.get("client_name") or ""
        rows.append(
            {
                "at": entry.at,
                "department": detail.get("department_name")
                or names.get(entry.actor_id)
                or _("The platform"),
                "how": _how(entry.action),
                "purpose": entry.purpose,
                # A person reads the fields' labels (姓名), not their names in the catalogue.
                "fields": [
                    labels.get((dataset, name), name) for name in detail.get("fields") or []
                ],
                "material": detail.get("material") or "",
                # The platform's own client pulls for ID-only handling, which `how` says already.
                "system": "" if system == PLATFORM_CLIENT_NAME else system,
            }
        )
    audit.record(
        actor=user,
        action="exchange.right_to_know.view",
        subject_type="person",
        subject_id=person.id_number,
        purpose="right to know",
        request=request,
        detail={"page": page_obj.number, "count": paginator.count},
    )
    return page_obj, rows


def _field_labels(dataset_codes) -> dict:
    """(dataset code, field name) → the field's label, for the datasets named on a page."""
    codes = {code for code in dataset_codes if code}
    if not codes:
        return {}
    fields = DatasetField.objects.filter(dataset__code__in=codes).values_list(
        "dataset__code", "name", "label"
    )
    return {(code, name): label or name for code, name, label in fields}


def _how(action: str) -> str:
    if action == "exchange.call":
        return _("Data sharing exchange")
    if action == "exchange.pull":
        return _("Pulled for your application (ID-only handling)")
    if action.startswith("registries."):
        return _("Base registry look-up")
    if action.startswith("licences."):
        return _("E-licence read")
    return _("Case handling")


def id_only_plan(materials) -> list[dict]:
    """What ID-only handling fetches for these materials, told to the applicant before consent
    (PIPL art. 17): per material, where from (the dataset and its owner, or the e-licence
    type and its issuer) and which data, by the fields' labels."""
    sourced = [m for m in materials if m.source in ("registry", "licence")]
    datasets = datasets_by_code(m.dataset_code for m in sourced if m.dataset_code)
    types = LicenceType.objects.select_related("department").filter(
        code__in=[m.source_ref for m in sourced if m.source == "licence"]
    )
    types = {t.code: t for t in types}
    plan = []
    for material in sourced:
        item = {"material": material.name, "source": "", "owner": "", "items": []}
        kind = types.get(material.source_ref) if material.source == "licence" else None
        dataset = datasets.get(material.dataset_code)
        if kind is not None:
            owner = kind.department.name
            item.update(source=kind.name, owner=owner, items=[_("licence number")])
        elif dataset is not None:
            items = field_labels(dataset, material.dataset_fields)
            item.update(source=dataset.name, owner=dataset.owner.name, items=items)
        plan.append(item)
    return plan


def _dataset_code(row: PulledMaterial) -> str:
    return row.source_ref.partition(".")[0] if row.source == "registry" else ""


def pulled_for_case(*, case_number: str) -> dict:
    """{catalogue material id: what was pulled for it}, for one case's materials section, each
    with its data as (label, value) pairs in `items`, and masked by each field's rule in
    `masked_items`, and in `objected` the labels of the fields its subject has objected to and
    the owner is checking (the case's own access checks and audit come first)."""
    rows = list(PulledMaterial.objects.filter(case_number=case_number).order_by("id"))
    codes = {_dataset_code(row) for row in rows} - {""}
    datasets = datasets_by_code(codes) if codes else {}
    for row in rows:
        row.objected = []
        if row.licence_number:
            row.items = row.masked_items = [(_("licence number"), row.licence_number)]
            continue
        dataset = datasets.get(_dataset_code(row))
        if dataset is not None:  # fields the subject disputes, while the owner checks them
            disputed = set(fields_under_objection(dataset.pk, row.subject_id))
            row.objected = field_labels(dataset, [n for n in row.snapshot or {} if n in disputed])
        coded = display_labels(dataset, row.snapshot or {}) if dataset else {}
        shown = {k: coded.get(k, {}).get(str(v), v) for k, v in (row.snapshot or {}).items()}
        masked = mask_record(shown, masking_rules(dataset) if dataset else {})
        labels = field_labels(dataset, shown) if dataset else list(shown)
        row.items = list(zip(labels, shown.values(), strict=True))
        row.masked_items = list(zip(labels, masked.values(), strict=True))
    return {row.matter_material_id: row for row in rows}


def id_only_savings(*, since=None, until=None, department_ids=None) -> dict:
    """What ID-only handling saved: materials pulled instead of uploaded, and trips (cases in
    which at least one material was pulled: the applicant did not bring it to a counter)."""
    rows = PulledMaterial.objects.filter(status=PullStatus.PULLED)
    if since is not None:
        rows = rows.filter(pulled_at__gte=since)
    if until is not None:
        rows = rows.filter(pulled_at__lt=until)
    if department_ids is not None:
        rows = rows.filter(department_id__in=list(department_ids))
    figures = rows.aggregate(
        materials=Count("id"), trips=Count("case_number", distinct=True, filter=Q())
    )
    return {"materials": figures["materials"] or 0, "trips": figures["trips"] or 0}
