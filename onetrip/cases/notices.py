"""Written notices (办件文书): the acceptance notice, the notice of non-acceptance, the one-time
notice of what to correct, and the decisions to approve and not to approve.

The law asks for each in writing, sealed and dated (行政许可法 art. 32 and 38; 一次性告知).
`notice_issue` freezes the facts a notice states and seals them with the department's key
inside the transition that causes it; the text is worded when the notice is read or printed,
so that it follows the reader's language."""

import base64
import datetime
import io

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from onetrip.core.errors import DomainError
from onetrip.core.pdf import cjk_font, draw_qr
from onetrip.datasets.masking import mask
from onetrip.datasets.models import MaskingRule
from onetrip.regions.models import RegionLevel
from onetrip.signing import services as signing

from .models import NOTICE_SUFFIXES, Application, CaseNotice, NoticeKind, SubjectType


def _day(value) -> str:
    """A date as the notice prints it, in the reader's format (zh: 2026年11月29日)."""
    date = datetime.date.fromisoformat(value) if isinstance(value, str) else value
    return formats.date_format(date, "DATE_FORMAT")


def _facts(case: Application) -> dict:
    """What every notice states about its case, as it stands when the notice is issued."""
    version = case.matter_version
    submitted = timezone.localdate(case.submitted_at) if case.submitted_at else None
    return {
        "case_number": case.number,
        "matter_name": version.name,
        "matter_type": version.matter_type,
        "subject_type": case.subject_type,
        "subject_name": case.subject_name,
        "subject_id": case.subject_id,
        "submitted_on": submitted.isoformat() if submitted else "",
        "department_name": case.department.name,
        "region_name": _remedy_region(case.department.region).name,
        "phone": version.consult_phone or case.department.phone,
    }


def _remedy_region(region):
    """The county (or higher) whose government and court hear appeals against the department:
    a town's departments answer to their county's."""
    while region.level in (RegionLevel.TOWN, RegionLevel.VILLAGE) and region.parent_id:
        region = region.parent
    return region


def notice_issue(case: Application, *, kind: str, actor, **facts) -> CaseNotice:
    """Issue the case's notice of `kind` (once per kind), sealed with the department's newest
    key. A department without a key still issues its notices, unsealed: the public check page
    then vouches for them alone."""
    notice = CaseNotice(
        application=case,
        kind=kind,
        number=f"{case.number}-{NOTICE_SUFFIXES[kind]}",
        department=case.department,
        issued_at=timezone.now(),
        issued_by=actor if getattr(actor, "user_type", "") == "staff" else None,
        content={**_facts(case), **facts},
    )
    notice_seal(notice)
    notice.save(force_insert=True)
    return notice


def notice_seal(notice: CaseNotice) -> None:
    """Sign the notice as it stands with its department's newest key (not saved here); without
    a key it stays unsealed."""
    try:
        signature, key_id, alg = signing.sign(notice.department, notice.signed_bytes())
    except DomainError as error:
        if error.code != "signing.no_active_key":
            raise
        notice.signature, notice.key_id, notice.alg = "", "", ""
        return
    notice.signature, notice.key_id, notice.alg = base64.b64encode(signature).decode(), key_id, alg


def notice_pdf_response(notice: CaseNotice, *, user, case: Application) -> HttpResponse:
    """The notice as a PDF answer, never cached on the way; the applicant's first one is its
    electronic service (notice_opened). The caller got the case through case_get (audited)."""
    response = HttpResponse(notice_pdf(notice), content_type="application/pdf")
    notice_opened(notice, user=user, case=case)
    response["Content-Disposition"] = f'inline; filename="{notice.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def notice_opened(notice: CaseNotice, *, user, case: Application) -> None:
    """Record the first time the applicant opens the notice: its electronic service (电子送达),
    which staff can point to. Staff opening it change nothing."""
    if notice.received_at is None and user.pk == case.applicant_id:
        notice.received_at = timezone.now()
        CaseNotice.objects.filter(pk=notice.pk, received_at__isnull=True).update(
            received_at=notice.received_at
        )


