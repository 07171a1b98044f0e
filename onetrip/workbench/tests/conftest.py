"""The cases engine's fixtures (a published matter, a window clerk of its department) for the
counter intake the workbench's people page leads back to."""

from onetrip.cases.tests.conftest import (  # noqa: F401 - fixtures
    clerk,
    market,
    publish,
    reviewer,
    supervisor,
)
