"""Writes of the open-data portal: publishing catalogue datasets and counting downloads."""

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from onetrip.core import audit
from onetrip.datasets.models import Dataset, OpeningClass

from . import vocab
from .models import DownloadCount, OpenDataset

SYNC_CACHE_KEY = "opendata:sync-due"


def _copy_fields(dataset: Dataset) -> dict:
    tags = vocab.keyword_list(dataset.keywords)
    groups = []
    for theme in dataset.themes or []:
        name = vocab.group_name(str(theme))
        if name not in groups:
            groups.append(name)
    organization = vocab.organization_name(dataset.owner.code)
    search = " ".join(
        [dataset.code, dataset.name, dataset.description, *tags, *groups, organization]
    )
    return {
        "is_public": dataset.opening_class == OpeningClass.OPEN and dataset.is_active,
        "title": dataset.name[:200],
        "notes": dataset.description,
        "organization": organization,
        "tags": ("|" + "|".join(tags) + "|")[:400] if tags else "",
        "groups": ("|" + "|".join(groups) + "|")[:200] if groups else "",
        "search_text": search.lower(),
        "metadata_created": dataset.created_at,
        "metadata_modified": dataset.updated_at,
    }


@transaction.atomic
def opendata_sync(*, actor=None) -> dict:
    """Publishes every open, active dataset not yet published and refreshes the copies of
    datasets changed since they were copied (including ones closed since: they are hidden,
    their ids kept). Returns how many rows were published and refreshed."""
    now = timezone.now()
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
        created.append(
            OpenDataset(dataset=dataset, name=name, synced_at=now, **_copy_fields(dataset))
        )
    OpenDataset.objects.bulk_create(created, batch_size=500)

    stale = list(
        OpenDataset.objects.select_related("dataset__owner").filter(
            synced_at__lt=F("dataset__updated_at")
        )
    )
    for row in stale:
        for key, value in _copy_fields(row.dataset).items():
            setattr(row, key, value)
        row.synced_at = now
    if stale:
        OpenDataset.objects.bulk_update(
            stale,
            [*_copy_fields(stale[0].dataset).keys(), "synced_at"],
            batch_size=500,
        )
    if created or stale:
        audit.record(
            actor=actor or "opendata",
            action="opendata.sync",
            detail={
                "published": [row.name for row in created[:50]],
                "published_count": len(created),
                "refreshed_count": len(stale),
            },
        )
    return {"published": len(created), "refreshed": len(stale)}


def opendata_sync_if_due() -> None:
    """Runs `opendata_sync` at most once per ONETRIP_OPENDATA_SYNC_SECONDS (default 30) per
    cache, so public reads see catalogue changes soon without checking on every request."""
    seconds = int(getattr(settings, "ONETRIP_OPENDATA_SYNC_SECONDS", 30))
    if seconds <= 0 or cache.add(SYNC_CACHE_KEY, 1, timeout=seconds):
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
