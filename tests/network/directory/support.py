"""Shared set-up for the directory tests (no test here): a service with every field,
created through the service, the index rows the search reads, and the data of the
export → import round trips with their export as the export pages make it."""

from __future__ import annotations

from relais.network.directory.models import Service, ServiceThematique, ServiceZone
from relais.network.directory.services import external_organisation_create, service_create
from tests.factories import MembershipFactory, OrganisationFactory

PERMIS = "mobilite--preparer-un-permis"

VEHICULE = "mobilite--acceder-a-un-vehicule"

CV = "preparer-sa-candidature--realiser-un-cv-et-ou-une-lettre-de-motivation"


def full_service(organisation, actor, **overrides):
    values = {
        "name": "Auto-école sociale",
        "description": "Préparation au permis B avec un accompagnement adapté.",
        "type": "formation",
        "thematiques": [PERMIS, VEHICULE],
        "frais": ["payant"],
        "frais_precisions": "Participation de 50 €.",
        "publics": ["demandeurs-emploi", "jeunes"],
        "publics_precisions": "Inscrits à France Travail.",
        "conditions_acces": "Avoir le code.",
        "phone": "+33 4 72 00 00 00",
        "email": "permis@exemple.fr",
        "modes_accueil": ["en-presentiel"],
        "zone_eligibilite": ["69", "200046977"],
        "modes_mobilisation": ["telephoner", "envoyer-un-courriel"],
        "mobilisable_par": ["professionnels"],
        "mobilisation_precisions": "Fiche de liaison.",
        "lien_mobilisation": "https://exemple.fr/inscription",
        "horaires_accueil": "Mo-Fr 09:00-12:00",
        "volume_horaire_hebdomadaire": 6.5,
        "nombre_semaines": 12,
        "address": "12 rue de la République",
        "postal_code": "",
        "commune_code": "69266",
        "latitude": None,
        "longitude": None,
    }
    values.update(overrides)
    return service_create(organisation=organisation, actor=actor, **values)


def rows_of(service):
    return set(
        ServiceThematique.objects.filter(service=service).values_list("thematique", flat=True)
    )


def zone_rows_of(service):
    return set(ServiceZone.objects.filter(service=service).values_list("code", flat=True))


def round_trip_data():
    organisation = OrganisationFactory(
        name="PLIE Uni-Est",
        networks=["plie"],
        address="2 rue Paul Verlaine",
        phone="04 78 00 00 00",
        email="contact@plie.example",
        website="https://plie.example/",
        description="Le PLIE accompagne vers l'emploi.",
    )
    manager = MembershipFactory(organisation=organisation, role="manager")
    full_service(organisation, manager.user)
    full_service(
        organisation,
        manager.user,
        name="Atelier CV",
        thematiques=[CV],
        frais=[],
        publics=["tous-publics"],
    )
    partner = external_organisation_create(
        actor=manager.user, name="Garage solidaire", kind="association", commune_code="69259"
    )
    full_service(partner, manager.user, name="Réparation de véhicules", commune_code="69259")
    return organisation, partner, manager


def export_of(organisations):
    organisations = sorted(organisations, key=lambda o: o.pk)
    services = (
        Service.objects.published()
        .filter(organisation__in=organisations)
        .select_related("organisation")
        .order_by("organisation_id", "pk")
    )
    return organisations, list(services)
