"""Shared set-up for the data·inclusion import tests (no test here): good CSV rows of a
structure and of one of its services, files made of them, and running the import."""

from __future__ import annotations

from relais.accounts.models import Organisation
from relais.network.directory.catalogue_import import catalogue_import
from relais.network.directory.datainclusion.reading import ImportFile
from relais.network.directory.models import Service, ServiceThematique
from tests.factories import valid_siret

TODAY = "2025-03-01"

SIRET_A = valid_siret(5_000_001)

SIRET_B = valid_siret(5_000_002)

STRUCTURE_HEADER = (
    "source,id,nom,date_maj,siret,code_insee,adresse,telephone,courriel,reseaux_porteurs"
)

SERVICE_HEADER = (
    "source,structure_id,id,nom,description,date_maj,type,thematiques,publics,modes_accueil,"
    "zone_eligibilite,code_insee,latitude,longitude,frais,contact_nom_prenom"
)


def structures_csv(*rows: str, header: str = STRUCTURE_HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def services_csv(*rows: str, header: str = SERVICE_HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


GOOD_STRUCTURE = (
    f"dora,dora--s1,Épicerie solidaire des Pentes,{TODAY},{SIRET_A},69123,"
    "3 rue Diderot,04 72 00 00 01,contact@epicerie.example,banques-alimentaires"
)

GOOD_SERVICE = (
    f"dora,dora--s1,dora--sv1,Aide alimentaire,Colis et épicerie à petits prix.,{TODAY},"
    'aide-materielle,"equipement-et-alimentation--alimentation|famille--soutien-a-la-parentalite-et-a-leducation",'
    "familles|jeunes,en-presentiel,69,69123,,,gratuit,Jeanne Martin"
)


def as_files(structures: str | bytes | None = None, services: str | bytes | None = None):
    files = []
    if structures is not None:
        content = structures.encode() if isinstance(structures, str) else structures
        files.append(ImportFile("structures.csv", content, "structures"))
    if services is not None:
        content = services.encode() if isinstance(services, str) else services
        files.append(ImportFile("services.csv", content, "services"))
    return files


def run_import(files, *, membership=None):
    return catalogue_import(
        files,
        actor=membership.user if membership else None,
        membership=membership,
        as_admin=membership is None,
    )


def errors_of(report) -> list[tuple[int | None, str]]:
    return [(p.line, p.field) for p in report.errors]


def nothing_written(before_orgs: int, before_services: int) -> bool:
    return (
        Organisation.objects.count() == before_orgs
        and Service.objects.count() == before_services
        and not ServiceThematique.objects.exists()
    )
