from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or remove an audit entry: the log is append-only."""


class AuditEntryQuerySet(models.QuerySet):
    """No bulk UPDATE or DELETE through the ORM: `AuditEntry.objects.filter(...).delete()` and
    `.update(...)` raise instead of silently rewriting history."""

    def update(self, **kwargs):
        raise AppendOnlyError("The audit log is append-only: entries cannot be updated.")

    def delete(self):
        raise AppendOnlyError("The audit log is append-only: entries cannot be deleted.")

    update.queryset_only = True
    delete.queryset_only = True


class AuditEntry(models.Model):
    """One line of the append-only audit log.

    Each entry carries the SM3 hash of its own content and of its predecessor's hash, so that
    changing or removing any row breaks the chain (`onetrip audit verify`). The application never
    updates or deletes a row; on PostgreSQL a trigger refuses it too.
    """

    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(_("actor label"), max_length=150, blank=True)
    ip = models.CharField(_("from address"), max_length=64, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    target_type = models.CharField(_("target type"), max_length=100, blank=True)
    target_id = models.CharField(_("target id"), max_length=100, blank=True)
    subject_type = models.CharField(_("subject type"), max_length=20, blank=True)
    subject_id = models.CharField(_("subject id"), max_length=64, blank=True, db_index=True)
    purpose = models.CharField(_("purpose"), max_length=500, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["id"]
        default_permissions = ("view",)

    def __str__(self):
        return f"#{self.pk} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("The audit log is append-only: entries cannot be updated.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The audit log is append-only: entries cannot be deleted.")


class AuditHead(models.Model):
    """The newest entry's hash and id: lets verify notice a removed last row, and serialises
    writers (the row is locked while an entry is appended)."""

    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit chain head")
        default_permissions = ()

    def __str__(self):
        return f"#{self.last_id} {self.last_hash[:12]}"


class PeriodicRun(models.Model):
    """When `onetrip periodic` last started a schedule entry: a time that passed while it was
    not running is made up once when it starts again, as celery beat's schedule file does."""

    name = models.CharField(_("schedule entry"), max_length=100, unique=True)
    last_run_at = models.DateTimeField(_("last run"))

    class Meta:
        verbose_name = _("periodic run")
        verbose_name_plural = _("periodic runs")
        default_permissions = ()

    def __str__(self):
        return f"{self.name} {self.last_run_at:%Y-%m-%d %H:%M}"


class UploadedFile(models.Model):
    """What every stored upload records besides the file itself (subclasses declare `file`
    with their own storage path): the name the person gave it, its type, size and SHA-256,
    who uploaded it and when."""

    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name
