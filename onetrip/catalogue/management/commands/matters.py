"""`onetrip matters load FILE`: load a catalogue file (idempotent); `matters export-exchange`."""

import json

from django.core.management.base import BaseCommand, CommandError

from onetrip.catalogue import exchange, services
from onetrip.catalogue.models import Matter
from onetrip.catalogue.selectors import versions_for_export
from onetrip.core.errors import DomainError


class Command(BaseCommand):
    help = "Manage the matter catalogue. `matters load FILE` loads a catalogue file."

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        load = subcommands.add_parser("load", help="Load a matter file and publish (idempotent).")
        load.add_argument("file")
        export = subcommands.add_parser(
            "export-exchange", help="Print matters as national item-exchange JSON."
        )
        export.add_argument("--department", default="")

    def handle(self, *args, **options):
        if options["subcommand"] == "load":
            try:
                result = services.matters_load(path=options["file"], actor="cli:matters load")
            except DomainError as error:
                detail = json.dumps(error.detail, ensure_ascii=False)[:4000]
                raise CommandError(f"{error.code}: {error.message} {detail}") from error
            self.stdout.write(
                f"matters: {result.created} created, {result.updated} updated, "
                f"{result.unchanged} unchanged; {result.life_events} life events"
            )
        else:
            matters = Matter.objects.select_related("department", "current_version")
            if options["department"]:
                matters = matters.filter(department__code=options["department"])
            document = exchange.export_build(versions=versions_for_export(matters=matters))
            self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
