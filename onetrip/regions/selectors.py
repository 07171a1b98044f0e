"""Reads of the region tree (public reference data: not audited)."""

from .models import Region, RegionLevel, full_code


def region_get(*, code: str) -> Region | None:
    """By 6-, 9- or 12-digit code."""
    code = (code or "").strip()
    if not code.isdigit() or len(code) not in (6, 9, 12):
        return None
    return Region.objects.select_related("parent").filter(code=full_code(code)).first()


def region_children(*, code: str):
    return Region.objects.filter(parent__code=full_code(code)).order_by("code")


def region_ancestors(*, region: Region) -> list[Region]:
    """From the province down to the region's parent."""
    chain = []
    current = region.parent
    while current is not None:
        chain.append(current)
        current = current.parent
    return list(reversed(chain))


def _prefix(code: str) -> str:
    code = full_code(code)
    for width in (2, 4, 6, 9):
        if code[width:] == "0" * (12 - width):
            return code[:width]
    return code


def region_descendants(*, code: str, level: str | None = None):
    """Every region under `code` (not itself), optionally only of one level."""
    code = full_code(code)
    queryset = Region.objects.filter(code__startswith=_prefix(code)).exclude(code=code)
    if level:
        queryset = queryset.filter(level=level)
    return queryset.order_by("code")


def region_towns(*, county_code: str):
    return region_descendants(code=county_code, level=RegionLevel.TOWN)


def region_tree(*, code: str) -> dict | None:
    """The region and everything under it as nested dicts, in two queries."""
    root = region_get(code=code)
    if root is None:
        return None
    nodes = {root.pk: {"code": root.code, "name": root.name, "level": root.level, "children": []}}
    for region in region_descendants(code=root.code).order_by("code"):
        nodes[region.pk] = {
            "code": region.code,
            "name": region.name,
            "level": region.level,
            "children": [],
        }
    for region in region_descendants(code=root.code).only("pk", "parent_id"):
        parent = nodes.get(region.parent_id)
        if parent is not None:
            parent["children"].append(nodes[region.pk])
    for node in nodes.values():
        node["children"].sort(key=lambda child: child["code"])
    return nodes[root.pk]
