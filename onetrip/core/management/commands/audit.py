"""`onetrip audit verify` checks the hash chain; `onetrip audit export` prints it as JSON lines."""

import datetime
import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from onetrip.core import audit


def _since(value: str) -> datetime.datetime:
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise CommandError(f"--since: not a date or date-time: {value!r}")
        moment = datetime.datetime.combine(day, datetime.time.min)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class Command(BaseCommand):
    help = "Check the audit log's SM3 hash chain (verify) or export it as JSON lines (export)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("verify", help="exit 0 if the chain is intact, 1 naming the first bad entry")
        export = sub.add_parser("export", help="print entries as JSON lines")
        export.add_argument("--since", help="only entries from this date (YYYY-MM-DD) or time on")

    def handle(self, *args, subcommand, **options):
        if subcommand == "verify":
            self.verify()
        else:
            self.export(since=_since(options["since"]) if options.get("since") else None)

    def verify(self):
        problem = next(audit.verify(), None)
        if problem is not None:
            self.stderr.write(f"audit chain BROKEN at entry #{problem.entry_id}: {problem.reason}")
            sys.exit(1)
        head = audit.AuditHead.objects.filter(pk=1).first()
        count = audit.AuditEntry.objects.count()
        last = f"#{head.last_id} {head.last_hash}" if head and head.last_id else "(empty)"
        self.stdout.write(f"audit chain OK: {count} entries, newest {last}")

    def export(self, *, since):
        for row in audit.export(since=since):
            self.stdout.write(json.dumps(row, ensure_ascii=False, sort_keys=True))
