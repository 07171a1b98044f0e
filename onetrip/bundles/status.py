"""The bundle's status, rolled up from its parts' case statuses (never stored):

- no parts yet                                   → draft
- every part withdrawn (the bundle was withdrawn) → withdrawn
- any part waiting for correction                → correction needed
- all parts finished (a decision was made):
  every one approved (or later: issued, delivered, rated) → finished
  none approved (denied or not accepted)         → denied
  otherwise                                      → partly denied
- any part still submitted (not yet accepted)    → submitted
- otherwise (accepted, in review, suspended, some decided) → in progress
"""

from onetrip.cases.models import FINISHED_STATUSES, CaseStatus

from .models import BundleStatus

APPROVED_STATUSES = {
    CaseStatus.APPROVED,
    CaseStatus.RESULT_ISSUED,
    CaseStatus.DELIVERED,
    CaseStatus.RATED,
}


def bundle_status_of(statuses) -> str:
    statuses = list(statuses)
    if not statuses:
        return BundleStatus.DRAFT
    if all(s == CaseStatus.WITHDRAWN for s in statuses):
        return BundleStatus.WITHDRAWN
    if CaseStatus.CORRECTION in statuses:
        return BundleStatus.CORRECTION
    if all(s in FINISHED_STATUSES for s in statuses):
        approved = sum(s in APPROVED_STATUSES for s in statuses)
        if approved == len(statuses):
            return BundleStatus.FINISHED
        return BundleStatus.DENIED if approved == 0 else BundleStatus.PARTLY_DENIED
    if any(s in (CaseStatus.SUBMITTED, CaseStatus.DRAFT) for s in statuses):
        return BundleStatus.SUBMITTED
    return BundleStatus.IN_PROGRESS
