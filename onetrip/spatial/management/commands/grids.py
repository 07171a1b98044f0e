"""`onetrip grids load FILE`: load grids and places from a GeoJSON file (idempotent)."""

from django.core.management.base import BaseCommand, CommandError

from onetrip.core.errors import DomainError
from onetrip.spatial import services


class Command(BaseCommand):
    help = "Manage the spatial registry. `grids load FILE` loads a GeoJSON FeatureCollection."

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        load = subcommands.add_parser("load", help="Load grids and places (idempotent).")
        load.add_argument("file")

    def handle(self, *args, **options):
        try:
            counts = services.grids_load(path=options["file"], actor="cli:grids load")
        except (DomainError, OSError, ValueError) as error:
            raise CommandError(f"{getattr(error, 'message', error)}") from error
        self.stdout.write(f"grids: {counts['grids']}, places: {counts['places']}")
        for warning in counts["warnings"]:
            self.stdout.write(f"overlap: {warning}")
