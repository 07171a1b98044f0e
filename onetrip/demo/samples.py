"""Sample applications of the demo county, so that `onetrip demo` shows a living system.
DEMO DATA: invented applicants, invented history.

About sixty-five cases (STORIES) over the county's published matters and their departments, spread
over the HISTORY_DAYS days before the load day ("today"), in a realistic mix: waiting for
acceptance (the window clerk's queue), in review — green, yellow and red on the e-supervision
list —, waiting for a correction, suspended, approved, result issued, delivered, rated (two bad
ratings: one follow-up open for the department head, one answered), not accepted, denied;
applied for online, on a phone and at a counter, with or without a trip to collect the result.

How they are made:

1. people: SAMPLE_APPLICANTS registry people open accounts with the demo password and verify
   their real name (L2); two of them are authorised agents of each registered demo company
   (they apply for its legal-person matters); the demo account holders get a few cases each;
2. staff: the demo window clerk works at a general window (一窗受理), so she is granted the
   departments of the sample matters; each department without a demo reviewer gets a sample
   reviewer `demo-rev-<department code>` (demo password, TOTP secret `demo_totp_secret`);
3. every case goes through the app's own services (cases.services, ratings.services) in the
   order people would act, with SMS muted (notify.services.sms_muted: the numbers are
   invented): history lines, audit entries, in-app messages, e-licences, clock stops and
   follow-ups are the ones the real actions write;
4. the services stamp everything with the current time; each action is then moved back to its
   planned time (`_stamp`, `_backdate`: the one place that writes other apps' rows directly;
   see there). Deadlines are recomputed with workdays.selectors.workday_add from the planned
   acceptance day, moved by the clock stops' working days, as cases.services does. Audit
   entries keep the load time (the audit chain is never rewritten), and so do e-licences
   (they are signed) — both say truthfully when the loader made them;
5. a DemoSample row marks each case as demo data and keys it: a second load adds nothing.

The plan is deterministic for a county's catalogue (random.Random seeded with its code); the
dates follow the load day, so e-supervision colours are right on the day the demo is loaded.
"""

import bisect
import datetime
import random
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from onetrip.accounts import selectors as account_selectors
from onetrip.accounts import services as account_services
from onetrip.accounts.models import AssuranceLevel, StaffRole
from onetrip.cases import services as case_services
from onetrip.cases.models import (
    Application,
    CaseCorrection,
    CaseEvent,
    CaseMaterial,
    CaseNotice,
    CasePause,
    Channel,
    DeliveryMethod,
    MissingMaterial,
    NoticeKind,
    PauseKind,
)
from onetrip.cases.notices import notice_seal
from onetrip.catalogue import selectors as catalogue_selectors
from onetrip.catalogue.models import ApplicantKind, MaterialSource
from onetrip.core.errors import DomainError
from onetrip.departments import selectors as department_selectors
from onetrip.exchange.models import Consent, PulledMaterial
from onetrip.notify.models import Notification
from onetrip.notify.services import sms_muted
from onetrip.ratings import services as rating_services
from onetrip.ratings.models import Rating, RatingFollowUp
from onetrip.workdays.selectors import workday_add, workday_check

from . import data
from .models import DemoSample

ACTOR = "demo loader"
HISTORY_DAYS = 60
ONE_DAY = datetime.timedelta(days=1)

# The sample cases: (planned outcome, how many). Keys S001… follow this order.
STORIES = (
    ("submitted", 5),  # waiting for acceptance: the window clerk's queue
    ("intake_correction", 1),  # correction asked before acceptance, applicant to answer
    ("review_correction", 2),  # correction asked in review: the clock stands still
    ("green", 7),  # in review, time enough
    ("tolerated", 1),  # accepted with a tolerable material missing (容缺受理), in review
    ("yellow", 3),  # one working day or less left
    ("red", 3),  # overdue
    ("suspended", 1),  # statutory suspension
    ("approved", 2),  # decided, result not issued yet
    ("issued", 3),  # result ready, waiting to be collected or posted
    ("delivered", 12),
    ("rated", 17),
    ("bad_open", 1),  # a bad rating: follow-up open for the department head
    ("bad_answered", 1),  # a bad rating the head has answered
    ("not_accepted", 4),
    ("denied", 2),  # denied, the decision letter delivered
)
RUNNING = {"green", "tolerated", "yellow", "red", "suspended", "review_correction"}
# Running cases whose guide lets a proof be replaced by a written commitment (告知承诺) make it,
# so that reviewers have commitments to check (corrections re-upload the first material).
COMMITTING = RUNNING - {"tolerated", "review_correction"}
FINISHED = {"approved", "issued", "delivered", "rated", "bad_open", "bad_answered", "denied"}
BAD = {"bad_open", "bad_answered"}
# Cases the demo account holders get, so that their portal has something to show and to do:
# citizen → ((outcome, channel or ""), …). L1 can apply only at a counter.
CITIZEN_CASES = {
    "citizen_l1": (("delivered", Channel.COUNTER), ("green", Channel.COUNTER)),
    "citizen_l2": (
        ("review_correction", Channel.ONLINE),
        ("rated", Channel.MOBILE),
        ("approved", Channel.ONLINE),  # a fee matter: the fee waits to be paid (缴费)
    ),
    "citizen_l3": (("issued", Channel.MOBILE), ("submitted", Channel.ONLINE)),
}
# The first cases of these stories are taken in at a counter (the clerk's own intake).
COUNTER_CASES = {"submitted": 2, "delivered": 2}
# Stories that must fall in the demo department head's department (her lists and follow-ups).
HEAD_CASES = {"yellow": 1, "red": 1, "bad_open": 1, "bad_answered": 1, "green": 1, "rated": 2}