def notice_sealed_ok(notice: CaseNotice) -> bool:
    """Does the seal still match what the notice says (False when it has none)?"""
    if not notice.signature:
        return False
    try:
        signature = base64.b64decode(notice.signature, validate=True)
    except ValueError:
        return False
    return signing.verify(notice.key_id, notice.signed_bytes(), signature)


def notice_title(notice: CaseNotice) -> str:
    """A licensing matter's decisions carry the law's own titles (准予/不予行政许可决定书)."""
    if notice.content.get("matter_type") == "licensing":
        if notice.kind == NoticeKind.APPROVAL:
            return _("Decision to grant the administrative licence")
        if notice.kind == NoticeKind.DENIAL:
            return _("Decision not to grant the administrative licence")
    return str(NoticeKind(notice.kind).label)


def check_url(notice: CaseNotice) -> str:
    """The public page that the notice's QR code opens."""
    return settings.ONETRIP_SITE_URL + reverse("cases:notice_check", args=[notice.public_id])


def _remedy(content: dict) -> str:
    """Where the applicant may turn (行政复议法 art. 20: sixty days; 行政诉讼法 art. 46: six
    months), to the government and the court of the department's own region."""
    region = content["region_name"]
    return _(
        "If you disagree with this decision, you may apply to %(government)s for administrative "
        "reconsideration within sixty days of learning of it, or bring an administrative "
        "lawsuit before %(court)s within six months of learning of it."
    ) % {
        "government": _("the People's Government of %(region)s") % {"region": region},
        "court": _("the People's Court of %(region)s") % {"region": region},
    }


def _acceptance(c: dict) -> list[str]:
    lines = [
        _(
            "Your application for “%(matter)s” (case number %(case)s), received on "
            "%(submitted)s, has been examined: its materials are complete and in the statutory "
            "form. This authority accepted it on %(accepted)s."
        )
        % {
            "matter": c["matter_name"],
            "case": c["case_number"],
            "submitted": _day(c["submitted_on"]),
            "accepted": _day(c["accepted_on"]),
        },
        _(
            "We promise to finish it within %(days)d working days counted from the day after "
            "acceptance, that is by %(deadline)s. Time for correction and for statutory "
            "suspensions (hearings, testing, expert review and the like) is not counted."
        )
        % {"days": c["promised_days"], "deadline": _day(c["deadline_on"])},
    ]
    if c.get("deadline_provisional"):
        lines.append(
            _(
                "That year's public holidays are not published yet: the date is counted on "
                "weekends alone and may move when they are."
            )
        )
    for item in c.get("tolerated", []):
        lines.append(
            _("Accepted with this material missing; please supply it by %(date)s: %(name)s.")
            % {"date": _day(item["due_on"]), "name": item["name"]}
        )
    for item in c.get("committed", []):
        lines.append(
            _(
                "Accepted on your written commitment in place of this material, which this "
                "authority will check by %(date)s: %(name)s. An untrue commitment is recorded in "
                "your credit file, and what was granted on it may be revoked."
            )
            % {"date": _day(item["check_due_on"]), "name": item["name"]}
        )
    return lines


def _non_acceptance(c: dict) -> list[str]:
    return [
        _(
            "Your application for “%(matter)s” (case number %(case)s), received on "
            "%(submitted)s, has been examined. This authority decided not to accept it, for this "
            "reason: %(reason)s"
        )
        % {
            "matter": c["matter_name"],
            "case": c["case_number"],
            "submitted": _day(c["submitted_on"]),
            "reason": c["reason"],
        },
        _remedy(c),
    ]


def _correction(c: dict) -> list[str]:
    lines = [
        _(
            "Your application for “%(matter)s” (case number %(case)s), received on "
            "%(submitted)s, has been examined: its materials are incomplete or not in the "
            "statutory form. Everything that must be corrected is listed here, at once:"
        )
        % {
            "matter": c["matter_name"],
            "case": c["case_number"],
            "submitted": _day(c["submitted_on"]),
        },
        c["note"],
    ]
    if c.get("materials"):
        lines.append(_("Materials to supply: %(names)s.") % {"names": "、".join(c["materials"])})
    lines.append(
        _(
            "Please send the corrections under “My applications” or bring them to the counter. "
            "The time until we receive them is not counted in the time limit."
        )
    )
    return lines


