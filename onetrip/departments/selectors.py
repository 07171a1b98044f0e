from django.db.models import Q

from .models import Department


def department_find(*, code_or_name: str) -> Department | None:
    """By code, full name or short name (operators type whichever they know)."""
    value = (code_or_name or "").strip()
    return Department.objects.filter(Q(code=value) | Q(name=value) | Q(short_name=value)).first()


def department_tree(*, region_code: str | None = None):
    queryset = Department.objects.select_related("parent", "region").filter(is_active=True)
    if region_code:
        queryset = queryset.filter(region__code__startswith=region_code.rstrip("0")[:6])
    return queryset.order_by("code")
