"""Reads of e-licences. Every read that shows a licence (they carry personal data) is audited:
the holder's own wallet, a share link, a PDF, and the public verification."""

import base64
import datetime
import functools
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from onetrip.accounts import selectors as account_selectors
from onetrip.core import audit
from onetrip.core.errors import DomainError, NotFound
from onetrip.departments.models import Department
from onetrip.signing import services as signing

from . import identifier, policies, verification_cache
from .models import (
    HolderType,
    Licence,
    LicenceShare,
    LicenceStatus,
    LicenceType,
    licence_status,
)
from .services import share_token_hash


def mask_name(name: str, holder_type: str = HolderType.PERSON) -> str:
    """张三丰 → 张**. Legal persons' names are public (the entity registry) and stay whole."""
    name = str(name or "")
    if holder_type == HolderType.LEGAL or len(name) < 2:
        return name
    return name[:1] + "*" * (len(name) - 1)


def _licences():
    return Licence.objects.select_related("licence_type", "department")


def _not_found():
    return NotFound("licences.not_found", _("There is no such licence."))


def licence_get_public(number: str, *, request=None, purpose: str = "public verification"):
    """A licence by its identifier, for anyone who has the identifier (it is printed and in the
    QR code; its serial is random so it cannot be guessed). Malformed numbers and numbers with
    a wrong check character are answered like unknown ones, without a query."""
    if identifier.parse(number) is None:
        raise _not_found()
    licence = _licences().filter(number=number).first()
    if licence is None:
        raise _not_found()
    _audit_public_read(request, number, licence.holder_type, licence.holder_id, purpose=purpose)
    return licence


@dataclass
class _KeptVerification:
    """What never changes in a licence's verification answer, and its JSON per status."""

    answer: dict
    holder_type: str
    holder_id: str
    valid_until: datetime.date | None
    bodies: dict = field(default_factory=dict)


def licence_verify_public(number: str, *, request=None) -> tuple[dict, bytes]:
    """The verification answer (`licence_verification`) for anyone holding the identifier, and
    the same as JSON (UTF-8). What never changes (the signed bytes, the signature check, the
    names) is kept per process (`verification_cache`); whether the licence is revoked is read on
    every call, so a revocation shows at once. Every call is audited."""
    kept = verification_cache.get(number)  # only well-formed numbers are ever kept
    if kept is None:
        if identifier.parse(number) is None:  # its check character, in pure Python, is costly
            raise _not_found()
        licence = _licence_for_verification(number)
        if licence is None:
            raise _not_found()
        answer = _verification_answer(
            licence, type_name=licence.type_name, type_code=licence.type_code, issuer=licence.issuer
        )
        kept = _KeptVerification(
            answer, licence.holder_type, licence.holder_id, licence.valid_until
        )
        verification_cache.put(number, kept)
        revoked = licence.revoked_at is not None
    else:
        revoked = _revoked(number)
        if revoked is None:  # removed meanwhile
            verification_cache.forget(number)
            raise _not_found()
    status = licence_status(revoked=revoked, valid_until=kept.valid_until)
    body = kept.bodies.get(status)
    if body is None:
        text = json.dumps(
            {**kept.answer, "status": status}, cls=DjangoJSONEncoder, ensure_ascii=False
        )
        body = kept.bodies[status] = text.encode()
    _audit_public_read(
        request, number, kept.holder_type, kept.holder_id, purpose="public verification"
    )
    return {**kept.answer, "status": status}, body


@functools.cache
def _revoked_sql() -> str:
    quote = connection.ops.quote_name
    table = quote(Licence._meta.db_table)
    return f"SELECT {quote('revoked_at')} FROM {table} WHERE {quote('number')} = %s"  # noqa: S608


def _revoked(number: str) -> bool | None:
    """Is the licence revoked (None: there is no such licence)? One indexed plain statement."""
    with connection.cursor() as cursor:
        cursor.execute(_revoked_sql(), [number])
        found = cursor.fetchone()
    return None if found is None else found[0] is not None


