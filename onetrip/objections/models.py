"""Data objections (数据异议): a person or a legal person says that a record the platform holds
about them is wrong, and the dataset's owner department checks it within a time limit and
corrects the record or says why not. While it is open, the fields in question are marked as
under objection wherever the exchange serves them."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onetrip.core.models import UploadedFile


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("Being checked")  # 核查中
    UPHELD = "upheld", _("Corrected")  # 已更正
    REJECTED = "rejected", _("Not corrected")  # 不予更正
    WITHDRAWN = "withdrawn", _("Withdrawn")


class DataObjection(models.Model):
    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    # NULL only until the row has its id, which the number is made of.
    number = models.CharField(_("number"), max_length=32, unique=True, null=True)  # noqa: DJ001
    # What is objected to: fields of a dataset's record, or one credit record (a penalty, an
    # unpaid judgment...) that the subject says is wrong or should not count.
    dataset = models.ForeignKey(
        "datasets.Dataset",
        verbose_name=_("dataset"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    credit_record = models.ForeignKey(
        "credit.CreditRecord",
        verbose_name=_("credit record"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    owner = models.ForeignKey(
        "departments.Department",
        verbose_name=_("owner department"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    key = models.CharField(_("key value"), max_length=128)
    subject_type = models.CharField(_("subject type"), max_length=10)  # person / legal
    subject_name = models.CharField(_("subject name"), max_length=200, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # objection_filed_by starts with it
    )
    phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    # [{"name", "label", "current", "proposed"}]: the record's values when it was filed.
    items = models.JSONField(_("fields in question"), default=list)
    statement = models.TextField(_("statement"))
    status = models.CharField(
        _("status"), max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN
    )
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    due_on = models.DateField(_("to be answered by"))
    due_provisional = models.BooleanField(_("due date provisional"), default=False)
    reminded_on = models.DateField(_("officers reminded on"), null=True, blank=True)
    # More material (补充材料), asked for once with everything needed: the answer's clock stands
    # still from the request until the person supplies it.
    more_requested_at = models.DateTimeField(_("more material requested at"), null=True, blank=True)
    more_request = models.TextField(_("material requested"), blank=True)
    more_supplied_at = models.DateTimeField(_("more material supplied at"), null=True, blank=True)
    more_answer = models.TextField(_("the person's answer"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision_note = models.TextField(_("answer"), blank=True)
    # What was written into the record ({field: value as text}); empty when rejected.
    corrected_values = models.JSONField(_("corrected values"), default=dict, blank=True)
    # False for an upheld objection whose rows are a copy of the owner's own system: the owner
    # corrects it there, and the next synchronisation brings it here.
    corrected_here = models.BooleanField(_("corrected on the platform"), default=False)

    class Meta:
        verbose_name = _("data objection")
        verbose_name_plural = _("data objections")
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "key"],
                condition=models.Q(status="open", credit_record__isnull=True),
                name="objection_one_open_per_record",
            ),
            models.UniqueConstraint(
                fields=["credit_record"],
                condition=models.Q(status="open", credit_record__isnull=False),
                name="objection_one_open_per_credit",
            ),
            models.CheckConstraint(
                condition=models.Q(dataset__isnull=False) | models.Q(credit_record__isnull=False),
                name="objection_has_a_target",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "status", "due_on"], name="objection_owner_queue"),
            models.Index(fields=["filed_by", "filed_at"], name="objection_filed_by"),
        ]

    def __str__(self):
        return self.number or str(self.public_id)

    @property
    def is_open(self) -> bool:
        return self.status == ObjectionStatus.OPEN

    @property
    def awaiting_more(self) -> bool:
        """Waiting for the person's further material: the answer's clock stands still."""
        return self.is_open and self.more_requested_at is not None and self.more_supplied_at is None

    @property
    def data_name(self) -> str:
        """What a person reads for the data objected to: the dataset, or the credit record."""
        if self.credit_record_id is not None:
            record = self.credit_record
            return _("Credit record: %(category)s (%(date)s)") % {
                "category": record.category,
                "date": record.decided_on.isoformat(),
            }
        return self.dataset.name


def evidence_upload_to(instance, filename: str) -> str:
    """A random name under MEDIA_ROOT/objections/YYYY/MM/ (served only through the
    access-checking views)."""
    from django.utils import timezone

    now = timezone.now()
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"objections/{now:%Y/%m}/{uuid.uuid4().hex}.{extension}"


class ObjectionEvidence(UploadedFile):
    objection = models.ForeignKey(
        DataObjection,
        verbose_name=_("data objection"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    file = models.FileField(_("file"), upload_to=evidence_upload_to, max_length=200)

    class Meta(UploadedFile.Meta):
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
