"""The e-archive (电子归档): every decided case, once closed, becomes an archive record (电子档案)
with its archival information package (归档信息包, a ZIP of the form, the materials, the sealed
notices, the e-licence and the case's history, described by metadata.xml with an SM3 hash per
file), in the shape GB/T 42727-2023 (政务服务事项电子文件归档规范) gives such packages.

Tamper-evident: each package's SM3 is kept, and every record is linked to the one archived before
it (chain_sm3 = SM3(previous chain_sm3 | code | package_sm3)), so a changed or removed package or
row shows. The four-property check (四性检测, DA/T 70-2018: authenticity, integrity, usability,
security) runs when a record is archived and again periodically; each use of a record (利用) is
registered with its purpose."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Retention(models.TextChoices):
    """保管期限, as coded in an archive code (DA/T 13): permanent, 30 years, 10 years."""

    PERMANENT = "Y", _("Permanent")  # 永久
    YEARS_30 = "D30", _("30 years")  # 30年
    YEARS_10 = "D10", _("10 years")  # 10年


RETENTION_YEARS = {Retention.PERMANENT: None, Retention.YEARS_30: 30, Retention.YEARS_10: 10}


class SourceType(models.TextChoices):
    CASE = "case", _("Service case")  # 政务服务办件


def package_upload_to(instance, filename: str) -> str:
    """MEDIA_ROOT/archive/<year>/<archive code>.zip: outside the web root, served only through
    the access-checking views."""
    return f"archive/{instance.year}/{instance.code}.zip"


class ArchiveRecord(models.Model):
    # 档号: fonds (the department's code) - year - retention - category - serial.
    code = models.CharField(_("archive code"), max_length=64, unique=True)
    department = models.ForeignKey(
        "departments.Department",
        verbose_name=_("fonds (department)"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    year = models.PositiveSmallIntegerField(_("year"))
    retention = models.CharField(_("retention period"), max_length=4, choices=Retention.choices)
    retention_until = models.PositiveSmallIntegerField(
        _("kept until the end of"), null=True, blank=True
    )
    serial = models.PositiveIntegerField(_("item number"))
    source_type = models.CharField(
        _("source"), max_length=10, choices=SourceType.choices, default=SourceType.CASE
    )
    source_ref = models.CharField(_("case number"), max_length=64)
    title = models.CharField(_("title"), max_length=300)
    matter_code = models.CharField(_("matter code"), max_length=64, blank=True)
    matter_name = models.CharField(_("matter"), max_length=200, blank=True)
    subject_name = models.CharField(_("applicant"), max_length=200, blank=True)
    subject_type = models.CharField(_("applicant type"), max_length=10, blank=True)
    subject_id = models.CharField(_("applicant's ID number or USCC"), max_length=32, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, blank=True)
    finished_on = models.DateField(_("finished on"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archived at"), auto_now_add=True)
    package = models.FileField(_("package"), upload_to=package_upload_to, max_length=200)
    package_size = models.PositiveBigIntegerField(_("package size (bytes)"), default=0)
    package_sm3 = models.CharField(_("package SM3"), max_length=64)
    file_count = models.PositiveSmallIntegerField(_("files"), default=0)
    chain_index = models.PositiveBigIntegerField(_("place in the chain"), unique=True)
    previous_sm3 = models.CharField(_("previous link"), max_length=64, blank=True)
    chain_sm3 = models.CharField(_("chain link"), max_length=64)
    last_check_at = models.DateTimeField(_("last checked at"), null=True, blank=True)
    last_check_ok = models.BooleanField(_("last check passed"), null=True, blank=True)
    # Destroyed after appraisal (销毁): the package is gone; the row stays, with its hashes, so
    # the chain through it still verifies and the destruction register (销毁清册) lists it.
    destroyed_at = models.DateTimeField(_("destroyed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("archive record")
        verbose_name_plural = _("archive records")
        ordering = ["-archived_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_ref"], name="archive_one_record_per_source"
            ),
            models.UniqueConstraint(
                fields=["department", "year", "retention", "serial"],
                name="archive_one_serial_per_volume",
            ),
        ]
        indexes = [
            models.Index(fields=["subject_id"], name="archive_subject_idx"),
            models.Index(fields=["last_check_at"], name="archive_last_check_idx"),
        ]

    def __str__(self):
        return self.code


class ArchiveCounter(models.Model):
    """Serials per volume (fonds, year, retention) and the chain's head, each row locked while
    a record is added, so that two archivings never take one serial or one predecessor."""

    key = models.CharField(_("key"), max_length=80, unique=True)
    last = models.PositiveBigIntegerField(_("last"), default=0)
    head_sm3 = models.CharField(_("chain head"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("archive counter")
        verbose_name_plural = _("archive counters")

    def __str__(self):
        return f"{self.key}: {self.last}"


class CheckStage(models.TextChoices):
    INGEST = "ingest", _("On archiving")  # 归档环节
    PERIODIC = "periodic", _("Periodic")  # 长期保存环节 (定期)
    MANUAL = "manual", _("On request")  # 人工发起


class ArchiveCheck(models.Model):
    """One four-property check (四性检测) of one record: each finding names the property
    (authenticity, integrity, usability, security), a stable code and what was found."""

    record = models.ForeignKey(
        ArchiveRecord, verbose_name=_("record"), on_delete=models.CASCADE, related_name="checks"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    stage = models.CharField(_("stage"), max_length=10, choices=CheckStage.choices)
    passed = models.BooleanField(_("passed"))
    findings = models.JSONField(_("findings"), default=list, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("archive check")
        verbose_name_plural = _("archive checks")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.record_id} {self.at:%Y-%m-%d} {self.passed}"


class UseAction(models.TextChoices):
    DOWNLOAD_PACKAGE = "package", _("Downloaded the package")  # 下载归档信息包
    OPEN_FILE = "file", _("Opened a file")  # 查阅文件


class ArchiveUse(models.Model):
    """利用登记: who used a record's content, when, how and for what."""

    record = models.ForeignKey(
        ArchiveRecord, verbose_name=_("record"), on_delete=models.CASCADE, related_name="uses"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    user_label = models.CharField(_("user (label)"), max_length=150)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    action = models.CharField(_("action"), max_length=10, choices=UseAction.choices)
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    purpose = models.CharField(_("purpose"), max_length=200)

    class Meta:
        verbose_name = _("archive use")
        verbose_name_plural = _("archive uses")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.record_id} {self.action} {self.at:%Y-%m-%d}"


