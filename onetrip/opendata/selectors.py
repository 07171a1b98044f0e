"""Reads of the open-data portal. Everything here is public (open data, masked): no audit.

`package_search` filters, sorts and pages in SQL on what `services.opendata_sync` keeps for
it: free text through the text index (`textindex`), tags and groups through `OpenLabel`,
organization, name, id and the sort keys in indexed columns of `OpenDataset`. It first finds
the page's ids (ORDER BY … LIMIT/OFFSET over the partial indexes, no joins), then loads those
rows (or only their stored package JSON); the count is cached per (q, fq) under the catalogue
version (`catalogue_stamp`), so a repeated query does not count again.
"""

import hashlib
import re
import uuid

from django.core.cache import cache
from django.db import connection
from django.db.models import BooleanField, Count, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from onetrip.datasets.models import DatasetField, DatasetRecord
from onetrip.departments.models import Department

from . import packages, textindex, vocab
from .models import (
    DownloadCount,
    LabelKind,
    OpenDataset,
    OpenLabel,
    OpenPackage,
    PortalState,
)

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


class Membership:
    """Rows whose id a subquery lists: the datasets with a tag or group (OpenLabel), or whose
    search text contains a word (the text index). Written as `id IN (subquery)`; on SQLite
    the page query may write `+id IN (…)` instead (see `_scan_sort_index`)."""

    def __init__(self, sql: str, params: list):
        self.sql, self.params = sql, params

    def expression(self, *, scan: bool) -> RawSQL:
        quote = connection.ops.quote_name
        column = f"{quote(OpenDataset._meta.db_table)}.{quote('id')}"
        prefix = "+" if scan and connection.vendor == "sqlite" else ""
        sql = f"{prefix}{column} IN ({self.sql})"  # values are parameters
        return RawSQL(sql, self.params, output_field=BooleanField())  # noqa: S611


def _text_condition(word: str) -> "Q | Membership":
    """Datasets whose search text contains `word` (lowercase), exactly (see textindex)."""
    if not word:
        return Q()
    return Membership(*textindex.containing_sql(word))


def _label_condition(kind: str, name: str) -> Membership:
    table = connection.ops.quote_name(OpenLabel._meta.db_table)
    return Membership(
        f"SELECT open_dataset_id FROM {table} WHERE kind = %s AND name = %s",  # noqa: S608
        [kind, name],
    )


def _organization_names(value: str) -> list[str]:
    """Organization names meant by `value`: itself, or the name of the department whose code
    it is (in any case)."""
    names = {value.lower()}
    for code in Department.objects.filter(code__iexact=value).values_list("code", flat=True):
        names.add(vocab.organization_name(code))
    return sorted(names)


Term = tuple[bool, "Q | Membership"]  # (negated, condition)


def _term(negate: bool, name: str, value: str) -> Term:
    name = name.lower()
    if name in {"organization", "owner_org"}:
        condition = Q(organization__in=_organization_names(value))
    elif name == "tags":
        condition = _label_condition(LabelKind.TAG, value)
    elif name == "groups":
        condition = _label_condition(LabelKind.GROUP, vocab.group_name(value))
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
        condition = _text_condition(value.lower())
    elif name in {"state", "dataset_type", "type", "license_id", "capacity"}:
        accepted = {"active", "dataset", "cc-by", "public"}
        condition = Q() if value.lower().strip("()") in accepted else Q(pk__in=[])
    else:
        raise SearchError("fq", _("Unknown search field: %(name)s") % {"name": name})
    return negate, condition


def _terms(text: str, *, parameter: str) -> list[Term]:
    """The conditions of a `q` or `fq` parameter (SearchError if it cannot be understood)."""
    terms = []
    rest = text
    for match in _FIELD_TERM.finditer(text):
        sign, name, quoted, bare = match.groups()
        if name.upper() in {"AND", "OR"}:
            continue
        terms.append(_term(sign == "-", name, quoted if quoted is not None else bare))
        rest = rest.replace(match.group(0), " ")
    if parameter == "q":
        for word in rest.split():
            if word in {"*:*", "*", "AND", "&&"}:
                continue
            terms.append((False, _text_condition(word.lower().strip('"'))))
    elif rest.strip() and rest.strip() not in {"*:*", "AND", "&&"}:
        raise SearchError("fq", _("Filters must have the form field:value."))
    return terms


def _queryset(terms: list[Term], *, scan: bool = False) -> QuerySet[OpenDataset]:
    queryset = OpenDataset.objects.filter(is_public=True)
    for negate, condition in terms:
        if isinstance(condition, Membership):
            condition = condition.expression(scan=scan)
        queryset = queryset.exclude(condition) if negate else queryset.filter(condition)
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
    # The tie-breaker runs the same way as the last key, so that the partial index on
    # (<key>, id) serves the whole ORDER BY, forwards or backwards.
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


