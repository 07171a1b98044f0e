"""Writes of the exchange: clients, grants (request, decide, revoke), the calls themselves
(grant check, rate limit, quota, masking, audit) and pulls for ID-only handling (一证通办).

Grants are read from the database on every call (no caching), so a revocation or an expiry takes
effect on the very next call."""

import datetime
import functools
import threading
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from onetrip.accounts import policies
from onetrip.accounts import selectors as account_selectors
from onetrip.core import audit, plain_select, writebehind
from onetrip.core.errors import DomainError, NotFound, PermissionDenied
from onetrip.core.processcache import ProcessCache
from onetrip.datasets import records
from onetrip.datasets.masking import mask_record
from onetrip.datasets.models import Dataset, DatasetField, SharingClass
from onetrip.datasets.selectors import datasets_by_code, subject_type_for
from onetrip.identity import services as identity_services
from onetrip.objections.selectors import fields_under_objection

from . import grantcache
from .models import (
    PLATFORM_CLIENT_NAME,
    Consent,
    ExchangeCallStat,
    ExchangeClient,
    Grant,
    GrantStatus,
    PulledMaterial,
    PullStatus,
)

ID_ONLY_PURPOSE = "一证通办"
MAX_DAYS = 3650


def _default_rate() -> int:
    return int(getattr(settings, "ONETRIP_EXCHANGE_RATE_PER_MINUTE", 600))


def _default_quota() -> int:
    return int(getattr(settings, "ONETRIP_EXCHANGE_DAILY_QUOTA", 100000))


class RateLimited(DomainError):
    """429 with the seconds after which the caller may try again (Retry-After)."""

    status = 429

    def __init__(self, code: str, message: str, *, retry_after: int, detail=None):
        super().__init__(code, message, detail=detail)
        self.retry_after = max(int(retry_after), 1)


# --- clients -------------------------------------------------------------------------------


@transaction.atomic
def client_create(*, actor, department, name: str) -> tuple[ExchangeClient, str]:
    """Registers a department's system: a confidential client-credentials OAuth2 client and its
    exchange record. Returns the client and its secret (shown once; only a hash is kept)."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise DomainError("exchange.invalid_name", _("Give the system a name (at most 100)."))
    if ExchangeClient.objects.filter(department=department, name=name).exists():
        raise DomainError(
            "exchange.client_exists",
            _("This department already has a system with this name."),
            detail={"name": name},
        )
    application, secret = identity_services.oidc_client_create(
        actor=actor,
        name=f"{department.name} · {name}"[:255],
        redirect_uris=[],
        grant="client-credentials",
    )
    client = ExchangeClient.objects.create(
        application=application, department=department, name=name
    )
    audit.record(
        actor=actor,
        action="exchange.client.create",
        target=client,
        target_id=application.client_id,
        detail={"department": department.code, "name": name},
    )
    return client, secret


def platform_client(*, department) -> ExchangeClient:
    """The platform's internal client acting for a department in ID-only handling."""
    client, _created = ExchangeClient.objects.get_or_create(
        department=department,
        name=PLATFORM_CLIENT_NAME,
        defaults={"is_platform": True},
    )
    return client


# --- grants --------------------------------------------------------------------------------


def _actor_is_client(actor) -> bool:
    return isinstance(actor, ExchangeClient)


def _audit_actor(actor):
    return f"exchange-client:{actor.client_id}" if _actor_is_client(actor) else actor


def _staff_department_id(user):
    staff = account_selectors.staff_for_user(user=user)
    return staff.department_id if staff is not None else None


