"""The matter catalogue's REST endpoints: public guides and search; staff imports and exports."""

import json
import math

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile

from onetrip.core.errors import DomainError, NotFound
from onetrip.identity.api_auth import bearer_or_session

from . import exchange, selectors, services, xlsx
from .models import Matter, MatterVersion

router = Router(tags=["matters"])
PAGE_SIZE = 20
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD = 10 * 1024 * 1024


class MatterFilter(Schema):
    q: str = ""
    department: str = ""
    applicant: str = ""
    life_event: str = ""
    page: int = 1


class MatterSummaryOut(Schema):
    code: str
    name: str
    matter_type: str
    department_code: str
    department_name: str
    applicant_kind: str
    promised_days: int
    legal_days: int
    max_trips: int
    online: bool
    mobile_ready: bool
    version: int


class MatterPageOut(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    items: list[MatterSummaryOut]


class MaterialOut(Schema):
    name: str
    form: str
    copies: int
    is_required: bool
    source: str
    source_ref: str
    source_fields: list[str]
    is_tolerable: bool
    commitment: str


class MatterGuideOut(MatterSummaryOut):
    catalog_code: str
    keywords: str
    accept_condition: str
    counter: bool
    is_fee: bool
    fee_description: str
    steps: list[dict]
    place: str
    hours: str
    consult_phone: str
    complaint_phone: str
    legal_basis: str
    required_level: str
    result_name: str
    licence_type_code: str
    form_schema: list[dict]
    materials: list[MaterialOut]
    life_events: list[str]
    published_at: str | None


class LifeEventOut(Schema):
    code: str
    name: str
    description: str
    applicant_kind: str
    matters: list[str]


class ImportResultOut(Schema):
    created: int
    updated: int
    unchanged: int


class VersionOut(Schema):
    code: str
    version: int
    status: str


def _summary(version: MatterVersion) -> dict:
    department = version.matter.department
    return {
        "code": version.matter.code,
        "name": version.name,
        "matter_type": version.matter_type,
        "department_code": department.code,
        "department_name": department.name,
        "applicant_kind": version.applicant_kind,
        "promised_days": version.promised_days,
        "legal_days": version.legal_days,
        "max_trips": version.max_trips,
        "online": version.online,
        "mobile_ready": version.mobile_ready,
        "version": version.number,
    }


@router.get("matters", response=MatterPageOut, auth=None)
def matter_list(request, filters: Query[MatterFilter]):
    """Published, non-secret matters; `q` searches in Chinese (jieba), best matches first."""
    versions = selectors.matter_list_public(
        q=filters.q,
        department=filters.department,
        applicant=filters.applicant,
        life_event=filters.life_event,
    )
    count = versions.count()
    pages = max(1, math.ceil(count / PAGE_SIZE))
    page = min(max(1, filters.page), pages)
    items = versions[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return {
        "count": count,
        "page": page,
        "pages": pages,
        "page_size": PAGE_SIZE,
        "items": [_summary(version) for version in items],
    }


@router.get("matters/{code}", response=MatterGuideOut, auth=None)
def matter_detail(request, code: str):
    """The published service guide of one matter (404 for unknown or secret matters)."""
    version = selectors.matter_get_public(code=code)
    return {
        **_summary(version),
        **{
            name: getattr(version, name)
            for name in (
                "keywords",
                "accept_condition",
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
            )
        },
        "catalog_code": version.matter.catalog_code,
        "materials": list(version.materials.all()),
        "life_events": list(version.matter.life_events.values_list("code", flat=True)),
        "published_at": version.published_at.isoformat() if version.published_at else None,
    }


@router.get("life-events", response=list[LifeEventOut], auth=None)
def life_event_list(request):
    return [
        {
            "code": event.code,
            "name": event.name,
            "description": event.description,
            "applicant_kind": event.applicant_kind,
            "matters": [matter.code for matter in event.matters.all()],
        }
        for event in selectors.life_event_list_public()
    ]


# --- Staff: the Excel round trip, the national exchange JSON, publishing ---


def _own_department(request, department: str):
    """The department an import/export is about: the given one, else the caller's own."""
    if department:
        return services.department_resolve(department)
    from onetrip.accounts.selectors import staff_for_user

    staff = staff_for_user(user=request.user)
    if staff is None:
        raise DomainError("catalogue.department_required", _("Name a department."))
    return staff.department


def _read_upload(upload: UploadedFile) -> bytes:
    if upload.size > MAX_UPLOAD:
        raise DomainError(
            "catalogue.file_too_large", _("The file is too large (10 MB at most)."), status=413
        )
    return upload.read()


@router.get("catalogue/template.xlsx", auth=bearer_or_session)
def catalogue_template(request):
    """An empty catalogue workbook (事项, 材料, 表单字段 sheets with choice lists)."""
    response = HttpResponse(xlsx.template_build(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="matters-template.xlsx"'
    return response


@router.get("catalogue/export.xlsx", auth=bearer_or_session)
def catalogue_export_xlsx(request, department: str = ""):
    """A department's catalogue (each matter's draft, else its current guide) as a workbook."""
    code = _own_department(request, department).code
    matters = selectors.matter_list_for_staff(user=request.user, department_code=code)
    content = xlsx.export_build(versions=selectors.versions_for_export(matters=matters))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="matters-{code}.xlsx"'
    return response


@router.post("catalogue/import.xlsx", response=ImportResultOut, auth=bearer_or_session)
def catalogue_import_xlsx(request, file: File[UploadedFile], department: str = ""):
    """Imports a filled workbook as drafts; all or nothing, errors per sheet, row and column."""
    result = xlsx.catalogue_import_xlsx(
        actor=request.user,
        department=_own_department(request, department),
        content=_read_upload(file),
        request=request,
    )
    return result.as_dict()


@router.get("catalogue/exchange", auth=bearer_or_session)
def catalogue_export_exchange(request, department: str = ""):
    """A department's catalogue in the national item-exchange field names."""
    code = _own_department(request, department).code
    matters = selectors.matter_list_for_staff(user=request.user, department_code=code)
    return exchange.export_build(versions=selectors.versions_for_export(matters=matters))


@router.post("catalogue/exchange", response=ImportResultOut, auth=bearer_or_session)
def catalogue_import_exchange(request, file: File[UploadedFile], department: str = ""):
    """Imports national item-exchange JSON as drafts; all or nothing."""
    try:
        document = json.loads(_read_upload(file).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DomainError(
            "catalogue.invalid_exchange",
            _("The file is not readable JSON."),
            detail={"error": str(error)},
        ) from error
    result = exchange.catalogue_import_json(
        actor=request.user,
        department=_own_department(request, department),
        document=document,
        request=request,
    )
    return result.as_dict()


@router.post("catalogue/matters/{code}/publish", response=VersionOut, auth=bearer_or_session)
def matter_publish(request, code: str):
    """A supervisor publishes the matter's draft."""
    services._require_publisher(request.user)
    matter = Matter.objects.filter(code=code).first()
    draft = matter.versions.filter(status="draft").first() if matter else None
    if draft is None:
        raise NotFound(
            "catalogue.draft_not_found", _("This matter has no draft."), detail={"code": code}
        )
    version = services.matter_version_publish(actor=request.user, version=draft, request=request)
    return {"code": code, "version": version.number, "status": version.status}
