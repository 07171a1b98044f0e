"""Matters as JSON in the field names of the national integrated service platform's item
exchange (国家政务服务平台 事项数据交换): what counties use to claim (认领) matters from the
provincial catalogue and report them back. The mapping is documented in
docs/catalogue-exchange.md; fields without a national counterpart travel in an `onetrip`
extension object, so a round trip through this format loses nothing.
"""

import re

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onetrip.core import audit
from onetrip.core.errors import DomainError
from onetrip.departments.models import Department

from . import services
from .guide import Problems, guide_clean
from .models import Matter, MatterVersion

FORMAT = "national-task-exchange/1"
TASK_TYPE = {  # 事项类型 (national code table)
    "licensing": "01",  # 行政许可
    "benefit": "05",  # 行政给付
    "confirmation": "07",  # 行政确认
    "other": "10",  # 其他行政权力
    "public_service": "20",  # 公共服务
}
TASK_TYPE_BACK = {v: k for k, v in TASK_TYPE.items()}
SERVER_TYPE = {"person": "1", "legal": "2", "both": "1,2"}  # 服务对象: 1 自然人, 2 企业法人
MATERIAL_TYPE = {"original": "1", "copy": "2", "electronic": "1"}  # 1 原件, 2 复印件
MATERIAL_FORMAT = {"original": "1", "copy": "1", "electronic": "2"}  # 1 纸质, 2 电子
TIME_UNIT_WORKING_DAYS = "1"  # anticipate_type / promise_type: 1 工作日
MATERIAL_EXTRA = ("source", "source_fields", "is_tolerable", "commitment")
EXTENSION_FIELDS = (
    "keywords",
    "steps",
    "form_schema",
    "required_level",
    "licence_type_code",
    "is_secret",
    "online",
    "counter",
    "mobile_ready",
)


def _flag(value: bool) -> str:
    return "1" if value else "0"


def _depth(version: MatterVersion) -> str:
    """网上办理深度: 4 全程网办 (no trip), 3 在线预审 (online, one trip), 1 信息公开 (offline)."""
    if not version.online:
        return "1"
    return "4" if version.max_trips == 0 else "3"


def task_from_version(version: MatterVersion) -> dict:
    matter = version.matter
    handle_type = ",".join(
        code for code, on in (("1", version.counter), ("2", version.online)) if on
    )
    return {
        "task_name": version.name,
        "catalog_code": matter.catalog_code,
        "task_code": matter.code,
        "task_type": TASK_TYPE[version.matter_type],
        "task_version": version.number,
        "dept_name": matter.department.name,
        "dept_code": matter.department.code,
        "server_type": SERVER_TYPE[version.applicant_kind],
        "anticipate_day": version.legal_days,
        "anticipate_type": TIME_UNIT_WORKING_DAYS,
        "promise_day": version.promised_days,
        "promise_type": TIME_UNIT_WORKING_DAYS,
        "limit_scene_num": version.max_trips,
        "is_fee": _flag(version.is_fee),
        "fee_project": (
            [{"fee_name": version.name, "fee_stand": version.fee_description}]
            if version.is_fee
            else []
        ),
        "handle_type": handle_type,
        "is_online": _flag(version.online),
        "is_mobile_entry": _flag(version.mobile_ready),
        "online_handle_depth": _depth(version),
        "accept_condition": version.accept_condition,
        "handle_flow": "→".join(step["name"] for step in version.steps),
        "transact_addr": version.place,
        "transact_time": version.hours,
        "link_way": version.consult_phone,
        "supervise_way": version.complaint_phone,
        "by_law": version.legal_basis,
        "result_name": version.result_name,
        "materials": [
            {
                "order_num": index,
                "material_name": material.name,
                "material_type": MATERIAL_TYPE[material.form],
                "material_format": MATERIAL_FORMAT[material.form],
                "page_num": material.copies,
                "is_need": _flag(material.is_required),
                "source_type": "1" if material.source == "none" else "2",
                "source_explain": material.source_ref,
                "onetrip": {name: getattr(material, name) for name in MATERIAL_EXTRA},
            }
            for index, material in enumerate(version.materials.all(), start=1)
        ],
        "onetrip": {name: getattr(version, name) for name in EXTENSION_FIELDS},
    }


def export_build(*, versions) -> dict:
    return {
        "format": FORMAT,
        "region": getattr(settings, "ONETRIP_REGION", ""),
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "data": [task_from_version(version) for version in versions],
    }


def _int(value):
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value if value is not None else "").strip()
    return int(text) if re.fullmatch(r"\d{1,6}", text) else text


def _material_form(raw: dict) -> str:
    if str(raw.get("material_format")) == "2":
        return "electronic"
    return "copy" if str(raw.get("material_type")) == "2" else "original"


