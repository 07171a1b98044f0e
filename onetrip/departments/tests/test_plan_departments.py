"""Every unit the county's plan names as 责任单位 is in the demo county's department file."""

import json
import re
from pathlib import Path

from django.conf import settings

REPO = Path(settings.BASE_DIR)
PLAN_DIR = REPO.parent / "shared" / "seed"
NOT_A_UNIT = {"其他县级有关单位", "列第一位的为牵头单位", "下同"}


def plan_text() -> str:
    files = sorted(PLAN_DIR.glob("*.txt"))
    assert files, f"the plan is expected in {PLAN_DIR}"
    return "\n".join(path.read_text(encoding="utf-8") for path in files)


def responsible_units(text: str) -> set[str]:
    """The names inside every (责任单位:甲、乙,其他县级有关单位;...) of the plan."""
    units = set()
    for match in re.finditer(r"责任单位[:：]([^)）]*)", text):
        for part in re.split(r"[、,，;；]", match.group(1)):
            name = part.strip()
            if not name or name in NOT_A_UNIT:
                continue
            # The plan once writes 农业农村局 without its 县 prefix.
            units.add(name if name.startswith("县") else f"县{name}")
    return units


def test_every_responsible_unit_of_the_plan_is_a_department_of_the_demo_county():
    units = responsible_units(plan_text())
    assert len(units) >= 30  # the parser found the lists, not a stray match
    document = json.loads(
        (REPO / "data" / "departments" / "330424.json").read_text(encoding="utf-8")
    )
    known = {d["short_name"] for d in document["departments"]}
    assert units - known == set()
    codes = [d["code"] for d in document["departments"]]
    assert len(codes) == len(set(codes))