def _clean_fields(dataset: Dataset, fields, clear_fields) -> tuple[list[str], list[str]]:
    known = [f.name for f in dataset.fields.all()]
    fields = [f.strip() for f in fields if f and f.strip()]
    clear_fields = [f.strip() for f in clear_fields or [] if f and f.strip()]
    unknown = sorted(set(fields) - set(known))
    if not fields or unknown:
        raise DomainError(
            "exchange.invalid_fields",
            _("Choose fields of the dataset."),
            detail={"unknown": unknown, "fields": known},
        )
    outside = sorted(set(clear_fields) - set(fields))
    if outside:
        raise DomainError(
            "exchange.invalid_clear_fields",
            _("Only requested fields can be given in clear text."),
            detail={"fields": outside},
        )
    order = {name: i for i, name in enumerate(known)}
    return sorted(set(fields), key=order.get), sorted(set(clear_fields), key=order.get)


def _approve(grant: Grant, *, actor, reason: str = "") -> None:
    now = timezone.now()
    grant.status = GrantStatus.APPROVED
    grant.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    grant.decided_at = now
    grant.decision_reason = reason[:500]
    grant.valid_from = now
    grant.valid_until = now + datetime.timedelta(days=grant.days)


@transaction.atomic
def grant_request(
    *,
    actor,
    client: ExchangeClient,
    dataset: Dataset,
    fields: list[str],
    clear_fields: list[str] | None = None,
    purpose: str,
    legal_basis: str = "",
    days: int = 365,
    rate_per_minute: int | None = None,
    daily_quota: int | None = None,
    operator: bool = False,
    request=None,
) -> Grant:
    """A client asks to read some fields of a dataset. Freely shared datasets are granted at
    once; on-approval ones wait for the owner's data officer (`operator`: the shell operator
    grants directly); not-shared ones cannot be asked for.

    `actor` is the client itself, staff of the client's department (exchange.request), or the
    operator ("cli")."""
    if _actor_is_client(actor):
        if actor.pk != client.pk:
            raise PermissionDenied("exchange.forbidden", _("You may not ask for this client."))
    elif not operator:
        policies.require(actor, "exchange.request")
        if _staff_department_id(actor) != client.department_id:
            raise PermissionDenied(
                "exchange.forbidden", _("Only the client's own department may ask for it.")
            )
    if not client.is_active:
        raise DomainError("exchange.client_inactive", _("This client is switched off."))
    if not dataset.is_active or dataset.sharing_class == SharingClass.NOT_SHARED:
        raise DomainError(
            "exchange.not_shared",
            _("This dataset is not shared."),
            detail={"dataset": dataset.code},
            status=403,
        )
    fields, clear_fields = _clean_fields(dataset, fields, clear_fields)
    purpose = (purpose or "").strip()
    if not purpose:
        raise DomainError("exchange.purpose_needed", _("Say what the data is needed for."))
    if not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise DomainError(
            "exchange.invalid_days",
            _("The duration must be between 1 and %(max)s days.") % {"max": MAX_DAYS},
        )
    grant = Grant(
        client=client,
        dataset=dataset,
        fields=fields,
        clear_fields=clear_fields,
        purpose=purpose[:300],
        legal_basis=(legal_basis or "").strip(),
        days=days,
        rate_per_minute=rate_per_minute or _default_rate(),
        daily_quota=daily_quota or _default_quota(),
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if operator or dataset.sharing_class == SharingClass.FREE:
        _approve(grant, actor=actor)
    grant.save()
    audit.record(
        actor=_audit_actor(actor),
        action="exchange.grant.request",
        target=grant,
        purpose=grant.purpose,
        request=request,
        detail={
            "client": client.client_id,
            "department": client.department.code,
            "dataset": dataset.code,
            "fields": fields,
            "clear_fields": clear_fields,
            "status": grant.status,
            "days": days,
        },
    )
    return grant


def _require_owner_officer(actor, grant: Grant) -> None:
    policies.require(actor, "exchange.approve")
    if _staff_department_id(actor) != grant.dataset.owner_id:
        # Another department's request is as invisible as a missing one.
        raise NotFound("exchange.grant_not_found", _("There is no such grant request."))


@transaction.atomic
def grant_decide(*, actor, grant: Grant, approve: bool, reason: str = "", request=None) -> Grant:
    """The owner department's data officer approves or refuses (with a reason) a request."""
    grant = Grant.objects.select_for_update().select_related("dataset", "client").get(pk=grant.pk)
    _require_owner_officer(actor, grant)
    if grant.status != GrantStatus.PENDING:
        raise DomainError(
            "exchange.not_pending",
            _("This request was already decided."),
            detail={"status": grant.status},
            status=409,
        )
    reason = (reason or "").strip()
    if approve:
        _approve(grant, actor=actor, reason=reason)
    else:
        if not reason:
            raise DomainError("exchange.reason_needed", _("Give a reason for the refusal."))
        grant.status = GrantStatus.REFUSED
        grant.decided_by, grant.decided_at, grant.decision_reason = actor, timezone.now(), reason
    grant.save()
    audit.record(
        actor=actor,
        action="exchange.grant.approve" if approve else "exchange.grant.refuse",
        target=grant,
        purpose=grant.purpose,
        request=request,
        detail={"dataset": grant.dataset.code, "client": grant.client.client_id, "reason": reason},
    )
    return grant


@transaction.atomic
def grant_revoke(*, actor, grant: Grant, reason: str = "", request=None) -> Grant:
    """Ends a grant now: the next call under it is refused. The owner's data officer, the
    client's department (exchange.request) or the operator may revoke."""
    grant = Grant.objects.select_for_update().select_related("dataset", "client").get(pk=grant.pk)
    if actor != "cli":
        department_id = _staff_department_id(actor)
        allowed = (
            policies.has_permission(actor, "exchange.approve")
            and department_id == grant.dataset.owner_id
        ) or (
            policies.has_permission(actor, "exchange.request")
            and department_id == grant.client.department_id
        )
        if not allowed:
            raise NotFound("exchange.grant_not_found", _("There is no such grant request."))
    if grant.status in (GrantStatus.REVOKED, GrantStatus.REFUSED):
        return grant
    grant.status, grant.revoked_at = GrantStatus.REVOKED, timezone.now()
    grant.decision_reason = (reason or grant.decision_reason)[:500]
    grant.save(update_fields=["status", "revoked_at", "decision_reason"])
    audit.record(
        actor=actor,
        action="exchange.grant.revoke",
        target=grant,
        request=request,
        detail={"dataset": grant.dataset.code, "client": grant.client.client_id, "reason": reason},
    )
    return grant


def grants_revoke_for(*, actor, client: ExchangeClient, dataset: Dataset) -> int:
    """Revokes every pending or approved grant of a client on a dataset (the shell's revoke)."""
    grants = Grant.objects.filter(
        client=client, dataset=dataset, status__in=[GrantStatus.PENDING, GrantStatus.APPROVED]
    )
    count = 0
    for grant in grants:
        grant_revoke(actor=actor, grant=grant)
        count += 1
    return count


# --- calls ---------------------------------------------------------------------------------


# Datasets with their fields, a few seconds per process (ONETRIP_EXCHANGE_CACHE_SECONDS): a
# changed masking rule or a switched-off dataset takes effect at most that much later.
_datasets = ProcessCache("ONETRIP_EXCHANGE_CACHE_SECONDS")


def dataset_for_call(code: str) -> Dataset:
    dataset = _datasets.get(code)
    if dataset is None:
        dataset = (
            Dataset.objects.select_related("owner")
            .prefetch_related(Prefetch("fields", DatasetField.objects.order_by("position", "id")))
            .filter(code=code, is_active=True)
            .order_by()
            .first()
        )
        if dataset is None:
            raise NotFound(
                "exchange.unknown_dataset",
                _("There is no such dataset."),
                detail={"dataset": code},
            )
        _datasets.put(code, dataset)
    return dataset


# What a call needs of a grant (read on every call, or kept while unchanged: grantcache).
_GRANT_COLUMNS = (
    "id", "public_id", "client", "dataset", "status", "valid_until", "revoked_at", "fields",
    "clear_fields", "purpose", "rate_per_minute", "daily_quota",
)  # fmt: skip


def _grant_rows(client_pk: int, dataset_pk: int) -> list[Grant]:
    return plain_select.instances(
        Grant,
        _GRANT_COLUMNS,
        "client_id = %s AND dataset_id = %s",
        [client_pk, dataset_pk],
        "ORDER BY requested_at DESC, id DESC LIMIT 5",
    )


def live_grant(*, client: ExchangeClient, dataset: Dataset, grants=None, now=None) -> Grant:
    """The client's current grant on the dataset among `grants` (newest first; read fresh when
    not given), or the refusal that says why there is none."""
    if grants is None:
        grants = _grant_rows(client.pk, dataset.pk)
    now = now or timezone.now()
    for grant in grants:
        if grant.is_live(now):
            return grant
    latest = grants[0] if grants else None
    if latest is None or latest.status in (GrantStatus.REFUSED,):
        raise PermissionDenied(
            "exchange.no_grant",
            _("Your system has no grant for this dataset: ask the owner department for one."),
            detail={"dataset": dataset.code},
        )
    if latest.status == GrantStatus.PENDING:
        raise PermissionDenied(
            "exchange.grant_pending",
            _("Your request for this dataset is still waiting for approval."),
            detail={"dataset": dataset.code},
        )
    if latest.status == GrantStatus.REVOKED:
        raise PermissionDenied(
            "exchange.grant_revoked",
            _("Your grant for this dataset was revoked."),
            detail={"dataset": dataset.code, "revoked_at": latest.revoked_at},
        )
    raise PermissionDenied(
        "exchange.grant_expired",
        _("Your grant for this dataset has expired: ask for a new one."),
        detail={"dataset": dataset.code, "valid_until": latest.valid_until},
    )


def _minute_window() -> int:
    return int(timezone.now().timestamp()) // 60


def _rate_key(grant: Grant) -> str:
    return f"exchange:rate:{grant.pk}:{_minute_window()}"


def _rate_hit(key: str) -> int:
    """One round trip: INCR (and EXPIRE in the same pipeline) on Redis; add/incr elsewhere.
    The pipeline is not a MULTI/EXEC transaction: nothing may come between the two commands'
    effects that matters (the key is this minute's, and only INCR and EXPIRE touch it), and
    MULTI and EXEC would double the replies to parse on every exchange call."""
    redis = grantcache.redis_client()
    if redis is not None:
        pipe = redis.pipeline(transaction=False)
        _pipe_rate_hit(pipe, key)
        return int(pipe.execute()[0])
    if cache.add(key, 1, timeout=120):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, timeout=120)
        return 1


