"""The records access layer: one way to read a dataset's rows, wherever they live.

    record_lookup(dataset, key_value) -> dict | None   one row by the dataset's key field
    records_iter(dataset) -> Iterator[dict]            every row, streamed (chunked queries)
    records_count(dataset) -> int

Rows are dicts keyed by the dataset's field names (`DatasetField.name`, in field order); a
field the source does not know comes back as None. Values are JSON-friendly: dates and
datetimes as ISO text, decimals as text. Rows are RAW (not masked, not audited): callers (the
exchange, the open-data portal) apply `masking.mask_record` with the fields' rules and write the
audit entry for whose data they read.

Where rows live is `Dataset.source`:
- records: `DatasetRecord` rows, looked up by (dataset, key);
- population: registries.PopulationRecord by id_number (household_region as its region code);
- entities: registries.EntityRecord by uscc;
- other sources (e.g. "credit") are registered by their own app with `source_register`, so a
  higher layer can serve rows without this data-layer module importing it.
"""

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.utils.translation import gettext as _

from onetrip.core import audit
from onetrip.core.errors import DomainError, NotFound
from onetrip.regions.models import Region, full_code, short_code
from onetrip.registries import services as registry_services
from onetrip.registries.models import EntityRecord, PopulationRecord

from .models import Dataset, DatasetField, DatasetRecord, DataSource, FieldType

CHUNK = 2000


@dataclass(frozen=True)
class Source:
    """How to read one kind of source: each callable gets the dataset's field names.
    `labels` gives, for fields that hold codes, what people read for each code."""

    lookup: Callable[[list[str], str], dict | None]
    iterate: Callable[[list[str]], Iterator[dict]]
    count: Callable[[], int]
    labels: Callable[[], dict[str, dict[str, str]]] = dict
    # row → {field: {code: label}} for codes whose labels depend on the row (region codes).
    row_labels: Callable[[dict], dict[str, dict[str, str]]] | None = None
    # (key, {field: typed value}, actor, reason) → None: writes a correction into the row.
    # None: the rows are a copy of another system's, corrected there.
    correct: Callable[[str, dict, object, str], None] | None = None


_SOURCES: dict[str, Source] = {}


def source_register(name: str, source: Source) -> None:
    """Called from an app's AppConfig.ready() to serve a DataSource kept in that app."""
    _SOURCES[name] = source


def field_names(dataset: Dataset) -> list[str]:
    cached = getattr(dataset, "_prefetched_objects_cache", {}).get("fields")
    if cached is not None:
        return [f.name for f in sorted(cached, key=lambda f: (f.position, f.id))]
    return list(dataset.fields.order_by("position", "id").values_list("name", flat=True))


def plain(value):
    """A value as JSON can carry it."""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _project(row: dict, names: list[str]) -> dict:
    return {name: plain(row.get(name)) for name in names}


# --- registry sources ------------------------------------------------------------------------

POPULATION_COLUMNS = [
    f.name for f in PopulationRecord._meta.concrete_fields if f.name not in ("id", "updated_at")
]
ENTITY_COLUMNS = [
    f.name for f in EntityRecord._meta.concrete_fields if f.name not in ("id", "updated_at")
]


def _population_row(row: dict) -> dict:
    code = row.pop("household_region__code", None)
    row["household_region"] = short_code(code) if code else None
    return row


def _population_values():
    columns = [c for c in POPULATION_COLUMNS if c != "household_region"]
    return PopulationRecord.objects.values(*columns, "household_region__code")


def _population_lookup_sql() -> tuple[str, list[str]]:
    """One row by citizen ID with its region's code, as a plain statement: this look-up is the
    exchange's hot path, where building the query through the ORM costs more than running it."""
    columns = [c for c in POPULATION_COLUMNS if c != "household_region"]
    quote = connection.ops.quote_name
    person, region = PopulationRecord._meta, Region._meta
    selected = ", ".join(f"p.{quote(person.get_field(c).column)}" for c in columns)
    region_fk = quote(person.get_field("household_region").column)
    sql = (
        f"SELECT {selected}, r.{quote('code')} FROM {quote(person.db_table)} p "  # noqa: S608
        f"LEFT JOIN {quote(region.db_table)} r ON r.{quote('id')} = p.{region_fk} "
        f"WHERE p.{quote('id_number')} = %s"
    )
    return sql, [*columns, "household_region__code"]


