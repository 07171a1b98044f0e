"""Periodic work without a broker: the one-box default's celery beat.

With REDIS_URL set, `celery beat` sends CELERY_BEAT_SCHEDULE's tasks to the workers
(docs/deployment.md). Without it there is no broker to send them through, so `onetrip serve`
starts one `onetrip periodic` process beside gunicorn (gunicorn_conf.when_ready), which runs
each task in its own process when its crontab says so. One process, not one per worker: a
reminder goes out once.

When each entry last ran is kept in the database (core.PeriodicRun), so a time that passed while
nothing ran (the box was down at 02:30) is made up once at the next start, as celery beat does
with its schedule file; an entry never run before waits for its first time."""

import logging
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError

logger = logging.getLogger(__name__)
LONGEST_SLEEP = 60.0  # seconds: wake at least this often, so that a stop is noticed


def _app():
    from onetrip.celery import app

    return app


def run_entry(name: str, entry: dict) -> None:
    """Run one schedule entry's task here and now; a failure is logged, never raised, so that
    one broken task does not stop the others."""
    try:
        task = _app().tasks[entry["task"]]
        result = task.apply(args=entry.get("args", ()), kwargs=entry.get("kwargs", {}))
        result.get(propagate=True)
        logger.info("periodic.done", extra={"entry": name, "result": repr(result.result)})
    except Exception:
        logger.exception("periodic.failed", extra={"entry": name})


def _last_runs(schedule: dict, *, now, tz) -> dict:
    """Each entry's last run from the database, `now` for one never run (or when the database
    cannot be read: nothing is made up then, nothing is lost either)."""
    from onetrip.core.models import PeriodicRun

    try:
        stored = dict(PeriodicRun.objects.values_list("name", "last_run_at"))
    except DatabaseError:
        logger.exception("periodic.last_runs_unreadable")
        stored = {}
    return {name: stored[name].astimezone(tz) if name in stored else now for name in schedule}


def _remember(name: str, at) -> None:
    from onetrip.core.models import PeriodicRun

    try:
        PeriodicRun.objects.update_or_create(name=name, defaults={"last_run_at": at})
    except DatabaseError:
        logger.exception("periodic.last_run_unsaved", extra={"entry": name})


def run(
    *,
    schedule: dict | None = None,
    stop: threading.Event | None = None,
    keep_going: Callable[[], bool] = lambda: True,
) -> None:
    """Run the schedule until `stop` is set or `keep_going()` turns false."""
    app = _app()
    app.loader.import_default_modules()  # the apps' tasks.py, as a worker does at start
    schedule = settings.CELERY_BEAT_SCHEDULE if schedule is None else schedule
    stop = stop or threading.Event()
    last_run = _last_runs(schedule, now=app.now(), tz=app.timezone)
    for entry in schedule.values():
        entry["schedule"].app = app  # crontab's "now" in the app's time zone
    logger.info("periodic.start", extra={"entries": sorted(schedule)})
    while not stop.is_set() and keep_going():
        wait = LONGEST_SLEEP
        for name, entry in schedule.items():
            due, next_in = entry["schedule"].is_due(last_run[name])
            if due:
                last_run[name] = app.now()
                _remember(name, last_run[name])  # before running: at most once, as beat sends
                run_entry(name, entry)
            wait = min(wait, max(float(next_in), 1.0))
        stop.wait(wait)
