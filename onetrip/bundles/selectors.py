"""Reads of bundles, scoped to the caller (policies.py); reads are audited (a bundle holds the
applicant's personal data)."""

from django.db.models import F, Prefetch, Q

from onetrip.accounts.selectors import department_ids_visible_to, staff_for_user
from onetrip.cases.models import Application
from onetrip.core import audit

from . import policies
from .models import BundleApplication, BundlePart
from .status import bundle_status_of

PARTS = Prefetch(
    "parts",
    queryset=BundlePart.objects.select_related(
        "application",
        "application__department",
        "application__matter_version",
        "application__matter_version__matter",
    ).order_by("position", "id"),
)


def with_status(bundles):
    """Give each bundle (parts prefetched) its rolled-up `status`."""
    for bundle in bundles:
        bundle.status = bundle_status_of(p.application.status for p in bundle.parts.all())
    return bundles


def bundle_list_for_applicant(*, user):
    bundles = list(
        BundleApplication.objects.filter(applicant=user)
        .select_related("life_event")
        .prefetch_related(PARTS)
        .order_by("-created_at", "-id")[:100]
    )
    return with_status(bundles)


def bundle_list_for_staff(*, user, request=None):
    """Bundles with at least one part the staff member may see, and the bundles they took in
    at a counter (drafts too: their work in progress comes first)."""
    staff = staff_for_user(user=user)
    if staff is None:
        return []
    visible = department_ids_visible_to(staff=staff)
    parts = Application.objects.exclude(bundle_ref="")
    if visible is not None:
        parts = parts.filter(Q(department_id__in=visible) | Q(intake_clerk=user))
    bundles = list(
        BundleApplication.objects.filter(Q(parts__application__in=parts) | Q(intake_clerk=user))
        .distinct()
        .select_related("life_event", "applicant", "intake_clerk")
        .prefetch_related(PARTS)
        .order_by(F("submitted_at").desc(nulls_first=True), "-id")[:200]
    )
    audit.record(
        actor=user,
        action="bundles.bundle.list",
        purpose="workbench bundle list",
        request=request,
        detail={"count": len(bundles)},
    )
    return with_status(bundles)


def _bundle(number: str):
    return (
        BundleApplication.objects.select_related("life_event", "applicant", "intake_clerk")
        .prefetch_related(PARTS)
        .filter(number=number)
        .first()
    )


def bundle_after_write(bundle):
    """The bundle read again, with its status, after a service changed it in this request: the
    caller's read was checked and audited already, and the change has its own audit entry."""
    fresh = _bundle(bundle.number)
    with_status([fresh])
    return fresh


def bundle_get(*, user, number: str, purpose: str = "bundle page", request=None):
    """One bundle for its applicant or staff who may see one of its parts; else the same 404."""
    bundle = _bundle(number)
    if bundle is None or not policies.may_see(user, bundle):
        raise policies.not_found(number)
    audit.record(
        actor=user,
        action="bundles.bundle.read",
        target_type="bundles.bundle",
        target_id=bundle.number,
        purpose=purpose,
        request=request,
    )
    with_status([bundle])
    return bundle
