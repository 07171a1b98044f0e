"""Reads of the open-data portal. Everything here is public (open data, masked): no audit.

`package_search` does its filtering, sorting and paging in SQL on the indexed copy kept in
`OpenDataset`, and loads a page with one query (dataset and owner joined); tags, groups and
resources come from columns of that row, so a page costs two queries whatever its size.
"""

import re
import uuid
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from onetrip.datasets.models import DatasetField, DatasetRecord
from onetrip.departments.models import Department

from . import vocab
from .models import DownloadCount, OpenDataset

try:  # the catalogue's own reader (registry-backed datasets too), when present
    from onetrip.datasets.records import records_iter as _records_iter
except ImportError:  # pragma: no cover - older catalogue: rows only in DatasetRecord
    _records_iter = None

MAX_ROWS = 1000
DEFAULT_ROWS = 10


class SearchError(ValueError):
    """A search parameter that cannot be understood; `field` names it."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name
        self.message = message


def public_datasets() -> QuerySet[OpenDataset]:
    return OpenDataset.objects.filter(is_public=True).select_related("dataset__owner")


def open_dataset_get(*, name_or_id: str) -> OpenDataset | None:
    value = (name_or_id or "").strip()
    if not value:
        return None
    query = Q(name=value.lower())
    try:
        query |= Q(public_id=uuid.UUID(value))
    except ValueError:
        pass
    return public_datasets().filter(query).first()


def open_dataset_for_resource(*, resource_id: str) -> tuple[OpenDataset, str] | None:
    try:
        rid = uuid.UUID((resource_id or "").strip())
    except ValueError:
        return None
    row = public_datasets().filter(Q(csv_id=rid) | Q(json_id=rid) | Q(xlsx_id=rid)).first()
    if row is None:
        return None
    fmt = next(f for f in vocab.FORMATS if row.resource_id(f) == rid)
    return row, fmt


# --- package_search --------------------------------------------------------------------------

_FIELD_TERM = re.compile(r'([+-]?)([A-Za-z_]+):(?:"([^"]*)"|(\S+))')
SORTS = {
    "name": "name",
    "title_string": "title",
    "title": "title",
    "metadata_modified": "metadata_modified",
    "metadata_created": "metadata_created",
}


@dataclass
class Search:
    q: str = ""
    fq: str = ""
    sort: str = ""
    rows: int = DEFAULT_ROWS
    start: int = 0
    terms: list[tuple[bool, str, str]] = field(default_factory=list)


def _filter_term(queryset, negate: bool, name: str, value: str):
    name = name.lower()
    if name in {"organization", "owner_org"}:
        condition = Q(organization=value.lower()) | Q(dataset__owner__code__iexact=value)
    elif name == "tags":
        condition = Q(tags__contains=f"|{value}|")
    elif name == "groups":
        condition = Q(groups__contains=f"|{vocab.group_name(value)}|")
    elif name == "res_format":
        condition = Q() if value.lower() in vocab.FORMATS else Q(pk__in=[])
    elif name == "name":
        condition = Q(name=value.lower())
    elif name == "id":
        try:
            condition = Q(public_id=uuid.UUID(value))
        except ValueError:
            condition = Q(pk__in=[])
    elif name in {"title", "text", "notes"}:
        condition = Q(search_text__contains=value.lower())
    elif name in {"state", "dataset_type", "type", "license_id", "capacity"}:
        accepted = {"active", "dataset", "cc-by", "public"}
        condition = Q() if value.lower().strip("()") in accepted else Q(pk__in=[])
    else:
        raise SearchError("fq", _("Unknown search field: %(name)s") % {"name": name})
    return queryset.exclude(condition) if negate else queryset.filter(condition)


def _apply_query(queryset, text: str, *, parameter: str):
    rest = text
    for match in _FIELD_TERM.finditer(text):
        sign, name, quoted, bare = match.groups()
        if name.upper() in {"AND", "OR"}:
            continue
        queryset = _filter_term(queryset, sign == "-", name, quoted if quoted is not None else bare)
        rest = rest.replace(match.group(0), " ")
    if parameter == "q":
        for word in rest.split():
            if word in {"*:*", "*", "AND", "&&"}:
                continue
            queryset = queryset.filter(search_text__contains=word.lower().strip('"'))
    elif rest.strip() and rest.strip() not in {"*:*", "AND", "&&"}:
        raise SearchError("fq", _("Filters must have the form field:value."))
    return queryset


def _order(sort: str) -> list[str]:
    order = []
    for part in (sort or "").split(","):
        words = part.split()
        if not words:
            continue
        name, direction = words[0], (words[1].lower() if len(words) > 1 else "asc")
        if name == "score":
            continue  # no relevance ranking: keep the next keys
        if name not in SORTS or direction not in {"asc", "desc"}:
            raise SearchError("sort", _("Cannot sort by: %(sort)s") % {"sort": part.strip()})
        order.append(("-" if direction == "desc" else "") + SORTS[name])
    if not order:
        order = ["-metadata_modified"]
    # The tie-breaker runs the same way as the last key, so that an index on
    # (is_public, <key>) serves the whole ORDER BY (SQLite keeps the rowid in every index).
    return [*order, "-id" if order[-1].startswith("-") else "id"]


def parse_int(value, *, name: str, default: int, maximum: int | None = None) -> int:
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise SearchError(name, _("Invalid integer")) from None
    if number < 0:
        raise SearchError(name, _("Must be a natural number"))
    return min(number, maximum) if maximum is not None else number


def package_search(*, q: str = "", fq: str = "", sort: str = "", rows=None, start=None):
    """(count, page of OpenDataset) for CKAN's package_search parameters."""
    rows = parse_int(rows, name="rows", default=DEFAULT_ROWS, maximum=MAX_ROWS)
    start = parse_int(start, name="start", default=0)
    queryset = OpenDataset.objects.filter(is_public=True)
    queryset = _apply_query(queryset, str(q or ""), parameter="q")
    queryset = _apply_query(queryset, str(fq or ""), parameter="fq")
    order = _order(str(sort or ""))
    count = queryset.count()
    page = list(queryset.select_related("dataset__owner").order_by(*order)[start : start + rows])
    return count, page


