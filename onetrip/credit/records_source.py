"""The public credit registry as a dataset source ("credit", e.g. CREDIT-BASE): one row per
subject with its grade, counts, lists and treatment, keyed by subject_id. Registered with the
datasets records layer in CreditConfig.ready() (datasets sits below credit and cannot import
it)."""

from onetrip.datasets.records import Source, plain, source_register

from . import selectors
from .models import CreditGrade, CreditListEntry, CreditRecord


def _row(names, subject_type, subject_id):
    summary = selectors.credit_summary(subject_type, subject_id)
    return {name: plain(summary.get(name)) for name in names}


def lookup(names, key):
    key = key.upper()
    for model in (CreditRecord, CreditListEntry, CreditGrade):
        subject_type = (
            model.objects.filter(subject_id=key).values_list("subject_type", flat=True).first()
        )
        if subject_type:
            return _row(names, subject_type, key)
    return None


def iterate(names):
    for subject_type, subject_id in selectors.credit_subjects():
        yield _row(names, subject_type, subject_id)


def count():
    return len(selectors.credit_subjects())


def register():
    source_register("credit", Source(lookup, iterate, count))
