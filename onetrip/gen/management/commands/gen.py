"""`onetrip gen [--seed N] [--persons N] [--entities N] [--accounts N] [--cases N]
[--only persons,entities,accounts,cases] [--today YYYY-MM-DD]`: the synthetic county."""

import datetime
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from onetrip.core.errors import DomainError
from onetrip.gen.services import DEFAULTS, PARTS, GenOptions, gen_run


def _parts(value: str) -> tuple[str, ...]:
    parts = tuple(part.strip() for part in value.split(",") if part.strip())
    unknown = sorted(set(parts) - set(PARTS))
    if unknown or not parts:
        raise CommandError(f"--only takes a comma-separated subset of {','.join(PARTS)}")
    return parts


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError("--today takes a date as YYYY-MM-DD") from error


class Command(BaseCommand):
    help = (
        "Generate a deterministic, county-size SYNTHETIC data set for settings.ONETRIP_REGION "
        "on top of the demo county (loaded first if missing): persons, legal entities, "
        "applicant accounts and cases. Running it again with the same seed adds nothing; "
        "larger sizes top up. Never run against production."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1)
        for part in PARTS:
            parser.add_argument(f"--{part}", type=int, default=DEFAULTS[part])
        parser.add_argument(
            "--datasets",
            type=int,
            default=0,
            help="also N synthetic open datasets in the data catalogue (default 0: none)",
        )
        parser.add_argument("--only", type=_parts, default=PARTS)
        parser.add_argument("--today", type=_date, default=None, help="default: today")
        parser.add_argument("--batch-size", type=int, default=20_000)
        parser.add_argument("--no-migrate", action="store_true", help="skip `migrate`")

    def handle(self, *args, **options):
        if options["seed"] < 0 or any(options[part] < 0 for part in (*PARTS, "datasets")):
            raise CommandError("--seed and the sizes must not be negative")
        started = time.perf_counter()

        def progress(message: str) -> None:
            self.stdout.write(f"[{time.perf_counter() - started:7.1f}s] {message}")
            self.stdout.flush()

        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        try:
            report = gen_run(
                options=GenOptions(
                    seed=options["seed"],
                    persons=options["persons"],
                    entities=options["entities"],
                    accounts=options["accounts"],
                    cases=options["cases"],
                    datasets=options["datasets"],
                    only=options["only"],
                    today=options["today"],
                    batch_size=max(options["batch_size"], 100),
                ),
                progress=progress,
            )
        except DomainError as error:
            raise CommandError(f"{error.code}: {error.message} {error.detail or ''}") from error
        write = self.stdout.write
        write(
            f"Synthetic county {settings.ONETRIP_REGION}, seed {report.seed}, today "
            f"{report.today} ({connection.vendor}):"
        )
        for part in (*PARTS, "datasets"):
            if part in report.inserted:
                write(
                    f"  {part:<9} inserted {report.inserted[part]:>9}  "
                    f"already there {report.skipped[part]:>9}"
                )
        write("  timings (s): " + ", ".join(f"{k} {v}" for k, v in report.seconds.items()))
        colours = report.supervision
        write(
            f"  e-supervision: {colours.get('red', 0)} red, {colours.get('yellow', 0)} yellow, "
            f"{colours.get('green', 0)} green running cases"
        )
