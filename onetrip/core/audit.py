"""The audit log: who did what, to whose data, from where and why; SM3 hash-chained.

`record()` is called by services (writes) and selectors (reads of personal data), inside their
transaction, so an action and its audit entry land together or not at all.
"""

import datetime
import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .logging import request_id_var
from .models import AuditEntry, AuditHead
from .sm3 import sm3_hex

GENESIS_HASH = "0" * 64
HASHED_FIELDS = (
    "at",
    "actor_id",
    "actor_label",
    "ip",
    "request_id",
    "action",
    "target_type",
    "target_id",
    "subject_type",
    "subject_id",
    "purpose",
    "detail",
    "prev_hash",
)


def entry_hash(entry: AuditEntry) -> str:
    values = {name: getattr(entry, name) for name in HASHED_FIELDS}
    values["at"] = entry.at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    canonical = json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return sm3_hex(canonical.encode())


def _actor_fields(actor) -> tuple[int | None, str]:
    if actor is None:
        return None, ""
    if isinstance(actor, str):
        return None, actor[:150]
    if getattr(actor, "is_authenticated", False):
        return actor.pk, actor.get_username()[:150]
    return None, ""


def record(
    *,
    actor,
    action: str,
    target=None,
    target_type: str = "",
    target_id: str = "",
    subject_type: str = "",
    subject_id: str = "",
    purpose: str = "",
    detail: dict | None = None,
    request=None,
    ip: str = "",
) -> AuditEntry:
    """Append one entry to the chain. `actor` is a user, a client label (str) or None."""
    from .middleware import client_ip  # local: middleware imports nothing from here

    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(getattr(target, "public_id", None) or target.pk)
    actor_id, actor_label = _actor_fields(actor)
    with transaction.atomic():
        head = _locked_head()
        entry = AuditEntry(
            at=timezone.now(),
            actor_id=actor_id,
            actor_label=actor_label,
            ip=ip or (client_ip(request) if request is not None else ""),
            request_id=request_id_var.get() if request_id_var.get() != "-" else "",
            action=action,
            target_type=target_type,
            target_id=str(target_id),
            subject_type=subject_type,
            subject_id=subject_id,
            purpose=purpose[:500],
            detail=detail or {},
            prev_hash=head.last_hash,
        )
        entry.hash = entry_hash(entry)
        entry.save(force_insert=True)
        AuditHead.objects.filter(pk=head.pk).update(last_id=entry.pk, last_hash=entry.hash)
    return entry


def _locked_head() -> AuditHead:
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        head, _created = AuditHead.objects.get_or_create(
            pk=1, defaults={"last_id": 0, "last_hash": GENESIS_HASH}
        )
        head = AuditHead.objects.select_for_update().get(pk=1)
    return head


@dataclass(frozen=True)
class ChainProblem:
    entry_id: int | None
    reason: str


def verify() -> Iterator[ChainProblem]:
    """Walk the chain in order; yields the first problem found (and stops)."""
    previous = GENESIS_HASH
    last_id = 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        if entry.prev_hash != previous:
            yield ChainProblem(entry.pk, "the entry before it was changed or removed")
            return
        if entry_hash(entry) != entry.hash:
            yield ChainProblem(entry.pk, "its content was changed")
            return
        previous, last_id = entry.hash, entry.pk
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.last_id, head.last_hash) != (last_id, previous):
        yield ChainProblem(head.last_id, "the newest entries were removed")