def _reader(request):
    """Who verifies: the signed-in user, or None. Without a session cookie nobody is signed in,
    which is known without loading the lazy `request.user` (most verifications are API calls and
    QR scans: this saves each of them the session and user look-up)."""
    if request is None:
        return None
    user = getattr(request, "user", None)
    if isinstance(user, SimpleLazyObject) and settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return None
    return user


def _audit_public_read(request, number: str, holder_type: str, holder_id: str, *, purpose: str):
    # A read by the public at high volume: written by the write-behind buffer (core.audit).
    audit.record_read(
        actor=_reader(request),
        action="licences.licence.verify",
        target_type=Licence._meta.label_lower,
        target_id=number,
        subject_type=holder_type,
        subject_id=holder_id,
        purpose=purpose,
        request=request,
    )


@functools.cache
def _verification_sql() -> str:
    quote = connection.ops.quote_name
    licence, kind, department = Licence._meta, LicenceType._meta, Department._meta
    columns = ", ".join(
        f"l.{quote(licence.get_field(name).column)}"
        for name in (
            "id", "number", "payload", "signature", "alg", "key_id", "holder_name",
            "holder_type", "holder_id", "valid_from", "valid_until", "revoked_at",
        )
    )  # fmt: skip
    return (
        f"SELECT {columns}, t.{quote('name')} AS type_name, t.{quote('code')} AS type_code, "  # noqa: S608 — our tables
        f"d.{quote('name')} AS issuer FROM {quote(licence.db_table)} l "
        f"JOIN {quote(kind.db_table)} t ON t.{quote('id')} = l.{quote('licence_type_id')} "
        f"JOIN {quote(department.db_table)} d ON d.{quote('id')} = l.{quote('department_id')} "
        f"WHERE l.{quote('number')} = %s"
    )


def _licence_for_verification(number: str) -> Licence | None:
    """The columns a verification shows, with type and issuer names, by one plain statement:
    the public verification's miss path, where the ORM's query building would cost more than
    the indexed look-up (bench/README.md)."""
    return next(iter(Licence.objects.raw(_verification_sql(), [number])), None)


def licence_verification(licence: Licence) -> dict:
    """What a verifier is told. `status` is valid only if the stored signature also verifies
    with the published key; a licence whose bytes no longer match its signature is reported
    as not genuine (`signature_ok` False)."""
    return _verification_answer(
        licence,
        type_name=licence.licence_type.name,
        type_code=licence.licence_type.code,
        issuer=licence.department.name,
    )


def _verification_answer(licence: Licence, *, type_name: str, type_code: str, issuer: str):
    payload, signature = bytes(licence.payload), bytes(licence.signature)
    signature_ok = signing.verify(licence.key_id, payload, signature)
    return {
        "number": licence.number,
        "status": licence_status(
            revoked=licence.revoked_at is not None, valid_until=licence.valid_until
        ),
        "signature_ok": signature_ok,
        "payload": base64.b64encode(payload).decode(),
        "signature": base64.b64encode(signature).decode(),
        "alg": licence.alg,
        "key_id": licence.key_id,
        "holder_name": mask_name(licence.holder_name, licence.holder_type),
        "type": type_name,
        "type_code": type_code,
        "issuer": issuer,
        "valid_from": licence.valid_from,
        "valid_until": licence.valid_until,
    }


def _holder_filter(*, user) -> Q | None:
    """Licences a signed-in person or legal-person account holds or may show: their own (by
    citizen ID number) and those of the legal persons they currently act for."""
    if not getattr(user, "is_authenticated", False):
        return None
    condition = Q(pk__in=[])
    person = account_selectors.person_for_user(user=user)
    if person is not None:
        condition |= Q(holder_type=HolderType.PERSON, holder_id=person.id_number)
        usccs = [
            r.legal_person.uscc for r in account_selectors.representations_for_person(person=person)
        ]
        if usccs:
            condition |= Q(holder_type=HolderType.LEGAL, holder_id__in=usccs)
    legal = getattr(user, "legal_person", None) if user.user_type == "legal" else None
    if legal is not None:
        condition |= Q(holder_type=HolderType.LEGAL, holder_id=legal.uscc)
    return condition


