"""Writes of the region tree: loading a county's region file."""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from onetrip.core import audit
from onetrip.core.errors import DomainError

from .models import Region, RegionLevel, full_code

FORMAT = "onetrip-regions/1"


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    codes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


def level_of(code: str) -> str:
    """The level a 12-digit code stands for (GB/T 2260 + the NBS statistical extension)."""
    if code[2:] == "0" * 10:
        return RegionLevel.PROVINCE
    if code[4:] == "0" * 8:
        return RegionLevel.CITY
    if code[6:] == "0" * 6:
        return RegionLevel.COUNTY
    if code[9:] == "000":
        return RegionLevel.TOWN
    return RegionLevel.VILLAGE


def parent_code_of(code: str) -> str | None:
    level = level_of(code)
    if level == RegionLevel.PROVINCE:
        return None
    keep = {RegionLevel.CITY: 2, RegionLevel.COUNTY: 4, RegionLevel.TOWN: 6, RegionLevel.VILLAGE: 9}
    return full_code(code[: keep[level]])


def _invalid(message: str, **detail) -> DomainError:
    return DomainError("regions.invalid_file", message, detail=detail or None)


def read_region_file(path: str | Path) -> list[dict]:
    """Parses and checks a region file; returns entries with 12-digit codes, parents first."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise DomainError(
            "regions.file_missing", _("The region file does not exist."), detail={"path": str(path)}
        ) from error
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _invalid(_("The region file is not readable JSON."), error=str(error)) from error
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise _invalid(_("The region file does not declare the expected format."), expected=FORMAT)
    entries = []
    seen = set()
    for index, raw in enumerate(document.get("regions") or []):
        code = str((raw or {}).get("code", "")).strip()
        name = str((raw or {}).get("name", "")).strip()
        if not code.isdigit() or len(code) not in (6, 9, 12) or not name or len(name) > 100:
            raise _invalid(_("A region entry is not valid."), index=index, entry=raw)
        code = full_code(code)
        if code in seen:
            raise _invalid(_("A region code appears twice."), code=code)
        seen.add(code)
        entries.append({"code": code, "name": name})
    entries.sort(key=lambda entry: (len(entry["code"].rstrip("0")), entry["code"]))
    return entries


@transaction.atomic
def regions_load(*, path: str | Path, actor=None) -> LoadResult:
    """Loads a region file. Idempotent: existing codes get their names updated, nothing is
    added twice and nothing is removed (regions are referred to by people and departments)."""
    entries = read_region_file(path)
    existing = {region.code: region for region in Region.objects.all()}
    result = LoadResult()
    for entry in entries:
        code = entry["code"]
        parent_code = parent_code_of(code)
        parent = existing.get(parent_code) if parent_code else None
        if parent_code and parent is None:
            raise _invalid(
                _("A region's parent is neither in the file nor loaded already."),
                code=code,
                parent=parent_code,
            )
        level = level_of(code)
        region = existing.get(code)
        if region is None:
            region = Region.objects.create(
                code=code, name=entry["name"], level=level, parent=parent
            )
            existing[code] = region
            result.created += 1
        elif (region.name, region.level, region.parent_id) != (
            entry["name"],
            level,
            parent.pk if parent else None,
        ):
            region.name, region.level, region.parent = entry["name"], level, parent
            region.save(update_fields=["name", "level", "parent"])
            result.updated += 1
        else:
            result.unchanged += 1
        result.codes.append(code)
    audit.record(
        actor=actor,
        action="regions.load",
        target_type="regions.region",
        target_id=Path(path).name,
        detail=result.as_dict(),
    )
    return result
