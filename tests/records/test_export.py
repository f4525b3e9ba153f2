"""Right of access: everything held about the person, in JSON and PDF."""

from __future__ import annotations

import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from relais.records import export
from tests.factories import (
    AppointmentFactory,
    ConsentFactory,
    DiagnosticFactory,
    DocumentFactory,
    DomainAssessmentFactory,
    GoalFactory,
    LifeEventFactory,
    NoteFactory,
    PathwayFactory,
    PersonFactory,
    ReviewFactory,
    StepFactory,
    UserFactory,
)
from tests.pdfs import pdf_title

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_record(organisation, referent):
    person = PersonFactory(
        organisation=organisation,
        referent=referent,
        birth_name="Dupré",
        first_names="Hélène",
        children_ages=[3, 7],
        resources=["rsa"],
    )
    ConsentFactory(person=person, recorded_by=referent)
    LifeEventFactory(person=person, recorded_by=referent, description="Licenciement économique")
    DocumentFactory(person=person, uploaded_by=referent, title="Carte d'identité")
    diagnostic = DiagnosticFactory(person=person, author=referent)
    DomainAssessmentFactory(diagnostic=diagnostic, situation="Hébergée chez sa sœur")
    pathway = PathwayFactory(person=person, referent=referent)
    goal = GoalFactory(pathway=pathway, text="Obtenir le permis B")
    StepFactory(pathway=pathway, goal=goal, title="Code de la route")
    ReviewFactory(pathway=pathway, author=referent, person_view="Je progresse")
    NoteFactory(person=person, author=referent, body="Note partagée")
    private_author = UserFactory(first_name="Zoé", last_name="Privée")
    NoteFactory(person=person, author=private_author, body="Note privée", visibility="author")
    AppointmentFactory(person=person, with_user=referent, purpose="Premier entretien")
    return person


def test_json_holds_everything(full_record, referent):
    data = export.as_json(export.person_export(full_record, actor=referent, for_the_person=True))
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    assert data["Identité et contact"]["Nom de naissance"] == "Dupré"
    assert data["Situation"]["Âge des enfants"] == ["3 ans", "7 ans"]
    assert data["Situation"]["Ressources"] == ["RSA"]
    for expected in [
        "Accompagnement et traitement des données",
        "Licenciement économique",
        "Carte d'identité",
        "Hébergée chez sa sœur",
        "Obtenir le permis B",
        "Code de la route",
        "Je progresse",
        "Note partagée",
        "Premier entretien",
    ]:
        assert expected in text
    # Notes visible to their author only are part of the person's right of access.
    notes = data["Écrits professionnels"]
    private = next(n for n in notes if n["Contenu"] == "Note privée")
    assert private["Auteur"] == "Zoé Privée"
    assert private["Visible par"] == "Moi seul·e"
    # A professional's own copy leaves out another professional's private notes.
    own_copy = export.as_json(export.person_export(full_record, actor=referent))
    contents = [n["Contenu"] for n in own_copy["Écrits professionnels"]]
    assert "Note partagée" in contents and "Note privée" not in contents
    assert data["Identité et contact"]["Date de naissance"] == full_record.birth_date.isoformat()
    pathway = data["Parcours"][0]
    assert pathway["Objectifs"][0]["Objectif"] == "Obtenir le permis B"
    assert pathway["Sortie"] == []


def test_pdf_is_titled_with_the_persons_name(full_record, referent):
    pdf = export.render_pdf(export.person_export(full_record, actor=referent))
    assert pdf.startswith(b"%PDF")
    assert pdf_title(pdf) == "DUPRÉ Hélène"