def _approval(c: dict) -> list[str]:
    lines = [
        _(
            "Your application for “%(matter)s” (case number %(case)s), accepted on "
            "%(accepted)s, has been examined and meets the statutory conditions and standards. "
            "This authority decided to approve it."
        )
        % {
            "matter": c["matter_name"],
            "case": c["case_number"],
            "accepted": _day(c["accepted_on"]),
        }
    ]
    if c.get("licence_number"):
        lines.append(
            _(
                "The e-licence “%(result)s” (number %(licence)s) is issued to you; you can see, "
                "show and download it in your licence wallet."
            )
            % {"result": c["result_name"], "licence": c["licence_number"]}
        )
    elif c.get("result_name"):
        lines.append(_("Result: %(result)s.") % {"result": c["result_name"]})
    if c.get("note"):
        lines.append(_("Note: %(note)s") % {"note": c["note"]})
    return lines


def _denial(c: dict) -> list[str]:
    return [
        _(
            "Your application for “%(matter)s” (case number %(case)s), accepted on "
            "%(accepted)s, has been examined. This authority decided not to approve it, for this "
            "reason: %(reason)s"
        )
        % {
            "matter": c["matter_name"],
            "case": c["case_number"],
            "accepted": _day(c["accepted_on"]),
            "reason": c["reason"],
        },
        _remedy(c),
    ]


BODIES = {
    NoticeKind.ACCEPTANCE: _acceptance,
    NoticeKind.NON_ACCEPTANCE: _non_acceptance,
    NoticeKind.CORRECTION: _correction,
    NoticeKind.APPROVAL: _approval,
    NoticeKind.DENIAL: _denial,
}


def notice_text(notice: CaseNotice) -> dict:
    """The notice worded for reading: title, number, addressee, paragraphs, signer and date."""
    content = notice.content
    paragraphs = BODIES[NoticeKind(notice.kind)](content)
    if content.get("phone"):
        if notice.kind in (NoticeKind.ACCEPTANCE, NoticeKind.CORRECTION):  # still being handled
            line = _(
                "You can follow its progress with the case number under “My applications”, or "
                "ask by telephone at %(phone)s."
            )
        else:
            line = _("For questions, telephone %(phone)s.")
        paragraphs.append(line % {"phone": content["phone"]})
    id_label = (
        _("Unified social credit code")
        if content["subject_type"] == SubjectType.LEGAL
        else _("Citizen ID number")
    )
    return {
        "title": notice_title(notice),
        "number": notice.number,
        "addressee": _("%(name)s (%(id_label)s %(id)s):")
        % {"name": content["subject_name"], "id_label": id_label, "id": content["subject_id"]},
        "paragraphs": paragraphs,
        "signer": content["department_name"],
        "date": _day(timezone.localdate(notice.issued_at)),
    }


def addressee_masked(notice: CaseNotice) -> str:
    """The addressee as the public check page shows it (a person's name masked)."""
    name = notice.content["subject_name"]
    if notice.content["subject_type"] == SubjectType.LEGAL:
        return name
    return mask(name, MaskingRule.NAME)


