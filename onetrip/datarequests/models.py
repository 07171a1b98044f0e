"""What the public asks of the open-data portal: a dataset they need opened (数据需求) or an
error in an open dataset (数据纠错). The department that holds the data answers within a time
limit; the requests and answers are published (without the requester's name) unless the
requester asked not to."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RequestKind(models.TextChoices):
    NEED = "need", _("Data need")  # 数据需求
    ERROR = "error", _("Error report")  # 数据纠错


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Awaiting an answer")  # 待答复
    ACCEPTED = "accepted", pgettext_lazy("data request", "Accepted")  # 已采纳
    DECLINED = "declined", pgettext_lazy("data request", "Not accepted")  # 未采纳


class DataRequest(models.Model):
    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    # NULL only until the row has its id, which the number is made of.
    number = models.CharField(_("number"), max_length=32, unique=True, null=True)  # noqa: DJ001
    kind = models.CharField(_("kind"), max_length=10, choices=RequestKind.choices)
    dataset = models.ForeignKey(
        "datasets.Dataset",
        verbose_name=_("dataset"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(
        "departments.Department",
        verbose_name=_("answering department"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # datarequest_queue starts with it
    )
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"))
    purpose = models.CharField(_("intended use"), max_length=200, blank=True)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requester"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    is_public = models.BooleanField(_("published"), default=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    due_on = models.DateField(_("to be answered by"))
    due_provisional = models.BooleanField(_("due date provisional"), default=False)
    reminded_on = models.DateField(_("officers reminded on"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answer = models.TextField(_("answer"), blank=True)

    class Meta:
        verbose_name = _("data request")
        verbose_name_plural = _("data requests")
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="error") | models.Q(dataset__isnull=False),
                name="datarequest_error_names_dataset",
            )
        ]
        indexes = [
            models.Index(fields=["department", "status", "due_on"], name="datarequest_queue"),
            models.Index(fields=["is_public", "-filed_at"], name="datarequest_public"),
        ]

    def __str__(self):
        return self.number or str(self.public_id)

    @property
    def is_open(self) -> bool:
        return self.status == RequestStatus.OPEN
