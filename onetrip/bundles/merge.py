"""The merge rule of 一表申请: the forms and materials of a life event's matters as one.

Fields. Each matter's `form_schema` is a list of {"name", "label", "type", "required",
"choices"?}. A field's *kind* is its type and, for a choice field, its list of choices.
- Fields with the same name and the same kind are one merged field, asked once, under that
  name; its label is the first matter's label; it is required when any matter requires it.
- When one name comes with more than one kind (e.g. `capital` as a number in one matter and as
  a choice in another), the name is ambiguous: each kind becomes its own field named
  `<code of the first matter with that kind>__<name>`, labelled "<label> (<matter name>)".
  Matters sharing a kind still share that field.
- Fields keep the order in which they first appear, matter by matter in the bundle's order
  (by matter code).
Each part's form data is its slice: for every field of its matter, the value of the merged
field that stands for it, under the matter's own field name.

Materials. Materials with the same name are one merged material, uploaded once and given to
every matter that lists it. It must be uploaded when any matter needs it from the applicant
(required and not pulled from shared data); it is "pulled" only when every matter pulls it;
it may be supplied later (tolerated missing) only when every matter that needs it says so.
"""

from dataclasses import dataclass, field


def _kind(spec: dict) -> tuple:
    kind = spec.get("type", "text")
    return (kind, tuple(spec.get("choices") or ()) if kind == "choice" else ())


@dataclass
class MergedForm:
    fields: list[dict]  # a form_schema (cases.schema.form_clean reads it as it is)
    mapping: dict[str, dict[str, str]]  # matter code → {its field name → merged field name}

    def slice_for(self, code: str, data: dict) -> dict:
        return {own: data.get(merged, "") for own, merged in self.mapping.get(code, {}).items()}


def merge_forms(versions) -> MergedForm:
    """`versions`: the matters' MatterVersions (with `.matter.code` and `.name`), in order."""
    kinds_by_name: dict[str, list[tuple]] = {}
    for version in versions:
        for spec in version.form_schema or []:
            kinds = kinds_by_name.setdefault(spec["name"], [])
            if _kind(spec) not in kinds:
                kinds.append(_kind(spec))
    merged: dict[tuple, dict] = {}
    mapping: dict[str, dict[str, str]] = {}
    for version in versions:
        code = version.matter.code
        mapping.setdefault(code, {})
        for spec in version.form_schema or []:
            name, kind = spec["name"], _kind(spec)
            key = (name, kind)
            if key not in merged:
                ambiguous = len(kinds_by_name[name]) > 1
                merged[key] = {
                    **{k: v for k, v in spec.items() if k != "required"},
                    "name": f"{code}__{name}" if ambiguous else name,
                    "label": (
                        f"{spec.get('label', name)}（{version.name}）"
                        if ambiguous
                        else spec.get("label", name)
                    ),
                    "required": False,
                    "matters": [],
                }
            entry = merged[key]
            entry["required"] = entry["required"] or spec.get("required", True)
            entry["matters"].append(code)
            mapping[code][name] = entry["name"]
    return MergedForm(fields=list(merged.values()), mapping=mapping)


@dataclass
class MergedMaterial:
    key: str  # stable short key for forms: "m<position>"
    name: str
    form: str
    needs_upload: bool  # some matter needs it from the applicant
    required: bool  # required by a matter that needs it from the applicant
    tolerable: bool
    parts: list = field(default_factory=list)  # the MatterMaterials it stands for


def merge_materials(versions) -> list[MergedMaterial]:
    by_name: dict[str, MergedMaterial] = {}
    for version in versions:
        for material in version.materials.all():
            entry = by_name.get(material.name)
            if entry is None:
                entry = by_name[material.name] = MergedMaterial(
                    key=f"m{len(by_name)}",
                    name=material.name,
                    form=material.form,
                    needs_upload=False,
                    required=False,
                    tolerable=True,
                )
            entry.parts.append(material)
            if material.source == "none":
                entry.needs_upload = True
                if material.is_required:
                    entry.required = True
                    entry.tolerable = entry.tolerable and material.is_tolerable
    for entry in by_name.values():
        entry.tolerable = entry.tolerable and entry.required
    return list(by_name.values())
