"""The public data catalogue (公共数据资源目录): every dataset a department holds.

A dataset is configured by data: its fields (type, sensitivity, masking rule), its sharing class
(for the exchange) and its opening class (for the open-data portal). Its rows either live in a
base registry (`source`, e.g. the population registry) or in `DatasetRecord` (any department's
data, imported).
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class SharingClass(models.TextChoices):
    FREE = "free", _("Shared freely")  # 无条件共享
    ON_APPROVAL = "on_approval", _("Shared on approval")  # 有条件共享
    NOT_SHARED = "not_shared", _("Not shared")  # 不予共享


class OpeningClass(models.TextChoices):
    OPEN = "open", _("Open")  # 无条件开放
    CONDITIONAL = "conditional", _("Conditionally open")  # 有条件开放
    CLOSED = "closed", _("Closed")  # 不予开放


class UpdateCycle(models.TextChoices):
    REALTIME = "realtime", _("Real time")
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")
    IRREGULAR = "irregular", _("Irregular")


class FieldType(models.TextChoices):
    STRING = "string", _("Text")
    INTEGER = "integer", _("Integer")
    DECIMAL = "decimal", _("Decimal")
    DATE = "date", _("Date")
    DATETIME = "datetime", _("Date and time")
    BOOLEAN = "boolean", _("Yes/no")
    GEOMETRY = "geometry", _("Geometry (GeoJSON)")


class MaskingRule(models.TextChoices):
    """How a field is shown to whoever is not granted clear text (脱敏)."""

    NONE = "none", _("Not masked")
    ID_NUMBER = "id_number", _("ID number: 330424********1234")
    NAME = "name", _("Name: 张*")
    PHONE = "phone", _("Phone: 138****5678")
    ADDRESS = "address", _("Address: the first 6 characters, then ****")
    DATE_YEAR = "date_year", _("Date: the year only")
    FULL = "full", _("Hidden completely: ****")


class Sensitivity(models.IntegerChoices):
    PUBLIC = 1, _("Level 1: public")
    INTERNAL = 2, _("Level 2: internal")
    SENSITIVE = 3, _("Level 3: sensitive")
    HIGHLY_SENSITIVE = 4, _("Level 4: highly sensitive")


class DataSource(models.TextChoices):
    RECORDS = "records", _("Imported records")
    POPULATION = "population", _("Population registry")
    ENTITIES = "entities", _("Legal-entity registry")
    CREDIT = "credit", _("Public credit registry")


class Dataset(models.Model):
    code = models.CharField(_("dataset code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        "departments.Department",
        verbose_name=_("owner department"),
        on_delete=models.PROTECT,
        related_name="datasets",
        db_index=False,
    )
    update_cycle = models.CharField(
        _("update cycle"),
        max_length=12,
        choices=UpdateCycle.choices,
        default=UpdateCycle.IRREGULAR,
    )
    sharing_class = models.CharField(
        _("sharing class"),
        max_length=12,
        choices=SharingClass.choices,
        default=SharingClass.ON_APPROVAL,
    )
    opening_class = models.CharField(
        _("opening class"),
        max_length=12,
        choices=OpeningClass.choices,
        default=OpeningClass.CLOSED,
    )
    legal_basis = models.TextField(_("legal basis"), blank=True)
    source = models.CharField(
        _("where the rows live"),
        max_length=12,
        choices=DataSource.choices,
        default=DataSource.RECORDS,
    )
    key_field = models.CharField(
        _("key field"),
        max_length=64,
        blank=True,
        help_text=_("The field the exchange looks records up by, e.g. id_number or uscc."),
    )
    keywords = models.CharField(_("keywords"), max_length=300, blank=True)
    themes = models.JSONField(_("themes"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["opening_class", "is_active"], name="dataset_opening"),
            models.Index(fields=["owner", "code"], name="dataset_owner"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class DatasetField(models.Model):
    dataset = models.ForeignKey(
        Dataset,
        verbose_name=_("dataset"),
        on_delete=models.CASCADE,
        related_name="fields",
        db_index=False,
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("field name"), max_length=64)
    label = models.CharField(_("label"), max_length=100)
    field_type = models.CharField(
        _("type"), max_length=10, choices=FieldType.choices, default=FieldType.STRING
    )
    sensitivity = models.PositiveSmallIntegerField(
        _("sensitivity"), choices=Sensitivity.choices, default=Sensitivity.INTERNAL
    )
    masking_rule = models.CharField(
        _("masking rule"), max_length=12, choices=MaskingRule.choices, default=MaskingRule.NONE
    )
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("dataset field")
        verbose_name_plural = _("dataset fields")
        ordering = ["dataset", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "name"], name="dataset_field_unique_name")
        ]

    def __str__(self):
        return f"{self.dataset.code}.{self.name}"


class DatasetRecord(models.Model):
    """A row of a dataset whose rows are not kept in a base registry."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dataset = models.ForeignKey(
        Dataset,
        verbose_name=_("dataset"),
        on_delete=models.CASCADE,
        related_name="records",
        db_index=False,
    )
    key = models.CharField(_("key value"), max_length=128, blank=True)
    data = models.JSONField(_("data"), default=dict)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("dataset record")
        verbose_name_plural = _("dataset records")
        indexes = [models.Index(fields=["dataset", "key"], name="dataset_record_key")]

    def __str__(self):
        return f"{self.dataset.code}:{self.key}"
