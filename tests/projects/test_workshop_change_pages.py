"""Pages that change a workshop once it exists: the design and a session edited (every error
at once, input kept after a colleague's save), a session cancelled, a person withdrawn; who
may open them (403 / 404); the workshop page and the calendar with cancelled sessions and
withdrawn persons (no N+1); the task table of the report PDF."""

import datetime as dt
import io
import itertools

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from relais.core.models import AccessLogEntry
from relais.pathways.models import Step, StepStatus
from relais.projects import workshop_changes, workshops
from relais.projects.models import Enrolment, Session
from relais.projects.printing import report_context
from tests.factories import MembershipFactory, OrganisationFactory, PathwayFactory, PersonFactory
from tests.factories.projects import (
    AttendanceFactory,
    EnrolmentFactory,
    ProjectFactory,
    SessionFactory,
    TaskFactory,
    WorkshopFactory,
    depends,
)
from tests.helpers import count_queries, login_verified, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def workshop(organisation):
    return WorkshopFactory(organisation=organisation, title="Oser l'entretien")


def enrolled(workshop, referent, n=1):
    persons = []
    for _ in range(n):
        person = PersonFactory(organisation=workshop.organisation, referent=referent)
        PathwayFactory(person=person, referent=referent)
        persons.append(person)
    return workshops.enrol(
        workshop=workshop, actor=referent, persons=persons, consent_confirmed=True
    )


def session_post(session, **changes) -> dict:
    local = timezone.localtime(session.starts_at)
    data = {
        "day": local.date().isoformat(),
        "starts": local.strftime("%H:%M"),
        "ends": timezone.localtime(session.ends_at).strftime("%H:%M"),
        "place": session.place,
        "facilitator": session.facilitator_id,
        "capacity": session.capacity,
        "version": session.version,
    }
    data.update(changes)
    return data


# --- Reachable from the workshop page ------------------------------------------------------


def test_workshop_page_links_to_the_new_pages(referent_client, workshop, referent):
    session = SessionFactory(workshop=workshop, facilitator=referent)
    (enrolment,) = enrolled(workshop, referent)
    text = page_text(referent_client.get(reverse("projects:workshop_detail", args=[workshop.pk])))
    for url in (
        reverse("projects:workshop_update", args=[workshop.pk]),
        reverse("projects:session_update", args=[workshop.pk, session.pk]),
        reverse("projects:session_cancel", args=[workshop.pk, session.pk]),
        reverse("projects:enrolment_withdraw", args=[workshop.pk, enrolment.pk]),
    ):
        assert f'href="{url}"' in text


def test_staff_sees_no_change_link(client, staff_member, workshop, referent):
    SessionFactory(workshop=workshop, facilitator=referent)
    login_verified(client, staff_member)
    text = page_text(client.get(reverse("projects:workshop_detail", args=[workshop.pk])))
    assert "Modifier la conception" not in text and "/annuler/" not in text


# --- Who may open them ---------------------------------------------------------------------


def _urls(workshop, session, enrolment) -> list[str]:
    return [
        reverse("projects:workshop_update", args=[workshop.pk]),
        reverse("projects:session_update", args=[workshop.pk, session.pk]),
        reverse("projects:session_cancel", args=[workshop.pk, session.pk]),
        reverse("projects:enrolment_withdraw", args=[workshop.pk, enrolment.pk]),
    ]


def test_staff_gets_403_and_changes_nothing(client, staff_member, workshop, referent):
    session = SessionFactory(workshop=workshop, facilitator=referent)
    (enrolment,) = enrolled(workshop, referent)
    login_verified(client, staff_member)
    for url in _urls(workshop, session, enrolment):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"reason": "x", "version": 1}).status_code == 403, url
    session.refresh_from_db()
    enrolment.refresh_from_db()
    assert not session.is_cancelled and not enrolment.is_withdrawn


def test_another_organisation_gets_404(client, workshop, referent):
    session = SessionFactory(workshop=workshop, facilitator=referent)
    (enrolment,) = enrolled(workshop, referent)
    outsider = MembershipFactory(organisation=OrganisationFactory(), role="manager").user
    login_verified(client, outsider)
    for url in _urls(workshop, session, enrolment):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"reason": "x", "version": 1}).status_code == 404, url
    assert not Session.objects.get(pk=session.pk).is_cancelled