def package_names() -> list[str]:
    return list(
        OpenDataset.objects.filter(is_public=True).order_by("name").values_list("name", flat=True)
    )


# --- organizations, groups, tags --------------------------------------------------------------


def organization_list() -> list[tuple[Department, int]]:
    """Departments that publish at least one open dataset, with how many."""
    counts = dict(
        OpenDataset.objects.filter(is_public=True)
        .values_list("dataset__owner_id")
        .annotate(n=Count("id"))
        .values_list("dataset__owner_id", "n")
    )
    departments = Department.objects.filter(pk__in=counts).order_by("code")
    return [(d, counts[d.pk]) for d in departments]


def organization_get(*, name_or_id: str) -> tuple[Department, int] | None:
    value = (name_or_id or "").strip().lower()
    for department, count in organization_list():
        if value in {vocab.organization_name(department.code), department.code.lower()}:
            return department, count
        if value == str(organization_uuid(department)):
            return department, count
    return None


def organization_uuid(department: Department) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"onetrip:department:{department.code}")


def group_counts() -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in OpenDataset.objects.filter(is_public=True).values_list("groups", flat=True):
        for name in filter(None, value.split("|")):
            counts[name] = counts.get(name, 0) + 1
    return dict(sorted(counts.items()))


def tag_counts(*, query: str = "") -> dict[str, int]:
    queryset = OpenDataset.objects.filter(is_public=True).exclude(tags="")
    if query:
        queryset = queryset.filter(tags__icontains=query)
    counts: dict[str, int] = {}
    for value in queryset.values_list("tags", flat=True):
        for name in filter(None, value.split("|")):
            if not query or query.lower() in name.lower():
                counts[name] = counts.get(name, 0) + 1
    return dict(sorted(counts.items()))


# --- one dataset's fields, rows and counters -----------------------------------------------


def dataset_fields(*, open_dataset: OpenDataset) -> list[DatasetField]:
    return list(
        DatasetField.objects.filter(dataset_id=open_dataset.dataset_id).order_by("position", "id")
    )


def dataset_rows(*, open_dataset: OpenDataset):
    """The dataset's raw rows (dicts by field name), streamed; mask before showing them."""
    if _records_iter is not None:
        yield from _records_iter(open_dataset.dataset)
        return
    rows = (
        DatasetRecord.objects.filter(dataset_id=open_dataset.dataset_id)
        .order_by("id")
        .values_list("data", flat=True)
    )
    yield from rows.iterator(chunk_size=2000)


def download_counts(*, open_dataset: OpenDataset) -> dict[str, int]:
    counts = dict.fromkeys(vocab.FORMATS, 0)
    counts.update(
        DownloadCount.objects.filter(open_dataset=open_dataset).values_list("format", "count")
    )
    return counts
