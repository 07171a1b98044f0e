"""Reads of the audit log, for supervisors, administrators and data officers."""

import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from . import audit
from .errors import PermissionDenied
from .models import AuditEntry
from .permissions import has_permission


def audit_list(
    *,
    user,
    subject_id: str = "",
    action: str = "",
    since: datetime.datetime | None = None,
    request=None,
) -> QuerySet[AuditEntry]:
    """Audit entries the user may see, newest first.

    `audit.view` (supervisors, administrators) sees every entry; `audit.view_department`
    (data officers) sees what the staff of their own department did; anyone else is refused.
    The audit log names whose data was touched, so reading it is itself audited.
    """
    if has_permission(user, "audit.view"):
        entries = AuditEntry.objects.all()
    elif has_permission(user, "audit.view_department") and hasattr(user, "staff"):
        entries = AuditEntry.objects.filter(actor__staff__department_id=user.staff.department_id)
    else:
        raise PermissionDenied(
            "audit.permission_denied", _("You do not have permission to see the audit log.")
        )
    if subject_id:
        entries = entries.filter(subject_id=subject_id)
    if action:
        entries = entries.filter(action=action)
    if since is not None:
        entries = entries.filter(at__gte=since)
    audit.record(
        actor=user,
        action="core.audit.list",
        subject_id=subject_id,
        purpose="audit review",
        detail={"action": action, "since": since.isoformat() if since else None},
        request=request,
    )
    return entries.order_by("-id")
