"""Writes of the open-data portal: publishing catalogue datasets and counting downloads."""

import logging
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from onetrip.core import audit
from onetrip.datasets.models import Dataset, OpeningClass

from . import packages, textindex, vocab
from .models import (
    DownloadCount,
    LabelKind,
    OpenDataset,
    OpenLabel,
    OpenPackage,
    PortalState,
)

# Named anew when what a sync stores changes, so the first request after an upgrade syncs.
SYNC_CACHE_KEY = "opendata:sync-due:2"


COPIED = [  # the columns packages.copied sets
    "is_public",
    "title",
    "notes",
    "organization",
    "tags",
    "groups",
    "metadata_created",
    "metadata_modified",
    "owner_code",
    "owner_name",
]


Copied = tuple[OpenDataset, bytes, list[str], list[str], str]  # row, JSON, tags, groups, text


def _refresh(row: OpenDataset, paths: packages.Paths) -> Copied:
    """Copies the row's dataset into it; returns it with its package JSON, tags, groups and
    search text."""
    fields, tags, groups, search = packages.copied(row.dataset)
    for key, value in fields.items():
        setattr(row, key, value)
    data = packages.package_json(
        row, dataset=row.dataset, owner=row.dataset.owner, tags=tags, groups=groups, paths=paths
    )
    return row, data, tags, groups, search


def _store(rows: list[Copied], *, fresh: bool) -> None:
    """Package JSON, tags, groups and text index of published (`fresh`) or refreshed rows;
    tags, groups and index entries only for public ones."""
    if not fresh:
        ids = [row.pk for row, *_rest in rows]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            OpenLabel.objects.filter(open_dataset_id__in=chunk).delete()
            OpenPackage.objects.filter(open_dataset_id__in=chunk).delete()
        textindex.delete(row.pk for row, *_rest in rows if not row.is_public)
    OpenPackage.objects.bulk_create(
        [OpenPackage(open_dataset_id=row.pk, json=data) for row, data, *_rest in rows],
        batch_size=500,
    )
    public = [item for item in rows if item[0].is_public]
    OpenLabel.objects.bulk_create(
        [
            OpenLabel(open_dataset_id=row.pk, kind=kind, name=name)
            for row, _data, tags, groups, _search in public
            for kind, names in ((LabelKind.TAG, tags), (LabelKind.GROUP, groups))
            for name in names
        ],
        batch_size=1000,
    )
    textindex.replace((row.pk, search) for row, *_rest, search in public)


def _update(rows: list[OpenDataset], names: list[str]) -> None:
    """One UPDATE per row by primary key (executemany): bulk_update's CASE expressions take
    minutes of SQL compiling for the 20,000 rows a department rename or upgrade refreshes."""
    fields = [OpenDataset._meta.get_field(name) for name in names]
    table, qn = OpenDataset._meta.db_table, connection.ops.quote_name
    assignments = ", ".join(f"{qn(field.column)} = %s" for field in fields)

    def values(row):
        return [f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields]

    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {qn(table)} SET {assignments} WHERE id = %s",  # noqa: S608
            [[*values(row), row.pk] for row in rows],
        )


def portal_changed() -> None:
    """A new catalogue version: whatever was cached under the old one is no longer used.
    Called inside the transaction that changes what the portal publishes."""
    updated = PortalState.objects.filter(pk=1).update(stamp=uuid.uuid4(), changed_at=timezone.now())
    if not updated:
        PortalState.objects.get_or_create(pk=1, defaults={"changed_at": timezone.now()})


