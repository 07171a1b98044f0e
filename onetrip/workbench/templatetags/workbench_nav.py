"""One workbench menu for every staff page, showing what the user's roles allow."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from onetrip.accounts import policies
from onetrip.licences import policies as licence_policies

register = template.Library()

# (url name, label, permissions of which one is needed (empty: any staff), view names that mark
#  the item current)
MENU = [
    ("workbench:home", _("Overview"), (), {"workbench:home"}),
    (
        "casework:list",
        _("Cases"),
        ("cases.view",),
        {"casework:list", "casework:detail", "casework:form"},
    ),
    ("casework:intake", _("Intake"), ("cases.intake",), {"casework:intake"}),
    ("appointmentwork:day", _("Appointments"), ("cases.intake",), {"appointmentwork:day"}),
    ("casework:notices", _("Notice register"), ("cases.view",), {"casework:notices"}),
    (
        "bundlework:list",
        _("Life-event bundles"),
        ("cases.view",),
        {"bundlework:list", "bundlework:detail", "bundlework:form"},
    ),
    (
        "licencework:list",
        _("E-licences"),
        (licence_policies.VIEW_PERMISSION,),
        {"licencework:list", "licencework:detail", "licencework:revoke"},
    ),
    ("casework:supervision", _("E-supervision"), ("supervision.view",), {"casework:supervision"}),
    (
        "ratingwork:list",
        _("Service ratings"),
        ("ratings.answer", "supervision.view"),
        {"ratingwork:list", "ratingwork:follow_up"},
    ),
    ("statistics:page", _("Statistics"), ("supervision.view",), {"statistics:page"}),
    (
        "workbench:departments",
        _("Departments"),
        (),
        {"workbench:departments", "workbench:department"},
    ),
    (
        "datasetwork:list",
        _("Data catalogue"),
        (),
        {
            "datasetwork:list",
            "datasetwork:detail",
            "datasetwork:edit",
            "datasetwork:create",
            "datasetwork:fields",
            "datasetwork:import",
        },
    ),
    (
        "paymentwork:list",
        _("Payments"),
        ("payments.collect", "payments.view_all"),
        {"paymentwork:list", "paymentwork:detail", "paymentwork:reconciliation"},
    ),
    (
        "archivework:list",
        _("E-archive"),
        ("archive.view",),
        {"archivework:list", "archivework:detail"},
    ),
    ("creditwork:page", _("Public credit"), ("credit.record",), {"creditwork:page"}),
    ("workbench:people", _("People lookup"), ("accounts.verify_in_person",), {"workbench:people"}),
    (
        "exchangework:grants",
        _("Data sharing exchange"),
        ("exchange.approve", "exchange.request"),
        {"exchangework:grants", "exchangework:usage"},
    ),
    (
        "datarequestwork:list",
        _("Open-data requests"),
        ("datasets.edit",),
        {"datarequestwork:list", "datarequestwork:detail"},
    ),
    (
        "objectionswork:list",
        _("Data objections"),
        ("datasets.edit", "objections.oversee"),
        {"objectionswork:list", "objectionswork:detail", "objectionswork:decide"},
    ),
    (
        "workbench:grants",
        _("Visibility grants"),
        ("accounts.grant_department",),
        {"workbench:grants"},
    ),
]


@register.inclusion_tag("workbench/includes/nav.html", takes_context=True)
def workbench_nav(context):
    request = context["request"]
    allowed = policies.permissions_of(request.user)
    current = getattr(request.resolver_match, "view_name", "")
    items = [
        {"url": reverse(name), "label": label, "current": current in marks}
        for name, label, permissions, marks in MENU
        if not permissions or allowed.intersection(permissions)
    ]
    return {"items": items}
