"""The "Diagnostic partagé et évolution" section of the person page: latest diagnostic,
evolution chart + the same figures as a table, constant queries."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from relais.accounts.models import Membership
from relais.diagnostics.domains import Domain
from relais.diagnostics.models import Urgency
from relais.web.diagnostics.sections import SECTIONS, diagnostic
from tests.factories import DiagnosticFactory, DomainAssessmentFactory, PersonFactory
from tests.helpers import count_queries, login_verified, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(organisation, referent):
    return PersonFactory(organisation=organisation, referent=referent)


def request_for(user, organisation):
    request = RequestFactory().get("/")
    request.user = user
    request.membership = Membership.objects.get(user=user, organisation=organisation)
    request.organisation = organisation
    return request


def make_diagnostics(person, count: int, *, author=None):
    made = []
    for i in range(count):
        d = DiagnosticFactory(
            person=person,
            assessed_on=timezone.localdate() - timedelta(days=90 * (count - i)),
            **({"author": author} if author else {}),
        )
        for n, domain in enumerate(Domain):
            DomainAssessmentFactory(diagnostic=d, domain=domain, difficulty=(n + count - i) % 4)
        made.append(d)
    return made


def test_registered_under_the_diagnostic_key():
    (section,) = SECTIONS
    assert section.key == "diagnostic"
    assert section.title == "Diagnostic partagé et évolution"


def test_hidden_from_staff(person, staff_member, organisation):
    assert diagnostic(request_for(staff_member, organisation), person) is None


def test_without_diagnostic(person, referent, organisation):
    context = diagnostic(request_for(referent, organisation), person)
    html = render_to_string("diagnostics/sections/diagnostic.html", {"section": context})
    assert "Aucun diagnostic partagé pour l'instant." in html
    assert f"/personnes/{person.pk}/diagnostics/nouveau/" in html


def test_one_diagnostic_table_but_no_chart_yet(person, referent, organisation):
    make_diagnostics(person, 1)
    context = diagnostic(request_for(referent, organisation), person)
    assert context["chart"] == ""
    html = render_to_string("diagnostics/sections/diagnostic.html", {"section": context})
    assert "à partir du deuxième diagnostic" in html
    assert "<table>" in html


def test_latest_summary_chart_and_table(person, referent, organisation):
    old, new = make_diagnostics(person, 2)
    new.urgency_suggested = new.urgency = Urgency.HIGH
    new.urgency_reasons = ["Aucune ressource : aide d'urgence et ouverture des droits."]
    new.validated_with_person_on = new.assessed_on
    new.save()
    context = diagnostic(request_for(referent, organisation), person)
    assert context["latest"] == new
    html = render_to_string("diagnostics/sections/diagnostic.html", {"section": context})
    text = page_text(type("R", (), {"content": html.encode()}))
    assert "Urgent (sous 7 jours)" in text
    assert "Aucune ressource : aide d'urgence" in text
    assert f"Validé avec la personne le {new.assessed_on:%d/%m/%Y}" in text
    # Chart: accessible SVG; table: caption, column and row headers, same figures.
    assert 'role="img"' in html
    assert f'aria-labelledby="evolution-{person.pk}-titre evolution-{person.pk}-desc"' in html
    assert "style=" not in html
    assert "<caption>" in html
    assert html.count('<th scope="row">') == 12
    assert html.count('<th scope="col">') == 2 + 2
    row = re.search(r'<th scope="row">Santé</th>(.*?)</tr>', html, re.S).group(1)
    levels = [
        old.assessments.get(domain="health").difficulty,
        new.assessments.get(domain="health").difficulty,
    ]
    for level in levels:
        assert re.search(rf"<td>{level} (aucune|légère|importante|bloquante)</td>", row)
    # Links to each diagnostic.
    for d in (old, new):
        assert f"/personnes/{person.pk}/diagnostics/{d.pk}/" in html


def test_user_text_is_escaped(person, referent, organisation):
    d = DiagnosticFactory(
        person=person,
        urgency_suggested=Urgency.WATCH,
        urgency=Urgency.HIGH,
        urgency_override_reason="<script>alert(1)</script>",
    )
    DomainAssessmentFactory(diagnostic=d)
    context = diagnostic(request_for(referent, organisation), person)
    html = render_to_string("diagnostics/sections/diagnostic.html", {"section": context})
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_section_queries_do_not_grow_with_diagnostics(person, referent, organisation):
    request = request_for(referent, organisation)

    def render():
        context = diagnostic(request, person)
        render_to_string("diagnostics/sections/diagnostic.html", {"section": context})

    make_diagnostics(person, 1, author=referent)
    with_one = count_queries(render)
    make_diagnostics(person, 9, author=referent)
    with_ten = count_queries(render)
    assert with_one == with_ten <= 3


class TestPersonPage:
    """Through the whole person page (other sections included)."""

    def test_section_on_the_page_and_constant_queries(self, client, person, referent):
        login_verified(client, referent)
        make_diagnostics(person, 1, author=referent)
        response = client.get(f"/personnes/{person.pk}/")
        assert response.status_code == 200
        assert "Diagnostic partagé et évolution" in page_text(response)
        path = f"/personnes/{person.pk}/sections/diagnostic/"  # loaded when opened
        with_one = count_queries(lambda: client.get(path))
        make_diagnostics(person, 9, author=referent)
        response = client.get(path)
        assert page_text(response).count('scope="row"') >= 12
        assert 'role="img"' in page_text(response)
        with_ten = count_queries(lambda: client.get(path))
        assert with_ten == with_one

    def test_staff_does_not_see_the_section(self, client, person, staff_member):
        make_diagnostics(person, 2)
        login_verified(client, staff_member)
        response = client.get(f"/personnes/{person.pk}/")
        assert response.status_code == 200
        assert "Diagnostic partagé et évolution" not in page_text(response)
        assert "diagnostics/" not in page_text(response)