def _pipe_rate_hit(pipe, key: str) -> None:
    full_key = cache.make_and_validate_key(key)
    pipe.incr(full_key)
    pipe.expire(full_key, 120)


def _check_rate(grant: Grant, calls_this_minute: int) -> None:
    if calls_this_minute > grant.rate_per_minute:
        retry = 60 - int(timezone.now().timestamp()) % 60
        raise RateLimited(
            "exchange.rate_limited",
            _(
                "Too many requests: at most %(n)s per minute under this grant. "
                "Please retry in %(s)s seconds."
            )
            % {"n": grant.rate_per_minute, "s": retry},
            retry_after=retry,
            detail={"limit_per_minute": grant.rate_per_minute, "retry_after": retry},
        )


def _grant_for_call(client: ExchangeClient, dataset: Dataset) -> Grant:
    """The call's live grant, the call counted against its rate per minute (429 past it).

    With Redis one round trip reads the stamp of the pair's grants and counts the call under
    the grant this process's copy names; the grants are read from the database only when the
    stamp is not the copy's (grantcache). If the fresh grants name another live grant, the
    call is counted again under that one (the first count stays on a grant that no longer
    serves)."""
    redis = grantcache.redis_client()
    if redis is None:
        grant = live_grant(client=client, dataset=dataset)
        _check_rate(grant, _rate_hit(_rate_key(grant)))
        return grant
    now = timezone.now()
    kept = grantcache.kept(client.pk, dataset.pk)
    guess = next((g for g in kept.grants if g.is_live(now)), None) if kept else None
    stamp_key = grantcache.stamp_key(client.pk, dataset.pk)
    pipe = redis.pipeline(transaction=False)
    pipe.get(stamp_key)
    if guess is not None:
        _pipe_rate_hit(pipe, _rate_key(guess))
    replies = pipe.execute()
    if kept is not None and replies[0] == kept.stamp:
        grant = live_grant(client=client, dataset=dataset, grants=kept.grants, now=now)
        _check_rate(grant, int(replies[1]))  # the copy's live grant is `guess`
        return grant
    stamp = replies[0] or grantcache.stamp_now(redis, stamp_key)  # taken before the read
    grants = _grant_rows(client.pk, dataset.pk)
    grantcache.keep(client.pk, dataset.pk, stamp, grants)
    grant = live_grant(client=client, dataset=dataset, grants=grants, now=now)
    if guess is not None and guess.pk == grant.pk:
        _check_rate(grant, int(replies[1]))
    else:
        _check_rate(grant, _rate_hit(_rate_key(grant)))
    return grant