# What the people write (data, like the names: not translated). "（演示）" marks them as demo.
DEMO = "（演示）"
ACCEPT_NOTES = ("材料齐全，符合法定形式，予以受理。", "申请材料齐全，予以受理。", "")
STEP_NOTES = ("审查通过。", "现场核查符合要求。", "材料审核无误。", "")
APPROVE_NOTES = ("经审查，符合法定条件，准予许可。", "审核通过，予以办理。", "符合规定，准予办理。")
DENY_REASONS = (
    "经审查，申请人不符合法定条件，依法不予许可。",
    "现场核查发现场所条件不符合要求，不予许可。",
)
NOT_ACCEPT_REASONS = (
    "申请事项不属于本部门职权范围，请向有权机关申请。",
    "申请人已有同一事项正在办理，请勿重复申请。",
    "申请人不具备申请资格。",
)
CORRECTION_NOTES = (
    "请补正：材料须由申请人签字确认，复印件须清晰完整。",
    "请补正：所附材料与申请表信息不一致，请核对后重新上传。",
)
CORRECTION_ANSWERS = ("已按要求补正。", "已重新上传。", "")
SUSPEND_REASONS = ("需组织专家评审，依法中止办理。", "需举行听证，依法中止办理。")
GOOD_COMMENTS = (
    "办事效率高，全程网办，一次都没跑。",
    "窗口工作人员很耐心，讲解清楚。",
    "比预期快，点赞。",
    "",
    "",
    "",
)
BAD_COMMENTS = (
    "超过承诺时限才办结，期间也没有人告知进度。",
    "材料要求前后说法不一致，多跑了一趟。",
)
FOLLOW_UP_ANSWER = (
    "已核实情况，对经办人员进行了提醒谈话，统一了材料告知口径，并电话向申请人致歉说明。"
)

# A one-page PDF that says what it is: every uploaded sample material is this file.
_PDF_TEXT = b"BT /F1 18 Tf 72 720 Td (DEMO DATA - sample material, invented) Tj ET"


def _pdf() -> bytes:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(_PDF_TEXT), _PDF_TEXT),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


SAMPLE_PDF = _pdf()


def _upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{name}.pdf", SAMPLE_PDF, content_type="application/pdf")


def _committed(actor, case, material) -> bool:
    if not material.commitment:
        return False
    try:
        case_services.case_commitment_make(
            actor=actor, case=case, matter_material=material, agreed=True
        )
    except DomainError:  # e.g. the applicant's credit grade does not allow it
        return False
    return True


def _commit_or_upload(actor, case, materials) -> list:
    """Commit to each material that offers a commitment (the applicant agreed); the rest are
    returned, to be uploaded."""
    return [m for m in materials if not _committed(actor, case, m)]


def _commitments_dated(case) -> None:
    """Check dates from the back-dated acceptance, as acceptance on that day would set them."""
    case.refresh_from_db(fields=["accepted_on"])  # _backdate wrote it with an update
    if case.accepted_on is None:
        return
    due = workday_add(case.accepted_on, settings.ONETRIP_COMMITMENT_CHECK_DAYS).date
    case.commitments.update(check_due_on=due)


def _upload_all(actor, case, materials) -> None:
    """A sample file for each of `materials`, uploaded by `actor`."""
    for material in materials:
        case_services.case_material_upload(
            actor=actor, case=case, uploaded_file=_upload(material.name), matter_material=material
        )


# --- Working days around the load day ---------------------------------------------------------


