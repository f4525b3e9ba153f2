"""The dashboard pages and the export pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from relais.core.models import AccessLogEntry
from relais.reporting.models import ReportExport
from tests.factories import MembershipFactory, PersonFactory
from tests.factories.reporting import reporting_world
from tests.helpers import count_queries, login_verified, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return reporting_world()


PERIOD = {"debut": "2026-01-01", "fin": "2026-06-30"}


def client_of(client, membership):
    login_verified(client, membership.user)
    return client


def test_manager_sees_the_organisation_dashboard_with_small_counts_hidden(client, world):
    response = client_of(client, world.manager).get(reverse("reporting:organisation"), PERIOD)
    assert response.status_code == 200
    text = page_text(response)
    assert "Personnes suivies" in text
    assert "< 5" in text
    assert "Comment est-ce calculé ?" in text
    assert "Secret statistique" in text


def test_referent_sees_own_caseload_figures(client, world):
    response = client_of(client, world.r1).get(reverse("reporting:caseload"), PERIOD)
    assert response.status_code == 200
    table = response.context["blocks"][0][1][0][0]
    assert [c.text for c in table.lines[0].cells] == ["2"]
    assert "Secret statistique" not in page_text(response)


def test_referent_may_not_open_the_organisation_dashboard(client, world):
    response = client_of(client, world.r1).get(reverse("reporting:organisation"), PERIOD)
    assert response.status_code == 403


def test_staff_has_no_dashboard(client, world):
    staff = MembershipFactory(organisation=world.org, role="staff")
    response = client_of(client, staff).get(reverse("reporting:home"))
    assert response.status_code == 403


def test_home_opens_the_first_dashboard_of_the_role(client, world):
    response = client_of(client, world.r1).get(reverse("reporting:home"))
    assert response.url == reverse("reporting:caseload")


def test_default_period_is_the_year_so_far(client, world):
    response = client_of(client, world.manager).get(reverse("reporting:organisation"))
    assert response.status_code == 200
    assert response.context["filter"].start.month == 1
    assert response.context["filter"].start.day == 1


def test_period_ending_before_it_starts_is_a_french_error(client, world):
    response = client_of(client, world.manager).get(
        reverse("reporting:organisation"), {"debut": "2026-06-30", "fin": "2026-01-01"}
    )
    assert response.status_code == 200
    assert "ne peut pas précéder son début" in page_text(response)
    assert response.context["blocks"] == []


def test_a_referent_of_another_organisation_is_refused_and_journaled(client, world):
    stranger = MembershipFactory(role="referent").user
    response = client_of(client, world.manager).get(
        reverse("reporting:organisation"), {**PERIOD, "referent": stranger.pk}
    )
    assert response.status_code == 403
    entry = AccessLogEntry.objects.get(action="denied", target_id=str(stranger.pk))
    assert entry.target_type == "accounts.user"


def test_filter_by_referent(client, world):
    response = client_of(client, world.manager).get(
        reverse("reporting:organisation"), {**PERIOD, "referent": world.r2.user_id}
    )
    assert response.status_code == 200
    assert response.context["filter"].referent_id == world.r2.user_id


def test_yearly_comparison_shows_both_periods(client, world):
    response = client_of(client, world.r1).get(
        reverse("reporting:caseload"), {**PERIOD, "comparer": "on"}
    )
    text = page_text(response)
    assert "Un an plus tôt" in text
    assert "01/01/2025" in text
    assert 'data-testid="table-persons_followed-precedente"' in response.content.decode()


def test_team_dashboard(client, world):
    response = client_of(client, world.team).get(reverse("reporting:team"), PERIOD)
    assert response.status_code == 200
    keys = {t.key for _s, pairs in response.context["blocks"] for t, _p in pairs}
    assert "ruptures" not in keys and "persons_followed" in keys


def test_dashboard_queries_do_not_grow_with_the_persons(client, world):
    c = client_of(client, world.manager)
    url = reverse("reporting:organisation")
    before = count_queries(lambda: c.get(url, PERIOD))
    for _ in range(15):
        PersonFactory(organisation=world.org, referent=world.r1.user)
    after = count_queries(lambda: c.get(url, PERIOD))
    assert before == after


def test_export_flow(client, world, django_capture_on_commit_callbacks):
    c = client_of(client, world.manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(
            reverse("reporting:export_create"),
            {**PERIOD, "scope": "structure", "kind": "figures_xlsx"},
        )
    export = ReportExport.objects.get()
    assert response.url == reverse("reporting:export", args=[export.pk])
    page = c.get(response.url)
    assert "Télécharger" in page_text(page)
    download = c.get(reverse("reporting:export_download", args=[export.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert AccessLogEntry.objects.filter(action="export", target_id=str(export.pk)).exists()
    progress = c.get(reverse("reporting:export_progress", args=[export.pk]), HTTP_HX_REQUEST="true")
    assert progress["HX-Refresh"] == "true"


def test_export_asked_twice_is_one_job(client, world):
    c = client_of(client, world.manager)
    data = {**PERIOD, "scope": "structure", "kind": "activity_pdf"}
    first = c.post(reverse("reporting:export_create"), data)
    second = c.post(reverse("reporting:export_create"), data, follow=True)
    assert ReportExport.objects.count() == 1
    assert first.url == second.redirect_chain[0][0]
    assert "déjà en cours" in page_text(second)
    assert "Export en préparation" in page_text(second)


def test_participants_export_lists_missing_fields_on_the_page(
    client, world, django_capture_on_commit_callbacks
):
    c = client_of(client, world.manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(
            reverse("reporting:export_create"),
            {**PERIOD, "dispositif": "rsa", "scope": "structure", "kind": "participants_xlsx"},
        )
    text = page_text(c.get(response.url))
    assert "Champs demandés par le financeur manquants" in text
    assert "Niveau de formation" in text


def test_participants_export_without_scheme_is_refused_in_french(client, world):
    c = client_of(client, world.manager)
    response = c.post(
        reverse("reporting:export_create"),
        {**PERIOD, "scope": "structure", "kind": "participants_csv"},
        follow=True,
    )
    assert "Choisissez le dispositif" in page_text(response)
    assert not ReportExport.objects.exists()


def test_an_export_of_someone_else_is_not_found(client, world, django_capture_on_commit_callbacks):
    owner = client_of(client, world.manager)
    owner.post(
        reverse("reporting:export_create"),
        {**PERIOD, "scope": "structure", "kind": "figures_csv"},
    )
    export = ReportExport.objects.get()
    other = client_of(client.__class__(), world.r1)
    assert other.get(reverse("reporting:export", args=[export.pk])).status_code == 404
    assert other.get(reverse("reporting:export_download", args=[export.pk])).status_code == 404


def test_the_caseload_figures_take_one_query_per_table_read_and_do_not_grow(world):
    """The référent's dashboard: the indicators that read the same table share one query
    (14 in all for 18 indicators), whatever the number of persons and records."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from relais.reporting import selectors
    from relais.reporting.filters import Scope
    from tests.factories import AppointmentFactory, NoteFactory, PathwayFactory
    from tests.factories.reporting import TODAY, period

    def figures():
        with CaptureQueriesContext(connection) as queries:
            selectors.dashboard(world.r1, Scope.CASELOAD, period(), today=TODAY)
        return len(queries)

    before = figures()
    assert before == CASELOAD_FIGURE_QUERIES
    for _ in range(5):
        person = PersonFactory(organisation=world.org, referent=world.r1.user)
        PathwayFactory(person=person, referent=world.r1.user)
        NoteFactory(person=person, author=world.r1.user)
        AppointmentFactory(person=person, with_user=world.r1.user)
    assert figures() == before


