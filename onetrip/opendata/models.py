"""The open-data portal's view of the catalogue (数据开放平台).

An `OpenDataset` is a catalogue dataset as published: its stable CKAN id and name, its three
resources (CSV, JSON, XLSX) with stable ids, and a copy of what the portal shows and sorts by
(title, notes, tags, groups, organisation, dates) so that `package_search` filters, sorts and
pages in SQL over tens of thousands of datasets. The row is made when the dataset is first
published and kept (with `is_public` off) if it is later closed, so its ids never change.

Made at publication (`services.opendata_sync`) and read by `package_search` (see
docs/opendata.md, "Search"):
- `OpenPackage`, the CKAN package dictionary as UTF-8 JSON, so that a page of results is
  stored bytes joined rather than dictionaries built per row (a table of its own: ~4 KB a
  row would make every scan of `OpenDataset` read four times as many pages);
- `OpenLabel` rows, the tags and groups of public datasets, so that `tags:` and `groups:`
  filters are index look-ups;
- the text index `opendata_search` (not a Django model: an FTS5 table on SQLite, a table with a
  GIN-indexed array on PostgreSQL; see `textindex.py`) for `q`;
- `PortalState.stamp`, the catalogue version: a new random value at every change of what the
  portal publishes, which keys the cached counts and answers.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ResourceFormat(models.TextChoices):
    CSV = "csv", "CSV"
    JSON = "json", "JSON"
    XLSX = "xlsx", "XLSX"


class OpenDataset(models.Model):
    dataset = models.OneToOneField(
        "datasets.Dataset",
        verbose_name=_("dataset"),
        on_delete=models.CASCADE,
        related_name="open_dataset",
    )
    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    name = models.SlugField(_("URL name"), max_length=100, unique=True)
    csv_id = models.UUIDField(_("CSV resource id"), default=uuid.uuid4, unique=True)
    json_id = models.UUIDField(_("JSON resource id"), default=uuid.uuid4, unique=True)
    xlsx_id = models.UUIDField(_("XLSX resource id"), default=uuid.uuid4, unique=True)
    is_public = models.BooleanField(_("public"), default=True)
    # Copies of the dataset's searchable text, refreshed whenever the dataset changes.
    title = models.CharField(_("title"), max_length=200)
    notes = models.TextField(_("description"), blank=True)
    organization = models.CharField(_("organization name"), max_length=100)
    tags = models.CharField(_("tags"), max_length=400, blank=True, help_text="|a|b|")
    groups = models.CharField(_("groups"), max_length=200, blank=True, help_text="|a|b|")
    metadata_created = models.DateTimeField(_("first published"))
    metadata_modified = models.DateTimeField(_("last modified"))
    synced_at = models.DateTimeField(_("copied from the catalogue at"))
    # The owner department as copied: a renamed department makes the row stale (the package
    # JSON carries the name); departments have no modification time of their own.
    owner_code = models.CharField(_("owner department code"), max_length=32, blank=True)
    owner_name = models.CharField(_("owner department name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("published dataset")
        verbose_name_plural = _("published datasets")
        ordering = ["name"]
        # Partial indexes: Django writes `is_public = true` as a bare `WHERE "is_public"`
        # on SQLite, which a composite index cannot serve but a partial index can. Each ends
        # with the id, the ORDER BY's tie-breaker (SQLite keeps the rowid in every index anyway;
        # PostgreSQL would otherwise sort every run of equal keys, e.g. thousands of datasets
        # modified at the same moment). PostgreSQL also has opendata_pub_sort_keys (0003).
        indexes = [
            models.Index(
                fields=["name", "id"], condition=Q(is_public=True), name="opendata_pub_name"
            ),
            models.Index(
                fields=["title", "id"], condition=Q(is_public=True), name="opendata_pub_title"
            ),
            models.Index(
                fields=["metadata_modified", "id"],
                condition=Q(is_public=True),
                name="opendata_pub_modified",
            ),
            models.Index(
                fields=["metadata_created", "id"],
                condition=Q(is_public=True),
                name="opendata_pub_created",
            ),
            models.Index(
                fields=["organization", "metadata_modified", "id"],
                condition=Q(is_public=True),
                name="opendata_pub_org",
            ),
        ]

    def __str__(self):
        return self.name

    def resource_id(self, fmt: str) -> uuid.UUID:
        return getattr(self, f"{fmt}_id")


class OpenPackage(models.Model):
    """CKAN's package dictionary of a published dataset as UTF-8 JSON (packages.package_json):
    addresses relative to the portal, each after a \\x01 that the answer replaces with the
    request's absolute root (packages.expand). Bytes, not text: a page is these joined and
    sent as they are, with no decoding and encoding of ~4 KB of mostly Chinese per row."""

    open_dataset = models.OneToOneField(
        OpenDataset,
        verbose_name=_("published dataset"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="package",
    )
    json = models.BinaryField(_("CKAN package (UTF-8 JSON)"))

    class Meta:
        verbose_name = _("CKAN package")
        verbose_name_plural = _("CKAN packages")

    def __str__(self):
        return str(self.open_dataset_id)


class LabelKind(models.TextChoices):
    TAG = "tag", _("Tag")
    GROUP = "group", _("Group")


class OpenLabel(models.Model):
    """A tag or group of a public dataset (rows exist only while the dataset is public), so
    that `fq=tags:…` / `groups:…` and the tag and group counts are index look-ups."""

    open_dataset = models.ForeignKey(
        OpenDataset,
        verbose_name=_("published dataset"),
        on_delete=models.CASCADE,
        related_name="labels",
    )
    kind = models.CharField(_("kind"), max_length=5, choices=LabelKind.choices)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("tag or group")
        verbose_name_plural = _("tags and groups")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "name", "open_dataset"], name="opendata_label_unique"
            )
        ]

    def __str__(self):
        return f"{self.kind}:{self.name}"


class PortalState(models.Model):
    """One row (pk 1): the version of what the portal publishes. Every publication, change,
    closure or deletion of a published dataset gives it a new random stamp in the same
    transaction, so anything cached under a stamp is exact for it (selectors.catalogue_stamp).
    Random rather than a counter: a database emptied (tests) or restored from a backup never
    meets entries cached for a different catalogue under the same value."""

    stamp = models.UUIDField(_("catalogue version"), default=uuid.uuid4)
    changed_at = models.DateTimeField(_("changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("open-data portal state")
        verbose_name_plural = _("open-data portal state")

    def __str__(self):
        return str(self.stamp)


class DownloadCount(models.Model):
    """How often one format of one dataset was downloaded (incremented with F())."""

    open_dataset = models.ForeignKey(
        OpenDataset,
        verbose_name=_("published dataset"),
        on_delete=models.CASCADE,
        related_name="download_counts",
        db_index=False,
    )
    format = models.CharField(_("format"), max_length=8, choices=ResourceFormat.choices)
    count = models.PositiveBigIntegerField(_("downloads"), default=0)

    class Meta:
        verbose_name = _("download count")
        verbose_name_plural = _("download counts")
        constraints = [
            models.UniqueConstraint(
                fields=["open_dataset", "format"], name="opendata_download_unique_format"
            )
        ]

    def __str__(self):
        return f"{self.open_dataset.name}.{self.format}: {self.count}"
