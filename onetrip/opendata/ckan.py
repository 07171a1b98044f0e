"""A CKAN-compatible Action API (https://docs.ckan.org/en/latest/api/), read-only.

Mounted at /opendata/api/action/<name> and /opendata/api/3/action/<name>, so CKAN clients
(ckanapi, harvesters) work with http://HOST/opendata as the site URL. Parameters come from the
query string (GET) or a JSON object body (POST); answers use CKAN's envelope
{"help", "success", "result"} and its error types and statuses.
"""

import datetime
import json

from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from . import selectors, services, vocab
from .models import OpenDataset

LICENSE = {
    "license_id": "cc-by",
    "license_title": "Creative Commons Attribution",
    "license_url": "http://www.opendefinition.org/licenses/cc-by",
}


class ActionError(Exception):
    def __init__(self, kind: str, message: str, status: int, **fields):
        super().__init__(message)
        self.kind, self.message, self.status, self.fields = kind, message, status, fields


def not_found(message: str) -> ActionError:
    return ActionError("Not Found Error", message, 404)


def validation(field_name: str, message: str) -> ActionError:
    return ActionError("Validation Error", message, 409, **{field_name: [message]})


def iso(value: datetime.datetime) -> str:
    """CKAN's timestamps: UTC, ISO 8601 without an offset."""
    return value.astimezone(datetime.UTC).replace(tzinfo=None).isoformat()


# --- dictionaries ---------------------------------------------------------------------------


