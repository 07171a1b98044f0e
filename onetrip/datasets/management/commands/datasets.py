"""`onetrip datasets load FILE`: load a data catalogue file (idempotent)."""

import json

from django.core.management.base import BaseCommand, CommandError

from onetrip.core.errors import DomainError
from onetrip.datasets import services


class Command(BaseCommand):
    help = "Manage the data catalogue. `datasets load FILE` loads a catalogue file."

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        load = subcommands.add_parser("load", help="Load a dataset catalogue file (idempotent).")
        load.add_argument("file")

    def handle(self, *args, **options):
        try:
            result = services.datasets_load(path=options["file"], actor="cli:datasets load")
        except (DomainError, OSError, ValueError) as error:
            message = getattr(error, "message", str(error))
            detail = json.dumps(getattr(error, "detail", None), ensure_ascii=False)[:4000]
            raise CommandError(
                f"{getattr(error, 'code', 'datasets.load')}: {message} {detail}"
            ) from error
        self.stdout.write(
            f"datasets: {len(result.created)} created, {len(result.updated)} updated, "
            f"{len(result.unchanged)} unchanged; {sum(result.records.values())} records"
        )
