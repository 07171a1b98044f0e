"""The service guide as plain data: one dict per matter in our own field names, checked here.

Every way a guide comes in (the demo file, the Excel sheet, the national exchange JSON, a
service call) is turned into this shape and checked by `guide_clean`, so the rules live once.
"""

import logging
import re
from dataclasses import dataclass, field

import jieba
from django.utils.translation import gettext as _

from .models import (
    ApplicantKind,
    FieldType,
    MaterialForm,
    MaterialSource,
    MatterType,
    Prefill,
    RequiredLevel,
)

jieba.setLogLevel(logging.WARNING)

TEXT_FIELDS = {
    # field: max length (0 = unlimited text)
    "name": 200,
    "keywords": 300,
    "accept_condition": 0,
    "fee_description": 500,
    "place": 300,
    "hours": 200,
    "consult_phone": 50,
    "complaint_phone": 50,
    "legal_basis": 0,
    "result_name": 200,
    "licence_type_code": 64,
}
INT_FIELDS = {"legal_days": (0, 3650), "promised_days": (0, 3650), "max_trips": (0, 9)}
BOOL_FIELDS = ("online", "mobile_ready", "counter", "is_fee", "is_secret")
CHOICE_FIELDS = {
    "matter_type": MatterType,
    "applicant_kind": ApplicantKind,
    "required_level": RequiredLevel,
}
# The guide fields a version carries, in the order forms and sheets show them.
GUIDE_FIELDS = (
    "name",
    "matter_type",
    "applicant_kind",
    "keywords",
    "accept_condition",
    "legal_days",
    "promised_days",
    "max_trips",
    "online",
    "mobile_ready",
    "counter",
    "is_fee",
    "fee_description",
    "steps",
    "place",
    "hours",
    "consult_phone",
    "complaint_phone",
    "legal_basis",
    "required_level",
    "result_name",
    "licence_type_code",
    "form_schema",
    "is_secret",
)
MATERIAL_FIELDS = (
    "name",
    "form",
    "copies",
    "is_required",
    "source",
    "source_ref",
    "source_fields",
    "is_tolerable",
    "commitment",
)
MAX_SOURCE_FIELDS = 30
MAX_COMMITMENT = 1000
FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
REGISTRY_REF = re.compile(r"^[A-Z][A-Z0-9-]{1,30}\.[a-z][a-z0-9_]{0,49}$")
LICENCE_REF = re.compile(r"^[A-Za-z0-9.\-]{1,64}$")
TRUE_WORDS = {"1", "true", "yes", "y", "是", "√", "✓"}
FALSE_WORDS = {"0", "false", "no", "n", "否", "", "none"}


@dataclass
class Problems:
    """Problems found in one guide, each with the field (and material index) it is about."""

    items: list[dict] = field(default_factory=list)

    def add(self, field_name: str, message: str, *, index: int | None = None, part: str = "guide"):
        self.items.append(
            {"part": part, "index": index, "field": field_name, "message": str(message)}
        )

    def __bool__(self):
        return bool(self.items)


def to_bool(value) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return bool(value)
    text = str(value if value is not None else "").strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    return None


def to_int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value if value is not None else "").strip()
    return int(text) if re.fullmatch(r"\d{1,6}", text) else None


def clean_steps(raw, problems: Problems) -> list[dict]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list):
        problems.add("steps", _("Steps must be a list."))
        return []
    steps = []
    for index, step in enumerate(raw, start=1):
        if isinstance(step, str):
            step = {"key": f"step{index}", "name": step}
        if not isinstance(step, dict):
            problems.add("steps", _("Each step needs a key and a name."))
            continue
        key = str(step.get("key") or f"step{index}").strip()
        name = str(step.get("name") or "").strip()
        if not FIELD_NAME.match(key) or not name or len(name) > 50:
            problems.add("steps", _("Each step needs a key (lowercase letters) and a name."))
            continue
        steps.append({"key": key, "name": name})
    if len({step["key"] for step in steps}) != len(steps):
        problems.add("steps", _("Step keys must be different."))
    return steps


