from django.db.models import Q

from .models import Department, ServiceHall, Window


def department_find(*, code_or_name: str) -> Department | None:
    """By code, full name or short name (operators type whichever they know)."""
    value = (code_or_name or "").strip()
    return Department.objects.filter(Q(code=value) | Q(name=value) | Q(short_name=value)).first()


def department_tree(*, region_code: str | None = None):
    queryset = Department.objects.select_related("parent", "region").filter(is_active=True)
    if region_code:
        queryset = queryset.filter(region__code__startswith=region_code.rstrip("0")[:6])
    return queryset.order_by("code")


def department_get(*, code: str) -> Department | None:
    return Department.objects.select_related("parent", "region").filter(code=code).first()


def department_children(*, department: Department):
    return department.children.filter(is_active=True).order_by("code")


def department_tree_nested(*, region_code: str | None = None) -> list[dict]:
    """The active departments as nested dicts (roots first), in one query."""
    nodes: dict[int, dict] = {}
    rows = list(department_tree(region_code=region_code))
    for department in rows:
        nodes[department.pk] = {
            "code": department.code,
            "name": department.name,
            "short_name": department.short_name,
            "region": department.region.code,
            "children": [],
        }
    roots = []
    for department in rows:
        parent = nodes.get(department.parent_id)
        (parent["children"] if parent else roots).append(nodes[department.pk])
    return roots


def hall_list(*, region_code: str | None = None):
    """Service halls, optionally of one region and everything under it."""
    queryset = ServiceHall.objects.select_related("region").order_by("code")
    if region_code:
        prefix = region_code.rstrip("0") if len(region_code) > 6 else region_code[:6]
        queryset = queryset.filter(region__code__startswith=prefix)
    return queryset


def window_list(*, hall: ServiceHall):
    return hall.windows.prefetch_related("departments").order_by("number")


def windows_serving(*, department: Department):
    """Where a department's matters can be handed in: its own windows and every general one."""
    return (
        Window.objects.filter(Q(departments=department) | Q(is_general=True))
        .select_related("hall")
        .distinct()
        .order_by("hall__code", "number")
    )
