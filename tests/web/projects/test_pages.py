"""The projects pages: each renders for a référent, with a fixed number of queries whatever
the number of rows; forms report errors and keep input; staff reads but does not write."""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from relais.core.models import AccessLogEntry
from relais.projects.models import Attendance, BudgetLine, Enrolment, Project, Session
from tests.factories import OrganisationFactory
from tests.factories.projects import (
    AttendanceFactory,
    BudgetLineFactory,
    EnrolmentFactory,
    ObjectiveFactory,
    ProjectFactory,
    SessionFactory,
    TaskFactory,
    WorkshopFactory,
    depends,
)
from tests.helpers import count_queries, login_verified, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(organisation):
    return ProjectFactory(organisation=organisation)


def test_project_list_query_count(referent_client, organisation):
    ProjectFactory.create_batch(3, organisation=organisation)
    few = count_queries(lambda: referent_client.get(reverse("projects:list")))
    ProjectFactory.create_batch(20, organisation=organisation)
    response = referent_client.get(reverse("projects:list"))
    assert response.status_code == 200
    assert count_queries(lambda: referent_client.get(reverse("projects:list"))) == few


def test_project_detail_query_count(referent_client, project, organisation):
    def batch(n):
        for _ in range(n):
            ObjectiveFactory(project=project, indicator="")
            BudgetLineFactory(project=project)

    batch(2)
    url = reverse("projects:detail", args=[project.pk])
    few = count_queries(lambda: referent_client.get(url))
    batch(15)
    response = referent_client.get(url)
    assert response.status_code == 200
    assert "À préciser : indicateur" in page_text(response)
    assert count_queries(lambda: referent_client.get(url)) == few


def test_plan_page_query_count_and_gantt(referent_client, project):
    def batch(n):
        tasks = [TaskFactory(project=project) for _ in range(n)]
        for a, b in itertools.pairwise(tasks):
            depends(a, b)

    batch(3)
    url = reverse("projects:plan", args=[project.pk])
    few = count_queries(lambda: referent_client.get(url))
    batch(30)
    response = referent_client.get(url)
    text = page_text(response)
    assert "<svg" in text and "Diagramme de Gantt" in text
    assert "Chemin critique" in text
    assert count_queries(lambda: referent_client.get(url)) == few


def test_budget_page_warns_then_balances(referent_client, project):
    url = reverse("projects:budget", args=[project.pk])
    BudgetLineFactory(project=project, amount=Decimal("1000"))
    assert "Budget non équilibré" in page_text(referent_client.get(url))
    response = referent_client.post(
        url,
        {
            "kind": "resource",
            "label": "Subvention",
            "amount": "1000",
            "funder": "CAF",
            "funding_status": "secured",
        },
    )
    assert response.status_code == 302
    assert "Budget équilibré" in page_text(referent_client.get(url))


def test_budget_form_reports_every_error_and_keeps_input(referent_client, project):
    url = reverse("projects:budget", args=[project.pk])
    response = referent_client.post(
        url,
        {"kind": "resource", "label": "Subvention du département", "amount": "-5", "funder": ""},
    )
    text = page_text(response)
    assert "ne peut pas être négatif" in text
    assert "Indiquez le financeur" in text
    assert "Indiquez si le financement est acquis ou demandé" in text
    assert 'value="Subvention du département"' in text
    assert not BudgetLine.objects.exists()