CASELOAD_FIGURE_QUERIES = 16


def test_team_dashboard_offers_no_commune_or_age_filter(client, world):
    c = client_of(client, world.team)
    response = c.get(reverse("reporting:team"), {**PERIOD, "commune": "75056", "age": "55-plus"})
    assert response.status_code == 200
    form = response.context["form"]
    assert "commune" not in form.fields and "age" not in form.fields
    assert response.context["filter"].commune_code == ""
    assert response.context["filter"].age_band == ""


def test_fewer_than_five_persons_show_a_message_and_no_figure(client, world):
    c = client_of(client, world.manager)
    response = c.get(reverse("reporting:organisation"), {**PERIOD, "commune": "59350"})
    assert response.status_code == 200
    assert response.context["blocks"] == []
    text = page_text(response)
    assert (
        "Moins de 5 personnes correspondent à ces filtres : les chiffres ne sont pas affichés "
        "pour protéger leur anonymat." in text
    )
    compared = c.get(
        reverse("reporting:organisation"), {**PERIOD, "commune": "59350", "comparer": "on"}
    )
    assert compared.context["blocks"] == []


def test_beyond_the_caseload_a_period_must_be_whole_months(client, world):
    c = client_of(client, world.manager)
    response = c.get(
        reverse("reporting:organisation"), {"debut": "2026-01-03", "fin": "2026-06-15"}
    )
    assert response.status_code == 200
    assert response.context["blocks"] == []
    text = page_text(response)
    assert "la période doit couvrir des mois entiers" in text
    assert "01/01/2026" in text and "30/06/2026" in text
    # The référent's own caseload takes any dates.
    own = client_of(client, world.r1).get(
        reverse("reporting:caseload"), {"debut": "2026-01-03", "fin": "2026-06-15"}
    )
    assert own.context["blocks"]


def test_a_csv_participants_export_does_not_promise_a_second_sheet(
    client, world, django_capture_on_commit_callbacks
):
    c = client_of(client, world.manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(
            reverse("reporting:export_create"),
            {**PERIOD, "dispositif": "rsa", "scope": "structure", "kind": "participants_csv"},
        )
    text = page_text(c.get(response.url))
    assert "Champs demandés par le financeur manquants" in text
    assert "sa feuille" not in text
    assert "la liste est ci-dessous" in text
