"""A project's need linked to one of the needs observed on the organisation's territories
(`relais.territory`): offered in the form with its count, refused when unknown, shown with
its label on the project page and in the report."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from relais.core.errors import DomainError
from relais.projects import needs, services
from relais.projects.models import ProjectNeed
from relais.projects.printing import report_context
from tests.factories.diagnostics import DiagnosticFactory, DomainAssessmentFactory
from tests.factories.people import PersonFactory
from tests.factories.projects import ProjectFactory
from tests.factories.territory import VILLEURBANNE, PoolingAgreementFactory, TerritoryFactory
from tests.helpers import count_queries, page_text

pytestmark = pytest.mark.django_db


def diagnose(organisation, n, *, domain="housing", difficulty=2):
    for _ in range(n):
        person = PersonFactory(organisation=organisation, commune_code=VILLEURBANNE)
        diagnostic = DiagnosticFactory(person=person, assessed_on=timezone.localdate())
        DomainAssessmentFactory(diagnostic=diagnostic, domain=domain, difficulty=difficulty)


@pytest.fixture
def territory(organisation):
    PoolingAgreementFactory(organisation=organisation)
    diagnose(organisation, 6, domain="housing")
    diagnose(organisation, 2, domain="mobility", difficulty=3)
    diagnose(organisation, 3, domain="health", difficulty=1)  # not a significant difficulty
    return TerritoryFactory(organisation=organisation, name="Métropole Est")


def test_choices_are_the_domains_observed_on_the_organisations_territories(
    territory, organisation, other_organisation
):
    theirs = TerritoryFactory(organisation=other_organisation)  # not ours
    found = needs.choices(organisation.pk)
    assert [key for key, _label in found] == [f"{territory.pk}:housing", f"{territory.pk}:mobility"]
    labels = dict(found)
    assert labels[f"{territory.pk}:housing"].startswith(
        "Métropole Est — Logement et hébergement : 6 "
    )
    assert "< 5 personnes" in labels[f"{territory.pk}:mobility"]  # small count suppressed
    # The figures are pooled: the other organisation sees them on its own territory.
    assert {key.split(":")[0] for key, _ in needs.choices(other_organisation.pk)} == {
        str(theirs.pk)
    }


def test_need_linked_to_an_observed_need(territory, organisation, referent):
    project = ProjectFactory(organisation=organisation)
    key = f"{territory.pk}:housing"
    need = services.need_add(project=project, actor=referent, observed_need=key)
    assert need.observed_need == key
    assert needs.label(key) == (
        "Métropole Est — Logement et hébergement (difficulté importante ou bloquante)"
    )


@pytest.mark.parametrize(
    "key",
    ["nope", "999999:housing", "1:not-a-domain", ":housing", "{t}:health", "{other}:housing"],
)
def test_unknown_observed_need_refused(territory, organisation, other_organisation, referent, key):
    other = TerritoryFactory(organisation=other_organisation)
    key = key.format(t=territory.pk, other=other.pk)
    project = ProjectFactory(organisation=organisation)
    with pytest.raises(DomainError, match="Besoin observé inconnu") as error:
        services.need_add(project=project, actor=referent, observed_need=key)
    assert error.value.field == "observed_need"
    assert not ProjectNeed.objects.exists()


def test_form_offers_it_and_the_page_and_report_show_its_label(
    territory, organisation, referent_client
):
    project = ProjectFactory(organisation=organisation)
    url = reverse("projects:part_add", args=[project.pk, "besoin"])
    form = page_text(referent_client.get(url))
    assert "Besoin observé sur le territoire" in form
    assert f'value="{territory.pk}:housing"' in form
    # Bad input: a key that is not offered is refused by the form, the text typed is kept.
    response = referent_client.post(
        url,
        {
            "observed_need": f"{territory.pk}:health",
            "text": "Logement des jeunes",
            "submission": "",
        },
    )
    assert response.status_code == 200 and not ProjectNeed.objects.exists()
    assert "Logement des jeunes" in page_text(response)
    response = referent_client.post(
        url, {"observed_need": f"{territory.pk}:housing", "text": "", "submission": ""}
    )
    assert response.status_code == 302
    detail = page_text(referent_client.get(reverse("projects:detail", args=[project.pk])))
    assert "Besoin observé" in detail
    assert "Métropole Est — Logement et hébergement (difficulté importante ou bloquante)" in detail
    assert report_context(project)["needs"] == [
        "Besoin observé : Métropole Est — Logement et hébergement "
        "(difficulté importante ou bloquante)"
    ]


def test_labels_of_many_needs_in_one_query(territory, organisation, referent_client):
    project = ProjectFactory(organisation=organisation)
    for domain in ("housing", "mobility"):
        ProjectNeed.objects.create(project=project, observed_need=f"{territory.pk}:{domain}")
    assert count_queries(lambda: needs.labels([n.observed_need for n in project.needs.all()])) == 2
