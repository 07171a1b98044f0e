"""Closed cases to archive: the cases engine's fixtures, a licence type and a signing key, and
a case driven through the real services to delivery (notices sealed, e-licence issued)."""

import pytest

from onetrip.cases.tests.conftest import (  # noqa: F401 - fixtures
    citizen,
    clerk,
    draft_with,
    head,
    health,
    market,
    media_root,
    other_reviewer,
    publish,
    reviewer,
    supervisor,
    valid_form,
)
from onetrip.cases.tests.test_licence import licence_type  # noqa: F401 - fixture


@pytest.fixture
def archivist(staff_factory, market):  # noqa: F811 - the imported fixtures
    return staff_factory(roles=["archivist"]).user


@pytest.fixture
def sealing_key(market):  # noqa: F811
    from onetrip.signing.services import signing_key_create

    return signing_key_create(actor="cli:test", department=market)


@pytest.fixture
def delivered_case(publish, citizen, valid_form, clerk, reviewer, licence_type, sealing_key):  # noqa: F811
    """A licensing case applied for online with two uploads, accepted, reviewed, approved (the
    e-licence issued), its result issued and delivered electronically."""
    from onetrip.cases import services
    from onetrip.cases.tests.test_licence import _approved_ready

    case = _approved_ready(publish, citizen, valid_form, clerk, reviewer)
    case = services.case_approve(actor=reviewer, case=case)
    case = services.case_result_issue(actor=reviewer, case=case)
    return services.case_deliver(actor=clerk, case=case, method="electronic")


@pytest.fixture
def not_accepted_case(publish, citizen, valid_form, clerk):  # noqa: F811
    from onetrip.cases import services

    version = publish(matter_type="public_service")
    case = draft_with(version, citizen, valid_form)
    services.case_submit(actor=citizen, case=case)
    return services.case_not_accept(actor=clerk, case=case, reason="不属于本部门职权范围")