class AppraisalDecision(models.TextChoices):
    KEEP = "keep", _("Keep longer")  # 延期保管
    DESTROY = "destroy", _("Destroy")  # 销毁


class AppraisalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Awaiting approval")
    APPROVED = "approved", pgettext_lazy("appraisal", "Approved")
    REJECTED = "rejected", pgettext_lazy("appraisal", "Rejected")


class ArchiveAppraisal(models.Model):
    """到期鉴定: an archivist's opinion on a record whose retention has ended (keep it some years
    longer, or destroy it), which a head of the record's department approves or rejects. No one
    destroys a record alone, and the one who appraised does not approve."""

    record = models.ForeignKey(
        ArchiveRecord,
        verbose_name=_("record"),
        on_delete=models.PROTECT,
        related_name="appraisals",
    )
    decision = models.CharField(_("opinion"), max_length=10, choices=AppraisalDecision.choices)
    years = models.PositiveSmallIntegerField(_("years longer"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("appraised by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("appraised at"), auto_now_add=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AppraisalStatus.choices,
        default=AppraisalStatus.PROPOSED,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved or rejected by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("approved or rejected at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("archive appraisal")
        verbose_name_plural = _("archive appraisals")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["record"],
                condition=models.Q(status="proposed"),
                name="archive_one_open_appraisal",
            )
        ]

    def __str__(self):
        return f"{self.record_id} {self.decision} {self.status}"
