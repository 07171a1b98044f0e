"""The matter catalogue: service matters (政务服务事项), their versioned service guides (办事指南),
materials, form schemas and life events (一件事).

A `Matter` is the stable identity (事项编码 + implementing department). Everything a person reads
in the guide lives on a `MatterVersion`; a published version never changes (services refuse to
edit it), an edit makes a new draft, and publishing makes that draft the matter's current
version. Running applications keep a reference to the version they began with.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class MatterType(models.TextChoices):
    LICENSING = "licensing", _("Administrative licensing")  # 行政许可
    BENEFIT = "benefit", _("Administrative benefit")  # 行政给付
    CONFIRMATION = "confirmation", _("Administrative confirmation")  # 行政确认
    PUBLIC_SERVICE = "public_service", _("Public service")  # 公共服务
    OTHER = "other", _("Other")  # 其他


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("Natural person")  # 自然人
    LEGAL = "legal", _("Legal person")  # 法人
    BOTH = "both", _("Natural or legal person")


class RequiredLevel(models.TextChoices):
    L1 = "L1", _("L1 registered")
    L2 = "L2", _("L2 real-name verified")
    L3 = "L3", _("L3 verified in person")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class MaterialForm(models.TextChoices):
    ORIGINAL = "original", _("Original")  # 原件
    COPY = "copy", _("Copy")  # 复印件
    ELECTRONIC = "electronic", _("Electronic")  # 电子


class Prefill(models.TextChoices):
    """What the platform already knows and fills into a form field (少填: the applicant checks
    it instead of typing it): the signed-in applicant's verified identity, or the legal person
    they act for."""

    APPLICANT_NAME = "applicant.name", _("Applicant's name")
    APPLICANT_ID_NUMBER = "applicant.id_number", _("Applicant's citizen ID number")
    APPLICANT_PHONE = "applicant.phone", _("Applicant's mobile phone")
    ENTITY_NAME = "entity.name", _("Legal person's name")
    ENTITY_USCC = "entity.uscc", _("Legal person's unified social credit code")
    ENTITY_REPRESENTATIVE = "entity.legal_representative", _("Legal representative's name")


class MaterialSource(models.TextChoices):
    NONE = "none", _("Supplied by the applicant")
    LICENCE = "licence", _("Pulled from an e-licence")
    REGISTRY = "registry", _("Pulled from shared data")


class FieldType(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choice")
    ID_NUMBER = "id_number", _("Citizen ID number")
    PHONE = "phone", _("Mobile phone")
    USCC = "uscc", _("Unified social credit code")


class Matter(models.Model):
    """One service matter, by its stable code (事项编码), run by one implementing department."""

    code = models.CharField(_("matter code"), max_length=64, unique=True)
    department = models.ForeignKey(
        "departments.Department",
        verbose_name=_("implementing department"),
        on_delete=models.PROTECT,
        related_name="matters",
    )
    catalog_code = models.CharField(
        _("basic catalogue code"),
        max_length=64,
        blank=True,
        help_text=_(
            "The provincial or national basic code (基本编码) this matter was claimed from."
        ),
    )
    current_version = models.ForeignKey(
        "MatterVersion",
        verbose_name=_("current published version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("service matter")
        verbose_name_plural = _("service matters")
        ordering = ["code"]

    def __str__(self):
        return self.code


class MatterVersion(models.Model):
    """One version of a matter's service guide. Immutable once published."""

    matter = models.ForeignKey(
        Matter,
        verbose_name=_("matter"),
        on_delete=models.PROTECT,
        related_name="versions",
        db_index=False,
    )
    number = models.PositiveIntegerField(_("version number"))
    status = models.CharField(
        _("status"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    name = models.CharField(_("matter name"), max_length=200)
    matter_type = models.CharField(_("matter type"), max_length=20, choices=MatterType.choices)
    applicant_kind = models.CharField(
        _("who may apply"), max_length=10, choices=ApplicantKind.choices
    )
    keywords = models.CharField(
        _("keywords"),
        max_length=300,
        blank=True,
        help_text=_("Everyday words people search with, separated by spaces."),
    )
    accept_condition = models.TextField(_("acceptance conditions"), blank=True)
    legal_days = models.PositiveIntegerField(_("legal time limit (working days)"))
    promised_days = models.PositiveIntegerField(_("promised time limit (working days)"))
    max_trips = models.PositiveSmallIntegerField(_("trips in person (at most)"), default=1)
    online = models.BooleanField(_("can be applied for online"), default=True)
    mobile_ready = models.BooleanField(_("can be finished on a phone"), default=False)
    counter = models.BooleanField(_("can be applied for at a counter"), default=True)
    is_fee = models.BooleanField(_("charges a fee"), default=False)
    fee_description = models.CharField(_("fee"), max_length=500, blank=True)
    steps = models.JSONField(_("department steps"), default=list, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    consult_phone = models.CharField(_("consultation phone"), max_length=50, blank=True)
    complaint_phone = models.CharField(_("complaint phone"), max_length=50, blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    required_level = models.CharField(
        _("required assurance level"),
        max_length=2,
        choices=RequiredLevel.choices,
        default=RequiredLevel.L2,
    )
    result_name = models.CharField(_("result"), max_length=200, blank=True)
    licence_type_code = models.CharField(_("licence type code"), max_length=64, blank=True)
    form_schema = models.JSONField(_("form fields"), default=list, blank=True)
    is_secret = models.BooleanField(_("secret (not listed publicly)"), default=False)
    search_text = models.TextField(_("search tokens"), blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("matter version")
        verbose_name_plural = _("matter versions")
        ordering = ["matter", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["matter", "number"], name="matterversion_unique_number"
            ),
            models.UniqueConstraint(
                fields=["matter"],
                condition=Q(status="draft"),
                name="matterversion_one_draft_per_matter",
            ),
            models.CheckConstraint(
                condition=Q(promised_days__lte=models.F("legal_days")),
                name="matterversion_promised_within_legal",
            ),
        ]

    def __str__(self):
        return f"{self.name} v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.status == VersionStatus.PUBLISHED


class MatterMaterial(models.Model):
    """A material (申请材料) the applicant supplies, or that is pulled from shared data."""

    version = models.ForeignKey(
        MatterVersion,
        verbose_name=_("matter version"),
        on_delete=models.CASCADE,
        related_name="materials",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("material name"), max_length=200)
    form = models.CharField(_("form"), max_length=12, choices=MaterialForm.choices)
    copies = models.PositiveSmallIntegerField(_("copies"), default=1)
    is_required = models.BooleanField(_("required"), default=True)
    source = models.CharField(
        _("source"), max_length=10, choices=MaterialSource.choices, default=MaterialSource.NONE
    )
    source_ref = models.CharField(
        _("source reference"),
        max_length=100,
        blank=True,
        help_text=_("An e-licence type code, or a shared-data field such as POP-BASE.id_number."),
    )
    # Data minimisation (PIPL art. 6): an ID-only pull keeps the field named in source_ref and
    # these, nothing else of the record.
    source_fields = models.JSONField(
        _("shared-data fields needed"),
        default=list,
        blank=True,
        help_text=_("Further fields of the same dataset the handling needs, e.g. name, address."),
    )
    is_tolerable = models.BooleanField(
        _("may be supplied later (tolerated missing)"), default=False
    )
    # 证明事项告知承诺制 (State Council General Office, 2020 No. 42): a proof the applicant may
    # replace with a written commitment, checked by the department afterwards.
    commitment = models.TextField(
        _("commitment wording"),
        blank=True,
        help_text=_(
            "If given, the applicant may make this written commitment instead of supplying the "
            "material (告知承诺); the department checks it afterwards."
        ),
    )

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["version", "position", "id"]

    def __str__(self):
        return self.name

    @property
    def dataset_code(self) -> str:
        """The shared dataset a registry material comes from ("" for other sources)."""
        if self.source != MaterialSource.REGISTRY:
            return ""
        return self.source_ref.partition(".")[0]

    @property
    def dataset_fields(self) -> list[str]:
        """The fields an ID-only pull keeps: the one source_ref names, then source_fields."""
        if self.source != MaterialSource.REGISTRY:
            return []
        named = self.source_ref.partition(".")[2]
        return list(dict.fromkeys([named, *self.source_fields] if named else self.source_fields))


class LifeEvent(models.Model):
    """A life event (一件事) on the catalogue side: a named set of matters applied for together.
    Merging their forms belongs to the cases engine."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    applicant_kind = models.CharField(
        _("who may apply"), max_length=10, choices=ApplicantKind.choices, default=ApplicantKind.BOTH
    )
    matters = models.ManyToManyField(
        Matter, verbose_name=_("matters"), blank=True, related_name="life_events"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("life event")
        verbose_name_plural = _("life events")
        ordering = ["position", "code"]

    def __str__(self):
        return self.name
