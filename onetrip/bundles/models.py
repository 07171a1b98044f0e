"""Life-event bundles (一件事): one applicant applies for all the matters of a life event with one
merged form (一表申请) and one set of materials; one submission creates one case per matter in
each implementing department. With joint licensing (证照联办) the parts' e-licences are issued
together once every part is decided.

The bundle's status is never stored: it is rolled up from its parts (see status.py).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onetrip.cases.models import WITHDRAWAL_REASON_MAX_LENGTH
from onetrip.core.models import UploadedFile


class BundleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")  # 草稿
    SUBMITTED = "submitted", _("Submitted")  # 已提交
    IN_PROGRESS = "in_progress", _("In progress")  # 办理中
    CORRECTION = "correction", _("Correction needed")  # 待补正
    FINISHED = "finished", _("Finished")  # 已办结
    PARTLY_DENIED = "partly_denied", _("Partly denied")  # 部分未通过
    DENIED = "denied", _("Denied")  # 未通过
    WITHDRAWN = "withdrawn", _("Withdrawn")  # 已撤回


class BundleApplication(models.Model):
    """One applicant's application for a life event. `number` is public; `uscc` is the legal
    person the applicant acts for in the parts that allow or need one (empty: for themselves).
    At a counter (一窗受理) `intake_clerk` is the window clerk who took it in and works on it on
    the applicant's behalf until it is submitted."""

    number = models.CharField(_("bundle number"), max_length=32, unique=True)
    life_event = models.ForeignKey(
        "catalogue.LifeEvent",
        verbose_name=_("life event"),
        on_delete=models.PROTECT,
        related_name="bundles",
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="bundles",
        db_index=False,
    )
    uscc = models.CharField(_("legal person (USCC)"), max_length=18, blank=True)
    channel = models.CharField(_("channel"), max_length=10, default="online")
    intake_clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("intake clerk"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bundles_taken_in",
    )
    is_joint = models.BooleanField(
        _("joint licensing"),
        default=True,
        help_text=_("Issue the e-licences of all parts together when every part is decided."),
    )
    form_data = models.JSONField(_("form data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    results_issued_at = models.DateTimeField(_("results issued at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.CharField(
        _("reason for withdrawal"), max_length=WITHDRAWAL_REASON_MAX_LENGTH, blank=True
    )

    class Meta:
        verbose_name = _("life-event bundle")
        verbose_name_plural = _("life-event bundles")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["applicant", "-created_at"], name="bundle_applicant_idx")]

    def __str__(self):
        return self.number


class BundlePart(models.Model):
    """One case of a bundle (created on submission, one per matter)."""

    bundle = models.ForeignKey(
        BundleApplication, verbose_name=_("bundle"), on_delete=models.CASCADE, related_name="parts"
    )
    application = models.OneToOneField(
        "cases.Application",
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="bundle_part",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("bundle part")
        verbose_name_plural = _("bundle parts")
        ordering = ["bundle", "position", "id"]

    def __str__(self):
        return f"{self.bundle_id}: {self.application_id}"


def bundle_upload_to(instance, filename: str) -> str:
    from django.utils import timezone

    now = timezone.now()
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"bundles/{now:%Y/%m}/{uuid.uuid4().hex}.{extension}"


class BundleMaterial(UploadedFile):
    """A file uploaded once for a merged material (by name); on submission it is copied to
    every part whose matter asks for a material of that name."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    bundle = models.ForeignKey(
        BundleApplication,
        verbose_name=_("bundle"),
        on_delete=models.CASCADE,
        related_name="materials",
    )
    name = models.CharField(_("material name"), max_length=200)
    file = models.FileField(_("file"), upload_to=bundle_upload_to, max_length=200)

    class Meta(UploadedFile.Meta):
        verbose_name = _("bundle material")
        verbose_name_plural = _("bundle materials")


class BundleNumberSequence(models.Model):
    """The last serial used per bundle number prefix, taken under a row lock."""

    prefix = models.CharField(_("prefix"), max_length=20, unique=True)
    last = models.PositiveIntegerField(_("last serial"), default=0)

    class Meta:
        verbose_name = _("bundle number sequence")
        verbose_name_plural = _("bundle number sequences")

    def __str__(self):
        return f"{self.prefix}: {self.last}"