def test_project_create_once_per_submission(referent_client):
    data = {
        "title": "Jardin partagé",
        "purpose": "Rompre l'isolement",
        "submission": "jeton-unique-123",
    }
    first = referent_client.post(reverse("projects:create"), data)
    second = referent_client.post(reverse("projects:create"), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Project.objects.count() == 1


def test_staff_reads_but_cannot_write(client, staff_member, project):
    login_verified(client, staff_member)
    assert client.get(reverse("projects:detail", args=[project.pk])).status_code == 200
    assert client.get(reverse("projects:create")).status_code == 403
    assert (
        client.post(reverse("projects:budget", args=[project.pk]), {"kind": "expense"}).status_code
        == 403
    )


def test_other_organisation_project_is_not_found(referent_client):
    other = ProjectFactory(organisation=OrganisationFactory())
    assert referent_client.get(reverse("projects:detail", args=[other.pk])).status_code == 404


def test_dependency_cycle_message_shown(referent_client, project):
    a, b = (
        TaskFactory(project=project, title="Concevoir"),
        TaskFactory(project=project, title="Lancer"),
    )
    depends(a, b)
    response = referent_client.post(
        reverse("projects:dependency_add", args=[project.pk]),
        {"predecessor": b.pk, "successor": a.pk},
        follow=True,
    )
    assert "boucle" in page_text(response)


def test_evaluation_page_suppresses_small_counts(referent_client, project, organisation):
    workshop = WorkshopFactory(organisation=organisation, project=project)
    EnrolmentFactory.create_batch(3, workshop=workshop)
    response = referent_client.get(reverse("projects:evaluation", args=[project.pk]))
    text = page_text(response)
    assert "&lt; 5" in response.content.decode() or "< 5" in text
    assert "3" not in text.split("Participants inscrits aux ateliers du projet")[1][:40]


def test_report_pdf(referent_client, project):
    ObjectiveFactory(project=project)
    TaskFactory(project=project)
    response = referent_client.get(reverse("projects:report_pdf", args=[project.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_workshop_detail_query_count_and_journal(referent_client, organisation, referent):
    workshop = WorkshopFactory(organisation=organisation)
    session = SessionFactory(workshop=workshop, past=True, facilitator=referent)

    def batch(n):
        for enrolment in EnrolmentFactory.create_batch(n, workshop=workshop):
            AttendanceFactory(session=session, enrolment=enrolment)

    batch(2)
    url = reverse("projects:workshop_detail", args=[workshop.pk])
    few = count_queries(lambda: referent_client.get(url))
    batch(12)
    response = referent_client.get(url)
    assert response.status_code == 200
    assert count_queries(lambda: referent_client.get(url)) == few
    assert AccessLogEntry.objects.filter(action="list", target_type="projects.enrolment").exists()


def test_staff_sees_workshop_without_participants(client, staff_member, organisation):
    workshop = WorkshopFactory(organisation=organisation)
    enrolment = EnrolmentFactory(workshop=workshop)
    login_verified(client, staff_member)
    response = client.get(reverse("projects:workshop_detail", args=[workshop.pk]))
    assert response.status_code == 200
    assert enrolment.person.birth_name.upper() not in page_text(response)


def test_enrol_page_and_post(referent_client, organisation, referent):
    from tests.factories import PathwayFactory, PersonFactory

    workshop = WorkshopFactory(organisation=organisation)
    SessionFactory(workshop=workshop, facilitator=referent)
    persons = [PersonFactory(organisation=organisation, referent=referent) for _ in range(3)]
    for p in persons:
        PathwayFactory(person=p, referent=referent)
    url = reverse("projects:enrol", args=[workshop.pk])
    assert persons[0].display_name in page_text(referent_client.get(url))
    response = referent_client.post(url, {"persons": [p.pk for p in persons]})
    assert "Confirmez que chaque personne" in page_text(response)
    response = referent_client.post(
        url, {"persons": [p.pk for p in persons], "consent_confirmed": "on"}
    )
    assert response.status_code == 302
    assert Enrolment.objects.count() == 3


def test_attendance_page_keeps_input_when_someone_saved_first(
    client, referent, manager, organisation
):
    workshop = WorkshopFactory(organisation=organisation)
    session = SessionFactory(workshop=workshop, past=True, facilitator=referent)
    a, b = EnrolmentFactory.create_batch(2, workshop=workshop)
    url = reverse("projects:attendance", args=[workshop.pk, session.pk])
    login_verified(client, manager)
    client.post(url, {"version": 1, f"presence-{a.pk}": "present", f"presence-{b.pk}": "present"})
    login_verified(client, referent)
    response = client.post(
        url, {"version": 1, f"presence-{a.pk}": "absent", f"presence-{b.pk}": "excused"}
    )
    text = page_text(response)
    assert "Modifié entre-temps" in text
    assert (
        f'id="presence-{b.pk}-excused" name="presence-{b.pk}" value="excused" checked'
        in response.content.decode()
    )
    assert set(Attendance.objects.values_list("status", flat=True)) == {"present"}


def test_attendance_sheet_pdf_is_journaled(referent_client, organisation, referent):
    workshop = WorkshopFactory(organisation=organisation)
    session = SessionFactory(workshop=workshop, facilitator=referent)
    EnrolmentFactory.create_batch(3, workshop=workshop)
    response = referent_client.get(
        reverse("projects:attendance_sheet", args=[workshop.pk, session.pk])
    )
    assert response.content.startswith(b"%PDF")
    assert AccessLogEntry.objects.filter(action="export", target_type="projects.session").exists()


def test_calendar_month_query_count_and_ics(referent_client, organisation, referent):
    workshop = WorkshopFactory(organisation=organisation)
    start = timezone.now().replace(day=10, hour=9)
    SessionFactory(workshop=workshop, facilitator=referent, starts_at=start)
    url = reverse("projects:calendar")
    few = count_queries(lambda: referent_client.get(url))
    for i in range(15):
        SessionFactory(
            workshop=WorkshopFactory(organisation=organisation),
            facilitator=referent,
            starts_at=start + dt.timedelta(hours=i),
        )
    response = referent_client.get(url)
    assert workshop.title in page_text(response)
    assert count_queries(lambda: referent_client.get(url)) == few
    assert referent_client.get(url + "?vue=semaine").status_code == 200
    ics = referent_client.get(reverse("projects:calendar_ics"))
    assert b"BEGIN:VCALENDAR" in ics.content and workshop.title.encode() in ics.content
    assert Session.objects.count() == 16


@pytest.mark.parametrize(
    ("typed", "expected"), [("1250,50", "1250.50"), ("1250.50", "1250.50"), ("80", "80")]
)
def test_budget_amount_accepts_a_decimal_comma(typed, expected):
    from decimal import Decimal

    from relais.web.projects.forms import BudgetLineForm

    form = BudgetLineForm(
        {
            "kind": "expense",
            "label": "Salle",
            "amount": typed,
            "category": BudgetLineForm.base_fields["category"].choices[1][0],
            "submission": "x" * 32,
        }
    )
    form.is_valid()
    assert "amount" not in form.errors, form.errors
    assert form.cleaned_data["amount"] == Decimal(expected)


def test_budget_amount_that_is_not_a_number_is_refused_in_french():
    from relais.web.projects.forms import BudgetLineForm

    form = BudgetLineForm({"kind": "expense", "label": "Salle", "amount": "mille"})
    assert not form.is_valid()
    assert form.errors["amount"] == ["Le montant doit être un nombre (ex. 1250,50)."]
