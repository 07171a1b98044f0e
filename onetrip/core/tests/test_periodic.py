"""Periodic work in the one-box default: `onetrip periodic` runs CELERY_BEAT_SCHEDULE's tasks
itself, and gunicorn started without REDIS_URL starts exactly one of it and stops it."""

import datetime
import threading
import time
from pathlib import Path

import pytest
from celery import shared_task
from celery.schedules import crontab
from celery.schedules import schedule as every
from django.utils import timezone

from onetrip.core import periodic

from .test_metrics_workers import start_gunicorn

ran: list[str] = []


@shared_task(name="onetrip.core.tests.test_periodic.broken")
def broken():
    raise RuntimeError("this task always fails")


@shared_task(name="onetrip.core.tests.test_periodic.note")
def note():
    ran.append("note")
    return len(ran)


def _run_until(schedule: dict, condition, seconds: float = 15.0) -> None:
    stop = threading.Event()
    thread = threading.Thread(target=periodic.run, kwargs={"schedule": schedule, "stop": stop})
    thread.start()
    try:
        deadline = time.monotonic() + seconds
        while not condition() and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()


@pytest.mark.django_db(transaction=True)
def test_due_tasks_run_here_and_a_failing_one_does_not_stop_the_others(
    staff_factory, person_factory
):
    """The real e-supervision reminder runs from the schedule and messages the reviewer."""
    from onetrip.notify.models import Notification

    ran.clear()
    reviewer = staff_factory(roles=("reviewer",)).user
    _overdue_case(reviewer.staff.department, applicant=person_factory())
    schedule = {
        "broken": {"task": "onetrip.core.tests.test_periodic.broken", "schedule": every(0.1)},
        "remind": {"task": "onetrip.cases.tasks.supervision_remind", "schedule": every(0.1)},
        "note": {"task": "onetrip.core.tests.test_periodic.note", "schedule": every(0.1)},
    }
    _run_until(schedule, lambda: len(ran) >= 2)
    assert len(ran) >= 2  # ran again after the broken task failed twice
    message = Notification.objects.filter(user=reviewer).first()
    assert message is not None and "1" in message.title  # one overdue case


@pytest.mark.django_db(transaction=True)
def test_nothing_runs_before_it_is_due():
    ran.clear()
    schedule = {
        "later": {
            "task": "onetrip.core.tests.test_periodic.note",
            "schedule": every(datetime.timedelta(hours=1)),
        }
    }
    _run_until(schedule, lambda: False, seconds=0.5)
    assert ran == []


def _nightly(hour: int = 2, minute: int = 30) -> dict:
    return {
        "nightly": {
            "task": "onetrip.core.tests.test_periodic.note",
            "schedule": crontab(hour=hour, minute=minute),
        }
    }


@pytest.mark.django_db(transaction=True)
def test_a_night_missed_while_nothing_ran_is_made_up_once_at_the_start():
    from onetrip.core.models import PeriodicRun

    ran.clear()
    two_nights_ago = timezone.now() - datetime.timedelta(days=2)
    PeriodicRun.objects.create(name="nightly", last_run_at=two_nights_ago)
    _run_until(_nightly(), lambda: bool(ran), seconds=10)
    time.sleep(0.3)  # long enough for a second run, if there were one
    assert ran == ["note"]  # once, not once for each missed night
    stored = PeriodicRun.objects.get(name="nightly").last_run_at
    assert timezone.now() - stored < datetime.timedelta(seconds=30)


@pytest.mark.django_db(transaction=True)
def test_an_entry_that_ran_after_its_last_time_or_never_ran_waits():
    from onetrip.core.models import PeriodicRun

    ran.clear()
    now = timezone.localtime()
    PeriodicRun.objects.create(name="nightly", last_run_at=now - datetime.timedelta(minutes=1))
    earlier = now - datetime.timedelta(minutes=30)  # its time today passed before the last run
    schedule = {**_nightly(earlier.hour, earlier.minute), "new": _nightly()["nightly"]}
    _run_until(schedule, lambda: False, seconds=0.5)
    assert ran == []
    assert not PeriodicRun.objects.filter(name="new").exists()


def _overdue_case(department, *, applicant):
    """A red case (accepted, deadline yesterday) of `department`, straight in the database."""
    from onetrip.cases.models import Application, CaseStatus
    from onetrip.catalogue.models import Matter, MatterVersion

    matter = Matter.objects.create(code="T-PERIODIC", department=department)
    version = MatterVersion.objects.create(
        matter=matter,
        number=1,
        status="published",
        name="测试事项",
        matter_type="public_service",
        applicant_kind="person",
        legal_days=5,
        promised_days=5,
    )
    return Application.objects.create(
        number="2026-330424-990001",
        matter_version=version,
        department=department,
        applicant=applicant,
        subject_type="person",
        subject_id="330424199001010017",
        subject_name="测试",
        channel="online",
        status=CaseStatus.ACCEPTED,
        deadline_on=datetime.date.today() - datetime.timedelta(days=1),
    )


def _periodic_pids(parent: int) -> list[int]:
    """The `onetrip periodic` processes whose parent is `parent` (from /proc)."""
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, IndexError):
            continue  # gone meanwhile
        if int(fields[1]) == parent and " periodic " in cmdline:
            found.append(int(proc.name))
    return found


@pytest.mark.parametrize("redis", [False, True], ids=["one-box", "with-redis"])
def test_gunicorn_runs_one_periodic_process_only_without_a_broker(tmp_path, redis):
    # A Redis URL that is never connected to: nothing is sent while the test runs.
    process, _base = start_gunicorn(
        tmp_path, metrics_dir=tmp_path, redis_url="redis://127.0.0.1:6379/15" if redis else ""
    )
    try:
        pids = _periodic_pids(process.pid)
        assert len(pids) == (0 if redis else 1)
    finally:
        process.terminate()
        process.wait(timeout=20)
    deadline = time.monotonic() + 15
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in pids if _alive(pid)], "periodic outlived gunicorn"


def _alive(pid: int) -> bool:
    """Running (not gone, not a zombie waiting to be reaped)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"
