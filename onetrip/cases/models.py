"""Applications (办件, "cases"): one person's or legal person's request for one service matter,
from draft to delivery.

The life cycle (every move is a service in services.py, recorded as a CaseEvent):

    draft → submitted → accepted → in_review → approved | denied → result_issued → delivered
                      ↘ not_accepted (reason)  ↕ suspended                            → rated
    submitted / accepted / in_review → correction (补正, once) → back where it was
    submitted / accepted / correction / in_review / suspended → withdrawn (撤回, by the applicant)

The promised time limit counts working days from the day after acceptance (受理次日起算):
`deadline_on` is stored (indexed with `status`) and moves later by the working days a case spent
in correction or suspension (CasePause). The e-supervision colour is never stored: selectors
compare `deadline_on` with today (see selectors.supervision_colour).
"""

import datetime
import json
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onetrip.core.models import UploadedFile


class CaseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")  # 草稿
    SUBMITTED = "submitted", _("Submitted")  # 已提交
    ACCEPTED = "accepted", _("Accepted")  # 已受理
    NOT_ACCEPTED = "not_accepted", _("Not accepted")  # 不予受理
    CORRECTION = "correction", _("Awaiting correction")  # 补正中
    IN_REVIEW = "in_review", _("In review")  # 审查中
    SUSPENDED = "suspended", _("Suspended")  # 中止 (statutory suspension)
    APPROVED = "approved", _("Approved")  # 准予
    DENIED = "denied", _("Denied")  # 不予许可
    RESULT_ISSUED = "result_issued", _("Result issued")  # 已出证
    DELIVERED = "delivered", _("Delivered")  # 已送达
    RATED = "rated", _("Rated")  # 已评价
    WITHDRAWN = "withdrawn", _("Withdrawn")  # 已撤回 (by the applicant, before a decision)


# The statuses whose time limit is running: these are e-supervised (green / yellow / red).
RUNNING_STATUSES = (CaseStatus.ACCEPTED, CaseStatus.IN_REVIEW)
# Finished: a decision was made (finished_at is set on approval, denial or non-acceptance).
FINISHED_STATUSES = (
    CaseStatus.NOT_ACCEPTED,
    CaseStatus.APPROVED,
    CaseStatus.DENIED,
    CaseStatus.RESULT_ISSUED,
    CaseStatus.DELIVERED,
    CaseStatus.RATED,
)
# The applicant may withdraw (撤回申请) a case that was submitted and is not decided yet. A
# withdrawn case is closed without a decision: no finished_at, so statistics count it neither as
# finished nor in the on-time rate, and it is not running, so e-supervision no longer watches it.
WITHDRAWABLE_STATUSES = (
    CaseStatus.SUBMITTED,
    CaseStatus.ACCEPTED,
    CaseStatus.CORRECTION,
    CaseStatus.IN_REVIEW,
    CaseStatus.SUSPENDED,
)
WITHDRAWAL_REASON_MAX_LENGTH = 500
# Still being handled after acceptance: materials accepted as missing are followed up.
HANDLING_STATUSES = (
    CaseStatus.ACCEPTED,
    CaseStatus.IN_REVIEW,
    CaseStatus.SUSPENDED,
    CaseStatus.CORRECTION,
)


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")  # 网上
    MOBILE = "mobile", _("Mobile")  # 掌上
    COUNTER = "counter", _("Counter")  # 窗口


class SubjectType(models.TextChoices):
    PERSON = "person", _("Natural person")
    LEGAL = "legal", _("Legal person")


class ActingAs(models.TextChoices):
    SELF = "self", _("Self")  # 本人
    REPRESENTATIVE = "representative", _("Legal representative")  # 法定代表人
    AGENT = "agent", _("Authorised agent")  # 授权代办


class DeliveryMethod(models.TextChoices):
    COLLECTED = "collected", _("Collected in person")  # 窗口领取
    POSTED = "posted", _("Posted")  # 快递送达
    ELECTRONIC = "electronic", _("Electronic only")  # 电子证照, nothing to hand over


class Colour(models.TextChoices):
    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")


