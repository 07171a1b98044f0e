"""`onetrip departments load FILE`: load a county's department file (idempotent)."""

from django.core.management.base import BaseCommand, CommandError

from onetrip.core.errors import DomainError
from onetrip.departments import services


class Command(BaseCommand):
    help = "Manage departments. `departments load FILE` loads departments, halls and windows."

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        load = subcommands.add_parser("load", help="Load a department file (idempotent).")
        load.add_argument("file")

    def handle(self, *args, **options):
        if options["subcommand"] == "load":
            try:
                result = services.departments_load(
                    path=options["file"], actor="cli:departments load"
                )
            except DomainError as error:
                raise CommandError(f"{error.code}: {error.message} {error.detail or ''}") from error
            self.stdout.write(
                f"departments: {result.created} created, {result.updated} updated, "
                f"{result.unchanged} unchanged"
            )