@functools.cache
def _written_calls_sql() -> str:
    table = connection.ops.quote_name(ExchangeCallStat._meta.db_table)
    return f"SELECT count FROM {table} WHERE grant_id = %s AND day = %s"  # noqa: S608 — our table


# Today's written count per grant, read at most once a second per process.
_written_calls = ProcessCache("ONETRIP_EXCHANGE_COUNT_CACHE_SECONDS")
# Calls counted by this process but not yet written to ExchangeCallStat (write-behind).
_unwritten: Counter = Counter()
_unwritten_lock = threading.Lock()


def _count_call(grant: Grant) -> None:
    """Counts the call against today's quota. The count is written behind (core.writebehind),
    and the written count is re-read at most every ONETRIP_EXCHANGE_COUNT_CACHE_SECONDS, so the
    quota compares that count plus this process's unwritten calls: other processes' calls of
    the last second or so may be missed, which lets a busy grant exceed its daily quota by at
    most that many calls (decision 0012)."""
    key = (grant.pk, timezone.localdate())
    written = _written_calls.get(key)
    if written is None:
        with connection.cursor() as cursor:
            cursor.execute(_written_calls_sql(), [key[0], key[1].isoformat()])
            found = cursor.fetchone()
        written = found[0] if found else 0
        _written_calls.put(key, written)
    with _unwritten_lock:
        if (written or 0) + _unwritten[key] < grant.daily_quota:
            _unwritten[key] += 1
            counted = True
        else:
            counted = False
    if counted:
        writebehind.add("exchange.calls", key)
        return
    now = timezone.localtime()
    tomorrow = datetime.datetime.combine(
        now.date() + datetime.timedelta(days=1), datetime.time(), tzinfo=now.tzinfo
    )
    retry = int((tomorrow - now).total_seconds()) + 1
    raise RateLimited(
        "exchange.quota_exceeded",
        _("Today's quota of %(n)s requests under this grant is used up. Please retry tomorrow.")
        % {"n": grant.daily_quota},
        retry_after=retry,
        detail={"daily_quota": grant.daily_quota, "retry_after": retry},
    )


