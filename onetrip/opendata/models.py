"""The open-data portal's view of the catalogue (数据开放平台).

An `OpenDataset` is a catalogue dataset as published: its stable CKAN id and name, its three
resources (CSV, JSON, XLSX) with stable ids, and a copy of the searchable text (title, notes,
tags, groups, organisation) kept in indexed columns so that `package_search` filters, sorts
and pages in SQL over tens of thousands of datasets. The row is made when the dataset is first
published and kept (with `is_public` off) if it is later closed, so its ids never change.
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
    search_text = models.TextField(_("search text"), blank=True)
    metadata_created = models.DateTimeField(_("first published"))
    metadata_modified = models.DateTimeField(_("last modified"))
    synced_at = models.DateTimeField(_("copied from the catalogue at"))

    class Meta:
        verbose_name = _("published dataset")
        verbose_name_plural = _("published datasets")
        ordering = ["name"]
        # Partial indexes: Django writes `is_public = true` as a bare `WHERE "is_public"`
        # on SQLite, which a composite index cannot serve but a partial index can.
        indexes = [
            models.Index(fields=["name"], condition=Q(is_public=True), name="opendata_pub_name"),
            models.Index(fields=["title"], condition=Q(is_public=True), name="opendata_pub_title"),
            models.Index(
                fields=["metadata_modified"],
                condition=Q(is_public=True),
                name="opendata_pub_modified",
            ),
            models.Index(
                fields=["metadata_created"],
                condition=Q(is_public=True),
                name="opendata_pub_created",
            ),
            models.Index(
                fields=["organization", "metadata_modified"],
                condition=Q(is_public=True),
                name="opendata_pub_org",
            ),
        ]

    def __str__(self):
        return self.name

    def resource_id(self, fmt: str) -> uuid.UUID:
        return getattr(self, f"{fmt}_id")


class DownloadCount(models.Model):
    """How often one format of one dataset was downloaded (incremented with F())."""

    open_dataset = models.ForeignKey(
        OpenDataset,
        verbose_name=_("published dataset"),
        on_delete=models.CASCADE,
        related_name="download_counts",
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
