"""One menu on every workbench page, showing what the roles allow."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def menu_links(client, path):
    page = client.get(path).content.decode()
    nav = page.split('<nav class="nav"', 1)[1].split("</nav>", 1)[0]
    return nav


def test_a_clerk_sees_intake_but_not_statistics(client, staff_factory):
    client.force_login(staff_factory(roles=("window_clerk",)).user)
    for path in (reverse("workbench:home"), reverse("casework:intake")):
        nav = menu_links(client, path)
        assert reverse("casework:intake") in nav
        assert reverse("statistics:page") not in nav
        assert reverse("workbench:grants") not in nav


def test_a_supervisor_sees_supervision_statistics_and_ratings_on_every_page(client, staff_factory):
    client.force_login(staff_factory(roles=("supervisor",)).user)
    for path in (reverse("workbench:home"), reverse("statistics:page")):
        nav = menu_links(client, path)
        for name in ("casework:supervision", "statistics:page", "ratingwork:list"):
            assert reverse(name) in nav
        assert reverse("casework:intake") not in nav
