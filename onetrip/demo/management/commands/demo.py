"""`onetrip demo [--port P] [--no-serve]`: set up the demo county and serve it."""

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from onetrip.core.errors import DomainError
from onetrip.demo.samples import HISTORY_DAYS
from onetrip.demo.services import demo_load


class Command(BaseCommand):
    help = (
        "Migrate, load the demo county (settings.ONETRIP_REGION), print the demo logins and "
        "serve on http://127.0.0.1:PORT. Idempotent. DEMO DATA: never run against production."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=None, help="default: $PORT or 8000")
        parser.add_argument("--no-serve", action="store_true", help="set up, print, and exit")
        parser.add_argument(
            "--no-samples",
            action="store_true",
            help="skip the sample applications (faster; a later run without it adds them)",
        )

    def handle(self, *args, **options):
        try:
            summary = demo_load(
                region_code=settings.ONETRIP_REGION, samples=not options["no_samples"]
            )
        except DomainError as error:
            raise CommandError(f"{error.code}: {error.message} {error.detail or ''}") from error
        port = options["port"] or int(os.environ.get("PORT", "8000"))
        write = self.stdout.write
        write(f"OneTrip demo county {summary.region_code} is ready (DEMO DATA, invented people).")
        write("")
        write("Demo logins (sign in at /login/):")
        for login in summary.logins:
            line = f"  {login.label:<56} login {login.login:<20} password {login.password}"
            if login.totp_secret:
                line += f"  TOTP secret {login.totp_secret}"
            write(line)
        write("")
        write("Staff sign in with a TOTP code as the second factor. Get the current code with")
        write("  .venv/bin/python -c \"import pyotp; print(pyotp.TOTP('<secret>').now())\"")
        write("or add the secret to any authenticator app (or: oathtool --totp -b <secret>).")
        if summary.samples:
            write("")
            write(
                f"{summary.samples} sample applications (DEMO DATA, back-dated over the last "
                f"{HISTORY_DAYS} days): queues, e-supervision, ratings and statistics have "
                "something to show. Sample applicants and reviewers sign in with the same "
                "password (docs/demo.md)."
            )
        newcomer = summary.unregistered
        write("")
        write(
            "To try registration and real-name verification in the browser, register at "
            f"/register/ as {newcomer['name']}, ID {newcomer['id_number']}, "
            f"phone {newcomer['phone']} (the SMS code is printed on the server's console)."
        )
        if options["no_serve"]:
            return
        write("")
        write(f"Serving on http://127.0.0.1:{port}/ (Ctrl-C stops).")
        self.stdout.flush()
        call_command("serve", port=port)