class Application(models.Model):
    """One case. `number` is its public identifier (the pk never leaves the platform); the
    matter version is the one the case began with, whatever is published later."""

    number = models.CharField(_("case number"), max_length=32, unique=True)
    matter_version = models.ForeignKey(
        "catalogue.MatterVersion",
        verbose_name=_("matter version"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    department = models.ForeignKey(
        "departments.Department",
        verbose_name=_("implementing department"),
        on_delete=models.PROTECT,
        related_name="applications",
        db_index=False,  # case_dept_status_idx starts with the department
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="applications",
        db_index=False,  # case_applicant_idx starts with the applicant
    )
    subject_type = models.CharField(_("subject type"), max_length=10, choices=SubjectType.choices)
    subject_id = models.CharField(
        _("subject ID"), max_length=18, help_text=_("Citizen ID number or USCC.")
    )
    subject_name = models.CharField(_("subject name"), max_length=200)
    acting_as = models.CharField(
        _("acting as"), max_length=20, choices=ActingAs.choices, default=ActingAs.SELF
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    intake_clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("intake clerk"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    intake_window = models.ForeignKey(
        "departments.Window",
        verbose_name=_("intake window"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.DRAFT
    )
    current_step = models.PositiveSmallIntegerField(
        _("current step"), default=0, help_text=_("Index into the matter version's steps.")
    )
    form_data = models.JSONField(_("form data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    deadline_on = models.DateField(_("deadline"), null=True, blank=True)
    deadline_provisional = models.BooleanField(
        _("deadline is provisional"),
        default=False,
        help_text=_("A year on the way has no official holiday arrangement yet."),
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    finished_on = models.DateField(_("finished on"), null=True, blank=True)
    trips = models.PositiveSmallIntegerField(_("trips in person"), default=0)
    not_accepted_reason = models.TextField(_("reason for not accepting"), blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.CharField(
        _("reason for withdrawal"), max_length=WITHDRAWAL_REASON_MAX_LENGTH, blank=True
    )
    licence_number = models.CharField(_("licence number"), max_length=100, blank=True)
    delivery_method = models.CharField(
        _("delivery"), max_length=12, choices=DeliveryMethod.choices, blank=True
    )
    tracking_number = models.CharField(_("tracking number"), max_length=50, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    bundle_ref = models.CharField(
        _("bundle"),
        max_length=64,
        blank=True,
        help_text=_("Set when the case is one part of a life-event bundle."),
    )

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at", "-id"]
        indexes = [
            # e-supervision: all running cases near or past their deadline (supervisors) ...
            models.Index(fields=["status", "deadline_on"], name="case_status_deadline_idx"),
            # ... and a department's own (department heads, department lists).
            models.Index(
                fields=["department", "status", "deadline_on"], name="case_dept_status_idx"
            ),
            models.Index(fields=["applicant", "-created_at"], name="case_applicant_idx"),
        ]

    def __str__(self):
        return self.number

    @property
    def steps(self) -> list[dict]:
        return list(self.matter_version.steps or [])

    @property
    def current_step_name(self) -> str:
        if self.status in (CaseStatus.ACCEPTED, CaseStatus.IN_REVIEW, CaseStatus.SUSPENDED):
            steps = self.steps
            if 0 <= self.current_step < len(steps):
                return steps[self.current_step]["name"]
        return ""

    @property
    def at_decision(self) -> bool:
        """All review steps before the last (the decision) are done."""
        return self.current_step >= max(len(self.steps) - 1, 0)


class CaseNumberSequence(models.Model):
    """The last serial used per number prefix (year and region), taken under a row lock."""

    prefix = models.CharField(_("prefix"), max_length=20, unique=True)
    last = models.PositiveIntegerField(_("last serial"), default=0)

    class Meta:
        verbose_name = _("case number sequence")
        verbose_name_plural = _("case number sequences")

    def __str__(self):
        return f"{self.prefix}: {self.last}"


def material_upload_to(instance, filename: str) -> str:
    """A random name under MEDIA_ROOT/cases/YYYY/MM/: nothing of the original name or the case
    is guessable from the path (files are served only through the access-checking view)."""
    from django.utils import timezone

    now = timezone.now()
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"cases/{now:%Y/%m}/{uuid.uuid4().hex}.{extension}"


class CaseMaterial(UploadedFile):
    """An uploaded file. `matter_material` says which guide material it answers (empty: an
    extra file). Later uploads for the same material are kept; the newest counts."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="materials",
    )
    matter_material = models.ForeignKey(
        "catalogue.MatterMaterial",
        verbose_name=_("material"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    file = models.FileField(_("file"), upload_to=material_upload_to, max_length=200)

    class Meta(UploadedFile.Meta):
        verbose_name = _("case material")
        verbose_name_plural = _("case materials")


class CaseEvent(models.Model):
    """One line of a case's history: who moved it from which status to which, and why."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("by (label)"), max_length=150, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    from_status = models.CharField(_("from"), max_length=16, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=CaseStatus.choices)
    step = models.CharField(_("step"), max_length=50, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.application_id} {self.from_status}→{self.to_status}"


class CaseCorrection(models.Model):
    """The one correction request (补正告知) of a case: every missing or faulty item at once.
    One-to-one, so a second request cannot exist."""

    application = models.OneToOneField(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="correction",
    )
    materials = models.ManyToManyField(
        "catalogue.MatterMaterial", verbose_name=_("materials to supply"), blank=True
    )
    note = models.TextField(_("what to correct"))
    from_status = models.CharField(_("status before"), max_length=16, choices=CaseStatus.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer_note = models.TextField(_("answer"), blank=True)

    class Meta:
        verbose_name = _("correction request")
        verbose_name_plural = _("correction requests")

    def __str__(self):
        return f"{self.application_id}: {self.note[:40]}"


class PauseKind(models.TextChoices):
    CORRECTION = "correction", _("Correction")  # 补正
    SUSPENSION = "suspension", _("Statutory suspension")  # 中止 (hearing, expert assessment...)


class CasePause(models.Model):
    """A stop of the clock. On resume the case's deadline moves later by `working_days`: the
    working days after `started_on` up to and including `ended_on`."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="pauses"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=PauseKind.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    working_days = models.PositiveSmallIntegerField(_("working days paused"), default=0)

    class Meta:
        verbose_name = _("clock stop")
        verbose_name_plural = _("clock stops")
        ordering = ["started_on", "id"]

    def __str__(self):
        return f"{self.kind} {self.started_on}–{self.ended_on or ''}"


class MissingMaterial(models.Model):
    """A tolerable material accepted as missing (容缺受理), to be supplied by `due_on`. The
    daily follow-up (tasks.missing_follow_up) reminds the applicant the working day before
    (`reminded_on`) and, once the date has passed, records it overdue (`overdue_on`) with, where
    the county keeps it so, a bad-conduct credit record for the broken commitment."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="missing_materials",
        db_index=False,
    )
    matter_material = models.ForeignKey(
        "catalogue.MatterMaterial",
        verbose_name=_("material"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    credit_grade = models.CharField(_("credit grade at acceptance"), max_length=1)
    due_on = models.DateField(_("supply by"))
    supplied_at = models.DateTimeField(_("supplied at"), null=True, blank=True)
    supplied_file = models.ForeignKey(
        CaseMaterial,
        verbose_name=_("supplied file"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    reminded_on = models.DateField(_("reminded on"), null=True, blank=True)
    overdue_on = models.DateField(_("found overdue on"), null=True, blank=True)
    credit_record = models.ForeignKey(
        "credit.CreditRecord",
        verbose_name=_("credit record"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("material accepted as missing")
        verbose_name_plural = _("materials accepted as missing")
        # The daily follow-up and the supervisors' list read the unsupplied ones by date.
        indexes = [
            models.Index(
                fields=["due_on"],
                name="missing_open_due_idx",
                condition=models.Q(supplied_at__isnull=True),
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "matter_material"], name="missingmaterial_once"
            )
        ]

    def __str__(self):
        return f"{self.matter_material_id} by {self.due_on}"


class NoticeKind(models.TextChoices):
    """The written notices the law asks for at intake and decision (办件文书): the applicant gets
    each once, with the department's seal and the date (行政许可法 art. 32, 38)."""

    ACCEPTANCE = "acceptance", _("Notice of acceptance")  # 受理通知书
    NON_ACCEPTANCE = "non_acceptance", _("Notice of non-acceptance")  # 不予受理通知书
    CORRECTION = "correction", _("Notice of materials to correct")  # 补正材料通知书（一次性告知）
    APPROVAL = "approval", _("Decision to approve")  # 准予许可（办理）决定书
    DENIAL = "denial", _("Decision not to approve")  # 不予许可（办理）决定书


# The suffix that makes a notice's number from its case's number (one notice per kind and case).
NOTICE_SUFFIXES = {
    NoticeKind.ACCEPTANCE: "SL",
    NoticeKind.NON_ACCEPTANCE: "BSL",
    NoticeKind.CORRECTION: "BZ",
    NoticeKind.APPROVAL: "ZY",
    NoticeKind.DENIAL: "BY",
}


class CaseNotice(models.Model):
    """A notice as it was issued: `content` holds the facts it states, frozen at issue, so that
    printing it again gives the same document after the guide or the case has moved on.
    `signature` is the department's e-seal over `signed_bytes()` (blank when the department has
    no signing key); anyone can check a notice at its public page, reached by its QR code."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    # No index of its own: the unique (application, kind) constraint starts with it.
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="notices",
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=16, choices=NoticeKind.choices)
    number = models.CharField(_("notice number"), max_length=40, unique=True)
    department = models.ForeignKey(
        "departments.Department",
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # case_notice_register starts with it
    )
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by (staff)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    content = models.JSONField(_("content"))
    signature = models.TextField(_("signature (base64)"), blank=True)
    key_id = models.CharField(_("key id"), max_length=64, blank=True)
    alg = models.CharField(_("algorithm"), max_length=16, blank=True)
    # Electronic service (电子送达): when the applicant first opened it.
    received_at = models.DateTimeField(_("opened by the applicant at"), null=True, blank=True)

    class Meta:
        verbose_name = _("case notice")
        verbose_name_plural = _("case notices")
        ordering = ["issued_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kind"], name="case_notice_once_per_kind"
            )
        ]
        # The department's notice register (文书台账), newest first.
        indexes = [models.Index(fields=["department", "-issued_at"], name="case_notice_register")]

    def __str__(self):
        return self.number

    def signed_bytes(self) -> bytes:
        """What the seal signs: number, kind, department, time and content, as canonical JSON."""
        return json.dumps(
            {
                "number": self.number,
                "kind": self.kind,
                "department": self.department.code,
                # In UTC, as the database gives it back, whatever zone it was set in.
                "issued_at": self.issued_at.astimezone(datetime.UTC).isoformat(),
                "content": self.content,
            },
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        ).encode()


class CommitmentOutcome(models.TextChoices):
    CONFIRMED = "confirmed", _("Found true")  # 核查属实
    UNTRUE = "untrue", _("Found untrue")  # 承诺不实


class CaseCommitment(models.Model):
    """A material the applicant replaced by the guide's written commitment (证明事项告知承诺),
    with the wording as committed to. The department checks it after acceptance, by
    `check_due_on`; an untrue commitment becomes a bad-conduct credit record."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="commitments",
        db_index=False,
    )
    matter_material = models.ForeignKey(
        "catalogue.MatterMaterial",
        verbose_name=_("material"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("commitment as made"))
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    made_at = models.DateTimeField(_("made at"), auto_now_add=True)
    check_due_on = models.DateField(_("check by"), null=True, blank=True)
    outcome = models.CharField(
        _("check outcome"), max_length=10, choices=CommitmentOutcome.choices, blank=True
    )
    note = models.TextField(_("check note"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    credit_record = models.ForeignKey(
        "credit.CreditRecord",
        verbose_name=_("credit record"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["made_at", "id"]
        # The reviewers' to-do list counts the unchecked ones by date.
        indexes = [
            models.Index(
                fields=["check_due_on"],
                name="commitment_open_due_idx",
                condition=models.Q(outcome=""),
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "matter_material"], name="casecommitment_once"
            )
        ]

    def __str__(self):
        return f"{self.matter_material_id} {self.outcome or 'open'}"
