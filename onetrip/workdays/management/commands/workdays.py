"""onetrip workdays import FILE   enter years' holidays and adjusted workdays from JSON or CSV
onetrip workdays export YEAR   print the chinese-calendar package's data of a year as JSON

JSON: {"year": 2027, "notice": "国办发明电〔2026〕…号",
       "days": [{"date": "2027-01-01", "is_workday": false, "name": "New Year's Day"}, ...]}
      (or a list of such objects, one per year).
CSV:  a header `date,is_workday,name`, one day a line; the year is taken from the dates.
List every holiday (off) and every adjusted workday (on); other days follow the weekend rule.
"""

import csv
import json
from collections import defaultdict
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from onetrip.core.errors import DomainError
from onetrip.workdays.selectors import holiday_library_year
from onetrip.workdays.services import holiday_year_set


def _read(path: Path) -> list[dict]:
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".json":
        data = json.loads(text)
        years = data if isinstance(data, list) else [data]
        if not all(isinstance(y, dict) and "year" in y for y in years):
            raise CommandError("Each JSON object needs a year and its days.")
        return years
    by_year: dict[int, list[dict]] = defaultdict(list)
    for row in csv.DictReader(text.splitlines()):
        date = (row.get("date") or "").strip()
        if not date[:4].isdigit():
            raise CommandError(f"Not a date: {date!r}")
        by_year[int(date[:4])].append(row)
    return [{"year": year, "days": days} for year, days in sorted(by_year.items())]


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["import", "export"])
        parser.add_argument("target", help="FILE for import, YEAR for export")
        parser.add_argument("--notice", default="", help="the State Council notice (import)")

    def handle(self, *args, action, target, notice, **options):
        if action == "export":
            if not target.isdigit():
                raise CommandError("Give a year, e.g. 2026.")
            days = holiday_library_year(int(target))
            if not days:
                raise CommandError(f"The chinese-calendar package does not know {target}.")
            self.stdout.write(
                json.dumps({"year": int(target), "days": days}, ensure_ascii=False, indent=1)
            )
            return
        path = Path(target)
        try:
            years = _read(path)
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        with transaction.atomic():  # a bad year in the file leaves every year as it was
            self._import(years, notice)

    def _import(self, years: list[dict], notice: str) -> None:
        for entry in years:
            try:
                year = holiday_year_set(
                    actor="cli:workdays import",
                    year=int(entry["year"]),
                    days=entry.get("days") or [],
                    notice=entry.get("notice") or notice,
                )
            except (DomainError, ValueError, TypeError) as exc:
                raise CommandError(f"{entry.get('year')}: {exc}") from exc
            self.stdout.write(f"{year.year}: {year.days.count()} days entered")