def clean_form_schema(raw, problems: Problems) -> list[dict]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list):
        problems.add("form_schema", _("Form fields must be a list."))
        return []
    fields, names = [], set()
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            problems.add("form_schema", _("A form field is not valid."), index=index, part="form")
            continue
        name = str(item.get("name") or "").strip()
        label = str(item.get("label") or "").strip()
        kind = str(item.get("type") or "text").strip()
        required = to_bool(item.get("required", True))
        choices = item.get("choices") or []
        if isinstance(choices, str):
            choices = [c.strip() for c in re.split(r"[|｜,，、]", choices) if c.strip()]
        if not FIELD_NAME.match(name):
            problems.add(
                "name",
                _("A form field name must be lowercase letters, digits or underscores."),
                index=index,
                part="form",
            )
        elif name in names:
            problems.add("name", _("This form field appears twice."), index=index, part="form")
        names.add(name)
        if not label or len(label) > 100:
            problems.add("label", _("A form field needs a label."), index=index, part="form")
        if kind not in FieldType.values:
            problems.add("type", _("Unknown form field type."), index=index, part="form")
        if required is None:
            problems.add("required", _("Write 是 or 否."), index=index, part="form")
        if kind == FieldType.CHOICE and not choices:
            problems.add("choices", _("A choice field needs choices."), index=index, part="form")
        if not isinstance(choices, list) or not all(isinstance(c, str) for c in choices):
            problems.add("choices", _("Choices must be a list of words."), index=index, part="form")
            choices = []
        prefill = str(item.get("prefill") or "").strip()
        if prefill and prefill not in Prefill.values:
            problems.add(
                "prefill",
                _("Unknown prefill source: use one of %(names)s.")
                % {"names": "、".join(Prefill.values)},
                index=index,
                part="form",
            )
        entry = {"name": name, "label": label, "type": kind, "required": bool(required)}
        if kind == FieldType.CHOICE:
            entry["choices"] = choices
        if prefill:
            entry["prefill"] = prefill
        fields.append(entry)
    return fields


def clean_material(raw, index: int, problems: Problems) -> dict:
    def add(field_name, message):
        problems.add(field_name, message, index=index, part="materials")

    if not isinstance(raw, dict):
        add("name", _("A material entry is not valid."))
        return {}
    name = str(raw.get("name") or "").strip()
    if not name or len(name) > 200:
        add("name", _("A material needs a name (at most 200 characters)."))
    form = str(raw.get("form") or MaterialForm.ORIGINAL).strip()
    if form not in MaterialForm.values:
        add("form", _("Unknown material form."))
    copies = to_int(raw.get("copies", 1))
    if copies is None or copies > 99:
        add("copies", _("Copies must be a whole number from 0 to 99."))
    required = to_bool(raw.get("is_required", True))
    if required is None:
        add("is_required", _("Write 是 or 否."))
    tolerable = to_bool(raw.get("is_tolerable", False))
    if tolerable is None:
        add("is_tolerable", _("Write 是 or 否."))
    source = str(raw.get("source") or MaterialSource.NONE).strip()
    source_ref = str(raw.get("source_ref") or "").strip()
    if source not in MaterialSource.values:
        add("source", _("Unknown material source."))
    elif source == MaterialSource.REGISTRY and not REGISTRY_REF.match(source_ref):
        add("source_ref", _("Name a shared-data field like POP-BASE.id_number."))
    elif source == MaterialSource.LICENCE and not LICENCE_REF.match(source_ref):
        add("source_ref", _("Name an e-licence type code."))
    elif source == MaterialSource.NONE:
        source_ref = ""
    source_fields = clean_source_fields(raw.get("source_fields"), add)
    if source != MaterialSource.REGISTRY:
        source_fields = []
    commitment = str(raw.get("commitment") or "").strip()
    if len(commitment) > MAX_COMMITMENT:
        add(
            "commitment",
            _("The commitment may have at most %(n)s characters.") % {"n": MAX_COMMITMENT},
        )
    elif commitment and source != MaterialSource.NONE:
        add(
            "commitment",
            _("A commitment replaces a material the applicant supplies; this one is pulled."),
        )
    return {
        "name": name,
        "form": form,
        "copies": copies or 0,
        "is_required": bool(required),
        "source": source,
        "source_ref": source_ref,
        "source_fields": source_fields,
        "is_tolerable": bool(tolerable),
        "commitment": commitment,
    }


