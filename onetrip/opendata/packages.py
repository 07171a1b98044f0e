"""CKAN's dictionaries for our datasets, departments and themes.

A package (dataset) dictionary is made once per change, by `services.opendata_sync`, and
stored as UTF-8 JSON in `OpenPackage`; `package_search` and `package_show` answer with the
stored bytes joined, which costs far less than building ~4 KB of dictionary per row and
request (and, as bytes, needs no decoding and encoding either). The only request-dependent
parts are the absolute addresses (the package's page and its three downloads): they are
stored relative to the portal's root, each after a \\x01 (a character JSON never writes
unescaped), and `expand` puts the request's root in its place.
"""

import datetime
import json
import uuid

from django.urls import reverse

from onetrip.datasets.models import OpeningClass

from . import vocab

BASE = b"\x01"

LICENSE = {
    "license_id": "cc-by",
    "license_title": "Creative Commons Attribution",
    "license_url": "http://www.opendefinition.org/licenses/cc-by",
}


def iso(value: datetime.datetime) -> str:
    """CKAN's timestamps: UTC, ISO 8601 without an offset."""
    return value.astimezone(datetime.UTC).replace(tzinfo=None).isoformat()


def organization_uuid(department) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"onetrip:department:{department.code}")


def organization_dict(department, count: int | None = None) -> dict:
    name = vocab.organization_name(department.code)
    result = {
        "id": str(organization_uuid(department)),
        "name": name,
        "title": department.name,
        "display_name": department.name,
        "description": "",
        "type": "organization",
        "is_organization": True,
        "state": "active",
        "approval_status": "approved",
        "image_url": "",
        "image_display_url": "",
        "created": None,
    }
    if count is not None:
        result["package_count"] = count
    return result


def group_dict(name: str, count: int | None = None) -> dict:
    result = {
        "id": name,
        "name": name,
        "title": vocab.group_title(name),
        "display_name": vocab.group_title(name),
        "description": "",
        "type": "group",
        "is_organization": False,
        "state": "active",
        "approval_status": "approved",
        "image_url": "",
        "image_display_url": "",
    }
    if count is not None:
        result["package_count"] = count
    return result


class Paths:
    """Addresses of a package's page and downloads relative to the portal's root
    (reverse() once per view, not per row: a sync may write 20,000 packages)."""

    def __init__(self):
        root = reverse("opendata:list")
        self._patterns = {
            "detail": reverse("opendata:detail", args=["--name--"]).removeprefix(root),
            **{
                fmt: reverse("opendata:download", args=["--name--", fmt]).removeprefix(root)
                for fmt in vocab.FORMATS
            },
        }

    def __call__(self, kind: str, name: str) -> str:
        return self._patterns[kind].replace("--name--", name)


def package_dict(
    row, *, dataset, owner, tags: list[str], groups: list[str], paths: Paths, base: str
) -> dict:
    """CKAN's package dictionary for a published dataset (`row`, an OpenDataset), its catalogue
    dataset and owner department; addresses are `base` + the path below the portal's root."""
    created, modified = iso(row.metadata_created), iso(row.metadata_modified)
    resources = [
        {
            "id": str(row.resource_id(fmt)),
            "package_id": str(row.public_id),
            "name": f"{row.title} ({label})",
            "description": "",
            "format": label,
            "mimetype": mimetype,
            "url": base + paths(fmt, row.name),
            "url_type": None,
            "state": "active",
            "position": position,
            "created": created,
            "last_modified": modified,
            "metadata_modified": modified,
            "size": None,
            "hash": "",
            "datastore_active": False,
        }
        for position, (fmt, (label, mimetype, _eu)) in enumerate(vocab.FORMATS.items())
    ]
    return {
        "id": str(row.public_id),
        "name": row.name,
        "title": row.title,
        "notes": row.notes,
        "type": "dataset",
        "state": "active",
        "private": False,
        "isopen": True,
        **LICENSE,
        "author": owner.name,
        "author_email": None,
        "maintainer": owner.name,
        "maintainer_email": None,
        "version": None,
        "url": base + paths("detail", row.name),
        "metadata_created": created,
        "metadata_modified": modified,
        "owner_org": str(organization_uuid(owner)),
        "organization": organization_dict(owner),
        "groups": [group_dict(name) for name in groups],
        "tags": [
            {"id": tag, "name": tag, "display_name": tag, "state": "active", "vocabulary_id": None}
            for tag in tags
        ],
        "num_tags": len(tags),
        "resources": resources,
        "num_resources": len(resources),
        "extras": [
            {"key": "identifier", "value": dataset.code},
            {"key": "update_cycle", "value": dataset.update_cycle},
            {"key": "legal_basis", "value": dataset.legal_basis},
        ],
        "relationships_as_object": [],
        "relationships_as_subject": [],
    }


def package_json(row, *, dataset, owner, tags, groups, paths: Paths) -> bytes:
    """The package dictionary as stored: UTF-8 JSON with every address as \\x01 + relative
    path.

    The only unescaped `"url": "` in the text are the keys named url (a quote inside a value is
    always written as \\"), and JSON escapes every control character in values, so each \\x01
    in the stored text marks exactly one address."""
    text = json.dumps(
        package_dict(
            row, dataset=dataset, owner=owner, tags=tags, groups=groups, paths=paths, base=""
        ),
        ensure_ascii=False,
    )
    return text.replace('"url": "', '"url": "' + BASE.decode()).encode()


def copied(dataset) -> tuple[dict, list[str], list[str], str]:
    """What OpenDataset copies from a catalogue dataset (its columns), its tags and groups,
    and its lowercase search text (for the text index: code, title, description, tags,
    groups, organization)."""
    tags = vocab.keyword_list(dataset.keywords)
    groups = []
    for theme in dataset.themes or []:
        name = vocab.group_name(str(theme))[:200]
        if name not in groups:
            groups.append(name)
    owner = dataset.owner
    organization = vocab.organization_name(owner.code)
    search = " ".join(
        [dataset.code, dataset.name, dataset.description, *tags, *groups, organization]
    )
    fields = {
        "is_public": dataset.opening_class == OpeningClass.OPEN and dataset.is_active,
        "title": dataset.name[:200],
        "notes": dataset.description,
        "organization": organization,
        "tags": ("|" + "|".join(tags) + "|")[:400] if tags else "",
        "groups": ("|" + "|".join(groups) + "|")[:200] if groups else "",
        "metadata_created": dataset.created_at,
        "metadata_modified": dataset.updated_at,
        "owner_code": owner.code,
        "owner_name": owner.name,
    }
    return fields, tags, groups, search.lower()


def render(row, paths: Paths | None = None) -> bytes:
    """The package JSON of a row whose stored text is missing (a row not yet refreshed since
    the column came), from its dataset as it is now."""
    _fields, tags, groups, _search = copied(row.dataset)
    return package_json(
        row,
        dataset=row.dataset,
        owner=row.dataset.owner,
        tags=tags,
        groups=groups,
        paths=paths or Paths(),
    )


def root_url(request) -> str:
    """The portal's absolute root for this request, e.g. https://host/opendata/."""
    return request.build_absolute_uri(reverse("opendata:list"))


def expand(data: bytes, root: str) -> bytes:
    """Stored JSON (one package or many joined) with its addresses made absolute."""
    return data.replace(BASE, json.dumps(root, ensure_ascii=False)[1:-1].encode())