def licence_list_for_holder(*, user, request=None) -> list[Licence]:
    """The wallet (卡包): every licence the signed-in person holds or may show for a legal
    person they represent. Audited once per listing."""
    condition = _holder_filter(user=user)
    if condition is None:
        return []
    licences = list(_licences().filter(condition).order_by("-issued_at", "-id"))
    audit.record(
        actor=user,
        action="licences.licence.list",
        subject_type="user",
        subject_id=str(user.public_id),
        purpose="holder's wallet",
        request=request,
        detail={"count": len(licences)},
    )
    return licences


def _audit_licence_read(user, licence: Licence, *, purpose: str, request) -> None:
    audit.record(
        actor=user,
        action="licences.licence.read",
        target=licence,
        target_id=licence.number,
        subject_type=licence.holder_type,
        subject_id=licence.holder_id,
        purpose=purpose,
        request=request,
    )


def licence_get_for_holder(*, user, number: str, request=None, purpose: str = "holder's wallet"):
    """One licence of the wallet; anyone else's is the same 404 as a missing one."""
    condition = _holder_filter(user=user)
    licence = _licences().filter(condition, number=number).first() if condition else None
    if licence is None:
        raise _not_found()
    _audit_licence_read(user, licence, purpose=purpose, request=request)
    return licence


def licence_get_for_print(*, user, number: str, request=None) -> Licence:
    """The printable PDF: for the holder (or who acts for a legal-person holder) and for staff
    who may see the issuing department; everyone else gets the 404 of a missing licence."""
    if account_selectors.staff_for_user(user=user) is not None:
        licence = _licences().filter(number=number).first()
        if licence is None or not policies.staff_sees_department(user, licence.department):
            raise _not_found()
        audit.record(
            actor=user,
            action="licences.licence.read",
            target=licence,
            target_id=licence.number,
            subject_type=licence.holder_type,
            subject_id=licence.holder_id,
            purpose="print by issuing department",
            request=request,
        )
        return licence
    return licence_get_for_holder(user=user, number=number, request=request, purpose="print")


def licence_get_shared(*, token: str, request=None) -> tuple[Licence, LicenceShare]:
    """The licence behind an unexpired share link (audited: who opened it, from where)."""
    share = (
        LicenceShare.objects.select_related("licence__licence_type", "licence__department")
        .filter(token_hash=share_token_hash(token), expires_at__gt=timezone.now())
        .first()
    )
    if share is None:
        raise NotFound("licences.share_not_found", _("This link has expired or does not exist."))
    licence = share.licence
    audit.record(
        actor=getattr(request, "user", None) if request is not None else None,
        action="licences.share.view",
        target=licence,
        target_id=licence.number,
        subject_type=licence.holder_type,
        subject_id=licence.holder_id,
        purpose="shared by the holder",
        request=request,
        detail={"share": share.pk},
    )
    return licence, share


def status_is_valid(licence: Licence) -> bool:
    return licence.status() == LicenceStatus.VALID


def licence_exists(*, source: str, type_code: str, holder_id: str) -> bool:
    """Has this licence already been issued from this source? (Idempotent loaders.)"""
    return Licence.objects.filter(
        source=source, licence_type__code=type_code, holder_id=holder_id
    ).exists()


# --- The staff workbench (电子证照 list and detail) ---------------------------------------------

