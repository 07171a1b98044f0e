"""Issuing, signing and revoking e-licences; share links for holders."""

import datetime
import hashlib
import json
import secrets

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onetrip.accounts.validators import (
    check_citizen_id,
    check_uscc,
    normalise_citizen_id,
    normalise_uscc,
)
from onetrip.core import audit
from onetrip.core.errors import DomainError
from onetrip.departments.models import Department
from onetrip.signing import services as signing

from . import identifier, policies, verification_cache
from .models import HolderType, Licence, LicenceShare, LicenceStatus, LicenceType

SHARE_HOURS = 24


def canonical_json(value) -> bytes:
    """Sorted keys, UTF-8, no spaces: the exact bytes that are signed."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _add_months(day: datetime.date, months: int) -> datetime.date:
    """The day before the same date `months` later (a licence from 3 March for 12 months is
    valid until 2 March next year); the 31st falls back to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, candidate_day) - datetime.timedelta(days=1)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _check_segment(value: str, field: str) -> str:
    value = (value or "").strip().upper()
    if not identifier.SEGMENT.match(value):
        raise DomainError(
            "licences.invalid_code",
            _("%(field)s may contain only letters and digits.") % {"field": field},
            detail={"field": field},
        )
    return value


@transaction.atomic
def licence_type_save(
    *,
    actor,
    code: str,
    name: str,
    identifier_code: str,
    department: Department,
    issuer_code: str,
    fields_schema: list | None = None,
    validity_months: int | None = None,
) -> LicenceType:
    """Create or update a licence type (administrators, the demo loader, the command line).
    Idempotent: saving the same values again changes nothing and audits nothing."""
    if not (isinstance(actor, str) and actor) and not (
        getattr(actor, "is_authenticated", False) and actor.has_perm("licences.add_licencetype")
    ):
        raise DomainError(
            "licences.permission_denied", _("You do not have permission to do this."), status=403
        )
    identifier_code = _check_segment(identifier_code, "identifier_code")
    issuer_code = normalise_uscc(issuer_code)
    verdict = check_uscc(issuer_code)
    if not verdict.valid:
        raise DomainError(
            "licences.invalid_issuer_code", verdict.reason, detail={"issuer_code": issuer_code}
        )
    schema = []
    for item in fields_schema or []:
        if not isinstance(item, dict) or not str(item.get("name") or "").strip():
            raise DomainError(
                "licences.invalid_fields_schema",
                _('Each field needs a "name" and a "label".'),
                detail={"item": item},
            )
        schema.append({"name": str(item["name"]).strip(), "label": str(item.get("label") or "")})
    values = {
        "name": name,
        "identifier_code": identifier_code,
        "department": department,
        "issuer_code": issuer_code,
        "fields_schema": schema,
        "validity_months": validity_months,
    }
    licence_type = LicenceType.objects.filter(code=code).first()
    if licence_type is not None and all(
        getattr(licence_type, key) == value for key, value in values.items()
    ):
        return licence_type
    created = licence_type is None
    if created:
        licence_type = LicenceType(code=code)
    for key, value in values.items():
        setattr(licence_type, key, value)
    licence_type.save()
    audit.record(
        actor=actor,
        action="licences.type.create" if created else "licences.type.update",
        target=licence_type,
        target_id=licence_type.code,
        detail={"department": department.code, "identifier_code": identifier_code},
    )
    return licence_type


def _holder(holder_type: str, holder_id: str) -> str:
    if holder_type == HolderType.PERSON:
        holder_id = normalise_citizen_id(holder_id or "")
        verdict = check_citizen_id(holder_id)
    elif holder_type == HolderType.LEGAL:
        holder_id = normalise_uscc(holder_id or "")
        verdict = check_uscc(holder_id)
    else:
        raise DomainError(
            "licences.invalid_holder_type",
            _("The holder must be a natural person or a legal person."),
            detail={"holder_type": holder_type, "allowed": HolderType.values},
        )
    if not verdict.valid:
        raise DomainError(
            "licences.invalid_holder_id",
            verdict.reason,
            detail={"holder_type": holder_type, "code": verdict.code},
        )
    return holder_id


def _fields(licence_type: LicenceType, fields: dict) -> dict:
    """The fields the type shows, in JSON form; extras are left out. A type without a schema
    keeps every field."""
    if not isinstance(fields, dict):
        raise DomainError("licences.invalid_fields", _("The licence fields must be an object."))
    plain = json.loads(json.dumps(fields, cls=DjangoJSONEncoder, ensure_ascii=False))
    names = [item["name"] for item in licence_type.fields_schema]
    if not names:
        return plain
    return {name: plain[name] for name in names if plain.get(name) not in (None, "")}


def _in_department(department: Department, issuer: Department) -> bool:
    """The issuing department itself or one of its units (a 科 or 所 issues in its name)."""
    seen = 0
    while department is not None and seen < 20:
        if department.pk == issuer.pk:
            return True
        department, seen = department.parent, seen + 1
    return False