class Calendar:
    """Working days as workdays.selectors.workday_check says, each day read once; `add` is
    workday_add's rule (the n-th working day after `day`), used for planning. The deadlines
    written to the cases come from workday_add itself (see `_backdate`)."""

    def __init__(self):
        self._days: dict[datetime.date, bool] = {}

    def is_workday(self, day: datetime.date) -> bool:
        if day not in self._days:
            self._days[day] = workday_check(day).is_workday
        return self._days[day]

    def add(self, day: datetime.date, n: int) -> datetime.date:
        while n > 0:
            day += ONE_DAY
            n -= self.is_workday(day)
        return day

    def back(self, day: datetime.date, n: int) -> datetime.date:
        """The n-th working day before `day` (n = 0: `day` itself)."""
        while n > 0:
            day -= ONE_DAY
            n -= self.is_workday(day)
        return day

    def on_or_after(self, day: datetime.date) -> datetime.date:
        while not self.is_workday(day):
            day += ONE_DAY
        return day

    def between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days d with start < d <= end (a clock stop's cost, as cases.services)."""
        count, day = 0, start
        while day < end:
            day += ONE_DAY
            count += self.is_workday(day)
        return count


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _minutes(n: int) -> datetime.timedelta:
    return datetime.timedelta(minutes=n)


# --- The plan of one case ---------------------------------------------------------------------


@dataclass
class Spec:
    """Who applies for what, how, and how it ends."""

    key: str
    outcome: str
    version: object
    channel: str
    applicant: object  # the User who applies (for a company: its agent)
    person: dict  # name, id_number, phone, address, village of the applicant
    company: dict | None = None  # uscc, name, address, representative (legal-person matters)
    late: bool = False  # finished after the deadline
    review_fix: bool = False  # a correction during review, answered
    intake_fix: bool = False  # a correction before acceptance, answered
    consent: bool = False  # ID-only: the applicant lets the platform pull shared materials
    delivery: str = ""
    level: int = 0  # the rating, 0: not rated
    rated: bool = False
    form: dict = field(default_factory=dict)


@dataclass
class Step:
    action: str
    at: datetime.datetime


@dataclass
class Plan:
    steps: list[Step] = field(default_factory=list)
    accepted_on: datetime.date | None = None
    deadline: datetime.date | None = None  # before clock stops
    finished: datetime.datetime | None = None
    pauses: list[tuple[datetime.date, datetime.date | None]] = field(default_factory=list)

    def add(self, action: str, at: datetime.datetime) -> datetime.datetime:
        if self.steps and at <= self.steps[-1].at:
            at = self.steps[-1].at + _minutes(3)
        self.steps.append(Step(action, at))
        return at

    @property
    def end(self) -> datetime.datetime:
        return self.steps[-1].at

    def first(self, action: str) -> datetime.datetime | None:
        return next((step.at for step in self.steps if step.action == action), None)


def _simulate(spec: Spec, start: datetime.date, cal: Calendar, now, seed: str) -> Plan:
    """The case's actions from a first day `start` on, in the order and at the times people
    would act: counters work 8:45–17:00 on working days, people apply online at any hour."""
    rng = random.Random(seed)
    version, outcome, plan = spec.version, spec.outcome, Plan()
    counter = spec.channel == Channel.COUNTER
    steps = list(version.steps or [])
    first = 1 if steps and steps[0].get("key") == "accept" else 0
    middle = max(len(steps) - 1 - first, 0)

    def office(day, earliest=None):
        """A time in office hours of working day `day` (after `earliest`, if given)."""
        at = _at(day, 8, 45) + _minutes(rng.randint(0, 420))
        return max(at, earliest + _minutes(rng.randint(10, 60))) if earliest else at

    # Draft and submission: at the counter the clerk types and scans while the person waits.
    if counter:
        t = plan.add("create", office(cal.on_or_after(start)))
    else:
        t = plan.add("create", _at(start, 7) + _minutes(rng.randint(0, 15 * 60)))
    t = plan.add("submit", t + _minutes(rng.randint(4, 25)))
    if outcome == "submitted":
        return plan
    if spec.intake_fix or outcome == "intake_correction":
        if counter:
            t = plan.add("correction_request", t + _minutes(rng.randint(3, 10)))
        else:
            t = plan.add("correction_request", office(cal.add(t.date(), 1)))
        if outcome == "intake_correction":
            return plan
        if counter:  # the applicant comes back with the material (a second trip)
            t = plan.add("correction_answer", office(cal.add(t.date(), rng.randint(1, 3))))
        else:
            day = t.date() + datetime.timedelta(days=rng.randint(0, 3))
            answered = _at(day, 8) + _minutes(rng.randint(0, 780))
            t = plan.add("correction_answer", max(answered, t + _minutes(rng.randint(60, 240))))
    # Acceptance: at once at the counter; online the next office hours.
    if counter:
        t += _minutes(rng.randint(5, 15))
    else:
        day = t.date() if cal.is_workday(t.date()) and t.hour < 11 else cal.add(t.date(), 1)
        t = office(day, t)
    if outcome == "not_accepted":
        t = plan.finished = plan.add("not_accept", t)
        if spec.rated:
            plan.add("rate", t + datetime.timedelta(hours=rng.randint(1, 60)))
        return plan
    t = plan.add("accept", t)
    accepted = plan.accepted_on = t.date()
    deadline = plan.deadline = cal.add(accepted, version.promised_days)

    if outcome in RUNNING:
        # Review steps done so far, one every working day or two, none today or later.
        day = accepted
        for _index in range(rng.randint(0, middle) if middle else 0):
            day = cal.add(day, rng.randint(1, 2))
            at = office(day, t)
            if at >= now - _minutes(30):
                break
            t = plan.add("step", at)
        if outcome in ("suspended", "review_correction"):
            day = cal.add(t.date(), rng.randint(0, 2))
            t = plan.add(
                "suspend" if outcome == "suspended" else "correction_request", office(day, t)
            )
            plan.pauses.append((t.date(), None))
        return plan

    # Finished cases: decided within the promised working days, or a few days late.
    if spec.late:
        decided = cal.add(deadline, rng.randint(1, 3))
    else:
        quickest = 0 if version.promised_days <= 1 else 1
        decided = cal.add(accepted, rng.randint(quickest, max(version.promised_days, quickest)))
    if spec.review_fix:  # the reviewer asks for a correction; the clock stops until the answer
        asked = office(cal.add(accepted, rng.randint(0, 1)), t)
        t = plan.add("correction_request", asked)
        answered = office(cal.add(t.date(), rng.randint(1, 3)), t)
        t = plan.add("correction_answer", answered)
        stopped = cal.between(asked.date(), answered.date())
        plan.pauses.append((asked.date(), answered.date()))
        deadline = cal.add(deadline, stopped) if stopped else deadline
        decided = cal.add(decided, stopped) if stopped else decided
    span = max(cal.between(t.date(), decided), 0)
    day = t.date()
    for index in range(middle):
        target = cal.add(t.date(), round((index + 1) * span / (middle + 1)))
        day = max(day, target)
        t = plan.add("step", office(day, t))
    decided = max(decided, t.date())
    t = plan.finished = plan.add("deny" if outcome == "denied" else "approve", office(decided, t))
    if outcome == "approved":
        return plan
    t = plan.add("issue", t + _minutes(rng.randint(10, 50)))
    if outcome == "issued":
        return plan
    if spec.delivery == DeliveryMethod.ELECTRONIC:
        t = plan.add("deliver", t + _minutes(rng.randint(2, 20)))
    elif spec.delivery == DeliveryMethod.POSTED:
        t = plan.add("deliver", office(cal.add(t.date(), 1), t))
    else:  # collected at the window
        t = plan.add("deliver", office(cal.add(t.date(), rng.randint(1, 4)), t))
    if outcome in ("delivered", "denied"):
        return plan
    day = t.date() + datetime.timedelta(days=rng.randint(0, 3))
    t = plan.add("rate", max(_at(day, 8) + _minutes(rng.randint(0, 840)), t + _minutes(10)))
    if outcome == "bad_answered":
        plan.add("follow_up_answer", office(cal.add(t.date(), rng.randint(1, 2)), t))
    return plan


def _plan(spec: Spec, cal: Calendar, today: datetime.date, now, county_code: str) -> Plan:
    """Search the first day for a plan that is over before `now` and ends the way the story
    says: the colour of its deadline today, and how recent its last action is (in working
    days). After a long holiday nothing may be that recent: then the recency is dropped (the
    colour never is)."""
    rng = random.Random(f"onetrip-demo-samples:{county_code}:{spec.key}:plan")
    cutoff = cal.add(today, 1)  # the last deadline that is yellow today (cases.selectors)
    outcome = spec.outcome
    recent = {  # working days
        "submitted": 2,
        "intake_correction": 4,
        "review_correction": 5,
        "suspended": 6,
        "approved": 2,
        "issued": 5,
        "bad_open": 1,
        "tolerated": 3,
    }
    since = cal.back(today, recent.get(outcome, 0))

    def fits(plan: Plan, strict: bool) -> bool:
        if plan.end >= now - _minutes(5):
            return False
        if outcome == "yellow" and not today <= plan.deadline <= cutoff:
            return False
        if outcome == "red" and not cal.back(today, 8) <= plan.deadline < today:
            return False
        if outcome in ("green", "tolerated") and not plan.deadline > cutoff:
            return False
        if strict and outcome in recent:  # tolerated: the material is not overdue yet
            last = plan.accepted_on if outcome == "tolerated" else plan.end.date()
            return last >= since
        return True

    if outcome in recent or outcome in ("yellow", "red", "green"):
        back, skip = 0, rng.randint(0, 3 if outcome in ("red", "green", "submitted") else 1)
    else:
        back, skip = rng.randint(3, HISTORY_DAYS - 2), 0
    seed = f"onetrip-demo-samples:{county_code}:{spec.key}:times"
    for strict in (True, False):
        found, left = None, skip
        for days_back in range(back, back + 150):
            plan = _simulate(spec, today - datetime.timedelta(days=days_back), cal, now, seed)
            if fits(plan, strict):
                found = plan
                if not left:
                    break
                left -= 1
        if found is not None:
            return found
    raise RuntimeError(f"demo sample {spec.key}: no plan for {outcome}")  # pragma: no cover


# --- Choosing matters, channels and applicants ------------------------------------------------


def _applicant_materials(version):
    return [m for m in version.materials.all() if m.is_required and m.source == MaterialSource.NONE]


def _wants_legal(version) -> bool:
    if version.applicant_kind == ApplicantKind.LEGAL:
        return True
    has_uscc = any(item.get("type") == "uscc" for item in version.form_schema or [])
    return version.applicant_kind == ApplicantKind.BOTH and has_uscc


def _channels(version, user) -> list[tuple[str, float]]:
    online = version.online and user.has_level(version.required_level)
    options = []
    if online:
        options.append((Channel.ONLINE, 0.45))
        if version.mobile_ready:
            options.append((Channel.MOBILE, 0.3))
    if version.counter:
        options.append((Channel.COUNTER, 0.3))
    return options


def _pick_weighted(rng: random.Random, options):
    total = sum(weight for _option, weight in options)
    point = rng.random() * total
    for option, weight in options:
        point -= weight
        if point <= 0:
            return option
    return options[-1][0]


TEXT_VALUES = {
    "business_scope": ("日用百货零售", "餐饮服务", "水果、蔬菜零售", "理发及美容服务"),
    "purpose": ("入职审查", "出国（境）签证"),
    "destination": ("上海市", "杭州市", "苏州市"),
    "disease": ("高血压", "2型糖尿病", "慢性阻塞性肺疾病"),
    "case_summary": ("追索劳动报酬纠纷", "工伤赔偿纠纷"),
    "bank": ("中国农业银行", "中国工商银行", "农村商业银行"),
}
NUMBER_RANGES = {
    "capital": (3, 50),
    "registered_capital": (100, 1000),
    "area": (60, 400),
    "family_size": (2, 5),
    "monthly_income": (600, 1800),
    "vehicle_count": (2, 30),
}


def _form(spec: Spec, other: dict, county_name: str, day: datetime.date, rng) -> dict:
    """A complete, valid form for the matter's form_schema, from the applicant's (and the
    company's) registry data; field names the demo does not know get a marked value."""
    person, company = spec.person, spec.company or {}
    values = {}
    for item in spec.version.form_schema or []:
        name, kind, label = item["name"], item.get("type", "text"), item.get("label", "")
        if kind == "id_number":
            values[name] = person["id_number"] if name == "id_number" else other["id_number"]
        elif kind == "phone":
            values[name] = person["phone"]
        elif kind == "uscc":
            values[name] = company.get("uscc") or other["uscc"]
        elif kind == "choice":
            values[name] = rng.choice(item.get("choices") or [""])
        elif kind == "date":
            if "birth" in name:
                values[name] = (day - datetime.timedelta(days=rng.randint(5, 40))).isoformat()
            else:
                values[name] = (day + datetime.timedelta(days=rng.randint(7, 60))).isoformat()
        elif kind == "number":
            low, high = NUMBER_RANGES.get(name, (1, 10))
            values[name] = str(rng.randint(low, high))
        elif name == "applicant_name":
            values[name] = person["name"]
        elif name in ("entity_name", "company_name"):
            values[name] = company.get("name") or other["company"]
        elif name == "legal_representative":
            values[name] = company.get("representative") or person["name"]
        elif "address" in name or name == "property_location":
            values[name] = company.get("address") if company else person["address"]
        elif name in ("baby_name", "child_name"):
            values[name] = person["name"][0] + rng.choice(data.GIVEN) + rng.choice(data.GIVEN)
        elif name.endswith("_name"):
            values[name] = other["name"]
        elif name == "business_name":
            values[name] = f"{county_name}{person['name']}便民店"
        elif name == "project_name":
            values[name] = f"{(company.get('name') or other['company'])[2:6]}技术改造项目{DEMO}"
        elif name == "village":
            values[name] = person["village"]
        elif name in ("school", "practice_institution", "birth_hospital"):
            suffix = {"school": "实验小学"}.get(name, "人民医院")
            values[name] = f"{county_name}{suffix}"
        elif name == "bank_account":
            values[name] = "6228" + "".join(str(rng.randint(0, 9)) for _ in range(15))
        elif name in TEXT_VALUES:
            values[name] = rng.choice(TEXT_VALUES[name])
        else:
            values[name] = f"{label or name}{DEMO}"
    return values


# --- Loading ----------------------------------------------------------------------------------


@dataclass
class Cast:
    """The people and staff of the sample cases."""

    clerk: object
    head: object
    admin: object
    head_department: object
    reviewers: dict  # department pk → User (a demo reviewer where there is one)
    citizens: dict  # key → (User, person dict)
    applicants: list  # (User, person dict)
    companies: list  # (company dict, [agent (User, person dict)])


def _person(record) -> dict:
    return {
        "name": record.name,
        "id_number": record.id_number,
        "phone": record.phone,
        "address": record.address,
        "village": record.household_region.name if record.household_region_id else "",
    }


def _sample_applicants(county_code: str, records: dict) -> list:
    applicants = []
    for name, _gender, _birth, id_number, phone in data.sample_people(county_code):
        user = account_selectors.user_find_for_login(identifier=id_number)
        if user is None:
            user = account_services.person_register(
                id_number=id_number,
                name=name,
                phone=phone,
                password=data.DEMO_PASSWORD,
                actor=ACTOR,
            )
        if not user.has_level(AssuranceLevel.L2):
            user = account_services.person_verify_real_name(user=user)  # matches the registry
        applicants.append((user, _person(records[id_number])))
    return applicants


def _agents(companies: list, citizens: dict, applicants: list) -> list:
    """Two sample applicants are authorised agents (经办人) of each registered company."""
    result = []
    for index, company in enumerate(companies):
        legal = account_selectors.legal_person_get(uscc=company["uscc"])
        agents = applicants[2 * index : 2 * index + 2]
        for user, _person_data in agents:
            person = account_selectors.person_for_user(user=user)
            if (
                not account_selectors.representations_for_person(person=person)
                .filter(legal_person=legal)
                .exists()
            ):
                account_services.agent_authorise(
                    actor=citizens[company["representative_key"]][0],
                    legal_person=legal,
                    agent=person,
                    scope="代办本单位政务服务事项" + DEMO,
                )
        result.append((company, agents))
    return result


def _staff_by_role(staff: dict, role: str):
    return next(
        (staff[username] for username, _n, _d, roles in data.DEMO_STAFF if role in roles), None
    )


def _reviewers(departments, staff: dict) -> dict:
    """A reviewer for every department: a demo account working there, else a sample one."""
    reviewers = {}
    for user in staff.values():
        if {StaffRole.REVIEWER, StaffRole.DEPARTMENT_HEAD} & user.staff.role_set():
            reviewers.setdefault(user.staff.department_id, user)
    for department in departments:
        if department.pk in reviewers:
            continue
        username = f"demo-rev-{department.code.lower()}"
        user = account_selectors.user_find_for_login(identifier=username)
        if user is None:
            user = account_services.staff_create(
                username=username,
                name=data.staff_name(department.code),
                department_code=department.code,
                roles=[StaffRole.REVIEWER],
                password=data.DEMO_PASSWORD,
                actor=ACTOR,
                totp_secret=data.demo_totp_secret(username),
            )
        reviewers[department.pk] = user
    return reviewers


def _grant_clerk(clerk, admin, departments) -> None:
    """The general window takes in every department's matters (一窗受理)."""
    visible = account_selectors.department_ids_visible_to(staff=clerk.staff)
    for department in departments:
        if visible is not None and department.pk not in visible:
            account_services.department_grant(
                actor=admin,
                staff=clerk.staff,
                department=department,
                reason="一窗受理：综合窗口受理本部门事项" + DEMO,
            )


def _specs(*, versions, cast_people, head_department, county, county_code, today) -> list[Spec]:
    """Who applies for which matter, how, and how it ends: deterministic for the county."""
    rng = random.Random(f"onetrip-demo-samples:{county_code}")
    citizens, applicants, companies = cast_people
    ranks = list(range(1, len(versions) + 1))
    rng.shuffle(ranks)
    weight = {v.pk: 1 / rank**0.5 for v, rank in zip(versions, ranks, strict=True)}
    uses = {v.pk: 0 for v in versions}
    citizen_queue = {
        outcome: [
            (key, channel)
            for key, cases in CITIZEN_CASES.items()
            for o, channel in cases
            if o == outcome
        ]
        for outcome, _count in STORIES
    }
    head_left = dict(HEAD_CASES)
    counter_left = dict(COUNTER_CASES)
    others = data.population(county_code)[-20:]
    spare_companies = data.companies(county_code, county.name)[-3:]
    specs, number = [], 0
    finished_seen = 0
    for outcome, count in STORIES:
        for _index in range(count):
            number += 1
            key = f"S{number:03d}"
            citizen, channel = None, ""
            if citizen_queue[outcome] and citizens:
                citizen_key, channel = citizen_queue[outcome].pop(0)
                citizen = citizens.get(citizen_key)
            in_head = head_left.get(outcome, 0) > 0 and citizen is None
            if in_head:
                head_left[outcome] -= 1
            elif citizen is None and counter_left.get(outcome, 0) > 0:
                counter_left[outcome] -= 1
                channel = Channel.COUNTER

            def eligible(
                version, citizen=citizen, channel=channel, in_head=in_head, outcome=outcome
            ):
                if in_head and version.matter.department_id != head_department.pk:
                    return False
                if _wants_legal(version) and not companies:
                    return False
                if not _channels(version, citizen[0] if citizen else applicants[0][0]):
                    return False
                if outcome in RUNNING and version.promised_days < 2:
                    return False
                if outcome in ("green", "tolerated") and version.promised_days < 3:
                    return False
                if outcome == "tolerated" and not any(
                    m.is_tolerable for m in _applicant_materials(version)
                ):
                    return False
                if citizen is not None and _wants_legal(version):
                    return False
                if outcome == "approved" and citizen is not None and not version.is_fee:
                    return False
                if channel == Channel.COUNTER:
                    return version.counter
                if channel and citizen is not None:
                    return channel in [c for c, _w in _channels(version, citizen[0])]
                return True

            candidates = [v for v in versions if eligible(v)]
            if not candidates and in_head:  # the head's department has no such matter
                candidates = [v for v in versions if eligible(v, in_head=False)]
            if not candidates:
                candidates = list(versions)
            version = min(candidates, key=lambda v: (uses[v.pk] / weight[v.pk], rng.random()))
            uses[version.pk] += 1

            company = None
            if citizen is not None:
                applicant, person = citizen
            elif _wants_legal(version) and companies:
                company, agents = rng.choice(companies)
                applicant, person = rng.choice(agents)
            else:
                applicant, person = applicants[rng.randrange(len(applicants))]
            if not channel:
                options = _channels(version, applicant) or [(Channel.COUNTER, 1)]
                channel = _pick_weighted(rng, options)
            online = channel != Channel.COUNTER
            spec = Spec(
                key=key,
                outcome=outcome,
                version=version,
                channel=channel,
                applicant=applicant,
                person=person,
                company=company,
            )
            if outcome in FINISHED:
                finished_seen += 1
                spec.late = outcome in BAD or finished_seen % 9 == 4
                spec.review_fix = finished_seen % 7 == 2 and bool(_applicant_materials(version))
                spec.intake_fix = finished_seen % 11 == 6 and bool(_applicant_materials(version))
            if outcome == "not_accepted":
                spec.rated = number % 2 == 0
                spec.level = rng.choice((3, 4))
            if outcome in ("rated", "bad_open", "bad_answered"):
                spec.rated = True
                spec.level = (
                    rng.choice((1, 2)) if outcome in BAD else rng.choice((5, 5, 5, 5, 4, 4, 4, 3))
                )
            has_licence = bool(version.licence_type_code)
            if online:
                options = [
                    (DeliveryMethod.ELECTRONIC, 0.5 if has_licence else 0.35),
                    (DeliveryMethod.POSTED, 0.3),
                    (DeliveryMethod.COLLECTED, 0.25),
                ]
            else:
                options = [
                    (DeliveryMethod.COLLECTED, 0.45),
                    (DeliveryMethod.POSTED, 0.35),
                    (DeliveryMethod.ELECTRONIC, 0.2),
                ]
            spec.delivery = _pick_weighted(rng, options)
            spec.consent = online and rng.random() < 0.4
            other_row = others[number % len(others)]
            other = {
                "name": other_row[0],
                "id_number": other_row[3],
                "uscc": spare_companies[number % len(spare_companies)][0],
                "company": spare_companies[number % len(spare_companies)][1],
            }
            spec.form = _form(spec, other, county.name, today, rng)
            specs.append(spec)
    return specs


def samples_load(
    *, county, county_code: str, records: dict, staff: dict, citizens: dict, companies: list
) -> int:
    """Makes the sample applications that are not there yet; returns how many there are.

    `records`: population records by ID number; `staff`: the demo staff by username;
    `citizens`: the demo account holders' users by key; `companies`: the registered demo
    companies (uscc, name, address, representative, representative_key)."""
    total = sum(count for _outcome, count in STORIES)
    done = set(DemoSample.objects.values_list("key", flat=True))
    if len(done) >= total:  # loaded before: nothing to add
        return len(done)
    versions = list(
        catalogue_selectors.matter_list_public()
        .select_related("matter__department")
        .prefetch_related("materials")
        .order_by("matter__code")
    )
    if not versions:  # a county without a catalogue yet
        return len(done)
    clerk = _staff_by_role(staff, StaffRole.WINDOW_CLERK)
    head = _staff_by_role(staff, StaffRole.DEPARTMENT_HEAD)
    admin = _staff_by_role(staff, StaffRole.ADMINISTRATOR)
    if clerk is None or head is None or admin is None:
        return len(done)
    applicants = _sample_applicants(county_code, records)
    citizen_people = {
        key: (user, _person(records[account_selectors.person_for_user(user=user).id_number]))
        for key, user in citizens.items()
    }
    agents = _agents(companies, citizen_people, applicants)
    today, now = timezone.localdate(), timezone.now()
    specs = _specs(
        versions=versions,
        cast_people=(citizen_people, applicants, agents),
        head_department=head.staff.department,
        county=county,
        county_code=county_code,
        today=today,
    )
    specs = [spec for spec in specs if spec.key not in done]
    departments = {spec.version.matter.department for spec in specs}
    departments = sorted(departments, key=lambda department: department.code)
    _grant_clerk(clerk, admin, departments)
    cast = Cast(
        clerk=clerk,
        head=head,
        admin=admin,
        head_department=head.staff.department,
        reviewers=_reviewers(departments, staff),
        citizens=citizen_people,
        applicants=applicants,
        companies=agents,
    )
    cal = Calendar()
    windows = {}
    with sms_muted():
        for spec in specs:
            plan = _plan(spec, cal, today, now, county_code)
            department = spec.version.matter.department
            if department.pk not in windows:
                serving = list(department_selectors.windows_serving(department=department))
                windows[department.pk] = next(
                    (w for w in serving if w.is_general), serving[0] if serving else None
                )
            case, marks = _run(spec, plan, cast, windows[department.pk], county_code)
            _backdate(case, spec, plan, cal, marks)
            _commitments_dated(case)
            DemoSample.objects.create(key=spec.key, application=case, outcome=spec.outcome)
    return DemoSample.objects.count()


def _run(spec: Spec, plan: Plan, cast: Cast, window, county_code: str):
    """Drives the case through the services, action by action. Returns the case and, for each
    action, when it really ran and when it is planned (for `_backdate`)."""
    rng = random.Random(f"onetrip-demo-samples:{county_code}:{spec.key}:notes")
    version, applicant = spec.version, spec.applicant
    counter = spec.channel == Channel.COUNTER
    side = cast.clerk if counter else applicant  # who fills in and answers for the applicant
    reviewer = cast.reviewers[version.matter.department_id]
    materials = _applicant_materials(version)
    uploads = [m for m in materials if not (spec.outcome == "tolerated" and m.is_tolerable)]
    to_fix = materials[:1]
    uscc = spec.company["uscc"] if spec.company else ""
    case, marks = None, []
    for step in plan.steps:
        action = step.action
        marks.append((timezone.now(), step.at))
        if action == "create":
            case = case_services.case_create(
                actor=side,
                version=version,
                channel=spec.channel,
                applicant=applicant if counter else None,
                uscc=uscc,
                window=window if counter else None,
            )
            case_services.case_form_save(actor=side, case=case, data=spec.form)
            if spec.outcome in COMMITTING:
                uploads = _commit_or_upload(side, case, uploads)
            _upload_all(side, case, uploads)
        elif action == "submit":
            case_services.case_submit(actor=side, case=case, consent=spec.consent)
        elif action == "correction_request":
            by = cast.clerk if case.accepted_at is None else reviewer
            case_services.case_correction_request(
                actor=by, case=case, materials=to_fix, note=rng.choice(CORRECTION_NOTES) + DEMO
            )
        elif action == "correction_answer":
            _upload_all(side, case, to_fix)
            case_services.case_correction_answer(
                actor=side, case=case, note=rng.choice(CORRECTION_ANSWERS)
            )
        elif action == "accept":
            note = rng.choice(ACCEPT_NOTES)
            case_services.case_accept(actor=cast.clerk, case=case, note=note and note + DEMO)
        elif action == "not_accept":
            case_services.case_not_accept(
                actor=cast.clerk, case=case, reason=rng.choice(NOT_ACCEPT_REASONS) + DEMO
            )
        elif action == "step":
            note = rng.choice(STEP_NOTES)
            case_services.case_step_complete(actor=reviewer, case=case, note=note and note + DEMO)
        elif action == "suspend":
            case_services.case_suspend(
                actor=reviewer, case=case, reason=rng.choice(SUSPEND_REASONS) + DEMO
            )
        elif action == "approve":
            case_services.case_approve(
                actor=reviewer, case=case, note=rng.choice(APPROVE_NOTES) + DEMO
            )
        elif action == "deny":
            case_services.case_deny(
                actor=reviewer, case=case, reason=rng.choice(DENY_REASONS) + DEMO
            )
        elif action == "issue":
            case_services.case_result_issue(actor=reviewer, case=case)
        elif action == "deliver":
            tracking = f"SF{rng.randrange(10**12):012d}"
            case_services.case_deliver(
                actor=cast.clerk,
                case=case,
                method=spec.delivery,
                tracking_number=tracking if spec.delivery == DeliveryMethod.POSTED else "",
            )
        elif action == "rate":
            comments = BAD_COMMENTS if spec.level <= 2 else GOOD_COMMENTS
            comment = rng.choice(comments)
            rating_services.rating_submit(
                actor=applicant, case=case, level=spec.level, comment=comment and comment + DEMO
            )
        elif action == "follow_up_answer":
            follow_up = RatingFollowUp.objects.get(rating__application_id=case.pk)
            rating_services.follow_up_answer(
                actor=cast.head, follow_up=follow_up, answer=FOLLOW_UP_ANSWER + DEMO
            )
        else:  # pragma: no cover - the planner makes only the actions above
            raise ValueError(action)
    return case, marks


# --- Moving the history back to its planned times ---------------------------------------------
# The services stamp their rows with the current time and compute deadlines from today, which is
# right for a real action and impossible to steer for an invented past. So once a case has gone
# through its actions, every row they wrote for it is moved to the planned time of the action
# that wrote it (found by when the row was really written: between the start of that action and
# the start of the next), and the case's own dates, clock stops and deadline are set from the
# plan. This is the one place where the demo loader writes rows of cases, notify, exchange and
# ratings directly, and only their time columns. Audit entries and e-licences keep the load
# time: the audit chain is never rewritten and a licence is signed as issued.


def _retime(model, names, rows) -> None:
    """Sets the time columns `names` of rows (pk, *values): one plain UPDATE, executed for
    every row (cheaper than building an ORM bulk update for each case)."""
    if not rows:
        return
    quote, meta = connection.ops.quote_name, model._meta
    fields = [meta.get_field(name) for name in names]
    columns = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = f"UPDATE {quote(meta.db_table)} SET {columns} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608 — our tables
    params = [
        [
            field.get_db_prep_save(value, connection)
            for field, value in zip(fields, values, strict=True)
        ]
        + [pk]
        for pk, *values in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _redate_messages(case, link: str, accepted: list, resumed: list) -> None:
    """The dates in the applicant's messages, as planned. The services wrote them computed from
    the load day (“to be finished by …” at acceptance, with the supply date of tolerated
    materials, and again at each resume); the case's own dates are planned ones."""
    # Each message's title is "<title> (<case number>)"; the dates of each title, in order.
    planned = {
        str(_("Your application was accepted")): [accepted],
        str(_("Your application is being handled again")): [[day] for day in resumed],
    }
    changed = []
    for message in Notification.objects.filter(user_id=case.applicant_id, link=link).order_by("id"):
        dates = planned.get(message.title.rsplit(" (", 1)[0])
        if dates:
            message.body = _with_dates(message.body, dates.pop(0))
            changed.append(message)
    Notification.objects.bulk_update(changed, ["body"])


def _with_dates(text: str, dates: list[datetime.date]) -> str:
    """`text` with its first dates replaced by `dates`, in order."""
    planned = iter(day.isoformat() for day in dates)
    return _DATE.sub(lambda found: next(planned, found.group()), text)


def _backdate(case: Application, spec: Spec, plan: Plan, cal: Calendar, marks: list) -> None:
    """The rows the actions wrote, then the case's dates. The deadline comes from the planned
    acceptance day by workday_add, moved by each ended clock stop's working days (as
    cases.services does when a stop ends)."""
    real_starts = [real for real, _planned in marks]
    actions = {step.action for step in plan.steps}

    def planned(real):
        if real is None:
            return None
        return marks[max(bisect.bisect_right(real_starts, real) - 1, 0)][1]

    def move(queryset, *names) -> list:
        rows = [
            (pk, *(planned(value) for value in values))
            for pk, *values in queryset.values_list("pk", *names)
        ]
        _retime(queryset.model, names, rows)
        return rows

    move(CaseEvent.objects.filter(application_id=case.pk), "at")
    link = case_services.case_link(case)
    move(Notification.objects.filter(user_id=case.applicant_id, link=link), "created_at")
    move(CaseMaterial.objects.filter(application_id=case.pk), "uploaded_at")
    if "correction_request" in actions:
        corrections = CaseCorrection.objects.filter(application_id=case.pk)
        move(corrections, "requested_at", "answered_at")
    if spec.consent:
        move(Consent.objects.filter(case_number=case.number), "given_at")
        move(PulledMaterial.objects.filter(case_number=case.number), "pulled_at")
    if "rate" in actions:
        move(Rating.objects.filter(application_id=case.pk), "rated_at")
        follow_ups = RatingFollowUp.objects.filter(rating__application_id=case.pk)
        for pk, opened_at, _answered_at in move(follow_ups, "opened_at", "answered_at"):
            due = workday_add(timezone.localdate(opened_at), rating_services.FOLLOW_UP_DAYS)
            _retime(RatingFollowUp, ("due_on",), [(pk, due.date)])

    local = timezone.localdate
    values = {"created_at": plan.first("create"), "submitted_at": plan.first("submit")}
    accepted_at = plan.first("accept")
    if accepted_at is not None:
        accepted_on = local(accepted_at)
        result = workday_add(accepted_on, spec.version.promised_days)
        deadline, provisional = result.date, result.provisional
        supply_due = workday_add(accepted_on, case_services.TOLERATED_SUPPLY_DAYS).date
        accepted_dates = [deadline, supply_due]
        resumed_dates = []
        pauses = list(CasePause.objects.filter(application_id=case.pk).order_by("id"))
        for pause, (started_on, ended_on) in zip(pauses, plan.pauses, strict=True):
            pause.started_on, pause.ended_on = started_on, ended_on
            pause.working_days = cal.between(started_on, ended_on) if ended_on else 0
            if pause.working_days:
                moved = workday_add(deadline, pause.working_days)
                deadline, provisional = moved.date, provisional or moved.provisional
            if ended_on and pause.kind == PauseKind.SUSPENSION:
                resumed_dates.append(deadline)
        if pauses:
            CasePause.objects.bulk_update(pauses, ["started_on", "ended_on", "working_days"])
        values.update(
            accepted_at=accepted_at,
            accepted_on=accepted_on,
            deadline_on=deadline,
            deadline_provisional=provisional,
        )
        MissingMaterial.objects.filter(application_id=case.pk).update(due_on=supply_due)
        _redate_messages(case, link, accepted_dates, resumed_dates)
    if plan.finished is not None:
        values.update(finished_at=plan.finished, finished_on=local(plan.finished))
    delivered_at = plan.first("deliver")
    if delivered_at is not None:
        values["delivered_at"] = delivered_at
    Application.objects.filter(pk=case.pk).update(**values)
    if accepted_at is not None:
        _redate_notices(case, planned, values, deadline=accepted_dates[0], supply_due=supply_due)
    else:
        _redate_notices(case, planned, values)


def _redate_notices(case, planned, values: dict, *, deadline=None, supply_due=None) -> None:
    """The written notices state the planned dates and were issued on them; sealed again over
    what they now say (the services wrote and sealed them on the load day)."""
    notices = list(CaseNotice.objects.filter(application_id=case.pk).select_related("department"))
    for notice in notices:
        notice.issued_at = planned(notice.issued_at)
        content = dict(notice.content)
        if values.get("submitted_at"):
            content["submitted_on"] = timezone.localdate(values["submitted_at"]).isoformat()
        if "accepted_on" in content and values.get("accepted_on"):
            content["accepted_on"] = values["accepted_on"].isoformat()
        if notice.kind == NoticeKind.ACCEPTANCE and deadline is not None:
            content["deadline_on"] = deadline.isoformat()
            content["tolerated"] = [
                {**item, "due_on": supply_due.isoformat()} for item in content.get("tolerated", [])
            ]
        notice.content = content
        notice_seal(notice)
    CaseNotice.objects.bulk_update(notices, ["issued_at", "content", "signature", "key_id", "alg"])