def test_html_in_text_is_escaped_in_the_pdf_source(referent):
    from django.template.loader import render_to_string

    person = PersonFactory(birth_name="<script>alert(1)</script>")
    html = render_to_string(
        "records/export_pdf.html", {"export": export.person_export(person, actor=referent)}
    )
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_what_went_to_other_organisations_is_in_the_export(referent):
    """#9, defect 3: referrals (what was shared, with whom, when, the status history), the
    coordination team and the case conferences with their minutes (art. 15: the recipients)."""
    import datetime as dt

    from django.utils import timezone

    from relais.network.coordination.models import ConferenceDecision
    from relais.network.referrals.models import ReferralTransition
    from tests.factories import (
        CaseConferenceFactory,
        CoordinationTeamFactory,
        DocumentFactory,
        OrganisationFactory,
        ReferralFactory,
        ServiceFactory,
        TeamMemberFactory,
    )

    person = PersonFactory(organisation=referent.memberships.get().organisation)
    partner = OrganisationFactory(name="Mission locale Lyon Est")
    service = ServiceFactory(organisation=partner, name="Garantie jeunes")
    cv = DocumentFactory(person=person, uploaded_by=referent, title="CV à jour")
    referral = ReferralFactory(
        person=person,
        service=service,
        sender=referent,
        shared_categories=["identity", "diagnostic"],
        shared_domains=["housing"],
        reason="Recherche d'un premier emploi.",
        status="accepted",
    )
    referral.attachments.set([cv])
    sent = timezone.now() - dt.timedelta(days=3)
    ReferralTransition.objects.create(
        referral=referral, from_status="", to_status="sent", actor=referent, at=sent
    )
    ReferralTransition.objects.create(
        referral=referral,
        from_status="sent",
        to_status="accepted",
        actor_organisation=partner,
        at=sent + dt.timedelta(days=1),
        comment="Rendez-vous proposé.",
    )
    team = CoordinationTeamFactory(person=person)
    TeamMemberFactory(
        team=team,
        organisation=partner,
        user__first_name="Karim",
        user__last_name="Benali",
        role="Conseiller emploi",
        shared_categories=["identity", "steps"],
    )
    conference = CaseConferenceFactory(
        person=person,
        organisation=person.organisation,
        author=referent,
        agenda="Point logement",
        minutes="Dossier DALO à relancer.",
    )
    conference.participants.set([referent])
    ConferenceDecision.objects.create(
        conference=conference, text="Relancer le DALO", owner_name="CCAS"
    )

    data = export.as_json(export.person_export(person, actor=referent))
    [sent_referral] = data["Orientations vers des partenaires"]
    assert sent_referral["Structure destinataire"] == "Mission locale Lyon Est"
    assert sent_referral["Service"] == "Garantie jeunes"
    assert sent_referral["Informations partagées"] == [
        "Identité et coordonnées",
        "Diagnostic (domaines choisis)",
    ]
    assert sent_referral["Domaines du diagnostic partagés"] == ["Logement et hébergement"]
    assert sent_referral["Pièces jointes"] == ["CV à jour"]
    assert sent_referral["Motif de l'orientation"] == "Recherche d'un premier emploi."
    assert sent_referral["Statut"] == "Acceptée"
    history = sent_referral["Historique"]
    assert [h["Statut"] for h in history] == ["Envoyée", "Acceptée"]
    assert history[1]["Par"] == "Mission locale Lyon Est"
    assert history[1]["Commentaire"] == "Rendez-vous proposé."
    [member] = data["Équipe de coordination"]
    assert member["Professionnel"] == "Karim Benali"
    assert member["Structure"] == "Mission locale Lyon Est"
    assert member["Informations partagées"] == ["Identité et coordonnées", "Étapes du parcours"]
    [meeting] = data["Réunions de synthèse"]
    assert meeting["Compte rendu"] == "Dossier DALO à relancer."
    assert meeting["Ordre du jour"] == "Point logement"
    assert meeting["Décisions"][0]["Décision"] == "Relancer le DALO"
    pdf = export.render_pdf(export.person_export(person, actor=referent))
    assert pdf.startswith(b"%PDF")