STAFF_PAGE_SIZE = 50
# What a row of the staff list shows; the signed bytes and the fields stay in the database.
STAFF_LIST_COLUMNS = (
    "number",
    "holder_type",
    "holder_name",
    "valid_from",
    "valid_until",
    "issued_at",
    "revoked_at",
    "licence_type",
    "licence_type__name",
    "licence_type__code",
    "department",
    "department__name",
)


@dataclass(frozen=True)
class StaffLicencePage:
    """One page of the staff list: `licences` (each with `masked_holder_name`), the Django
    `page`, the licence types the caller may filter by and the filters applied."""

    licences: list
    page: Page
    types: list
    status: str
    type_code: str
    query: str


def _visible_department_ids(*, user) -> set[int] | None:
    """The departments whose licences the staff member may see (None: every one); anyone
    without the view permission is refused."""
    policies.require_view_as_staff(user)
    staff = account_selectors.staff_for_user(user=user)
    return account_selectors.department_ids_visible_to(staff=staff)


def _status_filter(status: str, today) -> Q:
    if status == LicenceStatus.REVOKED:
        return Q(revoked_at__isnull=False)
    if status == LicenceStatus.EXPIRED:
        return Q(revoked_at__isnull=True, valid_until__lt=today)
    return Q(revoked_at__isnull=True) & (Q(valid_until__isnull=True) | Q(valid_until__gte=today))


def licence_page_for_staff(
    *,
    user,
    status: str = "",
    type_code: str = "",
    query: str = "",
    page=1,
    today=None,
    request=None,
) -> StaffLicencePage:
    """The workbench's licence list, newest first, STAFF_PAGE_SIZE a page: licences of the
    departments the caller may see, narrowed by status (valid / revoked / expired), licence type
    and a search of the licence number (part of it), the holder's ID number or USCC (whole) or
    the holder's name (part of it). A page past the end gives the last page. Audited once per
    page with the number of licences shown (holders' names are personal data, even masked)."""
    if status and status not in LicenceStatus.values:
        raise DomainError(
            "licences.invalid_status",
            _("Choose valid, revoked or expired."),
            detail={"status": status},
        )
    visible = _visible_department_ids(user=user)
    licences = _licences()
    types = LicenceType.objects.order_by("code").only("code", "name")
    if visible is not None:
        licences = licences.filter(department_id__in=visible)
        types = types.filter(department_id__in=visible)
    today = today or timezone.localdate()
    if status:
        licences = licences.filter(_status_filter(status, today))
    type_code = (type_code or "").strip()
    if type_code:
        licences = licences.filter(licence_type__code=type_code)
    query = " ".join((query or "").split())[:100]
    if query:
        licences = licences.filter(
            Q(number__icontains=query)
            | Q(holder_id=query.upper())
            | Q(holder_name__icontains=query)
        )
    licences = licences.only(*STAFF_LIST_COLUMNS).order_by("-issued_at", "-id")
    page_obj = Paginator(licences, STAFF_PAGE_SIZE).get_page(page)
    rows = list(page_obj.object_list)
    for licence in rows:
        licence.masked_holder_name = mask_name(licence.holder_name, licence.holder_type)
    audit.record(
        actor=user,
        action="licences.licence.list",
        purpose="workbench licence list",
        request=request,
        detail={
            "count": len(rows),
            "page": page_obj.number,
            "status": status,
            "type": type_code,
            "query": query,
        },
    )
    return StaffLicencePage(
        licences=rows,
        page=page_obj,
        types=list(types),
        status=status,
        type_code=type_code,
        query=query,
    )


def licence_get_for_staff(
    *, user, number: str, request=None, purpose: str = "workbench licence detail"
) -> Licence:
    """One licence for the workbench, if the caller may see its issuing department; a licence
    of another department is the same 404 as a missing one. Audited (the holder is the subject)."""
    visible = _visible_department_ids(user=user)
    licence = _licences().filter(number=number).first()
    if licence is None or (visible is not None and licence.department_id not in visible):
        raise _not_found()
    _audit_licence_read(user, licence, purpose=purpose, request=request)
    return licence