def test_a_session_or_enrolment_of_another_workshop_is_404(referent_client, workshop, referent):
    other = WorkshopFactory(organisation=workshop.organisation)
    session = SessionFactory(workshop=other, facilitator=referent)
    enrolment = EnrolmentFactory(workshop=other)
    for url in (
        reverse("projects:session_update", args=[workshop.pk, session.pk]),
        reverse("projects:session_cancel", args=[workshop.pk, session.pk]),
        reverse("projects:enrolment_withdraw", args=[workshop.pk, enrolment.pk]),
    ):
        assert referent_client.get(url).status_code == 404, url


# --- The design ----------------------------------------------------------------------------


def test_design_edit_reports_every_error_at_once_and_keeps_input(referent_client, workshop):
    url = reverse("projects:workshop_update", args=[workshop.pk])
    assert "Savoir se présenter" in page_text(referent_client.get(url))
    response = referent_client.post(
        url,
        {
            "title": "",
            "objectives": "x" * 3001,
            "duration_hours": "abc",
            "methods": "Jeux de rôle",
            "version": 1,
        },
    )
    text = page_text(response)
    assert response.status_code == 200
    errors = text.split('data-testid="error-links"')[1].split("</ul>")[0]
    assert errors.count("<li>") == 3
    assert "Ce champ est obligatoire" in errors  # the title
    assert "au plus 3000 caractères" in errors  # the objectives
    assert "Indiquez la durée en heures" in errors
    assert "Jeux de rôle" in text
    workshop.refresh_from_db()
    assert workshop.version == 1


def test_design_edit_saved_then_stale_kept(client, workshop, referent, manager):
    url = reverse("projects:workshop_update", args=[workshop.pk])
    data = {
        "title": "Oser l'entretien d'embauche",
        "objectives": "Se présenter.",
        "duration_hours": "7,5",
        "content": "Pitch",
        "methods": "Mises en situation",
        "materials": "",
        "evaluation": "Grille",
        "version": 1,
    }
    login_verified(client, manager)
    assert client.post(url, data).status_code == 302
    login_verified(client, referent)
    response = client.post(url, {**data, "methods": "Ma version à moi"})
    text = page_text(response)
    assert "Modifié entre-temps" in text and "Ma version à moi" in text
    assert 'name="version" value="2"' in text
    workshop.refresh_from_db()
    assert (workshop.methods, str(workshop.duration_hours)) == ("Mises en situation", "7.5")


# --- A session -------------------------------------------------------------------------------


def test_session_edit_every_error_at_once(referent_client, workshop, referent):
    session = SessionFactory(workshop=workshop, facilitator=referent, capacity=10)
    enrolled(workshop, referent, 3)
    url = reverse("projects:session_update", args=[workshop.pk, session.pk])
    response = referent_client.post(
        url, session_post(session, ends="00:30", starts="23:00", place="", capacity=2)
    )
    text = page_text(response)
    assert "La fin de la séance doit suivre son début." in text
    assert "3 personnes sont déjà inscrites" in text
    assert "Ce champ est obligatoire" in text or "Indiquez" in text  # the place
    session.refresh_from_db()
    assert session.capacity == 10


def test_session_edit_saved_and_stale_kept(client, workshop, referent, manager):
    session = SessionFactory(workshop=workshop, facilitator=referent)
    url = reverse("projects:session_update", args=[workshop.pk, session.pk])
    login_verified(client, manager)
    assert client.post(url, session_post(session, place="Salle 4")).status_code == 302
    login_verified(client, referent)
    response = client.post(url, session_post(session, place="Salle 9"))
    text = page_text(response)
    assert "Modifié entre-temps" in text and "Salle 9" in text
    assert "Séance enregistrée actuellement" in text and "Salle 4" in text
    session.refresh_from_db()
    assert session.place == "Salle 4"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"day": "31/02/2027"}, "Cette date n'existe pas"),
        ({"starts": "25:00"}, "Heure illisible"),
        ({"capacity": "dix"}, "nombre entier"),
        ({"capacity": "0"}, "supérieure ou égale à 1"),
        ({"place": "x" * 201}, "200 caractères"),
        ({"version": ""}, "obligatoire"),
    ],
)
def test_session_edit_bad_input(referent_client, workshop, referent, changes, message):
    session = SessionFactory(workshop=workshop, facilitator=referent)
    url = reverse("projects:session_update", args=[workshop.pk, session.pk])
    response = referent_client.post(url, session_post(session, **changes))
    assert response.status_code == 200
    assert message in page_text(response)


