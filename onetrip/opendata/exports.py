"""A published dataset's rows as CSV, JSON or XLSX, every field through its masking rule.

Open data never shows a masked field in clear: each row keeps only the dataset's declared
fields, and each value goes through `mask_record` with the field's rule (a field without a
rule is hidden completely). CSV and JSON are produced row by row as the response streams;
XLSX is written by openpyxl's write-only workbook to a spooled temporary file.
"""

import csv
import datetime
import decimal
import json
import tempfile
from collections.abc import Iterable, Iterator

from openpyxl import Workbook

from onetrip.datasets.masking import mask_record

from . import selectors
from .models import OpenDataset


def masked_rows(open_dataset: OpenDataset) -> tuple[list, Iterator[dict]]:
    fields = selectors.dataset_fields(open_dataset=open_dataset)
    names = [f.name for f in fields]
    rules = {f.name: f.masking_rule for f in fields}

    def rows():
        for raw in selectors.dataset_rows(open_dataset=open_dataset):
            raw = raw or {}
            yield mask_record({name: raw.get(name) for name in names}, rules)

    return fields, rows()


def _plain(value):
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


class _Line:
    def write(self, value):
        return value


def csv_chunks(open_dataset: OpenDataset) -> Iterable[str]:
    fields, rows = masked_rows(open_dataset)
    writer = csv.writer(_Line())
    yield "\ufeff"  # so that Excel opens the Chinese text as UTF-8
    yield writer.writerow([f.name for f in fields])
    for row in rows:
        yield writer.writerow(["" if v is None else _plain(v) for v in row.values()])


def json_chunks(open_dataset: OpenDataset) -> Iterable[str]:
    _fields, rows = masked_rows(open_dataset)
    yield "["
    first = True
    for row in rows:
        yield ("" if first else ",\n") + json.dumps(row, ensure_ascii=False, default=str)
        first = False
    yield "]\n"


def xlsx_file(open_dataset: OpenDataset):
    """A file object positioned at 0 holding the workbook (on disk past 8 MiB)."""
    fields, rows = masked_rows(open_dataset)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(open_dataset.dataset.code or "data")[:31])
    sheet.append([f.label or f.name for f in fields])
    sheet.append([f.name for f in fields])
    for row in rows:
        sheet.append([_plain(v) for v in row.values()])
    spooled = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    workbook.save(spooled)
    spooled.seek(0)
    return spooled
