"""`onetrip regions load FILE`: load a county's region file (idempotent)."""

from django.core.management.base import BaseCommand, CommandError

from onetrip.core.errors import DomainError
from onetrip.regions import services


class Command(BaseCommand):
    help = "Manage administrative regions. `regions load FILE` loads a region file."

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        load = subcommands.add_parser("load", help="Load a region file (idempotent).")
        load.add_argument("file")

    def handle(self, *args, **options):
        if options["subcommand"] == "load":
            try:
                result = services.regions_load(path=options["file"], actor="cli:regions load")
            except DomainError as error:
                raise CommandError(f"{error.code}: {error.message} {error.detail or ''}") from error
            self.stdout.write(
                f"regions: {result.created} created, {result.updated} updated, "
                f"{result.unchanged} unchanged"
            )