def guide_from_task(task: dict) -> dict:
    """A national task record in our guide shape (not yet checked)."""
    extension = task.get("onetrip") if isinstance(task.get("onetrip"), dict) else {}
    handle_types = {part.strip() for part in str(task.get("handle_type") or "").split(",")}
    server = {part.strip() for part in str(task.get("server_type") or "").split(",")}
    server.discard("")
    applicant = "person" if server == {"1"} else ("both" if "1" in server else "legal")
    fees = task.get("fee_project") or []
    fee_text = "；".join(str(fee.get("fee_stand") or "") for fee in fees if isinstance(fee, dict))
    depth = _int(task.get("online_handle_depth") or 0)
    depth = depth if isinstance(depth, int) else 0
    guide = {
        "name": task.get("task_name"),
        "matter_type": TASK_TYPE_BACK.get(str(task.get("task_type") or "").zfill(2), "other"),
        "applicant_kind": applicant,
        "accept_condition": task.get("accept_condition"),
        "legal_days": _int(task.get("anticipate_day")),
        "promised_days": _int(task.get("promise_day")),
        "max_trips": _int(task.get("limit_scene_num")),
        "online": str(task.get("is_online")) == "1" or "2" in handle_types or depth >= 2,
        "counter": "1" in handle_types or not handle_types - {""},
        "mobile_ready": str(task.get("is_mobile_entry")) == "1",
        "is_fee": str(task.get("is_fee")) == "1",
        "fee_description": fee_text,
        "steps": [
            s for s in re.split(r"\s*(?:→|->|>)\s*", str(task.get("handle_flow") or "")) if s
        ],
        "place": task.get("transact_addr"),
        "hours": task.get("transact_time"),
        "consult_phone": task.get("link_way"),
        "complaint_phone": task.get("supervise_way"),
        "legal_basis": task.get("by_law"),
        "result_name": task.get("result_name"),
        "materials": [],
    }
    for material in task.get("materials") or []:
        if not isinstance(material, dict):
            guide["materials"].append(material)
            continue
        extra = material.get("onetrip") if isinstance(material.get("onetrip"), dict) else {}
        guide["materials"].append(
            {
                "name": material.get("material_name"),
                "form": _material_form(material),
                "copies": _int(
                    material.get("page_num") if material.get("page_num") is not None else 1
                ),
                "is_required": str(material.get("is_need", "1")) == "1",
                "source": extra.get("source", "none"),
                "source_ref": material.get("source_explain")
                if extra.get("source") not in (None, "none")
                else "",
                "source_fields": extra.get("source_fields") or [],
                "is_tolerable": extra.get("is_tolerable", False),
                "commitment": extra.get("commitment", ""),
            }
        )
    guide.update({k: v for k, v in extension.items() if k in EXTENSION_FIELDS})
    return guide


NATIONAL_NAME = {
    "name": "task_name",
    "matter_type": "task_type",
    "applicant_kind": "server_type",
    "accept_condition": "accept_condition",
    "legal_days": "anticipate_day",
    "promised_days": "promise_day",
    "max_trips": "limit_scene_num",
    "is_fee": "is_fee",
    "fee_description": "fee_project",
    "steps": "handle_flow",
    "place": "transact_addr",
    "hours": "transact_time",
    "consult_phone": "link_way",
    "complaint_phone": "supervise_way",
    "legal_basis": "by_law",
    "result_name": "result_name",
    "online": "handle_type",
    "counter": "handle_type",
    "mobile_ready": "is_mobile_entry",
}
MATERIAL_NATIONAL_NAME = {
    "name": "material_name",
    "form": "material_type",
    "copies": "page_num",
    "is_required": "is_need",
    "source_ref": "source_explain",
}


@transaction.atomic
def catalogue_import_json(
    *, actor, department: Department, document, request=None
) -> services.LoadResult:
    """Imports national-format tasks of one department as drafts. All or nothing: problems are
    reported per task (index and task_code) and national field name."""
    services._require_editor(actor, department)
    tasks = document.get("data") if isinstance(document, dict) else document
    if not isinstance(tasks, list):
        raise DomainError(
            "catalogue.invalid_exchange",
            _("Expected a list of tasks (or an object with a data list)."),
        )
    errors, entries, seen = [], [], set()
    for index, task in enumerate(tasks):
        if not isinstance(task, dict):
            errors.append({"index": index, "field": "", "message": _("A task is not an object.")})
            continue
        code = str(task.get("task_code") or "").strip()
        where = {"index": index, "task_code": code}
        if not code or len(code) > 64 or code in seen:
            errors.append(
                {**where, "field": "task_code", "message": _("Each task needs its own task_code.")}
            )
        seen.add(code)
        dept = str(task.get("dept_code") or "").strip()
        if dept != department.code and task.get("dept_name") != department.name:
            errors.append(
                {
                    **where,
                    "field": "dept_code",
                    "message": _("Only matters of %(department)s can be imported here.")
                    % {"department": department.name},
                }
            )
        guide, materials, problems = guide_clean(guide_from_task(task), problems=Problems())
        for problem in problems.items:
            if problem["part"] == "materials":
                errors.append(
                    {
                        **where,
                        "material": problem["index"],
                        "field": MATERIAL_NATIONAL_NAME.get(problem["field"], problem["field"]),
                        "message": problem["message"],
                    }
                )
            else:
                errors.append(
                    {
                        **where,
                        "field": NATIONAL_NAME.get(problem["field"], problem["field"]),
                        "message": problem["message"],
                    }
                )
        entries.append(
            services.Entry(
                code, department, guide, materials, str(task.get("catalog_code") or "")[:64]
            )
        )
    foreign = Matter.objects.filter(code__in=list(seen)).exclude(department=department)
    for code in foreign.values_list("code", flat=True):
        errors.append(
            {
                "task_code": code,
                "field": "task_code",
                "message": _("This matter belongs to another department."),
            }
        )
    if errors:
        raise DomainError(
            "catalogue.import_failed",
            _("The exchange file has mistakes; nothing was imported."),
            detail={"errors": errors},
        )
    result = services.LoadResult()
    services.entries_write(entries=entries, actor=actor, publish=False, result=result)
    audit.record(
        actor=actor,
        action="catalogue.import.exchange",
        target=department,
        target_id=department.code,
        detail=result.as_dict(),
        request=request,
    )
    return result
