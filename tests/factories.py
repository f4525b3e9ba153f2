"""factory_boy factories, one per model, with traits where useful."""

from __future__ import annotations

import datetime as _dt

import factory
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from relais.accounts.models import (
    Invitation,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    User,
    hash_token,
)
from relais.accounts.validators import luhn_is_valid
from relais.core.models import AccessLogEntry, JournalAction
from relais.diagnostics.models import Diagnostic, DomainAssessment
from relais.pathways.models import (
    Appointment,
    Goal,
    Note,
    Pathway,
    Review,
    Step,
)
from relais.people.models import Consent, Document, LifeEvent, Person

TEST_PASSWORD = "Motdepasse-Solide-42"


def valid_siret(n: int) -> str:
    base = f"{n:013d}"
    return next(base + d for d in "0123456789" if luhn_is_valid(base + d))


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Structure {n}")
    kind = OrganisationKind.CCAS
    siret = factory.Sequence(lambda n: valid_siret(1_000_000 + n))
    commune_code = "69123"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"pro{n}@exemple.fr")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.django.Password(TEST_PASSWORD)

    class Params:
        with_totp = factory.Trait(
            totp=factory.RelatedFactory(
                "tests.factories.TOTPDeviceFactory", factory_related_name="user"
            )
        )


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory)
    name = "Application"
    confirmed = True


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.REFERENT

    class Params:
        inactive = factory.Trait(is_active=False, deactivated_at=factory.LazyFunction(timezone.now))


class InvitationFactory(factory.django.DjangoModelFactory):
    """Use `raw_token` to know the link's token: `InvitationFactory(raw_token="abc")`."""

    class Meta:
        model = Invitation
        exclude = ["raw_token"]

    raw_token = factory.Sequence(lambda n: f"jeton-{n}")
    email = factory.Sequence(lambda n: f"invite{n}@exemple.fr")
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.REFERENT
    token_hash = factory.LazyAttribute(lambda o: hash_token(o.raw_token))
    expires_at = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(days=7))


class AccessLogEntryFactory(factory.django.DjangoModelFactory):
    """A journal entry about a record of `organisation`, written by `actor`."""

    class Meta:
        model = AccessLogEntry

    organisation = factory.SubFactory(OrganisationFactory)
    actor = factory.SubFactory(UserFactory)
    actor_email = factory.LazyAttribute(lambda o: o.actor.email if o.actor else "système")
    actor_organisation = factory.LazyAttribute(lambda o: o.organisation)
    action = JournalAction.VIEW
    target_type = "people.person"
    target_id = factory.Sequence(str)
    person_id = factory.Sequence(lambda n: 1000 + n)


# --- Accompaniment -------------------------------------------------------------------------


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    organisation = factory.SubFactory(OrganisationFactory)
    birth_name = factory.Faker("last_name", locale="fr_FR")
    first_names = factory.Faker("first_name", locale="fr_FR")
    birth_date = factory.Faker("date_of_birth", minimum_age=18, maximum_age=64)
    phone = "06 12 34 56 78"
    commune_code = "69123"
    created_by = factory.LazyAttribute(lambda o: o.referent)
    referent = None


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    person = factory.SubFactory(PersonFactory)
    purpose = "accompaniment"
    method = "oral_witness"
    witness_name = "Collègue témoin"
    decided_on = factory.LazyFunction(lambda: timezone.localdate())
    recorded_by = factory.SubFactory(UserFactory)


class LifeEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LifeEvent

    person = factory.SubFactory(PersonFactory)
    kind = "job_loss"
    occurred_on = _dt.date(2024, 3, 1)
    recorded_by = factory.SubFactory(UserFactory)


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    person = factory.SubFactory(PersonFactory)
    kind = "cv"
    title = "CV"
    file = factory.django.FileField(filename="cv.pdf", data=b"%PDF-1.4\n%test\n")
    original_name = "cv.pdf"
    content_type = "application/pdf"
    size = 15
    sha256 = factory.Sequence(lambda n: f"{n:064x}")
    uploaded_by = factory.SubFactory(UserFactory)


class DiagnosticFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Diagnostic

    person = factory.SubFactory(PersonFactory)
    assessed_on = factory.LazyFunction(lambda: timezone.localdate())
    author = factory.SubFactory(UserFactory)


class DomainAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DomainAssessment

    diagnostic = factory.SubFactory(DiagnosticFactory)
    domain = "housing"
    difficulty = 2
    situation = "Hébergé chez un ami."


class PathwayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pathway

    person = factory.SubFactory(PersonFactory)
    organisation = factory.LazyAttribute(lambda o: o.person.organisation)
    scheme = "rsa"
    referent = factory.SubFactory(UserFactory)
    started_on = factory.LazyFunction(lambda: timezone.localdate() - _dt.timedelta(days=60))
    next_review_on = factory.LazyFunction(lambda: timezone.localdate() + _dt.timedelta(days=30))


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    pathway = factory.SubFactory(PathwayFactory)
    text = "Obtenir le permis B"
    domain = "mobility"
    indicator = "Examen de conduite"
    target = "Réussi"
    deadline = factory.LazyFunction(lambda: timezone.localdate() + _dt.timedelta(days=180))


class StepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Step

    pathway = factory.SubFactory(PathwayFactory)
    kind = "training"
    title = "S'inscrire à l'auto-école sociale"
    planned_on = factory.LazyFunction(lambda: timezone.localdate() + _dt.timedelta(days=14))


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    pathway = factory.SubFactory(PathwayFactory)
    held_on = factory.LazyFunction(lambda: timezone.localdate())
    author = factory.SubFactory(UserFactory)


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Note

    person = factory.SubFactory(PersonFactory)
    occurred_on = factory.LazyFunction(lambda: timezone.localdate())
    body = "Entretien de suivi : point sur les démarches de logement."
    author = factory.SubFactory(UserFactory)


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appointment

    person = factory.SubFactory(PersonFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + _dt.timedelta(days=7))
    purpose = "Entretien de suivi"
    with_user = factory.SubFactory(UserFactory)


# --- Pathways: contract versions and exits (issue 3, pathways) ------------------------------


class ContractFactory(factory.django.DjangoModelFactory):
    """A version drawn up from the pathway's goals and steps as they are when it is built."""

    class Meta:
        model = "pathways.Contract"

    pathway = factory.SubFactory(PathwayFactory)
    number = factory.Sequence(lambda n: n + 1)
    content = factory.LazyAttribute(lambda o: _contract_snapshot(o.pathway)[0])
    content_hash = factory.LazyAttribute(lambda o: _contract_snapshot(o.pathway)[1])
    commitments_person = "Venir aux rendez-vous."
    commitments_organisation = "Accompagner la personne."
    generated_by = factory.SubFactory(UserFactory)

    class Params:
        signed = factory.Trait(
            signed_on=factory.LazyFunction(lambda: timezone.localdate()),
            signature_mode="handwritten",
        )


def _contract_snapshot(pathway):
    from relais.pathways.contract import snapshot

    return snapshot(pathway)


class ExitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "pathways.Exit"

    pathway = factory.SubFactory(PathwayFactory, status="closed", next_review_on=None)
    exited_on = factory.LazyFunction(lambda: timezone.localdate())
    category = "sustainable_employment"
    recorded_by = factory.SubFactory(UserFactory)


# --- Coordination (network) ---------------------------------------------------------------


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "network.Service"

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Service d'accompagnement {n}")
    description = "Accompagnement individuel vers l'emploi et l'accès aux droits."
    type = "accompagnement"
    thematiques = factory.LazyFunction(
        lambda: ["trouver-un-emploi", "trouver-un-emploi--repondre-a-des-offres-demploi"]
    )
    publics = factory.LazyFunction(lambda: ["tous-publics"])
    modes_accueil = factory.LazyFunction(lambda: ["en-presentiel"])
    commune_code = "69123"
    latitude = 45.7578
    longitude = 4.8320
    confirmed_on = factory.LazyFunction(lambda: timezone.localdate())


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "network.Referral"

    person = factory.SubFactory(PersonFactory)
    service = factory.SubFactory(ServiceFactory)
    sender_organisation = factory.LazyAttribute(lambda o: o.person.organisation)
    sender = factory.SubFactory(UserFactory)
    receiver_organisation = factory.LazyAttribute(lambda o: o.service.organisation)
    reason = "Recherche d'emploi après une formation."
    request = "Un premier entretien d'accompagnement."
    sent_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyFunction(lambda: timezone.now() + _dt.timedelta(days=30))


class CoordinationTeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "network.CoordinationTeam"

    person = factory.SubFactory(PersonFactory)


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "network.TeamMember"

    team = factory.SubFactory(CoordinationTeamFactory)
    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "Conseillère emploi"
    shared_categories = factory.LazyFunction(lambda: ["identity", "steps"])
    started_on = factory.LazyFunction(lambda: timezone.localdate())
    added_by = factory.SubFactory(UserFactory)


class CaseConferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "network.CaseConference"

    person = factory.SubFactory(PersonFactory)
    organisation = factory.LazyAttribute(lambda o: o.person.organisation)
    held_on = factory.LazyFunction(lambda: timezone.localdate())
    author = factory.SubFactory(UserFactory)


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "network.Partnership"

    source = factory.SubFactory(OrganisationFactory)
    target = factory.SubFactory(OrganisationFactory)
    kind = "agreement"
    declared_by = factory.SubFactory(UserFactory)


class IndexedServiceFactory(ServiceFactory):
    """A service with its ServiceThematique rows (each thématique and its category) and its
    ServiceZone rows, as the service layer keeps them: what the search filters on."""

    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def thematique_rows(obj, create, extracted, **kwargs):
        if not create:
            return
        from relais.network.directory.datainclusion import thematique_index_values
        from relais.network.directory.models import ServiceThematique

        codes = thematique_index_values(obj.thematiques)
        ServiceThematique.objects.bulk_create(
            [ServiceThematique(service=obj, thematique=code) for code in sorted(codes)],
            ignore_conflicts=True,
        )

    @factory.post_generation
    def zone_rows(obj, create, extracted, **kwargs):
        if not create:
            return
        from relais.network.directory.datainclusion import zone_index_values
        from relais.network.directory.models import ServiceZone

        codes = zone_index_values(obj.zone_eligibilite, located=obj.latitude is not None)
        ServiceZone.objects.bulk_create(
            [ServiceZone(service=obj, code=code) for code in sorted(codes)],
            ignore_conflicts=True,
        )


# --- Coordination team: a co-following professional of another organisation (teams) -------


def co_follower(
    person,
    *,
    categories=("identity", "steps"),
    domains=(),
    documents=(),
    health: bool = False,
    consent: str = "org",
    organisation=None,
    user=None,
    ended: bool = False,
    role: str = "Conseillère emploi",
):
    """A professional of another organisation in `person`'s coordination team, sharing
    `categories` (and `domains`, `documents`). `consent`: "org" (share_org naming the
    organisation), "category" (share_category for its kind) or "" (none recorded);
    `health`: the person's explicit agreement for the health category is recorded."""
    from relais.network.coordination.models import CoordinationTeam

    if organisation is None:
        organisation = OrganisationFactory(kind=OrganisationKind.MISSION_LOCALE)
    if user is None:
        user = MembershipFactory(organisation=organisation, role=Role.REFERENT).user
    if consent == "org":
        ConsentFactory(person=person, purpose="share_org", partner_organisation=organisation)
    elif consent == "category":
        ConsentFactory(person=person, purpose="share_category", partner_category=organisation.kind)
    team, _ = CoordinationTeam.objects.get_or_create(person=person)
    today = timezone.localdate()
    member = TeamMemberFactory(
        team=team,
        user=user,
        organisation=organisation,
        role=role,
        shared_categories=list(categories),
        shared_domains=list(domains),
        started_on=today - _dt.timedelta(days=30),
        health_consent_on=today - _dt.timedelta(days=30) if health else None,
        health_consent_method="oral_witness" if health else "",
        health_consent_witness="Collègue témoin" if health else "",
        ended_on=today if ended else None,
        end_reason="Fin de l'accompagnement" if ended else "",
    )
    if documents:
        member.shared_documents.set(documents)
    return member