def clean_source_fields(raw, add) -> list[str]:
    """A material's further shared-data fields: a list, or text split by | , 、 or spaces
    (Excel cells). Each is a field name; repeats are dropped, the order is kept."""
    if raw in (None, ""):
        return []
    if isinstance(raw, str):
        raw = [part for part in re.split(r"[|｜,，、\s]+", raw) if part]
    if not isinstance(raw, list) or not all(isinstance(name, str) for name in raw):
        add("source_fields", _("List the fields by name, separated by |."))
        return []
    names = list(dict.fromkeys(name.strip() for name in raw))
    bad = [name for name in names if not FIELD_NAME.match(name)]
    if bad:
        add(
            "source_fields",
            _("Not a field name: %(names)s (lower-case letters, digits and _).")
            % {"names": "、".join(bad)},
        )
        return []
    if len(names) > MAX_SOURCE_FIELDS:
        add(
            "source_fields",
            _("At most %(count)d fields per material.") % {"count": MAX_SOURCE_FIELDS},
        )
        return []
    return names


def guide_clean(
    raw: dict, *, problems: Problems | None = None
) -> tuple[dict, list[dict], Problems]:
    """Checks a guide dict (with an optional "materials" list); returns (guide, materials,
    problems). Nothing is written: callers decide what to do with problems."""
    problems = problems if problems is not None else Problems()
    if not isinstance(raw, dict):
        problems.add("name", _("A matter entry is not valid."))
        return {}, [], problems
    guide: dict = {}
    for name, limit in TEXT_FIELDS.items():
        value = raw.get(name)
        text = "" if value is None else str(value).strip()
        if limit and len(text) > limit:
            problems.add(name, _("At most %(n)d characters.") % {"n": limit})
        guide[name] = text
    if not guide["name"]:
        problems.add("name", _("The matter needs a name."))
    for name, (low, high) in INT_FIELDS.items():
        value = to_int(raw.get(name))
        if value is None or not low <= value <= high:
            problems.add(
                name,
                _("Must be a whole number from %(low)d to %(high)d.") % {"low": low, "high": high},
            )
            value = 0
        guide[name] = value
    if guide["promised_days"] > guide["legal_days"]:
        problems.add("promised_days", _("The promised limit cannot exceed the legal limit."))
    defaults = {"online": True, "counter": True}
    for name in BOOL_FIELDS:
        value = to_bool(raw.get(name, defaults.get(name, False)))
        if value is None:
            problems.add(name, _("Write 是 or 否."))
            value = False
        guide[name] = value
    for name, choices in CHOICE_FIELDS.items():
        value = str(raw.get(name) or "").strip()
        if name == "required_level" and not value:
            value = RequiredLevel.L2
        if value not in choices.values:
            problems.add(
                name,
                _("Choose one of: %(choices)s.")
                % {"choices": "、".join(str(label) for label in choices.labels)},
            )
        guide[name] = value
    if guide["is_fee"] and not guide["fee_description"]:
        problems.add("fee_description", _("Describe the fee."))
    if guide["mobile_ready"] and not guide["online"]:
        problems.add("mobile_ready", _("A matter finished on a phone must also be online."))
    guide["steps"] = clean_steps(raw.get("steps"), problems)
    guide["form_schema"] = clean_form_schema(raw.get("form_schema"), problems)
    materials_raw = raw.get("materials") or []
    if not isinstance(materials_raw, list):
        problems.add("materials", _("Materials must be a list."))
        materials_raw = []
    materials = [clean_material(item, index, problems) for index, item in enumerate(materials_raw)]
    return guide, materials, problems


def search_tokens(*parts: str) -> str:
    """Space-joined jieba search-mode tokens (lowercase, each once) of the given texts."""
    tokens: list[str] = []
    seen = set()
    for part in parts:
        for token in jieba.cut_for_search(part or ""):
            token = token.strip().lower()
            if token and token not in seen and not re.fullmatch(r"[\W_]+", token):
                seen.add(token)
                tokens.append(token)
    return " ".join(tokens)


STOP_WORDS = {
    "我",
    "想",
    "要",
    "怎么",
    "如何",
    "办",
    "办理",
    "的",
    "了",
    "在",
    "哪里",
    "去",
    "个",
    "一个",
    "需要",
    "什么",
    "吗",
    "呢",
    "请问",
    "申请",
}


def query_tokens(query: str) -> list[str]:
    """The tokens of a search query worth matching: stop words and lone characters dropped,
    unless nothing else is left."""
    tokens = [t.strip().lower() for t in jieba.cut_for_search(query or "")]
    tokens = [t for t in tokens if t and not re.fullmatch(r"[\W_]+", t)]
    useful = [t for t in tokens if t not in STOP_WORDS and len(t) > 1]
    chosen = useful or [t for t in tokens if t not in STOP_WORDS] or tokens
    return list(dict.fromkeys(chosen))[:10]