def notice_pdf(notice: CaseNotice) -> bytes:
    """An A4 page in the form of an official notice, with the seal's key and the QR code of the
    public check page."""
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    font = cjk_font()
    text = notice_text(notice)
    base = ParagraphStyle("body", fontName=font, fontSize=12, leading=21, wordWrap="CJK")
    styles = {
        "title": ParagraphStyle("title", parent=base, fontSize=20, leading=30, alignment=TA_CENTER),
        "number": ParagraphStyle("number", parent=base, fontSize=10.5, alignment=TA_CENTER),
        "body": ParagraphStyle("para", parent=base, firstLineIndent=24),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=12),
    }
    if notice.signature:
        seal = _(
            "Sealed electronically by %(department)s (%(alg)s, key %(key)s). Scan the code to "
            "check this notice."
        ) % {"department": text["signer"], "alg": notice.alg, "key": notice.key_id}
    else:
        seal = _("Scan the code to check this notice.")
    story = [
        Paragraph(_escape(text["title"]), styles["title"]),
        Paragraph(_escape(_("No. %(number)s") % {"number": text["number"]}), styles["number"]),
        Spacer(1, 8 * mm),
        Paragraph(_escape(text["addressee"]), base),
        *[Paragraph(_escape(p), styles["body"]) for p in text["paragraphs"]],
        Spacer(1, 10 * mm),
        _signature_block(text["signer"], text["date"], font=font, sealed=bool(notice.signature)),
    ]
    buffer = io.BytesIO()
    width = A4[0]
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=25 * mm,
        bottomMargin=50 * mm,
        title=text["number"],
        subject=text["title"],
        author=text["signer"],
    )

    def footer(canvas, _document):
        size = 28 * mm
        draw_qr(canvas, check_url(notice), x=width - 25 * mm - size, y=15 * mm, size=size)
        note = Paragraph(_escape(seal), styles["small"])
        _w, h = note.wrap(width - 55 * mm - size, size)
        note.drawOn(canvas, 25 * mm, 15 * mm + size - h)

    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def _signature_block(signer: str, date: str, *, font: str, sealed: bool):
    """The department's name and the date at the right, under a round red seal when the notice
    is sealed (the look of 加盖印章; what makes it binding is the signature the QR code checks)."""
    import math

    from reportlab.lib.colors import Color
    from reportlab.lib.units import mm
    from reportlab.platypus import Flowable

    red = Color(0.82, 0.1, 0.1, alpha=0.85)

    class SignatureBlock(Flowable):
        def wrap(self, available_width, _available_height):
            self.width = available_width
            return available_width, 42 * mm

        def draw(self):
            canvas = self.canv
            canvas.setFont(font, 12)
            right = self.width
            canvas.drawRightString(right, 24 * mm, signer)
            canvas.drawRightString(right, 17 * mm, date)
            if sealed:
                centre = right - canvas.stringWidth(signer, font, 12) / 2
                self._seal(canvas, centre, 21 * mm, 19 * mm)

        def _seal(self, canvas, x, y, radius):
            canvas.saveState()
            canvas.setStrokeColor(red)
            canvas.setFillColor(red)
            canvas.setLineWidth(1.6)
            canvas.circle(x, y, radius, stroke=1, fill=0)
            star = [
                (
                    x
                    + (5 * mm if i % 2 == 0 else 2 * mm) * math.cos(math.pi / 2 + i * math.pi / 5),
                    y
                    + (5 * mm if i % 2 == 0 else 2 * mm) * math.sin(math.pi / 2 + i * math.pi / 5),
                )
                for i in range(10)
            ]
            path = canvas.beginPath()
            path.moveTo(*star[0])
            for point in star[1:]:
                path.lineTo(*point)
            path.close()
            canvas.drawPath(path, stroke=0, fill=1)
            # The name runs clockwise along the upper arc, each character upright to the centre.
            count = max(len(signer), 1)
            span = min(260.0, 36.0 * count)
            text_radius = radius - 5.5 * mm
            size = min(14.0, math.radians(span) * text_radius / count * 0.9)
            step = span / max(count - 1, 1)
            canvas.setFont(font, size)
            for index, character in enumerate(signer):
                angle = math.radians(90 + span / 2 - index * step)
                canvas.saveState()
                canvas.translate(
                    x + text_radius * math.cos(angle), y + text_radius * math.sin(angle)
                )
                canvas.rotate(math.degrees(angle) - 90)
                canvas.drawCentredString(0, -size / 3, character)
                canvas.restoreState()
            canvas.restoreState()

    return SignatureBlock()


def _escape(value: str) -> str:
    """Paragraph takes a little markup; the notice's text is plain."""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