def _write_counts(keys: list[tuple[int, datetime.date]]) -> None:
    """Adds a batch of counted calls to their (grant, day) rows; runs in the batch's transaction."""
    for key, calls in sorted(Counter(keys).items()):  # rows locked in one order everywhere
        grant_id, day = key
        rows = ExchangeCallStat.objects.filter(grant_id=grant_id, day=day)
        if not rows.update(count=F("count") + calls):
            try:
                with transaction.atomic():
                    ExchangeCallStat.objects.create(grant_id=grant_id, day=day, count=calls)
            except IntegrityError:  # another process made today's row meanwhile
                rows.update(count=F("count") + calls)
        with _unwritten_lock:
            _unwritten[key] -= calls
            if _unwritten[key] <= 0:
                del _unwritten[key]


writebehind.register("exchange.calls", _write_counts)


def record_lookup(dataset: Dataset, key_value: str) -> dict | None:
    """The raw record (field name → value) through the catalogue's look-up."""
    return records.record_lookup(dataset, key_value)


def _key_value(dataset: Dataset, query: dict) -> str:
    key_field = dataset.key_field
    if not key_field:
        raise DomainError(
            "exchange.no_key_field",
            _("This dataset cannot be looked up by key."),
            detail={"dataset": dataset.code},
        )
    others = sorted(set(query) - {key_field})
    value = str(query.get(key_field) or "").strip()
    if others or not value:
        raise DomainError(
            "exchange.key_param",
            _("Look records up by %(key)s=<value>, and by nothing else.") % {"key": key_field},
            detail={"key_field": key_field, "unexpected": others},
        )
    if len(value) > 128:
        raise DomainError(
            "exchange.key_param", _("The key value is too long."), detail={"key_field": key_field}
        )
    return value


