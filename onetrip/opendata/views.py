"""Public pages of the open-data portal (数据开放): the list with search and filters, a
dataset's page, its masked downloads, and the DCAT catalogue."""

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from onetrip.datarequests import selectors as request_selectors
from onetrip.datasets.models import MaskingRule, UpdateCycle

from . import dcat, exports, selectors, services, vocab

PAGE_SIZE = 20


@require_GET
def dataset_list(request):
    services.opendata_sync_if_due()
    q = request.GET.get("q", "").strip()[:100]
    organization = request.GET.get("organization", "").strip()[:100]
    group = request.GET.get("group", "").strip()[:100]
    tag = request.GET.get("tag", "").strip()[:100]
    fq = []
    if organization:
        fq.append(f'organization:"{organization}"')
    if group:
        fq.append(f'groups:"{group}"')
    if tag:
        fq.append(f'tags:"{tag}"')
    count, rows = selectors.package_search(
        q=q.replace('"', " ").replace(":", " "),
        fq=" ".join(fq),
        sort="title_string asc" if q else "",
        rows=PAGE_SIZE,
        start=(_page_number(request) - 1) * PAGE_SIZE,
    )
    page = Paginator(range(count), PAGE_SIZE).get_page(_page_number(request))
    query = request.GET.copy()
    query.pop("page", None)
    organizations = selectors.organization_list()
    return render(
        request,
        "opendata/list.html",
        {
            "rows": [_card(row) for row in rows],
            "count": count,
            "page": page,
            "q": q,
            "organization": organization,
            "group": group,
            "tag": tag,
            "organizations": [
                (vocab.organization_name(d.code), d.name, n) for d, n in organizations
            ],
            "groups": [
                (name, vocab.group_title(name), n) for name, n in selectors.group_counts().items()
            ],
            "tags": list(selectors.tag_counts().items())[:200],
            "query_string": query.urlencode(),
            "filtered": bool(q or organization or group or tag),
        },
    )


def _page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def _card(row):
    return {
        "row": row,
        "tags": [t for t in row.tags.split("|") if t],
        "groups": [(g, vocab.group_title(g)) for g in row.groups.split("|") if g],
    }


def _get_or_404(name: str):
    row = selectors.open_dataset_get(name_or_id=name)
    if row is None:
        raise Http404(name)
    return row


@require_GET
def dataset_detail(request, name: str):
    services.opendata_sync_if_due()
    row = _get_or_404(name)
    fields = selectors.dataset_fields(open_dataset=row)
    counts = selectors.download_counts(open_dataset=row)
    return render(
        request,
        "opendata/detail.html",
        {
            "item": _card(row),
            "row": row,
            "dataset": row.dataset,
            "update_cycle": UpdateCycle(row.dataset.update_cycle).label
            if row.dataset.update_cycle in UpdateCycle.values
            else row.dataset.update_cycle,
            "fields": [
                {
                    "field": f,
                    "masked": f.masking_rule != MaskingRule.NONE,
                    "rule": MaskingRule(f.masking_rule).label
                    if f.masking_rule in MaskingRule.values
                    else f.masking_rule,
                }
                for f in fields
            ],
            "downloads": [
                {"format": fmt, "label": label, "mimetype": mimetype, "count": counts[fmt]}
                for fmt, (label, mimetype, _eu) in vocab.FORMATS.items()
            ],
            "error_reports": request_selectors.answered_errors_of(row.dataset),
        },
    )


@require_GET
def dataset_download(request, name: str, fmt: str):
    services.opendata_sync_if_due()
    row = _get_or_404(name)
    if fmt not in vocab.FORMATS:
        raise Http404(fmt)
    services.download_count_increment(open_dataset=row, fmt=fmt)
    filename = f"{row.name}.{fmt}"
    mimetype = vocab.FORMATS[fmt][1]
    if fmt == "xlsx":
        return FileResponse(
            exports.xlsx_file(row), as_attachment=True, filename=filename, content_type=mimetype
        )
    chunks = exports.csv_chunks(row) if fmt == "csv" else exports.json_chunks(row)
    response = StreamingHttpResponse(chunks, content_type=f"{mimetype}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def catalog(request, fmt: str):
    services.opendata_sync_if_due()
    graph = dcat.catalog_graph(request)
    if fmt == "ttl":
        return HttpResponse(
            graph.serialize(format="turtle"), content_type="text/turtle; charset=utf-8"
        )
    return HttpResponse(
        graph.serialize(format="json-ld", auto_compact=True),
        content_type="application/ld+json; charset=utf-8",
    )