# --- Cancelling and withdrawing ---------------------------------------------------------------


def test_cancel_page_asks_the_reason_then_cancels(referent_client, workshop, referent):
    session = SessionFactory(workshop=workshop, facilitator=referent)
    (enrolment,) = enrolled(workshop, referent)
    url = reverse("projects:session_cancel", args=[workshop.pk, session.pk])
    assert "1 personne inscrite" in page_text(referent_client.get(url))
    response = referent_client.post(url, {"reason": "", "version": 1})
    assert "Indiquez le motif" in page_text(response)
    response = referent_client.post(url, {"reason": "Salle inondée", "version": 1}, follow=True)
    text = page_text(response)
    assert "annulée" in text and "Salle inondée" in text
    assert Step.objects.get(pk=enrolment.step_id).status == StepStatus.CANCELLED
    # Cancelled: no attendance sheet nor page any more, no second cancel, no edit.
    for name in ("attendance_sheet", "attendance", "session_cancel", "session_update"):
        response = referent_client.get(reverse(f"projects:{name}", args=[workshop.pk, session.pk]))
        assert response.status_code == 302, name


def test_reinstate_button_on_the_workshop_page(client, referent_client, workshop, referent):
    session = SessionFactory(workshop=workshop, facilitator=referent)
    past = SessionFactory(workshop=workshop, facilitator=referent, past=True)
    (enrolment,) = enrolled(workshop, referent)
    for cancelled in (session, past):
        workshop_changes.session_cancel(
            session=cancelled, actor=referent, expected_version=1, reason="Salle inondée"
        )
    page = referent_client.get(reverse("projects:workshop_detail", args=[workshop.pk]))
    body = page.content.decode()
    assert f'data-testid="session-reinstate-{session.pk}"' in body
    assert f'data-testid="session-reinstate-{past.pk}"' not in body  # a past one stays
    url = reverse("projects:session_reinstate", args=[workshop.pk, session.pk])
    assert referent_client.get(url).status_code == 405
    stale = referent_client.post(url, {"version": 1}, follow=True)
    assert "modifiée depuis l'affichage" in page_text(stale)
    assert Session.objects.get(pk=session.pk).is_cancelled
    done = referent_client.post(url, {"version": 2}, follow=True)
    assert "rétablie" in page_text(done)
    assert not Session.objects.get(pk=session.pk).is_cancelled
    assert Step.objects.get(pk=enrolment.step_id).status == StepStatus.PLANNED
    again = referent_client.post(url, {"version": 3}, follow=True)
    assert "n'est pas annulée" in page_text(again)
    refused = referent_client.post(
        reverse("projects:session_reinstate", args=[workshop.pk, past.pk]),
        {"version": 2},
        follow=True,
    )
    assert "une séance passée ne se rétablit pas" in page_text(refused)


def test_reinstate_refused_to_staff_and_outsiders(client, staff_member, workshop, referent):
    session = SessionFactory(workshop=workshop, facilitator=referent)
    workshop_changes.session_cancel(
        session=session, actor=referent, expected_version=1, reason="Grève"
    )
    url = reverse("projects:session_reinstate", args=[workshop.pk, session.pk])
    login_verified(client, staff_member)
    assert client.post(url, {"version": 2}).status_code == 403
    outsider = MembershipFactory(organisation=OrganisationFactory(), role="manager").user
    login_verified(client, outsider)
    assert client.post(url, {"version": 2}).status_code == 404
    assert Session.objects.get(pk=session.pk).is_cancelled


def test_withdraw_page_then_history(referent_client, workshop, referent):
    SessionFactory(workshop=workshop, facilitator=referent)
    (enrolment,) = enrolled(workshop, referent)
    url = reverse("projects:enrolment_withdraw", args=[workshop.pk, enrolment.pk])
    assert enrolment.person.display_name in page_text(referent_client.get(url))
    assert "Indiquez le motif" in page_text(referent_client.post(url, {"reason": ""}))
    response = referent_client.post(url, {"reason": "A repris un emploi"}, follow=True)
    text = page_text(response)
    assert "sa place est libérée" in text
    assert "Désinscriptions (historique)" in text and "A repris un emploi" in text
    assert "Participants (0)" in text
    assert AccessLogEntry.objects.filter(
        action="update", summary__contains="désinscription de l'atelier"
    ).exists()
    # Sent twice: told, nothing more.
    response = referent_client.post(url, {"reason": "Encore"}, follow=True)
    assert "déjà désinscrite" in page_text(response)
    assert Enrolment.objects.get(pk=enrolment.pk).withdrawal_reason == "A repris un emploi"