@dataclass
class CallResult:
    record: dict | None
    grant: Grant


def records_read(*, client: ExchangeClient, code: str, query: dict, request=None) -> dict:
    """One exchange call: the granted fields of the record with this key, masked by each
    field's rule unless the grant gives them in clear text. Audited, counted, rate-limited."""
    if not client.is_active:
        raise PermissionDenied("exchange.client_inactive", _("This client is switched off."))
    dataset = dataset_for_call(code)
    key_value = _key_value(dataset, query)
    grant = _grant_for_call(client, dataset)
    _count_call(grant)
    raw = record_lookup(dataset, key_value)
    record = None
    if raw is not None:
        rules = {f.name: f.masking_rule for f in dataset.fields.all()}
        granted = {name: raw.get(name) for name in grant.fields}
        record = mask_record(granted, rules, clear=set(grant.clear_fields))
    # A read: its audit entry and its count are written behind, batched with others.
    audit.record_read(
        actor=f"exchange-client:{client.client_id}",
        action="exchange.call",
        target=grant,
        subject_type=subject_type_for(dataset),
        subject_id=key_value,
        purpose=grant.purpose,
        request=request,
        detail={
            "client": client.client_id,
            "client_name": client.name,
            "department": client.department.code,
            "department_name": client.department.name,
            "dataset": dataset.code,
            "fields": grant.fields,
            "clear_fields": grant.clear_fields,
            "found": record is not None,
        },
    )
    if record is None:
        raise NotFound(
            "exchange.record_not_found",
            _("No record has this key."),
            detail={"dataset": dataset.code, "key_field": dataset.key_field},
        )
    return {
        "dataset": dataset.code,
        "key_field": dataset.key_field,
        "record": record,
        "masked": [name for name in grant.fields if name not in set(grant.clear_fields)],
        # What the record's subject has said is wrong and the owner is checking (数据异议).
        "under_objection": [
            name for name in fields_under_objection(dataset.pk, key_value) if name in grant.fields
        ],
        "grant_valid_until": grant.valid_until,
    }


def call_refused_record(*, client: ExchangeClient, code: str, error: DomainError, request=None):
    """A refused call is audited too (who tried what, and why it was refused)."""
    audit.record_read(
        actor=f"exchange-client:{client.client_id}",
        action="exchange.call.refused",
        target_type="datasets.dataset",
        target_id=code[:100],
        request=request,
        detail={
            "client": client.client_id,
            "department": client.department.code,
            "dataset": code[:64],
            "code": error.code,
        },
    )


# --- ID-only handling (一证通办) -------------------------------------------------------------


