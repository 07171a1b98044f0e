"""`onetrip serve [--port P] [--workers N]`: run gunicorn with the current settings."""

import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


def default_workers() -> int:
    """One sync worker per core and one more: more processes than that made every request
    dearer in our benchmarks (docs/deployment.md, bench/README.md "Worker count")."""
    return (os.cpu_count() or 1) + 1


class Command(BaseCommand):
    help = (
        "Serve OneTrip with gunicorn (onetrip.wsgi:application) on 127.0.0.1:PORT "
        "($BIND overrides), keeping the current DJANGO_SETTINGS_MODULE."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=None, help="default: $PORT or 8000")
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="default: $WEB_CONCURRENCY, else one per core and one more",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="print the gunicorn command instead of running"
        )

    def gunicorn_argv(self, *, port: int, workers: int) -> list[str]:
        bind = os.environ.get("BIND") or f"127.0.0.1:{port}"
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "onetrip.wsgi:application",
            "--config",
            "python:onetrip.gunicorn_conf",
            "--bind",
            bind,
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
            "--forwarded-allow-ips",
            os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        ]

    def handle(self, *args, **options):
        port = options["port"] or int(os.environ.get("PORT", "8000"))
        workers = options["workers"] or int(os.environ.get("WEB_CONCURRENCY") or default_workers())
        argv = self.gunicorn_argv(port=port, workers=workers)
        # onetrip/wsgi.py defaults to production settings; serve what this command runs under.
        os.environ["DJANGO_SETTINGS_MODULE"] = os.environ.get(
            "DJANGO_SETTINGS_MODULE", "onetrip.settings.base"
        )
        if options["dry_run"]:
            self.stdout.write(" ".join(argv))
            self.stdout.write(f"DJANGO_SETTINGS_MODULE={os.environ['DJANGO_SETTINGS_MODULE']}")
            return
        if not getattr(settings, "WHITENOISE_USE_FINDERS", False):
            # Manifest storage (production) serves only collected files.
            call_command("collectstatic", interactive=False, verbosity=0)
        sys.stdout.flush()
        sys.stderr.flush()
        # Replace this process: Ctrl-C and signals from a supervisor reach gunicorn directly.
        os.execv(sys.executable, argv)  # noqa: S606
