"""A CKAN-compatible Action API (https://docs.ckan.org/en/latest/api/), read-only.

Mounted at /opendata/api/action/<name> and /opendata/api/3/action/<name>, so CKAN clients
(ckanapi, harvesters) work with http://HOST/opendata as the site URL. Parameters come from the
query string (GET) or a JSON object body (POST); answers use CKAN's envelope
{"help", "success", "result"} and its error types and statuses.
"""

import json

from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from . import answers, packages, selectors, services, vocab


class ActionError(Exception):
    def __init__(self, kind: str, message: str, status: int, **fields):
        super().__init__(message)
        self.kind, self.message, self.status, self.fields = kind, message, status, fields


def not_found(message: str) -> ActionError:
    return ActionError("Not Found Error", message, 404)


def validation(field_name: str, message: str) -> ActionError:
    return ActionError("Validation Error", message, 409, **{field_name: [message]})


class RawResult:
    """A result already written as UTF-8 JSON (stored packages joined; addresses still as
    \\x01 + relative path, made absolute by the view with packages.expand)."""

    def __init__(self, data: bytes):
        self.data = data


def _packages(request, stored: list[bytes]) -> list[dict]:
    root = packages.root_url(request)
    return [json.loads(packages.expand(data, root)) for data in stored]


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
    """The page's stored package JSON joined into CKAN's result, cached per process under the
    catalogue version and the parameters (answers.py): a repeated query costs one look-up
    until the catalogue changes."""
    q, fq, sort = params.get("q", ""), params.get("fq", ""), params.get("sort", "")
    rows, start = params.get("rows"), params.get("start")
    stamp = selectors.catalogue_stamp()
    seconds = answers.seconds()
    key = None
    if stamp and seconds > 0:
        key = stamp + json.dumps([q, fq, sort, rows, start], ensure_ascii=False, default=str)
        data = answers.searches.get(key)
        if data is not None:
            return RawResult(data)
    try:
        count, ids = selectors.package_search_ids(
            q=q, fq=fq, sort=sort, rows=rows, start=start, stamp=stamp
        )
    except selectors.SearchError as error:
        raise validation(error.field, error.message) from None
    echo = json.dumps(sort or "score desc, metadata_modified desc", ensure_ascii=False)
    data = b"".join(
        [
            b'{"count": %d, "sort": ' % count,
            echo.encode(),
            b', "results": [',
            b", ".join(selectors.package_json_list(ids=ids)),
            b'], "facets": {}, "search_facets": {}}',
        ]
    )
    if key:
        answers.searches.put(key, data, seconds)
    return RawResult(data)


def package_show(request, params):
    value = _required(params, "id", "name_or_id", "name")
    row = selectors.open_dataset_get(name_or_id=value)
    if row is None:
        raise not_found(_("Dataset not found"))
    return RawResult(selectors.package_json(open_dataset=row))


def resource_show(request, params):
    found = selectors.open_dataset_for_resource(resource_id=_required(params, "id"))
    if found is None:
        raise not_found(_("Resource was not found."))
    row, fmt = found
    (package,) = _packages(request, [selectors.package_json(open_dataset=row)])
    return next(r for r in package["resources"] if r["id"] == str(row.resource_id(fmt)))


def organization_list(request, params):
    organizations = selectors.organization_list()
    if _bool(params.get("all_fields", False)):
        return [packages.organization_dict(d, n) for d, n in organizations]
    return [vocab.organization_name(d.code) for d, _n in organizations]


def organization_show(request, params):
    found = selectors.organization_get(name_or_id=_required(params, "id"))
    if found is None:
        raise not_found(_("Organization not found"))
    department, count = found
    result = packages.organization_dict(department, count)
    if _bool(params.get("include_datasets", False)):
        _count, ids = selectors.package_search_ids(
            fq=f"organization:{result['name']}", rows=1000, stamp=selectors.catalogue_stamp()
        )
        result["packages"] = _packages(request, selectors.package_json_list(ids=ids))
    return result


def group_list(request, params):
    counts = selectors.group_counts()
    if _bool(params.get("all_fields", False)):
        return [packages.group_dict(name, n) for name, n in counts.items()]
    return list(counts)


def group_show(request, params):
    name = vocab.group_name(_required(params, "id"))
    counts = selectors.group_counts()
    if name not in counts:
        raise not_found(_("Group not found"))
    result = packages.group_dict(name, counts[name])
    if _bool(params.get("include_datasets", False)):
        _count, ids = selectors.package_search_ids(
            fq=f"groups:{name}", rows=1000, stamp=selectors.catalogue_stamp()
        )
        result["packages"] = _packages(request, selectors.package_json_list(ids=ids))
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
    if isinstance(result, RawResult):
        body = b"".join(
            [
                b'{"help": ',
                json.dumps(help_url, ensure_ascii=False).encode(),
                b', "success": true, "result": ',
                packages.expand(result.data, packages.root_url(request)),
                b"}",
            ]
        )
        return HttpResponse(body, content_type="application/json")
    return JsonResponse(
        {"help": help_url, "success": True, "result": result},
        json_dumps_params={"ensure_ascii": False},
    )
