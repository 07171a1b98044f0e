"""Reads of the data catalogue. Every staff member may browse the whole catalogue (it is
metadata: field names, sensitivity and masking rules, not the data itself)."""

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext as _

from onetrip.core.errors import NotFound, PermissionDenied

from .models import Dataset, DatasetField, DataSource


def is_staff(user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and (getattr(user, "user_type", "") == "staff" or user.is_superuser)
    )


def require_staff(user) -> None:
    if not is_staff(user):
        raise PermissionDenied("datasets.staff_only", _("Only staff may browse the catalogue."))


def dataset_list(*, user, q: str = "", department: str = "", sharing: str = "", opening: str = ""):
    """Active datasets for a staff member, filtered by owner department (code), sharing and
    opening class and a name/code/keyword search."""
    require_staff(user)
    datasets = (
        Dataset.objects.filter(is_active=True)
        .select_related("owner")
        .annotate(field_count=Count("fields"))
        .order_by("code")
    )
    if q:
        datasets = datasets.filter(
            Q(name__icontains=q) | Q(code__icontains=q) | Q(keywords__icontains=q)
        )
    if department:
        datasets = datasets.filter(owner__code=department)
    if sharing:
        datasets = datasets.filter(sharing_class=sharing)
    if opening:
        datasets = datasets.filter(opening_class=opening)
    return datasets


def dataset_get(*, user, code: str) -> Dataset:
    require_staff(user)
    dataset = (
        Dataset.objects.select_related("owner")
        .prefetch_related(Prefetch("fields", DatasetField.objects.order_by("position", "id")))
        .filter(code=code)
        .first()
    )
    if dataset is None:
        raise NotFound("datasets.not_found", _("There is no such dataset."))
    return dataset


def dataset_get_by_code(code: str) -> Dataset | None:
    """For other apps (exchange, open data): the dataset with its fields, or None."""
    return (
        Dataset.objects.select_related("owner")
        .prefetch_related(Prefetch("fields", DatasetField.objects.order_by("position", "id")))
        .filter(code=code)
        .first()
    )


def datasets_by_code(codes) -> dict[str, Dataset]:
    """{code: dataset with its owner and fields} for the codes that exist (one query each)."""
    datasets = Dataset.objects.select_related("owner").prefetch_related(
        Prefetch("fields", DatasetField.objects.order_by("position", "id"))
    )
    return {d.code: d for d in datasets.filter(code__in=set(codes))}


def field_labels(dataset: Dataset, names) -> list[str]:
    """The labels people read (姓名) for these field names of a dataset."""
    labels = {f.name: f.label or f.name for f in dataset.fields.all()}
    return [labels.get(name, name) for name in names]


def masking_rules(dataset: Dataset) -> dict[str, str]:
    """{field name: masking rule}, for masking.mask_record."""
    return {f.name: f.masking_rule for f in dataset.fields.all()}


# Key fields that name whose the rows are: a citizen ID (id_number, owner_id_number...) or a
# unified social credit code (uscc, employer_uscc...).
SUBJECT_KEYS = {"person": "id_number", "legal": "uscc"}
SUBJECT_SOURCES = {"person": DataSource.POPULATION, "legal": DataSource.ENTITIES}


def subject_type_for(dataset: Dataset) -> str:
    """Whose data a dataset's rows are, by its source or key: a natural person's ("person"), a
    legal person's ("legal") or nobody's in particular ("record")."""
    key = dataset.key_field
    for subject_type, name in SUBJECT_KEYS.items():
        if dataset.source == SUBJECT_SOURCES[subject_type] or key == name:
            return subject_type
        if key.endswith(f"_{name}"):
            return subject_type
    return "record"


def datasets_about_subjects():
    """Active datasets whose rows are someone's (subject_type_for: person or legal), with their
    owner and fields: the SQL filter narrows, subject_type_for decides."""
    keyed = Q(source__in=list(SUBJECT_SOURCES.values()))
    for name in SUBJECT_KEYS.values():
        keyed |= Q(key_field=name) | Q(key_field__endswith=f"_{name}")
    datasets = (
        Dataset.objects.filter(keyed, is_active=True)
        .exclude(key_field="")
        .select_related("owner")
        .prefetch_related("fields")
        .order_by("code")
    )
    return [d for d in datasets if subject_type_for(d) != "record"]
