"""`onetrip archive run` archives closed cases now (as the nightly task does);
`onetrip archive check [CODE ...]` runs the four-property check (四性检测) of the named records,
or of every record with `--all`, and exits non-zero when one fails."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from onetrip.archive import services
from onetrip.archive.models import ArchiveRecord, CheckStage
from onetrip.archive.package import finding_message


class Command(BaseCommand):
    help = "Archive closed cases, or check archive records (四性检测)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="archive closed cases not archived yet")
        run.add_argument("--limit", type=int, default=None)
        check = sub.add_parser("check", help="check archive records")
        check.add_argument("codes", nargs="*")
        check.add_argument("--all", action="store_true", help="every record")

    def handle(self, *args, action, **options):
        with translation.override(settings.LANGUAGE_CODE):  # the packages' titles
            self._handle(action, options)

    def _handle(self, action, options):
        if action == "run":
            done = services.cases_archive_due(limit=options["limit"])
            self.stdout.write(f"archived={done}")
            return
        records = ArchiveRecord.objects.order_by("chain_index")
        if not options["all"]:
            if not options["codes"]:
                raise CommandError("name the records to check, or --all")
            records = records.filter(code__in=options["codes"])
            missing = set(options["codes"]) - set(records.values_list("code", flat=True))
            if missing:
                raise CommandError(f"no such record: {', '.join(sorted(missing))}")
        failed = 0
        for record in records.iterator():
            result = services.record_check(record=record, stage=CheckStage.PERIODIC)
            if not result.passed:
                failed += 1
                for item in result.findings:
                    line = f"{record.code}\t{item['code']}\t{item['file']}\t"
                    self.stdout.write(line + finding_message(item["code"]))
        self.stdout.write(f"checked={records.count()} failed={failed}")
        if failed:
            raise CommandError(f"{failed} record(s) failed the check")