# --- Lists with cancelled sessions and withdrawn persons: no N+1 -------------------------------


def test_workshop_page_query_count_with_cancelled_and_withdrawn(
    referent_client, workshop, referent
):
    past = SessionFactory(workshop=workshop, past=True, facilitator=referent)

    def batch(n):
        for enrolment in EnrolmentFactory.create_batch(n, workshop=workshop):
            AttendanceFactory(session=past, enrolment=enrolment)
        for enrolment in EnrolmentFactory.create_batch(n, workshop=workshop):
            workshop_changes.enrolment_withdraw(enrolment=enrolment, actor=referent, reason="x")
        for _ in range(n):
            session = SessionFactory(workshop=workshop, facilitator=referent)
            workshop_changes.session_cancel(
                session=session, actor=referent, expected_version=1, reason="Reporté"
            )

    batch(1)
    url = reverse("projects:workshop_detail", args=[workshop.pk])
    few = count_queries(lambda: referent_client.get(url))
    batch(8)
    text = page_text(referent_client.get(url))
    assert text.count(">Annulée</p>") == 9
    assert count_queries(lambda: referent_client.get(url)) == few


def test_calendar_shows_cancelled_sessions(referent_client, workshop, referent):
    start = timezone.now().replace(day=10, hour=9, minute=0)
    kept = SessionFactory(workshop=workshop, facilitator=referent, starts_at=start)
    gone = SessionFactory(
        workshop=workshop, facilitator=referent, starts_at=start + dt.timedelta(hours=3)
    )
    workshop_changes.session_cancel(
        session=gone, actor=referent, expected_version=1, reason="Salle fermée"
    )
    url = reverse("projects:calendar") + f"?jour={timezone.localdate(start).isoformat()}"
    text = page_text(referent_client.get(url))
    assert "2 séances, dont 1 annulée" in text
    assert text.count('data-testid="calendar-cancelled"') == 1
    assert kept.place in text


# --- The report PDF's task table ----------------------------------------------------------------


def test_report_has_the_task_table_beside_the_gantt(referent_client, organisation, referent):
    project = ProjectFactory(organisation=organisation)
    today = timezone.localdate()
    a = TaskFactory(project=project, title="Trouver le terrain", owner=referent)
    b = TaskFactory(
        project=project,
        title="Préparer les parcelles",
        owner_name="Association Graines",
        starts_on=today - dt.timedelta(days=20),
        ends_on=today - dt.timedelta(days=10),
    )
    depends(a, b)
    for x, y in itertools.pairwise([TaskFactory(project=project) for _ in range(3)]):
        depends(x, y)
    html = render_to_string("projects/report_pdf.html", report_context(project))
    table = html.split("Tâches du plan d'action (mêmes données que le diagramme)")[1]
    for text in (
        "Trouver le terrain",
        "Association Graines",
        f"{b.starts_on:%d/%m/%Y}",
        f"{b.ends_on:%d/%m/%Y}",
        f"{b.duration_days} j",
        "En retard",
        "Chemin critique",
    ):
        assert text in table, text
    row = next(r for r in table.split("<tr>") if "Préparer les parcelles" in r)
    assert "<td>Trouver le terrain</td>" in row  # the dependency column names it
    response = referent_client.get(reverse("projects:report_pdf", args=[project.pk]))
    pages = PdfReader(io.BytesIO(response.content)).pages
    pdf_text = " ".join(" ".join(page.extract_text() for page in pages).split())
    assert "Préparer les parcelles" in pdf_text and "Association Graines" in pdf_text


def test_workshop_list_counts_active_enrolments(referent_client, workshop, referent):
    SessionFactory(workshop=workshop, facilitator=referent)
    first, _second = enrolled(workshop, referent, 2)
    workshop_changes.enrolment_withdraw(enrolment=first, actor=referent, reason="Départ")
    text = page_text(referent_client.get(reverse("projects:workshops")))
    assert "<td>1</td><td>1</td></tr>" in text.replace("\n", "")