@transaction.atomic
def licence_issue(
    *,
    actor,
    type_code: str,
    holder_type: str,
    holder_id: str,
    holder_name: str,
    fields: dict,
    department,
    source: str = "",
    valid_from=None,
) -> Licence:
    """Issue and sign an e-licence. The cases engine calls this when a matter with a licence
    type is approved. Signed with the issuing department's newest key; a department without a
    key is refused (`licences.no_signing_key`, 409): keys are created deliberately
    (`onetrip signing-key create`), never on the fly."""
    licence_type = LicenceType.objects.select_related("department").filter(code=type_code).first()
    if licence_type is None or not licence_type.is_active:
        raise DomainError(
            "licences.unknown_type",
            _("There is no licence type %(code)s.") % {"code": type_code},
            detail={"type_code": type_code},
        )
    issuer = licence_type.department
    if department is None or not _in_department(department, issuer):
        raise DomainError(
            "licences.wrong_department",
            _("%(department)s does not issue %(type)s.")
            % {"department": department, "type": licence_type.name},
            detail={"type_code": type_code, "issuer": issuer.code},
        )
    policies.require_issue(actor, issuer)
    holder_id = _holder(holder_type, holder_id)
    holder_name = (holder_name or "").strip()
    if not holder_name:
        raise DomainError(
            "licences.holder_name_missing",
            _("The holder's name is missing."),
            detail={"field": "holder_name"},
        )
    shown = _fields(licence_type, fields)
    issued_at = timezone.now().replace(microsecond=0)
    valid_from = valid_from or timezone.localdate(issued_at)
    if isinstance(valid_from, datetime.datetime):
        valid_from = timezone.localdate(valid_from)
    valid_until = (
        _add_months(valid_from, licence_type.validity_months)
        if licence_type.validity_months
        else None
    )
    number = identifier.build(
        type_code=licence_type.identifier_code,
        issuer_code=licence_type.issuer_code,
        serial=identifier.new_serial(timezone.localdate(issued_at).year),
    )
    document = {
        "number": number,
        "type": {"code": licence_type.code, "name": licence_type.name},
        "holder": {"type": holder_type, "id": holder_id, "name": holder_name},
        "fields": shown,
        "validity": {
            "from": valid_from.isoformat(),
            "until": valid_until.isoformat() if valid_until else None,
        },
        "issuer": {
            "code": licence_type.issuer_code,
            "department": issuer.code,
            "name": issuer.name,
        },
        "issued_at": issued_at.isoformat(),
    }
    payload = canonical_json(document)
    try:
        signature, key_id, alg = signing.sign(issuer, payload)
    except DomainError as error:
        if error.code != "signing.no_active_key":
            raise
        raise DomainError(
            "licences.no_signing_key",
            _("%(department)s has no signing key yet; an administrator must create one.")
            % {"department": issuer.name},
            detail={"department": issuer.code},
            status=409,
        ) from error
    try:
        with transaction.atomic():
            licence = Licence.objects.create(
                number=number,
                licence_type=licence_type,
                holder_type=holder_type,
                holder_id=holder_id,
                holder_name=holder_name,
                fields=shown,
                valid_from=valid_from,
                valid_until=valid_until,
                department=issuer,
                issued_at=issued_at,
                source=(source or "")[:64],
                payload=payload,
                signature=signature,
                alg=alg,
                key_id=key_id,
            )
    except IntegrityError as error:  # 82 random bits: a clash is not expected, but say so
        raise DomainError("licences.number_clash", _("Please try again."), status=409) from error
    audit.record(
        actor=actor,
        action="licences.licence.issue",
        target=licence,
        target_id=number,
        subject_type=holder_type,
        subject_id=holder_id,
        detail={
            "type": licence_type.code,
            "key_id": key_id,
            "alg": alg,
            "source": source,
            "department": department.code,
        },
    )
    return licence


@transaction.atomic
def licence_revoke(*, actor, licence: Licence, reason: str) -> Licence:
    """Revoke a licence (吊销/撤销/注销). It stays verifiable: verification then says revoked."""
    policies.require_revoke(actor, licence.department)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            "licences.reason_missing",
            _("Please give the reason for the revocation."),
            detail={"field": "reason"},
        )
    if licence.revoked_at is not None:
        raise DomainError(
            "licences.already_revoked", _("This licence is already revoked."), status=409
        )
    licence.revoked_at, licence.revoked_reason = timezone.now(), reason[:500]
    licence.save(update_fields=["revoked_at", "revoked_reason"])
    # Dropped now and again after commit, in case a reader cached the old answer meanwhile.
    verification_cache.forget(licence.number)
    transaction.on_commit(lambda: verification_cache.forget(licence.number))
    audit.record(
        actor=actor,
        action="licences.licence.revoke",
        target=licence,
        target_id=licence.number,
        subject_type=licence.holder_type,
        subject_id=licence.holder_id,
        detail={"reason": licence.revoked_reason},
    )
    return licence


def share_token_hash(token: str) -> str:
    return hashlib.sha256((token or "").encode()).hexdigest()


@transaction.atomic
def licence_share_create(
    *, actor, licence: Licence, hours: int = SHARE_HOURS, request=None
) -> tuple[LicenceShare, str]:
    """A holder makes a read-only link to one licence; returns (share, token). Only the hash
    of the token is kept, so the link is shown once. The caller has checked that `actor` holds
    the licence (`selectors.licence_get_for_holder`)."""
    if licence.status() != LicenceStatus.VALID:
        raise DomainError(
            "licences.not_valid", _("Only a valid licence can be shared."), status=409
        )
    token = secrets.token_urlsafe(24)
    now = timezone.now()
    share = LicenceShare.objects.create(
        licence=licence,
        token_hash=share_token_hash(token),
        created_by=actor,
        created_at=now,
        expires_at=now + datetime.timedelta(hours=hours),
    )
    audit.record(
        actor=actor,
        action="licences.share.create",
        target=share,
        subject_type=licence.holder_type,
        subject_id=licence.holder_id,
        request=request,
        detail={"number": licence.number, "expires_at": share.expires_at},
    )
    return share, token
