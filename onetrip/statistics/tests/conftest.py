from onetrip.ratings.tests.conftest import (  # noqa: F401 - fixtures
    case_factory,
    citizen,
    clerk,
    head,
    health,
    market,
    media_root,
    other_reviewer,
    publish,
    reviewer,
    supervisor,
    version,
)
