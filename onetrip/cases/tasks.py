"""Background work of the cases app."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from onetrip.notify.services import notification_send

from . import services
from .models import RUNNING_STATUSES, Application
from .selectors import colour_for, yellow_cutoff


@shared_task
def supervision_remind(today: str | None = None) -> int:
    """E-supervision reminders (CELERY_BEAT_SCHEDULE, each working morning): every reviewer and
    department head of a department with yellow or red cases gets one message with the counts.
    Returns the number of messages sent."""
    import datetime

    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    cutoff = yellow_cutoff(day)
    per_department: dict[int, dict[str, int]] = {}
    rows = Application.objects.filter(
        status__in=RUNNING_STATUSES, deadline_on__lte=cutoff
    ).values_list("department_id", "deadline_on")
    for department_id, deadline_on in rows.iterator():
        colour = colour_for(deadline_on, today=day, cutoff=cutoff)
        counts = per_department.setdefault(department_id, {"yellow": 0, "red": 0})
        counts[colour] += 1
    sent = 0
    told = services.reviewers_and_heads(set(per_department))
    for staff in (staff for department in told.values() for staff in department):
        counts = per_department[staff.department_id]
        with override(settings.LANGUAGE_CODE):
            title = _("E-supervision: %(red)s overdue, %(yellow)s due within a working day") % (
                counts
            )
        notification_send(user=staff.user, title=title, link="/workbench/cases/supervision/")
        sent += 1
    return sent


@shared_task
def missing_follow_up(today: str | None = None) -> dict:
    """The daily follow-up of materials accepted as missing (容缺后补): reminders the working day
    before they are due, and what happens once they are overdue (services.missing_*)."""
    import datetime

    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    with override(settings.LANGUAGE_CODE):
        return {
            "reminded": services.missing_reminders_send(today=day),
            "overdue": services.missing_overdue_record(today=day),
        }