def _population_lookup(names, key):
    sql, columns = _population_lookup_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, [key])
        found = cursor.fetchone()
    if found is None:
        return None
    return _project(_population_row(dict(zip(columns, found, strict=True))), names)


def _population_iter(names):
    for row in _population_values().order_by("id").iterator(chunk_size=CHUNK):
        yield _project(_population_row(row), names)


def _entities_lookup(names, key):
    row = EntityRecord.objects.values(*ENTITY_COLUMNS).filter(uscc=key).first()
    return _project(row, names) if row else None


def _entities_iter(names):
    for row in EntityRecord.objects.values(*ENTITY_COLUMNS).order_by("id").iterator(CHUNK):
        yield _project(row, names)


def _region(value):
    """A region by its code or by its exact name (as a person writes it)."""
    if value in (None, ""):
        return None
    value = str(value).strip()
    region = None
    if value.isdigit() and len(value) in (6, 9, 12):
        region = Region.objects.filter(code=full_code(value)).first()
    if region is None:
        named = list(Region.objects.filter(name=value)[:2])
        region = named[0] if len(named) == 1 else None
    if region is None:
        raise DomainError(
            "datasets.invalid_value",
            _("No region has the code or name %(value)s.") % {"value": value},
            detail={"field": "household_region"},
            status=422,
        )
    return region


def _region_names(row: dict) -> dict[str, dict[str, str]]:
    """The household region's name (with its town for a village) for a population row."""
    code = row.get("household_region")
    if not code:
        return {}
    region = Region.objects.select_related("parent").filter(code=full_code(str(code))).first()
    if region is None:
        return {}
    parent = region.parent if region.level == "village" and region.parent else None
    return {"household_region": {str(code): f"{parent.name if parent else ''}{region.name}"}}


def _population_correct(key, values, actor, reason):
    if "household_region" in values:
        values = {**values, "household_region": _region(values["household_region"])}
    registry_services.population_record_correct(
        actor=actor, id_number=key, values=values, reason=reason
    )


def _entities_correct(key, values, actor, reason):
    registry_services.entity_record_correct(actor=actor, uscc=key, values=values, reason=reason)


def _choice_labels(model) -> Callable[[], dict[str, dict[str, str]]]:
    """{field: {code: label}} from the model's choices (labels in the active language)."""

    def labels():
        return {
            field.name: {str(code): str(label) for code, label in field.choices}
            for field in model._meta.concrete_fields
            if field.choices
        }

    return labels


source_register(
    DataSource.POPULATION,
    Source(
        _population_lookup,
        _population_iter,
        lambda: PopulationRecord.objects.count(),
        _choice_labels(PopulationRecord),
        _region_names,
        _population_correct,
    ),
)
source_register(
    DataSource.ENTITIES,
    Source(
        _entities_lookup,
        _entities_iter,
        lambda: EntityRecord.objects.count(),
        _choice_labels(EntityRecord),
        None,
        _entities_correct,
    ),
)


# --- the API ---------------------------------------------------------------------------------


def _source(dataset: Dataset) -> Source | None:
    return _SOURCES.get(dataset.source)


def record_lookup(dataset: Dataset, key_value) -> dict | None:
    """The row whose key field equals `key_value`, or None. Raw values: the caller masks."""
    key_value = str(key_value or "").strip()
    if not key_value:
        return None
    names = field_names(dataset)
    if dataset.source == DataSource.RECORDS:
        data = (
            DatasetRecord.objects.filter(dataset=dataset, key=key_value)
            .order_by("id")
            .values_list("data", flat=True)
            .first()
        )
        return _project(data, names) if data is not None else None
    source = _source(dataset)
    return source.lookup(names, key_value) if source else None


def value_labels(dataset: Dataset) -> dict[str, dict[str, str]]:
    """For fields that hold codes (gender "female"), what a person reads for each code (女);
    raw rows keep the codes, pages show the labels."""
    source = _source(dataset)
    return source.labels() if source else {}