@transaction.atomic
def opendata_sync(*, actor=None) -> dict:
    """Publishes every open, active dataset not yet published and refreshes the copies of
    datasets changed since they were copied (including ones closed since: they are hidden,
    their ids kept, their tags, groups and text index entries removed) or whose department
    was renamed. Each published or refreshed row gets its CKAN package JSON, and the catalogue
    version changes. Returns how many rows were published and refreshed."""
    now = timezone.now()
    paths = packages.Paths()
    pending = list(
        Dataset.objects.select_related("owner").filter(
            opening_class=OpeningClass.OPEN, is_active=True, open_dataset__isnull=True
        )
    )
    taken = set()
    if pending:
        wanted = {vocab.dataset_slug(d.code) for d in pending}
        taken = set(
            OpenDataset.objects.filter(Q(name__in=wanted) | Q(name__regex=r"-[0-9]+$")).values_list(
                "name", flat=True
            )
        )
    created = []
    for dataset in pending:
        base = vocab.dataset_slug(dataset.code)[:90]
        name, n = base, 1
        while name in taken:
            n += 1
            name = f"{base}-{n}"
        taken.add(name)
        row = OpenDataset(dataset=dataset, name=name, synced_at=now)
        created.append(_refresh(row, paths))
    OpenDataset.objects.bulk_create([row for row, *_rest in created], batch_size=500)
    _store(created, fresh=True)

    stale = []
    for row in OpenDataset.objects.select_related("dataset__owner").filter(
        Q(synced_at__lt=F("dataset__updated_at"))
        | ~Q(owner_code=F("dataset__owner__code"))
        | ~Q(owner_name=F("dataset__owner__name"))
        | Q(package__isnull=True)
    ):
        row.synced_at = now
        stale.append(_refresh(row, paths))
    if stale:
        _update([row for row, *_rest in stale], [*COPIED, "synced_at"])
        _store(stale, fresh=False)
    if connection.vendor == "postgresql" and len(created) + len(stale) >= VACUUM_AFTER:
        transaction.on_commit(_vacuum_analyze)
    if created or stale:
        portal_changed()
        audit.record(
            actor=actor or "opendata",
            action="opendata.sync",
            detail={
                "published": [row.name for row, *_rest in created[:50]],
                "published_count": len(created),
                "refreshed_count": len(stale),
            },
        )
    return {"published": len(created), "refreshed": len(stale)}


VACUUM_AFTER = 1000  # rows published or refreshed by one sync
logger = logging.getLogger(__name__)


def _vacuum_analyze() -> None:
    """PostgreSQL plans package_search from its statistics and answers from index-only scans
    when the visibility map is set: after a sync that wrote many rows (the first publication of
    a catalogue, an upgrade), renew both now rather than when autovacuum comes by. Runs after
    the commit (VACUUM cannot run in a transaction); a failure only costs speed."""
    tables = [model._meta.db_table for model in (OpenDataset, OpenLabel, OpenPackage)]
    tables += [textindex.TABLE, textindex.TEXTS]
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {', '.join(tables)}")
    except DatabaseError:
        logger.warning("opendata: VACUUM (ANALYZE) after the sync failed", exc_info=True)


_next_ask = 0.0  # this process asks the cache whether a sync is due no more than once a second


def opendata_sync_if_due() -> None:
    """Runs `opendata_sync` at most once per ONETRIP_OPENDATA_SYNC_SECONDS (default 30) per
    cache, so public reads see catalogue changes soon without checking on every request (nor
    asking the cache, Redis in production, on every request: at most once a second)."""
    global _next_ask
    seconds = int(getattr(settings, "ONETRIP_OPENDATA_SYNC_SECONDS", 30))
    if seconds <= 0:
        opendata_sync()
        return
    now = time.monotonic()
    if now < _next_ask:
        return
    _next_ask = now + min(1.0, seconds)
    if cache.add(SYNC_CACHE_KEY, 1, timeout=seconds):
        opendata_sync()


def download_count_increment(*, open_dataset: OpenDataset, fmt: str) -> None:
    """One more download of one format (a public counter: no audit entry, no personal data)."""
    updated = DownloadCount.objects.filter(open_dataset=open_dataset, format=fmt).update(
        count=F("count") + 1
    )
    if updated:
        return
    try:
        with transaction.atomic():
            DownloadCount.objects.create(open_dataset=open_dataset, format=fmt, count=1)
    except IntegrityError:  # another request created it first
        DownloadCount.objects.filter(open_dataset=open_dataset, format=fmt).update(
            count=F("count") + 1
        )