def catalogue_stamp() -> str | None:
    """The catalogue version (PortalState.stamp): changes with every change of what the portal
    publishes, in the same transaction; None before the first publication."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT stamp FROM {PortalState._meta.db_table} WHERE id = 1")  # noqa: S608
        found = cursor.fetchone()
    return str(found[0]) if found else None


def cache_key(kind: str, stamp: str, *parts) -> str:
    digest = hashlib.sha256("\x00".join(map(str, parts)).encode()).hexdigest()[:32]
    return f"opendata:{kind}:{stamp}:{digest}"


COUNT_CACHE_SECONDS = 24 * 3600  # entries of an old version are never read again


def _count(terms: list[Term], stamp: str | None, q: str, fq: str) -> int:
    """How many public datasets the terms select; cached per (q, fq) under the version."""
    key = cache_key("count", stamp, q, fq) if stamp else None
    count = cache.get(key) if key else None
    if count is None:
        count = _queryset(terms).count()
        if key:
            cache.set(key, count, COUNT_CACHE_SECONDS)
    return count


def _scan_sort_index(terms: list[Term], *, count: int, end: int, stamp: str | None) -> bool:
    """Whether SQLite should find the page by walking the sort's index and testing each row
    against the subqueries' lists (`+id IN`), rather than by looking up every listed row and
    sorting them (`id IN`, SQLite's own choice). Walking wins when the matches are dense near
    the top: a group with 5,000 of 20,000 datasets fills a first page within ~40 index
    entries instead of 5,000 row look-ups; it loses for a tag of 3 datasets. The estimate of
    the entries walked is end × total ÷ count; a look-up costs about as much as 7 of them.
    PostgreSQL makes this choice itself, from its statistics."""
    if connection.vendor != "sqlite" or not any(
        isinstance(condition, Membership) and not negate for negate, condition in terms
    ):
        return False
    total = _count([], stamp, "", "")
    return end * total / max(count, 1) < 7 * count


def package_search_ids(
    *, q="", fq="", sort="", rows=None, start=None, stamp: str | None = None
) -> tuple[int, list[int]]:
    """(count, ids of the page in order) for CKAN's package_search parameters. `stamp`: the
    catalogue version read at the start of the request, under which counts are cached."""
    rows = parse_int(rows, name="rows", default=DEFAULT_ROWS, maximum=MAX_ROWS)
    start = parse_int(start, name="start", default=0)
    q, fq = str(q or ""), str(fq or "")
    terms = _terms(q, parameter="q") + _terms(fq, parameter="fq")
    order = _order(str(sort or ""))
    count = _count(terms, stamp, q, fq)
    if rows == 0 or start >= count:
        return count, []
    scan = _scan_sort_index(terms, count=count, end=start + rows, stamp=stamp)
    page = _queryset(terms, scan=scan).order_by(*order).values_list("id", flat=True)
    return count, list(page[start : start + rows])


def package_search(*, q: str = "", fq: str = "", sort: str = "", rows=None, start=None):
    """(count, page of OpenDataset with dataset and owner) for CKAN's package_search
    parameters (the portal's list page)."""
    count, ids = package_search_ids(
        q=q, fq=fq, sort=sort, rows=rows, start=start, stamp=catalogue_stamp()
    )
    found = public_datasets().in_bulk(ids)
    return count, [found[i] for i in ids if i in found]


def package_json_list(*, ids: list[int]) -> list[bytes]:
    """The stored package JSON of these public rows, in this order (see packages.expand)."""
    found = {
        pk: bytes(data)  # bytes already (sqlite3, psycopg 3); a memoryview from psycopg2
        for pk, data in OpenPackage.objects.filter(open_dataset_id__in=ids).values_list(
            "open_dataset_id", "json"
        )
    }
    missing = [i for i in ids if i not in found]
    if missing:  # rows published before packages were stored (the next sync stores theirs)
        paths = packages.Paths()
        for row in public_datasets().filter(id__in=missing):
            found[row.pk] = packages.render(row, paths)
    return [found[i] for i in ids if i in found]


def package_json(*, open_dataset: OpenDataset) -> bytes:
    return package_json_list(ids=[open_dataset.pk])[0]


def package_names() -> list[str]:
    return list(
        OpenDataset.objects.filter(is_public=True).order_by("name").values_list("name", flat=True)
    )


# --- organizations, groups, tags --------------------------------------------------------------


def _per_version(kind: str, compute, *parts):
    """compute(), cached in the Django cache under the catalogue version (see _count)."""
    stamp = catalogue_stamp()
    if not stamp:
        return compute()
    key = cache_key(kind, stamp, *parts)
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, COUNT_CACHE_SECONDS)
    return found


def organization_list() -> list[tuple[Department, int]]:
    """Departments that publish at least one open dataset, with how many (cached under the
    catalogue version: a department renamed is seen by the next sync, which changes it)."""
    return _per_version("organizations", _organization_list)


def _organization_list() -> list[tuple[Department, int]]:
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


organization_uuid = packages.organization_uuid


def _label_counts(kind: str, *, query: str = "") -> dict[str, int]:
    labels = OpenLabel.objects.filter(kind=kind)  # rows only for public datasets
    if query:
        labels = labels.filter(name__icontains=query)
    counts = labels.values_list("name").annotate(n=Count("id")).values_list("name", "n")
    return dict(
        sorted((name, n) for name, n in counts if not query or query.lower() in name.lower())
    )


def group_counts() -> dict[str, int]:
    return _per_version("groups", lambda: _label_counts(LabelKind.GROUP))


def tag_counts(*, query: str = "") -> dict[str, int]:
    return _per_version("tags", lambda: _label_counts(LabelKind.TAG, query=query), query)


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