def display_labels(dataset: Dataset, row: dict) -> dict[str, dict[str, str]]:
    """value_labels, and the labels of codes that only the row tells (its region's name): what
    a page needs to show this row to a person."""
    labels = value_labels(dataset)
    source = _source(dataset)
    if source is not None and source.row_labels is not None:
        for name, more in source.row_labels(row).items():
            labels[name] = {**labels.get(name, {}), **more}
    return labels


def records_iter(dataset: Dataset) -> Iterator[dict]:
    """Every row of the dataset, in a stable order, read in chunks (safe for big registries)."""
    names = field_names(dataset)
    if dataset.source == DataSource.RECORDS:
        rows = (
            DatasetRecord.objects.filter(dataset=dataset)
            .order_by("id")
            .values_list("data", flat=True)
            .iterator(chunk_size=CHUNK)
        )
        return (_project(data, names) for data in rows)
    source = _source(dataset)
    return source.iterate(names) if source else iter(())


def records_count(dataset: Dataset) -> int:
    if dataset.source == DataSource.RECORDS:
        return DatasetRecord.objects.filter(dataset=dataset).count()
    source = _source(dataset)
    return source.count() if source else 0


# --- corrections -----------------------------------------------------------------------------


def record_correctable(dataset: Dataset) -> bool:
    """Can a correction be written into the rows here (imported records, the registries), or
    are they a copy of another system's, corrected there (the credit registry's summary)?"""
    if dataset.source == DataSource.RECORDS:
        return True
    source = _source(dataset)
    return source is not None and source.correct is not None


def _invalid_value(field: DatasetField, message: str) -> DomainError:
    return DomainError(
        "datasets.invalid_value",
        message,
        detail={"field": field.name, "label": field.label or field.name},
        status=422,
    )


def value_parse(field: DatasetField, text, labels: dict[str, str] | None = None):
    """A value typed by a person (年-月-日, 12.5, 是/否, 女) as the field's type; for a field that
    holds codes, a label is read as its code. Empty text is None."""
    text = str(text if text is not None else "").strip()
    if text == "":
        return None
    if labels:
        by_label = {label: code for code, label in labels.items()}
        text = by_label.get(text, text)
        if text not in labels:
            choices = "、".join(labels.values())
            raise _invalid_value(
                field,
                _("%(label)s must be one of: %(choices)s")
                % {"label": field.label or field.name, "choices": choices},
            )
    parsers = {
        FieldType.INTEGER: int,
        FieldType.DECIMAL: Decimal,
        FieldType.DATE: datetime.date.fromisoformat,
        FieldType.DATETIME: datetime.datetime.fromisoformat,
        FieldType.BOOLEAN: _boolean,
    }
    parser = parsers.get(field.field_type)
    if parser is None:
        return text
    try:
        return parser(text)
    except (ValueError, ArithmeticError) as error:
        raise _invalid_value(
            field,
            _("%(label)s is not a valid %(type)s.")
            % {"label": field.label or field.name, "type": FieldType(field.field_type).label},
        ) from error


def _boolean(text: str) -> bool:
    truthy, falsy = {"是", "true", "1", "yes"}, {"否", "false", "0", "no"}
    if text.lower() in truthy:
        return True
    if text.lower() in falsy:
        return False
    raise ValueError(text)


@transaction.atomic
def record_correct(dataset: Dataset, key_value: str, values: dict, *, actor, reason: str) -> None:
    """Writes corrected values (already of the fields' types, see value_parse) into the row
    with this key, where the rows live; audited with the reason."""
    if dataset.source == DataSource.RECORDS:
        row = (
            DatasetRecord.objects.select_for_update()
            .filter(dataset=dataset, key=key_value)
            .order_by("id")
            .first()
        )
        if row is None:
            raise NotFound("datasets.record_not_found", _("No record has this key."))
        row.data = {**row.data, **{name: plain(value) for name, value in values.items()}}
        row.save(update_fields=["data", "updated_at"])
        audit.record(
            actor=actor,
            action="datasets.record.correct",
            target=row,
            detail={"dataset": dataset.code, "fields": sorted(values), "reason": reason[:500]},
        )
        return
    source = _source(dataset)
    if source is None or source.correct is None:
        raise DomainError(
            "datasets.not_correctable",
            _("This dataset's rows are corrected in the owner's own system."),
            detail={"dataset": dataset.code},
        )
    source.correct(key_value, values, actor, reason)
