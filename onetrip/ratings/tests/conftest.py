"""Hand-built cases for the ratings and statistics tests (the cases engine's fixtures, plus a
factory that writes a case in any state directly: set-up only, the tests drive the pages)."""

import datetime

import pytest
from django.utils import timezone

from onetrip.cases.tests.conftest import (  # noqa: F401 - fixtures
    citizen,
    clerk,
    head,
    health,
    market,
    media_root,
    other_reviewer,
    publish,
    reviewer,
    supervisor,
    version,
)


@pytest.fixture
def case_factory(version, citizen):  # noqa: F811 - the imported fixtures
    from onetrip.cases.models import Application

    counter = iter(range(1, 100_000))

    def make(
        *,
        status="delivered",
        matter_version=None,
        applicant=None,
        channel="online",
        submitted_on=datetime.date(2026, 3, 2),
        accepted_on=datetime.date(2026, 3, 2),
        deadline_on=datetime.date(2026, 3, 9),
        finished_on=datetime.date(2026, 3, 6),
        trips=0,
    ):
        matter_version = matter_version or version
        applicant = applicant or citizen
        zone = timezone.get_current_timezone()
        return Application.objects.create(
            number=f"2026-330424-{next(counter):06d}",
            matter_version=matter_version,
            department=matter_version.matter.department,
            applicant=applicant,
            subject_type="person",
            subject_id=applicant.person.id_number,
            subject_name=applicant.person.name,
            channel=channel,
            status=status,
            submitted_at=datetime.datetime.combine(submitted_on, datetime.time(10), zone)
            if submitted_on
            else None,
            accepted_on=accepted_on,
            deadline_on=deadline_on,
            finished_on=finished_on,
            trips=trips,
        )

    return make
