"""`onetrip periodic [--parent PID]`: run CELERY_BEAT_SCHEDULE in this process (no broker).

`onetrip serve` starts it beside gunicorn when REDIS_URL is unset; with Redis, run
`celery -A onetrip beat` and a worker instead (docs/deployment.md)."""

import os
import signal
import threading

from django.core.management.base import BaseCommand

from onetrip.core import periodic


class Command(BaseCommand):
    help = "Run the periodic tasks (CELERY_BEAT_SCHEDULE) in this process, without a broker."

    def add_arguments(self, parser):
        parser.add_argument(
            "--parent", type=int, default=None, help="stop when this process (gunicorn) is gone"
        )

    def handle(self, *args, **options):
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        parent = options["parent"]
        periodic.run(stop=stop, keep_going=lambda: parent is None or os.getppid() == parent)