def organization_dict(request, department, count: int | None = None) -> dict:
    name = vocab.organization_name(department.code)
    result = {
        "id": str(selectors.organization_uuid(department)),
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


def _url(request, view: str, name: str, fmt: str = "") -> str:
    """An absolute address, built once per request and view (a page can hold 1000 packages)."""
    cache = request.__dict__.setdefault("_opendata_urls", {})
    key = (view, fmt)
    if key not in cache:
        args = ["--name--", fmt] if fmt else ["--name--"]
        cache[key] = request.build_absolute_uri(reverse(view, args=args))
    return cache[key].replace("--name--", name)


def resource_dicts(request, row: OpenDataset) -> list[dict]:
    result = []
    for position, (fmt, (label, mimetype, _eu)) in enumerate(vocab.FORMATS.items()):
        url = _url(request, "opendata:download", row.name, fmt)
        result.append(
            {
                "id": str(row.resource_id(fmt)),
                "package_id": str(row.public_id),
                "name": f"{row.title} ({label})",
                "description": "",
                "format": label,
                "mimetype": mimetype,
                "url": url,
                "url_type": None,
                "state": "active",
                "position": position,
                "created": iso(row.metadata_created),
                "last_modified": iso(row.metadata_modified),
                "metadata_modified": iso(row.metadata_modified),
                "size": None,
                "hash": "",
                "datastore_active": False,
            }
        )
    return result


def package_dict(request, row: OpenDataset) -> dict:
    dataset = row.dataset
    tags = [t for t in row.tags.split("|") if t]
    groups = [g for g in row.groups.split("|") if g]
    resources = resource_dicts(request, row)
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
        "author": dataset.owner.name,
        "author_email": None,
        "maintainer": dataset.owner.name,
        "maintainer_email": None,
        "version": None,
        "url": _url(request, "opendata:detail", row.name),
        "metadata_created": iso(row.metadata_created),
        "metadata_modified": iso(row.metadata_modified),
        "owner_org": str(selectors.organization_uuid(dataset.owner)),
        "organization": organization_dict(request, dataset.owner),
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


# --- actions --------------------------------------------------------------------------------


def _bool(value) -> bool:
    return value is True or str(value).lower() in {"true", "1", "yes", "on"}


def _required(params: dict, *names: str) -> str:
    for name in names:
        if params.get(name) not in (None, ""):
            return str(params[name])
    raise validation(names[0], _("Missing value"))


def status_show(request, params):
    return {
        "site_title": _("OneTrip open data"),
        "site_description": "",
        "site_url": request.build_absolute_uri(reverse("opendata:list")).rstrip("/"),
        "ckan_version": "2.10.4",
        "error_emails_to": None,
        "locale_default": "zh_Hans_CN",
        "extensions": ["onetrip"],
    }


def package_list(request, params):
    names = selectors.package_names()
    limit = params.get("limit")
    offset = _int(params, "offset", 0)
    if limit not in (None, ""):
        return names[offset : offset + _int(params, "limit", 0)]
    return names[offset:]


def _int(params, name, default, maximum=None):
    try:
        return selectors.parse_int(params.get(name), name=name, default=default, maximum=maximum)
    except selectors.SearchError as error:
        raise validation(error.field, error.message) from None


def package_search(request, params):
    try:
        count, rows = selectors.package_search(
            q=params.get("q", ""),
            fq=params.get("fq", ""),
            sort=params.get("sort", ""),
            rows=params.get("rows"),
            start=params.get("start"),
        )
    except selectors.SearchError as error:
        raise validation(error.field, error.message) from None
    return {
        "count": count,
        "sort": params.get("sort") or "score desc, metadata_modified desc",
        "results": [package_dict(request, row) for row in rows],
        "facets": {},
        "search_facets": {},
    }


def package_show(request, params):
    value = _required(params, "id", "name_or_id", "name")
    row = selectors.open_dataset_get(name_or_id=value)
    if row is None:
        raise not_found(_("Dataset not found"))
    return package_dict(request, row)


def resource_show(request, params):
    found = selectors.open_dataset_for_resource(resource_id=_required(params, "id"))
    if found is None:
        raise not_found(_("Resource was not found."))
    row, fmt = found
    return next(r for r in resource_dicts(request, row) if r["id"] == str(row.resource_id(fmt)))


def organization_list(request, params):
    organizations = selectors.organization_list()
    if _bool(params.get("all_fields", False)):
        return [organization_dict(request, d, n) for d, n in organizations]
    return [vocab.organization_name(d.code) for d, _n in organizations]


def organization_show(request, params):
    found = selectors.organization_get(name_or_id=_required(params, "id"))
    if found is None:
        raise not_found(_("Organization not found"))
    department, count = found
    result = organization_dict(request, department, count)
    if _bool(params.get("include_datasets", False)):
        _count, rows = selectors.package_search(fq=f"organization:{result['name']}", rows=1000)
        result["packages"] = [package_dict(request, row) for row in rows]
    return result


def group_list(request, params):
    counts = selectors.group_counts()
    if _bool(params.get("all_fields", False)):
        return [group_dict(name, n) for name, n in counts.items()]
    return list(counts)


def group_show(request, params):
    name = vocab.group_name(_required(params, "id"))
    counts = selectors.group_counts()
    if name not in counts:
        raise not_found(_("Group not found"))
    result = group_dict(name, counts[name])
    if _bool(params.get("include_datasets", False)):
        _count, rows = selectors.package_search(fq=f"groups:{name}", rows=1000)
        result["packages"] = [package_dict(request, row) for row in rows]
    return result


def tag_list(request, params):
    counts = selectors.tag_counts(query=str(params.get("query") or ""))
    if _bool(params.get("all_fields", False)):
        return [{"id": t, "name": t, "display_name": t, "vocabulary_id": None} for t in counts]
    return list(counts)


ACTIONS = {
    fn.__name__: fn
    for fn in (
        status_show,
        package_list,
        package_search,
        package_show,
        resource_show,
        organization_list,
        organization_show,
        group_list,
        group_show,
        tag_list,
    )
}


# --- the view -------------------------------------------------------------------------------


def _params(request) -> dict:
    if request.method == "POST":
        body = request.body.strip()
        if not body:
            return request.POST.dict()
        if request.content_type == "application/x-www-form-urlencoded":
            return request.POST.dict()
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError) as error:
            raise ActionError(
                "Bad Request", _("Bad request - JSON Error: %(e)s") % {"e": error}, 400
            ) from None
        if not isinstance(data, dict):
            raise ActionError(
                "Bad Request",
                _(
                    "Bad request - JSON Error: Request data JSON decoded to %(t)r but it needs "
                    "to be a dictionary."
                )
                % {"t": data},
                400,
            )
        return data
    return request.GET.dict()


@csrf_exempt
def action(request, name: str):
    help_url = request.build_absolute_uri(
        reverse("opendata:action3", args=["help_show"]) + f"?name={name}"
    )
    try:
        if request.method not in {"GET", "POST"}:
            raise ActionError("Bad Request", _("Only GET and POST are accepted."), 405)
        fn = ACTIONS.get(name)
        if fn is None:
            raise ActionError(
                "Bad Request", _("Bad request - Action name not known: %(n)s") % {"n": name}, 400
            )
        params = _params(request)
        services.opendata_sync_if_due()
        result = fn(request, params)
    except ActionError as error:
        response = JsonResponse(
            {
                "help": help_url,
                "success": False,
                "error": {"__type": error.kind, "message": error.message, **error.fields},
            },
            status=error.status,
            json_dumps_params={"ensure_ascii": False},
        )
        if error.status == 405:
            response["Allow"] = "GET, POST"
        return response
    return JsonResponse(
        {"help": help_url, "success": True, "result": result},
        json_dumps_params={"ensure_ascii": False},
    )