def _valid_licence(*, type_code: str, subject_type: str, subject_id: str):
    from onetrip.licences.models import Licence
    from onetrip.licences.selectors import status_is_valid

    licences = Licence.objects.select_related("licence_type").filter(
        licence_type__code=type_code, holder_type=subject_type, holder_id=subject_id
    )
    for licence in licences.order_by("-issued_at"):
        if status_is_valid(licence):
            return licence
    return None


def minimal_record(record: dict, fields: list[str]) -> dict:
    return {name: record[name] for name in fields if name in record}


@transaction.atomic
def pull_for_applicant(
    *,
    actor,
    applicant=None,
    case_number: str,
    department,
    subject_type: str,
    subject_id: str,
    materials: list,
    request=None,
) -> list[PulledMaterial]:
    """ID-only handling: with the applicant's consent (recorded here; `applicant` gave it, to
    `actor` when a clerk records it at a counter), the platform's client pulls each material
    whose source is shared data or an e-licence, for this case only. Registry sources store the
    fields the material names (`dataset_fields`), not the whole record; e-licence sources the
    number of the holder's valid licence of that type. A material that cannot be found is kept
    as unavailable (the clerk sees it and asks for it). Each pull is audited with purpose
    一证通办."""
    applicant = applicant or actor
    consent = Consent.objects.create(
        user=applicant,
        subject_type=subject_type,
        subject_id=subject_id,
        purpose=ID_ONLY_PURPOSE,
        case_number=case_number,
        materials=[m.name for m in materials],
    )
    audit.record(
        actor=actor,
        action="exchange.consent.give",
        target=consent,
        subject_type=subject_type,
        subject_id=subject_id,
        purpose=ID_ONLY_PURPOSE,
        request=request,
        detail={
            "case": case_number,
            "materials": consent.materials,
            # At a counter the clerk (the entry's actor) records the applicant's consent.
            "given_in_person_to": None if applicant == actor else str(actor.public_id),
            "data": [
                {"material": m.name, "source": m.source_ref, "fields": m.dataset_fields}
                if m.source == "registry"
                else {"material": m.name, "source": m.source_ref}
                for m in materials
            ],
        },
    )
    client = platform_client(department=department)
    datasets = datasets_by_code(m.dataset_code for m in materials if m.dataset_code)
    pulled = []
    for material in materials:
        row = PulledMaterial(
            case_number=case_number,
            matter_material_id=material.pk,
            name=material.name,
            source=material.source,
            source_ref=material.source_ref,
            department=department,
            subject_id=subject_id,
            consent=consent,
            status=PullStatus.UNAVAILABLE,
        )
        detail = {
            "client": str(client.public_id),
            "client_name": client.name,
            "department": department.code,
            "department_name": department.name,
            "case": case_number,
            "on_behalf_of": str(applicant.public_id),
            "material": material.name,
            "source": material.source,
            "source_ref": material.source_ref,
        }
        if material.source == "licence":
            licence = _valid_licence(
                type_code=material.source_ref, subject_type=subject_type, subject_id=subject_id
            )
            if licence is not None:
                row.status, row.licence_number = PullStatus.PULLED, licence.number
                row.snapshot = {"licence": licence.number, "type": licence.licence_type.name}
            detail["licence"] = row.licence_number
        else:
            dataset = datasets.get(material.dataset_code)
            found = dataset is not None and dataset.is_active
            raw = record_lookup(dataset, subject_id) if found else None
            if raw is not None:
                kept = minimal_record(raw, material.dataset_fields)
                row.status, row.snapshot = PullStatus.PULLED, kept
                detail["fields"] = list(kept)
                detail["dataset"] = dataset.code
        detail["found"] = row.status == PullStatus.PULLED
        row.save()
        audit.record(
            actor=f"exchange-client:{PLATFORM_CLIENT_NAME}",
            action="exchange.pull",
            target=row,
            subject_type=subject_type,
            subject_id=subject_id,
            purpose=f"{ID_ONLY_PURPOSE} {case_number}",
            request=request,
            detail=detail,
        )
        pulled.append(row)
    return pulled
