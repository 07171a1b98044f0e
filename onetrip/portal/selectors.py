"""Public reads for the portal: where to go in person, and which departments serve the county."""

from django.conf import settings

from onetrip.departments import selectors as department_selectors
from onetrip.departments.models import ServiceHall


def region_prefix(code: str) -> str:
    """A region code cut to its own level (330424000000 → 330424, 330424100000 → 330424100)."""
    code = (code or "").strip()
    for length in (2, 4, 6, 9):
        if len(code) > length and set(code[length:]) <= {"0"}:
            return code[:length]
    return code


def service_halls_list():
    """The region's service halls (county hall first, then towns), with address and hours."""
    prefix = region_prefix(settings.ONETRIP_REGION)
    return ServiceHall.objects.filter(region__code__startswith=prefix).order_by("code")


def departments_list():
    """The region's active top-level departments, for the public list."""
    return department_selectors.department_tree(region_code=settings.ONETRIP_REGION).filter(
        parent__isnull=True
    )
